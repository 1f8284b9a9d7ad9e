import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN } from './run.js';

// What a command loads decides how fast it starts (apps/cli/bench/cold-start.bench.ts measures it). These
// tests pin the loading itself, which timing cannot do on a shared machine: the Node modules a start must
// not pay for, as Node lists them in `process.moduleLoadList`.
const BOX =
  'AAAAaHBzc2gAAAAA7e+LqXnWSs6jyCfc1R0h7QAAAEgIARIQa6yOww7jN589ISkLOivJwxoMaW5rYWVudHdvcmtzIh1jcGl4LXRlc3QtY2lkMDAwMDAwMDAwMDAwMDA4MCoCSEQ4gAE=';
const PLAYREADY_BOX =
  'AAACWHBzc2gAAAAAmgTweZhAQoarkuZb4IhflQAAAjg4AgAAAQABAC4CPABXAFIATQBIAEUAQQBEAEUAUgAgAHgAbQBsAG4AcwA9ACIAaAB0AHQAcAA6AC8ALwBzAGMAaABlAG0AYQBzAC4AbQBpAGMAcgBvAHMAbwBmAHQALgBjAG8AbQAvAEQAUgBNAC8AMgAwADAANwAvADAAMwAvAFAAbABhAHkAUgBlAGEAZAB5AEgAZQBhAGQAZQByACIAIAB2AGUAcgBzAGkAbwBuAD0AIgA0AC4AMAAuADAALgAwACIAPgA8AEQAQQBUAEEAPgA8AFAAUgBPAFQARQBDAFQASQBOAEYATwA+ADwASwBFAFkATABFAE4APgAxADYAPAAvAEsARQBZAEwARQBOAD4APABBAEwARwBJAEQAPgBBAEUAUwBDAFQAUgA8AC8AQQBMAEcASQBEAD4APAAvAFAAUgBPAFQARQBDAFQASQBOAEYATwA+ADwASwBJAEQAPgBQAEgAWABxAEUAdQBjAGoAQQByAHgARQBkAEwASwA1AGQAcwBRADcANgB3AD0APQA8AC8ASwBJAEQAPgA8AEwAQQBfAFUAUgBMAD4AaAB0AHQAcABzADoALwAvAHAAcgAuAGUAeABhAG0AcABsAGUALgBjAG8AbQAvAHIAaQBnAGgAdABzAG0AYQBuAGEAZwBlAHIALgBhAHMAbQB4ADwALwBMAEEAXwBVAFIATAA+ADwALwBEAEEAVABBAD4APAAvAFcAUgBNAEgARQBBAEQARQBSAD4A';

const dir = mkdtempSync(join(tmpdir(), 'cpixkit-start-path-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The Node modules loaded by the time `cpixkit …args` exits. */
function modulesLoadedBy(args: readonly string[]): string[] {
  const list = join(dir, 'modules.txt');
  const hook = join(dir, 'record-modules.cjs');
  writeFileSync(
    hook,
    `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(list)}, process.moduleLoadList.join('\\n')));`,
  );
  const run = spawnSync(process.execPath, ['--require', hook, BIN, ...args], { encoding: 'utf8', timeout: 30_000 });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return readFileSync(list, 'utf8').split('\n');
}

/** Modules of Node that none of these commands uses: each would be loaded only by an `import` of its whole module. */
const NOT_NEEDED = [
  'NativeModule crypto',
  'NativeModule child_process',
  'NativeModule worker_threads',
  'NativeModule internal/util/parse_args/parse_args',
  'NativeModule internal/fs/promises',
  'NativeModule internal/process/report',
  'NativeModule internal/readline/interface',
];

describe('what a start loads', () => {
  it('`pssh decode` of a Widevine box loads neither crypto nor the lazy parts of fs, util and process', () => {
    const loaded = modulesLoadedBy(['pssh', 'decode', BOX]);
    expect(NOT_NEEDED.filter((name) => loaded.includes(name))).toStrictEqual([]);
  });

  it('`pssh decode` of a PlayReady box reads its header without loading crypto (only a checksum needs it)', () => {
    const loaded = modulesLoadedBy(['pssh', 'decode', PLAYREADY_BOX]);
    expect(NOT_NEEDED.filter((name) => loaded.includes(name))).toStrictEqual([]);
  });

  it('`--version` loads none of them either', () => {
    const loaded = modulesLoadedBy(['--version']);
    expect(NOT_NEEDED.filter((name) => loaded.includes(name))).toStrictEqual([]);
  });
});
