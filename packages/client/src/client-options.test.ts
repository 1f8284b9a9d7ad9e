import { type CpixDocument, serializeCpix } from '@cpixkit/cpix-model';
import { describe, expect, it } from 'vitest';
import { thrownBy } from '../../../tooling/src/thrown.js';
import { CpixClient, CpixClientError, type CpixClientOptions, resolveSigV4 } from './index.js';

// CpixClient end to end against a scripted fetch: which options reach the transport and the reader,
// what the result adds (SPEKE version, user agent, attempts), and each refusal of its options.

const KID = '98ee5596-cd3e-a20d-163a-e382420c6eff';
const WIDEVINE = 'edef8ba9-79d6-4ace-a3c8-27dcd51d21ed';
const KEY = Uint8Array.from({ length: 16 }, (_, i) => 100 + i);
const ANSWER: CpixDocument = {
  id: 'cid',
  contentKeyList: { contentKeys: [{ kid: KID, data: { secret: { plainValue: KEY } } }] },
  drmSystemList: { drmSystems: [{ kid: KID, systemId: WIDEVINE }] },
  contentKeyUsageRuleList: { contentKeyUsageRules: [{ kid: KID, intendedTrackType: 'HD' }] },
};
const BODY = serializeCpix(ANSWER, { version: '2.0' });

/** A fetch answering each call with the next of `answers` (the last one for the rest), recording the calls. */
function scripted(...answers: (() => Response)[]) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return answers[Math.min(calls.length, answers.length) - 1]!();
  }) as unknown as typeof globalThis.fetch;
  return { fetch, calls };
}

const client = (options: Partial<CpixClientOptions>) =>
  new CpixClient({ url: 'https://kms.example/v1/getKey', dialect: 'pallycon-v1', ...options });
const REQUEST = { contentId: 'cid', drmSystems: ['widevine'] };

