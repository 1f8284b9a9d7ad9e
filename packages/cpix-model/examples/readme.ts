import assert from 'node:assert/strict';
import { parseCpix, resolveContentKey, serializeCpix, validateCpix } from '@cpixkit/cpix-model';

// A SPEKE v2 request, as a packager sends it (note the non-canonical base64 of the explicitIV).
const request = `<cpix:CPIX contentId="abc123" version="2.3" xmlns:cpix="urn:dashif:org:cpix" xmlns:pskc="urn:ietf:params:xml:ns:keyprov:pskc">
  <cpix:ContentKeyList>
    <cpix:ContentKey kid="98ee5596-cd3e-a20d-163a-e382420c6eff" commonEncryptionScheme="cbcs"/>
    <cpix:ContentKey kid="53abdba2-f210-43cb-bc90-f18f9a890a02" commonEncryptionScheme="cbcs" explicitIV="L6jzdXrXAFbCJGBuMrrKrG=="/>
  </cpix:ContentKeyList>
  <cpix:DRMSystemList>
    <cpix:DRMSystem kid="98ee5596-cd3e-a20d-163a-e382420c6eff" systemId="94ce86fb-07ff-4f43-adb8-93d2fa968ca2">
      <cpix:HLSSignalingData playlist="media"/>
      <cpix:HLSSignalingData playlist="master"/>
    </cpix:DRMSystem>
  </cpix:DRMSystemList>
  <cpix:ContentKeyUsageRuleList>
    <cpix:ContentKeyUsageRule kid="98ee5596-cd3e-a20d-163a-e382420c6eff" intendedTrackType="VIDEO"><cpix:VideoFilter/></cpix:ContentKeyUsageRule>
    <cpix:ContentKeyUsageRule kid="53abdba2-f210-43cb-bc90-f18f9a890a02" intendedTrackType="AUDIO"><cpix:AudioFilter/></cpix:ContentKeyUsageRule>
  </cpix:ContentKeyUsageRuleList>
</cpix:CPIX>`;

// Read leniently: what was off comes back as warnings (or errors with { strict: true }).
const { document, warnings } = parseCpix(request);
assert.deepEqual(
  warnings.map((warning) => `${warning.code} ${warning.path}`),
  ['NON_CANONICAL_BASE64 /CPIX/ContentKeyList/ContentKey[2]/@explicitIV'],
);

// Fill in the answer: a key value, and the HLS lines for each playlist.
const [video] = document.contentKeyList!.contentKeys;
video!.data = { secret: { plainValue: new Uint8Array(16).fill(7) } };
for (const signaling of document.drmSystemList!.drmSystems[0]!.hlsSignalingData!) {
  signaling.value = new TextEncoder().encode(
    `#EXT-X-${signaling.playlist === 'media' ? 'KEY' : 'SESSION-KEY'}:METHOD=SAMPLE-AES`,
  );
}
assert.deepEqual(validateCpix(document), []);

// Which key does a video track use? (The rules here have empty filters: any video, any audio.)
assert.equal(resolveContentKey(document, { type: 'video' }).contentKey.kid, '98ee5596-cd3e-a20d-163a-e382420c6eff');

// Write strictly: schema order, canonical base64, the spelling of the version asked for.
const v23 = serializeCpix(document, { version: '2.3' });
assert.match(v23, /explicitIV="L6jzdXrXAFbCJGBuMrrKrA=="/);
assert.match(v23, /playlist="master"/);
assert.match(serializeCpix(document, { version: '2.4' }), /playlist="multiVariant"/);
