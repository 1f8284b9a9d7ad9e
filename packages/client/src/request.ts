import { randomUUID } from 'node:crypto';
import {
  COMMON_ENCRYPTION_SCHEMES,
  type CommonEncryptionScheme,
  checkRecipientCertificate,
  type ContentKeyPeriod,
  type ContentKeyUsageRule,
  type CpixDocument,
  CpixError,
  type CpixWriteVersion,
  type DrmSystem,
  isCommonEncryptionScheme,
  serializeCpix,
} from '@cpixkit/cpix-model';
import { normalizeUuid, PsshError } from '@cpixkit/pssh';
import { type DrmTarget, resolveDrmSystems } from './drm-systems.js';
import { CpixClientError } from './errors.js';
import { type TrackTypeRule, trackTypeRule } from './track-types.js';

/**
 * How the key server is spoken to:
 * - `speke-v1`: AWS SPEKE 1.0 — CPIX with `id`, KIDs chosen by the client, `speke:*` signalling.
 * - `speke-v2`: AWS SPEKE 2.0 — CPIX 2.3 with `contentId` and `version`, header `X-Speke-Version: 2.0`.
 * - `pallycon`: PallyCon/DoveRunner CPIX API (`POST /v{1,2}/cpix/pallycon/getKey/{enc-token}`); the server assigns the KIDs.
 * - `anevia`: the ATEME NEA-DVR GET API (`GET …/cpix/anevia/{dash|hls}/{enc-token}/{cid}`); no request body.
 */
export type CpixDialect = 'speke-v1' | 'speke-v2' | 'pallycon-v1' | 'pallycon-v2' | 'anevia';

/** The CPIX dialects, in the order of {@link CpixDialect}. */
export const CPIX_DIALECTS: readonly CpixDialect[] = Object.freeze([
  'speke-v1',
  'speke-v2',
  'pallycon-v1',
  'pallycon-v2',
  'anevia',
]);

/** Common Encryption protection schemes (ISO/IEC 23001-7). */
export type EncryptionScheme = CommonEncryptionScheme;

/** A key period for key rotation: its `ContentKeyPeriod@index` and, optionally, the `id` to write. */
export interface KeyPeriodInput {
  index: number;
  id?: string;
}

/** What to ask the key server for. */
export interface KeyRequest {
  /** The content id (`CPIX@id`, SPEKE v2 `CPIX@contentId`, the `{cid}` of the ATEME GET API). */
  contentId: string;
  /** DRM systems by name (`widevine`, `playready`, `fairplay`, `aes128`, ...) or system id. */
  drmSystems: readonly string[];
  /** The protection scheme written in `ContentKey@commonEncryptionScheme`. Default `cenc`. */
  scheme?: EncryptionScheme;
  /**
   * Multi-key: one content key per track type (names of `TRACK_TYPES`, free names, or rules such as
   * `spekeV2EncryptionContract(...)` returns). Absent: one key for everything (`ALL` in SPEKE v2).
   */
  tracks?: readonly (string | TrackTypeRule)[];
  /** Key rotation: one content key per track type and period. */
  periods?: readonly (number | KeyPeriodInput)[];
  /** The KIDs to request, one per key (track types × periods, track-major). Random UUIDs when absent. */
  kids?: readonly string[];
  /** The ATEME GET API's streaming format; derived from `drmSystems` when absent. */
  format?: 'dash' | 'hls';
  /**
   * A recipient certificate to ask for encrypted key delivery (`DeliveryDataList`): PEM or base64
   * DER, as text or bytes, or DER bytes; it is sent as DER in `ds:X509Certificate`. It must hold an
   * RSA key of at least 2048 bits and be valid now. The client then needs the matching private key
   * to read the answer.
   */
  recipientCertificate?: string | Uint8Array;
}

/** One content key the request asks for: the KID sent, and the track type and period it is for. */
export interface KeySlot {
  kid: string;
  trackType?: string;
  period?: { id: string; index: number };
}

