import assert from 'node:assert/strict';
import { createKeyService, KeyServiceError, resolveTenantsConfig } from '@cpixkit/key-service';

// One tenant, as a parsed YAML/JSON config; every setting not given takes its default.
const [tenant] = resolveTenantsConfig({
  tenants: [
    {
      id: 'acme',
      keySeed: 'XVBovsmzhP9gRIZxWfFta3VVRPzVEWmJsazEJ46I', // Microsoft's public PlayReady test key seed
      derivationSecret: 'c2VjcmV0LWZvci10aGUtcmVhZG1lLWV4YW1wbGUtb25seQ==',
      settings: { playReady: { laUrl: 'https://playready.example/rightsmanager.asmx' } },
    },
  ],
});
assert.ok(tenant);

const keyService = createKeyService({ userAgent: 'my-key-server/1.0' });

// A SPEKE v2 request as AWS MediaPackage sends it: one cenc key, PlayReady PSSH and Smooth header.
const kid = '09e091ab-f838-41d2-9e35-58531fd19ec7';
const request = `<?xml version="1.0" encoding="UTF-8"?>
<cpix:CPIX contentId="movie-1" version="2.3" xmlns:cpix="urn:dashif:org:cpix" xmlns:pskc="urn:ietf:params:xml:ns:keyprov:pskc">
  <cpix:ContentKeyList><cpix:ContentKey kid="${kid}" commonEncryptionScheme="cenc"/></cpix:ContentKeyList>
  <cpix:DRMSystemList>
    <cpix:DRMSystem kid="${kid}" systemId="9a04f079-9840-4286-ab92-e65be0885f95">
      <cpix:PSSH/><cpix:SmoothStreamingProtectionHeaderData/>
    </cpix:DRMSystem>
  </cpix:DRMSystemList>
  <cpix:ContentKeyUsageRuleList>
    <cpix:ContentKeyUsageRule kid="${kid}" intendedTrackType="ALL"/>
  </cpix:ContentKeyUsageRuleList>
</cpix:CPIX>`;

const answer = await keyService.answer({
  tenant,
  dialect: 'speke-v2',
  body: request,
  baseUrl: 'https://keys.example.com',
});
assert.equal(answer.headers['x-speke-version'], '2.0');
assert.equal(answer.headers['x-speke-user-agent'], 'my-key-server/1.0');
assert.equal(answer.keysIssued, 1);
// The key is derived from the key seed: the same on every instance, nothing stored.
assert.match(answer.body, /<pskc:PlainValue>nLBhFktwE\+rvzH1tGEJMLA==<\/pskc:PlainValue>/);
// Its PlayReady checksum is the one in Microsoft's PlayReady header specification example.
const pssh = /<cpix:PSSH>([^<]+)<\/cpix:PSSH>/.exec(answer.body)?.[1] ?? '';
assert.match(Buffer.from(pssh, 'base64').toString('utf16le'), /<CHECKSUM>w\+OZVr8vzrQ=<\/CHECKSUM>/);

// Refusals carry an HTTP status and a stable code.
await assert.rejects(
  keyService.answer({
    tenant,
    dialect: 'speke-v2',
    body: request.replace('version="2.3"', ''),
    baseUrl: 'https://keys.example.com',
  }),
  (error) =>
    error instanceof KeyServiceError && error.status === 422 && error.code === 'ERR_KEY_SERVICE_UNSUPPORTED_VERSION',
);
