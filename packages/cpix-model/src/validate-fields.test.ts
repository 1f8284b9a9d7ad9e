import { describe, expect, it } from 'vitest';
import type { ContentKeyUsageRule, CpixDocument, CpixProblem } from './index.js';
import { validateCpix } from './index.js';

// validateCpix compared whole: every problem a document has, with its code, severity, path and
// message, and each check at its boundary.

const KID_A = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const KID_B = '11111111-2222-4333-8444-555555555555';
const WIDEVINE = 'edef8ba9-79d6-4ace-a3c8-27dcd51d21ed';
const FAIRPLAY = '94CE86FB-07FF-4F43-ADB8-93D2FA968CA2';
const KEY_PATH = '/CPIX/ContentKeyList/ContentKey';
const RULE_PATH = '/CPIX/ContentKeyUsageRuleList/ContentKeyUsageRule';
const PERIOD_PATH = '/CPIX/ContentKeyPeriodList/ContentKeyPeriod';

const error = (code: CpixProblem['code'], path: string, message: string): CpixProblem => ({
  code,
  severity: 'error',
  path,
  message,
});
const warning = (code: CpixProblem['code'], path: string, message: string): CpixProblem => ({
  code,
  severity: 'warning',
  path,
  message,
});
const bytes = (length: number) => new Uint8Array(length);
const keys = (...kids: string[]): CpixDocument => ({ contentKeyList: { contentKeys: kids.map((kid) => ({ kid })) } });

