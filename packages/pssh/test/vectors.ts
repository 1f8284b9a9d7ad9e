import { readFileSync } from 'node:fs';

/** One case of /work/shared/vectors/vectors.json (see its README). */
export interface VectorCase {
  name: string;
  kind: string;
  inputs: Record<string, unknown>;
  expected: Record<string, unknown>;
  decoded?: Record<string, unknown>;
}

/** The shared vectors sit next to the repository checkout; `CPIXKIT_VECTORS` points elsewhere. */
const VECTORS_PATH =
  process.env.CPIXKIT_VECTORS ?? new URL('../../../../shared/vectors/vectors.json', import.meta.url).pathname;

/** The cases of the shared vectors file of one `kind`; throws when there are none, so a test cannot pass empty. */
export function vectorCases(kind: string): VectorCase[] {
  const { cases } = JSON.parse(readFileSync(VECTORS_PATH, 'utf8')) as { cases: VectorCase[] };
  const selected = cases.filter((c) => c.kind === kind);
  if (selected.length === 0) throw new Error(`no vectors of kind ${kind}`);
  return selected;
}

/** Bytes of a base64 string. */
export const fromBase64 = (value: unknown): Uint8Array => Uint8Array.from(Buffer.from(String(value), 'base64'));
/** Bytes of a hex string. */
export const fromHex = (value: unknown): Uint8Array => Uint8Array.from(Buffer.from(String(value), 'hex'));
/** Hex of bytes. */
export const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
