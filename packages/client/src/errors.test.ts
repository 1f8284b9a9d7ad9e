import { describe, expect, it } from 'vitest';
import { CpixClientError } from './index.js';

describe('CpixClientError', () => {
  it('carries a stable code, its own name and the HTTP details', () => {
    const cause = new Error('socket hang up');
    const error = new CpixClientError('ERR_CLIENT_HTTP_STATUS', 'server said no', {
      cause,
      status: 503,
      serverMessage: 'busy',
      serverCode: 'ERR_SERVER_STORE_UNAVAILABLE',
      attempts: 3,
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('CpixClientError');
    expect(error.code).toBe('ERR_CLIENT_HTTP_STATUS');
    expect(error.message).toBe('server said no');
    expect(error.cause).toBe(cause);
    expect([error.status, error.serverMessage, error.serverCode, error.attempts]).toEqual([
      503,
      'busy',
      'ERR_SERVER_STORE_UNAVAILABLE',
      3,
    ]);
  });

  it('leaves the details undefined when there are none', () => {
    const error = new CpixClientError('ERR_CLIENT_INVALID_OPTION', 'bad');
    expect([error.status, error.serverMessage, error.serverCode, error.attempts]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});
