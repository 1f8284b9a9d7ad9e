import { join } from 'node:path';
import { deriveContentKey } from '@cpixkit/key-seed';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { documentedErrorCodes } from '../../../tooling/src/error-codes.js';
import { thrownBy } from '../../../tooling/src/thrown.js';
import { MemoryKeyStore, TEST_KEY_SEED, testTenant } from '../test/fixtures.js';
import { spekeV2Request, TWO_KEYS } from '../test/requests.js';
import { createKeyService, KeyServiceError } from './index.js';
import { signedKeyUrl, verifyKeyPath } from './key-url.js';

const [KID] = TWO_KEYS;
const NOW = new Date('2026-03-01T12:00:00Z');
const pathOf = (url: string): string => {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
};

describe('signed key URLs', () => {
  const tenant = testTenant();
  const url = signedKeyUrl(tenant, KID, 'https://keys.example.com/', NOW);

  it('have the documented form and verify back to their KID', () => {
    const exp = Math.floor(NOW.getTime() / 1000) + tenant.settings.aes128.keyUrlTtlSeconds;
    expect(url).toMatch(
      new RegExp(`^https://keys\\.example\\.com/keys/acme/${KID}\\?exp=${exp}&sig=[A-Za-z0-9_-]{43}$`),
    );
    expect(verifyKeyPath(tenant, pathOf(url), NOW)).toBe(KID);
  });

  it('use keyUriBase when the tenant sets one', () => {
    const cdn = testTenant({
      settings: {
        aes128: { enabled: true, keyUriBase: 'https://cdn.example/drm/k', keyUrlTtlSeconds: 60, allowDrmKeys: false },
      },
    });
    const signed = signedKeyUrl(cdn, KID, 'https://ignored.example', NOW);
    expect(signed.startsWith(`https://cdn.example/drm/k/acme/${KID}?exp=`)).toBe(true);
    expect(verifyKeyPath(cdn, pathOf(signed), NOW)).toBe(KID);
  });

  it.each([
    ['no query', `/keys/acme/${KID}`, 'ERR_KEY_SERVICE_UNSIGNED_KEY_URL', 401],
    ['no sig', `/keys/acme/${KID}?exp=9999999999`, 'ERR_KEY_SERVICE_UNSIGNED_KEY_URL', 401],
    ['a malformed sig', `/keys/acme/${KID}?exp=9999999999&sig=abc`, 'ERR_KEY_SERVICE_UNSIGNED_KEY_URL', 401],
    ['a malformed exp', `/keys/acme/${KID}?exp=soon&sig=${'a'.repeat(43)}`, 'ERR_KEY_SERVICE_UNSIGNED_KEY_URL', 401],
    ['a path without KID', '/keys/acme?exp=1&sig=x', 'ERR_KEY_SERVICE_KEY_NOT_FOUND', 404],
  ])('refuse %s', (_what, path, code, status) => {
    expect(() => verifyKeyPath(tenant, path, NOW)).toThrow(expect.objectContaining({ code, status }));
  });

  it('refuse a URL of another tenant, a wrong signature and an expired URL with 403', () => {
    const other = testTenant({ id: 'globex' });
    expect(() => verifyKeyPath(other, pathOf(url), NOW)).toThrow(
      expect.objectContaining({ code: 'ERR_KEY_SERVICE_WRONG_TENANT', status: 403 }),
    );
    const sameIdOtherSecret = { ...tenant, derivationSecret: new Uint8Array(32).fill(9) };
    expect(() => verifyKeyPath(sameIdOtherSecret, pathOf(url), NOW)).toThrow(
      expect.objectContaining({ code: 'ERR_KEY_SERVICE_BAD_KEY_URL_SIGNATURE', status: 403 }),
    );
    const later = new Date(NOW.getTime() + (tenant.settings.aes128.keyUrlTtlSeconds + 1) * 1000);
    expect(() => verifyKeyPath(tenant, pathOf(url), later)).toThrow(
      expect.objectContaining({ code: 'ERR_KEY_SERVICE_KEY_URL_EXPIRED', status: 403 }),
    );
  });

  it('are signed with aes128.keyUrlSecret when set: rotating it stops every URL issued, the derivation secret does not matter', () => {
    const aes128 = { ...tenant.settings.aes128, keyUrlSecret: new Uint8Array(32).fill(1) };
    const own = testTenant({ settings: { aes128 } });
    const signed = pathOf(signedKeyUrl(own, KID, 'https://k.example', NOW));
    expect(signed).not.toBe(pathOf(url));
    expect(verifyKeyPath({ ...own, derivationSecret: new Uint8Array(32).fill(9) }, signed, NOW)).toBe(KID);
    const rotated = testTenant({ settings: { aes128: { ...aes128, keyUrlSecret: new Uint8Array(32).fill(2) } } });
    expect(() => verifyKeyPath(rotated, signed, NOW)).toThrow(
      expect.objectContaining({ code: 'ERR_KEY_SERVICE_BAD_KEY_URL_SIGNATURE', status: 403 }),
    );
  });

  it('are all refused while the tenant has AES-128 turned off', () => {
    const off = testTenant({ settings: { aes128: { ...tenant.settings.aes128, enabled: false } } });
    expect(() => verifyKeyPath(off, pathOf(url), NOW)).toThrow(
      expect.objectContaining({ code: 'ERR_KEY_SERVICE_AES128_DISABLED', status: 403 }),
    );
  });

  it('refuse any change to the tenant, the KID, the expiry or the signature (the route prefix is not signed)', () => {
    const path = pathOf(url);
    const signedFrom = path.indexOf('/acme/');
    const documentedCodes = documentedErrorCodes(join(import.meta.dirname, '..'));
    fc.assert(
      fc.property(
        fc.integer({ min: signedFrom, max: path.length - 1 }),
        fc.constantFrom(...'0123456789abcdefABCDEF-_'),
        (at, replacement) => {
          fc.pre(path[at] !== replacement && !'/?&='.includes(path[at]!));
          const changed = path.slice(0, at) + replacement + path.slice(at + 1);
          const refusal = thrownBy(() => verifyKeyPath(tenant, changed, NOW), KeyServiceError);
          expect(documentedCodes).toContain(refusal.code);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('deliverKey', () => {
  it('delivers the seed key of a signed KID', async () => {
    const tenant = testTenant();
    const service = createKeyService({ now: () => NOW });
    const key = await service.deliverKey(tenant, pathOf(signedKeyUrl(tenant, KID, 'https://k.example', NOW)));
    expect(key).toEqual(deriveContentKey(TEST_KEY_SEED, KID));
  });

  it('refuses every faulty key URL alike, with its reason in cause', async () => {
    const tenant = testTenant();
    const service = createKeyService({ now: () => NOW });
    const path = pathOf(signedKeyUrl(tenant, KID, 'https://k.example', NOW));
    const faults = [
      `/keys/acme/${KID}`,
      path.replace(/sig=./, 'sig=_'),
      path.replace('/acme/', '/globex/'),
      '/keys/acme?exp=1&sig=x',
    ];
    for (const fault of faults) {
      await expect(service.deliverKey(tenant, fault)).rejects.toMatchObject({
        code: 'ERR_KEY_SERVICE_INVALID_KEY_URL',
        status: 403,
        message: 'the key URL is not valid',
      });
    }
    const off = testTenant({ settings: { aes128: { ...tenant.settings.aes128, enabled: false } } });
    await expect(service.deliverKey(off, path)).rejects.toMatchObject({
      code: 'ERR_KEY_SERVICE_INVALID_KEY_URL',
      cause: expect.objectContaining({ code: 'ERR_KEY_SERVICE_AES128_DISABLED' }),
    });
  });

  it('delivers stored keys that were issued, and refuses others like any faulty URL', async () => {
    const tenant = testTenant({ keySource: 'store' });
    const store = new MemoryKeyStore();
    const service = createKeyService({ store, now: () => NOW });
    const body = spekeV2Request({
      keys: [{ kid: KID, scheme: 'cbcs' }],
      systems: [{ system: 'aes128', kid: KID, children: '<cpix:URIExtXKey/>' }],
    });
    await service.answer({ tenant, dialect: 'speke-v2', body, baseUrl: 'https://k.example' });
    expect(store.created).toBe(1);
    const key = await service.deliverKey(tenant, pathOf(signedKeyUrl(tenant, KID, 'https://k.example', NOW)));
    expect(key).toEqual(store.keys.get(`acme/${KID}`));
    const unissued = '00000000-0000-0000-0000-000000000001';
    await expect(
      service.deliverKey(tenant, pathOf(signedKeyUrl(tenant, unissued, 'https://k.example', NOW))),
    ).rejects.toMatchObject({
      code: 'ERR_KEY_SERVICE_INVALID_KEY_URL',
      status: 403,
      cause: expect.objectContaining({ code: 'ERR_KEY_SERVICE_KEY_NOT_FOUND', status: 404 }),
    });
  });
});
