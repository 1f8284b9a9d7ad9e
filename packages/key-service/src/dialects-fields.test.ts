import type { ContentKeyUsageRule, CpixDocument } from '@cpixkit/cpix-model';
import { describe, expect, it } from 'vitest';
import { thrownBy } from '../../../tooling/src/thrown.js';
import { testTenant } from '../test/fixtures.js';
import { SYSTEM } from '../test/requests.js';
import { type CheckedRequest, DIALECT_PROFILES } from './dialects.js';
import { KeyServiceError } from './errors.js';
import type { SpekeRequestOptions } from './speke-routes.js';
import type { Dialect, KeyServiceWarning, Tenant } from './types.js';

// Each dialect's check piece by piece: the whole plan it makes, each refusal with its code, status
// and message, each warning; and the profile values that say how each dialect answers.

const KID = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const KID2 = '11111111-2222-4333-8444-555555555555';
const AWS: SpekeRequestOptions = { spekeRules: 'aws', overrideKeyIds: false };
const AXINOM: SpekeRequestOptions = { spekeRules: 'axinom', overrideKeyIds: false };

const videoRule = (kid = KID): ContentKeyUsageRule => ({ kid, intendedTrackType: 'VIDEO', videoFilters: [{}] });

/** A SPEKE v2 request: one cenc key, one Widevine system, one video rule. */
const v2 = (extra: Partial<CpixDocument> = {}): CpixDocument => ({
  version: '2.3',
  contentId: 'movie-1',
  contentKeyList: { contentKeys: [{ kid: KID, commonEncryptionScheme: 'cenc' }] },
  drmSystemList: { drmSystems: [{ kid: KID, systemId: SYSTEM.widevine }] },
  contentKeyUsageRuleList: { contentKeyUsageRules: [videoRule()] },
  ...extra,
});

/** A SPEKE v1 or PallyCon request: `CPIX@id`, one key without scheme, one Widevine system. */
const v1 = (extra: Partial<CpixDocument> = {}): CpixDocument => ({
  id: 'movie-1',
  contentKeyList: { contentKeys: [{ kid: KID }] },
  drmSystemList: { drmSystems: [{ kid: KID, systemId: SYSTEM.widevine }] },
  ...extra,
});

function check(
  dialect: Dialect,
  document: CpixDocument,
  options: SpekeRequestOptions = AWS,
  tenant: Tenant = testTenant(),
): { checked: CheckedRequest; warnings: KeyServiceWarning[] } {
  const warnings: KeyServiceWarning[] = [];
  const checked = DIALECT_PROFILES[dialect].check(document, tenant, warnings, options);
  return { checked, warnings };
}

function refusal(
  dialect: Dialect,
  document: CpixDocument,
  options: SpekeRequestOptions = AWS,
  tenant: Tenant = testTenant(),
): [string, number, string] {
  const error = thrownBy(() => check(dialect, document, options, tenant), KeyServiceError);
  return [error.code, error.status, error.message];
}

/** The planned key of a request key that kept its KID. */
const kept = (kid: string, extra: Record<string, unknown> = {}) => ({
  source: { kid, ...(extra.scheme === undefined ? {} : { commonEncryptionScheme: extra.scheme }) },
  requestKid: kid,
  kid,
  writtenKid: kid,
  periodAmbiguous: false,
  ...extra,
});

