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
    writeFileSync(join(sandbox, '.changeset/sample.md'), '---\n"@cpixkit/pssh": minor\n---\n\nSample change.\n');
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

  it('`pnpm version-packages` also bumps the packages that bundle a released one (the CLI bundles pssh)', () => {
    const fresh = mkdtempSync(join(tmpdir(), 'cpixkit-bundled-'));
    try {
      for (const file of ['package.json', 'pnpm-workspace.yaml', '.changeset/config.json'])
        cpSync(join(root, file), join(fresh, file));
      const packages = workspacePackages(root);
      for (const pkg of packages)
        cpSync(join(pkg.dir, 'package.json'), join(fresh, pkg.dir.slice(root.length), 'package.json'));
      writeFileSync(join(fresh, '.changeset/pssh-fix.md'), '---\n"@cpixkit/pssh": patch\n---\n\nA pssh fix.\n');
      const before = versionOf(join(root, 'apps/cli'));

      const { scripts } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      };
      const [prepare, version] = scripts['version-packages']!.split(' && ');
      expect(prepare).toBe('node tooling/scripts/bundled-releases.ts');
      expect(version).toBe('changeset version');
      execFileSync(process.execPath, [join(root, 'tooling/scripts/bundled-releases.ts')], {
        cwd: fresh,
        stdio: 'pipe',
      });
      execFileSync(join(root, 'node_modules/.bin/changeset'), ['version'], { cwd: fresh, stdio: 'pipe' });

      expect(versionOf(join(fresh, 'apps/cli'))).not.toBe(before);
      expect(readFileSync(join(fresh, 'apps/cli/CHANGELOG.md'), 'utf8')).toContain('Bundles the new releases of');
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  it('every published package ships its CHANGELOG.md', () => {
    for (const pkg of workspacePackages(root)) {
      const manifest = JSON.parse(readFileSync(join(pkg.dir, 'package.json'), 'utf8')) as {
        private?: boolean;
        files?: string[];
      };
      if (manifest.private) continue;
      expect([pkg.name, manifest.files]).toEqual([pkg.name, expect.arrayContaining(['dist', 'CHANGELOG.md'])]);
    }
  });
});
