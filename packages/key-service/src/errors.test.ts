import { describe, expect, it } from 'vitest';
import { KeyServiceError } from './index.js';

describe('KeyServiceError', () => {
  it('carries a stable code, an HTTP status and its own name', () => {
    const error = new KeyServiceError('ERR_KEY_SERVICE_EMPTY_BODY', 400, 'the request body is empty');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('KeyServiceError');
    expect(error.code).toBe('ERR_KEY_SERVICE_EMPTY_BODY');
    expect(error.status).toBe(400);
    expect(error.message).toBe('the request body is empty');
  });
});
