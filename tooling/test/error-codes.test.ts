import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { documentedErrorCodes, OWN_CODE } from '../src/error-codes.js';
import { workspacePackages } from '../src/vitest.js';

// As fastify does for its errors: every code a package can throw is in its README's list, and every
// code a README lists is one its package (or a package it builds on) really has.
const root = join(import.meta.dirname, '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The `'ERR_…'` string literals of a package's sources: the codes it declares or throws. */
function codesInSource(dir: string): Set<string> {
  const codes = new Set<string>();
  for (const file of sourceFiles(join(dir, 'src'))) {
    for (const match of readFileSync(file, 'utf8').matchAll(new RegExp(`['"\\x60](ERR_${OWN_CODE})['"\\x60]`, 'g')))
      codes.add(match[1]!);
  }
  return codes;
}

const packages = workspacePackages(root).map((pkg) => {
  const manifest = JSON.parse(readFileSync(join(pkg.dir, 'package.json'), 'utf8')) as Record<
    string,
    Record<string, string> | undefined
  >;
  const workspaceDependencies = ['dependencies', 'devDependencies', 'optionalDependencies'].flatMap((section) =>
    Object.entries(manifest[section] ?? {})
      .filter(([, range]) => range.startsWith('workspace:'))
      .map(([name]) => name),
  );
  return {
    ...pkg,
    workspaceDependencies,
    codes: codesInSource(pkg.dir),
    listed: documentedErrorCodes(pkg.dir),
  };
});
const byName = new Map(packages.map((pkg) => [pkg.name, pkg]));

/** A package's codes and those of every workspace package it builds on. */
function reachableCodes(name: string, seen = new Set<string>()): Set<string> {
  const pkg = byName.get(name);
  if (pkg === undefined || seen.has(name)) return new Set();
  seen.add(name);
  const codes = new Set(pkg.codes);
  for (const dependency of pkg.workspaceDependencies)
    for (const code of reachableCodes(dependency, seen)) codes.add(code);
  return codes;
}

describe('error codes and READMEs', () => {
  for (const pkg of packages) {
    it(`${pkg.name}: its README lists every code it has, and only codes that exist`, () => {
      expect([...pkg.codes].filter((code) => !pkg.listed.has(code)).sort(), 'codes missing from the README').toEqual(
        [],
      );
      const reachable = reachableCodes(pkg.name);
      expect([...pkg.listed].filter((code) => !reachable.has(code)).sort(), 'README codes that nothing throws').toEqual(
        [],
      );
    });
  }
});
