import { deriveContentKey } from '@cpixkit/key-seed';
import { describe, expect, it } from 'vitest';
import { thrownBy } from '../../../tooling/src/thrown.js';
import { MemoryKeyStore, testTenant } from '../test/fixtures.js';
import { CLEARKEY_LICENSE_REQUEST_MAX_BYTES, readLicenseRequest } from './clearkey-license.js';
import { checkContentId, MAX_CONTENT_ID_LENGTH } from './content-id.js';
import { KeyServiceError } from './errors.js';
import { existingContentKey, issueContentKeys, storedContentKey, storedKeyIfAny } from './key-source.js';
import type { KeyStore } from './types.js';

// ClearKey licence requests, content id bounds and key sources: each check at its boundary with
// its code, status and message, and whole answers.

const KID = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const KID_B64URL = Buffer.from(KID.replace(/-/g, ''), 'hex').toString('base64url');

function refusal(fn: () => unknown): [string, number, string] {
  const error = thrownBy(fn, KeyServiceError);
  return [error.code, error.status, error.message];
}

async function rejection(promise: Promise<unknown>): Promise<KeyServiceError> {
  const error = await promise.then(
    () => expect.unreachable('no error thrown'),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(KeyServiceError);
  return error as KeyServiceError;
}

describe('readLicenseRequest', () => {
  it('reads the KIDs, padded or not, as text or bytes at any offset, each once', () => {
    const text = JSON.stringify({ kids: [KID_B64URL, `${KID_B64URL}==`, 'AAAAAAAAAAAAAAAAAAAAAA'], type: 'temporary' });
    expect(readLicenseRequest(text, 3)).toStrictEqual([KID, '00000000-0000-0000-0000-000000000000']);
    const bytes = Buffer.from(`xx${JSON.stringify({ kids: [KID_B64URL] })}`).subarray(2);
    expect(readLicenseRequest(Uint8Array.from(bytes).subarray(0), 1)).toStrictEqual([KID]);
    const padded = Buffer.from(`..${JSON.stringify({ kids: [KID_B64URL] })}`);
    expect(
      readLicenseRequest(new Uint8Array(padded.buffer, padded.byteOffset + 2, padded.length - 2), 1),
    ).toStrictEqual([KID]);
  });

  it('accepts a body of exactly 16 KiB and refuses one byte more', () => {
    const fill = (length: number) => {
      const base = JSON.stringify({ kids: [KID_B64URL], pad: '' });
      return JSON.stringify({ kids: [KID_B64URL], pad: 'p'.repeat(length - base.length) });
    };
    expect(fill(CLEARKEY_LICENSE_REQUEST_MAX_BYTES)).toHaveLength(16 * 1024);
    expect(readLicenseRequest(fill(CLEARKEY_LICENSE_REQUEST_MAX_BYTES), 1)).toStrictEqual([KID]);
    expect(refusal(() => readLicenseRequest(fill(CLEARKEY_LICENSE_REQUEST_MAX_BYTES + 1), 1))).toStrictEqual([
      'ERR_KEY_SERVICE_BODY_TOO_LARGE',
      413,
      'a licence request is at most 16384 bytes',
    ]);
  });

  it('accepts as many KIDs as allowed and refuses one more', () => {
    const kids = ['AAAAAAAAAAAAAAAAAAAAAA', 'AAAAAAAAAAAAAAAAAAAAAQ', 'AAAAAAAAAAAAAAAAAAAAAg'];
    expect(readLicenseRequest(JSON.stringify({ kids }), 3)).toHaveLength(3);
    expect(refusal(() => readLicenseRequest(JSON.stringify({ kids }), 2))).toStrictEqual([
      'ERR_KEY_SERVICE_TOO_MANY_KEYS',
      413,
      'the licence request lists 3 kids; at most 2',
    ]);
  });

  it.each([
    [undefined, 'the licence request has no body'],
    ['', 'the licence request has no body'],
    [new Uint8Array(0), 'the licence request has no body'],
    ['{kids', 'the licence request is not JSON'],
    ['null', 'the licence request is not {"kids":[…]}'],
    ['7', 'the licence request is not {"kids":[…]}'],
    ['{"kids":"x"}', 'the licence request is not {"kids":[…]}'],
    ['{"kids":[],"type":"temporary"}', 'the licence request lists no kids'],
    [`{"kids":["${KID_B64URL}"],"type":"persistent-license"}`, 'only "temporary" licences are issued'],
    [`{"kids":["${KID_B64URL}"],"type":null}`, 'only "temporary" licences are issued'],
    [`{"kids":["${KID_B64URL}",7]}`, 'kids[1] is not base64url of 16 bytes'],
    [`{"kids":[["${KID_B64URL}"]]}`, 'kids[0] is not base64url of 16 bytes'],
    [`{"kids":["${KID_B64URL.slice(1)}"]}`, 'kids[0] is not base64url of 16 bytes'],
    [`{"kids":["${KID_B64URL}A"]}`, 'kids[0] is not base64url of 16 bytes'],
    [`{"kids":["${KID_B64URL}="]}`, 'kids[0] is not base64url of 16 bytes'],
    [`{"kids":["x${KID_B64URL}"]}`, 'kids[0] is not base64url of 16 bytes'],
    [`{"kids":["${KID_B64URL.slice(1)}+"]}`, 'kids[0] is not base64url of 16 bytes'],
  ])('refuses %j', (body, message) => {
    expect(refusal(() => readLicenseRequest(body, 64))).toStrictEqual([
      'ERR_KEY_SERVICE_BAD_LICENSE_REQUEST',
      400,
      message,
    ]);
  });
});

describe('checkContentId', () => {
  it('accepts each dialect’s longest content id and refuses one character more', () => {
    expect(MAX_CONTENT_ID_LENGTH).toStrictEqual({ pallyCon: 200, speke: 1024 });
    expect(checkContentId('c'.repeat(200), 200)).toBeUndefined();
    expect(refusal(() => checkContentId('c'.repeat(201), 200))).toStrictEqual([
      'ERR_KEY_SERVICE_CONTENT_ID_TOO_LONG',
      422,
      'the content id is 201 characters long; this dialect accepts at most 200',
    ]);
  });
});

describe('key sources', () => {
  const seedTenant = testTenant();
  const storeTenant = testTenant({ keySource: 'store' });

  it('derives seed keys at once, in order, without a store', async () => {
    const other = '11111111-2222-4333-8444-555555555555';
    expect(issueContentKeys(seedTenant, [KID, other], undefined)).toStrictEqual([
      deriveContentKey(seedTenant.keySeed, KID),
      deriveContentKey(seedTenant.keySeed, other),
    ]);
    expect(await existingContentKey(seedTenant, KID, undefined)).toStrictEqual(
      deriveContentKey(seedTenant.keySeed, KID),
    );
  });

  it('creates store keys once, 16 random bytes each, and finds them again', async () => {
    const store = new MemoryKeyStore();
    const [created] = await issueContentKeys(storeTenant, [KID], store);
    expect(created).toHaveLength(16);
    expect(created).not.toStrictEqual(deriveContentKey(storeTenant.keySeed, KID));
    expect(await storedContentKey(storeTenant, KID, store)).toStrictEqual(created);
    expect(await existingContentKey(storeTenant, KID, store)).toStrictEqual(created);
    expect(await storedKeyIfAny(storeTenant, 'never', store)).toBeUndefined();
    const [second] = await issueContentKeys(storeTenant, ['11111111-2222-4333-8444-555555555555'], store);
    expect(second).not.toStrictEqual(created);
  });

  it('refuses a key never issued from the store with 404', async () => {
    const error = await rejection(existingContentKey(storeTenant, KID, new MemoryKeyStore()));
    expect([error.code, error.status, error.message]).toStrictEqual([
      'ERR_KEY_SERVICE_KEY_NOT_FOUND',
      404,
      'no key was issued for this KID',
    ]);
  });

  it('refuses with 503 without a store, when it fails, and when it returns no 16-byte key', async () => {
    const noStore = ['ERR_KEY_SERVICE_NO_STORE', 503, 'this tenant keeps keys in a store, and none is configured'];
    for (const promise of [
      storedContentKey(storeTenant, KID, undefined),
      storedKeyIfAny(storeTenant, KID, undefined),
      Promise.resolve().then(() => issueContentKeys(storeTenant, [KID], undefined)),
    ]) {
      const error = await rejection(promise);
      expect([error.code, error.status, error.message]).toStrictEqual(noStore);
    }
    const failing = new MemoryKeyStore();
    failing.failing = true;
    for (const promise of [storedContentKey(storeTenant, KID, failing), storedKeyIfAny(storeTenant, KID, failing)]) {
      const error = await rejection(promise);
      expect([error.code, error.status, error.message]).toStrictEqual([
        'ERR_KEY_SERVICE_STORE_UNAVAILABLE',
        503,
        'the key store is unavailable',
      ]);
      expect(error.cause).toBeInstanceOf(Error);
      expect((error.cause as Error).message).toBe('connection refused');
    }
    for (const key of [new Uint8Array(15), new Uint8Array(17), 'k'.repeat(16)]) {
      const odd: KeyStore = { getOrCreateKey: async () => key as Uint8Array, getKey: async () => undefined };
      const error = await rejection(storedContentKey(storeTenant, KID, odd));
      expect([error.code, (error.cause as Error).message]).toStrictEqual([
        'ERR_KEY_SERVICE_STORE_UNAVAILABLE',
        'the store returned a key that is not 16 bytes',
      ]);
    }
  });
});
