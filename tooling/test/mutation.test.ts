import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MUTATION_FLOORS } from '../src/mutation/floors.js';
import { mutationScore } from '../src/mutation/score.js';
import { mutationSteps } from '../src/mutation/steps.js';
import { workspacePackages } from '../src/vitest.js';

const root = join(import.meta.dirname, '../..');
const statuses = (...list: string[]) => list.map((status) => ({ status }));

describe('mutation score', () => {
  it('counts killed and timed-out mutants as detected, survivors and uncovered ones as not', () => {
    expect(mutationScore(statuses('Killed', 'Timeout', 'Survived', 'NoCoverage'))).toStrictEqual({
      detected: 2,
      valid: 4,
      percent: 50,
    });
  });

  it('leaves out mutants that do not compile, error at run time or are ignored', () => {
    expect(mutationScore(statuses('Killed', 'CompileError', 'RuntimeError', 'Ignored', 'Pending'))).toStrictEqual({
      detected: 1,
      valid: 1,
      percent: 100,
    });
  });

  it('is 100 % when nothing counts', () => {
    expect(mutationScore([])).toStrictEqual({ detected: 0, valid: 0, percent: 100 });
  });
});

describe('mutation floors', () => {
  it('name workspace packages, each with a floor between 0 and 100', () => {
    const names = new Set(workspacePackages(root).map((pkg) => pkg.name));
    for (const [name, floor] of Object.entries(MUTATION_FLOORS)) {
      expect(names.has(name), name).toBe(true);
      expect(floor).toBeGreaterThan(0);
      expect(floor).toBeLessThanOrEqual(100);
    }
  });
});

describe('the steps of a run from scratch', () => {
  // Files of lines of 10 bytes each: files(3, 2) is a.ts with 3 lines and b.ts with 2.
  const files = (...lines: number[]) =>
    lines.map((count, index) => ({ path: `${'abcdefgh'[index]}.ts`, lineBytes: Array<number>(count).fill(10) }));

  it('are as many as the step size goes into the source, each adding about as much, each keeping what came before', () => {
    // 100 bytes in steps of 40: three steps, ending where 33⅓ and 66⅔ bytes are reached.
    expect(mutationSteps(files(3, 5, 2), 40)).toStrictEqual([
      ['a.ts', 'b.ts:1-1'],
      ['a.ts', 'b.ts:1-4'],
      ['a.ts', 'b.ts', 'c.ts'],
    ]);
  });

  it('cut inside a large file by lines, and name a file whole when a step ends on its last line', () => {
    expect(mutationSteps(files(10), 30)).toStrictEqual([['a.ts:1-3'], ['a.ts:1-5'], ['a.ts:1-8'], ['a.ts']]);
    expect(mutationSteps(files(2, 2), 20)).toStrictEqual([['a.ts'], ['a.ts', 'b.ts']]);
  });

  it('take at most one step per line, and keep files with no lines', () => {
    expect(mutationSteps([{ path: 'a.ts', lineBytes: [1, 100, 1] }], 20)).toStrictEqual([['a.ts:1-2'], ['a.ts']]);
    expect(mutationSteps([...files(2), { path: 'z.ts', lineBytes: [] }], 20)).toStrictEqual([['a.ts', 'z.ts']]);
  });

  it('make a package no larger than one step a single step, and no files no step', () => {
    expect(mutationSteps(files(1, 2, 1), 40)).toStrictEqual([['a.ts', 'b.ts', 'c.ts']]);
    expect(mutationSteps([], 40)).toStrictEqual([]);
  });
});
