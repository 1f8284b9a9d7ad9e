import { CLEARKEY_SYSTEM_ID, COMMON_SYSTEM_ID, encodePsshBox, WIDEVINE_SYSTEM_ID } from '@cpixkit/pssh';
import { describe, expect, it } from 'vitest';
import { thrownBy } from '../../../tooling/src/thrown.js';
import { CpixClientError } from './errors.js';
import { readDrmSignaling } from './signaling.js';

const KID = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const KEY = new Uint8Array(16);
const LAURL =
  '<dashif:Laurl xmlns:dashif="https://dashif.org/CPS" licenseType="EME-1.0">https://keys.example/clearkey/t&amp;1/license</dashif:Laurl>';
const commonBox = encodePsshBox({ systemId: COMMON_SYSTEM_ID, version: 1, keyIds: [KID], data: new Uint8Array(0) });

describe('ClearKey signalling in an answer', () => {
  it('reads the licence URL of the DASH-IF Laurl and the W3C common box of PSSH', () => {
    const signaling = readDrmSignaling(
      { kid: KID, systemId: CLEARKEY_SYSTEM_ID, pssh: commonBox, contentProtectionData: { value: Buffer.from(LAURL) } },
      KID,
      KEY,
      'cenc',
    );
    expect(signaling).toMatchObject({
      systemId: CLEARKEY_SYSTEM_ID,
      drm: 'clearkey',
      name: 'ClearKey',
      licenseUrl: 'https://keys.example/clearkey/t&1/license',
      pssh: Buffer.from(commonBox).toString('base64'),
    });
    expect(signaling.psshPayload).toBe('');
  });

  it('refuses a ClearKey PSSH of another system, or one listing other KIDs', () => {
    const widevine = encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, data: new Uint8Array(0) });
    const otherSystem = thrownBy(
      () => readDrmSignaling({ kid: KID, systemId: CLEARKEY_SYSTEM_ID, pssh: widevine }, KID, KEY, 'cenc'),
      CpixClientError,
    );
    expect([otherSystem.code, otherSystem.message]).toStrictEqual([
      'ERR_CLIENT_MALFORMED_RESPONSE',
      `the PSSH of DRMSystem ClearKey for kid ${KID} is a box of system ${WIDEVINE_SYSTEM_ID}`,
    ]);
    const other = encodePsshBox({
      systemId: COMMON_SYSTEM_ID,
      version: 1,
      keyIds: ['11111111-2222-3333-4444-555555555555'],
      data: new Uint8Array(0),
    });
    const otherKids = thrownBy(
      () => readDrmSignaling({ kid: KID, systemId: CLEARKEY_SYSTEM_ID, pssh: other }, KID, KEY, 'cenc'),
      CpixClientError,
    );
    expect([otherKids.code, otherKids.message]).toStrictEqual([
      'ERR_CLIENT_SIGNALING_MISMATCH',
      `the PSSH of DRMSystem ClearKey for kid ${KID} lists other KIDs`,
    ]);
  });
});
