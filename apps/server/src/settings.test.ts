import { describe, expect, it } from 'vitest';
import { readServerSettings } from './settings.js';

/** A token that passes the strength check: random base64url of 32 characters and a prefix. */
const STRONG = 'cpx_Qm9vdHN0cmFwLXRva2VuLTAxMjM0NTY3';

describe('readServerSettings', () => {
  it('has loopback defaults and a data directory relative to cwd', () => {
    expect(readServerSettings({}, '/srv/app')).toEqual({
      port: 8080,
      host: '127.0.0.1',
      logLevel: 'info',
      bodyLimit: 1024 * 1024,
      dataDir: '/srv/app/.cpixkit',
      requestTimeoutMs: 10_000,
      maxConnections: 1024,
      authFailuresPerMinute: 30,
      metricsTenantLabels: false,
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
        CPIXKIT_DEV_TOKEN: STRONG,
        CPIXKIT_PUBLIC_URL: 'https://keys.example.com/',
        CPIXKIT_ALLOWED_HOSTS: 'keys.example.com, Keys2.example.com:8443',
        REQUEST_TIMEOUT_MS: '5000',
        MAX_CONNECTIONS: '64',
        AUTH_FAILURES_PER_MINUTE: '0',
        CPIXKIT_METRICS_TOKEN: `${STRONG}-metrics`,
        CPIXKIT_METRICS_TENANT_LABELS: 'true',
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
      devToken: STRONG,
      publicUrl: 'https://keys.example.com',
      allowedHosts: ['keys.example.com', 'keys2.example.com'],
      requestTimeoutMs: 5000,
      maxConnections: 64,
      authFailuresPerMinute: 0,
      metricsToken: `${STRONG}-metrics`,
      metricsTenantLabels: true,
    });
  });

  it.each([
    [{ PORT: 'http' }, /PORT must be an integer/],
    [{ PORT: '70000' }, /PORT must be an integer from 0 to 65535/],
    [{ BODY_LIMIT: '-1' }, /BODY_LIMIT/],
    [{ TLS_CERT: 'cert.pem' }, /TLS_CERT and TLS_KEY must be set together/],
    [{ CPIXKIT_PUBLIC_URL: 'ftp://x' }, /CPIXKIT_PUBLIC_URL must be an http or https URL/],
    [{ CPIXKIT_PUBLIC_URL: 'not a url' }, /CPIXKIT_PUBLIC_URL is not a URL/],
    [{ CPIXKIT_DEV_TOKEN: 'a' }, /CPIXKIT_DEV_TOKEN is too weak/],
    [{ CPIXKIT_DEV_TOKEN: 'ab'.repeat(20) }, /CPIXKIT_DEV_TOKEN is too weak/],
    [{ CPIXKIT_METRICS_TOKEN: 'metrics' }, /CPIXKIT_METRICS_TOKEN is too weak/],
    [
      { HOST: '0.0.0.0' },
      /HOST 0\.0\.0\.0 is not a loopback address: set CPIXKIT_PUBLIC_URL \(https\) or CPIXKIT_ALLOWED_HOSTS/,
    ],
    [{ HOST: '0.0.0.0', CPIXKIT_PUBLIC_URL: 'http://keys.example.com' }, /CPIXKIT_PUBLIC_URL must be an https URL/],
    [{ CPIXKIT_ALLOWED_HOSTS: 'a b' }, /CPIXKIT_ALLOWED_HOSTS: "a b" is not a host name/],
    [{ CPIXKIT_METRICS_TENANT_LABELS: 'yes' }, /CPIXKIT_METRICS_TENANT_LABELS must be true or false/],
    [{ REQUEST_TIMEOUT_MS: '10' }, /REQUEST_TIMEOUT_MS must be an integer from 100/],
  ])('rejects %o', (env, message) => {
    expect(() => readServerSettings(env)).toThrow(message);
    expect(() => readServerSettings(env)).toThrow(expect.objectContaining({ code: 'ERR_SERVER_CONFIG' }));
  });

  it('takes the Host of a request on loopback only, or with allowed hosts, or a public https URL, or http on loopback', () => {
    expect(readServerSettings({ HOST: '127.0.0.1' }).publicUrl).toBeUndefined();
    expect(readServerSettings({ HOST: '::1' }).host).toBe('::1');
    expect(readServerSettings({ HOST: '0.0.0.0', CPIXKIT_ALLOWED_HOSTS: 'keys.example.com' }).allowedHosts).toEqual([
      'keys.example.com',
    ]);
    expect(readServerSettings({ HOST: '0.0.0.0', CPIXKIT_PUBLIC_URL: 'https://keys.example.com' }).publicUrl).toBe(
      'https://keys.example.com',
    );
    expect(readServerSettings({ CPIXKIT_PUBLIC_URL: 'http://127.0.0.1:8080' }).publicUrl).toBe('http://127.0.0.1:8080');
  });
});
