import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, testTenant } from './helpers.js';

const NS = 'xmlns:cpix="urn:dashif:org:cpix" xmlns:pskc="urn:ietf:params:xml:ns:keyprov:pskc"';
const KID_A = '98ee5596-cd3e-a20d-163a-e382420c6eff';
const KID_B = '53abdba2-f210-43cb-bc90-f18f9a890a02';
const WIDEVINE = 'edef8ba9-79d6-4ace-a3c8-27dcd51d21ed';
const FAIRPLAY = '94ce86fb-07ff-4f43-adb8-93d2fa968ca2';

/** A SPEKE v2 request with the given parts (valid when every part is left at its default; '' leaves a list out). */
function spekeV2(parts: { root?: string; keys?: string; drm?: string; rules?: string; before?: string } = {}): string {
  const keys = parts.keys ?? `<cpix:ContentKey kid="${KID_A}" commonEncryptionScheme="cenc"/>`;
  const drm = parts.drm ?? `<cpix:DRMSystem kid="${KID_A}" systemId="${WIDEVINE}"><cpix:PSSH/></cpix:DRMSystem>`;
  const rules =
    parts.rules ??
    `<cpix:ContentKeyUsageRule kid="${KID_A}" intendedTrackType="VIDEO"><cpix:VideoFilter/></cpix:ContentKeyUsageRule>`;
  return `${parts.before ?? '<?xml version="1.0" encoding="UTF-8"?>'}
<cpix:CPIX ${parts.root ?? 'contentId="abc123" version="2.3"'} ${NS}>
  ${keys === '' ? '' : `<cpix:ContentKeyList>${keys}</cpix:ContentKeyList>`}
  ${drm === '' ? '' : `<cpix:DRMSystemList>${drm}</cpix:DRMSystemList>`}
  ${rules === '' ? '' : `<cpix:ContentKeyUsageRuleList>${rules}</cpix:ContentKeyUsageRuleList>`}
</cpix:CPIX>`;
}

const acme = testTenant('acme', { settings: { maxKeysPerRequest: 2 } });
let app: FastifyInstance;
beforeAll(async () => {
  app = testApp([acme]);
  await app.ready();
});
afterAll(() => app.close());

async function post(body: string) {
  return app.inject({
    method: 'POST',
    url: '/speke/v2.0/copyProtection',
    headers: { authorization: `Bearer ${acme.token}`, 'x-speke-version': '2.0', 'content-type': 'application/xml' },
    payload: body,
  });
}

describe('the valid baseline', () => {
  it('is answered', async () => {
    const response = await post(spekeV2());
    expect(response.statusCode, response.body).toBe(200);
  });
});