describe('SPEKE v2 check', () => {
  it('plans an AWS request whole: no answerAs, the contentId, the key with its track type, the system', () => {
    const document = v2();
    const { checked, warnings } = check('speke-v2', document);
    const key = kept(KID, { scheme: 'cenc', trackType: 'VIDEO' });
    expect(checked).toStrictEqual({
      contentId: 'movie-1',
      keys: [key],
      systems: [
        {
          source: { kid: KID, systemId: SYSTEM.widevine },
          system: 'widevine',
          key,
          requested: [],
          label: 'DRMSystem[1]',
          name: 'Widevine',
        },
      ],
      kidPolicy: 'keep',
    });
    expect(warnings).toStrictEqual([]);
  });

  it("answers Axinom's requests in their own form: CPIX 2.3 or without version, the attribute the request used", () => {
    const answerAs = (document: CpixDocument) => check('speke-v2', document, AXINOM).checked.answerAs;
    expect(answerAs(v2())).toStrictEqual({ writeVersion: '2.3', contentIdAttribute: 'contentId' });
    expect(answerAs(v2({ contentId: undefined, id: 'movie-1' }))).toStrictEqual({
      writeVersion: '2.3',
      contentIdAttribute: 'id',
    });
    expect(answerAs(v2({ version: undefined, contentId: undefined, id: 'movie-1' }))).toStrictEqual({
      writeVersion: '2.0',
      contentIdAttribute: 'id',
    });
    expect(answerAs(v2({ version: '2.2' }))).toStrictEqual({ writeVersion: '2.0', contentIdAttribute: 'contentId' });
    expect('answerAs' in check('speke-v2', v2()).checked).toBe(false);
  });

  it('refuses the versions it does not read, quoting at most 16 characters of the version', () => {
    expect(refusal('speke-v2', v2({ version: undefined }))).toStrictEqual([
      'ERR_KEY_SERVICE_UNSUPPORTED_VERSION',
      422,
      'a SPEKE v2 request is a CPIX 2.3 document (version="2.3"); this one has no version (SPEKE v1?)',
    ]);
    expect(refusal('speke-v2', v2({ version: '2.4.0123456789abcdef' }))).toStrictEqual([
      'ERR_KEY_SERVICE_UNSUPPORTED_VERSION',
      422,
      'a SPEKE v2 request is a CPIX 2.3 document; this one is version "2.4.0123456789ab"',
    ]);
    expect(refusal('speke-v2', v2({ version: '2.4' }), AXINOM)[2]).toBe(
      'a SPEKE v2 request is a CPIX 2.3 document; this one is version "2.4"',
    );
  });

  it('refuses an absent, empty or blank content id, and warns that a CPIX@id beside it is not echoed', () => {
    const missing = ['ERR_KEY_SERVICE_MISSING_CONTENT_ID', 422, 'a SPEKE v2 request needs CPIX@contentId'] as const;
    expect(refusal('speke-v2', v2({ contentId: undefined, id: 'movie-1' }))).toStrictEqual([...missing]);
    expect(refusal('speke-v2', v2({ contentId: '' }))).toStrictEqual([...missing]);
    expect(refusal('speke-v2', v2({ contentId: ' \t' }))).toStrictEqual([...missing]);
    expect(refusal('speke-v2', v2({ contentId: ' ', id: 'movie-1' }), AXINOM)).toStrictEqual([...missing]);
    expect(check('speke-v2', v2({ contentId: ' a ' })).checked.contentId).toBe(' a ');
    expect(check('speke-v2', v2({ id: 'other' })).warnings).toStrictEqual([
      { code: 'ID_IGNORED', path: '/CPIX/@id', message: 'CPIX@id is not part of SPEKE v2 and is not echoed' },
    ]);
    expect(check('speke-v2', v2({ contentId: undefined, id: 'movie-1' }), AXINOM).warnings).toStrictEqual([]);
  });

  it('refuses more keys than the tenant allows', () => {
    const tenant = testTenant({ settings: { maxKeysPerRequest: 1 } });
    const two = v2({ contentKeyList: { contentKeys: [{ kid: KID }, { kid: KID2 }] } });
    expect(refusal('speke-v2', two, AWS, tenant)).toStrictEqual([
      'ERR_KEY_SERVICE_TOO_MANY_KEYS',
      413,
      'the request asks for 2 content keys; at most 1 per request',
    ]);
  });

  it('names the missing list and the element whose kid is not a content key', () => {
    expect(refusal('speke-v2', v2({ contentKeyList: undefined }))).toStrictEqual([
      'ERR_KEY_SERVICE_MISSING_LIST',
      422,
      'the request has no ContentKeyList',
    ]);
    expect(refusal('speke-v2', v2({ drmSystemList: undefined }))).toStrictEqual([
      'ERR_KEY_SERVICE_MISSING_LIST',
      422,
      'the request has no DRMSystemList',
    ]);
    expect(refusal('speke-v2', v2({ contentKeyUsageRuleList: undefined }))).toStrictEqual([
      'ERR_KEY_SERVICE_MISSING_LIST',
      422,
      'the request has no ContentKeyUsageRuleList',
    ]);
    expect(
      refusal('speke-v2', v2({ contentKeyUsageRuleList: { contentKeyUsageRules: [videoRule(KID2)] } })),
    ).toStrictEqual([
      'ERR_KEY_SERVICE_UNKNOWN_KID',
      422,
      `ContentKeyUsageRule[1]: kid ${KID2} is not in the ContentKeyList (ContentKeyUsageRuleList)`,
    ]);
    expect(
      refusal('speke-v2', v2({ drmSystemList: { drmSystems: [{ kid: KID2, systemId: SYSTEM.widevine }] } })),
    ).toStrictEqual([
      'ERR_KEY_SERVICE_UNKNOWN_KID',
      422,
      `DRMSystem[1]: kid ${KID2} is not in the ContentKeyList (DRMSystemList)`,
    ]);
  });

  it('refuses a usage rule without a track type (absent, empty or blank), naming the rule by its position', () => {
    const rules = (second: ContentKeyUsageRule) =>
      v2({
        contentKeyList: {
          contentKeys: [
            { kid: KID, commonEncryptionScheme: 'cenc' },
            { kid: KID2, commonEncryptionScheme: 'cenc' },
          ],
        },
        contentKeyUsageRuleList: { contentKeyUsageRules: [videoRule(), second] },
      });
    for (const intendedTrackType of [undefined, '', '  ']) {
      expect(
        refusal(
          'speke-v2',
          rules({ kid: KID2, audioFilters: [{}], ...(intendedTrackType === undefined ? {} : { intendedTrackType }) }),
        ),
      ).toStrictEqual([
        'ERR_KEY_SERVICE_MISSING_TRACK_TYPE',
        422,
        'ContentKeyUsageRule[2]: intendedTrackType is required',
      ]);
    }
    expect(refusal('speke-v2', rules({ kid: KID2, intendedTrackType: 'ALL' }))).toStrictEqual([
      'ERR_KEY_SERVICE_ALL_NOT_ALONE',
      422,
      'ContentKeyUsageRule[2]: intendedTrackType ALL must be the only usage rule',
    ]);
    expect(refusal('speke-v2', rules({ kid: KID2, intendedTrackType: 'AUDIO' }))).toStrictEqual([
      'ERR_KEY_SERVICE_RULE_WITHOUT_FILTER',
      422,
      'ContentKeyUsageRule[2]: a usage rule needs a VideoFilter or an AudioFilter',
    ]);
    const both = check(
      'speke-v2',
      rules({ kid: KID2, intendedTrackType: 'AV', videoFilters: [{}], audioFilters: [{}] }),
    );
    expect(both.checked.keys.map((key) => key.trackType)).toStrictEqual(['VIDEO', 'AV']);
  });

  it('refuses FairPlay on a cenc key under AWS rules, and warns under Axinom rules, a key without scheme being cenc', () => {
    const fairPlay = (scheme?: string) =>
      v2({
        contentKeyList: {
          contentKeys: [{ kid: KID, ...(scheme === undefined ? {} : { commonEncryptionScheme: scheme }) }],
        },
        drmSystemList: { drmSystems: [{ kid: KID, systemId: SYSTEM.fairplay }] },
      });
    expect(refusal('speke-v2', fairPlay('cens'))).toStrictEqual([
      'ERR_KEY_SERVICE_FAIRPLAY_NEEDS_CBCS',
      422,
      `DRMSystem[1]: FairPlay needs a cbcs key; kid ${KID} is cens`,
    ]);
    expect(check('speke-v2', fairPlay(), AXINOM).warnings).toStrictEqual([
      {
        code: 'FAIRPLAY_KEY_NOT_CBCS',
        path: 'DRMSystem[1]',
        message: `FairPlay plays cbcs keys; kid ${KID} is cenc, answered as asked`,
      },
    ]);
    expect(check('speke-v2', fairPlay('cbcs')).warnings).toStrictEqual([]);
  });
});

