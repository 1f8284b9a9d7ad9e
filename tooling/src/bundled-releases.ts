import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspacePackages } from './vitest.ts';

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const isWorkspaceRange = (range: string) => range.startsWith('workspace:');

/** The workspace packages each manifest names in one section (`dependencies` or `devDependencies`). */
function workspaceNames(manifest: Manifest, section: 'dependencies' | 'devDependencies'): string[] {
  return Object.entries(manifest[section] ?? {})
    .filter(([, range]) => isWorkspaceRange(range))
    .map(([name]) => name);
}

/** The packages a pending changeset names, from its front matter (`"name": patch`). */
function namedInChangeset(text: string): string[] {
  const front = /^---\n([\s\S]*?)\n---/.exec(text)?.[1] ?? '';
  return [...front.matchAll(/^\s*["']?([^"':\s]+)["']?\s*:\s*(?:major|minor|patch)\s*$/gm)].map((match) => match[1]!);
}

/**
 * Changesets bumps a package when a dependency of it is released, but not when a package it
 * bundles (a workspace devDependency inlined by tsup, as the CLI does) is. This writes, for each
 * package that bundles a package the pending changesets release (directly or through its
 * dependencies) and is not released itself, a changeset `.changeset/bundles-<name>.md` with a patch
 * bump, so that every release carries every fix. Returns the names it wrote changesets for.
 */
export function writeBundledReleaseChangesets(root: string): string[] {
  const manifests = new Map<string, Manifest>(
    workspacePackages(root).map((pkg) => [
      pkg.name,
      JSON.parse(readFileSync(join(pkg.dir, 'package.json'), 'utf8')) as Manifest,
    ]),
  );
  const changesetDir = join(root, '.changeset');
  const released = new Set<string>();
  for (const file of readdirSync(changesetDir)) {
    if (!file.endsWith('.md') || file === 'README.md' || file.startsWith('bundles-')) continue;
    for (const name of namedInChangeset(readFileSync(join(changesetDir, file), 'utf8'))) released.add(name);
  }
  const bundling = new Map<string, string[]>();
  for (let grew = true; grew; ) {
    grew = false;
    for (const [name, manifest] of manifests) {
      if (released.has(name)) continue;
      if (workspaceNames(manifest, 'dependencies').some((dependency) => released.has(dependency))) {
        released.add(name);
        grew = true;
        continue;
      }
      const bundled = workspaceNames(manifest, 'devDependencies').filter((dependency) => released.has(dependency));
      if (bundled.length > 0) {
        bundling.set(name, bundled);
        released.add(name);
        grew = true;
      }
    }
  }
  for (const [name, bundled] of bundling) {
    const file = join(changesetDir, `bundles-${name.replace(/^@/, '').replace(/\//g, '-')}.md`);
    writeFileSync(file, `---\n"${name}": patch\n---\n\nBundles the new releases of ${bundled.sort().join(', ')}.\n`);
  }
  return [...bundling.keys()];
}
