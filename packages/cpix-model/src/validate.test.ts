import { describe, expect, it } from 'vitest';
import { fullDocument23 } from '../test/documents.js';
import { validateCpix, type ContentKeyUsageRule, type CpixDocument } from './index.js';

const A = '98ee5596-cd3e-a20d-163a-e382420c6eff';
const B = '53abdba2-f210-43cb-bc90-f18f9a890a02';
const FAIRPLAY = '94ce86fb-07ff-4f43-adb8-93d2fa968ca2';
const WIDEVINE = 'edef8ba9-79d6-4ace-a3c8-27dcd51d21ed';

const problems = (document: CpixDocument) =>
  validateCpix(document).map(({ code, severity, path }) => ({ code, severity, path }));

function withRules(...rules: ContentKeyUsageRule[]): CpixDocument {
  return {
    contentKeyList: { contentKeys: [{ kid: A }, { kid: B }] },
    contentKeyPeriodList: {
      contentKeyPeriods: [
        { id: 'p1', index: 1 },
        { id: 'p2', index: 2 },
      ],
    },
    contentKeyUsageRuleList: { contentKeyUsageRules: rules },
  };
}

describe('validateCpix', () => {
  it('finds nothing wrong in a consistent document', () => {
    expect(problems(fullDocument23())).toEqual([]);
  });

  it('reports every problem at once, each with its path', () => {
    const document: CpixDocument = {
      contentKeyList: {
        contentKeys: [
          {
            id: 'x',
            kid: A,
            explicitIV: new Uint8Array(8),
            commonEncryptionScheme: 'cenc',
            data: { secret: { plainValue: new Uint8Array(15) } },
          },
          { id: 'x', kid: A.toUpperCase(), commonEncryptionScheme: 'abcd', dependsOnKey: B },
        ],
      },
      drmSystemList: {
        drmSystems: [
          {
            systemId: FAIRPLAY,
            kid: A,
            hlsSignalingData: [
              { playlist: 'master', value: new Uint8Array() },
              { playlist: 'multiVariant', value: new Uint8Array() },
            ],
          },
          { systemId: FAIRPLAY.toUpperCase(), kid: A },
          { systemId: WIDEVINE, kid: B },
        ],
      },
      contentKeyPeriodList: {
        contentKeyPeriods: [
          { id: 'p1', index: 1, start: '2026-01-01T00:00:00Z', end: '2026-01-01T01:00:00Z' },
          { id: 'p2', index: 1, start: '2026-01-01T00:30:00Z', end: '2026-01-01T02:00:00Z' },
          { id: 'p3', start: '2026-01-01T03:00:00Z', end: '2026-01-01T02:00:00Z' },
          { id: 'p4', start: 'yesterday', end: '2026-01-01T02:00:00Z' },
        ],
      },
      contentKeyUsageRuleList: {
        contentKeyUsageRules: [
          {
            kid: B,
            keyPeriodFilters: [{ periodId: 'p9' }],
            videoFilters: [{ minPixels: 10, maxPixels: 5, minFps: 60, maxFps: 30 }],
            bitrateFilters: [{}],
            audioFilters: [{ minChannels: 6, maxChannels: 2 }],
          },
        ],
      },
    };
    expect(problems(document)).toEqual([
      { code: 'DUPLICATE_ID', severity: 'error', path: '/CPIX/ContentKeyList/ContentKey[2]/@id' },
      { code: 'INVALID_IV_LENGTH', severity: 'error', path: '/CPIX/ContentKeyList/ContentKey[1]/@explicitIV' },
      {
        code: 'INVALID_KEY_LENGTH',
        severity: 'error',
        path: '/CPIX/ContentKeyList/ContentKey[1]/Data/Secret/PlainValue',
      },
      { code: 'DUPLICATE_KID', severity: 'error', path: '/CPIX/ContentKeyList/ContentKey[2]/@kid' },
      {
        code: 'UNKNOWN_SCHEME',
        severity: 'warning',
        path: '/CPIX/ContentKeyList/ContentKey[2]/@commonEncryptionScheme',
      },
      { code: 'UNKNOWN_KEY', severity: 'error', path: '/CPIX/ContentKeyList/ContentKey[2]/@dependsOnKey' },
      {
        code: 'HLS_PLAYLIST_NOT_UNIQUE',
        severity: 'error',
        path: '/CPIX/DRMSystemList/DRMSystem[1]/HLSSignalingData[2]',
      },
      { code: 'FAIRPLAY_NEEDS_CBCS', severity: 'error', path: '/CPIX/DRMSystemList/DRMSystem[1]' },
      { code: 'DUPLICATE_DRM_SYSTEM', severity: 'error', path: '/CPIX/DRMSystemList/DRMSystem[2]' },
      { code: 'FAIRPLAY_NEEDS_CBCS', severity: 'error', path: '/CPIX/DRMSystemList/DRMSystem[2]' },
      { code: 'UNKNOWN_KEY', severity: 'error', path: '/CPIX/DRMSystemList/DRMSystem[3]/@kid' },
      {
        code: 'DUPLICATE_PERIOD_INDEX',
        severity: 'error',
        path: '/CPIX/ContentKeyPeriodList/ContentKeyPeriod[2]/@index',
      },
      { code: 'INVALID_PERIOD', severity: 'error', path: '/CPIX/ContentKeyPeriodList/ContentKeyPeriod[3]' },
      { code: 'INVALID_PERIOD', severity: 'error', path: '/CPIX/ContentKeyPeriodList/ContentKeyPeriod[4]' },
      { code: 'PERIOD_OVERLAP', severity: 'error', path: '/CPIX/ContentKeyPeriodList/ContentKeyPeriod[2]' },
      { code: 'UNKNOWN_KEY', severity: 'error', path: '/CPIX/ContentKeyUsageRuleList/ContentKeyUsageRule[1]/@kid' },
      {
        code: 'UNKNOWN_PERIOD',
        severity: 'error',
        path: '/CPIX/ContentKeyUsageRuleList/ContentKeyUsageRule[1]/KeyPeriodFilter[1]/@periodId',
      },
      {
        code: 'FILTER_BOUNDS',
        severity: 'error',
        path: '/CPIX/ContentKeyUsageRuleList/ContentKeyUsageRule[1]/VideoFilter[1]',
      },
      {
        code: 'FILTER_BOUNDS',
        severity: 'error',
        path: '/CPIX/ContentKeyUsageRuleList/ContentKeyUsageRule[1]/VideoFilter[1]',
      },
      {
        code: 'FILTER_BOUNDS',
        severity: 'error',
        path: '/CPIX/ContentKeyUsageRuleList/ContentKeyUsageRule[1]/AudioFilter[1]',
      },
      {
        code: 'EMPTY_BITRATE_FILTER',
        severity: 'error',
        path: '/CPIX/ContentKeyUsageRuleList/ContentKeyUsageRule[1]/BitrateFilter[1]',
      },
    ]);
  });

  it('answers a non-model object with a CpixError', () => {
    expect(() => validateCpix({ contentKeyList: { contentKeys: [null] } } as unknown as CpixDocument)).toThrowError(
      expect.objectContaining({ code: 'ERR_CPIX_INVALID_DOCUMENT' }) as Error,
    );
  });

  it('checks encrypted value and MAC lengths against the MAC algorithm', () => {
    const document = fullDocument23();
    const secret = document.contentKeyList!.contentKeys[0]!.data!.secret!;
    secret.valueMac = new Uint8Array(32);
    secret.encryptedValue!.cipherValue = new Uint8Array(32);
    expect(problems(document)).toEqual([
      {
        code: 'INVALID_KEY_LENGTH',
        severity: 'error',
        path: '/CPIX/ContentKeyList/ContentKey[1]/Data/Secret/EncryptedValue',
      },
      {
        code: 'INVALID_MAC_LENGTH',
        severity: 'error',
        path: '/CPIX/ContentKeyList/ContentKey[1]/Data/Secret/ValueMAC',
      },
    ]);
  });

  describe('overlapping usage rules', () => {
    const overlap = (...rules: ContentKeyUsageRule[]) =>
      problems(withRules(...rules)).filter((p) => p.code === 'RULES_OVERLAP');

    it('warns when rules for different keys can match the same track', () => {
      expect(
        overlap(
          { kid: A, videoFilters: [{ maxPixels: 2_073_600 }] },
          { kid: B, videoFilters: [{ minPixels: 2_073_600 }] },
        ),
      ).toEqual([
        { code: 'RULES_OVERLAP', severity: 'warning', path: '/CPIX/ContentKeyUsageRuleList/ContentKeyUsageRule[2]' },
      ]);
      expect(overlap({ kid: A }, { kid: B, bitrateFilters: [{ minBitrate: 1 }] })).toHaveLength(1);
    });

    it('stays quiet for the same key, or rules that cannot meet', () => {
      expect(overlap({ kid: A, videoFilters: [{ maxPixels: 100 }] }, { kid: A })).toEqual([]);
      expect(
        overlap(
          { kid: A, videoFilters: [{ maxPixels: 2_073_599 }] },
          { kid: B, videoFilters: [{ minPixels: 2_073_600 }] },
        ),
      ).toEqual([]);
      expect(overlap({ kid: A, videoFilters: [{}] }, { kid: B, audioFilters: [{}] })).toEqual([]);
      expect(overlap({ kid: A, videoFilters: [{ maxFps: 30 }] }, { kid: B, videoFilters: [{ minFps: 30 }] })).toEqual(
        [],
      );
      expect(overlap({ kid: A, videoFilters: [{ hdr: true }] }, { kid: B, videoFilters: [{ hdr: false }] })).toEqual(
        [],
      );
      expect(
        overlap({ kid: A, keyPeriodFilters: [{ periodId: 'p1' }] }, { kid: B, keyPeriodFilters: [{ periodId: 'p2' }] }),
      ).toEqual([]);
      expect(overlap({ kid: A, labelFilters: [{ label: 'sd' }] }, { kid: B, labelFilters: [{ label: 'hd' }] })).toEqual(
        [],
      );
    });
  });
});
