import { bench, describe } from 'vitest';
import {
  decodeWidevinePsshData,
  encodePsshBox,
  encodeWidevinePsshData,
  parsePsshBox,
  parsePsshBoxes,
  WIDEVINE_SYSTEM_ID,
} from '../src/index.js';

// PallyCon's live Widevine PSSH data (vectors: pallycon_dash_live_widevine_pssh).
const widevine = {
  algorithm: 1,
  keyIds: ['6bac8ec3-0ee3-379f-3d21-290b3a2bc9c3'],
  provider: 'inkaentworks',
  contentId: 'cpix-test-cid0000000000000080',
  trackType: 'HD',
  cryptoPeriodIndex: 128,
};
const data = encodeWidevinePsshData(widevine);
const box = encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, data });
const v1Box = encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, keyIds: widevine.keyIds, data });
const fourBoxes = Uint8Array.from([...box, ...v1Box, ...box, ...v1Box]);

describe('pssh box', () => {
  bench('encodePsshBox (v0, 72-byte data)', () => {
    encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, data });
  });
  bench('encodePsshBox (v1, one KID)', () => {
    encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, keyIds: widevine.keyIds, data });
  });
  bench('parsePsshBox (v0)', () => {
    parsePsshBox(box);
  });
  bench('parsePsshBoxes (4 concatenated boxes)', () => {
    parsePsshBoxes(fourBoxes);
  });
});

describe('Widevine PSSH data', () => {
  bench('encodeWidevinePsshData (PallyCon live fields)', () => {
    encodeWidevinePsshData(widevine);
  });
  bench('decodeWidevinePsshData (PallyCon live fields)', () => {
    decodeWidevinePsshData(data);
  });
});
