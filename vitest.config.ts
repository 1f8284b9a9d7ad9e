import { defineConfig } from 'vitest/config';
import { relative } from 'node:path';
import { PACKAGE_TEST_FILES, sourceAliases, workspacePackages } from './tooling/src/vitest.ts';

const root = import.meta.dirname;

export default defineConfig({
  resolve: { alias: sourceAliases(root) },
  test: {
    reporters: ['default', './tooling/src/summary-reporter.ts'],
    projects: [
      ...workspacePackages(root).map((pkg) => ({
        extends: true as const,
        test: {
          name: pkg.name,
          root: pkg.dir,
          include: PACKAGE_TEST_FILES,
          benchmark: { include: ['bench/**/*.bench.ts'] },
        },
      })),
      {
        extends: true as const,
        // Its tests run changeset and vitest as child processes: seconds each, more on a busy machine.
        test: {
          name: 'tooling',
          root: relative(root, 'tooling') || 'tooling',
          include: ['test/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        extends: true as const,
        // Real media tools against the built server and CLI: ffmpeg segments, encrypts, fetches keys and decodes.
        test: {
          name: 'e2e',
          root: `${root}/e2e`,
          include: ['**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
      {
        extends: true as const,
        // Hostile traffic and faults against the built server as a child process: fuzzing, XML attacks,
        // authentication abuse, load, SIGTERM/kill -9, unreachable stores, secrets in logs. Files run one
        // at a time, and after every other project (group order 1), so that RSS and latency figures
        // are not disturbed by each other or by the rest of `pnpm test`.
        test: {
          name: 'reliability',
          root: `${root}/reliability`,
          include: ['**/*.test.ts'],
          globalSetup: ['./global-setup.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
