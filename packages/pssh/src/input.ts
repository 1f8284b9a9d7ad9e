import { type LocatedPsshBox, parsePsshBoxes } from './box.js';
import { PsshError } from './errors.js';

/** What {@link decodePsshInput} made of a text. */
export interface DecodedPsshInput {
  /** How the text was encoded. */
  encoding: 'base64' | 'hex';
  /** `box`: one or more whole `pssh` boxes; `payload`: anything else, taken as a box's `Data` alone. */
  kind: 'box' | 'payload';
  /** The decoded bytes. */
  bytes: Uint8Array;
  /** The parsed boxes, when `kind` is `box`. */
  boxes?: LocatedPsshBox[];
}

const HEX = /^(?:0x)?((?:[0-9a-f]{2})+)$/i;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * Decodes a PSSH as people paste it: a whole box or only its payload (e.g. PallyCon's
 * `ContentProtectionData`, a PlayReady Object, Widevine protobuf), in base64 (standard or URL-safe) or hex
 * (optionally `0x`-prefixed); whitespace anywhere is ignored. Text that decodes, in either encoding, to
 * complete `pssh` boxes is reported as `box`; otherwise hex wins when the text is valid hex, else base64.
 */
export function decodePsshInput(text: string): DecodedPsshInput {
  if (typeof text !== 'string') {
    throw new PsshError('ERR_PSSH_INVALID_INPUT', 'PSSH input must be a string');
  }
  const compact = text.replace(/\s+/g, '');
  if (compact.length === 0) {
    throw new PsshError('ERR_PSSH_INVALID_INPUT', 'PSSH input is empty');
  }
  const candidates: Array<{ encoding: 'base64' | 'hex'; bytes: Uint8Array }> = [];
  const hex = HEX.exec(compact);
  if (hex) candidates.push({ encoding: 'hex', bytes: Uint8Array.from(Buffer.from(hex[1]!, 'hex')) });
  if (BASE64.test(compact) && compact.replace(/=+$/, '').length % 4 !== 1) {
    candidates.push({ encoding: 'base64', bytes: Uint8Array.from(Buffer.from(compact, 'base64')) });
  }
  const first = candidates[0];
  if (!first) {
    throw new PsshError('ERR_PSSH_INVALID_ENCODING', 'PSSH input is neither hex nor base64');
  }
  for (const candidate of candidates) {
    const boxes = asPsshBoxes(candidate.bytes);
    if (boxes) return { ...candidate, kind: 'box', boxes };
  }
  return { ...first, kind: 'payload' };
}

/** The boxes when `bytes` is nothing but complete top-level `pssh` boxes, else undefined. */
function asPsshBoxes(bytes: Uint8Array): LocatedPsshBox[] | undefined {
  // Stryker disable next-line LogicalOperator: fast path: parsePsshBoxes below refuses the same bytes
  if (bytes.length < 32 || String.fromCharCode(...bytes.subarray(4, 8)) !== 'pssh') return undefined;
  try {
    const boxes = parsePsshBoxes(bytes);
    const covered = boxes.reduce((sum, box) => sum + box.byteLength, 0);
    return covered === bytes.length ? boxes : undefined;
  } catch (error) {
    if (error instanceof PsshError) return undefined;
    throw error;
  }
}
