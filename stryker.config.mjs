// Options shared by every package under `pnpm test:mutation`; tooling/scripts/mutation.ts adds each
// package's mutate globs, incremental file and report, and runs one package at a time.
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  // Only the mutated package's own tests (see that file).
  vitest: { configFile: 'tooling/src/mutation/vitest.config.ts' },
  // One test process: the machines this runs on are small, and one process is steadier for timeouts.
  concurrency: 1,
  // Re-runs test only the mutants whose code or tests changed since the last run.
  incremental: true,
  // vitest strips types without checking them, so no `// @ts-nocheck` is needed (and README example
  // tests compare example files byte for byte).
  disableTypeChecks: false,
  reporters: ['clear-text', 'html', 'json'],
  clearTextReporter: { reportTests: false, reportMutants: true, reportScoreTable: false },
  ignorePatterns: ['reports', '.turbo', 'dist', 'coverage'],
};
