import { deriveContentKey } from '@cpixkit/key-seed';
import { describe, expect, it } from 'vitest';
import { thrownBy } from '../../../tooling/src/thrown.js';
import { MemoryKeyStore, testTenant } from '../test/fixtures.js';
import {
  clearKeyEntry,
  clearKeyKeys,
  clearKeyLaurlXml,
  clearKeyLicenseUrl,
  issuedClearKey,
  issueWithClearKeys,
} from './clearkey.js';
import { clearKeyLicense } from './clearkey-license.js';
import { KeyServiceError } from './errors.js';
import type { PlannedKey, PlannedSystem, SignaledSystem } from './request-plan.js';

// ClearKey piece by piece: which keys are ClearKey's, how they are issued apart from every other
// key, the licence URL and fragment, and the licence itself compared whole.

const KID_A = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const KID_B = '11111111-2222-4333-8444-555555555555';
const key = (kid: string): PlannedKey => ({
  source: { kid },
  requestKid: kid,
  kid,
  writtenKid: kid,
  periodAmbiguous: false,
});
const system = (planned: PlannedKey, kind: SignaledSystem, index: number): PlannedSystem => ({
  source: { kid: planned.kid, systemId: 'x' },
  system: kind,
  key: planned,
  requested: [],
  label: `DRMSystem[${index}]`,
  name: kind,
});
const enabled = testTenant({ keySource: 'seed', settings: { clearKey: { enabled: true } } });
const b64url = (hex: string) => Buffer.from(hex, 'hex').toString('base64url');

describe('clearKeyKeys', () => {
  const a = key(KID_A);
  const b = key(KID_B);

  it('gives the keys asked for ClearKey, which may share with the W3C common PSSH only', () => {
    expect(
      clearKeyKeys(enabled, [system(a, 'clearkey', 1), system(a, 'common', 2), system(b, 'widevine', 3)]),
    ).toStrictEqual(new Set([a]));
    expect(clearKeyKeys(testTenant(), [system(a, 'widevine', 1)])).toStrictEqual(new Set());
  });

  it('refuses ClearKey for a tenant without it, naming the DRMSystem', () => {
    const error = thrownBy(
      () => clearKeyKeys(testTenant(), [system(b, 'widevine', 1), system(a, 'clearkey', 2)]),
      KeyServiceError,
    );
    expect([error.code, error.status, error.message]).toStrictEqual([
      'ERR_KEY_SERVICE_CLEARKEY_DISABLED',
      422,
      'DRMSystem[2]: ClearKey is not enabled for this tenant',
    ]);
  });

  it.each(['widevine', 'playready', 'fairplay', 'aes128'] as const)(
    'refuses a ClearKey key that %s uses too',
    (kind) => {
      const error = thrownBy(
        () => clearKeyKeys(enabled, [system(a, 'clearkey', 1), system(a, kind, 2)]),
        KeyServiceError,
      );
      expect([error.code, error.status, error.message]).toStrictEqual([
        'ERR_KEY_SERVICE_CLEARKEY_KEY_SHARED',
        422,
        `DRMSystem[2]: kid ${KID_A} is asked for ClearKey, whose licences carry the key in the clear, so it cannot serve ${kind} too; give ClearKey a key of its own`,
      ]);
    },
  );
});

describe('ClearKey keys and licences', () => {
  it('issues ClearKey keys into their own store entries, the others from the seed, in request order', async () => {
    const store = new MemoryKeyStore();
    const a = key(KID_A);
    const b = key(KID_B);
    const [first, second] = await issueWithClearKeys(enabled, [b, a], new Set([a]), store);
    expect(first).toStrictEqual(deriveContentKey(enabled.keySeed, KID_B));
    expect(second).toHaveLength(16);
    expect(second).not.toStrictEqual(deriveContentKey(enabled.keySeed, KID_A));
    expect([...store.keys.keys()]).toStrictEqual([`acme/${clearKeyEntry(KID_A)}`]);
    expect(clearKeyEntry(KID_A)).toBe(`clearkey:${KID_A}`);
    expect(await issuedClearKey(enabled, KID_A, store)).toStrictEqual(second);
    expect(await issuedClearKey(enabled, KID_B, store)).toBeUndefined();
  });

  it('answers a licence request with exactly the JSON Web Key set of the keys issued', async () => {
    const store = new MemoryKeyStore();
    const a = key(KID_A);
    const [value] = await issueWithClearKeys(enabled, [a], new Set([a]), store);
    const body = JSON.stringify({ kids: [b64url(KID_A.replace(/-/g, ''))], type: 'temporary' });
    const license = await clearKeyLicense(enabled, body, store);
    expect(license).toStrictEqual({
      body: JSON.stringify({
        keys: [{ kty: 'oct', kid: b64url(KID_A.replace(/-/g, '')), k: Buffer.from(value!).toString('base64url') }],
        type: 'temporary',
      }),
      keys: 1,
    });
  });

  it('refuses a licence for a key never issued for ClearKey with 404, and any licence while ClearKey is off', async () => {
    const body = JSON.stringify({ kids: [b64url(KID_B.replace(/-/g, ''))] });
    const missing = await clearKeyLicense(enabled, body, new MemoryKeyStore()).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(KeyServiceError);
    expect([
      (missing as KeyServiceError).code,
      (missing as KeyServiceError).status,
      (missing as KeyServiceError).message,
    ]).toStrictEqual(['ERR_KEY_SERVICE_KEY_NOT_FOUND', 404, 'no ClearKey key of this tenant answers the request']);
    const off = await clearKeyLicense(testTenant(), body, new MemoryKeyStore()).catch((error: unknown) => error);
    expect([
      (off as KeyServiceError).code,
      (off as KeyServiceError).status,
      (off as KeyServiceError).message,
    ]).toStrictEqual(['ERR_KEY_SERVICE_CLEARKEY_DISABLED', 403, 'ClearKey is not enabled for this tenant']);
  });

  it('writes the licence URL under the server origin and the escaped Laurl fragment', () => {
    expect(clearKeyLicenseUrl(testTenant({ id: 'a b' }), 'https://k.example//')).toBe(
      'https://k.example/clearkey/a%20b/license',
    );
    expect(clearKeyLaurlXml('https://k/?a=1&b="<2>"')).toBe(
      '<dashif:Laurl xmlns:dashif="https://dashif.org/CPS" licenseType="EME-1.0">https://k/?a=1&amp;b=&quot;&lt;2&gt;&quot;</dashif:Laurl>',
    );
  });
});