describe('validateCpix: content keys', () => {
  it('finds nothing wrong in a sound document, and in an empty one', () => {
    expect(validateCpix({})).toStrictEqual([]);
    expect(
      validateCpix({
        contentKeyList: {
          contentKeys: [
            {
              kid: KID_A,
              explicitIV: bytes(16),
              commonEncryptionScheme: 'cbcs',
              data: { secret: { plainValue: bytes(16) } },
            },
          ],
        },
        drmSystemList: { drmSystems: [{ kid: KID_A.toUpperCase(), systemId: FAIRPLAY }] },
      }),
    ).toStrictEqual([]);
  });

  it('reports a repeated KID whatever its case, naming the first', () => {
    expect(validateCpix(keys(KID_A, KID_B, KID_A.toUpperCase()))).toStrictEqual([
      error('DUPLICATE_KID', `${KEY_PATH}[3]/@kid`, `KID ${KID_A.toUpperCase()} is already used by ContentKey[1]`),
    ]);
  });

  it.each([15, 17])('reports an IV and a key of %i bytes', (length) => {
    expect(
      validateCpix({
        contentKeyList: {
          contentKeys: [{ kid: KID_A, explicitIV: bytes(length), data: { secret: { plainValue: bytes(length) } } }],
        },
      }),
    ).toStrictEqual([
      error('INVALID_IV_LENGTH', `${KEY_PATH}[1]/@explicitIV`, `explicitIV is ${length} bytes, not 16`),
      error('INVALID_KEY_LENGTH', `${KEY_PATH}[1]/Data/Secret/PlainValue`, `Content key is ${length} bytes, not 16`),
    ]);
  });

  it.each([47, 49])('reports an encrypted key of %i bytes, and accepts 48', (length) => {
    const document = (size: number): CpixDocument => ({
      contentKeyList: {
        contentKeys: [{ kid: KID_A, data: { secret: { encryptedValue: { cipherValue: bytes(size) } } } }],
      },
    });
    expect(validateCpix(document(48))).toStrictEqual([]);
    expect(validateCpix(document(length))).toStrictEqual([
      error(
        'INVALID_KEY_LENGTH',
        `${KEY_PATH}[1]/Data/Secret/EncryptedValue`,
        `Encrypted content key is ${length} bytes, not 48 (IV and two blocks)`,
      ),
    ]);
  });

  it.each([
    ['http://www.w3.org/2001/04/xmldsig-more#hmac-sha512', 64],
    ['http://www.w3.org/2001/04/xmldsig-more#hmac-sha384', 48],
    ['http://www.w3.org/2001/04/xmldsig-more#hmac-sha256', 32],
    ['http://www.w3.org/2000/09/xmldsig#hmac-sha1', 20],
  ])('holds a ValueMAC to the length of %s (%i bytes)', (algorithm, length) => {
    const document = (size: number): CpixDocument => ({
      deliveryDataList: {
        deliveryData: [
          { deliveryKey: { x509Certificates: [] }, documentKeys: [] },
          { deliveryKey: { x509Certificates: [] }, documentKeys: [], macMethod: { algorithm } },
        ],
      },
      contentKeyList: { contentKeys: [{ kid: KID_A, data: { secret: { valueMac: bytes(size) } } }] },
    });
    expect(validateCpix(document(length))).toStrictEqual([]);
    expect(validateCpix(document(length + 1))).toStrictEqual([
      error(
        'INVALID_MAC_LENGTH',
        `${KEY_PATH}[1]/Data/Secret/ValueMAC`,
        `ValueMAC is ${length + 1} bytes, not ${length}`,
      ),
    ]);
  });

  it('does not hold a ValueMAC to a length without a known MAC method', () => {
    const document = (algorithm?: string): CpixDocument => ({
      ...(algorithm
        ? {
            deliveryDataList: {
              deliveryData: [{ deliveryKey: { x509Certificates: [] }, documentKeys: [], macMethod: { algorithm } }],
            },
          }
        : {}),
      contentKeyList: { contentKeys: [{ kid: KID_A, data: { secret: { valueMac: bytes(3) } } }] },
    });
    expect(validateCpix(document())).toStrictEqual([]);
    expect(validateCpix(document('urn:unknown'))).toStrictEqual([]);
  });

  it('warns of an unknown scheme, and reports dependsOnKey and encryptsKey naming no key', () => {
    expect(
      validateCpix({
        deliveryDataList: {
          deliveryData: [
            { deliveryKey: { x509Certificates: [] }, documentKeys: [] },
            {
              deliveryKey: { x509Certificates: [] },
              documentKeys: [{ encryptsKey: KID_A.toUpperCase() }, { encryptsKey: KID_B }, {}],
            },
          ],
        },
        contentKeyList: {
          contentKeys: [
            { kid: KID_A, commonEncryptionScheme: 'CENC', dependsOnKey: KID_B },
            {
              kid: '22222222-2222-4222-8222-222222222222',
              dependsOnKey: KID_A.toUpperCase(),
              commonEncryptionScheme: 'cens',
            },
          ],
        },
      }),
    ).toStrictEqual([
      warning('UNKNOWN_SCHEME', `${KEY_PATH}[1]/@commonEncryptionScheme`, 'Unknown encryption scheme "CENC"'),
      error('UNKNOWN_KEY', `${KEY_PATH}[1]/@dependsOnKey`, `dependsOnKey ${KID_B} is not in the ContentKeyList`),
      error(
        'UNKNOWN_KEY',
        '/CPIX/DeliveryDataList/DeliveryData[2]/DocumentKey[2]/@encryptsKey',
        `encryptsKey ${KID_B} is not in the ContentKeyList`,
      ),
    ]);
    expect(
      validateCpix({
        deliveryDataList: {
          deliveryData: [{ deliveryKey: { x509Certificates: [] }, documentKeys: [{ encryptsKey: KID_A }] }],
        },
      }),
    ).toStrictEqual([
      error(
        'UNKNOWN_KEY',
        '/CPIX/DeliveryDataList/DeliveryData[1]/DocumentKey[1]/@encryptsKey',
        `encryptsKey ${KID_A} is not in the ContentKeyList`,
      ),
    ]);
  });
});

