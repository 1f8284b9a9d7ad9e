import { parseCpix } from '@cpixkit/cpix-model';
import { deriveContentKey, deriveIv } from '@cpixkit/key-seed';
import { describe, expect, it } from 'vitest';
import { vectorCases } from '../../../tooling/src/fixtures.js';
import { validateAgainstXsd } from '../../cpix-model/test/xsd.js';
import { checkAnswer } from '../test/decode.js';
import { MemoryKeyStore, seed, TEST_KEY_SEED, TEST_SECRET, testTenant } from '../test/fixtures.js';
import { spekeV2Request, TWO_KEYS } from '../test/requests.js';
import { createKeyService, type KeyServiceRequest } from './index.js';

const BASE_URL = 'https://keys.example.com';
const text = (bytes: Uint8Array | undefined): string => Buffer.from(bytes ?? []).toString('utf8');
const b64 = (bytes: Uint8Array | undefined): string => Buffer.from(bytes ?? []).toString('base64');

/** Axinom's SPEKE 2.0 request without its FairPlay DRMSystems (which it asks for with cenc keys). */
const axinomWithoutFairPlay = (): string =>
  seed('axinomSpekeV2Request').replace(
    /<cpix:DRMSystem kid="[^"]+" systemId="94ce86fb[^"]*">[\s\S]*?<\/cpix:DRMSystem>\s*/g,
    '',
  );

/** Axinom's keys, so that the answer can be compared with Axinom's answer value for value. */
const axinomStore = (): MemoryKeyStore =>
  new MemoryKeyStore({
    '98ee5596-cd3e-a20d-163a-e382420c6eff': 'nFLKuNE4LJ1+eXVGiSiTvA==',
    '53abdba2-f210-43cb-bc90-f18f9a890a02': '5UUASLfS3ajx0cAUw+rzmQ==',
  });

function axinomTenant() {
  return testTenant({
    keySource: 'store',
    settings: { playReady: { headerVersion: '4.0.0.0', includeChecksum: false } },
  });
}

function request(body: string, overrides: Partial<KeyServiceRequest> = {}): KeyServiceRequest {
  return { tenant: testTenant(), dialect: 'speke-v2', body, baseUrl: BASE_URL, ...overrides };
}

describe('SPEKE v2: Axinom sample', () => {
  it('answers Widevine and PlayReady exactly as Axinom does, given Axinom keys', async () => {
    const service = createKeyService({ store: axinomStore(), userAgent: 'cpixkit-test/1' });
    const answer = await service.answer(request(axinomWithoutFairPlay(), { tenant: axinomTenant() }));
    const { document } = parseCpix(answer.body);
    const systems = document.drmSystemList!.drmSystems;
    for (const vector of vectorCases('cpix_content_protection_data')) {
      const playReady = systems.find((s) => s.kid === vector.inputs.kid && s.systemId.startsWith('9a04f079'))!;
      expect(b64(playReady.pssh)).toBe(vector.expected.pssh_b64);
      expect(text(playReady.contentProtectionData?.value)).toBe(vector.expected.content_protection_data_xml);
      expect(playReady.smoothStreamingProtectionHeaderData).toBe(vector.expected.pro_b64);
    }
    for (const vector of vectorCases('widevine_pssh').filter((v) => v.name.startsWith('axinom'))) {
      const widevine = systems.find((s) => s.kid === vector.inputs.kid && s.systemId.startsWith('edef8ba9'))!;
      expect(b64(widevine.pssh)).toBe(vector.expected.pssh_b64);
      expect(b64(widevine.contentProtectionData?.value)).toBe(vector.expected.content_protection_data_b64);
      const lines = Object.fromEntries(widevine.hlsSignalingData!.map((h) => [h.playlist, text(h.value)]));
      expect(lines).toEqual({ media: vector.expected.hls_media_line, master: vector.expected.hls_master_line });
    }
    expect(answer.headers).toEqual({
      'content-type': 'application/xml; charset=utf-8',
      'x-speke-version': '2.0',
      'x-speke-user-agent': 'cpixkit-test/1',
    });
    expect(answer.keysIssued).toBe(2);
    expect(answer.contentId).toBe('abc123');
  });

  it('answers Axinom FairPlay lines exactly once the keys are cbcs', async () => {
    const body = seed('axinomSpekeV2Request').replace(
      /commonEncryptionScheme="cenc"/g,
      'commonEncryptionScheme="cbcs"',
    );
    const answer = await createKeyService({ store: axinomStore() }).answer(request(body, { tenant: axinomTenant() }));
    const systems = parseCpix(answer.body).document.drmSystemList!.drmSystems;
    for (const vector of vectorCases('hls_line')) {
      const fairPlay = systems.find((s) => s.kid === vector.inputs.kid && s.systemId.startsWith('94ce86fb'))!;
      const lines = Object.fromEntries(fairPlay.hlsSignalingData!.map((h) => [h.playlist, b64(h.value)]));
      expect(lines).toEqual({ media: vector.expected.hls_media_b64, master: vector.expected.hls_master_b64 });
    }
  });

  it('keeps kids, schemes, usage rules and filters; writes canonical IVs, no CPIX@id, one PlainValue per key', async () => {
    const answer = await createKeyService().answer(request(axinomWithoutFairPlay()));
    expect(answer.body).not.toMatch(/<cpix:CPIX[^>]* id=/);
    expect(answer.body).toMatch(
      /^<\?xml[^>]*>\n<cpix:CPIX xmlns:cpix="urn:dashif:org:cpix" xmlns:pskc="urn:ietf:params:xml:ns:keyprov:pskc" contentId="abc123" version="2.3">/,
    );
    expect(answer.body.match(/<pskc:PlainValue>/g)).toHaveLength(2);
    const { document } = parseCpix(answer.body);
    expect(
      document.contentKeyList!.contentKeys.map((k) => [k.kid, k.commonEncryptionScheme, b64(k.explicitIV)]),
    ).toEqual([
      ['98ee5596-cd3e-a20d-163a-e382420c6eff', 'cenc', 'OFj2IjCsPJFfMAxmQxLGPw=='],
      ['53abdba2-f210-43cb-bc90-f18f9a890a02', 'cenc', 'L6jzdXrXAFbCJGBuMrrKrA=='],
    ]);
    expect(document.contentKeyUsageRuleList!.contentKeyUsageRules).toEqual([
      { kid: '98ee5596-cd3e-a20d-163a-e382420c6eff', intendedTrackType: 'VIDEO', videoFilters: [{}] },
      { kid: '53abdba2-f210-43cb-bc90-f18f9a890a02', intendedTrackType: 'AUDIO', audioFilters: [{}] },
    ]);
    expect(answer.warnings).toContainEqual(expect.objectContaining({ code: 'NON_CANONICAL_BASE64' }));
  });

  it('answers with keys from the tenant seed that every decoded signal agrees with, and validates against the 2.3 XSD', async () => {
    const service = createKeyService();
    const tenant = testTenant();
    const answer = await service.answer(request(axinomWithoutFairPlay(), { tenant }));
    const { keys, counts } = await checkAnswer(answer.body, service, tenant);
    for (const key of keys) expect(key.key).toEqual(deriveContentKey(TEST_KEY_SEED, key.kid));
    expect(counts).toStrictEqual({
      pssh: 4,
      contentProtectionData: 4,
      hls: 8,
      smoothStreaming: 2,
      uriExtXKey: 0,
      checksums: 10,
      keyUrls: 0,
    });
    const xsd = await validateAgainstXsd(answer.body, '2.3');
    expect(xsd.errors).toEqual([]);
  });
});

