import assert from 'node:assert/strict';
import {
  buildWrmHeader,
  computeKeyChecksum,
  decodePlayReadyObject,
  encodePlayReadyObject,
  parseWrmHeader,
  smoothStreamingProtectionHeaderData,
} from '@cpixkit/playready-header';

// A 4.3 header for one AESCTR key; CHECKSUM is computed from the key, which is never written.
const kid = 'cbbc38b6-b50d-ab53-f826-3e06b7382aa3';
const key = Buffer.from('lZ29ZzmA4dG98tNiCUlfTg==', 'base64');
const xml = buildWrmHeader({
  version: '4.3.0.0',
  keys: [{ kid, algId: 'AESCTR', key }],
  laUrl: 'https://license.pallycon.com/ri/licenseManager.do',
});
assert.equal(computeKeyChecksum(kid, key), 'HEsvlXUxnWw=');
assert.ok(xml.includes('<KID ALGID="AESCTR" CHECKSUM="HEsvlXUxnWw=" VALUE="tji8yw21U6v4Jj4Gtzgqow=="></KID>'));

// The PlayReady Object: the pssh Data, and (as base64) CPIX SmoothStreamingProtectionHeaderData.
const pro = encodePlayReadyObject({ wrmHeader: xml });
assert.equal(smoothStreamingProtectionHeaderData(pro).slice(0, 12), 'cgIAAAEAAQBo');
assert.deepEqual(parseWrmHeader(decodePlayReadyObject(pro).wrmHeader ?? '').keys, [
  { kid, algId: 'AESCTR', checksum: 'HEsvlXUxnWw=' },
]);
