import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keysOf, MS_TEST_KEY_SEED, SPEKE_V2_REQUEST, testApp, testTenant } from './helpers.js';
import { seedDocument } from '../../../tooling/src/fixtures.js';

const AXINOM_RESPONSE = seedDocument('axinomSpekeV2Response');

const SYSTEM = {
  widevine: 'edef8ba9-79d6-4ace-a3c8-27dcd51d21ed',
  playready: '9a04f079-9840-4286-ab92-e65be0885f95',
  fairplay: '94ce86fb-07ff-4f43-adb8-93d2fa968ca2',
  aes128: '81376844-f976-481e-a84e-cc25d39b0b33',
};

/** Signalling written the way Axinom's SPEKE 2.0 sample was: no checksum, no LA_URL, Widevine key_id + protection_scheme. */
const AXINOM_LIKE = {
  playReady: { headerVersion: '4.0.0.0', includeChecksum: false },
  widevine: { contentId: 'none', protectionScheme: true, algorithm: false, trackType: false },
  fairPlay: { uriForm: 'kid-iv' },
};

// The AWS SPEKE v1 and PallyCon NCG samples give one key FairPlay and HLS AES-128: allowed here.
const acme = testTenant('acme', {
  settings: { aes128: { enabled: true, keyUrlTtlSeconds: 3600, allowDrmKeys: true } },
});
const axinomLike = testTenant('axinom-like', { settings: AXINOM_LIKE });
// Microsoft's public test key seed: keys must match the published known-good value.
const msSeed = testTenant('ms-test-seed', { keySeed: MS_TEST_KEY_SEED });
const tight = testTenant('tight', { settings: { maxKeysPerRequest: 1 } });

let app: FastifyInstance;
beforeAll(async () => {
  app = testApp([acme, axinomLike, msSeed, tight], { publicUrl: 'https://keys.example.com' });
  await app.ready();
});
afterAll(() => app.close());

function speke(tenant: { token: string }, body: string, version: '1.0' | '2.0' = '2.0') {
  return app.inject({
    method: 'POST',
    url: version === '2.0' ? '/speke/v2.0/copyProtection' : '/speke/v1.0/copyProtection',
    headers: {
      authorization: `Bearer ${tenant.token}`,
      'content-type': 'application/xml',
      ...(version === '2.0' ? { 'x-speke-version': '2.0' } : {}),
    },
    payload: body,
  });
}

/** The base64 text of every `<tag>` inside the DRMSystem of (kid, systemId), in document order. */
function signalling(xml: string, kid: string, systemId: string, tag: string): string[] {
  for (const match of xml.matchAll(/<(?:\w+:)?DRMSystem\b([^>]*)>([\s\S]*?)<\/(?:\w+:)?DRMSystem>/g)) {
    const attributes = match[1]!;
    if (!attributes.includes(`kid="${kid}"`) || !attributes.toLowerCase().includes(`systemid="${systemId}"`)) continue;
    const found = [...match[2]!.matchAll(new RegExp(`<(?:\\w+:)?${tag}\\b([^>]*)>([^<]+)<`, 'g'))];
    return found.map((entry) => `${entry[1]!.trim()}|${entry[2]!.trim()}`);
  }
  return [];
}

