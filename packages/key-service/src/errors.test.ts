import { describe, expect, it } from 'vitest';
import { KeyServiceError } from './index.js';

describe('KeyServiceError', () => {
  it('carries a stable code and its own name', () => {
    const error = new KeyServiceError('ERR_KEY_SERVICE_EXAMPLE', 'example');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('KeyServiceError');
    expect(error.code).toBe('ERR_KEY_SERVICE_EXAMPLE');
  });
});