describe('validateCpix: ids', () => {
  it('reports an id used twice anywhere, naming where it was first', () => {
    const document: CpixDocument = {
      id: 'x',
      deliveryDataList: {
        id: 'd',
        deliveryData: [{ id: 'dd', deliveryKey: { x509Certificates: [] }, documentKeys: [] }],
      },
      contentKeyList: { id: 'k', contentKeys: [{ id: 'x', kid: KID_A }] },
      drmSystemList: { id: 'k', drmSystems: [{ id: 'dd', kid: KID_A, systemId: WIDEVINE }] },
      contentKeyPeriodList: { id: 'p', contentKeyPeriods: [{ id: 'p1' }, { id: 'p1' }] },
      contentKeyUsageRuleList: { id: 'r', contentKeyUsageRules: [{ id: 'p', kid: KID_A }] },
      updateHistoryItemList: {
        id: 'u',
        updateHistoryItems: [{ id: 'r', updateVersion: 1, index: '1', source: 's', date: '2020-01-01T00:00:00Z' }],
      },
    } as CpixDocument;
    expect(validateCpix(document).filter((problem) => problem.code === 'DUPLICATE_ID')).toStrictEqual([
      error('DUPLICATE_ID', '/CPIX/ContentKeyList/ContentKey[1]/@id', 'id "x" is already used at /CPIX'),
      error('DUPLICATE_ID', '/CPIX/DRMSystemList/@id', 'id "k" is already used at /CPIX/ContentKeyList'),
      error(
        'DUPLICATE_ID',
        '/CPIX/DRMSystemList/DRMSystem[1]/@id',
        'id "dd" is already used at /CPIX/DeliveryDataList/DeliveryData[1]',
      ),
      error(
        'DUPLICATE_ID',
        '/CPIX/ContentKeyPeriodList/ContentKeyPeriod[2]/@id',
        'id "p1" is already used at /CPIX/ContentKeyPeriodList/ContentKeyPeriod[1]',
      ),
      error(
        'DUPLICATE_ID',
        '/CPIX/ContentKeyUsageRuleList/ContentKeyUsageRule[1]/@id',
        'id "p" is already used at /CPIX/ContentKeyPeriodList',
      ),
      error(
        'DUPLICATE_ID',
        '/CPIX/UpdateHistoryItemList/UpdateHistoryItem[1]/@id',
        'id "r" is already used at /CPIX/ContentKeyUsageRuleList',
      ),
    ]);
  });
});

describe('validateCpix: DRM systems', () => {
  it('reports a repeated (system, KID) pair, a KID not in the list, and FairPlay for a key not in cbcs', () => {
    expect(
      validateCpix({
        contentKeyList: { contentKeys: [{ kid: KID_A, commonEncryptionScheme: 'cenc' }, { kid: KID_B }] },
        drmSystemList: {
          drmSystems: [
            { kid: KID_A, systemId: WIDEVINE },
            { kid: KID_A.toUpperCase(), systemId: WIDEVINE.toUpperCase() },
            { kid: '22222222-2222-4222-8222-222222222222', systemId: WIDEVINE },
            { kid: KID_A, systemId: FAIRPLAY },
            { kid: KID_B, systemId: FAIRPLAY },
          ],
        },
      }),
    ).toStrictEqual([
      error(
        'DUPLICATE_DRM_SYSTEM',
        '/CPIX/DRMSystemList/DRMSystem[2]',
        `DRMSystem for system ${WIDEVINE.toUpperCase()} and KID ${KID_A.toUpperCase()} repeats DRMSystem[1]`,
      ),
      error(
        'UNKNOWN_KEY',
        '/CPIX/DRMSystemList/DRMSystem[3]/@kid',
        'KID 22222222-2222-4222-8222-222222222222 is not in the ContentKeyList',
      ),
      error(
        'FAIRPLAY_NEEDS_CBCS',
        '/CPIX/DRMSystemList/DRMSystem[4]',
        `FairPlay signalling for KID ${KID_A}, whose commonEncryptionScheme is cenc, not cbcs`,
      ),
    ]);
    expect(validateCpix({ drmSystemList: { drmSystems: [{ kid: KID_A, systemId: WIDEVINE }] } })).toStrictEqual([]);
  });

  it('allows one media and one master HLSSignalingData, whatever their spelling', () => {
    const value = bytes(0);
    const system = (
      hlsSignalingData: { playlist?: 'media' | 'master' | 'multiVariant'; value: Uint8Array }[],
    ): CpixDocument =>
      ({ drmSystemList: { drmSystems: [{ kid: KID_A, systemId: WIDEVINE, hlsSignalingData }] } }) as CpixDocument;
    expect(validateCpix(system([{ value }, { playlist: 'multiVariant', value }]))).toStrictEqual([]);
    expect(
      validateCpix(
        system([
          { playlist: 'master', value },
          { playlist: 'multiVariant', value },
        ]),
      ),
    ).toStrictEqual([
      error(
        'HLS_PLAYLIST_NOT_UNIQUE',
        '/CPIX/DRMSystemList/DRMSystem[1]/HLSSignalingData[2]',
        'Two HLSSignalingData for the master playlist',
      ),
    ]);
    expect(validateCpix(system([{ value }, { playlist: 'media', value }]))).toStrictEqual([
      error(
        'HLS_PLAYLIST_NOT_UNIQUE',
        '/CPIX/DRMSystemList/DRMSystem[1]/HLSSignalingData[2]',
        'Two HLSSignalingData for the media playlist',
      ),
    ]);
    expect(
      validateCpix(system([{ value }, { playlist: 'master', value }, { playlist: 'master', value }])),
    ).toStrictEqual([
      error(
        'HLS_PLAYLIST_NOT_UNIQUE',
        '/CPIX/DRMSystemList/DRMSystem[1]/HLSSignalingData[3]',
        'A DRMSystem has at most two HLSSignalingData (media and multi-variant)',
      ),
      error(
        'HLS_PLAYLIST_NOT_UNIQUE',
        '/CPIX/DRMSystemList/DRMSystem[1]/HLSSignalingData[3]',
        'Two HLSSignalingData for the master playlist',
      ),
    ]);
  });
});