describe('seed requests through HTTP', () => {
  it('SPEKE v2: the Axinom sample as published (FairPlay on cenc keys) is refused with 422', async () => {
    const response = await speke(axinomLike, seedDocument('axinomSpekeV2Request'));
    expect(response.statusCode).toBe(422);
    expect(response.headers['x-cpixkit-error']).toBe('ERR_KEY_SERVICE_FAIRPLAY_NEEDS_CBCS');
  });

  it('SPEKE v2 (Axinom sample, cbcs keys): 2 keys, FairPlay HLS lines equal to the sample response', async () => {
    const response = await speke(axinomLike, SPEKE_V2_REQUEST);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['x-speke-version']).toBe('2.0');
    expect(response.headers['content-type']).toMatch(/xml/);
    expect(response.headers['cache-control']).toBe('no-store');
    const keys = keysOf(response.body);
    expect([...keys.keys()].sort()).toEqual([
      '53abdba2-f210-43cb-bc90-f18f9a890a02',
      '98ee5596-cd3e-a20d-163a-e382420c6eff',
    ]);
    for (const key of keys.values()) expect(Buffer.from(key, 'base64')).toHaveLength(16);
    for (const kid of keys.keys()) {
      const ours = signalling(response.body, kid, SYSTEM.fairplay, 'HLSSignalingData').sort();
      expect(ours).toHaveLength(2);
      expect(ours).toEqual(signalling(AXINOM_RESPONSE, kid, SYSTEM.fairplay, 'HLSSignalingData').sort());
    }
    expect(response.body).toMatch(
      /ContentKeyUsageRule kid="98ee5596-cd3e-a20d-163a-e382420c6eff" intendedTrackType="VIDEO"/,
    );
  });

  it('SPEKE v2 (Axinom sample, cenc keys, PlayReady and Widevine): signalling byte-exact with the sample response', async () => {
    const request = seedDocument('axinomSpekeV2Request').replace(
      /<cpix:DRMSystem kid="[^"]+" systemId="94ce86fb[^"]*">[\s\S]*?<\/cpix:DRMSystem>/g,
      '',
    );
    const response = await speke(axinomLike, request);
    expect(response.statusCode, response.body).toBe(200);
    for (const kid of keysOf(response.body).keys()) {
      for (const [systemId, tag] of [
        [SYSTEM.widevine, 'ContentProtectionData'],
        [SYSTEM.widevine, 'HLSSignalingData'],
        [SYSTEM.playready, 'ContentProtectionData'],
      ] as const) {
        const ours = signalling(response.body, kid, systemId, tag).sort();
        expect(ours.length, `${kid} ${tag}`).toBeGreaterThan(0);
        expect(ours, `${kid} ${systemId} ${tag}`).toEqual(signalling(AXINOM_RESPONSE, kid, systemId, tag).sort());
      }
    }
  });

  it('SPEKE v1 (Axinom sample) with a key period', async () => {
    const response = await speke(acme, seedDocument('axinomSpekeV1Request'), '1.0');
    expect(response.statusCode, response.body).toBe(200);
    expect([...keysOf(response.body).keys()]).toEqual(['af1ed63c-5784-460b-9e51-309dd47b7d9c']);
    expect(response.body).toContain('keyPeriod_19d21813-874e-4804-8a56-1952722abeb5');
  });

  it('SPEKE v1 (AWS live sample) with HLS AES-128, FairPlay, Widevine and PlayReady', async () => {
    const response = await speke(acme, seedDocument('awsLiveRequest'), '1.0');
    expect(response.statusCode, response.body).toBe(200);
    expect(keysOf(response.body).size).toBe(1);
    const [uri] = signalling(response.body, '98ee5596-cd3e-a20d-163a-e382420c6eff', SYSTEM.aes128, 'URIExtXKey');
    expect(Buffer.from(uri!.split('|')[1]!, 'base64').toString()).toMatch(
      /^https:\/\/keys\.example\.com\/keys\/acme\/98ee5596-cd3e-a20d-163a-e382420c6eff\?exp=\d+&sig=[\w-]+$/,
    );
  });

  it.each([
    ['pallycon-v1', '/v1', 'pallyConDashVodRequest'],
    ['pallycon-v1', '/v1', 'pallyConHlsVodRequest'],
    ['pallycon-v2', '/v2', 'pallyConDashLiveRequest'],
    ['pallycon-v2', '/v2', 'pallyConHlsLiveRequest'],
    ['pallycon-v2', '/v2', 'pallyConDashVodRequest'],
    ['pallycon-v2', '/v2', 'pallyConHlsVodRequest'],
  ] as const)('%s %s %s', async (_dialect, prefix, name) => {
    const response = await app.inject({
      method: 'POST',
      url: `${prefix}/cpix/pallycon/getKey/${encodeURIComponent(acme.token)}`,
      headers: { 'content-type': 'text/xml' },
      payload: seedDocument(name),
    });
    expect(response.statusCode, response.body).toBe(200);
    const keys = keysOf(response.body);
    expect(keys.size).toBeGreaterThanOrEqual(1);
    // The server assigns KIDs; the request's kid is not the answer's.
    expect(keys.has('681e5b39-49f2-4dfa-b744-86573c22e6fb')).toBe(false);
    // The same request twice: the same KIDs and keys.
    const again = await app.inject({
      method: 'POST',
      url: `${prefix}/cpix/pallycon/getKey/${encodeURIComponent(acme.token)}`,
      payload: seedDocument(name),
    });
    expect(keysOf(again.body)).toEqual(keys);
  });

  it.each(['dash', 'hls'])('ATEME NEA-DVR GET %s', async (format) => {
    const response = await app.inject({
      method: 'GET',
      url: `/cpix/anevia/${format}/${encodeURIComponent(acme.token)}/test-cid`,
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.body).toMatch(/test-cid/);
    expect(keysOf(response.body).size).toBeGreaterThanOrEqual(1);
    const systems = [...response.body.matchAll(/systemId="([^"]+)"/g)].map((match) => match[1]!.toLowerCase());
    if (format === 'dash') expect(systems).toEqual(expect.arrayContaining([SYSTEM.playready, SYSTEM.widevine]));
    else expect(systems).toContain(SYSTEM.fairplay);
  });

  it("derives the published key from Microsoft's test key seed", async () => {
    const kid = '339c45b5-fb6d-4bd9-994c-eabd9d41c95b';
    const body = SPEKE_V2_REQUEST.replaceAll('98ee5596-cd3e-a20d-163a-e382420c6eff', kid)
      .replace(/<cpix:ContentKey explicitIV="L6jz[^>]*\/>/, '')
      .replace(/<cpix:DRMSystem kid="53abdba2[\s\S]*?<\/cpix:DRMSystem>/g, '')
      .replace(/<cpix:ContentKeyUsageRule kid="53abdba2[\s\S]*?<\/cpix:ContentKeyUsageRule>/, '');
    const response = await speke(msSeed, body);
    expect(response.statusCode, response.body).toBe(200);
    expect(keysOf(response.body).get(kid)).toBe('pTfNwMplhBQG1SXnvyLXVA==');
  });

  it('answers the same request with the same keys', async () => {
    const first = keysOf((await speke(acme, SPEKE_V2_REQUEST)).body);
    const second = keysOf((await speke(acme, SPEKE_V2_REQUEST)).body);
    expect(first.size).toBe(2);
    expect(second).toEqual(first);
  });
});

describe('HLS AES-128 key delivery', () => {
  async function keyUrl(): Promise<{ path: string; key: string }> {
    const response = await speke(acme, seedDocument('awsLiveRequest'), '1.0');
    const [uri] = signalling(response.body, '98ee5596-cd3e-a20d-163a-e382420c6eff', SYSTEM.aes128, 'URIExtXKey');
    const url = new URL(Buffer.from(uri!.split('|')[1]!, 'base64').toString());
    return {
      path: `${url.pathname}${url.search}`,
      key: keysOf(response.body).get('98ee5596-cd3e-a20d-163a-e382420c6eff')!,
    };
  }

  it('delivers the 16 raw key bytes for a signed URL, without a token', async () => {
    const { path, key } = await keyUrl();
    const response = await app.inject({ method: 'GET', url: path });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toBe('application/octet-stream');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.rawPayload.toString('base64')).toBe(key);
  });

  it("delivers it with the owner's token too, and refuses another tenant's token or an unknown one with 403", async () => {
    const { path } = await keyUrl();
    const own = await app.inject({ method: 'GET', url: path, headers: { authorization: `Bearer ${acme.token}` } });
    expect(own.statusCode).toBe(200);
    const other = await app.inject({ method: 'GET', url: path, headers: { authorization: `Bearer ${tight.token}` } });
    expect(other.statusCode).toBe(403);
    const unknown = await app.inject({ method: 'GET', url: path, headers: { authorization: 'Bearer nope' } });
    expect(unknown.statusCode).toBe(403);
  });

  it('answers the same 403 without a signature, for a wrong one, another tenant or an unknown tenant', async () => {
    const { path } = await keyUrl();
    const [route, query] = path.split('?') as [string, string];
    const tampered = query.replace(/sig=([\w-])/, (_m, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`);
    const answers = await Promise.all(
      [
        route,
        `${route}?${tampered}`,
        `${route.replace('/acme/', '/tight/')}?${query}`,
        `${route.replace('/acme/', '/nobody/')}?${query}`,
      ].map((url) => app.inject({ method: 'GET', url })),
    );
    expect(new Set(answers.map((answer) => `${answer.statusCode} ${answer.body}`))).toEqual(
      new Set(['403 ERR_KEY_SERVICE_INVALID_KEY_URL: the key URL is not valid\n']),
    );
  });
});