/** A request ready to send: the CPIX document (absent for the ATEME GET API) and what the answer must contain. */
export interface PreparedKeyRequest {
  dialect: CpixDialect;
  contentId: string;
  scheme: EncryptionScheme;
  drmSystems: DrmTarget[];
  slots: KeySlot[];
  method: 'POST' | 'GET';
  /** The request document (POST dialects). */
  document?: CpixDocument;
  /** The request body, `document` serialized (POST dialects). */
  body?: string;
  /** The streaming format of the ATEME GET API. */
  format?: 'dash' | 'hls';
}

const EMPTY = new Uint8Array(0);

function invalid(message: string, cause?: unknown): CpixClientError {
  return new CpixClientError('ERR_CLIENT_INVALID_OPTION', message, cause === undefined ? {} : { cause });
}

/**
 * The signalling elements a dialect asks for per DRM system, left empty for the server to fill, as
 * the AWS and Axinom samples do. The PallyCon API fills every element by itself, so PallyCon
 * requests carry empty `DRMSystem`s like PallyCon's own clients send.
 */
function requestedSignaling(dialect: CpixDialect, target: DrmTarget): Partial<DrmSystem> {
  const hls = () => [
    { playlist: 'media' as const, value: EMPTY },
    { playlist: 'master' as const, value: EMPTY },
  ];
  const hlsOnly = target.drm === 'fairplay' || target.drm === 'aes128';
  if (dialect === 'speke-v1') {
    if (hlsOnly) return { uriExtXKey: EMPTY, speke: { keyFormat: EMPTY, keyFormatVersions: EMPTY } };
    if (target.drm === 'playready') return { pssh: EMPTY, speke: { protectionHeader: EMPTY } };
    if (target.drm === 'clearkey' || target.drm === 'common')
      return { pssh: EMPTY, contentProtectionData: { value: EMPTY } };
    return { pssh: EMPTY };
  }
  if (dialect === 'speke-v2') {
    if (hlsOnly) return { hlsSignalingData: hls() };
    if (target.drm === 'playready') {
      return {
        pssh: EMPTY,
        contentProtectionData: { value: EMPTY },
        hlsSignalingData: hls(),
        smoothStreamingProtectionHeaderData: '',
      };
    }
    if (target.drm === 'widevine')
      return { pssh: EMPTY, contentProtectionData: { value: EMPTY }, hlsSignalingData: hls() };
    return { pssh: EMPTY, contentProtectionData: { value: EMPTY } };
  }
  return {};
}

function checkContentId(contentId: unknown): string {
  if (typeof contentId !== 'string' || contentId.trim() === '') {
    throw invalid('contentId must be a non-empty string');
  }
  if (/[\u0000-\u001f]/.test(contentId)) throw invalid('contentId must not contain control characters');
  return contentId;
}

function checkScheme(scheme: unknown): EncryptionScheme {
  if (scheme === undefined) return 'cenc';
  const lower = typeof scheme === 'string' ? scheme.toLowerCase() : '';
  if (!isCommonEncryptionScheme(lower)) {
    throw invalid(
      `scheme must be one of ${COMMON_ENCRYPTION_SCHEMES.join(', ')}, got ${JSON.stringify(String(scheme).slice(0, 16))}`,
    );
  }
  return lower;
}

function checkPeriods(periods: KeyRequest['periods']): { id: string; index: number }[] {
  if (periods === undefined) return [];
  if (!Array.isArray(periods)) throw invalid('periods must be an array');
  const seen = new Set<number>();
  return periods.map((period) => {
    const input: KeyPeriodInput = typeof period === 'number' ? { index: period } : period;
    if (input === null || typeof input !== 'object' || !Number.isSafeInteger(input.index) || input.index < 0) {
      throw invalid('a key period index must be a non-negative integer');
    }
    if (seen.has(input.index)) throw invalid(`key period ${input.index} is listed twice`);
    seen.add(input.index);
    if (input.id !== undefined && (typeof input.id !== 'string' || input.id === ''))
      throw invalid('a key period id must be a non-empty string');
    return { id: input.id ?? `keyPeriod_${randomUUID()}`, index: input.index };
  });
}

