import { describe, expect, it } from 'vitest';
import { testTenant } from '../test/fixtures.js';
import { SYSTEM, spekeV2Request } from '../test/requests.js';
import { createKeyService, type Dialect, defaultTenantSettings, KeyServiceError, type Tenant } from './index.js';

// The answer size bound to the byte, for one DRMSystem of each kind: the request's size, 512 bytes
// per content key, three times the content id, 384 per DRMSystem, and per slot the base64 of the
// signalling object's bound (see answer-budget.ts for the constants). A bound off by any amount,
// larger or smaller, fails here.

const KID = '11111111-2222-3333-4444-555555555555';
const BASE_URL = 'https://keys.example.com';
const CONTENT_ID = 'movie-1';
const base64Length = (bytes: number) => Math.ceil(bytes / 3) * 4;

/** The refusal with a one-byte limit, which states the bound, as [code, status, message]. */
async function refusal(tenant: Tenant, body: string, dialect: Dialect = 'speke-v2'): Promise<[string, number, string]> {
  const tiny = { ...tenant, settings: { ...tenant.settings, maxAnswerBytes: 1 } };
  const error = await createKeyService()
    .answer({ tenant: tiny, dialect, body, baseUrl: BASE_URL })
    .then(
      () => expect.unreachable('the request was answered'),
      (caught: unknown) => caught,
    );
  expect(error).toBeInstanceOf(KeyServiceError);
  const { code, status, message } = error as KeyServiceError;
  return [code, status, message];
}

function expected(body: string, systemBytes: number): [string, number, string] {
  const bound = Buffer.byteLength(body) + 512 + 3 * CONTENT_ID.length + 384 + systemBytes;
  return [
    'ERR_KEY_SERVICE_ANSWER_TOO_LARGE',
    413,
    `the answer to this request could take ${bound} bytes (content id of ${CONTENT_ID.length} bytes, 1 keys, 1 DRM systems); at most 1 per answer`,
  ];
}

const request = (system: keyof typeof SYSTEM, children: string, scheme = 'cenc') =>
  spekeV2Request({ keys: [{ kid: KID, scheme }], systems: [{ system, kid: KID, children }] });

/** A SPEKE v1 or PallyCon request (`CPIX@id`) of one key and one DRMSystem. */
const idRequest = (system: keyof typeof SYSTEM, children: string) =>
  `<cpix:CPIX id="${CONTENT_ID}" xmlns:cpix="urn:dashif:org:cpix" xmlns:pskc="urn:ietf:params:xml:ns:keyprov:pskc" xmlns:speke="urn:aws:amazon:com:speke">` +
  `<cpix:ContentKeyList><cpix:ContentKey kid="${KID}"/></cpix:ContentKeyList>` +
  `<cpix:DRMSystemList><cpix:DRMSystem kid="${KID}" systemId="${SYSTEM[system]}">${children}</cpix:DRMSystem></cpix:DRMSystemList></cpix:CPIX>`;

