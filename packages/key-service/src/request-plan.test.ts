import { describe, expect, it } from 'vitest';
import { thrownBy } from '../../../tooling/src/thrown.js';
import { KeyServiceError } from './errors.js';
import { getByKid, readContentKeys, readDrmSystems, strictKidLookup } from './request-plan.js';

const KID = '98ee5596-cd3e-a20d-163a-e382420c6eff';
const OTHER = '53abdba2-f210-43cb-bc90-f18f9a890a02';
const WIDEVINE = 'edef8ba9-79d6-4ace-a3c8-27dcd51d21ed';

describe('KIDs as the request writes them', () => {
  it('are found in a map of lower-case KIDs in any spelling', () => {
    const map = new Map([[KID, 'key']]);
    expect(getByKid(map, KID)).toBe('key');
    expect(getByKid(map, KID.toUpperCase())).toBe('key');
    expect(getByKid(map, OTHER)).toBeUndefined();
  });

  it('are looked up among the keys, an unknown one refused under its lower-case spelling', () => {
    const [key] = readContentKeys([{ kid: KID.toUpperCase() }], false);
    const lookup = strictKidLookup([key!], 'DRMSystemList');
    expect(lookup(KID, 'DRMSystem[1]')).toBe(key);
    expect(lookup(KID.toUpperCase(), 'DRMSystem[1]')).toBe(key);
    expect(() => lookup(OTHER.toUpperCase(), 'DRMSystem[2]')).toThrow(
      `DRMSystem[2]: kid ${OTHER} is not in the ContentKeyList (DRMSystemList)`,
    );
  });

  it('name one (system, key) pair once however they are spelled', () => {
    const keys = readContentKeys([{ kid: KID }], false);
    const systems = [
      { kid: KID, systemId: WIDEVINE },
      { kid: KID.toUpperCase(), systemId: WIDEVINE.toUpperCase() },
    ];
    const error = thrownBy(
      () => readDrmSystems(systems, strictKidLookup(keys, 'DRMSystemList'), true),
      KeyServiceError,
    );
    expect([error.code, error.status, error.message]).toStrictEqual([
      'ERR_KEY_SERVICE_DUPLICATE_DRM_SYSTEM',
      422,
      `DRMSystem[2]: a second Widevine DRMSystem for kid ${KID}`,
    ]);
  });
});
