import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

interface WorkspacePackage {
  name: string;
  dir: string;
}

/** A package's own tests, relative to its directory. */
export const PACKAGE_TEST_FILES = ['src/**/*.test.ts', 'test/**/*.test.ts'];

/** Every package under packages/ and apps/, with its directory. */
export function workspacePackages(root: string): WorkspacePackage[] {
  const found: WorkspacePackage[] = [];
  for (const group of ['packages', 'apps']) {
    const groupDir = join(root, group);
    if (!existsSync(groupDir)) continue;
    for (const entry of readdirSync(groupDir, { withFileTypes: true })) {
      const manifest = join(groupDir, entry.name, 'package.json');
      if (!entry.isDirectory() || !existsSync(manifest)) continue;
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name: string };
      found.push({ name, dir: join(groupDir, entry.name) });
    }
  }
  return found;
}

/**
 * Aliases that resolve `@cpixkit/<name>` and `@cpixkit/<name>/<sub>` to the package's TypeScript
 * sources, so tests across packages see each other's current code without a build.
 */
export function sourceAliases(root: string) {
  return workspacePackages(root)
    .filter((pkg) => pkg.name.startsWith('@cpixkit/'))
    .flatMap((pkg) => [
      { find: new RegExp(`^${pkg.name}$`), replacement: resolve(pkg.dir, 'src/index.ts') },
      { find: new RegExp(`^${pkg.name}/(.+)$`), replacement: resolve(pkg.dir, 'src/$1.ts') },
    ]);
}
