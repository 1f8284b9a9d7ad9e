import { parseCpix } from '@cpixkit/cpix-model';
import { deriveContentKey } from '@cpixkit/key-seed';
import { COMMON_SYSTEM_ID, parsePsshBox } from '@cpixkit/pssh';
import { createFile, MP4BoxBuffer } from 'mp4box';
import { describe, expect, it } from 'vitest';
import { validateAgainstXsd } from '../../cpix-model/test/xsd.js';
import { MemoryKeyStore, TEST_KEY_SEED, testTenant } from '../test/fixtures.js';
import { spekeV2Request } from '../test/requests.js';
import { createKeyService, defaultTenantSettings, type KeyServiceError, type Tenant } from './index.js';

const BASE_URL = 'https://keys.example.com';
const KID = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
// The common PSSH box a ClearKey answer carries for KID: version 1, the KID listed, no data.
const COMMON_PSSH = {
  systemId: COMMON_SYSTEM_ID,
  version: 1,
  flags: 0,
  keyIds: [KID],
  data: new Uint8Array(0),
  byteLength: 52,
};
const OTHER_KID = '11111111-2222-3333-4444-555555555555';
const text = (bytes: Uint8Array | undefined): string => Buffer.from(bytes ?? []).toString('utf8');
const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');
const kidB64url = (kid: string): string => Buffer.from(kid.replaceAll('-', ''), 'hex').toString('base64url');

function clearKeyTenant(overrides: { id?: string; enabled?: boolean } = {}): Tenant {
  return testTenant({ id: overrides.id ?? 'acme', settings: { clearKey: { enabled: overrides.enabled ?? true } } });
}

/** A `pssh` box as GPAC's mp4box.js reads it, inside a minimal `ftyp` + `moov`. */
function readWithMp4box(box: Uint8Array) {
  const header = (size: number, type: string) => {
    const bytes = Buffer.alloc(8);
    bytes.writeUInt32BE(size);
    bytes.write(type, 4, 'latin1');
    return bytes;
  };
  const ftyp = Buffer.concat([header(16, 'ftyp'), Buffer.from('isom', 'latin1'), Buffer.alloc(4)]);
  const file = Buffer.concat([ftyp, header(8 + box.length, 'moov'), box]);
  const reader = createFile();
  reader.appendBuffer(
    MP4BoxBuffer.fromArrayBuffer(file.buffer.slice(file.byteOffset, file.byteOffset + file.length), 0),
  );
  reader.flush();
  const [pssh] = reader.moov!.psshs;
  return {
    systemId: pssh!.system_id,
    version: pssh!.version,
    kids: pssh!.kid,
    data: pssh!.protection_data ?? new Uint8Array(0),
  };
}

/** The `<pssh>` of a `ContentProtectionData` fragment. */
function psshOfFragment(fragment: string): Uint8Array {
  const match = /^<pssh xmlns="urn:mpeg:cenc:2013">([A-Za-z0-9+/=]+)<\/pssh>$/.exec(fragment);
  expect(match, fragment).not.toBeNull();
  return Buffer.from(match![1]!, 'base64');
}

const SPEKE_V1_COMMON = `<?xml version="1.0" encoding="UTF-8"?>
<cpix:CPIX id="movie-1" xmlns:cpix="urn:dashif:org:cpix" xmlns:pskc="urn:ietf:params:xml:ns:keyprov:pskc" xmlns:speke="urn:aws:amazon:com:speke">
  <cpix:ContentKeyList><cpix:ContentKey kid="${KID}"/></cpix:ContentKeyList>
  <cpix:DRMSystemList><cpix:DRMSystem kid="${KID}" systemId="${COMMON_SYSTEM_ID}"><cpix:PSSH/><cpix:ContentProtectionData/></cpix:DRMSystem></cpix:DRMSystemList>
</cpix:CPIX>`;

