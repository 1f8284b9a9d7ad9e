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
  const files = (...sizes: number[]) => sizes.map((bytes, index) => ({ path: `f${index}.ts`, bytes }));

  it('are as many as the step size goes into the source, each adding about as much, each keeping the files before', () => {
    // 140 bytes in steps of 50: three steps, cut where 46⅔ and 93⅓ bytes are reached.
    expect(mutationSteps(files(10, 30, 50, 5, 5, 40), 50)).toStrictEqual([
      ['f0.ts', 'f1.ts', 'f2.ts'],
      ['f0.ts', 'f1.ts', 'f2.ts', 'f3.ts'],
      ['f0.ts', 'f1.ts', 'f2.ts', 'f3.ts', 'f4.ts', 'f5.ts'],
    ]);
    // 81 bytes in steps of 40: three steps of 27, not two of 40 and a last one of 1.
    expect(mutationSteps(files(20, 20, 20, 20, 1), 40)).toStrictEqual([
      ['f0.ts', 'f1.ts'],
      ['f0.ts', 'f1.ts', 'f2.ts'],
      ['f0.ts', 'f1.ts', 'f2.ts', 'f3.ts', 'f4.ts'],
    ]);
  });

  it('cut at the exact share, keep empty files, and never make a step that adds nothing', () => {
    expect(mutationSteps(files(40, 40), 40)).toStrictEqual([['f0.ts'], ['f0.ts', 'f1.ts']]);
    expect(mutationSteps(files(40, 0), 40)).toStrictEqual([['f0.ts', 'f1.ts']]);
    expect(mutationSteps(files(80, 0, 0), 40)).toStrictEqual([['f0.ts'], ['f0.ts', 'f1.ts', 'f2.ts']]);
    expect(mutationSteps(files(0, 0), 40)).toStrictEqual([['f0.ts', 'f1.ts']]);
  });

  it('make a package no larger than one step a single step, and no files no step', () => {
    expect(mutationSteps(files(1, 2, 3), 40)).toStrictEqual([['f0.ts', 'f1.ts', 'f2.ts']]);
    expect(mutationSteps(files(20, 20), 40)).toStrictEqual([['f0.ts', 'f1.ts']]);
    expect(mutationSteps([], 40)).toStrictEqual([]);
  });
});
