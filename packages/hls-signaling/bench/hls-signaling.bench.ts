import { bench, describe } from 'vitest';
import { buildFairPlayKeyLine, buildHlsKeyLine, buildWidevineKeyLine, parseHlsKeyLine } from '../src/index.js';

const kid = '98ee5596-cd3e-a20d-163a-e382420c6eff';
const iv = Buffer.from('3858F62230AC3C915F300C664312C63F', 'hex');
const pssh = Buffer.from('AAAAOHBzc2gAAAAA7e+LqXnWSs6jyCfc1R0h7QAAABgSEJjuVZbNPqINFjrjgkIMbv9I49yVmwY=', 'base64');
const widevineLine = buildWidevineKeyLine({ pssh, kid, scheme: 'cenc' });
const model = parseHlsKeyLine(widevineLine);

describe('hls-signaling', () => {
  bench('buildHlsKeyLine (Widevine model)', () => {
    buildHlsKeyLine(model);
  });
  bench('parseHlsKeyLine (Widevine line)', () => {
    parseHlsKeyLine(widevineLine);
  });
  bench('buildFairPlayKeyLine (kid-iv URI)', () => {
    buildFairPlayKeyLine({ uri: { form: 'kid-iv', kid, iv } });
  });
  bench('buildWidevineKeyLine (checks the pssh box)', () => {
    buildWidevineKeyLine({ pssh, kid, scheme: 'cenc' });
  });
});
