import type { ContentKey, CpixDocument, DrmSystem } from '@cpixkit/cpix-model';
import { deriveKeyId } from '@cpixkit/key-seed';
import { describe, expect, it } from 'vitest';
import { thrownBy } from '../../../tooling/src/thrown.js';
import { testTenant } from '../test/fixtures.js';
import { KeyServiceError } from './errors.js';
import {
  applyUsageRules,
  checkKeyCount,
  deriveKids,
  type PlannedKey,
  readContentKeys,
  readDrmSystems,
  requestedSlots,
  requireList,
  SLOT_NAMES,
  SYSTEM_NAMES,
  signaledSystem,
  strictKidLookup,
} from './request-plan.js';

// The request plan piece by piece: whole planned keys and systems, and each refusal with its code,
// status and message.

const KID_A = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const KID_B = '11111111-2222-4333-8444-555555555555';
const WIDEVINE = 'edef8ba9-79d6-4ace-a3c8-27dcd51d21ed';
const EMPTY = new Uint8Array(0);

function refusal(fn: () => unknown): [string, number, string] {
  const error = thrownBy(fn, KeyServiceError);
  return [error.code, error.status, error.message];
}

const planned = (kid: string, extra: Partial<PlannedKey> = {}): PlannedKey => ({
  source: { kid },
  requestKid: kid,
  kid: kid.toLowerCase(),
  writtenKid: kid,
  periodAmbiguous: false,
  ...extra,
});

describe('signaledSystem and requestedSlots', () => {
  it('knows the six signalled systems and no other', () => {
    expect(
      [
        WIDEVINE,
        '9A04F079-9840-4286-AB92-E65BE0885F95',
        '94ce86fb-07ff-4f43-adb8-93d2fa968ca2',
        '81376844-f976-481e-a84e-cc25d39b0b33',
        'e2719d58-a985-b3c9-781a-b030af78d30e',
        '1077efec-c0b2-4d02-ace3-3c1e52e2fb4b',
        '3d5e6d35-9b9a-41e8-b843-dd3c6e72c42c',
        '5e629af5-38da-4063-8977-97ffbd9902d4',
        KID_A,
      ].map(signaledSystem),
    ).toStrictEqual([
      'widevine',
      'playready',
      'fairplay',
      'aes128',
      'clearkey',
      'common',
      undefined,
      undefined,
      undefined,
    ]);
    expect(SYSTEM_NAMES).toStrictEqual({
      widevine: 'Widevine',
      playready: 'PlayReady',
      fairplay: 'FairPlay',
      aes128: 'HLS AES-128',
      clearkey: 'ClearKey',
      common: 'W3C Common PSSH',
    });
  });

  it('lists every slot asked for, HLS in request order and once per playlist', () => {
    const system: DrmSystem = {
      kid: KID_A,
      systemId: WIDEVINE,
      pssh: EMPTY,
      contentProtectionData: { value: EMPTY },
      uriExtXKey: EMPTY,
      hlsSignalingData: [
        { playlist: 'master', value: EMPTY },
        { value: EMPTY },
        { playlist: 'media', value: EMPTY },
        { playlist: 'multiVariant', value: EMPTY },
      ],
      smoothStreamingProtectionHeaderData: '',
      hdsSignalingData: EMPTY,
      speke: { protectionHeader: EMPTY, keyFormat: EMPTY, keyFormatVersions: EMPTY },
    } as DrmSystem;
    expect(requestedSlots(system)).toStrictEqual([
      'pssh',
      'contentProtectionData',
      'uriExtXKey',
      'hls-master',
      'hls-media',
      'smoothStreaming',
      'hds',
      'speke:ProtectionHeader',
      'speke:KeyFormat',
      'speke:KeyFormatVersions',
    ]);
    expect(requestedSlots({ kid: KID_A, systemId: WIDEVINE })).toStrictEqual([]);
    expect(requestedSlots({ kid: KID_A, systemId: WIDEVINE, speke: {} } as DrmSystem)).toStrictEqual([]);
    expect(
      requestedSlots({ kid: KID_A, systemId: WIDEVINE, hlsSignalingData: [{ value: EMPTY }] } as DrmSystem),
    ).toStrictEqual(['hls-media']);
    expect(SLOT_NAMES).toStrictEqual({
      pssh: 'PSSH',
      contentProtectionData: 'ContentProtectionData',
      uriExtXKey: 'URIExtXKey',
      'hls-media': 'HLSSignalingData (media)',
      'hls-master': 'HLSSignalingData (master)',
      smoothStreaming: 'SmoothStreamingProtectionHeaderData',
      hds: 'HDSSignalingData',
      'speke:ProtectionHeader': 'speke:ProtectionHeader',
      'speke:KeyFormat': 'speke:KeyFormat',
      'speke:KeyFormatVersions': 'speke:KeyFormatVersions',
    });
  });
});

