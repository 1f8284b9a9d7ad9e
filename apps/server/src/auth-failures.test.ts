import { describe, expect, it } from 'vitest';
import { AuthFailureLimiter } from './auth-failures.js';

describe('AuthFailureLimiter', () => {
  it('refuses an address once it failed perWindow times, until its window ends; other addresses are not affected', () => {
    let now = 1_000_000;
    const limiter = new AuthFailureLimiter({ perWindow: 3, windowMs: 60_000 }, () => now);
    for (let failure = 0; failure < 3; failure += 1) {
      expect(limiter.retryAfterSeconds('10.0.0.1')).toBe(0);
      limiter.recordFailure('10.0.0.1');
    }
    expect(limiter.retryAfterSeconds('10.0.0.1')).toBe(60);
    expect(limiter.retryAfterSeconds('10.0.0.2')).toBe(0);
    now += 59_500;
    expect(limiter.retryAfterSeconds('10.0.0.1')).toBe(1);
    now += 500;
    expect(limiter.retryAfterSeconds('10.0.0.1')).toBe(0);
  });

  it('does nothing with perWindow 0, and forgets the oldest address when full', () => {
    const off = new AuthFailureLimiter({ perWindow: 0 });
    for (let failure = 0; failure < 100; failure += 1) off.recordFailure('a');
    expect(off.retryAfterSeconds('a')).toBe(0);
    const small = new AuthFailureLimiter({ perWindow: 1, maxAddresses: 2 });
    small.recordFailure('a');
    small.recordFailure('b');
    small.recordFailure('c');
    expect([small.retryAfterSeconds('a'), small.retryAfterSeconds('b') > 0, small.retryAfterSeconds('c') > 0]).toEqual([
      0,
      true,
      true,
    ]);
  });
});
