// Options shared by every package under `pnpm test:mutation`; tooling/scripts/mutation.ts adds each
// package's mutate globs, incremental file and report, and runs one package at a time.
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  // Only the mutated package's own tests (see that file).
  vitest: { configFile: 'tooling/src/mutation/vitest.config.ts' },
  // A mutant's tests may take three times as long as in the initial run before it counts as a timeout (which
  // counts as detected), not StrykerJS's 1.5: on a shared machine a busy minute would otherwise make slow
  // tests time out and pass for kills. An endless loop a mutant causes is still caught, only later.
  timeoutFactor: 3,
  // No `concurrency`: StrykerJS's own, one test process per core (less one above four cores). On two cores,
  // two processes take about half the time of one, and timeouts scale with each test's measured time.
  // Re-runs test only the mutants whose code or tests changed since the last run.
  incremental: true,
  // vitest strips types without checking them, so no `// @ts-nocheck` is needed (and README example
  // tests compare example files byte for byte).
  disableTypeChecks: false,
  reporters: ['clear-text', 'html', 'json'],
  clearTextReporter: { reportTests: false, reportMutants: true, reportScoreTable: false },
  ignorePatterns: ['reports', '.turbo', 'dist', 'coverage'],
};
