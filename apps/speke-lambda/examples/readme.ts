import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createSpekeHandler } from '@cpixkit/speke-lambda';

// The deployed function reads its key seed from Secrets Manager (CPIXKIT_SECRET_ARN); locally and
// in tests it can come from CPIXKIT_KEY_SEED instead. Tenant settings come from the environment.
const handler = createSpekeHandler({
  env: {
    CPIXKIT_KEY_SEED: randomBytes(32).toString('base64'),
    CPIXKIT_PLAYREADY_LA_URL: 'https://playready.example.com/rightsmanager.asmx',
  },
  log: () => {},
});

// What MediaPackage sends for a SPEKE v2 key request through an HTTP API stage `prod`.
const cpix = `<cpix:CPIX xmlns:cpix="urn:dashif:org:cpix" xmlns:pskc="urn:ietf:params:xml:ns:keyprov:pskc" contentId="channel-1" version="2.3">
  <cpix:ContentKeyList>
    <cpix:ContentKey kid="6a1ba42c-52fb-4d34-9bab-51e55a40a0b3" commonEncryptionScheme="cenc"/>
  </cpix:ContentKeyList>
  <cpix:DRMSystemList>
    <cpix:DRMSystem kid="6a1ba42c-52fb-4d34-9bab-51e55a40a0b3" systemId="9a04f079-9840-4286-ab92-e65be0885f95">
      <cpix:PSSH/>
      <cpix:ContentProtectionData/>
    </cpix:DRMSystem>
  </cpix:DRMSystemList>
  <cpix:ContentKeyUsageRuleList>
    <cpix:ContentKeyUsageRule kid="6a1ba42c-52fb-4d34-9bab-51e55a40a0b3" intendedTrackType="VIDEO">
      <cpix:VideoFilter/>
    </cpix:ContentKeyUsageRule>
  </cpix:ContentKeyUsageRuleList>
</cpix:CPIX>`;
const event: APIGatewayProxyEventV2 = {
  version: '2.0',
  routeKey: 'POST /speke/v2.0/copyProtection',
  rawPath: '/prod/speke/v2.0/copyProtection',
  rawQueryString: '',
  headers: { 'content-type': 'application/xml', 'x-speke-version': '2.0' },
  requestContext: {
    accountId: '123456789012',
    apiId: 'a1b2c3d4e5',
    domainName: 'a1b2c3d4e5.execute-api.us-east-1.amazonaws.com',
    domainPrefix: 'a1b2c3d4e5',
    http: {
      method: 'POST',
      path: '/prod/speke/v2.0/copyProtection',
      protocol: 'HTTP/1.1',
      sourceIp: '198.51.100.23',
      userAgent: 'AWS Elemental MediaPackage',
    },
    requestId: 'JKJaXmPLvHcESHA=',
    routeKey: 'POST /speke/v2.0/copyProtection',
    stage: 'prod',
    time: '25/Nov/2025:10:00:00 +0000',
    timeEpoch: 1764064800000,
  },
  body: Buffer.from(cpix).toString('base64'),
  isBase64Encoded: true,
};

const result = await handler(event);
assert.equal(result.statusCode, 200);
assert.equal(result.headers?.['x-speke-version'], '2.0');
assert.match(result.body, /<pskc:PlainValue>[A-Za-z0-9+/]{22}==<\/pskc:PlainValue>/);
assert.match(result.body, /<cpix:PSSH>AAA/);
