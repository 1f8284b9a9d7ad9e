import { describe, expect, it } from 'vitest';
import { readServerSettings } from './settings.js';

describe('readServerSettings', () => {
  it('has loopback defaults and a data directory relative to cwd', () => {
    expect(readServerSettings({}, '/srv/app')).toEqual({
      port: 8080,
      host: '127.0.0.1',
      logLevel: 'info',
      bodyLimit: 1024 * 1024,
      dataDir: '/srv/app/.cpixkit',
    });
  });

  it('reads every variable', () => {
    const settings = readServerSettings(
      {
        PORT: '9000',
        HOST: '0.0.0.0',
        LOG_LEVEL: 'warn',
        TLS_CERT: 'tls/cert.pem',
        TLS_KEY: '/etc/tls/key.pem',
        BODY_LIMIT: '2048',
        CPIXKIT_CONFIG: 'tenants.yaml',
        CPIXKIT_DATA_DIR: '/var/lib/cpixkit',
        DATABASE_URL: 'postgres://db/keys',
        CPIXKIT_MASTER_KEY: 'k',
        CPIXKIT_DEV_TOKEN: 't',
        CPIXKIT_PUBLIC_URL: 'https://keys.example.com/',
      },
      '/srv/app',
    );
    expect(settings).toEqual({
      port: 9000,
      host: '0.0.0.0',
      logLevel: 'warn',
      tls: { certPath: '/srv/app/tls/cert.pem', keyPath: '/etc/tls/key.pem' },
      bodyLimit: 2048,
      configPath: '/srv/app/tenants.yaml',
      dataDir: '/var/lib/cpixkit',
      databaseUrl: 'postgres://db/keys',
      masterKey: 'k',
      devToken: 't',
      publicUrl: 'https://keys.example.com',
    });
  });

  it.each([
    [{ PORT: 'http' }, /PORT must be an integer/],
    [{ PORT: '70000' }, /PORT must be an integer from 0 to 65535/],
    [{ BODY_LIMIT: '-1' }, /BODY_LIMIT/],
    [{ TLS_CERT: 'cert.pem' }, /TLS_CERT and TLS_KEY must be set together/],
    [{ CPIXKIT_PUBLIC_URL: 'ftp://x' }, /CPIXKIT_PUBLIC_URL must be an http or https URL/],
    [{ CPIXKIT_PUBLIC_URL: 'not a url' }, /CPIXKIT_PUBLIC_URL is not a URL/],
  ])('rejects %o', (env, message) => {
    expect(() => readServerSettings(env)).toThrow(message);
    expect(() => readServerSettings(env)).toThrow(expect.objectContaining({ code: 'ERR_SERVER_CONFIG' }));
  });
});