describe('SPEKE v1 check', () => {
  it('plans a request whole, without answerAs', () => {
    const { checked, warnings } = check('speke-v1', v1());
    const key = kept(KID);
    expect(checked).toStrictEqual({
      contentId: 'movie-1',
      keys: [key],
      systems: [
        {
          source: { kid: KID, systemId: SYSTEM.widevine },
          system: 'widevine',
          key,
          requested: [],
          label: 'DRMSystem[1]',
          name: 'Widevine',
        },
      ],
      kidPolicy: 'keep',
    });
    expect(warnings).toStrictEqual([]);
  });

  it('refuses a version, quoting at most 16 characters of it', () => {
    expect(refusal('speke-v1', v1({ version: '2.3.0123456789abcdef' }))).toStrictEqual([
      'ERR_KEY_SERVICE_UNSUPPORTED_VERSION',
      422,
      'a SPEKE v1 request has no CPIX version; this one is version "2.3.0123456789ab" (SPEKE v2?)',
    ]);
  });

  it('refuses an absent, empty, blank or too long CPIX@id, and accepts one of 1024 characters', () => {
    const missing = ['ERR_KEY_SERVICE_MISSING_CONTENT_ID', 422, 'a SPEKE v1 request needs CPIX@id'];
    expect(refusal('speke-v1', v1({ id: undefined, contentId: 'movie-1' }))).toStrictEqual(missing);
    expect(refusal('speke-v1', v1({ id: '' }))).toStrictEqual(missing);
    expect(refusal('speke-v1', v1({ id: ' \n' }))).toStrictEqual(missing);
    expect(check('speke-v1', v1({ id: 'x'.repeat(1024) })).checked.contentId).toHaveLength(1024);
    expect(refusal('speke-v1', v1({ id: 'x'.repeat(1025) }))).toStrictEqual([
      'ERR_KEY_SERVICE_CONTENT_ID_TOO_LONG',
      422,
      'the content id is 1025 characters long; this dialect accepts at most 1024',
    ]);
  });

  it('refuses more keys than the tenant allows', () => {
    const tenant = testTenant({ settings: { maxKeysPerRequest: 1 } });
    const two = v1({ contentKeyList: { contentKeys: [{ kid: KID }, { kid: KID2 }] } });
    expect(refusal('speke-v1', two, AWS, tenant)).toStrictEqual([
      'ERR_KEY_SERVICE_TOO_MANY_KEYS',
      413,
      'the request asks for 2 content keys; at most 1 per request',
    ]);
  });

  it('names the missing list and the element whose kid is not a content key', () => {
    expect(refusal('speke-v1', v1({ contentKeyList: undefined }))).toStrictEqual([
      'ERR_KEY_SERVICE_MISSING_LIST',
      422,
      'the request has no ContentKeyList',
    ]);
    expect(refusal('speke-v1', v1({ drmSystemList: undefined }))).toStrictEqual([
      'ERR_KEY_SERVICE_MISSING_LIST',
      422,
      'the request has no DRMSystemList',
    ]);
    expect(
      refusal('speke-v1', v1({ contentKeyUsageRuleList: { contentKeyUsageRules: [videoRule(KID2)] } })),
    ).toStrictEqual([
      'ERR_KEY_SERVICE_UNKNOWN_KID',
      422,
      `ContentKeyUsageRule[1]: kid ${KID2} is not in the ContentKeyList (ContentKeyUsageRuleList)`,
    ]);
    expect(
      refusal('speke-v1', v1({ drmSystemList: { drmSystems: [{ kid: KID2, systemId: SYSTEM.widevine }] } })),
    ).toStrictEqual([
      'ERR_KEY_SERVICE_UNKNOWN_KID',
      422,
      `DRMSystem[1]: kid ${KID2} is not in the ContentKeyList (DRMSystemList)`,
    ]);
  });
});

