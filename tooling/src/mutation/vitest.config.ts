import { configDefaults, defineConfig } from 'vitest/config';
import { join, resolve } from 'node:path';
import { PACKAGE_TEST_FILES, sourceAliases } from '../vitest.ts';
import { BUILT_PACKAGE_TESTS } from './built-package-tests.ts';

// The vitest configuration StrykerJS runs under `pnpm test:mutation`: one package's own tests, the
// package named by CPIXKIT_MUTATION_PACKAGE (its directory, relative to the repository root), with the
// same source aliases as the root configuration, so other packages' tests never judge its mutants;
// tests of the built package are left out (see built-package-tests.ts).
const root = resolve(import.meta.dirname, '..', '..', '..');
const packageDir = process.env.CPIXKIT_MUTATION_PACKAGE;
if (!packageDir) throw new Error('CPIXKIT_MUTATION_PACKAGE is not set: run `pnpm test:mutation`');

export default defineConfig({
  root,
  resolve: { alias: sourceAliases(root) },
  test: {
    root: join(root, packageDir),
    include: PACKAGE_TEST_FILES,
    exclude: [...configDefaults.exclude, ...BUILT_PACKAGE_TESTS],
  },
});