describe('the answer size bound, to the byte', () => {
  it('Widevine PSSH: the box bound is 96 bytes and the track type plus 8', async () => {
    const body = request('widevine', '<cpix:PSSH/>');
    const object = 96 + 'VIDEO'.length + 8;
    expect(await refusal(testTenant(), body)).toStrictEqual(expected(body, base64Length(object)));
  });

  it('Widevine PSSH and ContentProtectionData with a content id and provider in the data', async () => {
    const defaults = defaultTenantSettings();
    const tenant = testTenant({
      settings: { widevine: { ...defaults.widevine, contentId: 'cpix-id', provider: 'acme' } },
    });
    const body = request('widevine', '<cpix:PSSH/><cpix:ContentProtectionData/>');
    const object = 96 + (CONTENT_ID.length + 16) + 'acme'.length + 'VIDEO'.length + 8;
    const slots = base64Length(object) + base64Length(2 * base64Length(object) + 128);
    expect(await refusal(tenant, body)).toStrictEqual(expected(body, slots));
  });

  it('PlayReady PSSH: the header bound grows six times the configured URL, in UTF-16', async () => {
    const defaults = defaultTenantSettings();
    const laUrl = 'https://la.example/p';
    const tenant = testTenant({ settings: { playReady: { ...defaults.playReady, laUrl } } });
    const body = request('playready', '<cpix:PSSH/>');
    const object = 64 + 2 * (512 + 6 * laUrl.length + 64);
    expect(await refusal(tenant, body)).toStrictEqual(expected(body, base64Length(object)));
  });

  it('FairPlay HLS media line: the content id counted three times per copy the URI holds', async () => {
    const body = request('fairplay', '<cpix:HLSSignalingData playlist="media"/>', 'cbcs');
    const line = (object: number) => base64Length(256 + base64Length(object));
    expect(await refusal(testTenant(), body)).toStrictEqual(expected(body, line(256)));
    const template = 'skd://fps.example/{contentId}/{kidHex}/{contentId}';
    const templated = testTenant({ settings: { fairPlay: { uriForm: 'template', uriTemplate: template } } });
    expect(await refusal(templated, body)).toStrictEqual(
      expected(body, line(256 + template.length + 3 * CONTENT_ID.length * 2)),
    );
    const live = testTenant({ settings: { fairPlay: { uriForm: 'content-period' } } });
    expect(await refusal(live, body)).toStrictEqual(expected(body, line(256 + 3 * CONTENT_ID.length)));
  });

  it('HLS AES-128 media line: the key URL base and the tenant id escaped', async () => {
    const body = request('aes128', '<cpix:HLSSignalingData playlist="media"/>', 'cbcs');
    const line = (object: number) => base64Length(256 + base64Length(object));
    expect(await refusal(testTenant(), body)).toStrictEqual(
      expected(body, line(256 + BASE_URL.length + 3 * 'acme'.length)),
    );
    const defaults = defaultTenantSettings();
    const keyUriBase = 'https://cdn.example/k';
    const cdn = testTenant({ settings: { aes128: { ...defaults.aes128, allowDrmKeys: true, keyUriBase } } });
    expect(await refusal(cdn, body)).toStrictEqual(expected(body, line(256 + keyUriBase.length + 3 * 'acme'.length)));
  });
  it('PlayReady PSSH, Smooth Streaming and speke:ProtectionHeader: every configured URL six times, the attributes once', async () => {
    const defaults = defaultTenantSettings();
    const playReady = {
      ...defaults.playReady,
      laUrl: 'https://la.example/p',
      luiUrl: 'https://lui.example/ui',
      dsId: 'AH+03juKbUGbHl1V/QIwRA==',
      customAttributes: '<a>b</a>',
    };
    const tenant = testTenant({ settings: { playReady } });
    const object = 64 + 2 * (512 + 6 * (20 + 22 + 24) + 8 + 64);
    const body = request('playready', '<cpix:PSSH/><cpix:SmoothStreamingProtectionHeaderData/>');
    expect(await refusal(tenant, body)).toStrictEqual(expected(body, 2 * base64Length(object)));
    const v1 = idRequest('playready', '<cpix:PSSH/><speke:ProtectionHeader/>');
    expect(await refusal(tenant, v1, 'speke-v1')).toStrictEqual(expected(v1, 2 * base64Length(object)));
  });

  it('FairPlay URIExtXKey, speke:KeyFormat and speke:KeyFormatVersions (SPEKE v1), and PallyCon’s content id in the URI', async () => {
    const body = idRequest('fairplay', '<cpix:URIExtXKey/><speke:KeyFormat/><speke:KeyFormatVersions/>');
    expect(await refusal(testTenant(), body, 'speke-v1')).toStrictEqual(expected(body, base64Length(256) + 256 + 256));
    const pallyCon = idRequest('fairplay', '<cpix:URIExtXKey/>');
    expect(await refusal(testTenant(), pallyCon, 'pallycon-v1')).toStrictEqual(
      expected(pallyCon, base64Length(256 + 3 * CONTENT_ID.length)),
    );
  });

  it('ClearKey and the common PSSH: the server origin and the tenant id escaped', async () => {
    const object = 256 + BASE_URL.length + 3 * 'acme'.length;
    const tenant = testTenant({ settings: { clearKey: { enabled: true } } });
    for (const system of ['clearkey', 'common'] as const) {
      const body = request(system, '<cpix:PSSH/>');
      expect(await refusal(tenant, body)).toStrictEqual(expected(body, base64Length(object)));
    }
  });
});
