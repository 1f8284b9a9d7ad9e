import { parseCpix } from '@cpixkit/cpix-model';
import { deriveKeyId } from '@cpixkit/key-seed';
import { decodeWidevinePsshData, parsePsshBox } from '@cpixkit/pssh';
import { describe, expect, it } from 'vitest';
import { validateAgainstXsd } from '../../cpix-model/test/xsd.js';
import { checkAnswer } from '../test/decode.js';
import { type SeedName, seed, TEST_SECRET, testTenant } from '../test/fixtures.js';
import { answerShape, type CpixShape, seedShape } from '../test/shape.js';
import { createKeyService, type Dialect, defaultTenantSettings } from './index.js';

const BASE_URL = 'https://keys.example.com';
const text = (bytes: Uint8Array | undefined): string => Buffer.from(bytes ?? []).toString('utf8');
const pallyConTenant = () =>
  testTenant({
    settings: {
      widevine: {
        provider: 'inkaentworks',
        contentId: 'none',
        protectionScheme: true,
        algorithm: false,
        trackType: false,
      },
      playReady: {
        headerVersion: '4.0.0.0',
        laUrl: 'https://license.pallycon.com/ri/licenseManager.do',
        includeChecksum: true,
      },
    },
  });

/**
 * The two editions of PallyCon's guide differ in the elements of a v2 answer: 000 adds
 * `speke:ProtectionHeader` to PlayReady, 001 adds `ContentProtectionData` to Widevine. The engine
 * writes both, so each sample's elements must be found in the answer.
 */
function expectShapeCovers(ours: CpixShape, sample: CpixShape, requestHadRules: boolean): void {
  expect(ours.root).toEqual(sample.root);
  expect(ours.contentKeys).toEqual(sample.contentKeys);
  expect(ours.drmSystems.map((s) => s.systemId)).toEqual(sample.drmSystems.map((s) => s.systemId));
  ours.drmSystems.forEach((system, index) => {
    expect(system.elements).toEqual(expect.arrayContaining(sample.drmSystems[index]!.elements));
  });
  // The HLS live sample shows periods and rules the request never sent (copied from the DASH sample).
  if (requestHadRules) expect([ours.periods, ours.rules]).toEqual([sample.periods, sample.rules]);
}

const CASES: [string, SeedName, SeedName, boolean][] = [
  ['DASH live', 'pallyConDashLiveRequest', 'pallyConDashLiveResponse', true],
  ['HLS live', 'pallyConHlsLiveRequest', 'pallyConHlsLiveResponse', false],
  ['DASH VOD', 'pallyConDashVodRequest', 'pallyConDashVodResponse', false],
  ['HLS VOD + NCG AES-128', 'pallyConHlsVodRequest', 'pallyConHlsVodResponse', false],
  ['DASH VOD (2nd edition)', 'pallyCon2DashVodRequest', 'pallyCon2DashVodResponse', false],
];

