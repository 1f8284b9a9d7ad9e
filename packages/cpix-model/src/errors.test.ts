import { describe, expect, it } from 'vitest';
import { CpixError } from './index.js';

describe('CpixError', () => {
  it('carries a stable code and its own name', () => {
    const error = new CpixError('ERR_CPIX_NOT_CPIX', 'example');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('CpixError');
    expect(error.code).toBe('ERR_CPIX_NOT_CPIX');
  });
});
