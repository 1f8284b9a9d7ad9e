import { afterAll, beforeAll, bench, describe } from 'vitest';
import {
  buildKeyRequest,
  CpixClient,
  readKeyResponse,
  spekeV2EncryptionContract,
  toPallyConJson,
} from '../src/index.js';
import { reply, startServer, type TestServer } from '../test/helpers.js';
import { seedDocument } from '../../../tooling/src/fixtures.js';

const AXINOM = seedDocument('axinomSpekeV2Response');
const AXINOM_REQUEST = {
  contentId: 'abc123',
  drmSystems: ['fairplay', 'playready', 'widevine'],
  tracks: ['VIDEO', 'AUDIO'],
  kids: ['98ee5596-cd3e-a20d-163a-e382420c6eff', '53abdba2-f210-43cb-bc90-f18f9a890a02'],
};
const axinomPrepared = buildKeyRequest(AXINOM_REQUEST, 'speke-v2');
const contract = spekeV2EncryptionContract('PRESET-VIDEO-3', 'PRESET-AUDIO-2');

let server: TestServer;
let client: CpixClient;
const axinomResult = await readKeyResponse(AXINOM, axinomPrepared);

beforeAll(async () => {
  server = await startServer((_request, response) => reply(response, 200, AXINOM));
  client = new CpixClient({ url: `${server.url}/SpekeV2`, dialect: 'speke-v2' });
});
afterAll(() => server.close());

describe('client', () => {
  bench('buildKeyRequest (SPEKE v2, 5 keys x 3 DRM systems)', () => {
    buildKeyRequest(
      { contentId: 'movie', drmSystems: ['widevine', 'playready', 'fairplay'], tracks: contract },
      'speke-v2',
    );
  });
  bench('readKeyResponse (Axinom SPEKE v2 answer, 2 keys x 3 DRM systems)', async () => {
    await readKeyResponse(AXINOM, axinomPrepared);
  });
  bench('toPallyConJson (2 keys)', () => {
    toPallyConJson(axinomResult);
  });
  bench('requestKeys round trip over HTTP to a local server (2 keys)', async () => {
    await client.requestKeys(AXINOM_REQUEST);
  });
});
