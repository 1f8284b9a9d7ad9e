import { type CpixDocument, serializeCpix } from '@cpixkit/cpix-model';
import { describe, expect, it } from 'vitest';
import { thrownBy } from '../../../tooling/src/thrown.js';
import { buildKeyRequest, CpixClientError, type CpixDialect, type KeyRequest, TRACK_TYPES } from './index.js';

// The whole prepared request of each dialect compared exactly, and every input check at its
// boundary with its code and message.

const KID_A = '98ee5596-cd3e-a20d-163a-e382420c6eff';
const KID_B = '53abdba2-f210-43cb-bc90-f18f9a890a02';
const KID_C = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const WIDEVINE = 'edef8ba9-79d6-4ace-a3c8-27dcd51d21ed';
const PLAYREADY = '9a04f079-9840-4286-ab92-e65be0885f95';
const FAIRPLAY = '94ce86fb-07ff-4f43-adb8-93d2fa968ca2';
const AES128 = '81376844-f976-481e-a84e-cc25d39b0b33';
const CLEARKEY = 'e2719d58-a985-b3c9-781a-b030af78d30e';
const COMMON = '1077efec-c0b2-4d02-ace3-3c1e52e2fb4b';
const WISEPLAY = '3d5e6d35-9b9a-41e8-b843-dd3c6e72c42c';
const EMPTY = new Uint8Array(0);
const HLS = [
  { playlist: 'media' as const, value: EMPTY },
  { playlist: 'master' as const, value: EMPTY },
];
const TARGETS = {
  widevine: { systemId: WIDEVINE, drm: 'widevine', name: 'Widevine' },
  playready: { systemId: PLAYREADY, drm: 'playready', name: 'PlayReady' },
  fairplay: { systemId: FAIRPLAY, drm: 'fairplay', name: 'FairPlay' },
  aes128: { systemId: AES128, drm: 'aes128', name: 'HLS AES-128' },
  clearkey: { systemId: CLEARKEY, drm: 'clearkey', name: 'ClearKey' },
  common: { systemId: COMMON, drm: 'common', name: 'W3C Common' },
  wiseplay: { systemId: WISEPLAY, drm: 'wiseplay', name: 'WisePlay' },
} as const;
const ALL_SYSTEMS = Object.keys(TARGETS) as (keyof typeof TARGETS)[];

/** The error `buildKeyRequest` throws for these request fields, in this dialect. */
function refusal(fields: Partial<KeyRequest> | null, dialect: CpixDialect = 'speke-v1'): CpixClientError {
  const request = fields === null ? null : { contentId: 'c', drmSystems: ['widevine'], ...fields };
  const error = thrownBy(() => buildKeyRequest(request as KeyRequest, dialect), CpixClientError);
  expect(error.code).toBe('ERR_CLIENT_INVALID_OPTION');
  return error;
}