describe('validateCpix: key periods', () => {
  const periods = (...contentKeyPeriods: object[]): CpixDocument =>
    ({ contentKeyPeriodList: { contentKeyPeriods } }) as CpixDocument;

  it('reports a repeated index, a bad or one-sided time, an end not after the start, and overlaps', () => {
    expect(
      validateCpix(
        periods(
          { id: 'a', index: 1, start: '2020-01-01T00:00:00Z', end: '2020-01-01T01:00:00Z' },
          { id: 'b', index: 1 },
          { id: 'c', start: 'soon', end: '2020-01-01T01:00:00Z' },
          { id: 'd', start: '2020-01-01T00:00:00Z' },
          { id: 'e', end: '2020-01-01T00:00:00Z' },
          { id: 'f', start: '2020-01-01T02:00:00Z', end: '2020-01-01T02:00:00Z' },
          { id: 'g', start: '2020-01-01T00:59:59Z', end: '2020-01-01T03:00:00Z' },
          { id: 'h', start: '2020-01-01T03:00:00Z', end: '2020-01-01T04:00:00Z' },
          { id: 'i', index: 0 },
          { id: 'j', index: 0 },
        ),
      ),
    ).toStrictEqual([
      error('DUPLICATE_PERIOD_INDEX', `${PERIOD_PATH}[2]/@index`, 'Period index 1 repeats ContentKeyPeriod[1]'),
      error('INVALID_PERIOD', `${PERIOD_PATH}[3]`, 'start or end is not a date-time'),
      error('INVALID_PERIOD', `${PERIOD_PATH}[4]`, 'A period with a start needs an end, and the other way round'),
      error('INVALID_PERIOD', `${PERIOD_PATH}[5]`, 'A period with a start needs an end, and the other way round'),
      error('INVALID_PERIOD', `${PERIOD_PATH}[6]`, 'end is not after start'),
      error('DUPLICATE_PERIOD_INDEX', `${PERIOD_PATH}[10]/@index`, 'Period index 0 repeats ContentKeyPeriod[9]'),
      error('PERIOD_OVERLAP', `${PERIOD_PATH}[7]`, 'Period overlaps ContentKeyPeriod[1]'),
    ]);
    expect(
      validateCpix(
        periods(
          { start: '2020-01-01T02:00:00Z', end: '2020-01-01T03:00:00Z' },
          { start: '2020-01-01T01:00:00Z', end: '2020-01-01T02:00:00Z' },
          { start: 'x', end: 'y' },
        ),
      ),
    ).toStrictEqual([error('INVALID_PERIOD', `${PERIOD_PATH}[3]`, 'start or end is not a date-time')]);
    expect(
      validateCpix(
        periods(
          { start: '2020-01-01T02:00:00Z', end: '2020-01-01T03:00:00Z' },
          { start: '2020-01-01T01:00:00Z', end: '2020-01-01T02:00:00.001Z' },
        ),
      ),
    ).toStrictEqual([error('PERIOD_OVERLAP', `${PERIOD_PATH}[1]`, 'Period overlaps ContentKeyPeriod[2]')]);
  });
});

