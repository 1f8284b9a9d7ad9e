import { describe, expect, it } from 'vitest';
import { VERSION_FIELDS } from './version-fields.js';

describe('VERSION_FIELDS', () => {
  it('has 2.0 write what 2.3 writes, but CPIX@version', () => {
    expect({ ...VERSION_FIELDS['2.0'], version: true }).toEqual(VERSION_FIELDS['2.3']);
    expect(VERSION_FIELDS['2.0'].version).toBe(false);
  });

  it('has 2.4 differ from 2.3 in every field but CPIX@version (the table lists only what differs)', () => {
    const { version: _v23, ...v23 } = VERSION_FIELDS['2.3'];
    const { version: _v24, ...v24 } = VERSION_FIELDS['2.4'];
    for (const [field, value] of Object.entries(v24)) expect(value, field).not.toBe(v23[field as keyof typeof v23]);
  });
});
