import { bench, describe } from 'vitest';
import {
  buildWrmHeader,
  computeKeyChecksum,
  decodePlayReadyObject,
  encodePlayReadyObject,
  encodePlayReadyPsshBox,
  parseWrmHeader,
  type WrmHeader,
} from '../src/index.js';

// PallyCon's DASH VOD header (vectors: pallycon_dash_vod_playready_pssh); the key is the seed sample's.
const kid = '12ea753c-23e7-bc02-4474-b2b976c43beb';
const key = Uint8Array.from(Buffer.from('SzC1qc1cEpyFU6t/lL7Byw==', 'base64'));
const header40: WrmHeader = {
  version: '4.0.0.0',
  keys: [{ kid, algId: 'AESCTR', checksum: '/F7B1fH2e0c=' }],
  laUrl: 'https://testtokyo.pallycon.com/ri/playready/licenseManager.do',
};
const header43: WrmHeader = {
  version: '4.3.0.0',
  keys: [
    { kid, algId: 'AESCBC' },
    { kid: '98ee5596-cd3e-a20d-163a-e382420c6eff', algId: 'AESCBC' },
  ],
  laUrl: 'https://testtokyo.pallycon.com/ri/playready/licenseManager.do',
};
const xml = buildWrmHeader(header40);
const pro = encodePlayReadyObject({ wrmHeader: xml });

describe('WRMHEADER', () => {
  bench('buildWrmHeader 4.0 (checksum given)', () => {
    buildWrmHeader(header40);
  });
  bench('buildWrmHeader 4.0 (checksum computed from the key)', () => {
    buildWrmHeader({ ...header40, keys: [{ kid, key }] });
  });
  bench('buildWrmHeader 4.3 (two AESCBC KIDs)', () => {
    buildWrmHeader(header43);
  });
  bench('parseWrmHeader 4.0', () => {
    parseWrmHeader(xml);
  });
  bench('computeKeyChecksum', () => {
    computeKeyChecksum(kid, key);
  });
});

describe('PlayReady Object', () => {
  bench('encodePlayReadyObject', () => {
    encodePlayReadyObject({ wrmHeader: xml });
  });
  bench('decodePlayReadyObject', () => {
    decodePlayReadyObject(pro);
  });
  bench('encodePlayReadyPsshBox', () => {
    encodePlayReadyPsshBox(xml);
  });
});
