import {
  AES128_SYSTEM_ID,
  CLEARKEY_SYSTEM_ID,
  COMMON_SYSTEM_ID,
  FAIRPLAY_SYSTEM_ID,
  PLAYREADY_SYSTEM_ID,
  WIDEVINE_SYSTEM_ID,
} from '@cpixkit/pssh';

/** System ids by short name, for building requests. */
export const SYSTEM = {
  widevine: WIDEVINE_SYSTEM_ID,
  playready: PLAYREADY_SYSTEM_ID,
  fairplay: FAIRPLAY_SYSTEM_ID,
  aes128: AES128_SYSTEM_ID,
  clearkey: CLEARKEY_SYSTEM_ID,
  common: COMMON_SYSTEM_ID,
} as const;

/** A content key of a built request. */
export interface RequestKey {
  kid: string;
  scheme?: string;
  explicitIV?: string;
  trackType?: string;
  /** `video` (default), `audio`, or none. */
  filter?: 'video' | 'audio' | 'none';
  /** Id of a period of {@link SpekeV2Request.periods} the key's rule filters on. */
  period?: string;
}

/** What {@link spekeV2Request} builds. */
export interface SpekeV2Request {
  contentId?: string;
  version?: string | null;
  keys: RequestKey[];
  /** DRMSystems: system, kid, and the child elements (default: none, i.e. "everything"). */
  systems: { system: keyof typeof SYSTEM; kid: string; children?: string }[];
  periods?: { id: string; index: number }[];
  /** Leave the usage rule list out. */
  noRules?: boolean;
}

const SPEKE_V2_CHILDREN: Record<keyof typeof SYSTEM, string> = {
  widevine:
    '<cpix:PSSH/><cpix:ContentProtectionData/><cpix:HLSSignalingData playlist="media"/><cpix:HLSSignalingData playlist="master"/>',
  playready:
    '<cpix:PSSH/><cpix:ContentProtectionData/><cpix:HLSSignalingData playlist="media"/><cpix:HLSSignalingData playlist="master"/><cpix:SmoothStreamingProtectionHeaderData/>',
  fairplay: '<cpix:HLSSignalingData playlist="media"/><cpix:HLSSignalingData playlist="master"/>',
  aes128: '<cpix:HLSSignalingData playlist="media"/><cpix:HLSSignalingData playlist="master"/>',
  clearkey: '<cpix:PSSH/><cpix:ContentProtectionData/>',
  common: '<cpix:PSSH/><cpix:ContentProtectionData/>',
};

/** A SPEKE v2 (CPIX 2.3) request as MediaPackage writes them: every DRMSystem asks for all its elements. */
export function spekeV2Request(request: SpekeV2Request): string {
  const version = request.version === null ? '' : ` version="${request.version ?? '2.3'}"`;
  const keys = request.keys
    .map((key) => {
      const iv = key.explicitIV === undefined ? '' : ` explicitIV="${key.explicitIV}"`;
      return `<cpix:ContentKey kid="${key.kid}" commonEncryptionScheme="${key.scheme ?? 'cenc'}"${iv}/>`;
    })
    .join('');
  const systems = request.systems
    .map(
      ({ system, kid, children }) =>
        `<cpix:DRMSystem kid="${kid}" systemId="${SYSTEM[system]}">${children ?? SPEKE_V2_CHILDREN[system]}</cpix:DRMSystem>`,
    )
    .join('');
  const periods =
    request.periods === undefined
      ? ''
      : `<cpix:ContentKeyPeriodList>${request.periods.map((p) => `<cpix:ContentKeyPeriod id="${p.id}" index="${p.index}"/>`).join('')}</cpix:ContentKeyPeriodList>`;
  const rules = request.noRules
    ? ''
    : `<cpix:ContentKeyUsageRuleList>${request.keys
        .map((key) => {
          const period = key.period === undefined ? '' : `<cpix:KeyPeriodFilter periodId="${key.period}"/>`;
          const filter =
            key.filter === 'none'
              ? ''
              : key.filter === 'audio'
                ? '<cpix:AudioFilter/>'
                : '<cpix:VideoFilter maxPixels="2073600"/>';
          return `<cpix:ContentKeyUsageRule kid="${key.kid}" intendedTrackType="${key.trackType ?? (key.filter === 'audio' ? 'AUDIO' : 'VIDEO')}">${period}${filter}</cpix:ContentKeyUsageRule>`;
        })
        .join('')}</cpix:ContentKeyUsageRuleList>`;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<cpix:CPIX contentId="${request.contentId ?? 'movie-1'}"${version} xmlns:cpix="urn:dashif:org:cpix" xmlns:pskc="urn:ietf:params:xml:ns:keyprov:pskc">` +
    `<cpix:ContentKeyList>${keys}</cpix:ContentKeyList><cpix:DRMSystemList>${systems}</cpix:DRMSystemList>${periods}${rules}</cpix:CPIX>`
  );
}

/** Two keys (video cenc, audio cenc) × Widevine, PlayReady and FairPlay-less: the common MediaPackage DASH request. */
export const TWO_KEYS = ['11111111-2222-3333-4444-555555555555', '66666666-7777-8888-9999-aaaaaaaaaaaa'] as const;
