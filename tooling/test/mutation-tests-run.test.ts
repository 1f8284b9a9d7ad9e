import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILT_PACKAGE_TESTS } from '../src/mutation/built-package-tests.js';
import { workspacePackages } from '../src/vitest.js';

// The tests `pnpm test:mutation` runs for a package: its own, without those of the built package,
// which StrykerJS's sandbox (no dist/) would fail before any mutant is tried.

const root = join(import.meta.dirname, '../..');
const needsBuild = /run `pnpm build` first/;

/** Test files of a package that say they need the build, relative to the package. */
function builtPackageTests(dir: string): string[] {
  const found: string[] = [];
  for (const sub of ['src', 'test']) {
    for (const entry of readdirSync(join(dir, sub), { recursive: true, withFileTypes: true })) {
      const file = join(entry.parentPath, entry.name);
      if (entry.isFile() && file.endsWith('.test.ts') && needsBuild.test(readFileSync(file, 'utf8')))
        found.push(relative(dir, file));
    }
  }
  return found;
}

describe('the tests of a mutation run', () => {
  it('leave out exactly the test files that need the build', () => {
    const found = workspacePackages(root)
      .filter((pkg) => pkg.dir.startsWith(join(root, 'packages')))
      .flatMap((pkg) => builtPackageTests(pkg.dir));
    expect(found.sort()).toStrictEqual([...BUILT_PACKAGE_TESTS].sort());
  });

  it("are the package's own tests, without the built package's", () => {
    const listed = execFileSync(
      join(root, 'node_modules/.bin/vitest'),
      ['list', '--filesOnly', '--config', 'tooling/src/mutation/vitest.config.ts'],
      { cwd: root, env: { ...process.env, CPIXKIT_MUTATION_PACKAGE: 'packages/cpix-model' }, encoding: 'utf8' },
    );
    const files = listed.split('\n').filter((line) => line.endsWith('.test.ts'));
    expect(files).toContain('packages/cpix-model/src/parse.test.ts');
    expect(files).toContain('packages/cpix-model/test/roundtrip.test.ts');
    expect(files).not.toContain('packages/cpix-model/test/exports.test.ts');
    expect(files.every((file) => file.startsWith('packages/cpix-model/'))).toBe(true);
  });
});
