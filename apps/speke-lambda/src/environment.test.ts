import { describe, expect, it } from 'vitest';
import { DEFAULT_BODY_LIMIT, DEFAULT_TENANT_ID, readLambdaSettings, SETTING_VARIABLES } from './environment.js';
import { SpekeLambdaError } from './errors.js';

const SEED = 'c2VlZC1vZi10aGUtdGVzdHMtbm90LWEtcmVhbC1zZWVkLWF0LWFsbA==';

function configFailure(env: Record<string, string>): SpekeLambdaError {
  try {
    readLambdaSettings(env);
  } catch (error) {
    expect(error).toBeInstanceOf(SpekeLambdaError);
    expect((error as SpekeLambdaError).code).toBe('ERR_SPEKE_LAMBDA_CONFIG');
    expect((error as SpekeLambdaError).status).toBe(500);
    return error as SpekeLambdaError;
  }
  throw new Error('expected a configuration error');
}

describe('readLambdaSettings', () => {
  it('has defaults for everything but the key seed', () => {
    expect(
      readLambdaSettings({ CPIXKIT_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:seed' }),
    ).toEqual({
      tenantId: DEFAULT_TENANT_ID,
      secrets: { kind: 'secrets-manager', secretId: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:seed' },
      tenantSettings: {},
      bodyLimit: DEFAULT_BODY_LIMIT,
    });
  });

  it('reads the key seed and derivation secret from the environment for tests', () => {
    expect(readLambdaSettings({ CPIXKIT_KEY_SEED: SEED }).secrets).toEqual({ kind: 'environment', keySeed: SEED });
    expect(readLambdaSettings({ CPIXKIT_KEY_SEED: SEED, CPIXKIT_DERIVATION_SECRET: 'other' }).secrets).toEqual({
      kind: 'environment',
      keySeed: SEED,
      derivationSecret: 'other',
    });
  });

  it('refuses no seed, two seed sources, or a derivation secret alone, without quoting values', () => {
    expect(configFailure({}).message).toContain('CPIXKIT_SECRET_ARN');
    const both = configFailure({ CPIXKIT_SECRET_ARN: 'arn', CPIXKIT_KEY_SEED: SEED });
    expect(both.message).not.toContain(SEED);
    expect(configFailure({ CPIXKIT_DERIVATION_SECRET: SEED }).message).not.toContain(SEED);
  });

  it('treats empty variables (unfilled SAM parameters) as unset', () => {
    const settings = readLambdaSettings({
      CPIXKIT_KEY_SEED: SEED,
      CPIXKIT_SECRET_ARN: '',
      CPIXKIT_TENANT_ID: '',
      CPIXKIT_PLAYREADY_LA_URL: '',
      CPIXKIT_TENANT_SETTINGS: ' ',
    });
    expect(settings.tenantId).toBe(DEFAULT_TENANT_ID);
    expect(settings.tenantSettings).toEqual({});
  });

  it('applies one-setting variables over CPIXKIT_TENANT_SETTINGS', () => {
    const settings = readLambdaSettings({
      CPIXKIT_KEY_SEED: SEED,
      CPIXKIT_TENANT_ID: 'acme',
      CPIXKIT_TENANT_SETTINGS: JSON.stringify({
        playReady: { laUrl: 'https://old.example/rightsmanager.asmx', includeChecksum: true },
        widevine: { protectionScheme: false },
      }),
      CPIXKIT_PLAYREADY_LA_URL: 'https://pr.example/rightsmanager.asmx?a=1&b=2',
      CPIXKIT_PLAYREADY_HEADER_VERSION: '4.3.0.0',
      CPIXKIT_PLAYREADY_CHECKSUM: 'false',
      CPIXKIT_MAX_KEYS_PER_REQUEST: '8',
      CPIXKIT_KID_POLICY: 'derive',
    });
    expect(settings.tenantId).toBe('acme');
    expect(settings.tenantSettings).toEqual({
      playReady: {
        laUrl: 'https://pr.example/rightsmanager.asmx?a=1&b=2',
        includeChecksum: false,
        headerVersion: '4.3.0.0',
      },
      widevine: { protectionScheme: false },
      maxKeysPerRequest: 8,
      kidPolicy: 'derive',
    });
  });

  it('maps every one-setting variable to a distinct setting', () => {
    const paths = SETTING_VARIABLES.map((variable) => variable.path.join('.'));
    expect(new Set(paths).size).toBe(paths.length);
    expect(SETTING_VARIABLES.every((variable) => variable.name.startsWith('CPIXKIT_'))).toBe(true);
  });

  it('refuses malformed values, naming the variable', () => {
    expect(configFailure({ CPIXKIT_KEY_SEED: SEED, CPIXKIT_PLAYREADY_CHECKSUM: 'yes' }).message).toContain(
      'CPIXKIT_PLAYREADY_CHECKSUM',
    );
    expect(configFailure({ CPIXKIT_KEY_SEED: SEED, CPIXKIT_MAX_KEYS_PER_REQUEST: '-1' }).message).toContain(
      'CPIXKIT_MAX_KEYS_PER_REQUEST',
    );
    expect(configFailure({ CPIXKIT_KEY_SEED: SEED, CPIXKIT_TENANT_SETTINGS: '{' }).message).toContain(
      'CPIXKIT_TENANT_SETTINGS',
    );
    expect(configFailure({ CPIXKIT_KEY_SEED: SEED, CPIXKIT_TENANT_SETTINGS: '[]' }).message).toContain('object');
    expect(
      configFailure({
        CPIXKIT_KEY_SEED: SEED,
        CPIXKIT_TENANT_SETTINGS: '{"playReady": "x"}',
        CPIXKIT_PLAYREADY_LA_URL: 'https://pr.example/',
      }).message,
    ).toContain('CPIXKIT_PLAYREADY_LA_URL');
    expect(configFailure({ CPIXKIT_KEY_SEED: SEED, CPIXKIT_PUBLIC_URL: 'not a url' }).message).toContain(
      'CPIXKIT_PUBLIC_URL',
    );
    expect(configFailure({ CPIXKIT_KEY_SEED: SEED, CPIXKIT_PUBLIC_URL: 'ftp://x.example' }).message).toContain(
      'CPIXKIT_PUBLIC_URL',
    );
    expect(configFailure({ CPIXKIT_KEY_SEED: SEED, CPIXKIT_BODY_LIMIT: '0' }).message).toContain('CPIXKIT_BODY_LIMIT');
  });

  it('refuses a misspelt CPIXKIT_ variable and ignores everything else', () => {
    expect(configFailure({ CPIXKIT_KEY_SEED: SEED, CPIXKIT_PLAYREADY_LAURL: 'x' }).message).toContain(
      'CPIXKIT_PLAYREADY_LAURL',
    );
    expect(readLambdaSettings({ CPIXKIT_KEY_SEED: SEED, AWS_REGION: 'us-east-1', PATH: '/usr/bin' }).tenantId).toBe(
      DEFAULT_TENANT_ID,
    );
  });

  it('keeps the public URL without trailing slashes and the body limit', () => {
    const settings = readLambdaSettings({
      CPIXKIT_KEY_SEED: SEED,
      CPIXKIT_PUBLIC_URL: 'https://drm.example/prod/',
      CPIXKIT_BODY_LIMIT: '2048',
    });
    expect(settings.publicUrl).toBe('https://drm.example/prod');
    expect(settings.bodyLimit).toBe(2048);
  });
});
