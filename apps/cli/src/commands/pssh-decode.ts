import { decodePsshInput, type LocatedPsshBox, parsePsshBoxes } from '@cpixkit/pssh';
import { CliError } from '../errors.js';
import { type Input, isPlainText, readInput, writeJson, writeResult } from '../io.js';
import {
  type DescribedBox,
  type DescribedPayload,
  describeBox,
  describePayload,
  describeWrmHeaderXml,
  renderDescription,
} from '../pssh-describe.js';
import { stdoutStyle } from '../style.js';

/** Options of `cpixkit pssh decode`. */
export interface PsshDecodeOptions {
  json?: boolean;
  showKeys?: boolean;
}

/** How the input was read: text encodings, XML holding base64 elements, or binary (boxes, an MP4 file). */
export type PsshInputFormat = 'base64' | 'hex' | 'xml' | 'binary';

/** The `--json` output of `cpixkit pssh decode`. */
export interface PsshDecodeResult {
  input: { origin: Input['origin']; format: PsshInputFormat };
  boxes: DescribedBox[];
  payloads: DescribedPayload[];
}

/** Elements whose text is a base64 `pssh` box or PlayReady Object: MPD `cenc:pssh`, `mspr:pro`, CPIX `PSSH`… */
const BASE64_ELEMENT = /<(?:[\w.-]+:)?(pssh|PSSH|pro|ProtectionHeader|ContentProtectionData)\b[^>]*>([^<]*)<\//g;
const WRMHEADER = /<WRMHEADER\b[\s\S]*?<\/WRMHEADER>/g;

/** `cpixkit pssh decode <input>`: exits 2 when the input, a box or the data inside a box does not decode. */
export async function psshDecode(argument: string, options: PsshDecodeOptions): Promise<void> {
  const input = await readInput(argument, { paths: true });
  const showKeys = options.showKeys === true;
  const result = decode(input, showKeys);
  if (options.json) {
    writeJson(result);
  } else {
    const offsets = result.input.format === 'binary' || result.input.format === 'xml' || result.boxes.length > 1;
    writeResult(renderDescription(result.boxes, result.payloads, stdoutStyle(), { offsets }));
  }
  const failed = [...result.boxes, ...result.payloads].find((item) => item.error);
  if (failed?.error) {
    throw new CliError(failed.error.code, failed.error.message, {
      ...(failed.error.offset !== undefined && { offset: failed.error.offset }),
    });
  }
}

function decode(input: Input, showKeys: boolean): PsshDecodeResult {
  const base = { origin: input.origin };
  if (!isPlainText(input.bytes)) {
    return { input: { ...base, format: 'binary' }, ...decodeBinary(input.bytes, showKeys) };
  }
  const text = input.bytes.toString('utf8').trim();
  if (text.startsWith('<')) return { input: { ...base, format: 'xml' }, ...decodeXml(text, showKeys) };
  const decoded = decodePsshInput(text);
  // Bytes that start like a pssh box but are not a whole one: report where the box breaks.
  if (decoded.kind === 'payload' && Buffer.from(decoded.bytes.subarray(4, 8)).toString('latin1') === 'pssh') {
    parsePsshBoxes(decoded.bytes);
  }
  if (decoded.kind === 'box') {
    const boxes = (decoded.boxes ?? []).map((box) => describeBox(box, 0, showKeys));
    return { input: { ...base, format: decoded.encoding }, boxes, payloads: [] };
  }
  return {
    input: { ...base, format: decoded.encoding },
    boxes: [],
    payloads: [describePayload(decoded.bytes, 0, showKeys)],
  };
}

/**
 * Binary input: concatenated boxes or an MP4/fMP4 segment (boxes found inside `moov` and `moof`), or, when
 * the bytes do not start like a box, a bare payload.
 */
function decodeBinary(bytes: Uint8Array, showKeys: boolean): Pick<PsshDecodeResult, 'boxes' | 'payloads'> {
  if (!startsLikeBox(bytes)) return { boxes: [], payloads: [describePayload(bytes, 0, showKeys)] };
  const boxes: LocatedPsshBox[] = parsePsshBoxes(bytes);
  if (boxes.length === 0) {
    throw new CliError(
      'ERR_CLI_NO_PSSH',
      `no pssh box in ${bytes.length} bytes (looked at the top level, moov and moof)`,
    );
  }
  return { boxes: boxes.map((box) => describeBox(box, 0, showKeys)), payloads: [] };
}

function startsLikeBox(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && /^[\x20-\x7e]{4}$/.test(Buffer.from(bytes.subarray(4, 8)).toString('latin1'));
}

/**
 * XML input (an MPD, a CPIX document, a Smooth manifest or a bare WRMHEADER): every element that carries a
 * base64 box or PlayReady Object is decoded; offsets are those in the element's decoded bytes.
 */
function decodeXml(text: string, showKeys: boolean): Pick<PsshDecodeResult, 'boxes' | 'payloads'> {
  const boxes: DescribedBox[] = [];
  const payloads: DescribedPayload[] = [];
  for (const match of text.matchAll(BASE64_ELEMENT)) {
    const content = match[2]!.trim();
    if (content === '') continue;
    const decoded = decodePsshInput(content);
    if (decoded.kind === 'box') {
      boxes.push(...(decoded.boxes ?? []).map((box) => describeBox(box, 0, showKeys)));
    } else if (match[1] === 'ContentProtectionData' && isPlainText(decoded.bytes)) {
      // CPIX/SPEKE v2 ContentProtectionData: base64 of `<pssh …>…</pssh><pro …>…</pro>`.
      const inner = decodeXml(Buffer.from(decoded.bytes).toString('utf8'), showKeys);
      boxes.push(...inner.boxes);
      payloads.push(...inner.payloads);
    } else {
      payloads.push(describePayload(decoded.bytes, 0, showKeys));
    }
  }
  for (const match of text.matchAll(WRMHEADER)) payloads.push(describeWrmHeaderXml(match[0], 0));
  if (boxes.length === 0 && payloads.length === 0) {
    throw new CliError('ERR_CLI_NO_PSSH', 'no pssh, pro or WRMHEADER element in the XML input');
  }
  return { boxes, payloads };
}
