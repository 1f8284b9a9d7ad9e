/**
 * The mutation score each package must reach under `pnpm test:mutation` (percent of mutants its own
 * tests detect). The command mutates exactly these packages; a score below its floor fails it.
 */
export const MUTATION_FLOORS: Readonly<Record<string, number>> = {
  '@cpixkit/pssh': 90,
  '@cpixkit/playready-header': 90,
  '@cpixkit/key-seed': 90,
  '@cpixkit/hls-signaling': 90,
  '@cpixkit/cpix-model': 85,
  '@cpixkit/key-service': 85,
  '@cpixkit/client': 85,
};