describe('requireList and checkKeyCount', () => {
  it('refuses an absent and an empty list, naming it', () => {
    expect(refusal(() => requireList(undefined, 'DRMSystemList'))).toStrictEqual([
      'ERR_KEY_SERVICE_MISSING_LIST',
      422,
      'the request has no DRMSystemList',
    ]);
    expect(refusal(() => requireList([], 'DRMSystemList'))).toStrictEqual([
      'ERR_KEY_SERVICE_EMPTY_LIST',
      422,
      "the request's DRMSystemList is empty",
    ]);
    const items = [1];
    expect(requireList(items, 'x')).toBe(items);
  });

  it('accepts as many keys as allowed and eight DRMSystems per key, and refuses one more', () => {
    const tenant = testTenant({ settings: { maxKeysPerRequest: 2 } });
    const document = (keys: number, systems: number): CpixDocument => ({
      contentKeyList: { contentKeys: Array.from({ length: keys }, () => ({ kid: KID_A })) },
      drmSystemList: { drmSystems: Array.from({ length: systems }, () => ({ kid: KID_A, systemId: WIDEVINE })) },
    });
    expect(checkKeyCount(document(2, 16), tenant)).toBeUndefined();
    expect(checkKeyCount({}, tenant)).toBeUndefined();
    expect(refusal(() => checkKeyCount(document(3, 0), tenant))).toStrictEqual([
      'ERR_KEY_SERVICE_TOO_MANY_KEYS',
      413,
      'the request asks for 3 content keys; at most 2 per request',
    ]);
    expect(refusal(() => checkKeyCount(document(1, 17), tenant))).toStrictEqual([
      'ERR_KEY_SERVICE_TOO_MANY_KEYS',
      413,
      'the request has 17 DRMSystem elements; at most 16 per request',
    ]);
  });
});

describe('readContentKeys', () => {
  it('plans each key with its KID as written and lower-cased, and its scheme when given', () => {
    const keys: ContentKey[] = [
      { kid: KID_A.toUpperCase(), commonEncryptionScheme: 'cbcs' },
      { kid: KID_B, explicitIV: new Uint8Array(16) },
    ];
    expect(readContentKeys(keys, false)).toStrictEqual([
      {
        source: keys[0],
        requestKid: KID_A.toUpperCase(),
        kid: KID_A,
        writtenKid: KID_A.toUpperCase(),
        periodAmbiguous: false,
        scheme: 'cbcs',
      },
      { source: keys[1], requestKid: KID_B, kid: KID_B, writtenKid: KID_B, periodAmbiguous: false },
    ]);
    for (const scheme of ['cenc', 'cbcs', 'cens', 'cbc1']) {
      expect(readContentKeys([{ kid: KID_A, commonEncryptionScheme: scheme }], true)[0]!.scheme).toBe(scheme);
    }
  });

  it.each([
    [
      [{ kid: KID_A }, { kid: KID_B }, { kid: KID_A.toUpperCase() }],
      false,
      'ERR_KEY_SERVICE_DUPLICATE_KID',
      `ContentKey[3]: kid ${KID_A} occurs more than once in the ContentKeyList`,
    ],
    [
      [{ kid: KID_A, explicitIV: new Uint8Array(15) }],
      false,
      'ERR_KEY_SERVICE_INVALID_IV',
      'ContentKey[1]: explicitIV must be 16 bytes, it is 15',
    ],
    [
      [{ kid: KID_A, explicitIV: new Uint8Array(17) }],
      false,
      'ERR_KEY_SERVICE_INVALID_IV',
      'ContentKey[1]: explicitIV must be 16 bytes, it is 17',
    ],
    [
      [{ kid: KID_A, data: {} }],
      false,
      'ERR_KEY_SERVICE_KEY_PROVIDED',
      'ContentKey[1]: the request carries key data; the key server issues the keys',
    ],
    [
      [{ kid: KID_A, commonEncryptionScheme: 'cbcs' }, { kid: KID_B }],
      true,
      'ERR_KEY_SERVICE_MISSING_SCHEME',
      'ContentKey[2]: commonEncryptionScheme is required',
    ],
    [
      [{ kid: KID_A, commonEncryptionScheme: 'CENC' }],
      false,
      'ERR_KEY_SERVICE_UNSUPPORTED_SCHEME',
      'ContentKey[1]: commonEncryptionScheme "CENC" is not cenc, cbcs, cens or cbc1',
    ],
    [
      [{ kid: KID_A, commonEncryptionScheme: 'x'.repeat(30) }],
      false,
      'ERR_KEY_SERVICE_UNSUPPORTED_SCHEME',
      `ContentKey[1]: commonEncryptionScheme "${'x'.repeat(16)}" is not cenc, cbcs, cens or cbc1`,
    ],
  ])('refuses %j', (keys, requireScheme, code, message) => {
    expect(refusal(() => readContentKeys(keys as ContentKey[], requireScheme))).toStrictEqual([code, 422, message]);
  });
});

