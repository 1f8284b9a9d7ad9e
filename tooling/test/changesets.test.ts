import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { workspacePackages } from '../src/vitest.js';

const root = join(import.meta.dirname, '../..');
const sandbox = mkdtempSync(join(tmpdir(), 'cpixkit-changesets-'));
afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

function versionOf(dir: string): string {
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

describe('release flow', () => {
  it('`changeset version` bumps the named package and patches its dependents, offline', () => {
    for (const file of ['package.json', 'pnpm-workspace.yaml', '.changeset/config.json']) {
      cpSync(join(root, file), join(sandbox, file));
    }
    const packages = workspacePackages(root);
    for (const pkg of packages) {
      cpSync(join(pkg.dir, 'package.json'), join(sandbox, pkg.dir.slice(root.length), 'package.json'));
    }
    writeFileSync(
      join(sandbox, '.changeset/sample.md'),
      '---\n"@cpixkit/pssh": minor\n---\n\nSample change.\n',
    );
    const before = new Map(packages.map((pkg) => [pkg.name, versionOf(pkg.dir)]));

    execFileSync(join(root, 'node_modules/.bin/changeset'), ['version'], { cwd: sandbox, stdio: 'pipe' });

    const after = new Map(packages.map((pkg) => [pkg.name, versionOf(join(sandbox, pkg.dir.slice(root.length)))]));
    const [major, minor] = before.get('@cpixkit/pssh')!.split('.').map(Number);
    expect(after.get('@cpixkit/pssh')).toBe(`${major}.${minor! + 1}.0`);
    // Direct dependents of pssh get a patch; a package that does not depend on it keeps its version.
    expect(after.get('@cpixkit/playready-header')).not.toBe(before.get('@cpixkit/playready-header'));
    expect(after.get('@cpixkit/cpix-model')).toBe(before.get('@cpixkit/cpix-model'));
    expect(readFileSync(join(sandbox, 'packages/pssh/CHANGELOG.md'), 'utf8')).toContain('Sample change.');
  });
});
