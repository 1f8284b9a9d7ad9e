import assert from 'node:assert/strict';
import { deriveContentKey, deriveIv, deriveKeyId, parseKeySeed, secretsEqual } from '@cpixkit/key-seed';

// Microsoft's public PlayReady test key seed (never use it for real content).
const seed = parseKeySeed('XVBovsmzhP9gRIZxWfFta3VVRPzVEWmJsazEJ46I');

// PlayReady key-seed algorithm: the same seed and KID always give the same content key.
const key = deriveContentKey(seed, '339c45b5-fb6d-4bd9-994c-eabd9d41c95b');
assert.equal(Buffer.from(key).toString('base64'), 'pTfNwMplhBQG1SXnvyLXVA==');

// Server-assigned KIDs and IVs: deterministic per (content id, track type, period index).
const kid = deriveKeyId(seed, { contentId: 'cpix-test-cid', trackType: 'HD', periodIndex: 128 });
assert.equal(kid, deriveKeyId(seed, { contentId: 'cpix-test-cid', trackType: 'HD', periodIndex: 128 }));
assert.notEqual(kid, deriveKeyId(seed, { contentId: 'cpix-test-cid', trackType: 'HD', periodIndex: 129 }));
assert.match(kid, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
assert.equal(deriveIv(seed, { kid }).length, 16);

// Constant-time comparison for tokens, whatever their lengths.
assert.equal(secretsEqual('token-a', 'token-a'), true);
assert.equal(secretsEqual('token-a', 'token-ab'), false);
