import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, expect, it } from 'vitest';
import { REPO_ROOT, requireBuilt, requireTool, secondsSince } from './support/tools.js';
import { freePort } from '../tooling/src/free-port.js';

// The README's "Protect a clip with cpixkit and ffmpeg" recipe, run as a reader would paste it into bash: the
// blocks as written, with only the port changed to a free one.

const SECTION = '## Protect a clip with cpixkit and ffmpeg';
const README_PORT = '8080';
const sandbox = mkdtempSync(join(tmpdir(), 'cpixkit-e2e-readme-'));

afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

function recipeBlocks(): string[] {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(SECTION);
  expect(start, `README.md has a "${SECTION}" section`).toBeGreaterThanOrEqual(0);
  const end = readme.indexOf('\n## ', start + SECTION.length);
  const section = readme.slice(start, end === -1 ? undefined : end);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]!);
}

/** Runs `script` with bash in its own process group, which is killed afterwards (the recipe starts a server). */
function runBash(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], {
      cwd: REPO_ROOT,
      env: { ...process.env, TMPDIR: sandbox, NO_COLOR: '1' },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // The group is gone already: the recipe stopped its server.
      }
      resolve({ code, stdout, stderr });
    });
  });
}

it('the README recipe runs as written: HLS AES-128 and CENC frames match the clip', async ({ annotate }) => {
  requireTool('ffmpeg');
  requireTool('curl');
  requireBuilt('apps/server/dist/main.js');
  requireBuilt('apps/cli/dist/cli.js');
  const blocks = recipeBlocks();
  expect(blocks).toHaveLength(3);
  const port = String(await freePort());
  const script = blocks.join('\n').replaceAll(README_PORT, port);

  const started = performance.now();
  const { code, stdout, stderr } = await runBash(script);
  expect(code, `the recipe failed:\n${stderr.trim().split('\n').slice(-10).join('\n')}`).toBe(0);
  expect(stdout).toContain('HLS AES-128: every frame matches the clip');
  expect(stdout).toContain('CENC: every frame matches the clip');

  // The comparisons compared something: the clip's frame list is there, one line per frame.
  const workDir = readdirSync(sandbox, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(sandbox, entry.name))
    .find((dir) => readdirSync(dir).includes('clip.md5'));
  expect(workDir, 'the recipe wrote clip.md5').toBeDefined();
  const frames = readFileSync(join(workDir!, 'clip.md5'), 'utf8').trim().split('\n');
  const video = frames.filter((line) => line.startsWith('0,')).length;
  expect(video).toBe(100);
  // 4 s of 44.1 kHz AAC: 173 frames of 1024 samples, and the encoder's priming frame.
  expect(frames.length - video).toBeGreaterThanOrEqual(173);
  await annotate(
    `README recipe: ${video} video + ${frames.length - video} audio frames compared per flow; ${secondsSince(started)}`,
  );
});
