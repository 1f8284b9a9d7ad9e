import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { installPacked } from '../tooling/src/packed-install.js';

const ROOT = join(import.meta.dirname, '..');
const names = (dirs: string[]) => dirs.map((dir) => basename(dir));

// What a user gets from `npm install cpixkit` / `npm install @cpixkit/server`: the packed tarballs
// installed into an empty prefix by npm, third-party dependencies from the npm registry.
describe('installed from the packed tarballs', () => {
  it('the CLI installs light: no install script, no native module, no database driver or HTTP framework, no engine warning', () => {
    const installed = installPacked(ROOT, ['cpixkit']);
    console.log(
      `[install] cpixkit: ${installed.packages.length} packages, ${(installed.bytes / 1e6).toFixed(1)} MB, ${installed.seconds.toFixed(1)} s`,
    );
    expect(installed.installScripts).toEqual([]);
    expect(installed.nativeModules).toEqual([]);
    expect(installed.npmOutput).not.toMatch(/EBADENGINE/);
    for (const heavy of ['fastify', 'pg', 'better-sqlite3']) expect(names(installed.packages)).not.toContain(heavy);

    const bin = join(installed.prefix, 'node_modules/.bin/cpixkit');
    const version = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    expect(version.status, version.stderr).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    const serve = spawnSync(bin, ['serve'], { encoding: 'utf8' });
    expect(serve.status).toBe(3);
    expect(serve.stderr).toMatch(
      /ERR_CLI_SERVER_NOT_INSTALLED: serving needs the key server package, which is not installed: run `npx @cpixkit\/server`/,
    );
  }, 300_000);

  it('the server installs with no install script and no native module, and its bin serves', async () => {
    const installed = installPacked(ROOT, ['@cpixkit/server']);
    console.log(
      `[install] @cpixkit/server: ${installed.packages.length} packages, ${(installed.bytes / 1e6).toFixed(1)} MB, ${installed.seconds.toFixed(1)} s`,
    );
    expect(installed.installScripts).toEqual([]);
    expect(installed.nativeModules).toEqual([]);
    expect(installed.npmOutput).not.toMatch(/EBADENGINE/);

    const server = spawn(join(installed.prefix, 'node_modules/.bin/cpixkit-server'), [], {
      env: {
        ...process.env,
        PORT: '0',
        CPIXKIT_DATA_DIR: mkdtempSync(join(tmpdir(), 'cpixkit-packed-data-')),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const origin = await new Promise<string>((resolve, reject) => {
        let output = '';
        server.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /(http:\/\/127\.0\.0\.1:\d+)/.exec(output);
          if (match) resolve(match[1]!);
        });
        server.once('exit', (code) => reject(new Error(`cpixkit-server exited with ${code}: ${output}`)));
      });
      const health = await fetch(`${origin}/healthz`);
      expect(health.status).toBe(200);
    } finally {
      server.kill('SIGTERM');
    }
  }, 300_000);
});
