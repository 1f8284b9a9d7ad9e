import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CpixClient, spekeV2EncryptionContract, toPallyConJson } from '@cpixkit/client';
import { parseCpix, serializeCpix } from '@cpixkit/cpix-model';

// A stand-in SPEKE v2 key server for this example: it fills in a key for every ContentKey asked
// for (a real one also writes the DRM signalling into each DRMSystem).
const keyServer = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk: Buffer) => (body += chunk));
  request.on('end', () => {
    const { document } = parseCpix(body);
    for (const key of document.contentKeyList?.contentKeys ?? [])
      key.data = { secret: { plainValue: randomBytes(16) } };
    response.writeHead(200, { 'content-type': 'application/xml', 'x-speke-version': '2.0' });
    response.end(serializeCpix(document, { version: '2.3' }));
  });
});
await new Promise<void>((resolve) => keyServer.listen(0, '127.0.0.1', resolve));
const { port } = keyServer.address() as AddressInfo;

const client = new CpixClient({
  url: `http://127.0.0.1:${port}/speke/v2.0/copyProtection`,
  dialect: 'speke-v2',
  auth: { type: 'bearer', token: 'my-api-token' },
  timeoutMs: 10_000,
  retry: { retries: 2, baseDelayMs: 200 },
});

const result = await client.requestKeys({
  contentId: 'movie-42',
  drmSystems: ['widevine', 'playready', 'fairplay'],
  scheme: 'cbcs',
  tracks: spekeV2EncryptionContract('PRESET-VIDEO-2', 'PRESET-AUDIO-1'),
});

assert.equal(result.spekeVersion, '2.0');
assert.deepEqual(
  result.keys.map((key) => key.trackType),
  ['SD', 'HD', 'AUDIO'],
);
for (const key of result.keys) {
  assert.match(key.kid.uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.match(key.key.hex, /^[0-9a-f]{32}$/);
  assert.deepEqual(
    key.drm.map((drm) => drm.drm),
    ['widevine', 'playready', 'fairplay'],
  );
}

// The same keys in the JSON shape PallyCon's CPIX API clients write.
const json = toPallyConJson(result);
assert.equal(json.content_id, 'movie-42');
assert.deepEqual(
  json.content_key_list.map((entry) => entry.track_type),
  ['SD', 'HD', 'AUDIO'],
);
assert.equal(json.content_key_list[0]?.key_b64, result.keys[0]?.key.base64);

keyServer.close();
