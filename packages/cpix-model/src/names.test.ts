import { describe, expect, it } from 'vitest';
import { COMMON_ENCRYPTION_SCHEMES, isCommonEncryptionScheme } from './encryption-schemes.js';
import { isNcName } from './ncname.js';
import { isUuid } from './uuid.js';

describe('isUuid', () => {
  it('takes the dashed form in either case, and nothing else', () => {
    expect(isUuid('98ee5596-cd3e-a20d-163a-e382420c6eff')).toBe(true);
    expect(isUuid('98EE5596-CD3E-A20D-163A-E382420C6EFF')).toBe(true);
    for (const value of [
      '98ee5596cd3ea20d163ae382420c6eff',
      '{98ee5596-cd3e-a20d-163a-e382420c6eff}',
      '98ee5596-cd3e-a20d-163a-e382420c6ef',
      '98ee5596-cd3e-a20d-163a-e382420c6effa',
      '98ee5596-cd3e-a20d-163a-e382420c6efg',
      ' 98ee5596-cd3e-a20d-163a-e382420c6eff',
      '98ee5596-cd3e-a20d-163a-e382420c6eff\n',
    ])
      expect(isUuid(value), value).toBe(false);
  });
});

describe('isNcName', () => {
  it('takes a name without a colon, which does not start with a digit, dot or hyphen', () => {
    for (const value of ['a', '_x', 'Key-1.2', 'é', 'a\u00B7b']) expect(isNcName(value), value).toBe(true);
    for (const value of ['', '1a', '-a', '.a', 'a:b', 'a b', '\u00B7a', 'a/b'])
      expect(isNcName(value), value).toBe(false);
  });
});

describe('the Common Encryption schemes', () => {
  it('are cenc, cbc1, cens and cbcs, in lower case only', () => {
    expect(COMMON_ENCRYPTION_SCHEMES).toEqual(['cenc', 'cbc1', 'cens', 'cbcs']);
    expect(Object.isFrozen(COMMON_ENCRYPTION_SCHEMES)).toBe(true);
    for (const scheme of COMMON_ENCRYPTION_SCHEMES) expect(isCommonEncryptionScheme(scheme)).toBe(true);
    for (const value of ['CENC', 'cbc2', '', 'cenc ']) expect(isCommonEncryptionScheme(value), value).toBe(false);
  });
});