describe('PallyCon CPIX API v2', () => {
  const service = createKeyService();
  const tenant = pallyConTenant();
  const answer = (name: SeedName, dialect: Dialect = 'pallycon-v2') =>
    service.answer({ tenant, dialect, body: seed(name), baseUrl: BASE_URL });

  for (const [what, request, response, hadRules] of CASES) {
    it(`answers the ${what} sample with the shape of PallyCon's answer, and every value decodes consistently`, async () => {
      const reply = await answer(request);
      expectShapeCovers(answerShape(reply.body), seedShape(seed(response)), hadRules);
      await checkAnswer(reply.body, service, tenant);
      expect((await validateAgainstXsd(reply.body, '2.3')).errors).toEqual([]);
      expect(reply.headers).toEqual({ 'content-type': 'application/xml; charset=utf-8' });
    });
  }

  it('generates the KID from content id, track type and period, and uses it everywhere', async () => {
    const reply = await answer('pallyConDashLiveRequest');
    const { document } = parseCpix(reply.body);
    const kid = deriveKeyId(TEST_SECRET, { contentId: 'cpix-test-cid', trackType: 'HD', periodIndex: 128 });
    expect(document.contentKeyList!.contentKeys.map((k) => k.kid)).toEqual([kid]);
    expect(document.drmSystemList!.drmSystems.map((s) => s.kid)).toEqual([kid, kid]);
    expect(document.contentKeyUsageRuleList!.contentKeyUsageRules.map((r) => r.kid)).toEqual([kid]);
    expect(reply.warnings).toContainEqual(
      expect.objectContaining({ code: 'KID_MAPPED_TO_ONLY_KEY', path: 'DRMSystem[2]' }),
    );
  });

  it("writes PallyCon's Widevine data and live PlayReady header: content id + period in hex, track type, PERIOD_INDEX", async () => {
    const { document } = parseCpix((await answer('pallyConDashLiveRequest')).body);
    const [playReady, widevine] = document.drmSystemList!.drmSystems;
    const data = decodeWidevinePsshData(parsePsshBox(widevine!.pssh!).data);
    expect(data).toStrictEqual({
      algorithm: 1,
      keyIds: [document.contentKeyList!.contentKeys[0]!.kid],
      provider: 'inkaentworks',
      contentId: new TextEncoder().encode('cpix-test-cid0000000000000080'),
      trackType: 'HD',
      cryptoPeriodIndex: 128,
    });
    expect(
      Buffer.from(widevine!.contentProtectionData!.value).equals(Buffer.from(parsePsshBox(widevine!.pssh!).data)),
    ).toBe(true);
    expect(Buffer.from(playReady!.pssh!).toString('utf16le')).toContain(
      '<CUSTOMATTRIBUTES><PERIOD_INDEX>128</PERIOD_INDEX></CUSTOMATTRIBUTES>',
    );
  });

  it('rotates keys: another period gets another KID and key, the same period the same ones', async () => {
    const live = seed('pallyConDashLiveRequest');
    const at = async (index: number) =>
      parseCpix(
        (
          await service.answer({
            tenant,
            dialect: 'pallycon-v2',
            body: live.replaceAll('index="128"', `index="${index}"`),
            baseUrl: BASE_URL,
          })
        ).body,
      ).document.contentKeyList!.contentKeys[0]!;
    const [a, b, c] = [await at(128), await at(129), await at(128)];
    expect(a.kid).not.toBe(b.kid);
    expect(a.data?.secret?.plainValue).not.toEqual(b.data?.secret?.plainValue);
    expect(c).toEqual(a);
  });

  it('answers HLS with the PallyCon skd forms and a base64 key URL for NCG-style AES-128', async () => {
    const { document } = parseCpix((await answer('pallyConHlsVodRequest')).body);
    const [fairPlay, aes128] = document.drmSystemList!.drmSystems;
    const kid = document.contentKeyList!.contentKeys[0]!.kid;
    expect(text(fairPlay!.uriExtXKey)).toBe(`skd://${Buffer.from(kid.replaceAll('-', ''), 'hex').toString('base64')}`);
    expect(text(aes128!.uriExtXKey)).toMatch(new RegExp(`^${BASE_URL}/keys/acme/${kid}\\?exp=\\d+&sig=`));
  });

  it('packages multi-key requests with one generated KID per track type, echoing rules and filters', async () => {
    const kids = [
      '11111111-0000-0000-0000-000000000001',
      '11111111-0000-0000-0000-000000000002',
      '11111111-0000-0000-0000-000000000003',
    ];
    const tracks = [
      ['SD', '<cpix:VideoFilter maxPixels="442368"/>'],
      ['HD', '<cpix:VideoFilter minPixels="442369" maxPixels="2073600"/>'],
      ['AUDIO', ''],
    ] as const;
    const body = `<cpix:CPIX id="multi-key" xmlns:cpix="urn:dashif:org:cpix" xmlns:pskc="urn:ietf:params:xml:ns:keyprov:pskc">
      <cpix:ContentKeyList>${kids.map((kid) => `<cpix:ContentKey kid="${kid}"/>`).join('')}</cpix:ContentKeyList>
      <cpix:DRMSystemList>${kids.map((kid) => `<cpix:DRMSystem kid="${kid}" systemId="edef8ba9-79d6-4ace-a3c8-27dcd51d21ed"/>`).join('')}</cpix:DRMSystemList>
      <cpix:ContentKeyUsageRuleList>${kids
        .map(
          (kid, i) =>
            `<cpix:ContentKeyUsageRule kid="${kid}" intendedTrackType="${tracks[i]![0]}">${tracks[i]![1]}</cpix:ContentKeyUsageRule>`,
        )
        .join('')}</cpix:ContentKeyUsageRuleList></cpix:CPIX>`;
    const reply = await service.answer({ tenant, dialect: 'pallycon-v2', body, baseUrl: BASE_URL });
    const { document } = await checkAnswer(reply.body, service, tenant);
    const expected = tracks.map(([trackType]) => deriveKeyId(TEST_SECRET, { contentId: 'multi-key', trackType }));
    expect(document.contentKeyList!.contentKeys.map((k) => k.kid)).toEqual(expected);
    expect(document.drmSystemList!.drmSystems.map((s) => s.kid)).toEqual(expected);
    expect(
      document.contentKeyUsageRuleList!.contentKeyUsageRules.map((r) => [r.kid, r.intendedTrackType, r.videoFilters]),
    ).toEqual([
      [expected[0], 'SD', [{ maxPixels: 442368 }]],
      [expected[1], 'HD', [{ minPixels: 442369, maxPixels: 2073600 }]],
      [expected[2], 'AUDIO', undefined],
    ]);
    const trackTypes = document.drmSystemList!.drmSystems.map(
      (s) => decodeWidevinePsshData(parsePsshBox(s.pssh!).data).trackType,
    );
    expect(trackTypes).toEqual(['SD', 'HD', 'AUDIO']);
  });

  it('says which asked-for elements are not part of its answer', async () => {
    const reply = await answer('pallyConHlsLiveRequest');
    expect(reply.warnings).toContainEqual(
      expect.objectContaining({ code: 'PLACEHOLDER_REMOVED', path: 'DRMSystem[1]' }),
    );
  });

  it('refuses a request without content id', async () => {
    const body = seed('pallyConDashVodRequest').replace('id="your-content-id"', '');
    await expect(service.answer({ tenant, dialect: 'pallycon-v2', body, baseUrl: BASE_URL })).rejects.toMatchObject({
      code: 'ERR_KEY_SERVICE_MISSING_CONTENT_ID',
      status: 422,
    });
  });

  it('echoes a content id that is not an XML id, and says the answer is then not schema-valid', async () => {
    const body = seed('pallyConDashVodRequest').replace('id="your-content-id"', 'id="42 answers"');
    const reply = await service.answer({ tenant, dialect: 'pallycon-v2', body, baseUrl: BASE_URL });
    expect(reply.body).toContain('id="42 answers"');
    expect(reply.warnings).toContainEqual(expect.objectContaining({ code: 'ID_NOT_NCNAME' }));
  });
});