describe('W3C common PSSH (system 1077efec-c0b2-4d02-ace3-3c1e52e2fb4b)', () => {
  const service = createKeyService();
  for (const dialect of ['speke-v2', 'speke-v1'] as const) {
    it(`${dialect}: a version 1 box listing the KID with no Data, in PSSH and in ContentProtectionData, as mp4box.js reads it`, async () => {
      const body =
        dialect === 'speke-v2'
          ? spekeV2Request({ keys: [{ kid: KID }], systems: [{ system: 'common', kid: KID }] })
          : SPEKE_V1_COMMON;
      const answer = await service.answer({ tenant: testTenant(), dialect, body, baseUrl: BASE_URL });
      const [system] = parseCpix(answer.body).document.drmSystemList!.drmSystems;
      const box = system!.pssh!;
      // size, 'pssh', version 1, flags 0, SystemID, KID_count 1, KID, DataSize 0: 52 bytes.
      expect(box).toHaveLength(52);
      expect(Buffer.from(box.subarray(8, 12)).toString('hex')).toBe('01000000');
      expect(parsePsshBox(box)).toStrictEqual(COMMON_PSSH);
      expect(readWithMp4box(box)).toEqual({
        systemId: COMMON_SYSTEM_ID.replaceAll('-', ''),
        version: 1,
        kids: [KID.replaceAll('-', '')],
        data: new Uint8Array(0),
      });
      expect(Buffer.compare(psshOfFragment(text(system!.contentProtectionData?.value)), box)).toBe(0);
      if (dialect === 'speke-v2') expect((await validateAgainstXsd(answer.body, '2.3')).errors).toEqual([]);
    });
  }

  it('is answered for any tenant and beside any system: it says nothing but the KIDs', async () => {
    const body = spekeV2Request({
      keys: [{ kid: KID }],
      systems: [
        { system: 'widevine', kid: KID },
        { system: 'common', kid: KID },
      ],
    });
    const answer = await service.answer({ tenant: testTenant(), dialect: 'speke-v2', body, baseUrl: BASE_URL });
    const { document } = parseCpix(answer.body);
    expect(parsePsshBox(document.drmSystemList!.drmSystems[1]!.pssh!).keyIds).toEqual([KID]);
    expect(
      Buffer.compare(
        document.contentKeyList!.contentKeys[0]!.data!.secret!.plainValue!,
        deriveContentKey(TEST_KEY_SEED, KID),
      ),
    ).toBe(0);
  });
});

describe('ClearKey signalling (system e2719d58-a985-b3c9-781a-b030af78d30e)', () => {
  const request = (systems: Parameters<typeof spekeV2Request>[0]['systems'], keys = [{ kid: KID }]) =>
    spekeV2Request({ keys, systems });

  it("answers the tenant's licence URL in a DASH-IF Laurl and the W3C common box in PSSH, with a key of its own", async () => {
    const store = new MemoryKeyStore();
    const service = createKeyService({ store });
    const tenant = clearKeyTenant();
    const answer = await service.answer({
      tenant,
      dialect: 'speke-v2',
      body: request([{ system: 'clearkey', kid: KID }]),
      baseUrl: BASE_URL,
    });
    const { document } = parseCpix(answer.body);
    const [system] = document.drmSystemList!.drmSystems;
    expect(text(system!.contentProtectionData?.value)).toBe(
      '<dashif:Laurl xmlns:dashif="https://dashif.org/CPS" licenseType="EME-1.0">https://keys.example.com/clearkey/acme/license</dashif:Laurl>',
    );
    expect(parsePsshBox(system!.pssh!)).toStrictEqual(COMMON_PSSH);
    const key = document.contentKeyList!.contentKeys[0]!.data!.secret!.plainValue!;
    // Random, kept in the store apart from the KID's own entry, and not the key the seed gives the KID.
    expect([...store.keys.keys()]).toEqual([`acme/clearkey:${KID}`]);
    expect(Buffer.compare(key, store.keys.get(`acme/clearkey:${KID}`)!)).toBe(0);
    expect(Buffer.compare(key, deriveContentKey(TEST_KEY_SEED, KID))).not.toBe(0);
    expect((await validateAgainstXsd(answer.body, '2.3')).errors).toEqual([]);
    // A second request for the KID gets the same key.
    const again = await service.answer({
      tenant,
      dialect: 'speke-v2',
      body: request([{ system: 'clearkey', kid: KID }]),
      baseUrl: BASE_URL,
    });
    expect(
      Buffer.compare(parseCpix(again.body).document.contentKeyList!.contentKeys[0]!.data!.secret!.plainValue!, key),
    ).toBe(0);
  });

  it('keeps the other keys of the request as they are, in request order', async () => {
    const service = createKeyService({ store: new MemoryKeyStore() });
    const body = request(
      [
        { system: 'widevine', kid: OTHER_KID },
        { system: 'clearkey', kid: KID },
      ],
      [{ kid: OTHER_KID }, { kid: KID }],
    );
    const answer = await service.answer({ tenant: clearKeyTenant(), dialect: 'speke-v2', body, baseUrl: BASE_URL });
    const [widevineKey] = parseCpix(answer.body).document.contentKeyList!.contentKeys;
    expect(widevineKey!.kid).toBe(OTHER_KID);
    expect(Buffer.compare(widevineKey!.data!.secret!.plainValue!, deriveContentKey(TEST_KEY_SEED, OTHER_KID))).toBe(0);
  });

  it('refuses ClearKey for a tenant that does not enable it, and a key asked for ClearKey and a DRM system', async () => {
    const service = createKeyService({ store: new MemoryKeyStore() });
    const refusal = (tenant: Tenant, body: string) =>
      service.answer({ tenant, dialect: 'speke-v2', body, baseUrl: BASE_URL }).then(
        () => 'answered',
        (error: KeyServiceError) => `${error.status} ${error.code}`,
      );
    expect(await refusal(testTenant(), request([{ system: 'clearkey', kid: KID }]))).toBe(
      '422 ERR_KEY_SERVICE_CLEARKEY_DISABLED',
    );
    for (const other of ['widevine', 'playready', 'aes128'] as const) {
      const body = request([
        { system: 'clearkey', kid: KID },
        { system: other, kid: KID },
      ]);
      expect(await refusal(clearKeyTenant(), body), other).toBe('422 ERR_KEY_SERVICE_CLEARKEY_KEY_SHARED');
    }
  });

  it('needs a key store, whatever the key source', async () => {
    const error = await createKeyService()
      .answer({
        tenant: clearKeyTenant(),
        dialect: 'speke-v2',
        body: request([{ system: 'clearkey', kid: KID }]),
        baseUrl: BASE_URL,
      })
      .catch((caught: KeyServiceError) => caught);
    expect(error).toMatchObject({ status: 503, code: 'ERR_KEY_SERVICE_NO_STORE' });
  });
});

