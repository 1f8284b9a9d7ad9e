import { readFileSync } from 'node:fs';

/** One case of /work/shared/vectors/vectors.json (see its README). */
export interface VectorCase {
  name: string;
  kind: string;
  inputs: Record<string, unknown>;
  expected: Record<string, unknown>;
}

/** The shared vectors sit next to the repository checkout; `CPIXKIT_VECTORS` points elsewhere. */
const VECTORS_PATH =
  process.env.CPIXKIT_VECTORS ?? new URL('../../../../shared/vectors/vectors.json', import.meta.url).pathname;

/** The cases of one `kind`; throws when there are none, so a test cannot pass empty. */
export function vectorCases(kind: string): VectorCase[] {
  const { cases } = JSON.parse(readFileSync(VECTORS_PATH, 'utf8')) as { cases: VectorCase[] };
  const selected = cases.filter((c) => c.kind === kind);
  if (selected.length === 0) throw new Error(`no vectors of kind ${kind}`);
  return selected;
}

/** The case of that name; throws when it is missing. */
export function vectorCase(name: string, kind: string): VectorCase {
  const found = vectorCases(kind).find((c) => c.name === name);
  if (!found) throw new Error(`no vector ${name}`);
  return found;
}