describe('PallyCon CPIX API v1', () => {
  it('answers with PSSH and URIExtXKey only, no V2 elements', async () => {
    const service = createKeyService();
    const tenant = pallyConTenant();
    for (const name of ['pallyConDashLiveRequest', 'pallyConHlsVodRequest'] as const) {
      const reply = await service.answer({ tenant, dialect: 'pallycon-v1', body: seed(name), baseUrl: BASE_URL });
      for (const system of answerShape(reply.body).drmSystems)
        expect(system.elements).toEqual([
          system.systemId.startsWith('94ce') || system.systemId.startsWith('8137') ? 'URIExtXKey' : 'PSSH',
        ]);
      await checkAnswer(reply.body, service, tenant);
    }
  });
});

describe('ATEME NEA-DVR GET', () => {
  const service = createKeyService();
  const tenant = pallyConTenant();

  it('answers dash with the shape of the ATEME sample: one key, PlayReady and Widevine PSSH', async () => {
    const reply = await service.answer({
      tenant,
      dialect: 'anevia',
      params: { format: 'dash', contentId: 'test-cid' },
      baseUrl: BASE_URL,
    });
    expect(answerShape(reply.body)).toEqual(seedShape(seed('atemeDashResponse')));
    const { document } = await checkAnswer(reply.body, service, tenant);
    expect(document.id).toBe('test-cid');
    const data = decodeWidevinePsshData(parsePsshBox(document.drmSystemList!.drmSystems[1]!.pssh!).data);
    expect(text(data.contentId)).toBe('test-cid');
    expect(data.trackType).toBe('HD');
    // The key is the one of the track type its Widevine data names.
    expect(document.contentKeyList!.contentKeys[0]!.kid).toBe(
      deriveKeyId(TEST_SECRET, { contentId: 'test-cid', trackType: 'HD' }),
    );
  });

  it('answers hls with FairPlay, plus AES-128 when the tenant enables it (and lets the clear-key URL carry the FairPlay key)', async () => {
    const aes128 = { ...defaultTenantSettings().aes128, allowDrmKeys: true };
    const hls = (hlsAes128: boolean) =>
      service.answer({
        tenant: testTenant({ settings: { anevia: { hlsAes128 }, aes128 } }),
        dialect: 'anevia',
        params: { format: 'hls', contentId: 'test-cid' },
        baseUrl: BASE_URL,
      });
    expect(answerShape((await hls(false)).body).drmSystems).toEqual([
      { systemId: '94ce86fb-07ff-4f43-adb8-93d2fa968ca2', elements: ['URIExtXKey'] },
    ]);
    const withAes = await hls(true);
    expect(answerShape(withAes.body).drmSystems.map((s) => s.systemId)).toEqual([
      '94ce86fb-07ff-4f43-adb8-93d2fa968ca2',
      '81376844-f976-481e-a84e-cc25d39b0b33',
    ]);
    await checkAnswer(withAes.body, service, testTenant());
  });

  it('gives the same content id the same key in the DASH and HLS answers', async () => {
    const key = async (format: 'dash' | 'hls') =>
      parseCpix(
        (await service.answer({ tenant, dialect: 'anevia', params: { format, contentId: 'c1' }, baseUrl: BASE_URL }))
          .body,
      ).document.contentKeyList!.contentKeys[0]!;
    expect(await key('dash')).toEqual(await key('hls'));
  });

  it.each([
    [{ format: 'smooth' as 'dash', contentId: 'c1' }],
    [{ format: 'dash' as const }],
    [{ format: 'dash' as const, contentId: 'a"b' }],
    [{ format: 'dash' as const, contentId: 'x'.repeat(201) }],
    [undefined],
  ])('refuses bad path parameters %j with 400', async (params) => {
    await expect(
      service.answer({ tenant, dialect: 'anevia', ...(params ? { params } : {}), baseUrl: BASE_URL }),
    ).rejects.toMatchObject({
      code: 'ERR_KEY_SERVICE_INVALID_PARAMS',
      status: 400,
    });
  });
});
