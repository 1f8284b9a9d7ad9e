import { readFileSync } from 'node:fs';

/** One case of /work/shared/vectors/vectors.json (see its README). */
export interface VectorCase {
  name: string;
  kind: string;
  source: { seed_file?: string; where?: string };
  inputs: Record<string, unknown>;
  expected: Record<string, unknown>;
}

/** The shared vectors sit next to the repository checkout; `CPIXKIT_VECTORS` points elsewhere. */
const VECTORS_PATH =
  process.env.CPIXKIT_VECTORS ?? new URL('../../../../shared/vectors/vectors.json', import.meta.url).pathname;

/** The cases of the given kinds; throws when there are none, so a test cannot pass empty. */
export function vectorCases(...kinds: string[]): VectorCase[] {
  const { cases } = JSON.parse(readFileSync(VECTORS_PATH, 'utf8')) as { cases: VectorCase[] };
  const selected = cases.filter((c) => kinds.includes(c.kind));
  if (selected.length === 0) throw new Error(`no vectors of kinds ${kinds.join(', ')}`);
  return selected;
}
