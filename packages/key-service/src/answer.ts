import type { ContentKey, ContentKeyUsageRule, CpixDocument, DrmSystem, HlsSignalingData } from '@cpixkit/cpix-model';
import { isNcName, serializeCpix } from '@cpixkit/cpix-model';
import {
  buildAes128KeyLines,
  buildFairPlayKeyLines,
  buildPlayReadyKeyLines,
  buildWidevineKeyLines,
  type HlsEncryptionScheme,
  type HlsKeyLines,
  KEY_FORMATS,
} from '@cpixkit/hls-signaling';
import { deriveIv } from '@cpixkit/key-seed';
import { normalizeUuid } from '@cpixkit/pssh';
import { checkAnswerBudget } from './answer-budget.js';
import { AnswerBytes } from './answer-bytes.js';
import { checkClearKeyPolicy } from './clear-key-policy.js';
import type { DialectProfile } from './dialects.js';
import { clearKeyKeys, clearKeyLaurlXml, clearKeyLicenseUrl, issueWithClearKeys } from './clearkey.js';
import { commonPsshBox, commonPsshXml } from './common-pssh.js';
import { encryptForRecipients } from './encrypted-delivery.js';
import { KeyServiceError } from './errors.js';
import { type FairPlayUriInput, fairPlayUri, pallyConFairPlayUri } from './fairplay-uri.js';
import { issueContentKeys } from './key-source.js';
import { signedKeyUrl } from './key-url.js';
import { omitFields, withField } from './omit-fields.js';
import { deriveKids, getByKid, type PlannedKey, type PlannedSystem, type SignalingSlot } from './request-plan.js';
import {
  contentProtectionData,
  type KeySignalingInput,
  type PlayReadySignaling,
  playReadySignaling,
  type WidevineSignaling,
  type WidevineStyle,
  widevineSignaling,
} from './signaling.js';
import { settleSlots } from './signaling-slots.js';
import type { SpekeRequestOptions } from './speke-routes.js';
import type { KeyServiceAnswer, KeyServiceWarning, KeyStore, Tenant } from './types.js';

/** Adds a system's `HLSSignalingData` for a playlist; `build` gives both lines of the system, called once. */
type HlsLineSink = (playlist: 'media' | 'master', build: () => HlsKeyLines) => void;

/** Everything an answer depends on besides the request. */
export interface AnswerContext {
  tenant: Tenant;
  baseUrl: string;
  now: Date;
  store: KeyStore | undefined;
  userAgent: string;
  /** Size of the request body in bytes (0 for a request built from URL parameters). */
  requestBytes: number;
}

/** The `DRMSystem` fields the engine writes itself; the request's other fields are echoed. */
const SIGNALING_FIELDS = [
  'pssh',
  'contentProtectionData',
  'uriExtXKey',
  'hlsSignalingData',
  'smoothStreamingProtectionHeaderData',
  'hdsSignalingData',
  'speke',
] as const satisfies readonly (keyof DrmSystem)[];

/** A key with everything its signalling needs. */
interface IssuedKey {
  planned: PlannedKey;
  value: Uint8Array;
  /** The `explicitIV` written, once the request, the dialect's policy or the key's signalling gave it one. */
  iv: Uint8Array | undefined;
  input: KeySignalingInput;
}

/** The IV of a key derived from its KID, in the answer's bytes (FairPlay URIs and HLS lines carry it). */
function derivedIv(tenant: Tenant, planned: PlannedKey, bytes: AnswerBytes): Uint8Array {
  return bytes.copy(deriveIv(tenant.derivationSecret, { kid: planned.kid }));
}

/** The HLS scheme of a Widevine or PlayReady key; `settleSlots` gives HLS slots only to `cenc` and `cbcs` keys. */
function hlsScheme(planned: PlannedSystem): HlsEncryptionScheme {
  const scheme = planned.key.scheme ?? 'cenc';
  if (scheme === 'cenc' || scheme === 'cbcs') return scheme;
  // Stryker disable StringLiteral: never reached: settleSlots removes or refuses the HLS slots of other schemes (schemeMismatch)
  throw new KeyServiceError(
    'ERR_KEY_SERVICE_UNSUPPORTED_SIGNALING',
    422,
    `${planned.label}: HLS signalling needs a cenc or cbcs key; kid ${planned.key.kid} is ${scheme}`,
  );
  // Stryker restore StringLiteral
}

/** Builds the answer's `DRMSystem` for one request `DRMSystem`: its own attributes and extensions, our signalling. */
class SystemFiller {
  private upgradeReported = false;
  private widevineStyle: WidevineStyle | undefined;

