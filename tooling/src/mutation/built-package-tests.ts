/**
 * Test files, relative to their package, that check the built package (`dist/`) rather than its
 * sources: they cannot judge a mutant of the sources, and StrykerJS leaves `dist/` out of its
 * sandbox, where they would fail the initial test run. `pnpm test:mutation` runs every other test.
 * A test file that needs `pnpm build` first says so with the words "run `pnpm build` first".
 */
export const BUILT_PACKAGE_TESTS: readonly string[] = ['test/exports.test.ts'];