describe('PallyCon check', () => {
  it('refuses an absent, empty or blank CPIX@id', () => {
    const missing = [
      'ERR_KEY_SERVICE_MISSING_CONTENT_ID',
      422,
      'a PallyCon CPIX request needs CPIX@id (the content id)',
    ];
    expect(refusal('pallycon-v2', v1({ id: undefined, contentId: 'movie-1' }))).toStrictEqual(missing);
    expect(refusal('pallycon-v2', v1({ id: '' }))).toStrictEqual(missing);
    expect(refusal('pallycon-v1', v1({ id: '\t ' }))).toStrictEqual(missing);
  });

  it('refuses more keys than the tenant allows', () => {
    const tenant = testTenant({ settings: { maxKeysPerRequest: 1 } });
    const two = v1({ contentKeyList: { contentKeys: [{ kid: KID }, { kid: KID2 }] } });
    expect(refusal('pallycon-v2', two, AWS, tenant)).toStrictEqual([
      'ERR_KEY_SERVICE_TOO_MANY_KEYS',
      413,
      'the request asks for 2 content keys; at most 1 per request',
    ]);
  });

  it('names the missing list and, with several keys, the element whose kid is not a content key', () => {
    expect(refusal('pallycon-v2', v1({ contentKeyList: undefined }))).toStrictEqual([
      'ERR_KEY_SERVICE_MISSING_LIST',
      422,
      'the request has no ContentKeyList',
    ]);
    expect(refusal('pallycon-v2', v1({ drmSystemList: undefined }))).toStrictEqual([
      'ERR_KEY_SERVICE_MISSING_LIST',
      422,
      'the request has no DRMSystemList',
    ]);
    const two = (extra: Partial<CpixDocument>) =>
      v1({ contentKeyList: { contentKeys: [{ kid: KID }, { kid: KID2 }] }, ...extra });
    const other = '22222222-2222-4333-8444-555555555555';
    expect(
      refusal('pallycon-v2', two({ contentKeyUsageRuleList: { contentKeyUsageRules: [videoRule(other)] } })),
    ).toStrictEqual([
      'ERR_KEY_SERVICE_UNKNOWN_KID',
      422,
      `ContentKeyUsageRule[1]: kid ${other} is not in the ContentKeyList (ContentKeyUsageRuleList)`,
    ]);
    expect(
      refusal('pallycon-v2', two({ drmSystemList: { drmSystems: [{ kid: other, systemId: SYSTEM.widevine }] } })),
    ).toStrictEqual([
      'ERR_KEY_SERVICE_UNKNOWN_KID',
      422,
      `DRMSystem[1]: kid ${other} is not in the ContentKeyList (DRMSystemList)`,
    ]);
  });

  it("maps any kid of a single-key request to its key, warning only for a kid that is another key's, in any case", () => {
    const upper = KID.toUpperCase();
    const other = '22222222-2222-4333-8444-AAAAAAAAAAAA';
    const { checked, warnings } = check(
      'pallycon-v2',
      v1({
        contentKeyUsageRuleList: { contentKeyUsageRules: [videoRule(upper), videoRule(KID)] },
        drmSystemList: {
          drmSystems: [
            { kid: other, systemId: SYSTEM.widevine },
            { kid: upper, systemId: SYSTEM.playready },
          ],
        },
      }),
    );
    expect(warnings).toStrictEqual([
      {
        code: 'KID_MAPPED_TO_ONLY_KEY',
        path: 'DRMSystem[1]',
        message: "kid 22222222-2222-4333-8444-aaaaaaaaaaaa is answered with the request's only content key",
      },
    ]);
    expect(checked.systems.map((system) => system.key)).toStrictEqual([checked.keys[0], checked.keys[0]]);
    expect(checked.keys[0]!.trackType).toBe('VIDEO');
    expect(checked.kidPolicy).toBe('derive');
  });
});

