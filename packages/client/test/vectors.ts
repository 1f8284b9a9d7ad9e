import { readFileSync } from 'node:fs';

/** One case of the shared vectors file (`/work/shared/vectors/vectors.json`, see its README). */
export interface VectorCase {
  name: string;
  kind: string;
  inputs: Record<string, unknown>;
  expected: Record<string, string>;
}

/** The shared vectors sit next to the repository checkout; `CPIXKIT_VECTORS` points elsewhere. */
const VECTORS_PATH = process.env.CPIXKIT_VECTORS ?? new URL('../../../../shared/vectors/vectors.json', import.meta.url).pathname;

/** The named case; throws when it is missing, so a test cannot pass without its vector. */
export function vectorCase(name: string): VectorCase {
  const { cases } = JSON.parse(readFileSync(VECTORS_PATH, 'utf8')) as { cases: VectorCase[] };
  const found = cases.find((c) => c.name === name);
  if (!found) throw new Error(`no vector named ${name}`);
  return found;
}
