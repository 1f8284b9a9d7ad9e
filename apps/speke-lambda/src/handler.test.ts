import { randomBytes } from 'node:crypto';
import type { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { seedDocument } from '../../../tooling/src/fixtures.js';
import { functionUrlEvent, httpApiEvent, restApiEvent } from '../test/events.js';
import { SpekeLambdaError } from './errors.js';
import { createSpekeHandler, type RequestLogEntry, type SpekeHandlerOptions, USER_AGENT } from './handler.js';
import type { SecretsClient } from './secrets.js';

const SPEKE_V2 = seedDocument('axinomSpekeV2Request').replaceAll(
  'commonEncryptionScheme="cenc"',
  'commonEncryptionScheme="cbcs"',
);
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:cpixkit-key-seed-Q1w2E3';
const KEY_SEED = randomBytes(48).toString('base64');
const V2_REQUEST = {
  method: 'POST',
  path: '/speke/v2.0/copyProtection',
  headers: { 'Content-Type': 'application/xml', 'X-Speke-Version': '2.0' },
  body: SPEKE_V2,
};

/** A Secrets Manager client that answers after a tick, counting its calls. */
function fakeSecretsClient(answers: (() => Promise<{ SecretString?: string }>)[]): SecretsClient & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async send(command: GetSecretValueCommand) {
      calls.push(command.input.SecretId!);
      const answer = answers[Math.min(calls.length, answers.length) - 1]!;
      await new Promise((resolve) => setTimeout(resolve, 2));
      return answer();
    },
  };
}

const secretJson = async () => ({ SecretString: JSON.stringify({ keySeed: KEY_SEED }) });

function handlerWith(env: Record<string, string>, options: Omit<SpekeHandlerOptions, 'env'> = {}) {
  const log: RequestLogEntry[] = [];
  return { handler: createSpekeHandler({ env, log: (entry) => log.push(entry), ...options }), log };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the key seed from Secrets Manager', () => {
  it('is fetched once for concurrent cold-start requests and gives the keys of the same seed from the environment', async () => {
    const client = fakeSecretsClient([secretJson]);
    const { handler } = handlerWith({ CPIXKIT_SECRET_ARN: SECRET_ARN }, { secretsClient: client });
    const answers = await Promise.all(Array.from({ length: 12 }, () => handler(httpApiEvent(V2_REQUEST))));
    expect(client.calls).toEqual([SECRET_ARN]);
    expect(answers.every((answer) => answer.statusCode === 200)).toBe(true);
    expect(new Set(answers.map((answer) => answer.body)).size).toBe(1);

    await handler(restApiEvent(V2_REQUEST));
    expect(client.calls).toHaveLength(1);

    const fromEnvironment = handlerWith({ CPIXKIT_KEY_SEED: KEY_SEED }).handler;
    expect((await fromEnvironment(httpApiEvent(V2_REQUEST))).body).toBe(answers[0]!.body);
  });

  it('is fetched again on the next request after a failure, which is answered 503 with Retry-After', async () => {
    const throttled = () => Promise.reject(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const client = fakeSecretsClient([throttled, secretJson]);
    const { handler, log } = handlerWith({ CPIXKIT_SECRET_ARN: SECRET_ARN }, { secretsClient: client });
    const failed = await handler(functionUrlEvent(V2_REQUEST));
    expect(failed.statusCode).toBe(503);
    expect(failed.headers).toMatchObject({ 'retry-after': '5', 'x-cpixkit-error': 'ERR_SPEKE_LAMBDA_SECRET' });
    expect(failed.body).toBe(
      'ERR_SPEKE_LAMBDA_SECRET: cannot read the key seed secret from Secrets Manager (ThrottlingException)\n',
    );
    const retried = await handler(functionUrlEvent(V2_REQUEST));
    expect(retried.statusCode).toBe(200);
    expect(client.calls).toHaveLength(2);
    expect(log.map((entry) => [entry.status, entry.code])).toEqual([
      [503, 'ERR_SPEKE_LAMBDA_SECRET'],
      [200, undefined],
    ]);
  });

  it('answers 500 without quoting the secret when it is not the expected JSON', async () => {
    const client = fakeSecretsClient([async () => ({ SecretString: KEY_SEED })]);
    const { handler } = handlerWith({ CPIXKIT_SECRET_ARN: SECRET_ARN }, { secretsClient: client });
    const answer = await handler(restApiEvent(V2_REQUEST));
    expect(answer.statusCode).toBe(500);
    expect(answer.body).toMatch(/^ERR_SPEKE_LAMBDA_SECRET: /);
    expect(answer.body).not.toContain(KEY_SEED.slice(0, 10));
  });

  it('answers 500 when the secret holds a seed the engine refuses, naming the field only', async () => {
    const client = fakeSecretsClient([async () => ({ SecretString: JSON.stringify({ keySeed: 'c2hvcnQ=' }) })]);
    const { handler } = handlerWith({ CPIXKIT_SECRET_ARN: SECRET_ARN }, { secretsClient: client });
    const answer = await handler(restApiEvent(V2_REQUEST));
    expect(answer.statusCode).toBe(500);
    expect(answer.body).toMatch(/^ERR_SPEKE_LAMBDA_CONFIG: the tenant configuration is invalid: keySeed: /);
    expect(answer.body).not.toContain('c2hvcnQ=');
  });
});

