import { normalizeUuid, PLAYREADY_SYSTEM_ID, PsshError } from '@cpixkit/pssh';
import { PlayReadyError } from './errors.js';
import { decodePlayReadyObject, type PlayReadyObject } from './pro.js';
import { parseXmlElement } from './xml.js';

/** A Smooth Streaming protection header, whichever form it came in. */
export interface SmoothStreamingProtectionHeader {
  /** `element`: `<ProtectionHeader SystemID="…">base64</ProtectionHeader>`; `base64`: the bare PRO. */
  form: 'element' | 'base64';
  /** Lower-case system id; PlayReady for the bare form. */
  systemId: string;
  /** The PlayReady Object bytes. */
  pro: Uint8Array;
  /** The decoded PlayReady Object. */
  object: PlayReadyObject;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * The value CPIX `SmoothStreamingProtectionHeaderData` (SPEKE v2) and SPEKE v1 `speke:ProtectionHeader`
 * carry: the base64 of the PlayReady Object, nothing around it.
 */
export function smoothStreamingProtectionHeaderData(pro: Uint8Array): string {
  decodePlayReadyObject(pro);
  return Buffer.from(pro).toString('base64');
}

/**
 * The `<ProtectionHeader>` element of a Smooth Streaming client manifest (inside `<Protection>`):
 * `<ProtectionHeader SystemID="9a04f079-9840-4286-ab92-e65be0885f95">base64 PRO</ProtectionHeader>`.
 */
export function buildSmoothStreamingProtectionHeader(pro: Uint8Array): string {
  const data = smoothStreamingProtectionHeaderData(pro);
  return `<ProtectionHeader SystemID="${PLAYREADY_SYSTEM_ID}">${data}</ProtectionHeader>`;
}

/**
 * Reads a Smooth Streaming protection header in either form: the manifest's `<ProtectionHeader>` element
 * (any SystemID case, optionally braced) or the bare base64 PRO of CPIX and SPEKE. Whitespace is ignored.
 */
export function parseSmoothStreamingProtectionHeader(text: string): SmoothStreamingProtectionHeader {
  if (typeof text !== 'string') invalid('the protection header must be a string');
  const trimmed = text.trim();
  let form: SmoothStreamingProtectionHeader['form'] = 'base64';
  let systemId = PLAYREADY_SYSTEM_ID;
  let payload = trimmed;
  if (trimmed.startsWith('<')) {
    const element = parseXmlElement(trimmed);
    if (element.name !== 'ProtectionHeader') invalid(`expected <ProtectionHeader>, found <${element.name}>`);
    const id = element.attributes.get('SystemID');
    if (id === undefined) invalid('<ProtectionHeader> has no SystemID');
    try {
      systemId = normalizeUuid(id);
    } catch (error) {
      if (error instanceof PsshError) invalid(`SystemID is not a UUID: ${JSON.stringify(id.slice(0, 64))}`);
      throw error;
    }
    form = 'element';
    payload = element.text;
  }
  const compact = payload.replace(/\s+/g, '');
  if (!BASE64.test(compact) || compact.length % 4 !== 0) invalid('the protection header is not base64');
  const pro = Uint8Array.from(Buffer.from(compact, 'base64'));
  return { form, systemId, pro, object: decodePlayReadyObject(pro) };
}

function invalid(message: string): never {
  throw new PlayReadyError('ERR_PLAYREADY_INVALID_OBJECT', message);
}
