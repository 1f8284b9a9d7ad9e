import assert from 'node:assert/strict';
import {
  buildFairPlayKeyLine,
  buildFairPlayUri,
  buildWidevineKeyLine,
  parseDataUri,
  parseFairPlayUri,
  parseHlsKeyLine,
} from '@cpixkit/hls-signaling';

const kid = '98ee5596-cd3e-a20d-163a-e382420c6eff';
const explicitIv = Buffer.from('OFj2IjCsPJFfMAxmQxLGPw==', 'base64');

// FairPlay, as Axinom's SPEKE 2.0 service writes it (skd://<kid>:<IV>).
const fairPlay = buildFairPlayKeyLine({ uri: { form: 'kid-iv', kid, iv: explicitIv } });
assert.equal(
  fairPlay,
  '#EXT-X-KEY:METHOD=SAMPLE-AES,URI="skd://98ee5596-cd3e-a20d-163a-e382420c6eff:3858F62230AC3C915F300C664312C63F",' +
    'KEYFORMAT="com.apple.streamingkeydelivery",KEYFORMATVERSIONS="1"',
);

// Widevine for the master playlist: the whole pssh box goes into a data: URI.
const pssh = Buffer.from('AAAAOHBzc2gAAAAA7e+LqXnWSs6jyCfc1R0h7QAAABgSEJjuVZbNPqINFjrjgkIMbv9I49yVmwY=', 'base64');
const widevine = buildWidevineKeyLine({ pssh, kid, scheme: 'cenc', playlist: 'master' });
assert.ok(widevine.startsWith('#EXT-X-SESSION-KEY:METHOD=SAMPLE-AES-CTR,URI="data:text/plain;base64,AAAAOHBzc2g'));

// Parsing gives a typed model back.
const line = parseHlsKeyLine(widevine);
assert.equal(line.keyId, kid);
assert.equal(line.keyFormat, 'urn:uuid:edef8ba9-79d6-4ace-a3c8-27dcd51d21ed');
assert.deepEqual(parseDataUri(line.uri!).data, Uint8Array.from(pssh));

// PallyCon's FairPlay URI forms.
assert.equal(buildFairPlayUri({ form: 'kid-base64', kid }), 'skd://mO5Vls0+og0WOuOCQgxu/w==');
assert.deepEqual(parseFairPlayUri('skd://cpix-test-cid0000000000000080'), {
  form: 'content-period',
  contentId: 'cpix-test-cid',
  periodIndex: 128,
});
