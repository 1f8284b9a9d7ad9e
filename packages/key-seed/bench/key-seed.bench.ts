import { bench, describe } from 'vitest';
import { deriveContentKey, deriveIv, deriveKeyId, parseKeySeed } from '../src/index.js';

const seed = parseKeySeed('XVBovsmzhP9gRIZxWfFta3VVRPzVEWmJsazEJ46I');
const kid = '339c45b5-fb6d-4bd9-994c-eabd9d41c95b';
const context = { contentId: 'cpix-test-cid', trackType: 'HD', periodIndex: 128 };

describe('key-seed', () => {
  bench('deriveContentKey (PlayReady key seed)', () => {
    deriveContentKey(seed, kid);
  });
  bench('deriveKeyId (HMAC-SHA-256)', () => {
    deriveKeyId(seed, context);
  });
  bench('deriveIv from a KID', () => {
    deriveIv(seed, { kid });
  });
});
