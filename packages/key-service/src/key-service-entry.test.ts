import { deriveContentKey } from '@cpixkit/key-seed';
import { describe, expect, it } from 'vitest';
import { MemoryKeyStore, testTenant } from '../test/fixtures.js';
import { spekeV2Request, TWO_KEYS } from '../test/requests.js';
import { signedKeyUrl } from './key-url.js';
import { createKeyService, KeyServiceError, type Tenant } from './index.js';

// createKeyService's entry points: what each checks before the engine runs, what it turns into a
// request refusal, and the options it passes on, each with code, status and message.

const [KID] = TWO_KEYS;
const NOW = new Date('2026-03-01T12:00:00Z');
const BASE = 'https://k.example';
const V2 = spekeV2Request({ keys: [{ kid: KID }], systems: [{ system: 'widevine', kid: KID }] });

/** The KeyServiceError `promise` rejects with; fails the test when it resolves or rejects with another error. */
async function failure(promise: Promise<unknown>): Promise<KeyServiceError> {
  const error = await promise.then(
    () => expect.unreachable('no error thrown'),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(KeyServiceError);
  return error as KeyServiceError;
}

async function rejection(promise: Promise<unknown>): Promise<[string, number, string]> {
  const { code, status, message } = await failure(promise);
  return [code, status, message];
}

/** Code, status and message of a refusal, and the code, status and message of its cause. */
async function withCause(promise: Promise<unknown>): Promise<unknown[]> {
  const { code, status, message, cause } = await failure(promise);
  const inner = cause as { code: string; status?: number; message: string };
  return [code, status, message, inner.code, inner.status, inner.message];
}

describe('createKeyService', () => {
  const service = createKeyService({ now: () => NOW });
  const tenant = testTenant();
  const noTenant: [string, number, string] = [
    'ERR_KEY_SERVICE_INVALID_REQUEST',
    400,
    'the request names no valid tenant',
  ];

  it.each([[undefined], [null], [7], [{ id: 7, settings: {} }], [{ id: 'acme' }]])(
    'refuses the tenant %j at every entry point',
    async (bad) => {
      const invalid = bad as unknown as Tenant;
      expect(
        await rejection(service.answer({ tenant: invalid, dialect: 'speke-v2', body: V2, baseUrl: BASE })),
      ).toStrictEqual(noTenant);
      expect(await rejection(service.deliverKey(invalid, '/keys/acme/x'))).toStrictEqual(noTenant);
      expect(await rejection(service.clearKeyLicense(invalid, '{}'))).toStrictEqual(noTenant);
    },
  );

  it('refuses an answer request that is not an object, and an unknown dialect quoted to 32 characters', async () => {
    for (const request of [null, undefined, 7, 'request']) {
      expect(await rejection(service.answer(request as never))).toStrictEqual([
        'ERR_KEY_SERVICE_INVALID_REQUEST',
        400,
        'answer takes a KeyServiceRequest',
      ]);
    }
    expect(
      await rejection(service.answer({ tenant, dialect: 'd'.repeat(40) as never, body: V2, baseUrl: BASE })),
    ).toStrictEqual(['ERR_KEY_SERVICE_INVALID_REQUEST', 400, `unknown dialect "${'d'.repeat(32)}"`]);
  });

  it('turns a request value a signalling package or the CPIX writer refuses into a 422 of the request', async () => {
    const live = testTenant({ settings: { fairPlay: { uriForm: 'content-period' } } });
    const quoted = spekeV2Request({
      contentId: 'a&quot;b',
      keys: [{ kid: KID, scheme: 'cbcs' }],
      systems: [{ system: 'fairplay', kid: KID }],
    });
    expect(
      await withCause(service.answer({ tenant: live, dialect: 'speke-v2', body: quoted, baseUrl: BASE })),
    ).toStrictEqual([
      'ERR_KEY_SERVICE_INVALID_REQUEST',
      422,
      `the request cannot be answered: contentId must be a non-empty string without '"', CR or LF (it ends up in a quoted URI)`,
      'ERR_HLS_INVALID_FAIRPLAY_URI',
      undefined,
      `contentId must be a non-empty string without '"', CR or LF (it ends up in a quoted URI)`,
    ]);
    // The lenient reader keeps a control character in an attribute; the writer cannot write it.
    const control = V2.replace('movie-1', 'movie\u0001');
    expect(
      await withCause(service.answer({ tenant, dialect: 'speke-v2', body: control, baseUrl: BASE })),
    ).toStrictEqual([
      'ERR_KEY_SERVICE_INVALID_REQUEST',
      422,
      'the request cannot be answered: contentId holds a character XML cannot carry',
      'ERR_CPIX_INVALID_CHARACTER',
      undefined,
      'contentId holds a character XML cannot carry',
    ]);
  });

  it('counts a body given as bytes at its size, as the same text given as a string', async () => {
    const tiny = testTenant({ settings: { maxAnswerBytes: 1 } });
    const asText = await rejection(service.answer({ tenant: tiny, dialect: 'speke-v2', body: V2, baseUrl: BASE }));
    const asBytes = await rejection(
      service.answer({ tenant: tiny, dialect: 'speke-v2', body: Uint8Array.from(Buffer.from(V2)), baseUrl: BASE }),
    );
    expect(asBytes).toStrictEqual(asText);
    expect(asText[0]).toBe('ERR_KEY_SERVICE_ANSWER_TOO_LARGE');
  });

  it('names itself in the SPEKE user agent header unless told another name', async () => {
    const own = await service.answer({ tenant, dialect: 'speke-v2', body: V2, baseUrl: BASE });
    const named = await createKeyService({ userAgent: 'acme-kms/1' }).answer({
      tenant,
      dialect: 'speke-v2',
      body: Uint8Array.from(Buffer.from(V2)),
      baseUrl: BASE,
    });
    expect(Object.values(own.headers)).toContain('cpixkit-key-service');
    expect(Object.values(named.headers)).toContain('acme-kms/1');
    expect(Object.values(named.headers)).not.toContain('cpixkit-key-service');
  });

  it('delivers the key of a signed URL at the time given, or now, and one refusal for every fault of the URL', async () => {
    const url = new URL(signedKeyUrl(tenant, KID, BASE, NOW));
    const path = `${url.pathname}${url.search}`;
    const key = deriveContentKey(tenant.keySeed, KID);
    expect(await service.deliverKey(tenant, path)).toStrictEqual(key);
    expect(await createKeyService().deliverKey(tenant, path, NOW)).toStrictEqual(key);
    const invalid: [string, number, string] = ['ERR_KEY_SERVICE_INVALID_KEY_URL', 403, 'the key URL is not valid'];
    expect(await rejection(service.deliverKey(tenant, path, new Date(NOW.getTime() + 400 * 86_400_000)))).toStrictEqual(
      invalid,
    );
    expect(await rejection(service.deliverKey(tenant, 42 as never))).toStrictEqual(invalid);
    for (const unreadable of [42, '//[']) {
      expect(await withCause(service.deliverKey(tenant, unreadable as never))).toStrictEqual([
        ...invalid,
        'ERR_KEY_SERVICE_UNSIGNED_KEY_URL',
        401,
        'the key URL cannot be read',
      ]);
    }
    expect(await rejection(service.deliverKey(tenant, `/keys/acme/${KID}`))).toStrictEqual(invalid);
  });

  it('keeps a failing store a 503 when delivering a key', async () => {
    const store = new MemoryKeyStore();
    store.failing = true;
    const storeTenant = testTenant({ keySource: 'store' });
    const url = new URL(signedKeyUrl(storeTenant, KID, BASE, NOW));
    expect(
      await rejection(
        createKeyService({ store, now: () => NOW }).deliverKey(storeTenant, `${url.pathname}${url.search}`),
      ),
    ).toStrictEqual(['ERR_KEY_SERVICE_STORE_UNAVAILABLE', 503, 'the key store is unavailable']);
  });

  it('answers ClearKey licences from the store it was given', async () => {
    const clear = testTenant({ settings: { clearKey: { enabled: true } } });
    const body = JSON.stringify({ kids: ['AAAAAAAAAAAAAAAAAAAAAA'] });
    expect(await rejection(createKeyService().clearKeyLicense(clear, body))).toStrictEqual([
      'ERR_KEY_SERVICE_NO_STORE',
      503,
      'this tenant keeps keys in a store, and none is configured',
    ]);
    expect(
      await rejection(createKeyService({ store: new MemoryKeyStore() }).clearKeyLicense(clear, body)),
    ).toStrictEqual(['ERR_KEY_SERVICE_KEY_NOT_FOUND', 404, 'no ClearKey key of this tenant answers the request']);
  });
});