describe('validateCpix: usage rules', () => {
  const rules = (...contentKeyUsageRules: ContentKeyUsageRule[]): CpixDocument => ({
    ...keys(KID_A, KID_B),
    contentKeyPeriodList: { contentKeyPeriods: [{ id: 'p1' }, { id: 'p2' }] },
    contentKeyUsageRuleList: { contentKeyUsageRules },
  });
  const overlap = (b: number, a: number, kidB = KID_B, kidA = KID_A) =>
    warning(
      'RULES_OVERLAP',
      `${RULE_PATH}[${b}]`,
      `Rule for KID ${kidB} can match the same tracks as ContentKeyUsageRule[${a}] for KID ${kidA}`,
    );

  it('reports a rule of an unknown key or period, and filter bounds the wrong way round', () => {
    expect(
      validateCpix(
        rules({
          kid: '22222222-2222-4222-8222-222222222222',
          keyPeriodFilters: [{ periodId: 'p1' }, { periodId: 'p3' }],
          videoFilters: [
            { minPixels: 2, maxPixels: 2, minFps: 30, maxFps: 30 },
            { minPixels: 3, maxPixels: 2, minFps: 31, maxFps: 30 },
          ],
          audioFilters: [
            { minChannels: 2, maxChannels: 2 },
            { minChannels: 3, maxChannels: 2 },
          ],
          bitrateFilters: [{ minBitrate: 5, maxBitrate: 4 }, {}, { minBitrate: 1 }, { maxBitrate: 1 }],
        }),
      ),
    ).toStrictEqual([
      error(
        'UNKNOWN_KEY',
        `${RULE_PATH}[1]/@kid`,
        'KID 22222222-2222-4222-8222-222222222222 is not in the ContentKeyList',
      ),
      error(
        'UNKNOWN_PERIOD',
        `${RULE_PATH}[1]/KeyPeriodFilter[2]/@periodId`,
        'Period "p3" is not in the ContentKeyPeriodList',
      ),
      error('FILTER_BOUNDS', `${RULE_PATH}[1]/VideoFilter[2]`, 'minPixels 3 is greater than maxPixels 2'),
      error('FILTER_BOUNDS', `${RULE_PATH}[1]/VideoFilter[2]`, 'minFps 31 is greater than maxFps 30'),
      error('FILTER_BOUNDS', `${RULE_PATH}[1]/AudioFilter[2]`, 'minChannels 3 is greater than maxChannels 2'),
      error('FILTER_BOUNDS', `${RULE_PATH}[1]/BitrateFilter[1]`, 'minBitrate 5 is greater than maxBitrate 4'),
      error(
        'EMPTY_BITRATE_FILTER',
        `${RULE_PATH}[1]/BitrateFilter[2]`,
        'A BitrateFilter needs minBitrate, maxBitrate or both',
      ),
    ]);
    expect(validateCpix({ contentKeyUsageRuleList: { contentKeyUsageRules: [{ kid: KID_A }] } })).toStrictEqual([]);
  });

  it.each([
    ['two rules without filters', {}, {}, true],
    ['video and audio', { videoFilters: [{}] }, { audioFilters: [{}] }, false],
    ['audio and video', { audioFilters: [{}] }, { videoFilters: [{}] }, false],
    [
      'pixels meeting at one value',
      { videoFilters: [{ maxPixels: 100 }] },
      { videoFilters: [{ minPixels: 100 }] },
      true,
    ],
    ['pixels apart by one', { videoFilters: [{ maxPixels: 100 }] }, { videoFilters: [{ minPixels: 101 }] }, false],
    ['fps meeting at one value', { videoFilters: [{ maxFps: 30 }] }, { videoFilters: [{ minFps: 30 }] }, false],
    ['fps overlapping', { videoFilters: [{ maxFps: 31 }] }, { videoFilters: [{ minFps: 30 }] }, true],
    ['HDR and SDR', { videoFilters: [{ hdr: true }] }, { videoFilters: [{ hdr: false }] }, false],
    ['HDR and any', { videoFilters: [{ hdr: true }] }, { videoFilters: [{}] }, true],
    ['WCG and not', { videoFilters: [{ wcg: true }] }, { videoFilters: [{ wcg: false }] }, false],
    ['WCG on both', { videoFilters: [{ wcg: true }] }, { videoFilters: [{ wcg: true }] }, true],
    ['channels apart', { audioFilters: [{ maxChannels: 2 }] }, { audioFilters: [{ minChannels: 3 }] }, false],
    ['channels meeting', { audioFilters: [{ maxChannels: 3 }] }, { audioFilters: [{ minChannels: 3 }] }, true],
    ['bitrates apart', { bitrateFilters: [{ maxBitrate: 10 }] }, { bitrateFilters: [{ minBitrate: 11 }] }, false],
    ['bitrates meeting', { bitrateFilters: [{ maxBitrate: 10 }] }, { bitrateFilters: [{ minBitrate: 10 }] }, true],
    ['different labels', { labelFilters: [{ label: 'a' }] }, { labelFilters: [{ label: 'b' }] }, false],
    [
      'one label in common',
      { labelFilters: [{ label: 'a' }, { label: 'b' }] },
      { labelFilters: [{ label: 'b' }] },
      true,
    ],
    [
      'different periods',
      { keyPeriodFilters: [{ periodId: 'p1' }] },
      { keyPeriodFilters: [{ periodId: 'p2' }] },
      false,
    ],
    ['the same period', { keyPeriodFilters: [{ periodId: 'p1' }] }, { keyPeriodFilters: [{ periodId: 'p1' }] }, true],
    ['a period and none', { keyPeriodFilters: [{ periodId: 'p1' }] }, { keyPeriodFilters: [] }, true],
    [
      'a second video filter that overlaps',
      { videoFilters: [{ maxPixels: 1 }, { minPixels: 50 }] },
      { videoFilters: [{ minPixels: 10, maxPixels: 60 }] },
      true,
    ],
  ])('tells whether rules overlap: %s', (_what, a, b, overlaps) => {
    const problems = validateCpix(rules({ kid: KID_A, ...a }, { kid: KID_B, ...b }));
    expect(problems).toStrictEqual(overlaps ? [overlap(2, 1)] : []);
  });

  it('never warns of rules of one key, whatever the case of its KID, and names each pair once', () => {
    expect(validateCpix(rules({ kid: KID_A }, { kid: KID_A.toUpperCase() }))).toStrictEqual([]);
    expect(validateCpix(rules({ kid: KID_A }, { kid: KID_B }, { kid: KID_A }))).toStrictEqual([
      overlap(2, 1),
      overlap(3, 2, KID_A, KID_B),
    ]);
  });
});

