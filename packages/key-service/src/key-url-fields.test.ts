import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { thrownBy } from '../../../tooling/src/thrown.js';
import { TEST_SECRET, testTenant } from '../test/fixtures.js';
import { KeyServiceError } from './index.js';
import { signedKeyUrl, verifyKeyPath } from './key-url.js';

// Signed key URLs computed independently (length-prefixed HMAC-SHA256 fields), and each check of
// verifyKeyPath at its boundary with its code, status and message.

const KID = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const NOW = new Date('2026-03-01T12:00:00.000Z');
const NOW_SECONDS = NOW.getTime() / 1000;

/** The MAC of the documented input: each of label, tenant id, KID and expiry as u32be(length) ‖ UTF-8. */
function mac(secret: Uint8Array, tenantId: string, kid: string, exp: string): string {
  const hmac = createHmac('sha256', secret);
  for (const part of ['cpixkit/key-url/v1', tenantId, kid, exp]) {
    const bytes = Buffer.from(part, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hmac.update(length);
    hmac.update(bytes);
  }
  return hmac.digest('base64url');
}

function refusal(path: string, tenant = testTenant(), now = NOW): KeyServiceError {
  return thrownBy(() => verifyKeyPath(tenant, path, now), KeyServiceError);
}

const ttl = (seconds: number) =>
  testTenant({ settings: { aes128: { enabled: true, keyUrlTtlSeconds: seconds, allowDrmKeys: false } } });

describe('signedKeyUrl', () => {
  it('writes base/tenant/kid?exp=&sig= with the MAC of the documented input', () => {
    const tenant = ttl(60);
    const exp = String(NOW_SECONDS + 60);
    expect(signedKeyUrl(tenant, KID, 'https://k.example/base//', NOW)).toBe(
      `https://k.example/base/keys/acme/${KID}?exp=${exp}&sig=${mac(TEST_SECRET, 'acme', KID, exp)}`,
    );
  });

  it('signs with keyUrlSecret when the tenant has one, and encodes the tenant id', () => {
    const secret = new Uint8Array(32).fill(3);
    const tenant = testTenant({
      id: 'a.b_c',
      settings: { aes128: { enabled: true, keyUrlTtlSeconds: 1, allowDrmKeys: false, keyUrlSecret: secret } },
    });
    const exp = String(NOW_SECONDS + 1);
    const url = signedKeyUrl(tenant, KID, 'http://h', NOW);
    expect(url).toBe(`http://h/keys/a.b_c/${KID}?exp=${exp}&sig=${mac(secret, 'a.b_c', KID, exp)}`);
    expect(verifyKeyPath(tenant, url.slice('http://h'.length), NOW)).toBe(KID);
  });

  it('rounds the expiry down to the second', () => {
    const url = signedKeyUrl(ttl(10), KID, 'http://h', new Date(NOW.getTime() + 999));
    expect(new URL(url).searchParams.get('exp')).toBe(String(NOW_SECONDS + 10));
  });
});

describe('verifyKeyPath', () => {
  const tenant = ttl(60);
  const exp = String(NOW_SECONDS + 60);
  const sig = mac(TEST_SECRET, 'acme', KID, exp);
  const path = `/keys/acme/${KID}?exp=${exp}&sig=${sig}`;

  it('accepts a URL until the second before its expiry, under any path prefix', () => {
    expect(verifyKeyPath(tenant, path, new Date((NOW_SECONDS + 60) * 1000 - 1))).toBe(KID);
    expect(verifyKeyPath(tenant, `/a/b/c//acme//${KID}/?exp=${exp}&sig=${sig}`, NOW)).toBe(KID);
    const error = refusal(path, tenant, new Date((NOW_SECONDS + 60) * 1000));
    expect([error.code, error.status, error.message]).toStrictEqual([
      'ERR_KEY_SERVICE_KEY_URL_EXPIRED',
      403,
      'the key URL has expired',
    ]);
  });

  it.each([
    [
      `/keys/acme/${KID.toUpperCase()}?exp=${exp}&sig=${sig}`,
      'ERR_KEY_SERVICE_KEY_NOT_FOUND',
      404,
      'the key URL does not end in /<tenant>/<kid>',
    ],
    [
      `/${KID}?exp=${exp}&sig=${sig}`,
      'ERR_KEY_SERVICE_KEY_NOT_FOUND',
      404,
      'the key URL does not end in /<tenant>/<kid>',
    ],
    [
      `/keys/acme/${KID}0?exp=${exp}&sig=${sig}`,
      'ERR_KEY_SERVICE_KEY_NOT_FOUND',
      404,
      'the key URL does not end in /<tenant>/<kid>',
    ],
    [
      `/keys/acme/x${KID}?exp=${exp}&sig=${sig}`,
      'ERR_KEY_SERVICE_KEY_NOT_FOUND',
      404,
      'the key URL does not end in /<tenant>/<kid>',
    ],
    [
      `/keys/acme/${KID}?sig=${sig}`,
      'ERR_KEY_SERVICE_UNSIGNED_KEY_URL',
      401,
      'the key URL has no exp and sig parameters',
    ],
    [
      `/keys/acme/${KID}?exp=${exp}`,
      'ERR_KEY_SERVICE_UNSIGNED_KEY_URL',
      401,
      'the key URL has no exp and sig parameters',
    ],
    [
      `/keys/acme/${KID}?exp=1234567890123&sig=${sig}`,
      'ERR_KEY_SERVICE_UNSIGNED_KEY_URL',
      401,
      'the key URL exp or sig parameter is malformed',
    ],
    [
      `/keys/acme/${KID}?exp=&sig=${sig}`,
      'ERR_KEY_SERVICE_UNSIGNED_KEY_URL',
      401,
      'the key URL exp or sig parameter is malformed',
    ],
    [
      `/keys/acme/${KID}?exp=1e9&sig=${sig}`,
      'ERR_KEY_SERVICE_UNSIGNED_KEY_URL',
      401,
      'the key URL exp or sig parameter is malformed',
    ],
    [
      `/keys/acme/${KID}?exp=${exp}&sig=${sig.slice(1)}`,
      'ERR_KEY_SERVICE_UNSIGNED_KEY_URL',
      401,
      'the key URL exp or sig parameter is malformed',
    ],
    [
      `/keys/acme/${KID}?exp=${exp}&sig=${sig}A`,
      'ERR_KEY_SERVICE_UNSIGNED_KEY_URL',
      401,
      'the key URL exp or sig parameter is malformed',
    ],
    [
      `/keys/acme/${KID}?exp=${exp}&sig=${sig.slice(1)}=`,
      'ERR_KEY_SERVICE_UNSIGNED_KEY_URL',
      401,
      'the key URL exp or sig parameter is malformed',
    ],
    [
      `/keys/globex/${KID}?exp=${exp}&sig=${sig}`,
      'ERR_KEY_SERVICE_WRONG_TENANT',
      403,
      'the key URL belongs to another tenant',
    ],
    [
      `/keys/%E0%A4%A/${KID}?exp=${exp}&sig=${sig}`,
      'ERR_KEY_SERVICE_WRONG_TENANT',
      403,
      'the key URL belongs to another tenant',
    ],
    [
      `/keys/acme/${KID}?exp=${Number(exp) + 1}&sig=${sig}`,
      'ERR_KEY_SERVICE_BAD_KEY_URL_SIGNATURE',
      403,
      'the key URL signature does not match',
    ],
  ])('refuses %s', (signedPath, code, status, message) => {
    const error = refusal(signedPath, tenant);
    expect([error.code, error.status, error.message]).toStrictEqual([code, status, message]);
  });

  it('reads a percent-encoded tenant id, and a 12-digit expiry', () => {
    const far = '999999999999';
    const farPath = `/keys/%61cme/${KID}?exp=${far}&sig=${mac(TEST_SECRET, 'acme', KID, far)}`;
    expect(verifyKeyPath(tenant, farPath, NOW)).toBe(KID);
  });

  it('refuses every URL while HLS AES-128 is off', () => {
    const off = testTenant({ settings: { aes128: { enabled: false, keyUrlTtlSeconds: 60, allowDrmKeys: false } } });
    const error = refusal(path, off);
    expect([error.code, error.status, error.message]).toStrictEqual([
      'ERR_KEY_SERVICE_AES128_DISABLED',
      403,
      'HLS AES-128 is not enabled for this tenant',
    ]);
  });

  it('refuses a signature made with the derivation secret once a keyUrlSecret is set', () => {
    const keyed = testTenant({
      settings: {
        aes128: { enabled: true, keyUrlTtlSeconds: 60, allowDrmKeys: false, keyUrlSecret: new Uint8Array(32).fill(5) },
      },
    });
    expect(refusal(path, keyed).code).toBe('ERR_KEY_SERVICE_BAD_KEY_URL_SIGNATURE');
  });
});