describe('SPEKE v2: keys, IVs and rotation', () => {
  it("reproduces the PlayReady header spec's checksum with Microsoft's test key seed", async () => {
    const [vector] = vectorCases('playready_checksum').filter((v) => v.name.startsWith('ms_header_spec'));
    const kid = String(vector!.inputs.kid);
    const body = spekeV2Request({ keys: [{ kid }], systems: [{ system: 'playready', kid, children: '<cpix:PSSH/>' }] });
    const answer = await createKeyService().answer(request(body));
    const { keys } = await checkAnswer(answer.body, createKeyService(), testTenant());
    expect(Buffer.from(keys[0]!.key).toString('hex')).toBe(vector!.expected.derived_key_hex);
    const pssh = parseCpix(answer.body).document.drmSystemList!.drmSystems[0]!.pssh!;
    expect(Buffer.from(pssh).toString('utf16le')).toContain(`<CHECKSUM>${vector!.expected.checksum_b64}</CHECKSUM>`);
  });

  it('gives each key period its own key and the same period the same key, on every instance', async () => {
    const [kid1, kid2] = TWO_KEYS;
    const body = spekeV2Request({
      keys: [
        { kid: kid1, period: 'p1' },
        { kid: kid2, period: 'p2' },
      ],
      periods: [
        { id: 'p1', index: 1 },
        { id: 'p2', index: 2 },
      ],
      systems: [
        { system: 'widevine', kid: kid1 },
        { system: 'widevine', kid: kid2 },
      ],
    });
    const first = await createKeyService().answer(request(body));
    const second = await createKeyService().answer(request(body));
    const keys = (answerBody: string) =>
      parseCpix(answerBody).document.contentKeyList!.contentKeys.map((k) => b64(k.data?.secret?.plainValue));
    expect(keys(first.body)).toEqual(keys(second.body));
    expect(new Set(keys(first.body)).size).toBe(2);
    expect(first.body).toContain('<cpix:ContentKeyPeriod id="p1" index="1"/>');
  });

  it("derives KIDs per content id, track type and period under kidPolicy 'derive', consistently across the document", async () => {
    const [kid1, kid2] = TWO_KEYS;
    const tenant = testTenant({ settings: { kidPolicy: 'derive' } });
    const body = (contentId: string) =>
      spekeV2Request({
        contentId,
        keys: [
          { kid: kid1, trackType: 'SD', period: 'p7' },
          { kid: kid2, trackType: 'AUDIO', filter: 'audio', period: 'p7' },
        ],
        periods: [{ id: 'p7', index: 7 }],
        systems: [
          { system: 'playready', kid: kid1 },
          { system: 'widevine', kid: kid2 },
        ],
      });
    const service = createKeyService();
    const answer = await service.answer(request(body('movie-1'), { tenant }));
    const { document, keys } = await checkAnswer(answer.body, service, tenant);
    const kids = keys.map((k) => k.kid);
    expect(kids).not.toContain(kid1);
    expect(document.drmSystemList!.drmSystems.map((s) => s.kid)).toEqual(kids);
    expect(document.contentKeyUsageRuleList!.contentKeyUsageRules.map((r) => r.kid)).toEqual(kids);
    const again = await service.answer(request(body('movie-1'), { tenant }));
    expect(again.body).toBe(answer.body);
    const other = await service.answer(request(body('movie-2'), { tenant }));
    expect(parseCpix(other.body).document.contentKeyList!.contentKeys.map((k) => k.kid)).not.toEqual(kids);
  });

  it("refuses, under 'derive', keys whose rules cannot tell them apart", async () => {
    const [kid1, kid2] = TWO_KEYS;
    const body = spekeV2Request({
      keys: [{ kid: kid1 }, { kid: kid2 }],
      systems: [{ system: 'widevine', kid: kid1 }],
    });
    await expect(
      createKeyService().answer(request(body, { tenant: testTenant({ settings: { kidPolicy: 'derive' } }) })),
    ).rejects.toMatchObject({
      code: 'ERR_KEY_SERVICE_KID_COLLISION',
      status: 422,
    });
  });

  it('generates a deterministic explicitIV for FairPlay keys that have none and uses it in the skd URI', async () => {
    const [kid] = TWO_KEYS;
    const body = spekeV2Request({ keys: [{ kid, scheme: 'cbcs' }], systems: [{ system: 'fairplay', kid }] });
    const answer = await createKeyService().answer(request(body));
    const key = parseCpix(answer.body).document.contentKeyList!.contentKeys[0]!;
    expect(key.explicitIV).toEqual(deriveIv(TEST_SECRET, { kid }));
    const line = text(parseCpix(answer.body).document.drmSystemList!.drmSystems[0]!.hlsSignalingData![0]!.value);
    expect(line).toContain(`skd://${kid}:${Buffer.from(key.explicitIV!).toString('hex').toUpperCase()}`);
  });

  it('answers HLS AES-128 with signed key URLs that deliver the very key', async () => {
    const [kid] = TWO_KEYS;
    const now = new Date('2026-01-01T00:00:00Z');
    const service = createKeyService({ now: () => now });
    const tenant = testTenant();
    const body = spekeV2Request({ keys: [{ kid, scheme: 'cbcs' }], systems: [{ system: 'aes128', kid }] });
    const answer = await service.answer(request(body, { tenant }));
    const { counts } = await checkAnswer(answer.body, service, tenant);
    expect(counts.keyUrls).toBe(2);
    const line = text(parseCpix(answer.body).document.drmSystemList!.drmSystems[0]!.hlsSignalingData![0]!.value);
    const exp = Math.floor(now.getTime() / 1000) + tenant.settings.aes128.keyUrlTtlSeconds;
    expect(line).toMatch(
      new RegExp(
        `^#EXT-X-KEY:METHOD=AES-128,URI="${BASE_URL}/keys/acme/${kid}\\?exp=${exp}&sig=[A-Za-z0-9_-]{43}",IV=0x[0-9A-F]{32}$`,
      ),
    );
  });

  it('fills only what a DRMSystem asks for, and everything it supports when it asks for nothing', async () => {
    const [kid] = TWO_KEYS;
    const body = spekeV2Request({
      keys: [{ kid }],
      systems: [
        { system: 'playready', kid, children: '<cpix:PSSH/>' },
        { system: 'widevine', kid, children: '' },
      ],
    });
    const systems = parseCpix((await createKeyService().answer(request(body))).body).document.drmSystemList!.drmSystems;
    expect(Object.keys(systems[0]!).sort()).toEqual(['kid', 'pssh', 'systemId']);
    expect(Object.keys(systems[1]!).sort()).toEqual([
      'contentProtectionData',
      'hlsSignalingData',
      'kid',
      'pssh',
      'systemId',
    ]);
  });

  it('writes a 4.3.0.0 AESCBC PlayReady header for cbcs keys and says so', async () => {
    const [kid] = TWO_KEYS;
    const body = spekeV2Request({
      keys: [{ kid, scheme: 'cbcs' }],
      systems: [{ system: 'playready', kid, children: '<cpix:PSSH/>' }],
    });
    const answer = await createKeyService().answer(request(body));
    expect(answer.warnings).toContainEqual(expect.objectContaining({ code: 'PLAYREADY_HEADER_4_3' }));
    await checkAnswer(answer.body, createKeyService(), testTenant());
  });
});
