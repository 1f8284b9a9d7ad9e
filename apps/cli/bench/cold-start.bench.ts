import { spawnSync } from 'node:child_process';
import { bench, describe } from 'vitest';

// Cold start of the built binary (run `pnpm build` first), against a bare Node.js start on the same
// machine in the same run: the difference is what cpixkit itself costs.
const BIN = new URL('../dist/cli.js', import.meta.url).pathname;
const BOX = 'AAAAaHBzc2gAAAAA7e+LqXnWSs6jyCfc1R0h7QAAAEgIARIQa6yOww7jN589ISkLOivJwxoMaW5rYWVudHdvcmtzIh1jcGl4LXRlc3QtY2lkMDAwMDAwMDAwMDAwMDA4MCoCSEQ4gAE=';

function run(args: string[]): void {
  const result = spawnSync(process.execPath, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`exit ${result.status}: ${result.stderr}`);
}

describe('cold start', () => {
  bench('node -e 0 (baseline)', () => run(['-e', '0']), { iterations: 20, warmupIterations: 3 });
  bench('cpixkit --version', () => run([BIN, '--version']), { iterations: 20, warmupIterations: 3 });
  bench('cpixkit pssh decode <base64>', () => run([BIN, 'pssh', 'decode', BOX]), { iterations: 20, warmupIterations: 3 });
});