describe('ClearKey licences', () => {
  async function issued() {
    const store = new MemoryKeyStore();
    const service = createKeyService({ store });
    const tenant = clearKeyTenant();
    const answer = await service.answer({
      tenant,
      dialect: 'speke-v2',
      body: spekeV2Request({
        keys: [{ kid: KID }, { kid: OTHER_KID }],
        systems: [
          { system: 'clearkey', kid: KID },
          { system: 'widevine', kid: OTHER_KID },
        ],
      }),
      baseUrl: BASE_URL,
    });
    const key = parseCpix(answer.body).document.contentKeyList!.contentKeys[0]!.data!.secret!.plainValue!;
    return { store, service, tenant, key };
  }
  const status = (promise: Promise<unknown>) =>
    promise.then(
      () => 'answered',
      (error: KeyServiceError) => `${error.status} ${error.code}`,
    );

  it('answers the JSON Web Key set of the KIDs issued for ClearKey (base64url, no padding)', async () => {
    const { service, tenant, key } = await issued();
    const license = await service.clearKeyLicense(
      tenant,
      JSON.stringify({ kids: [kidB64url(KID)], type: 'temporary' }),
    );
    expect(JSON.parse(license.body)).toEqual({
      keys: [{ kty: 'oct', kid: kidB64url(KID), k: b64url(key) }],
      type: 'temporary',
    });
    expect(license.body).not.toContain('=');
    expect(license.keys).toBe(1);
  });

  it("never serves a key issued for another system, another tenant's key or a KID never issued: the same 404", async () => {
    const { service, tenant } = await issued();
    const ask = (forTenant: Tenant, kids: string[]) =>
      status(service.clearKeyLicense(forTenant, JSON.stringify({ kids: kids.map(kidB64url) })));
    expect(await ask(tenant, [OTHER_KID])).toBe('404 ERR_KEY_SERVICE_KEY_NOT_FOUND');
    expect(await ask(tenant, ['99999999-9999-9999-9999-999999999999'])).toBe('404 ERR_KEY_SERVICE_KEY_NOT_FOUND');
    expect(await ask(tenant, [KID, OTHER_KID])).toBe('404 ERR_KEY_SERVICE_KEY_NOT_FOUND');
    expect(await ask(clearKeyTenant({ id: 'other' }), [KID])).toBe('404 ERR_KEY_SERVICE_KEY_NOT_FOUND');
    expect(await ask(clearKeyTenant({ enabled: false }), [KID])).toBe('403 ERR_KEY_SERVICE_CLEARKEY_DISABLED');
  });

  it('refuses malformed and oversized requests with a 4xx', async () => {
    const { service, tenant } = await issued();
    const ask = (body: string | undefined) => status(service.clearKeyLicense(tenant, body));
    const kid = kidB64url(KID);
    expect(await ask(undefined)).toBe('400 ERR_KEY_SERVICE_BAD_LICENSE_REQUEST');
    expect(await ask('kids')).toBe('400 ERR_KEY_SERVICE_BAD_LICENSE_REQUEST');
    expect(await ask('{"kids":"x"}')).toBe('400 ERR_KEY_SERVICE_BAD_LICENSE_REQUEST');
    expect(await ask('{"kids":[]}')).toBe('400 ERR_KEY_SERVICE_BAD_LICENSE_REQUEST');
    expect(await ask('{"kids":["AAAA"]}')).toBe('400 ERR_KEY_SERVICE_BAD_LICENSE_REQUEST');
    expect(await ask(JSON.stringify({ kids: [kid], type: 'persistent-license' }))).toBe(
      '400 ERR_KEY_SERVICE_BAD_LICENSE_REQUEST',
    );
    const many = Array.from({ length: defaultTenantSettings().maxKeysPerRequest + 1 }, () => kid);
    expect(await ask(JSON.stringify({ kids: many }))).toBe('413 ERR_KEY_SERVICE_TOO_MANY_KEYS');
    expect(await ask(JSON.stringify({ kids: [kid], padding: 'x'.repeat(20_000) }))).toBe(
      '413 ERR_KEY_SERVICE_BODY_TOO_LARGE',
    );
  });
});