describe('each bad request gets its specific 4xx with a one-line reason', () => {
  const TWO_KEYS = `<cpix:ContentKey kid="${KID_A}" commonEncryptionScheme="cenc"/><cpix:ContentKey kid="${KID_B}" commonEncryptionScheme="cenc"/>`;
  const cases: [string, string, number, string][] = [
    ['an empty body', '', 400, 'ERR_KEY_SERVICE_EMPTY_BODY'],
    ['a body that is not XML', 'this is not xml', 400, 'ERR_KEY_SERVICE_NOT_XML'],
    [
      'a DOCTYPE with entities',
      spekeV2({ before: '<?xml version="1.0"?><!DOCTYPE CPIX [<!ENTITY boom "boom">]>' }),
      400,
      'ERR_KEY_SERVICE_DTD_FORBIDDEN',
    ],
    ['a wrong root element', `<cpix:Document ${NS}/>`, 400, 'ERR_KEY_SERVICE_NOT_CPIX'],
    [
      'an unsupported CPIX version',
      spekeV2({ root: 'contentId="abc123" version="9.9"' }),
      422,
      'ERR_KEY_SERVICE_UNSUPPORTED_VERSION',
    ],
    ['no ContentKeyList', spekeV2({ keys: '' }), 422, 'ERR_KEY_SERVICE_MISSING_LIST'],
    ['no DRMSystemList', spekeV2({ drm: '' }), 422, 'ERR_KEY_SERVICE_MISSING_LIST'],
    ['no ContentKeyUsageRuleList (SPEKE v2)', spekeV2({ rules: '' }), 422, 'ERR_KEY_SERVICE_MISSING_LIST'],
    [
      'a usage rule without a filter',
      spekeV2({
        rules: `<cpix:ContentKeyUsageRule kid="${KID_A}" intendedTrackType="VIDEO"></cpix:ContentKeyUsageRule>`,
      }),
      422,
      'ERR_KEY_SERVICE_RULE_WITHOUT_FILTER',
    ],
    [
      'intendedTrackType ALL mixed with other rules',
      spekeV2({
        keys: TWO_KEYS,
        drm: `<cpix:DRMSystem kid="${KID_A}" systemId="${WIDEVINE}"><cpix:PSSH/></cpix:DRMSystem><cpix:DRMSystem kid="${KID_B}" systemId="${WIDEVINE}"><cpix:PSSH/></cpix:DRMSystem>`,
        rules: `<cpix:ContentKeyUsageRule kid="${KID_A}" intendedTrackType="ALL"><cpix:VideoFilter/></cpix:ContentKeyUsageRule><cpix:ContentKeyUsageRule kid="${KID_B}" intendedTrackType="AUDIO"><cpix:AudioFilter/></cpix:ContentKeyUsageRule>`,
      }),
      422,
      'ERR_KEY_SERVICE_ALL_NOT_ALONE',
    ],
    [
      'FairPlay for a cenc key',
      spekeV2({
        drm: `<cpix:DRMSystem kid="${KID_A}" systemId="${FAIRPLAY}"><cpix:HLSSignalingData playlist="media"/></cpix:DRMSystem>`,
      }),
      422,
      'ERR_KEY_SERVICE_FAIRPLAY_NEEDS_CBCS',
    ],
    [
      'an unknown systemId',
      spekeV2({
        drm: `<cpix:DRMSystem kid="${KID_A}" systemId="11111111-2222-3333-4444-555555555555"><cpix:PSSH/></cpix:DRMSystem>`,
      }),
      422,
      'ERR_KEY_SERVICE_UNSUPPORTED_SYSTEM',
    ],
    [
      'a DRMSystem for a kid not in ContentKeyList',
      spekeV2({ drm: `<cpix:DRMSystem kid="${KID_B}" systemId="${WIDEVINE}"><cpix:PSSH/></cpix:DRMSystem>` }),
      422,
      'ERR_KEY_SERVICE_UNKNOWN_KID',
    ],
    [
      'a duplicate kid',
      spekeV2({
        keys: `<cpix:ContentKey kid="${KID_A}" commonEncryptionScheme="cenc"/><cpix:ContentKey kid="${KID_A}" commonEncryptionScheme="cenc"/>`,
      }),
      422,
      'ERR_KEY_SERVICE_DUPLICATE_KID',
    ],
    [
      'an explicitIV that is not base64',
      spekeV2({ keys: `<cpix:ContentKey kid="${KID_A}" explicitIV="not*base64!" commonEncryptionScheme="cenc"/>` }),
      422,
      'ERR_KEY_SERVICE_INVALID_BASE64',
    ],
    [
      'a kid that is not a UUID',
      spekeV2({
        keys: '<cpix:ContentKey kid="not-a-uuid" commonEncryptionScheme="cenc"/>',
        drm: `<cpix:DRMSystem kid="not-a-uuid" systemId="${WIDEVINE}"><cpix:PSSH/></cpix:DRMSystem>`,
        rules:
          '<cpix:ContentKeyUsageRule kid="not-a-uuid" intendedTrackType="VIDEO"><cpix:VideoFilter/></cpix:ContentKeyUsageRule>',
      }),
      422,
      'ERR_KEY_SERVICE_INVALID_UUID',
    ],
    [
      'more keys than the tenant allows',
      spekeV2({
        keys: [KID_A, KID_B, '6bac8ec3-0ee3-379f-3d21-290b3a2bc9c3']
          .map((kid) => `<cpix:ContentKey kid="${kid}" commonEncryptionScheme="cenc"/>`)
          .join(''),
      }),
      413,
      'ERR_KEY_SERVICE_TOO_MANY_KEYS',
    ],
  ];

  it.each(cases)('%s', async (_name, body, status, code) => {
    const response = await post(body);
    expect(response.statusCode, response.body).toBe(status);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.headers['x-cpixkit-error']).toBe(code);
    // One line: `<code>: <reason>`, the code repeated in the header.
    expect(response.body).toMatch(/^ERR_[A-Z0-9_]+: [^\n]+\n$/);
    expect(response.body.startsWith(`${response.headers['x-cpixkit-error']}: `)).toBe(true);
    expect(response.body).not.toContain(acme.token);
  });
});