describe('buildKeyRequest: the whole request of each dialect', () => {
  it('SPEKE v1 asks each kind of DRM system for its own SPEKE v1 elements, in a CPIX 2.0 body', () => {
    const prepared = buildKeyRequest({ contentId: 'movie', drmSystems: ALL_SYSTEMS, kids: [KID_A] }, 'speke-v1');
    const document: CpixDocument = {
      id: 'movie',
      contentKeyList: { contentKeys: [{ kid: KID_A, commonEncryptionScheme: 'cenc' }] },
      drmSystemList: {
        drmSystems: [
          { kid: KID_A, systemId: WIDEVINE, pssh: EMPTY },
          { kid: KID_A, systemId: PLAYREADY, pssh: EMPTY, speke: { protectionHeader: EMPTY } },
          { kid: KID_A, systemId: FAIRPLAY, uriExtXKey: EMPTY, speke: { keyFormat: EMPTY, keyFormatVersions: EMPTY } },
          { kid: KID_A, systemId: AES128, uriExtXKey: EMPTY, speke: { keyFormat: EMPTY, keyFormatVersions: EMPTY } },
          { kid: KID_A, systemId: CLEARKEY, pssh: EMPTY, contentProtectionData: { value: EMPTY } },
          { kid: KID_A, systemId: COMMON, pssh: EMPTY, contentProtectionData: { value: EMPTY } },
          { kid: KID_A, systemId: WISEPLAY, pssh: EMPTY },
        ],
      },
    };
    expect(prepared).toStrictEqual({
      dialect: 'speke-v1',
      contentId: 'movie',
      scheme: 'cenc',
      drmSystems: ALL_SYSTEMS.map((name) => TARGETS[name]),
      slots: [{ kid: KID_A }],
      method: 'POST',
      document,
      body: serializeCpix(document, { version: '2.0', unrepresentable: 'keep' }),
    });
    expect(prepared.body).not.toMatch(/<cpix:CPIX [^>]*version=/);
  });

  it('SPEKE v2 asks for PSSH, ContentProtectionData, HLS lines and the Smooth header as each system has them, in CPIX 2.3', () => {
    const prepared = buildKeyRequest(
      { contentId: 'movie', drmSystems: ALL_SYSTEMS, kids: [KID_A], scheme: 'cbcs' },
      'speke-v2',
    );
    const all = { intendedTrackType: 'ALL', videoFilters: [{}], audioFilters: [{}] };
    const document: CpixDocument = {
      contentId: 'movie',
      contentKeyList: { contentKeys: [{ kid: KID_A, commonEncryptionScheme: 'cbcs' }] },
      drmSystemList: {
        drmSystems: [
          {
            kid: KID_A,
            systemId: WIDEVINE,
            pssh: EMPTY,
            contentProtectionData: { value: EMPTY },
            hlsSignalingData: HLS,
          },
          {
            kid: KID_A,
            systemId: PLAYREADY,
            pssh: EMPTY,
            contentProtectionData: { value: EMPTY },
            hlsSignalingData: HLS,
            smoothStreamingProtectionHeaderData: '',
          },
          { kid: KID_A, systemId: FAIRPLAY, hlsSignalingData: HLS },
          { kid: KID_A, systemId: AES128, hlsSignalingData: HLS },
          { kid: KID_A, systemId: CLEARKEY, pssh: EMPTY, contentProtectionData: { value: EMPTY } },
          { kid: KID_A, systemId: COMMON, pssh: EMPTY, contentProtectionData: { value: EMPTY } },
          { kid: KID_A, systemId: WISEPLAY, pssh: EMPTY, contentProtectionData: { value: EMPTY } },
        ],
      },
      contentKeyUsageRuleList: { contentKeyUsageRules: [{ kid: KID_A, ...all }] },
    };
    expect(prepared).toStrictEqual({
      dialect: 'speke-v2',
      contentId: 'movie',
      scheme: 'cbcs',
      drmSystems: ALL_SYSTEMS.map((name) => TARGETS[name]),
      slots: [{ kid: KID_A, trackType: 'ALL' }],
      method: 'POST',
      document,
      body: serializeCpix(document, { version: '2.3', unrepresentable: 'keep' }),
    });
    expect(prepared.body).toContain('version="2.3"');
  });

  it.each(['pallycon-v1', 'pallycon-v2'] as const)(
    '%s sends empty DRMSystems, one key per track type and period, in CPIX 2.0',
    (dialect) => {
      const prepared = buildKeyRequest(
        {
          contentId: '0042',
          drmSystems: ['widevine', 'fairplay'],
          tracks: ['SD', 'AUDIO'],
          periods: [
            { index: 7, id: 'p7' },
            { index: 0, id: 'p0' },
          ],
          kids: [KID_A, KID_B, KID_C, KID_A.replace('98', '99')],
          scheme: 'cens',
        },
        dialect,
      );
      const kids = [KID_A, KID_B, KID_C, KID_A.replace('98', '99')] as const;
      const document: CpixDocument = {
        id: '0042',
        contentKeyList: { contentKeys: kids.map((kid) => ({ kid, commonEncryptionScheme: 'cens' })) },
        drmSystemList: {
          drmSystems: kids.flatMap((kid) => [
            { kid, systemId: WIDEVINE },
            { kid, systemId: FAIRPLAY },
          ]),
        },
        contentKeyPeriodList: {
          contentKeyPeriods: [
            { index: 7, id: 'p7' },
            { index: 0, id: 'p0' },
          ],
        },
        contentKeyUsageRuleList: {
          contentKeyUsageRules: [
            {
              kid: kids[0],
              intendedTrackType: 'SD',
              keyPeriodFilters: [{ periodId: 'p7' }],
              videoFilters: [{ maxPixels: 589824 }],
            },
            {
              kid: kids[1],
              intendedTrackType: 'SD',
              keyPeriodFilters: [{ periodId: 'p0' }],
              videoFilters: [{ maxPixels: 589824 }],
            },
            { kid: kids[2], intendedTrackType: 'AUDIO', keyPeriodFilters: [{ periodId: 'p7' }], audioFilters: [{}] },
            { kid: kids[3], intendedTrackType: 'AUDIO', keyPeriodFilters: [{ periodId: 'p0' }], audioFilters: [{}] },
          ],
        },
      };
      expect(prepared).toStrictEqual({
        dialect,
        contentId: '0042',
        scheme: 'cens',
        drmSystems: [TARGETS.widevine, TARGETS.fairplay],
        slots: [
          { kid: kids[0], trackType: 'SD', period: { id: 'p7', index: 7 } },
          { kid: kids[1], trackType: 'SD', period: { id: 'p0', index: 0 } },
          { kid: kids[2], trackType: 'AUDIO', period: { id: 'p7', index: 7 } },
          { kid: kids[3], trackType: 'AUDIO', period: { id: 'p0', index: 0 } },
        ],
        method: 'POST',
        document,
        body: serializeCpix(document, { version: '2.0', unrepresentable: 'keep' }),
      });
    },
  );

  it('writes copies of the track type filters, never the frozen tables themselves', () => {
    const prepared = buildKeyRequest(
      { contentId: 'c', drmSystems: ['widevine'], tracks: ['SD+HD1', 'STEREO_AUDIO'], kids: [KID_A, KID_B] },
      'speke-v1',
    );
    const [video, audio] = prepared.document!.contentKeyUsageRuleList!.contentKeyUsageRules;
    expect(video).toStrictEqual({
      kid: KID_A,
      intendedTrackType: 'SD+HD1',
      videoFilters: [{ maxPixels: 589824 }, { minPixels: 589825, maxPixels: 921600 }],
    });
    expect(audio).toStrictEqual({ kid: KID_B, intendedTrackType: 'STEREO_AUDIO', audioFilters: [{ maxChannels: 2 }] });
    expect(video!.videoFilters![0]).not.toBe(TRACK_TYPES['SD+HD1']!.videoFilters![0]);
    expect(Object.isFrozen(video!.videoFilters![0])).toBe(false);
    expect(Object.isFrozen(audio!.audioFilters![0])).toBe(false);
  });

  it('gives a key period without an id a fresh keyPeriod_ id, the same in the periods, filters and slots', () => {
    const prepared = buildKeyRequest({ contentId: 'c', drmSystems: ['widevine'], periods: [0, 1] }, 'speke-v1');
    const [first, second] = prepared.document!.contentKeyPeriodList!.contentKeyPeriods;
    expect(first!.id).toMatch(/^keyPeriod_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(second!.id).not.toBe(first!.id);
    expect(prepared.slots.map((slot) => slot.period)).toStrictEqual([
      { id: first!.id, index: 0 },
      { id: second!.id, index: 1 },
    ]);
    expect(
      prepared.document!.contentKeyUsageRuleList!.contentKeyUsageRules.map((rule) => rule.keyPeriodFilters),
    ).toStrictEqual([[{ periodId: first!.id }], [{ periodId: second!.id }]]);
  });

  it('draws distinct random version 4 KIDs when none are given', () => {
    const prepared = buildKeyRequest({ contentId: 'c', drmSystems: ['widevine'], tracks: ['SD', 'HD'] }, 'speke-v1');
    const kids = prepared.slots.map((slot) => slot.kid);
    for (const kid of kids)
      expect(kid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(kids).size).toBe(2);
  });

  it('writes the KIDs given in their normal form, and accepts every scheme in any case', () => {
    for (const scheme of ['cenc', 'cbc1', 'cens', 'cbcs', 'CENC', 'Cbc1']) {
      const prepared = buildKeyRequest(
        { contentId: 'c', drmSystems: ['widevine'], kids: [`{${KID_A.toUpperCase()}}`], scheme: scheme as 'cenc' },
        'speke-v1',
      );
      expect(prepared.scheme).toBe(scheme.toLowerCase());
      expect(prepared.slots).toStrictEqual([{ kid: KID_A }]);
    }
  });

  it('accepts a content id with a space and any character from U+0020 on', () => {
    expect(buildKeyRequest({ contentId: ' a b\u007f', drmSystems: ['widevine'] }, 'speke-v1').contentId).toBe(
      ' a b\u007f',
    );
  });
});

describe('buildKeyRequest: the ATEME GET request', () => {
  it.each([
    [['widevine'], undefined, 'dash'],
    [['playready'], undefined, 'dash'],
    [['widevine', 'playready'], 'dash', 'dash'],
    [['fairplay'], undefined, 'hls'],
    [['aes128'], undefined, 'hls'],
    [['fairplay', 'aes128'], 'hls', 'hls'],
  ] as const)('asks %j with format %s for %s', (drmSystems, format, expected) => {
    const prepared = buildKeyRequest(
      { contentId: 'cid', drmSystems, scheme: 'cbcs', ...(format ? { format } : {}) },
      'anevia',
    );
    expect(prepared).toStrictEqual({
      dialect: 'anevia',
      contentId: 'cid',
      scheme: 'cbcs',
      drmSystems: drmSystems.map((name) => TARGETS[name]),
      slots: [],
      method: 'GET',
      format: expected,
    });
  });

  it.each([
    [{ tracks: ['HD'] }, 'the ATEME GET API takes no tracks'],
    [{ periods: [1] }, 'the ATEME GET API takes no periods'],
    [{ kids: [KID_A] }, 'the ATEME GET API takes no kids'],
    [{ recipientCertificate: 'x' }, 'the ATEME GET API takes no recipientCertificate'],
    [{ format: 'smooth' }, 'format must be dash or hls'],
    [
      { format: 'dash', drmSystems: ['widevine', 'fairplay'] },
      'the ATEME GET API format dash does not serve Widevine, FairPlay',
    ],
    [
      { format: 'hls', drmSystems: ['fairplay', 'widevine'] },
      'the ATEME GET API format hls does not serve FairPlay, Widevine',
    ],
    [{ format: 'dash', drmSystems: ['fairplay'] }, 'the ATEME GET API format dash does not serve FairPlay'],
    [{ format: 'hls', drmSystems: ['playready'] }, 'the ATEME GET API format hls does not serve PlayReady'],
    [
      { drmSystems: ['clearkey'] },
      'the ATEME GET API serves either DASH (Widevine, PlayReady) or HLS (FairPlay): request them separately',
    ],
  ])('refuses %j', (fields, message) => {
    expect(refusal(fields as Partial<KeyRequest>, 'anevia').message).toBe(message);
  });
});

describe('buildKeyRequest: each check at its boundary', () => {
  it.each([
    [null, 'the key request must be an object'],
    [{ contentId: 42 }, 'contentId must be a non-empty string'],
    [{ contentId: '' }, 'contentId must be a non-empty string'],
    [{ contentId: ' \t ' }, 'contentId must be a non-empty string'],
    [{ contentId: 'a\u0000' }, 'contentId must not contain control characters'],
    [{ contentId: '\u001fa' }, 'contentId must not contain control characters'],
    [{ scheme: 'cbc2' }, 'scheme must be one of cenc, cbc1, cens, cbcs, got "cbc2"'],
    [{ scheme: 'x'.repeat(40) }, `scheme must be one of cenc, cbc1, cens, cbcs, got "${'x'.repeat(16)}"`],
    [{ scheme: 42 }, 'scheme must be one of cenc, cbc1, cens, cbcs, got "42"'],
    [{ scheme: '' }, 'scheme must be one of cenc, cbc1, cens, cbcs, got ""'],
    [{ tracks: 'SD' }, 'tracks must be an array'],
    [{ tracks: ['Commentary', ' Commentary '] }, 'track type Commentary is listed twice'],
    [{ tracks: ['SD', 'sd'] }, 'track type SD is listed twice'],
    [{ periods: 1 }, 'periods must be an array'],
    [{ periods: [-1] }, 'a key period index must be a non-negative integer'],
    [{ periods: [null] }, 'a key period index must be a non-negative integer'],
    [{ periods: ['1'] }, 'a key period index must be a non-negative integer'],
    [{ periods: [{ index: 2 ** 53 }] }, 'a key period index must be a non-negative integer'],
    [{ periods: [{}] }, 'a key period index must be a non-negative integer'],
    [{ periods: [0, { index: 0, id: 'x' }] }, 'key period 0 is listed twice'],
    [{ periods: [{ index: 2, id: '' }] }, 'a key period id must be a non-empty string'],
    [{ periods: [{ index: 2, id: 7 }] }, 'a key period id must be a non-empty string'],
    [{ kids: KID_A }, 'kids must list 1 KID(s), one per track type and period'],
    [{ kids: [] }, 'kids must list 1 KID(s), one per track type and period'],
    [{ tracks: ['SD', 'HD'], kids: [KID_A] }, 'kids must list 2 KID(s), one per track type and period'],
    [
      { tracks: ['SD', 'HD'], periods: [1, 2], kids: [KID_A, KID_B, KID_C] },
      'kids must list 4 KID(s), one per track type and period',
    ],
    [{ tracks: ['SD', 'HD'], kids: [KID_A, `{${KID_A.toUpperCase()}}`] }, 'kids must be distinct'],
    [{ format: 'hls' }, 'format applies to the ATEME GET API only'],
  ])('refuses %j', (fields, message) => {
    expect(refusal(fields as Partial<KeyRequest>).message).toBe(message);
  });

  it('accepts key period 0 and the largest safe integer', () => {
    const prepared = buildKeyRequest(
      { contentId: 'c', drmSystems: ['widevine'], periods: [0, Number.MAX_SAFE_INTEGER] },
      'speke-v1',
    );
    expect(prepared.slots.map((slot) => slot.period!.index)).toStrictEqual([0, Number.MAX_SAFE_INTEGER]);
  });

  it('refuses a KID that is not a UUID, with the pssh error as its cause', () => {
    const error = refusal({ kids: ['98ee5596-cd3e-a20d-163a-e382420c6ef'] });
    expect(error.message).toMatch(/^kids must be UUIDs: /);
    expect(error.cause).toMatchObject({ name: 'PsshError' });
  });

  it('refuses an unknown dialect, quoting at most 32 characters of it', () => {
    expect(refusal({}, 'speke-v3' as CpixDialect).message).toBe('unknown dialect "speke-v3"');
    expect(refusal({}, 'd'.repeat(50) as CpixDialect).message).toBe(`unknown dialect "${'d'.repeat(32)}"`);
  });

  it('refuses recipient certificate text with characters outside base64', () => {
    expect(refusal({ recipientCertificate: 'MIIB*AAA' }, 'speke-v2').message).toBe(
      'recipientCertificate is neither PEM, base64 nor DER',
    );
    expect(refusal({ recipientCertificate: 'MIIBAAA=x' }, 'speke-v2').message).toBe(
      'recipientCertificate is neither PEM, base64 nor DER',
    );
    expect(refusal({ recipientCertificate: 'MIIBAAA===' }, 'speke-v2').message).toBe(
      'recipientCertificate is neither PEM, base64 nor DER',
    );
    expect(refusal({ recipientCertificate: 42 as never }, 'speke-v2').message).toBe(
      'recipientCertificate must be PEM or base64 text, or DER bytes',
    );
  });

  it('reads base64 certificate text across line breaks, and refuses one that is no certificate as unusable', () => {
    const error = refusal({ recipientCertificate: 'MIIB\nAAAA\r\n  AA==\n' }, 'speke-v2');
    expect(error.message).toMatch(/^recipientCertificate cannot be used: /);
    expect(error.cause).toMatchObject({ name: 'CpixError' });
  });
});
