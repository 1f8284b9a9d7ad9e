import { parseCpix } from '@cpixkit/cpix-model';
import { describe, expect, it } from 'vitest';
import { testTenant } from '../test/fixtures.js';
import { SYSTEM, spekeV2Request, TWO_KEYS } from '../test/requests.js';
import { createKeyService, type Dialect, KeyServiceError, type Tenant } from './index.js';

// The answer as a whole: what the engine echoes, the IVs it writes, the values each system gets,
// and the warnings and refusals of the answer step with their code, status and whole message.

const [KID, KID2] = TWO_KEYS;
const BASE_URL = 'https://keys.example.com';
const ROOT = 'xmlns:cpix="urn:dashif:org:cpix" xmlns:pskc="urn:ietf:params:xml:ns:keyprov:pskc"';
const text = (bytes: Uint8Array | undefined): string => Buffer.from(bytes ?? []).toString('utf8');

function answer(dialect: Dialect, body: string, tenant: Tenant = testTenant()) {
  return createKeyService().answer({ tenant, dialect, body, baseUrl: BASE_URL });
}

async function refusal(dialect: Dialect, body: string, tenant: Tenant = testTenant()) {
  const error = await answer(dialect, body, tenant).then(
    () => expect.unreachable('answered'),
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(KeyServiceError);
  const { code, status, message } = error as KeyServiceError;
  return [code, status, message];
}

describe('what the answer echoes', () => {
  it('echoes CPIX@name beside the content id', async () => {
    const body = spekeV2Request({
      keys: [{ kid: KID }],
      systems: [{ system: 'widevine', kid: KID, children: '<cpix:PSSH/>' }],
    }).replace('contentId="movie-1"', 'contentId="movie-1" name="Movie One"');
    const { document } = parseCpix((await answer('speke-v2', body)).body);
    expect([document.contentId, document.name, document.id]).toStrictEqual(['movie-1', 'Movie One', undefined]);
  });

  it('warns when the content id echoed in CPIX@id is not an XML id, and only then', async () => {
    const ateme = await createKeyService().answer({
      tenant: testTenant(),
      dialect: 'anevia',
      params: { format: 'dash', contentId: '42' },
      baseUrl: BASE_URL,
    });
    expect(ateme.body).toContain(' id="42"');
    expect(ateme.warnings).toStrictEqual([
      {
        code: 'ID_NOT_NCNAME',
        path: '/CPIX/@id',
        message: 'the content id is echoed in CPIX@id although it is not an XML id, so the answer is not schema-valid',
      },
    ]);
    const speke = await answer(
      'speke-v2',
      spekeV2Request({
        contentId: '42',
        keys: [{ kid: KID }],
        systems: [{ system: 'widevine', kid: KID, children: '<cpix:PSSH/>' }],
      }),
    );
    expect(speke.warnings).toStrictEqual([]);
  });
});

describe('explicitIV', () => {
  it('is written under SPEKE only for keys whose signalling carries it (FairPlay here, not Widevine)', async () => {
    const body = spekeV2Request({
      keys: [
        { kid: KID, scheme: 'cbcs' },
        { kid: KID2, filter: 'audio' },
      ],
      systems: [
        { system: 'fairplay', kid: KID },
        { system: 'widevine', kid: KID2, children: '<cpix:PSSH/>' },
      ],
    });
    const keys = parseCpix((await answer('speke-v2', body)).body).document.contentKeyList!.contentKeys;
    expect(keys.map((key) => key.explicitIV?.length)).toStrictEqual([16, undefined]);
  });
});

describe('the values of each system', () => {
  it("writes PallyCon's FairPlay URI of a key of a key period with its content id and period index", async () => {
    const body =
      `<cpix:CPIX id="live-1" ${ROOT}><cpix:ContentKeyList><cpix:ContentKey kid="${KID}"/></cpix:ContentKeyList>` +
      `<cpix:DRMSystemList><cpix:DRMSystem kid="${KID}" systemId="${SYSTEM.fairplay}"><cpix:URIExtXKey/></cpix:DRMSystem></cpix:DRMSystemList>` +
      '<cpix:ContentKeyPeriodList><cpix:ContentKeyPeriod id="p" index="26"/></cpix:ContentKeyPeriodList>' +
      `<cpix:ContentKeyUsageRuleList><cpix:ContentKeyUsageRule kid="${KID}" intendedTrackType="HD"><cpix:KeyPeriodFilter periodId="p"/></cpix:ContentKeyUsageRule></cpix:ContentKeyUsageRuleList></cpix:CPIX>`;
    const { document } = parseCpix((await answer('pallycon-v2', body)).body);
    expect(text(document.drmSystemList!.drmSystems[0]!.uriExtXKey)).toBe('skd://live-1000000000000001a');
  });

  it('gives each HLS playlist its own line: EXT-X-KEY for media, EXT-X-SESSION-KEY for master', async () => {
    const body = spekeV2Request({
      keys: [{ kid: KID }],
      systems: [
        {
          system: 'widevine',
          kid: KID,
          children: '<cpix:HLSSignalingData playlist="media"/><cpix:HLSSignalingData playlist="master"/>',
        },
      ],
    });
    const { document } = parseCpix((await answer('speke-v2', body)).body);
    const signaling = document.drmSystemList!.drmSystems[0]!.hlsSignalingData!;
    expect(signaling.map((data) => [data.playlist, text(data.value).split(':')[0]])).toStrictEqual([
      ['media', '#EXT-X-KEY'],
      ['master', '#EXT-X-SESSION-KEY'],
    ]);
  });

  it('refuses PlayReady for a key of a scheme it cannot decrypt', async () => {
    const body = spekeV2Request({
      keys: [{ kid: KID, scheme: 'cens' }],
      systems: [{ system: 'playready', kid: KID, children: '<cpix:PSSH/>' }],
    });
    expect(await refusal('speke-v2', body)).toStrictEqual([
      'ERR_KEY_SERVICE_UNSUPPORTED_SCHEME',
      422,
      `DRMSystem[1]: PlayReady decrypts cenc and cbcs keys; kid ${KID} is cens`,
    ]);
  });

  it('says once per answer that cbcs keys got a 4.3.0.0 PlayReady header instead of the configured one', async () => {
    const body = spekeV2Request({
      keys: [
        { kid: KID, scheme: 'cbcs' },
        { kid: KID2, scheme: 'cbcs', filter: 'audio' },
      ],
      systems: [
        { system: 'playready', kid: KID, children: '<cpix:PSSH/>' },
        { system: 'playready', kid: KID2, children: '<cpix:PSSH/>' },
      ],
    });
    const tenant = testTenant();
    expect((await answer('speke-v2', body, tenant)).warnings).toStrictEqual([
      {
        code: 'PLAYREADY_HEADER_4_3',
        path: 'DRMSystem[1]',
        message: `cbcs keys need a 4.3.0.0 PlayReady header (AESCBC); written instead of ${tenant.settings.playReady.headerVersion}`,
      },
    ]);
    expect(tenant.settings.playReady.headerVersion).not.toBe('4.3.0.0');
  });
});
