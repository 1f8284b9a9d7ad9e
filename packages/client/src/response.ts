import {
  type ContentKey,
  type CpixDocument,
  CpixError,
  type DecryptContentKeysOptions,
  decryptContentKeys,
  parseCpix,
} from '@cpixkit/cpix-model';
import { normalizeUuid } from '@cpixkit/pssh';
import { CpixClientError } from './errors.js';
import type { KeySlot, PreparedKeyRequest } from './request.js';
import type { ContentKeyResult, ContentKeysResult, KeyIdForms } from './results.js';
import { jsonErrorOf, redact } from './server-message.js';
import { readDrmSignaling } from './signaling.js';

/** Options of {@link readKeyResponse}. */
export interface ReadKeyResponseOptions {
  /** The private key matching the request's `recipientCertificate`, to decrypt encrypted content keys. */
  privateKey?: DecryptContentKeysOptions['privateKey'];
  /**
   * The server assigns KIDs (SPEKE with KID override): match keys by track type and period instead
   * of by KID. Always the case for the `pallycon-v1`, `pallycon-v2` and `anevia` dialects.
   */
  serverAssignsKids?: boolean;
  /** Values to blank out of a vendor error message (tokens). */
  secrets?: readonly string[];
}

const KEY_BYTES = 16;

function malformed(message: string, cause?: unknown): CpixClientError {
  return new CpixClientError('ERR_CLIENT_MALFORMED_RESPONSE', message, cause === undefined ? {} : { cause });
}

function mismatch(message: string): CpixClientError {
  return new CpixClientError('ERR_CLIENT_RESPONSE_MISMATCH', message);
}

function kidForms(kid: string): KeyIdForms {
  const hex = kid.replace(/-/g, '');
  return { uuid: kid, hex, base64: Buffer.from(hex, 'hex').toString('base64') };
}

const forms = (bytes: Uint8Array) => {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { hex: buffer.toString('hex'), base64: buffer.toString('base64') };
};

function describeSlot(slot: KeySlot): string {
  const parts = [`kid ${slot.kid}`];
  if (slot.trackType !== undefined) parts.push(`track type ${slot.trackType}`);
  if (slot.period !== undefined) parts.push(`period ${slot.period.index}`);
  return parts.join(', ');
}

/** What the answer says about each of its keys: usage rule track type and key period. */
interface AnswerIndex {
  keys: Map<string, ContentKey>;
  trackTypeOf: Map<string, string>;
  periodsOf: Map<string, { id?: string; index?: number }[]>;
}

/** Indexes the answer by lower-case KID (parseCpix has already refused any kid that is not a dashed UUID). */
function indexAnswer(document: CpixDocument): AnswerIndex {
  const keys = new Map<string, ContentKey>();
  for (const key of document.contentKeyList?.contentKeys ?? []) keys.set(normalizeUuid(key.kid), key);
  const periodById = new Map(
    (document.contentKeyPeriodList?.contentKeyPeriods ?? []).map((period) => [period.id, period]),
  );
  const trackTypeOf = new Map<string, string>();
  const periodsOf = new Map<string, { id?: string; index?: number }[]>();
  for (const rule of document.contentKeyUsageRuleList?.contentKeyUsageRules ?? []) {
    const kid = normalizeUuid(rule.kid);
    if (rule.intendedTrackType !== undefined && !trackTypeOf.has(kid)) trackTypeOf.set(kid, rule.intendedTrackType);
    for (const filter of rule.keyPeriodFilters ?? []) {
      const period = periodById.get(filter.periodId);
      const entry = { id: filter.periodId, ...(period?.index !== undefined ? { index: period.index } : {}) };
      periodsOf.set(kid, [...(periodsOf.get(kid) ?? []), entry]);
    }
  }
  return { keys, trackTypeOf, periodsOf };
}

