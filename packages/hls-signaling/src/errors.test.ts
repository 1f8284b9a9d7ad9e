import { describe, expect, it } from 'vitest';
import { HlsSignalingError } from './index.js';

describe('HlsSignalingError', () => {
  it('carries a stable code, the attribute at fault and its own name', () => {
    const error = new HlsSignalingError('ERR_HLS_INVALID_ATTRIBUTE', 'example', { attribute: 'IV' });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('HlsSignalingError');
    expect(error.code).toBe('ERR_HLS_INVALID_ATTRIBUTE');
    expect(error.attribute).toBe('IV');
  });
});
