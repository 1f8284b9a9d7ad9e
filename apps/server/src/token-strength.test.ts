import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkTokenStrength, estimatedBits, MIN_TOKEN_BITS } from './token-strength.js';

describe('checkTokenStrength', () => {
  it('estimates entropy from character frequencies', () => {
    expect(estimatedBits('q'.repeat(64))).toBe(0);
    expect(estimatedBits('zq'.repeat(32))).toBe(64);
    expect(estimatedBits(randomBytes(24).toString('base64url'))).toBeGreaterThan(MIN_TOKEN_BITS);
  });

  it('accepts random base64 and hex tokens of 32 characters', () => {
    for (let run = 0; run < 50; run += 1) {
      expect(() => checkTokenStrength('T', randomBytes(24).toString('base64url'))).not.toThrow();
      expect(() => checkTokenStrength('T', randomBytes(16).toString('hex'))).not.toThrow();
    }
  });

  it('refuses short and repetitive tokens, naming the variable and never the value', () => {
    for (const token of ['x', 'secret', 'q'.repeat(64), 'zq'.repeat(32), 'password1234'.repeat(3)]) {
      expect(() => checkTokenStrength('CPIXKIT_DEV_TOKEN', token)).toThrow(/^CPIXKIT_DEV_TOKEN is too weak/);
      try {
        checkTokenStrength('CPIXKIT_DEV_TOKEN', token);
      } catch (error) {
        expect((error as Error).message).not.toContain(token);
      }
    }
  });
});