/** The answer's KID for each requested key. */
function matchSlots(prepared: PreparedKeyRequest, answer: AnswerIndex, byKid: boolean): string[] {
  if (prepared.slots.length === 0) return [...answer.keys.keys()];
  if (byKid) {
    return prepared.slots.map((slot) => {
      if (!answer.keys.has(slot.kid)) throw mismatch(`the answer has no content key for ${describeSlot(slot)}`);
      return slot.kid;
    });
  }
  if (prepared.slots.length === 1 && answer.keys.size === 1) return [...answer.keys.keys()];
  const taken = new Set<string>();
  return prepared.slots.map((slot) => {
    let kid: string | undefined;
    if (answer.keys.has(slot.kid)) {
      kid = slot.kid;
    } else {
      const candidates = [...answer.keys.keys()].filter((candidate) => {
        if (
          slot.trackType !== undefined &&
          answer.trackTypeOf.get(candidate)?.toUpperCase() !== slot.trackType.toUpperCase()
        )
          return false;
        if (
          slot.period !== undefined &&
          !(answer.periodsOf.get(candidate) ?? []).some((p) => p.index === slot.period!.index)
        )
          return false;
        return true;
      });
      if (candidates.length > 1) throw mismatch(`the answer has several content keys for ${describeSlot(slot)}`);
      kid = candidates[0];
    }
    if (kid === undefined) throw mismatch(`the answer has no content key for ${describeSlot(slot)}`);
    if (taken.has(kid)) throw mismatch(`the answer gives the same content key ${kid} for two requested keys`);
    taken.add(kid);
    return kid;
  });
}

function parseAnswer(text: string, bytes: Uint8Array, secrets: readonly string[]): ReturnType<typeof parseCpix> {
  const vendorError = jsonErrorOf(text);
  if (vendorError !== undefined) {
    const serverMessage =
      vendorError.message === undefined ? undefined : redact(vendorError.message, secrets).slice(0, 300);
    const serverCode = vendorError.code === undefined ? undefined : redact(vendorError.code, secrets).slice(0, 64);
    const label = [serverCode, serverMessage].filter(Boolean).join(' ');
    throw new CpixClientError(
      'ERR_CLIENT_VENDOR_ERROR',
      `the key server answered an error instead of CPIX${label ? `: ${label}` : ''}`,
      {
        ...(serverMessage !== undefined ? { serverMessage } : {}),
        ...(serverCode !== undefined ? { serverCode } : {}),
      },
    );
  }
  if (text.trim() === '') throw malformed('the key server answered an empty body');
  try {
    return parseCpix(bytes);
  } catch (error) {
    if (error instanceof CpixError)
      throw malformed(`the answer is not a readable CPIX document: ${error.message}`, error);
    throw error;
  }
}

/**
 * Reads the key server's answer to a prepared request: refuses a vendor JSON error sent with
 * HTTP 200 (`ERR_CLIENT_VENDOR_ERROR`) and anything that is not CPIX (`ERR_CLIENT_MALFORMED_RESPONSE`),
 * decrypts encrypted content keys with `privateKey`, then checks that the answer answers the
 * request (`ERR_CLIENT_RESPONSE_MISMATCH`): the content id, a key for every requested key (by KID,
 * or by track type and period where the server assigns KIDs), a `DRMSystem` for every requested
 * DRM system and key, and the scheme (`commonEncryptionScheme`, Widevine `protection_scheme`).
 */