describe('applyUsageRules', () => {
  const document = (
    rules: CpixDocument['contentKeyUsageRuleList'],
    periods = [{ id: 'p1', index: 1 }, { id: 'p2', index: 2 }, { id: 'p0' }],
  ) => ({ contentKeyPeriodList: { contentKeyPeriods: periods }, contentKeyUsageRuleList: rules }) as CpixDocument;

  it('joins the sorted track types of a key, and takes the period its rules agree on', () => {
    const a = planned(KID_A);
    const b = planned(KID_B);
    applyUsageRules(
      document({
        contentKeyUsageRules: [
          { kid: KID_A, intendedTrackType: 'SD', keyPeriodFilters: [{ periodId: 'p2' }] },
          { kid: KID_A, intendedTrackType: 'HD', keyPeriodFilters: [{ periodId: 'p2' }] },
          { kid: KID_A, intendedTrackType: 'HD' },
          { kid: KID_B, intendedTrackType: '' },
        ],
      }),
      [a, b],
      strictKidLookup([a, b], 'usage rules'),
    );
    expect(a).toStrictEqual(planned(KID_A, { trackType: 'HD+SD', periodIndex: 2 }));
    expect(b).toStrictEqual(planned(KID_B));
  });

  it('marks a key whose rules name different periods, and gives no index for a period without one', () => {
    const a = planned(KID_A);
    const b = planned(KID_B);
    applyUsageRules(
      document({
        contentKeyUsageRules: [
          { kid: KID_A, keyPeriodFilters: [{ periodId: 'p1' }, { periodId: 'p2' }] },
          { kid: KID_B, keyPeriodFilters: [{ periodId: 'p0' }] },
        ],
      }),
      [a, b],
      strictKidLookup([a, b], 'usage rules'),
    );
    expect([a, b]).toStrictEqual([planned(KID_A, { periodAmbiguous: true }), planned(KID_B)]);
    applyUsageRules({}, [a], strictKidLookup([a], 'usage rules'));
    expect(a).toStrictEqual(planned(KID_A, { periodAmbiguous: true }));
  });

  it('refuses a period filter naming no period, and a rule of an unknown kid', () => {
    const a = planned(KID_A);
    const long = 'q'.repeat(100);
    expect(
      refusal(() =>
        applyUsageRules(
          document({ contentKeyUsageRules: [{ kid: KID_A }, { kid: KID_A, keyPeriodFilters: [{ periodId: long }] }] }),
          [a],
          strictKidLookup([a], 'usage rules'),
        ),
      ),
    ).toStrictEqual([
      'ERR_KEY_SERVICE_UNKNOWN_PERIOD',
      422,
      `ContentKeyUsageRule[2]: KeyPeriodFilter names period "${'q'.repeat(80)}", which is not in the ContentKeyPeriodList`,
    ]);
    expect(
      refusal(() =>
        applyUsageRules(
          document({ contentKeyUsageRules: [{ kid: KID_B.toUpperCase() }] }),
          [a],
          strictKidLookup([a], 'usage rules'),
        ),
      ),
    ).toStrictEqual([
      'ERR_KEY_SERVICE_UNKNOWN_KID',
      422,
      `ContentKeyUsageRule[1]: kid ${KID_B} is not in the ContentKeyList (usage rules)`,
    ]);
  });
});