  constructor(
    private readonly profile: DialectProfile,
    private readonly context: AnswerContext,
    private readonly contentId: string,
    private readonly warnings: KeyServiceWarning[],
    /** The answer's signalling bytes. */
    private readonly bytes: AnswerBytes,
  ) {}

  fill(planned: PlannedSystem, issued: IssuedKey, slots: SignalingSlot[]): DrmSystem {
    const system: DrmSystem = omitFields(planned.source, SIGNALING_FIELDS);
    system.kid = planned.key.writtenKid;
    // The media and master lines of a system share one attribute list: built on first use.
    let lines: HlsKeyLines | undefined;
    const hls: HlsLineSink = (playlist, build) => {
      lines ??= build();
      const signaling: HlsSignalingData = { playlist, value: this.bytes.utf8(lines[playlist]) };
      (system.hlsSignalingData ??= []).push(signaling);
    };
    switch (planned.system) {
      case 'widevine': {
        this.widevineStyle ??= this.profile.widevineStyle(this.context.tenant);
        const { data, pssh } = widevineSignaling(issued.input, this.widevineStyle);
        // Arrays this small live on V8's heap until their `.buffer` is read for base64, which moves
        // each off it at the cost of an allocation: copied where reading it costs nothing.
        const signaling: WidevineSignaling = { data: this.bytes.copy(data), pssh: this.bytes.copy(pssh) };
        for (const slot of slots) this.fillCommonEncryption(system, slot, signaling, planned, hls);
        break;
      }
      case 'playready': {
        const signaling = this.playReady(planned, issued);
        for (const slot of slots) {
          if (slot === 'smoothStreaming') system.smoothStreamingProtectionHeaderData = signaling.proBase64;
          else if (slot === 'speke:ProtectionHeader') (system.speke ??= {}).protectionHeader = signaling.pro;
          else this.fillCommonEncryption(system, slot, signaling, planned, hls);
        }
        break;
      }
      case 'fairplay': {
        const input: FairPlayUriInput = { kid: issued.planned.kid, iv: this.ivOf(issued), contentId: this.contentId };
        if (issued.planned.periodIndex !== undefined) input.periodIndex = issued.planned.periodIndex;
        const uri =
          this.profile.fairPlayUriStyle === 'pallycon'
            ? pallyConFairPlayUri(input)
            : fairPlayUri(this.context.tenant.settings.fairPlay, input);
        this.fillHlsUri(system, slots, uri, KEY_FORMATS.fairPlay, () => buildFairPlayKeyLines({ uri }), hls);
        break;
      }
      case 'aes128': {
        const { tenant, baseUrl, now } = this.context;
        const url = signedKeyUrl(tenant, issued.planned.kid, baseUrl, now);
        const iv = this.ivOf(issued);
        this.fillHlsUri(system, slots, url, KEY_FORMATS.identity, () => buildAes128KeyLines({ uri: url, iv }), hls);
        break;
      }
      case 'common':
      case 'clearkey': {
        // Both carry the W3C common box in PSSH; in ContentProtectionData, ClearKey has its licence URL.
        const box = this.bytes.copy(commonPsshBox(issued.planned.kid));
        for (const slot of slots) {
          if (slot === 'pssh') system.pssh = box;
          else if (slot !== 'contentProtectionData')
            // Stryker disable next-line StringLiteral: never reached: every dialect table gives ClearKey and the common system only pssh and contentProtectionData
            throw new Error(`unexpected slot ${slot} for ${planned.name}`);
          else if (planned.system === 'common')
            system.contentProtectionData = { value: this.bytes.utf8(commonPsshXml(box)) };
          else {
            const url = clearKeyLicenseUrl(this.context.tenant, this.context.baseUrl);
            system.contentProtectionData = { value: this.bytes.utf8(clearKeyLaurlXml(url)) };
          }
        }
        break;
      }
    }
    return system;
  }

  /** The key's IV for its signalling: given, or derived now and then written in its `ContentKey` too. */
  private ivOf(issued: IssuedKey): Uint8Array {
    issued.iv ??= derivedIv(this.context.tenant, issued.planned, this.bytes);
    return issued.iv;
  }

