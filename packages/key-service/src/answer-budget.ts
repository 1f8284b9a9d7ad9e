import type { DialectProfile } from './dialects.js';
import { KeyServiceError } from './errors.js';
import type { PlannedSystem, SignalingSlot } from './request-plan.js';
import type { Tenant } from './types.js';

/** What the size of an answer is bounded from: the request's plan, before any key or signalling exists. */
export interface AnswerPlan {
  profile: DialectProfile;
  tenant: Tenant;
  contentId: string;
  /** Content keys of the answer. */
  keys: number;
  systems: readonly PlannedSystem[];
  /** The slots filled for each system, in the order of `systems`. */
  slots: readonly (readonly SignalingSlot[])[];
  /** Size of the request body: what the answer echoes (extensions, periods, rules, attributes) is at most that. */
  requestBytes: number;
  /** The server's public origin, which key-delivery URLs start with. */
  baseUrl: string;
}

/** Bytes of a `ContentKey` with its key and IV, and of the fixed parts of a `DRMSystem`, both generously. */
const KEY_BYTES = 512;
const SYSTEM_BYTES = 384;
/** Fixed fields of a Widevine PSSH box (header, KID, algorithm, scheme, period index, field tags). */
const WIDEVINE_FIXED = 96;
/** A PlayReady header's fixed XML (version 4.3 with a checksum), before its configured URLs and attributes. */
const PLAYREADY_FIXED_CHARS = 512;
/** The PRO's record header and the PSSH box header around a WRM header. */
const PLAYREADY_FRAMING = 64;
/** An `#EXT-X-KEY` / `#EXT-X-SESSION-KEY` line around its URI or data. */
const HLS_LINE = 256;
/** A `ContentProtectionData` XML fragment's elements around its base64 payloads. */
const CONTENT_PROTECTION_XML = 128;
/** A default track type label a dialect writes for a key without one. */
const TRACK_TYPE_LABEL = 8;
/** The W3C common `pssh` box of one KID, or a ClearKey `ContentProtectionData` around its licence URL. */
const CLEARKEY_FIXED = 256;
/** A content id may be percent-encoded in a URI: three characters per byte at worst. */
const URI_ESCAPE = 3;

function base64Length(bytes: number): number {
  return Math.ceil(bytes / 3) * 4;
}

function utf8Length(text: string | undefined): number {
  // Stryker disable next-line StringLiteral: Buffer.byteLength reads an empty encoding name as UTF-8
  return text === undefined ? 0 : Buffer.byteLength(text, 'utf8');
}

function occurrences(text: string, part: string): number {
  return text.split(part).length - 1;
}

/**
 * The bytes of the signalling object a system's slots encode (a PSSH box or a key URI), at most.
 * Only values that grow with the request or the settings are counted exactly; the rest is a
 * generous constant.
 */
function signalingObjectBytes(planned: PlannedSystem, plan: AnswerPlan, contentIdBytes: number): number {
  const { tenant, profile } = plan;
  const { settings } = tenant;
  switch (planned.system) {
    case 'widevine': {
      const style = profile.widevineStyle(tenant);
      const contentId = style.contentId === 'none' ? 0 : contentIdBytes + 16;
      // The key's track type, or the dialect's default label (PallyCon's `HD`).
      const trackType = utf8Length(planned.key.trackType) + TRACK_TYPE_LABEL;
      return WIDEVINE_FIXED + contentId + utf8Length(style.provider) + trackType;
    }
    case 'playready': {
      const { laUrl, luiUrl, dsId, customAttributes } = settings.playReady;
      // UTF-16, with XML escaping of the configured text (at most six characters for one).
      const configured = 6 * (utf8Length(laUrl) + utf8Length(luiUrl) + utf8Length(dsId)) + utf8Length(customAttributes);
      return PLAYREADY_FRAMING + 2 * (PLAYREADY_FIXED_CHARS + configured + 64);
    }
    case 'fairplay': {
      const { uriForm, uriTemplate } = settings.fairPlay;
      const copies =
        profile.fairPlayUriStyle === 'pallycon' || uriForm === 'content-period'
          ? 1
          : uriForm === 'template'
            ? occurrences(uriTemplate ?? '', '{contentId}')
            : 0;
      return HLS_LINE + utf8Length(uriTemplate) + URI_ESCAPE * contentIdBytes * copies;
    }
    case 'aes128': {
      const base = settings.aes128.keyUriBase ?? plan.baseUrl;
      return HLS_LINE + utf8Length(base) + URI_ESCAPE * utf8Length(tenant.id);
    }
    case 'clearkey':
    case 'common':
      // The licence URL: the server's origin and the tenant id.
      return CLEARKEY_FIXED + utf8Length(plan.baseUrl) + URI_ESCAPE * utf8Length(tenant.id);
  }
}

/** The bytes a slot adds to the answer's text for a signalling object of `object` bytes. */
function slotBytes(slot: SignalingSlot, object: number): number {
  switch (slot) {
    case 'pssh':
    case 'uriExtXKey':
    case 'smoothStreaming':
    case 'speke:ProtectionHeader':
      return base64Length(object);
    case 'contentProtectionData':
      // The PSSH box and, for PlayReady, the PRO, both base64 inside XML, which is base64 again.
      return base64Length(2 * base64Length(object) + CONTENT_PROTECTION_XML);
    case 'hls-media':
    case 'hls-master':
      // A line holding the object in base64 (or a URI), base64 again in HLSSignalingData.
      return base64Length(HLS_LINE + base64Length(object));
    // Stryker disable next-line StringLiteral: no dialect table fills hds, so no answer counts it
    case 'hds':
    case 'speke:KeyFormat':
    case 'speke:KeyFormatVersions':
      return HLS_LINE;
  }
}

/**
 * An upper bound, in bytes, of the answer to a request with this plan: the request echoed, each
 * content key, and each `DRMSystem` with every slot it will fill. Computed from lengths only, in
 * time linear in the number of systems, so a request that would cost much more than it weighs is
 * refused before any key is issued or any signalling written.
 */
export function answerSizeBound(plan: AnswerPlan): number {
  const contentIdBytes = utf8Length(plan.contentId);
  let total = plan.requestBytes + plan.keys * KEY_BYTES + 3 * contentIdBytes;
  plan.systems.forEach((planned, index) => {
    const object = signalingObjectBytes(planned, plan, contentIdBytes);
    total += SYSTEM_BYTES;
    // Stryker disable next-line ArrayDeclaration: answerDocument settles the slots of every system, so plan.slots has an entry for each
    for (const slot of plan.slots[index] ?? []) total += slotBytes(slot, object);
  });
  return total;
}

/**
 * Refuses a request whose answer could exceed the tenant's `maxAnswerBytes`.
 *
 * @throws {@link KeyServiceError} `ERR_KEY_SERVICE_ANSWER_TOO_LARGE` (413).
 */
export function checkAnswerBudget(plan: AnswerPlan): void {
  const bound = answerSizeBound(plan);
  const limit = plan.tenant.settings.maxAnswerBytes;
  if (bound > limit) {
    throw new KeyServiceError(
      'ERR_KEY_SERVICE_ANSWER_TOO_LARGE',
      413,
      `the answer to this request could take ${bound} bytes (content id of ${utf8Length(plan.contentId)} bytes, ${plan.keys} keys, ${plan.systems.length} DRM systems); at most ${limit} per answer`,
    );
  }
}