describe('validateCpix at the edges of its filter checks', () => {
  const withRules = (...rules: ContentKeyUsageRule[]): CpixDocument => ({
    ...keys(KID_A, KID_B),
    contentKeyUsageRuleList: { contentKeyUsageRules: rules },
  });
  const overlap = warning(
    'RULES_OVERLAP',
    `${RULE_PATH}[2]`,
    `Rule for KID ${KID_B} can match the same tracks as ContentKeyUsageRule[1] for KID ${KID_A}`,
  );

  it('takes one-sided bounds and periods without times as they are', () => {
    expect(
      validateCpix({
        ...withRules({ kid: KID_A, videoFilters: [{ minPixels: 5 }, { maxPixels: 1 }] }),
        contentKeyPeriodList: { contentKeyPeriods: [{ id: 'p1' }, { id: 'p2' }] },
      }),
    ).toStrictEqual([]);
  });

  it.each<[string, ContentKeyUsageRule['videoFilters'], ContentKeyUsageRule['videoFilters']]>([
    ['a flag on one side only', [{ hdr: true, wcg: true }], [{}]],
    ['a flag on the other side only', [{}], [{ hdr: true, wcg: true }]],
    ['an empty filter list', [], [{ hdr: true }]],
    ['one of several filters', [{ hdr: true }], [{ hdr: false }, { hdr: true }]],
  ])('finds rules of different keys that overlap by %s', (_, a, b) => {
    expect(validateCpix(withRules({ kid: KID_A, videoFilters: a }, { kid: KID_B, videoFilters: b }))).toStrictEqual([
      overlap,
    ]);
  });
});
