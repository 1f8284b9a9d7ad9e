import { describe, expect, it } from 'vitest';
import { CpixClientError } from './index.js';

describe('CpixClientError', () => {
  it('carries a stable code and its own name', () => {
    const error = new CpixClientError('ERR_CLIENT_EXAMPLE', 'example');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('CpixClientError');
    expect(error.code).toBe('ERR_CLIENT_EXAMPLE');
  });
});