describe('createSpekeHandler', () => {
  it('answers the heartbeat without reading any configuration', async () => {
    const { handler } = handlerWith({});
    const answer = await handler(restApiEvent({ method: 'GET', path: '/speke/v1.0/heartbeat' }));
    expect(answer.statusCode).toBe(200);
    expect(answer.headers).toEqual({ 'content-type': 'text/plain; charset=utf-8' });
  });

  it('answers 500 ERR_SPEKE_LAMBDA_CONFIG to key requests while the environment is incomplete or wrong', async () => {
    const environments: Record<string, string>[] = [
      {},
      { CPIXKIT_KEY_SEED: KEY_SEED, CPIXKIT_PLAYREADY_HEADER_VERSION: '5.0.0.0' },
    ];
    for (const env of environments) {
      const answer = await handlerWith(env).handler(httpApiEvent(V2_REQUEST));
      expect(answer.statusCode).toBe(500);
      expect(answer.headers).toMatchObject({ 'x-cpixkit-error': 'ERR_SPEKE_LAMBDA_CONFIG' });
      expect(answer.body).not.toContain(KEY_SEED);
    }
  });

  it('uses CPIXKIT_PUBLIC_URL for key-delivery URLs instead of the domain the event names', async () => {
    const live = seedDocument('awsLiveRequest');
    // The AWS sample gives one key FairPlay and HLS AES-128, which the tenant must allow.
    const { handler } = handlerWith({
      CPIXKIT_KEY_SEED: KEY_SEED,
      CPIXKIT_PUBLIC_URL: 'https://drm.example/speke/',
      CPIXKIT_TENANT_SETTINGS: JSON.stringify({ aes128: { allowDrmKeys: true } }),
    });
    const answer = await handler(restApiEvent({ method: 'POST', path: '/speke/v1.0/copyProtection', body: live }));
    const uri = /<cpix:URIExtXKey>([^<]+)</.exec(answer.body)![1]!;
    expect(Buffer.from(uri, 'base64').toString('utf8')).toMatch(
      /^https:\/\/drm\.example\/speke\/keys\/speke\/98ee5596-/,
    );
  });

  it('answers a key request with the engine headers and its own user agent', async () => {
    const answer = await handlerWith({ CPIXKIT_KEY_SEED: KEY_SEED }).handler(restApiEvent(V2_REQUEST));
    expect(answer.headers).toEqual({
      'cache-control': 'no-store',
      'content-type': 'application/xml; charset=utf-8',
      'x-speke-version': '2.0',
      'x-speke-user-agent': USER_AGENT,
      // Axinom's sample, read leniently: an explicitIV in non-canonical base64 (…KrG==); with cbcs
      // keys, its PlayReady Smooth Streaming placeholders removed and 4.3.0.0 headers written.
      'x-cpixkit-warnings': 'NON_CANONICAL_BASE64, PLACEHOLDER_REMOVED_FOR_SCHEME, PLAYREADY_HEADER_4_3',
    });
    expect(USER_AGENT).toMatch(/^cpixkit-speke-lambda\/\d+\.\d+\.\d+/);
  });

  it('refuses an event that is not an HTTP request, so that Lambda records the failure', async () => {
    const { handler } = handlerWith({ CPIXKIT_KEY_SEED: KEY_SEED });
    await expect(handler({ Records: [] } as never)).rejects.toBeInstanceOf(SpekeLambdaError);
  });

  it('answers an unexpected failure 500 and logs only the error name', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const broken: SecretsClient = { send: async () => null as never };
    const { handler, log } = handlerWith({ CPIXKIT_SECRET_ARN: SECRET_ARN }, { secretsClient: broken });
    const answer = await handler(restApiEvent(V2_REQUEST));
    expect(answer.statusCode).toBe(500);
    expect(answer.body).toBe('ERR_SPEKE_LAMBDA_INTERNAL: internal error\n');
    expect(errors).toHaveBeenCalledTimes(1);
    expect(JSON.parse(errors.mock.calls[0]![0] as string)).toEqual({
      level: 'error',
      msg: 'request failed',
      error: 'TypeError',
    });
    expect(log[0]).toMatchObject({ status: 500, code: 'ERR_SPEKE_LAMBDA_INTERNAL' });
  });

  it('writes one JSON line per request to stdout by default', async () => {
    const lines = vi.spyOn(console, 'log').mockImplementation(() => {});
    const handler = createSpekeHandler({ env: { CPIXKIT_KEY_SEED: KEY_SEED } });
    await handler(httpApiEvent(V2_REQUEST));
    await handler(httpApiEvent({ method: 'GET', path: '/nowhere' }));
    expect(lines).toHaveBeenCalledTimes(2);
    const entries = lines.mock.calls.map((call) => JSON.parse(call[0] as string) as RequestLogEntry);
    expect(entries[0]).toMatchObject({
      method: 'POST',
      route: '/speke/v2.0/copyProtection',
      status: 200,
      dialect: 'speke-v2',
      keysIssued: 2,
    });
    expect(entries[1]).toMatchObject({
      method: 'GET',
      route: 'unmatched',
      status: 404,
      code: 'ERR_KEY_SERVICE_NOT_FOUND',
    });
    expect(JSON.stringify(entries)).not.toContain(KEY_SEED);
  });
});
