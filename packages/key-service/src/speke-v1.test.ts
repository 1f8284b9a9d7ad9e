import { parseCpix } from '@cpixkit/cpix-model';
import { deriveIv } from '@cpixkit/key-seed';
import { describe, expect, it } from 'vitest';
import { validateAgainstXsd } from '../../cpix-model/test/xsd.js';
import { checkAnswer } from '../test/decode.js';
import { seed, TEST_SECRET, testTenant } from '../test/fixtures.js';
import { answerShape, seedShape } from '../test/shape.js';
import { createKeyService } from './index.js';

const BASE_URL = 'https://keys.example.com';
const text = (bytes: Uint8Array | undefined): string => Buffer.from(bytes ?? []).toString('utf8');

describe('SPEKE v1', () => {
  const service = createKeyService({ userAgent: 'cpixkit-test/1' });
  const tenant = testTenant();
  const answer = (body: string) => service.answer({ tenant, dialect: 'speke-v1', body, baseUrl: BASE_URL });

  for (const [request, response] of [
    ['awsLiveRequest', 'awsLiveResponse'],
    ['awsVodRequest', 'awsVodResponse'],
  ] as const) {
    it(`answers the AWS spec's ${request} with the shape of its sample response, element by element`, async () => {
      const reply = await answer(seed(request));
      expect(answerShape(reply.body)).toEqual(seedShape(seed(response)));
      expect(reply.headers).toEqual({
        'content-type': 'application/xml; charset=utf-8',
        'speke-user-agent': 'cpixkit-test/1',
      });
    });
  }

  it('answers AWS signalling that decodes consistently: PSSH, ProtectionHeader, skd and key URIs, KEYFORMATs', async () => {
    const reply = await answer(seed('awsLiveRequest'));
    const { document, counts } = await checkAnswer(reply.body, service, tenant);
    expect(counts).toStrictEqual({
      pssh: 2,
      contentProtectionData: 0,
      hls: 0,
      smoothStreaming: 1,
      uriExtXKey: 2,
      checksums: 2,
      keyUrls: 1,
    });
    const [aes128, fairPlay] = document.drmSystemList!.drmSystems;
    expect([text(aes128!.speke?.keyFormat), text(aes128!.speke?.keyFormatVersions)]).toEqual(['identity', '1']);
    expect([text(fairPlay!.speke?.keyFormat), text(fairPlay!.speke?.keyFormatVersions)]).toEqual([
      'com.apple.streamingkeydelivery',
      '1',
    ]);
    expect(text(fairPlay!.uriExtXKey)).toBe(
      'skd://98ee5596-cd3e-a20d-163a-e382420c6eff:3858F62230AC3C97C5300C664312C63F',
    );
  });

  it('echoes CPIX@id and the request explicitIV, declares the speke prefix on the root and writes no version', async () => {
    const reply = await answer(seed('awsLiveRequest'));
    expect(reply.body).toMatch(
      /^<\?xml[^>]*>\n<cpix:CPIX xmlns:cpix="urn:dashif:org:cpix" xmlns:pskc="urn:ietf:params:xml:ns:keyprov:pskc" xmlns:speke="urn:aws:amazon:com:speke" id="abc123">/,
    );
    expect(reply.body).toContain('explicitIV="OFj2IjCsPJfFMAxmQxLGPw=="');
    expect(reply.contentId).toBe('abc123');
    expect((await validateAgainstXsd(reply.body, '2.3')).errors).toEqual([]);
  });

  it("answers Axinom's SPEKE 1.0 sample like Axinom, with the signalling of each DRMSystem filled in", async () => {
    const reply = await answer(seed('axinomSpekeV1Request'));
    const ours = answerShape(reply.body);
    const axinom = seedShape(seed('axinomSpekeV1Response'));
    // Axinom returns its DRMSystems as bare as they were asked for (and in another order); the engine
    // keeps the request's order and fills what SPEKE v1 has for each.
    const systemIds = (shape: typeof ours) => shape.drmSystems.map((s) => s.systemId).sort();
    expect({ ...ours, drmSystems: systemIds(ours) }).toEqual({ ...axinom, drmSystems: systemIds(axinom) });
    expect(ours.drmSystems.map((s) => s.elements)).toEqual([
      ['URIExtXKey', 'speke:keyFormat', 'speke:keyFormatVersions'],
      ['PSSH', 'speke:protectionHeader'],
      ['PSSH'],
    ]);
    await checkAnswer(reply.body, service, tenant);
  });

  it('generates explicitIV for FairPlay keys deterministically when the request has none', async () => {
    const reply = await answer(seed('axinomSpekeV1Request'));
    const key = parseCpix(reply.body).document.contentKeyList!.contentKeys[0]!;
    expect(key.explicitIV).toEqual(deriveIv(TEST_SECRET, { kid: 'af1ed63c-5784-460b-9e51-309dd47b7d9c' }));
    expect((await answer(seed('axinomSpekeV1Request'))).body).toBe(reply.body);
  });

  it('gives the key of a rotating period a Widevine crypto_period_index', async () => {
    const reply = await answer(seed('axinomSpekeV1Request'));
    const widevine = parseCpix(reply.body).document.drmSystemList!.drmSystems[2]!;
    // 0x38 = field 7 (crypto_period_index), varint 213 = d5 01.
    expect(Buffer.from(widevine.pssh!).toString('hex')).toMatch(/38d501$/);
  });
});