describe('deriveKids', () => {
  it('derives each KID from content id, track type, period and a scheme other than cenc', () => {
    const tenant = testTenant();
    const keys = [
      planned(KID_A, { trackType: 'HD', periodIndex: 3, scheme: 'cbcs' }),
      planned(KID_B, { scheme: 'cenc' }),
    ];
    deriveKids(tenant, 'movie', keys);
    const first = deriveKeyId(tenant.derivationSecret, {
      contentId: 'movie',
      trackType: 'HD',
      periodIndex: 3,
      scheme: 'cbcs',
    });
    const second = deriveKeyId(tenant.derivationSecret, { contentId: 'movie' });
    expect(keys.map((key) => [key.requestKid, key.kid, key.writtenKid])).toStrictEqual([
      [KID_A, first, first],
      [KID_B, second, second],
    ]);
  });

  it('leaves the scheme out when the tenant turns kidPerScheme off, and then refuses keys it cannot tell apart', () => {
    const tenant = testTenant({ settings: { kidPerScheme: false } });
    const keys = [planned(KID_A, { scheme: 'cbcs', periodIndex: 0 })];
    deriveKids(tenant, 'movie', keys);
    expect(keys[0]!.kid).toBe(deriveKeyId(tenant.derivationSecret, { contentId: 'movie', periodIndex: 0 }));
    expect(
      refusal(() => deriveKids(tenant, 'movie', [planned(KID_A, { scheme: 'cbcs' }), planned(KID_B)])),
    ).toStrictEqual([
      'ERR_KEY_SERVICE_KID_COLLISION',
      422,
      `kids ${KID_A} and ${KID_B} have the same track type, key period and scheme, so they would get the same derived KID; give them distinct intendedTrackType values`,
    ]);
    expect(deriveKids(testTenant(), 'movie', [planned(KID_A, { scheme: 'cbcs' }), planned(KID_B)])).toBeUndefined();
  });

  it('refuses a key whose rules name different periods', () => {
    expect(refusal(() => deriveKids(testTenant(), 'm', [planned(KID_A, { periodAmbiguous: true })]))).toStrictEqual([
      'ERR_KEY_SERVICE_AMBIGUOUS_PERIOD',
      422,
      `kid ${KID_A}: its usage rules name different key periods, so no KID can be derived for it`,
    ]);
  });
});

describe('readDrmSystems', () => {
  const a = planned(KID_A);
  const b = planned(KID_B);
  const lookup = strictKidLookup([a, b], 'DRMSystemList');

  it('plans each system with its key, slots, label and name', () => {
    const systems: DrmSystem[] = [
      { kid: KID_A, systemId: WIDEVINE.toUpperCase(), pssh: EMPTY },
      { kid: KID_B, systemId: WIDEVINE },
      { kid: KID_A, systemId: '81376844-f976-481e-a84e-cc25d39b0b33', uriExtXKey: EMPTY },
    ];
    expect(readDrmSystems(systems, lookup, true)).toStrictEqual([
      { source: systems[0], system: 'widevine', key: a, requested: ['pssh'], label: 'DRMSystem[1]', name: 'Widevine' },
      { source: systems[1], system: 'widevine', key: b, requested: [], label: 'DRMSystem[2]', name: 'Widevine' },
      {
        source: systems[2],
        system: 'aes128',
        key: a,
        requested: ['uriExtXKey'],
        label: 'DRMSystem[3]',
        name: 'HLS AES-128',
      },
    ]);
  });

  it.each([
    [
      [{ kid: KID_A, systemId: '3d5e6d35-9b9a-41e8-b843-dd3c6e72c42c' }],
      true,
      'ERR_KEY_SERVICE_UNSUPPORTED_SYSTEM',
      'DRMSystem[1]: system id 3d5e6d35-9b9a-41e8-b843-dd3c6e72c42c is not one this server signals (Widevine, PlayReady, FairPlay, HLS AES-128, ClearKey, W3C Common PSSH)',
    ],
    [
      [
        { kid: KID_A, systemId: WIDEVINE },
        { kid: KID_A, systemId: '81376844-F976-481E-A84E-CC25D39B0B33' },
      ],
      false,
      'ERR_KEY_SERVICE_AES128_DISABLED',
      'DRMSystem[2]: HLS AES-128 is not enabled for this tenant',
    ],
    [
      [
        { kid: KID_A, systemId: WIDEVINE },
        { kid: KID_B, systemId: WIDEVINE },
        { kid: KID_A.toUpperCase(), systemId: WIDEVINE.toUpperCase() },
      ],
      true,
      'ERR_KEY_SERVICE_DUPLICATE_DRM_SYSTEM',
      `DRMSystem[3]: a second Widevine DRMSystem for kid ${KID_A}`,
    ],
    [
      [{ kid: '22222222-2222-4222-8222-222222222222', systemId: WIDEVINE }],
      true,
      'ERR_KEY_SERVICE_UNKNOWN_KID',
      'DRMSystem[1]: kid 22222222-2222-4222-8222-222222222222 is not in the ContentKeyList (DRMSystemList)',
    ],
  ])('refuses %j', (systems, allowAes128, code, message) => {
    expect(refusal(() => readDrmSystems(systems as DrmSystem[], lookup, allowAes128))).toStrictEqual([
      code,
      422,
      message,
    ]);
  });
});
