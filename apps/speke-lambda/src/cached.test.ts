import { describe, expect, it } from 'vitest';
import { cachedUntilFailure } from './cached.js';

describe('cachedUntilFailure', () => {
  it('runs once for concurrent and later callers', async () => {
    let runs = 0;
    const cached = cachedUntilFailure(async () => {
      runs += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { value: runs };
    });
    const answers = await Promise.all(Array.from({ length: 20 }, () => cached()));
    expect(runs).toBe(1);
    expect(new Set(answers).size).toBe(1);
    expect(await cached()).toBe(answers[0]);
    expect(runs).toBe(1);
  });

  it('forgets a failure so the next call tries again', async () => {
    let runs = 0;
    const cached = cachedUntilFailure(async () => {
      runs += 1;
      if (runs === 1) throw new Error('first run fails');
      return runs;
    });
    const concurrent = [cached(), cached()];
    for (const attempt of concurrent) await expect(attempt).rejects.toThrow('first run fails');
    expect(runs).toBe(1);
    expect(await cached()).toBe(2);
    expect(await cached()).toBe(2);
  });
});
