import type { CpixDocument } from '../src/index.js';

const WIDEVINE = 'edef8ba9-79d6-4ace-a3c8-27dcd51d21ed';
const PLAYREADY = '9a04f079-9840-4286-ab92-e65be0885f95';
const FAIRPLAY = '94ce86fb-07ff-4f43-adb8-93d2fa968ca2';

function bytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed * 2654435761 + 1;
  for (let i = 0; i < length; i += 1) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

function kid(n: number): string {
  const hex = n.toString(16).padStart(12, '0');
  return `6bac8ec3-0ee3-479f-9d21-${hex}`;
}

/**
 * A live key-rotation answer: `keys` content keys (one per period) × Widevine (PSSH), PlayReady
 * (PSSH + PRO in ContentProtectionData) and FairPlay (HLS media and master lines), with a usage
 * rule per key filtering on its period and on video. Byte values are sized like real ones
 * (PlayReady PSSH ≈ 800 bytes) but are not real signalling.
 */
export function liveRotationDocument(keys: number): CpixDocument {
  const document: CpixDocument = {
    contentId: 'live-channel-1',
    version: '2.3',
    contentKeyList: { contentKeys: [] },
    drmSystemList: { drmSystems: [] },
    contentKeyPeriodList: { contentKeyPeriods: [] },
    contentKeyUsageRuleList: { contentKeyUsageRules: [] },
  };
  for (let n = 0; n < keys; n += 1) {
    const k = kid(n);
    document.contentKeyList!.contentKeys.push({
      kid: k,
      explicitIV: bytes(16, n),
      commonEncryptionScheme: 'cbcs',
      data: { secret: { plainValue: bytes(16, n + 7) } },
    });
    document.drmSystemList!.drmSystems.push(
      { systemId: WIDEVINE, kid: k, pssh: bytes(86, n), contentProtectionData: { value: bytes(160, n) } },
      { systemId: PLAYREADY, kid: k, pssh: bytes(812, n), contentProtectionData: { value: bytes(1150, n) } },
      {
        systemId: FAIRPLAY,
        kid: k,
        hlsSignalingData: [
          { playlist: 'media', value: bytes(190, n) },
          { playlist: 'master', value: bytes(198, n) },
        ],
      },
    );
    document.contentKeyPeriodList!.contentKeyPeriods.push({ id: `keyPeriod_${n}`, index: 1000 + n });
    document.contentKeyUsageRuleList!.contentKeyUsageRules.push({
      kid: k,
      intendedTrackType: 'HD',
      keyPeriodFilters: [{ periodId: `keyPeriod_${n}` }],
      videoFilters: [{ minPixels: 921_601, maxPixels: 2_073_600 }],
    });
  }
  return document;
}
