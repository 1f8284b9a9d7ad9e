import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MUTATION_FLOORS } from '../src/mutation/floors.js';
import { mutationScore } from '../src/mutation/score.js';
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
