import assert from 'node:assert/strict';
import { createKeyService, resolveTenantsConfig } from '@cpixkit/key-service';
import { buildServer, hashToken, TenantDirectory } from '@cpixkit/server';

// One tenant, keyed with Microsoft's public PlayReady test key seed (never use it for real content).
const tenants = resolveTenantsConfig({
  tenants: [
    {
      id: 'acme',
      keySeed: 'XVBovsmzhP9gRIZxWfFta3VVRPzVEWmJsazEJ46I',
      derivationSecret: 'bm90LWEtcmVhbC1zZWNyZXQtanVzdC1hbi1leGFtcGxlLTEyMzQ=',
      tokens: [hashToken('acme-example-token')],
    },
  ],
});
const app = buildServer({ tenants: new TenantDirectory(tenants), keyService: createKeyService() });

// A SPEKE v2 request for one video key with Widevine signalling, as a packager sends it.
const kid = '339c45b5-fb6d-4bd9-994c-eabd9d41c95b';
const request = `<cpix:CPIX contentId="movie-1" version="2.3" xmlns:cpix="urn:dashif:org:cpix" xmlns:pskc="urn:ietf:params:xml:ns:keyprov:pskc">
  <cpix:ContentKeyList><cpix:ContentKey kid="${kid}" commonEncryptionScheme="cenc"/></cpix:ContentKeyList>
  <cpix:DRMSystemList>
    <cpix:DRMSystem kid="${kid}" systemId="edef8ba9-79d6-4ace-a3c8-27dcd51d21ed"><cpix:PSSH/></cpix:DRMSystem>
  </cpix:DRMSystemList>
  <cpix:ContentKeyUsageRuleList>
    <cpix:ContentKeyUsageRule kid="${kid}" intendedTrackType="VIDEO"><cpix:VideoFilter/></cpix:ContentKeyUsageRule>
  </cpix:ContentKeyUsageRuleList>
</cpix:CPIX>`;

const answer = await app.inject({
  method: 'POST',
  url: '/speke/v2.0/copyProtection',
  headers: { authorization: 'Bearer acme-example-token', 'x-speke-version': '2.0', 'content-type': 'application/xml' },
  payload: request,
});
assert.equal(answer.statusCode, 200);
assert.equal(answer.headers['x-speke-version'], '2.0');
// The key-seed algorithm gives Microsoft's published key for this KID.
assert.match(answer.body, /<pskc:PlainValue>pTfNwMplhBQG1SXnvyLXVA==<\/pskc:PlainValue>/);

// A wrong token is refused with 401 and a one-line reason.
const refused = await app.inject({
  method: 'POST',
  url: '/speke/v2.0/copyProtection',
  headers: { authorization: 'Bearer wrong' },
  payload: request,
});
assert.equal(refused.statusCode, 401);
assert.equal(refused.body, 'ERR_SERVER_BAD_CREDENTIALS: the bearer token matches no tenant\n');

await app.close();