  private playReady(planned: PlannedSystem, issued: IssuedKey): PlayReadySignaling {
    const signaling = playReadySignaling(issued.input, {
      settings: this.context.tenant.settings.playReady,
      periodIndexAttribute: this.profile.playReadyPeriodIndex,
    });
    if (signaling === undefined) {
      throw new KeyServiceError(
        'ERR_KEY_SERVICE_UNSUPPORTED_SCHEME',
        422,
        `${planned.label}: PlayReady decrypts cenc and cbcs keys; kid ${planned.key.kid} is ${planned.key.scheme}`,
      );
    }
    if (signaling.upgraded && !this.upgradeReported) {
      this.upgradeReported = true;
      this.warnings.push({
        code: 'PLAYREADY_HEADER_4_3',
        path: planned.label,
        message: `cbcs keys need a 4.3.0.0 PlayReady header (AESCBC); written instead of ${this.context.tenant.settings.playReady.headerVersion}`,
      });
    }
    return signaling;
  }

  private fillCommonEncryption(
    system: DrmSystem,
    slot: SignalingSlot,
    signaling: WidevineSignaling | PlayReadySignaling,
    planned: PlannedSystem,
    hls: HlsLineSink,
  ): void {
    switch (slot) {
      case 'pssh':
        system.pssh = signaling.pssh;
        break;
      case 'contentProtectionData':
        system.contentProtectionData = {
          value: contentProtectionData(this.profile.contentProtectionForm, signaling, this.bytes),
        };
        break;
      case 'hls-media':
      case 'hls-master': {
        const playlist = slot === 'hls-media' ? 'media' : 'master';
        const scheme = hlsScheme(planned);
        hls(playlist, () =>
          'pro' in signaling
            ? buildPlayReadyKeyLines({ pro: signaling.pro, scheme })
            : buildWidevineKeyLines({ pssh: signaling.pssh, kid: planned.key.kid, scheme }),
        );
        break;
      }
      // Stryker disable next-line ConditionalExpression: never reached: the dialect tables only give Widevine and PlayReady the slots handled above
      default:
        // The dialect tables only give these systems the slots handled above.
        // Stryker disable next-line StringLiteral: never reached, as said above
        throw new Error(`unexpected slot ${slot} for ${planned.name}`);
    }
  }

  /**
   * Fills the slots of a system signalled by a key URI (FairPlay, HLS AES-128): `URIExtXKey`, the
   * HLS lines, and SPEKE v1's `speke:KeyFormat` (`keyFormat`) and `speke:KeyFormatVersions`.
   */
  private fillHlsUri(
    system: DrmSystem,
    slots: SignalingSlot[],
    uri: string,
    keyFormat: string,
    lines: () => HlsKeyLines,
    hls: HlsLineSink,
  ): void {
    for (const slot of slots) {
      if (slot === 'uriExtXKey') system.uriExtXKey = this.bytes.utf8(uri);
      else if (slot === 'hls-media') hls('media', lines);
      else if (slot === 'hls-master') hls('master', lines);
      else if (slot === 'speke:KeyFormat') (system.speke ??= {}).keyFormat = this.bytes.utf8(keyFormat);
      else if (slot === 'speke:KeyFormatVersions') (system.speke ??= {}).keyFormatVersions = this.bytes.utf8('1');
      // Stryker disable next-line StringLiteral: never reached: every dialect table gives FairPlay and HLS AES-128 only the five slots above
      else throw new Error(`unexpected slot ${slot} for an HLS key URI`);
    }
  }
}

/** What the signalling of a key is built from, set field by field (conditional spreads copy slowly). */
function signalingInput(planned: PlannedKey, key: Uint8Array, contentId: string): KeySignalingInput {
  const input: KeySignalingInput = { kid: planned.kid, key, contentId };
  if (planned.scheme !== undefined) input.scheme = planned.scheme;
  if (planned.trackType !== undefined) input.trackType = planned.trackType;
  if (planned.periodIndex !== undefined) input.periodIndex = planned.periodIndex;
  return input;
}

/**
 * Answers a parsed request under a dialect: checks it, settles the KIDs, issues the keys and IVs,
 * fills each `DRMSystem`, and writes the answer document (strictly, in the dialect's CPIX version).
 */
