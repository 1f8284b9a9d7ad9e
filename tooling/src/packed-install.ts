import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workspacePackages } from './vitest.js';

/** What `npm install` of packed workspace packages into an empty prefix put there. */
export interface PackedInstall {
  /** The prefix: `node_modules/.bin` holds the installed bins. */
  prefix: string;
  /** Installed packages (every `package.json` directly under a `node_modules` folder). */
  packages: string[];
  /** Bytes on disk under `node_modules`. */
  bytes: number;
  /** Installed packages that run a script at install time (`preinstall`/`install`/`postinstall`, or a `binding.gyp`). */
  installScripts: string[];
  /** Files of native modules (`.node`). */
  nativeModules: string[];
  /** What npm printed (warnings such as `EBADENGINE` included). */
  npmOutput: string;
  /** How long `npm install` took. */
  seconds: number;
}

interface Manifest {
  name: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/** pnpm, as the command running this process reached it (pnpm sets `npm_execpath`), else from `PATH`. */
function pnpm(args: string[], cwd: string): string {
  const execPath = process.env.npm_execpath;
  return /pnpm/.test(execPath ?? '')
    ? execFileSync(process.execPath, [execPath!, ...args], { cwd, encoding: 'utf8' })
    : execFileSync('pnpm', args, { cwd, encoding: 'utf8' });
}

function installedPackages(nodeModules: string): string[] {
  const found: string[] = [];
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name === '.bin') continue;
      const path = join(dir, entry.name);
      if (entry.name.startsWith('@')) {
        visit(path);
      } else if (existsSync(join(path, 'package.json'))) {
        found.push(path);
        if (existsSync(join(path, 'node_modules'))) visit(join(path, 'node_modules'));
      }
    }
  };
  if (existsSync(nodeModules)) visit(nodeModules);
  return found;
}

function filesUnder(dir: string, visit: (path: string, size: number) => void): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) filesUnder(path, visit);
    else if (entry.isFile()) visit(path, statSync(path).size);
  }
}

/**
 * Packs the named workspace packages and the workspace packages they depend on (`pnpm pack`, which
 * writes real version ranges), then installs their tarballs with npm into a new, empty prefix, as a
 * user's `npm install` would: third-party dependencies come from the npm registry.
 */
export function installPacked(root: string, names: string[]): PackedInstall {
  const manifests = new Map(
    workspacePackages(root).map((pkg) => [
      pkg.name,
      { dir: pkg.dir, manifest: JSON.parse(readFileSync(join(pkg.dir, 'package.json'), 'utf8')) as Manifest },
    ]),
  );
  const wanted = new Set<string>();
  const want = (name: string) => {
    const found = manifests.get(name);
    if (found === undefined || wanted.has(name)) return;
    wanted.add(name);
    for (const dependency of Object.keys({ ...found.manifest.dependencies, ...found.manifest.optionalDependencies }))
      want(dependency);
  };
  names.forEach(want);

  const work = mkdtempSync(join(tmpdir(), 'cpixkit-packed-'));
  const packs = join(work, 'packs');
  const prefix = join(work, 'prefix');
  mkdirSync(packs);
  mkdirSync(prefix);
  const tarballs = [...wanted].map((name) => {
    const output = pnpm(['pack', '--pack-destination', packs], manifests.get(name)!.dir).trim().split('\n');
    return output[output.length - 1]!.trim();
  });
  writeFileSync(join(prefix, 'package.json'), '{ "private": true }\n');
  const started = performance.now();
  const npm = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=warn', ...tarballs], {
    cwd: prefix,
    encoding: 'utf8',
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  const npmOutput = `${npm.stdout}${npm.stderr}`;
  if (npm.status !== 0) throw new Error(`npm install failed (${npm.status ?? npm.signal}): ${npmOutput}`);
  const seconds = (performance.now() - started) / 1000;

  const packages = installedPackages(join(prefix, 'node_modules'));
  const installScripts = packages.filter((dir) => {
    const { scripts = {} } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      scripts?: Record<string, string>;
    };
    return (
      ['preinstall', 'install', 'postinstall'].some((hook) => hook in scripts) || existsSync(join(dir, 'binding.gyp'))
    );
  });
  let bytes = 0;
  const nativeModules: string[] = [];
  if (existsSync(join(prefix, 'node_modules'))) {
    filesUnder(join(prefix, 'node_modules'), (path, size) => {
      bytes += size;
      if (path.endsWith('.node')) nativeModules.push(path);
    });
  }
  return { prefix, packages, bytes, installScripts, nativeModules, npmOutput, seconds };
}