describe('CpixClient.requestKeys', () => {
  it('adds the SPEKE version, the SPEKE user agent and the attempts to the keys', async () => {
    const { fetch, calls } = scripted(
      () => new Response('busy', { status: 503 }),
      () => new Response(BODY, { headers: { 'x-speke-version': '1.0', 'x-speke-user-agent': 'kms/2' } }),
    );
    const result = await client({ fetch, retry: { retries: 1, baseDelayMs: 0 } }).requestKeys(REQUEST);
    expect(calls).toHaveLength(2);
    expect({ ...result, document: undefined, warnings: undefined }).toStrictEqual({
      dialect: 'pallycon-v1',
      contentId: 'cid',
      keys: [
        {
          kid: {
            uuid: KID,
            hex: KID.replace(/-/g, ''),
            base64: Buffer.from(KID.replace(/-/g, ''), 'hex').toString('base64'),
          },
          key: { hex: Buffer.from(KEY).toString('hex'), base64: Buffer.from(KEY).toString('base64') },
          scheme: 'cenc',
          trackType: 'HD',
          requestedKid: result.keys[0]!.requestedKid,
          drm: [{ systemId: WIDEVINE, drm: 'widevine', name: 'Widevine' }],
        },
      ],
      warnings: undefined,
      document: undefined,
      spekeVersion: '1.0',
      serverUserAgent: 'kms/2',
      attempts: 2,
    });
  });

  it('reads the user agent from speke-user-agent too, and adds neither field when the answer has none', async () => {
    const other = scripted(() => new Response(BODY, { headers: { 'speke-user-agent': 'old-kms' } }));
    const withOld = await client({ fetch: other.fetch }).requestKeys(REQUEST);
    expect([withOld.serverUserAgent, 'spekeVersion' in withOld]).toStrictEqual(['old-kms', false]);
    const none = scripted(() => new Response(BODY));
    const plain = await client({ fetch: none.fetch }).requestKeys(REQUEST);
    expect(['serverUserAgent' in plain, 'spekeVersion' in plain, plain.attempts]).toStrictEqual([false, false, 1]);
  });

  it('sends the dialect’s request with the caller’s headers and token', async () => {
    const { fetch, calls } = scripted(() => new Response(BODY));
    await client({ fetch, auth: { type: 'enc-token', token: 'tok' }, headers: { 'X-Trace': 't1' } }).requestKeys(
      REQUEST,
    );
    expect(calls[0]!.url).toBe('https://kms.example/v1/getKey/tok');
    expect(calls[0]!.init.method).toBe('POST');
    expect((calls[0]!.init.headers as Record<string, string>)['x-trace']).toBe('t1');
  });

  it('passes timeoutMs, retry and maxResponseBytes to the transport', async () => {
    const large = scripted(() => new Response(BODY));
    const tooLarge = thrownByAsync(client({ fetch: large.fetch, maxResponseBytes: 10 }).requestKeys(REQUEST));
    expect(await tooLarge).toMatchObject({ code: 'ERR_CLIENT_RESPONSE_TOO_LARGE', attempts: 1 });
    const busy = scripted(() => new Response('busy', { status: 503 }));
    const retried = await thrownByAsync(
      client({ fetch: busy.fetch, retry: { retries: 3, baseDelayMs: 0, maxDelayMs: 0 } }).requestKeys(REQUEST),
    );
    expect([retried.code, retried.attempts, busy.calls.length]).toStrictEqual(['ERR_CLIENT_HTTP_STATUS', 4, 4]);
    const invalid = await thrownByAsync(client({ fetch: busy.fetch, timeoutMs: 0 }).requestKeys(REQUEST));
    expect([invalid.code, invalid.message]).toStrictEqual([
      'ERR_CLIENT_INVALID_OPTION',
      'timeoutMs must be a positive integer',
    ]);
  });

  it('passes the caller’s signal to the transport', async () => {
    const { fetch, calls } = scripted(() => new Response(BODY));
    const aborted = await thrownByAsync(client({ fetch }).requestKeys(REQUEST, { signal: AbortSignal.abort() }));
    expect([aborted.code, calls.length]).toStrictEqual(['ERR_CLIENT_ABORTED', 0]);
  });

  it('matches keys by track type when told the server assigns KIDs, and by KID otherwise', async () => {
    const { fetch } = scripted(() => new Response(BODY));
    const speke = { url: 'https://kms.example/speke', dialect: 'speke-v1' as const, fetch };
    const request = { ...REQUEST, tracks: ['HD'], kids: ['00000000-0000-4000-8000-000000000001'] };
    expect((await thrownByAsync(client(speke).requestKeys(request))).code).toBe('ERR_CLIENT_RESPONSE_MISMATCH');
    const matched = await client({ ...speke, serverAssignsKids: true }).requestKeys(request);
    expect(matched.keys.map((key) => [key.kid.uuid, key.requestedKid])).toStrictEqual([
      [KID, '00000000-0000-4000-8000-000000000001'],
    ]);
  });

  it('blanks the Basic password and the SigV4 secrets out of what the server echoes', async () => {
    const echo = (text: string) => () => new Response(`denied: ${text}`, { status: 403 });
    const basic = scripted(echo('pass-word-1'));
    const denied = await thrownByAsync(
      client({ fetch: basic.fetch, auth: { type: 'basic', username: 'u', password: 'pass-word-1' } }).requestKeys(
        REQUEST,
      ),
    );
    expect(denied.serverMessage).toBe('denied: [redacted]');
    const env = {
      AWS_ACCESS_KEY_ID: 'AKID',
      AWS_SECRET_ACCESS_KEY: 'env-secret-key',
      AWS_SESSION_TOKEN: 'env-session',
      AWS_REGION: 'eu-west-1',
    };
    for (const secret of ['env-secret-key', 'env-session']) {
      const sigv4 = scripted(echo(secret));
      const error = await thrownByAsync(
        client({ fetch: sigv4.fetch, auth: { type: 'aws-sigv4' }, env }).requestKeys(REQUEST),
      );
      expect(error.serverMessage).toBe('denied: [redacted]');
      expect((sigv4.calls[0]!.init.headers as Record<string, string>).authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKID\/\d{8}\/eu-west-1\/execute-api\/aws4_request, /,
      );
    }
    expect(resolveSigV4({ type: 'aws-sigv4' }, 'https://h', { ...env, AWS_SESSION_TOKEN: undefined })).toStrictEqual({
      accessKeyId: 'AKID',
      secretAccessKey: 'env-secret-key',
      region: 'eu-west-1',
      service: 'execute-api',
    });
  });

  it('decrypts with the private key it is given, and asks for one without it', async () => {
    const encrypted = BODY.replace(
      /<pskc:PlainValue>[^<]*<\/pskc:PlainValue>/,
      '<pskc:EncryptedValue xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes256-cbc"/><enc:CipherData><enc:CipherValue>AAAA</enc:CipherValue></enc:CipherData></pskc:EncryptedValue>',
    );
    const { fetch } = scripted(() => new Response(encrypted));
    const none = await thrownByAsync(client({ fetch }).requestKeys(REQUEST));
    expect(none.code).toBe('ERR_CLIENT_ENCRYPTED_RESPONSE');
    expect(none.message).toBe('the content keys are encrypted: pass the privateKey matching the recipient certificate');
    const wrong = await thrownByAsync(client({ fetch, privateKey: 'not a key' }).requestKeys(REQUEST));
    expect(wrong.code).toBe('ERR_CLIENT_ENCRYPTED_RESPONSE');
    expect(wrong.message).toMatch(/^the content keys cannot be decrypted: /);
  });
});

describe('new CpixClient', () => {
  it.each([
    [null, 'CpixClient needs an options object'],
    ['https://h', 'CpixClient needs an options object'],
    [{ dialect: 'speke' }, 'dialect must be one of speke-v1, speke-v2, pallycon-v1, pallycon-v2, anevia'],
    [{ url: 42 }, 'url must be a non-empty string'],
    [{ url: '' }, 'url must be a non-empty string'],
    [{ auth: { type: 'basic', username: 'a:b', password: '' } }, 'the Basic username must not contain a colon'],
    [{ tls: {}, dispatcher: {} }, 'give either tls or dispatcher, not both'],
  ])('refuses %j', (options, message) => {
    const make = () =>
      new CpixClient(
        options === null || typeof options !== 'object'
          ? (options as never)
          : ({ url: 'https://h', dialect: 'speke-v1', ...options } as CpixClientOptions),
      );
    const error = thrownBy(make, CpixClientError);
    expect([error.code, error.message]).toStrictEqual(['ERR_CLIENT_INVALID_OPTION', message]);
  });

  it('closes the Agent it made for tls, and leaves a dispatcher it was given open', async () => {
    let closed = 0;
    const dispatcher = { close: async () => void closed++ } as never;
    await client({ dispatcher }).close();
    expect(closed).toBe(0);
    const withTls = client({ tls: { rejectUnauthorized: false } });
    await withTls.close();
    await expect(withTls.close()).rejects.toThrow();
    await client({}).close();
  });
});

async function thrownByAsync(promise: Promise<unknown>): Promise<CpixClientError> {
  const error = await promise.then(
    () => expect.unreachable('no error thrown'),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CpixClientError);
  return error as CpixClientError;
}
