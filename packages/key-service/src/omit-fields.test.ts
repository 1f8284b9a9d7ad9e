import { describe, expect, it } from 'vitest';
import { omitFields, withField } from './omit-fields.js';

describe('omitFields', () => {
  it('copies every own field but the omitted ones, in order, without touching the source', () => {
    const source = { kid: 'k', systemId: 's', pssh: new Uint8Array(1), name: 'n' };
    const copy = omitFields(source, ['pssh']);
    expect(copy).toEqual({ kid: 'k', systemId: 's', name: 'n' });
    expect(Object.keys(copy)).toEqual(['kid', 'systemId', 'name']);
    expect(source.pssh).toBeInstanceOf(Uint8Array);
    expect(copy).not.toBe(source);
  });
});

describe('withField', () => {
  it('replaces one field of a copy', () => {
    const source = { kid: 'a', intendedTrackType: 'HD' };
    expect(withField(source, 'kid', 'b')).toEqual({ kid: 'b', intendedTrackType: 'HD' });
    expect(source.kid).toBe('a');
  });

  it('starts from nothing when there is no source', () => {
    expect(withField<{ contentKeys: number[] }, 'contentKeys'>(undefined, 'contentKeys', [1])).toEqual({
      contentKeys: [1],
    });
  });
});