export async function answerDocument(
  profile: DialectProfile,
  document: CpixDocument,
  warnings: KeyServiceWarning[],
  context: AnswerContext,
  options: SpekeRequestOptions,
): Promise<KeyServiceAnswer> {
  const { tenant } = context;
  const checked = profile.check(document, tenant, warnings, options);
  const { contentId, keys, systems } = checked;
  const contentIdAttribute = checked.answerAs?.contentIdAttribute ?? profile.contentIdAttribute;
  const writeVersion = checked.answerAs?.writeVersion ?? profile.writeVersion;
  if (checked.kidPolicy === 'derive') deriveKids(tenant, contentId, keys);
  const slots = systems.map((system) => settleSlots(system, profile.slots, warnings));
  checkClearKeyPolicy(systems, tenant);
  checkAnswerBudget({
    profile,
    tenant,
    contentId,
    keys: keys.length,
    systems,
    slots,
    requestBytes: context.requestBytes,
    baseUrl: context.baseUrl,
  });

  const clearKeys = clearKeyKeys(tenant, systems);
  const issuing =
    clearKeys.size === 0
      ? issueContentKeys(
          tenant,
          keys.map((key) => key.kid),
          context.store,
        )
      : issueWithClearKeys(tenant, keys, clearKeys, context.store);
  const values = Array.isArray(issuing) ? issuing : await issuing;
  // The IVs are signalling too (FairPlay URIs and HLS lines carry them), the content keys are not.
  // Keys of FairPlay and AES-128 systems get theirs when their signalling is written (`ivOf`).
  const bytes = new AnswerBytes();
  const issued = new Map<PlannedKey, IssuedKey>();
  keys.forEach((planned, index) => {
    const value = values[index]!;
    const { explicitIV } = planned.source;
    issued.set(planned, {
      planned,
      value,
      iv:
        explicitIV !== undefined
          ? bytes.copy(explicitIV)
          : profile.explicitIvs === 'every-key'
            ? derivedIv(tenant, planned, bytes)
            : undefined,
      input: signalingInput(planned, value, contentId),
    });
  });

  const filler = new SystemFiller(profile, context, contentId, warnings, bytes);
  const drmSystems = systems.map((system, index) => filler.fill(system, issued.get(system.key)!, slots[index]!));
  const contentKeys = keys.map((planned): ContentKey => {
    const { value, iv } = issued.get(planned)!;
    // Stryker disable next-line StringLiteral,ArrayDeclaration: data is written on the next lines whatever is copied (and readContentKeys refuses a request key carrying data)
    const key: ContentKey = omitFields(planned.source, ['data']);
    key.kid = planned.writtenKid;
    key.data = { secret: { plainValue: value } };
    if (iv !== undefined) key.explicitIV = iv;
    return key;
  });

  const keyOfKid = new Map(keys.map((key) => [normalizeUuid(key.requestKid), key]));
  const ruleKid = (rule: ContentKeyUsageRule): string => (getByKid(keyOfKid, rule.kid) ?? keys[0]!).writtenKid;
  const { contentKeyList, drmSystemList, contentKeyUsageRuleList } = document;
  // Built field by field rather than from conditional spreads: each spread copies through a slow
  // generic path and gives the answer a hidden class of its own.
  const answer: CpixDocument = contentIdAttribute === 'id' ? { id: contentId } : { contentId };
  if (document.name !== undefined) answer.name = document.name;
  if (document.unknownAttributes !== undefined) answer.unknownAttributes = document.unknownAttributes;
  if (document.extensions !== undefined) answer.extensions = document.extensions;
  answer.contentKeyList = withField(contentKeyList, 'contentKeys', contentKeys);
  answer.drmSystemList = withField(drmSystemList, 'drmSystems', drmSystems);
  if (document.contentKeyPeriodList !== undefined) answer.contentKeyPeriodList = document.contentKeyPeriodList;
  if (contentKeyUsageRuleList !== undefined) {
    const rules = contentKeyUsageRuleList.contentKeyUsageRules.map((rule) => withField(rule, 'kid', ruleKid(rule)));
    answer.contentKeyUsageRuleList = withField(contentKeyUsageRuleList, 'contentKeyUsageRules', rules);
  }
  if (document.updateHistoryItemList !== undefined) answer.updateHistoryItemList = document.updateHistoryItemList;

  if (contentIdAttribute === 'id' && !isNcName(contentId)) {
    warnings.push({
      code: 'ID_NOT_NCNAME',
      path: '/CPIX/@id',
      message: 'the content id is echoed in CPIX@id although it is not an XML id, so the answer is not schema-valid',
    });
  }
  const delivered = encryptForRecipients(answer, document, profile.minimumRsaKeySize, context.now);
  // What the request carried that the schema has no place for (foreign attributes, foreign elements
  // outside its wildcards, incomplete UpdateHistory items, a content id that is not an XML name) is
  // echoed, as clients expect: such an answer does not validate against the XSD.
  const body = serializeCpix(delivered, { version: writeVersion, unrepresentable: 'keep' });
  return {
    body,
    headers: profile.headers(context.userAgent),
    keysIssued: contentKeys.length,
    contentId,
    warnings,
  };
}