export async function readKeyResponse(
  body: Uint8Array | string,
  prepared: PreparedKeyRequest,
  options: ReadKeyResponseOptions = {},
): Promise<ContentKeysResult> {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const text =
    typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  const parsed = parseAnswer(text, bytes, options.secrets ?? []);
  let document = parsed.document;

  const encrypted = (document.contentKeyList?.contentKeys ?? []).some(
    (key) => key.data?.secret?.encryptedValue !== undefined,
  );
  if (encrypted) {
    if (options.privateKey === undefined) {
      throw new CpixClientError(
        'ERR_CLIENT_ENCRYPTED_RESPONSE',
        'the content keys are encrypted: pass the privateKey matching the recipient certificate',
      );
    }
    try {
      document = await decryptContentKeys(document, { privateKey: options.privateKey });
    } catch (error) {
      if (error instanceof CpixError) {
        throw new CpixClientError(
          'ERR_CLIENT_ENCRYPTED_RESPONSE',
          `the content keys cannot be decrypted: ${error.message}`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  const answerId = document.contentId ?? document.id;
  if (answerId !== undefined && answerId !== prepared.contentId) {
    throw mismatch(
      `the answer is for content id ${JSON.stringify(answerId.slice(0, 200))}, not ${JSON.stringify(prepared.contentId.slice(0, 200))}`,
    );
  }

  const answer = indexAnswer(document);
  const byKid =
    (prepared.dialect === 'speke-v1' || prepared.dialect === 'speke-v2') && options.serverAssignsKids !== true;
  const kids = matchSlots(prepared, answer, byKid);
  if (kids.length === 0) throw mismatch('the answer has no content key');
  // The ATEME GET API cannot carry a scheme, so there is nothing to hold its answer to.
  const scheme = prepared.dialect === 'anevia' ? undefined : prepared.scheme;

  const keys = kids.map((kid, index): ContentKeyResult => {
    const key = answer.keys.get(kid)!;
    const slot: KeySlot | undefined = prepared.slots[index];
    const where = `content key ${kid}`;
    const secret = key.data?.secret;
    if (secret?.plainValue === undefined) {
      if (secret?.encryptedValue !== undefined)
        throw new CpixClientError('ERR_CLIENT_ENCRYPTED_RESPONSE', `${where} is encrypted`);
      throw malformed(`${where} carries no key value`);
    }
    const value = secret.plainValue;
    if (value.length !== KEY_BYTES) throw malformed(`${where} is ${value.length} bytes long, not ${KEY_BYTES}`);
    if (key.explicitIV !== undefined && key.explicitIV.length !== KEY_BYTES) {
      throw malformed(`the explicitIV of ${where} is ${key.explicitIV.length} bytes long, not ${KEY_BYTES}`);
    }
    if (scheme !== undefined && key.commonEncryptionScheme !== undefined && key.commonEncryptionScheme !== scheme) {
      throw mismatch(`${where} is for scheme ${key.commonEncryptionScheme}, the request asked for ${scheme}`);
    }

    const systems = (document.drmSystemList?.drmSystems ?? []).filter((system) => normalizeUuid(system.kid) === kid);
    const drm = systems.map((system) => readDrmSignaling(system, kid, value, scheme));
    for (const target of prepared.drmSystems) {
      if (!drm.some((signaling) => signaling.systemId === target.systemId)) {
        throw mismatch(`the answer has no DRMSystem for ${target.name} and ${slot ? describeSlot(slot) : where}`);
      }
    }

    const trackType = answer.trackTypeOf.get(kid) ?? slot?.trackType;
    const period = answer.periodsOf.get(kid)?.[0] ?? slot?.period;
    const answerScheme = key.commonEncryptionScheme ?? scheme;
    return {
      kid: kidForms(kid),
      key: forms(value),
      ...(key.explicitIV !== undefined ? { iv: forms(key.explicitIV) } : {}),
      ...(answerScheme !== undefined ? { scheme: answerScheme } : {}),
      ...(trackType !== undefined ? { trackType } : {}),
      ...(period !== undefined ? { period: { ...period } } : {}),
      ...(slot !== undefined && slot.kid !== kid ? { requestedKid: slot.kid } : {}),
      drm,
    };
  });

  return {
    dialect: prepared.dialect,
    contentId: answerId ?? prepared.contentId,
    keys,
    warnings: parsed.warnings,
    document,
  };
}