function checkTracks(dialect: CpixDialect, tracks: KeyRequest['tracks']): TrackTypeRule[] {
  if (tracks === undefined) return [];
  if (!Array.isArray(tracks)) throw invalid('tracks must be an array');
  const rules = tracks.map(trackTypeRule);
  const seen = new Set<string>();
  for (const rule of rules) {
    if (seen.has(rule.intendedTrackType)) throw invalid(`track type ${rule.intendedTrackType} is listed twice`);
    seen.add(rule.intendedTrackType);
  }
  if (dialect === 'anevia' && rules.length > 0) throw invalid('the ATEME GET API takes no track types');
  return rules;
}

function checkKid(kid: unknown): string {
  try {
    return normalizeUuid(kid as string);
  } catch (error) {
    if (error instanceof PsshError) throw invalid(`kids must be UUIDs: ${error.message}`, error);
    throw error;
  }
}

/** The RSA key size SPEKE key servers expect of a recipient certificate; smaller keys are refused before sending. */
const MINIMUM_RECIPIENT_RSA_BITS = 2048;

/** The text of certificate bytes that are not DER (a `.pem` or base64 file read as bytes). */
function certificateText(bytes: Uint8Array): string | undefined {
  const DER_SEQUENCE = 0x30;
  return bytes[0] === DER_SEQUENCE
    ? undefined
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/**
 * The DER bytes of the recipient certificate, given as PEM or base64 DER (text or bytes) or DER
 * bytes. The certificate must be one a key server can wrap a document key for (X.509, RSA of at
 * least 2048 bits, valid now; `checkRecipientCertificate` of `@cpixkit/cpix-model`).
 */
function certificateDer(certificate: unknown): Uint8Array {
  if (typeof certificate !== 'string' && !(certificate instanceof Uint8Array)) {
    throw invalid('recipientCertificate must be PEM or base64 text, or DER bytes');
  }
  const text = typeof certificate === 'string' ? certificate : certificateText(certificate);
  let input: string | Uint8Array = certificate;
  if (text !== undefined && !text.includes('-----BEGIN')) {
    const base64 = text.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) throw invalid('recipientCertificate is neither PEM, base64 nor DER');
    input = Uint8Array.from(Buffer.from(base64, 'base64'));
  }
  try {
    return checkRecipientCertificate(input, { minimumRsaKeySize: MINIMUM_RECIPIENT_RSA_BITS }).info.der;
  } catch (error) {
    if (error instanceof CpixError) throw invalid(`recipientCertificate cannot be used: ${error.message}`, error);
    throw error;
  }
}

function aneviaFormat(request: KeyRequest, drmSystems: DrmTarget[]): 'dash' | 'hls' {
  const hls = drmSystems.every((target) => target.drm === 'fairplay' || target.drm === 'aes128');
  const dash = drmSystems.every((target) => target.drm === 'widevine' || target.drm === 'playready');
  if (request.format !== undefined) {
    if (request.format !== 'dash' && request.format !== 'hls') throw invalid('format must be dash or hls');
    if ((request.format === 'dash' && !dash) || (request.format === 'hls' && !hls)) {
      throw invalid(
        `the ATEME GET API format ${request.format} does not serve ${drmSystems.map((t) => t.name).join(', ')}`,
      );
    }
    return request.format;
  }
  if (dash) return 'dash';
  if (hls) return 'hls';
  throw invalid(
    'the ATEME GET API serves either DASH (Widevine, PlayReady) or HLS (FairPlay): request them separately',
  );
}

/** The CPIX version each POST dialect writes. */
const WRITE_VERSION: Record<Exclude<CpixDialect, 'anevia'>, CpixWriteVersion> = {
  'speke-v1': '2.0',
  'speke-v2': '2.3',
  'pallycon-v1': '2.0',
  'pallycon-v2': '2.0',
};

/**
 * Builds the request for a dialect: one content key per track type and key period (fresh random
 * KIDs unless `kids` is given), a `DRMSystem` per key and DRM system asking for the dialect's
 * signalling, the key periods, and a usage rule per key with its track type filters and period.
 * SPEKE v2 without track types asks for one `ALL` key, as the SPEKE v2 encryption contract requires.
 */
