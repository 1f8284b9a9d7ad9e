import { describe, expect, it } from 'vitest';
import {
  AES128_SYSTEM_ID,
  CLEARKEY_SYSTEM_ID,
  COMMON_SYSTEM_ID,
  DRM_SYSTEMS,
  FAIRPLAY_SYSTEM_ID,
  findDrmSystem,
  MARLIN_SYSTEM_ID,
  NAGRA_SYSTEM_ID,
  PLAYREADY_SYSTEM_ID,
  PRIMETIME_SYSTEM_ID,
  WIDEVINE_SYSTEM_ID,
  WISEPLAY_SYSTEM_ID,
} from './systems.js';
import { normalizeUuid } from './uuid.js';

describe('DRM system registry', () => {
  it('has the registered ids (DASH-IF system id list, AWS SPEKE for AES-128)', () => {
    expect(DRM_SYSTEMS).toStrictEqual([
      { id: 'edef8ba9-79d6-4ace-a3c8-27dcd51d21ed', name: 'Widevine', key: 'widevine' },
      { id: '9a04f079-9840-4286-ab92-e65be0885f95', name: 'PlayReady', key: 'playready' },
      { id: '94ce86fb-07ff-4f43-adb8-93d2fa968ca2', name: 'FairPlay', key: 'fairplay' },
      { id: '1077efec-c0b2-4d02-ace3-3c1e52e2fb4b', name: 'W3C Common', key: 'common' },
      { id: 'e2719d58-a985-b3c9-781a-b030af78d30e', name: 'ClearKey', key: 'clearkey' },
      { id: '5e629af5-38da-4063-8977-97ffbd9902d4', name: 'Marlin', key: 'marlin' },
      { id: 'adb41c24-2dbf-4a6d-958b-4457c0d27b95', name: 'Nagra', key: 'nagra' },
      { id: '3d5e6d35-9b9a-41e8-b843-dd3c6e72c42c', name: 'WisePlay', key: 'wiseplay' },
      { id: 'f239e769-efa3-4850-9c16-a903c6932efb', name: 'Adobe Primetime', key: 'primetime' },
      { id: '81376844-f976-481e-a84e-cc25d39b0b33', name: 'HLS AES-128', key: 'aes128' },
    ]);
    expect([
      WIDEVINE_SYSTEM_ID,
      PLAYREADY_SYSTEM_ID,
      FAIRPLAY_SYSTEM_ID,
      COMMON_SYSTEM_ID,
      CLEARKEY_SYSTEM_ID,
      MARLIN_SYSTEM_ID,
      NAGRA_SYSTEM_ID,
      WISEPLAY_SYSTEM_ID,
      PRIMETIME_SYSTEM_ID,
      AES128_SYSTEM_ID,
    ]).toEqual(DRM_SYSTEMS.map((s) => s.id));
    for (const system of DRM_SYSTEMS) expect(normalizeUuid(system.id)).toBe(system.id);
  });

  it('finds a system whatever the spelling of its id', () => {
    expect(findDrmSystem('EDEF8BA9-79D6-4ACE-A3C8-27DCD51D21ED')).toEqual({
      id: WIDEVINE_SYSTEM_ID,
      name: 'Widevine',
      key: 'widevine',
    });
    expect(findDrmSystem('9a04f07998404286ab92e65be0885f95')).toBe(DRM_SYSTEMS[1]);
    expect(findDrmSystem('urn:uuid:94CE86FB-07FF-4F43-ADB8-93D2FA968CA2')).toBe(DRM_SYSTEMS[2]);
    expect(findDrmSystem(AES128_SYSTEM_ID)).toBe(DRM_SYSTEMS[9]);
  });

  it('returns undefined for unknown ids and for text that is no UUID', () => {
    expect(findDrmSystem('00000000-0000-0000-0000-000000000000')).toBeUndefined();
    expect(findDrmSystem('widevine')).toBeUndefined();
    expect(findDrmSystem('')).toBeUndefined();
  });

  it('cannot be changed by a caller', () => {
    expect(Object.isFrozen(DRM_SYSTEMS)).toBe(true);
    for (const system of DRM_SYSTEMS) expect(Object.isFrozen(system)).toBe(true);
  });
});
