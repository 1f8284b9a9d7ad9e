import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bench, describe } from 'vitest';

// Start of the built binary (run `pnpm build` first), against a bare Node.js start on the same machine in
// the same run: the difference is what cpixkit itself costs. "warm" runs with Node's module compile cache
// filled by earlier runs (what a user gets from the second run on); "cold" with the cache switched off.
const BIN = new URL('../dist/cli.js', import.meta.url).pathname;
const BOX =
  'AAAAaHBzc2gAAAAA7e+LqXnWSs6jyCfc1R0h7QAAAEgIARIQa6yOww7jN589ISkLOivJwxoMaW5rYWVudHdvcmtzIh1jcGl4LXRlc3QtY2lkMDAwMDAwMDAwMDAwMDA4MCoCSEQ4gAE=';
const WARM = { ...process.env, NODE_COMPILE_CACHE: mkdtempSync(join(tmpdir(), 'cpixkit-compile-cache-')) };
const COLD = { ...process.env, NODE_DISABLE_COMPILE_CACHE: '1' };

function run(args: string[], env: NodeJS.ProcessEnv): void {
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', env });
  if (result.status !== 0) throw new Error(`exit ${result.status}: ${result.stderr}`);
}

const options = { iterations: 20, warmupIterations: 3 };
describe('cold start', () => {
  bench('node -e 0 (baseline)', () => run(['-e', '0'], COLD), options);
  bench('cpixkit --version (warm)', () => run([BIN, '--version'], WARM), options);
  bench('cpixkit --version (cold)', () => run([BIN, '--version'], COLD), options);
  bench('cpixkit pssh decode <base64> (warm)', () => run([BIN, 'pssh', 'decode', BOX], WARM), options);
  bench('cpixkit pssh decode <base64> (cold)', () => run([BIN, 'pssh', 'decode', BOX], COLD), options);
});