export function buildKeyRequest(request: KeyRequest, dialect: CpixDialect): PreparedKeyRequest {
  if (request === null || typeof request !== 'object') throw invalid('the key request must be an object');
  if (!CPIX_DIALECTS.includes(dialect))
    throw invalid(`unknown dialect ${JSON.stringify(String(dialect).slice(0, 32))}`);
  const contentId = checkContentId(request.contentId);
  const scheme = checkScheme(request.scheme);
  const drmSystems = resolveDrmSystems(request.drmSystems);

  if (dialect === 'anevia') {
    for (const field of ['tracks', 'periods', 'kids', 'recipientCertificate'] as const) {
      if (request[field] !== undefined) throw invalid(`the ATEME GET API takes no ${field}`);
    }
    return {
      dialect,
      contentId,
      scheme,
      drmSystems,
      slots: [],
      method: 'GET',
      format: aneviaFormat(request, drmSystems),
    };
  }
  if (request.format !== undefined) throw invalid('format applies to the ATEME GET API only');

  let tracks = checkTracks(dialect, request.tracks);
  if (tracks.length === 0 && dialect === 'speke-v2') tracks = [trackTypeRule('ALL')];
  const periods = checkPeriods(request.periods);

  const combinations: { track?: TrackTypeRule; period?: { id: string; index: number } }[] = [];
  for (const track of tracks.length > 0 ? tracks : [undefined]) {
    for (const period of periods.length > 0 ? periods : [undefined]) {
      combinations.push({ ...(track ? { track } : {}), ...(period ? { period } : {}) });
    }
  }
  if (request.kids !== undefined) {
    if (!Array.isArray(request.kids) || request.kids.length !== combinations.length) {
      throw invalid(`kids must list ${combinations.length} KID(s), one per track type and period`);
    }
  }
  const kids = combinations.map((_, i) => (request.kids ? checkKid(request.kids[i]) : randomUUID()));
  if (new Set(kids).size !== kids.length) throw invalid('kids must be distinct');

  const slots: KeySlot[] = combinations.map(({ track, period }, i) => ({
    kid: kids[i]!,
    ...(track ? { trackType: track.intendedTrackType } : {}),
    ...(period ? { period } : {}),
  }));

  const usageRules: ContentKeyUsageRule[] = [];
  combinations.forEach(({ track, period }, i) => {
    if (!track && !period) return;
    usageRules.push({
      kid: kids[i]!,
      ...(track ? { intendedTrackType: track.intendedTrackType } : {}),
      ...(period ? { keyPeriodFilters: [{ periodId: period.id }] } : {}),
      ...(track?.videoFilters?.length ? { videoFilters: track.videoFilters.map((filter) => ({ ...filter })) } : {}),
      ...(track?.audioFilters?.length ? { audioFilters: track.audioFilters.map((filter) => ({ ...filter })) } : {}),
    });
  });

  const document: CpixDocument = {
    ...(dialect === 'speke-v2' ? { contentId } : { id: contentId }),
    ...(request.recipientCertificate !== undefined
      ? {
          deliveryDataList: {
            deliveryData: [
              { deliveryKey: { x509Certificates: [certificateDer(request.recipientCertificate)] }, documentKeys: [] },
            ],
          },
        }
      : {}),
    contentKeyList: { contentKeys: kids.map((kid) => ({ kid, commonEncryptionScheme: scheme })) },
    drmSystemList: {
      drmSystems: kids.flatMap((kid) =>
        drmSystems.map((target) => ({ kid, systemId: target.systemId, ...requestedSignaling(dialect, target) })),
      ),
    },
    ...(periods.length > 0
      ? { contentKeyPeriodList: { contentKeyPeriods: periods.map((p): ContentKeyPeriod => ({ ...p })) } }
      : {}),
    ...(usageRules.length > 0 ? { contentKeyUsageRuleList: { contentKeyUsageRules: usageRules } } : {}),
  };
  // `keep`: content ids that are not XML NCNames (numeric ids are common) and the request-side
  // DeliveryData (a certificate without a DocumentKey) must be written, not dropped.
  const body = serializeCpix(document, { version: WRITE_VERSION[dialect], unrepresentable: 'keep' });
  return { dialect, contentId, scheme, drmSystems, slots, method: 'POST', document, body };
}