describe('dialect profiles', () => {
  const HLS = ['hls-media', 'hls-master'];
  const pallyCon = (slots: Record<string, string[]>) => ({ fillable: slots, defaults: slots, fixed: true });
  const pallyConValues = {
    writeVersion: '2.0',
    contentIdAttribute: 'id',
    explicitIvs: 'every-key',
    contentProtectionForm: 'payload',
    playReadyPeriodIndex: true,
    fairPlayUriStyle: 'pallycon',
    minimumRsaKeySize: 3072,
  };
  const PALLYCON_V1 = {
    ...pallyConValues,
    slots: pallyCon({
      widevine: ['pssh'],
      playready: ['pssh'],
      fairplay: ['uriExtXKey'],
      aes128: ['uriExtXKey'],
      clearkey: ['pssh'],
      common: ['pssh'],
    }),
  };
  const CLEARKEY = { clearkey: ['pssh', 'contentProtectionData'], common: ['pssh', 'contentProtectionData'] };
  const V1_KEY_URI = ['uriExtXKey', 'speke:KeyFormat', 'speke:KeyFormatVersions'];
  const EXPECTED: Record<Dialect, Record<string, unknown>> = {
    'speke-v2': {
      writeVersion: '2.3',
      contentIdAttribute: 'contentId',
      explicitIvs: 'keys-with-iv-signaling',
      contentProtectionForm: 'xml',
      playReadyPeriodIndex: false,
      fairPlayUriStyle: 'tenant',
      minimumRsaKeySize: 2048,
      slots: {
        fillable: {
          widevine: ['pssh', 'contentProtectionData', ...HLS],
          playready: ['pssh', 'contentProtectionData', ...HLS, 'smoothStreaming'],
          fairplay: ['uriExtXKey', ...HLS],
          aes128: ['uriExtXKey', ...HLS],
          ...CLEARKEY,
        },
        defaults: {
          widevine: ['pssh', 'contentProtectionData', ...HLS],
          playready: ['pssh', 'contentProtectionData', ...HLS, 'smoothStreaming'],
          fairplay: HLS,
          aes128: HLS,
          ...CLEARKEY,
        },
        fixed: false,
      },
    },
    'speke-v1': {
      writeVersion: '2.0',
      contentIdAttribute: 'id',
      explicitIvs: 'keys-with-iv-signaling',
      contentProtectionForm: 'xml',
      playReadyPeriodIndex: false,
      fairPlayUriStyle: 'tenant',
      minimumRsaKeySize: 2048,
      slots: {
        fillable: {
          widevine: ['pssh', 'contentProtectionData', ...HLS],
          playready: ['pssh', 'contentProtectionData', ...HLS, 'speke:ProtectionHeader', 'smoothStreaming'],
          fairplay: [...V1_KEY_URI, ...HLS],
          aes128: [...V1_KEY_URI, ...HLS],
          ...CLEARKEY,
        },
        defaults: {
          widevine: ['pssh'],
          playready: ['pssh', 'speke:ProtectionHeader'],
          fairplay: V1_KEY_URI,
          aes128: V1_KEY_URI,
          ...CLEARKEY,
        },
        fixed: false,
      },
    },
    'pallycon-v1': PALLYCON_V1,
    'pallycon-v2': {
      ...pallyConValues,
      slots: pallyCon({
        widevine: ['pssh', 'contentProtectionData'],
        playready: ['pssh', 'contentProtectionData', 'speke:ProtectionHeader'],
        fairplay: ['uriExtXKey', ...HLS],
        aes128: ['uriExtXKey'],
        clearkey: ['pssh'],
        common: ['pssh'],
      }),
    },
    anevia: PALLYCON_V1,
  };

  it('declares per dialect the version, content id attribute, IVs, data form, PlayReady period, FairPlay URI, RSA size and slots', () => {
    const values = Object.fromEntries(
      Object.entries(DIALECT_PROFILES).map(([dialect, profile]) => {
        const { check: _check, widevineStyle: _widevineStyle, headers: _headers, ...rest } = profile;
        return [dialect, rest];
      }),
    );
    expect(values).toStrictEqual(EXPECTED);
  });

  it("takes the Widevine fields from the tenant's settings (SPEKE) or PallyCon's, the provider only when set", () => {
    const widevine = { algorithm: false, contentId: 'none', trackType: false, protectionScheme: true } as const;
    const without = testTenant({ settings: { widevine } });
    const withProvider = testTenant({ settings: { widevine: { ...widevine, provider: 'acme' } } });
    const speke = { ...widevine, cryptoPeriodIndex: true };
    const pallyCon = {
      algorithm: true,
      contentId: 'content-id-and-period',
      trackType: true,
      protectionScheme: false,
      cryptoPeriodIndex: true,
    };
    for (const dialect of ['speke-v2', 'speke-v1'] as const) {
      expect(DIALECT_PROFILES[dialect].widevineStyle(without)).toStrictEqual(speke);
      expect(DIALECT_PROFILES[dialect].widevineStyle(withProvider)).toStrictEqual({ ...speke, provider: 'acme' });
    }
    for (const dialect of ['pallycon-v2', 'pallycon-v1', 'anevia'] as const) {
      expect(DIALECT_PROFILES[dialect].widevineStyle(without)).toStrictEqual(pallyCon);
      expect(DIALECT_PROFILES[dialect].widevineStyle(withProvider)).toStrictEqual({ ...pallyCon, provider: 'acme' });
    }
  });
});
