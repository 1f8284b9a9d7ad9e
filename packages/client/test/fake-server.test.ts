import { randomBytes } from 'node:crypto';
import { type CpixDocument, parseCpix } from '@cpixkit/cpix-model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CpixClient, type CpixClientOptions, toPallyConJson } from '../src/index.js';
import { type ReceivedRequest, reply, startServer, type TestServer } from './helpers.js';
import { vectorCase } from '../../../tooling/src/fixtures.js';
import { seedDocument } from '../../../tooling/src/fixtures.js';

const TOKEN = `enc-${randomBytes(24).toString('base64')}`;
const BASIC = { username: 'acme', password: randomBytes(12).toString('hex') };
const AXINOM_KIDS = ['98ee5596-cd3e-a20d-163a-e382420c6eff', '53abdba2-f210-43cb-bc90-f18f9a890a02'];
const FAIRPLAY = '94ce86fb-07ff-4f43-adb8-93d2fa968ca2';

/**
 * A fake key server replaying the seeds' sample answers: PallyCon CPIX API v2 (token in the path),
 * the ATEME GET API, and Axinom-style /SpekeV2 and /Speke behind Basic authentication. It checks
 * what the client sent (method, credentials, headers, CPIX body) and answers 400/401 otherwise.
 */
function replay(request: ReceivedRequest, response: Parameters<typeof reply>[0]) {
  const url = new URL(request.url, 'http://fake');
  const basicOk =
    request.headers.authorization === `Basic ${Buffer.from(`${BASIC.username}:${BASIC.password}`).toString('base64')}`;
  if (request.method === 'GET' && url.pathname === `/cpix/anevia/dash/${encodeURIComponent(TOKEN)}/test-cid`) {
    return reply(response, 200, seedDocument('atemeDashResponse'));
  }
  if (request.method !== 'POST') return reply(response, 405, 'method not allowed', { 'content-type': 'text/plain' });
  let document: CpixDocument;
  try {
    document = parseCpix(request.body).document;
  } catch (error) {
    return reply(response, 400, `not CPIX: ${(error as Error).message}`, { 'content-type': 'text/plain' });
  }
  if (url.pathname === `/v2/cpix/pallycon/getKey/${encodeURIComponent(TOKEN)}`) {
    if (document.id !== 'cpix-test-cid')
      return reply(response, 400, 'unknown content id', { 'content-type': 'text/plain' });
    const hls = document.drmSystemList?.drmSystems.some((system) => system.systemId.toLowerCase() === FAIRPLAY);
    const live = document.contentKeyPeriodList?.contentKeyPeriods[0]?.index === 128;
    return reply(response, 200, seedDocument(`pallyCon${hls ? 'Hls' : 'Dash'}${live ? 'Live' : 'Vod'}Response`));
  }
  if (url.pathname.startsWith('/v2/cpix/pallycon/getKey/')) {
    return reply(
      response,
      200,
      JSON.stringify({ error_code: '1002', error_message: `Invalid enc-token: ${url.pathname.split('/').pop()}` }),
      {
        'content-type': 'application/json',
      },
    );
  }
  if (!basicOk)
    return reply(response, 401, 'ERR_SERVER_BAD_CREDENTIALS: the Basic credentials match no tenant\n', {
      'x-cpixkit-error': 'ERR_SERVER_BAD_CREDENTIALS',
      'content-type': 'text/plain',
    });
  if (url.pathname === '/SpekeV2') {
    if (request.headers['x-speke-version'] !== '2.0' || document.version !== '2.3')
      return reply(response, 400, 'SPEKE v2 needs X-Speke-Version: 2.0 and CPIX 2.3');
    return reply(response, 200, seedDocument('axinomSpekeV2Response'), {
      'x-speke-version': '2.0',
      'x-speke-user-agent': 'fake-axinom/1.0',
    });
  }
  if (url.pathname === '/Speke') {
    if (document.id !== 'test_ch1') return reply(response, 400, 'unknown content id');
    return reply(response, 200, seedDocument('axinomSpekeV1Response'), { 'speke-user-agent': 'fake-axinom/1.0' });
  }
  return reply(response, 404, 'no such route', { 'content-type': 'text/plain' });
}

let server: TestServer;
beforeAll(async () => {
  server = await startServer(replay);
});
afterAll(() => server.close());

const client = (options: Partial<CpixClientOptions> & Pick<CpixClientOptions, 'dialect'>) =>
  new CpixClient({ url: server.url, retry: { retries: 0 }, ...options });

describe('against a fake key server replaying the seed answers', () => {
  it('PallyCon CPIX API v2, DASH VOD: POSTs CPIX to getKey/{enc-token} and returns the keys as PallyCon JSON', async () => {
    const pallycon = client({
      url: `${server.url}/v2/cpix/pallycon/getKey/`,
      dialect: 'pallycon-v2',
      auth: { type: 'enc-token', token: TOKEN },
    });
    const result = await pallycon.requestKeys({ contentId: 'cpix-test-cid', drmSystems: ['widevine', 'playready'] });
    const sent = server.requests.at(-1)!;
    expect(sent.method).toBe('POST');
    expect(sent.headers['content-type']).toBe('application/xml; charset=utf-8');
    expect(result.attempts).toBe(1);
    const json = toPallyConJson(result);
    expect(json.content_id).toBe('cpix-test-cid');
    const playready = vectorCase<string>('pallycon_dash_vod_playready_pssh');
    const widevine = vectorCase<string>('pallycon_dash_vod_widevine_pssh');
    expect(json.content_key_list).toStrictEqual([
      {
        key_id_hex: '12ea753c23e7bc024474b2b976c43beb',
        key_id_b64: 'Eup1PCPnvAJEdLK5dsQ76w==',
        key_hex: playready.inputs.key_hex,
        key_b64: 'SzC1qc1cEpyFU6t/lL7Byw==',
        iv_hex: '30313233343536373839616263646566',
        iv_b64: 'MDEyMzQ1Njc4OWFiY2RlZg==',
        widevine: {
          pssh: widevine.expected.pssh_b64,
          pssh_payload_only: Buffer.from(widevine.expected.widevine_data_hex!, 'hex').toString('base64'),
        },
        playready: { pssh: playready.expected.pssh_b64, pssh_payload_only: playready.expected.pro_b64 },
        fairplay: { key_uri: '' },
      },
    ]);
  });

  it('PallyCon CPIX API v2, live: key rotation period 128 for the HD track', async () => {
    const pallycon = client({
      url: `${server.url}/v2/cpix/pallycon/getKey/{enc-token}`,
      dialect: 'pallycon-v2',
      auth: { type: 'enc-token', token: TOKEN },
    });
    const dash = await pallycon.requestKeys({
      contentId: 'cpix-test-cid',
      drmSystems: ['widevine', 'playready'],
      tracks: ['HD'],
      periods: [128],
    });
    const playready = vectorCase<string>('pallycon_dash_live_playready_pssh');
    const widevine = vectorCase<string>('pallycon_dash_live_widevine_pssh');
    expect(dash.keys).toStrictEqual([
      {
        kid: {
          uuid: playready.inputs.kid,
          hex: '6bac8ec30ee3379f3d21290b3a2bc9c3',
          base64: 'a6yOww7jN589ISkLOivJww==',
        },
        key: { hex: playready.inputs.key_hex, base64: playready.inputs.key_b64 },
        // The seed answer's explicit IV.
        iv: { hex: '4b69631c3945452b630ae3a937c23bfb', base64: 'S2ljHDlFRStjCuOpN8I7+w==' },
        scheme: 'cenc',
        trackType: 'HD',
        period: { id: 'keyPeriod_e7c4423c-a2c6-46f4-bef3-2bfed6bae9c9', index: 128 },
        requestedKid: server.requests.at(-1)!.body.match(/kid="([0-9a-f-]{36})"/)![1],
        drm: [
          {
            systemId: '9a04f079-9840-4286-ab92-e65be0885f95',
            drm: 'playready',
            name: 'PlayReady',
            pssh: playready.expected.pssh_b64,
            psshPayload: playready.expected.pro_b64,
          },
          {
            systemId: 'edef8ba9-79d6-4ace-a3c8-27dcd51d21ed',
            drm: 'widevine',
            name: 'Widevine',
            pssh: widevine.expected.pssh_b64,
            psshPayload: Buffer.from(widevine.expected.widevine_data_hex!, 'hex').toString('base64'),
          },
        ],
      },
    ]);
    const hls = await pallycon.requestKeys({
      contentId: 'cpix-test-cid',
      drmSystems: ['fairplay'],
      tracks: ['HD'],
      periods: [128],
    });
    expect(hls.keys[0]!.drm[0]!.keyUri).toBe('skd://cpix-test-cid0000000000000080');
  });

  it('PallyCon CPIX API v2, HLS VOD: FairPlay and NCG AES-128', async () => {
    const pallycon = client({
      url: `${server.url}/v2/cpix/pallycon/getKey`,
      dialect: 'pallycon-v2',
      auth: { type: 'enc-token', token: TOKEN },
    });
    const result = await pallycon.requestKeys({ contentId: 'cpix-test-cid', drmSystems: ['fairplay', 'aes128'] });
    expect(result.keys[0]!.drm.map((drm) => [drm.drm, drm.keyUri])).toEqual([
      ['fairplay', 'skd://Eup1PCPnvAJEdLK5dsQ76w=='],
      [
        'aes128',
        'https://testtokyo.pallycon.com/ri/hlskeyPackager.do?sid=DEMO&filename=cpix-test-cid&cid=cpix-test-cid',
      ],
    ]);
  });

  it('ATEME NEA-DVR: GETs /cpix/anevia/{format}/{enc-token}/{cid}', async () => {
    const ateme = client({
      url: `${server.url}/cpix/anevia`,
      dialect: 'anevia',
      auth: { type: 'enc-token', token: TOKEN },
    });
    const result = await ateme.requestKeys({ contentId: 'test-cid', drmSystems: ['widevine', 'playready'] });
    const sent = server.requests.at(-1)!;
    expect(sent.method).toBe('GET');
    expect(sent.body).toBe('');
    expect(result.keys.map((key) => key.kid.uuid)).toEqual(['cbc2eedd-4284-fd94-c17b-0d6fb56c146b']);
  });

  it('Axinom-style /SpekeV2: Basic auth, X-Speke-Version 2.0, two keys with their signalling', async () => {
    const speke = client({ url: `${server.url}/SpekeV2`, dialect: 'speke-v2', auth: { type: 'basic', ...BASIC } });
    const result = await speke.requestKeys({
      contentId: 'abc123',
      drmSystems: ['fairplay', 'playready', 'widevine'],
      tracks: ['VIDEO', 'AUDIO'],
      kids: AXINOM_KIDS,
    });
    expect(server.requests.at(-1)!.headers['x-speke-version']).toBe('2.0');
    expect(result.spekeVersion).toBe('2.0');
    expect(result.serverUserAgent).toBe('fake-axinom/1.0');
    expect(result.keys.map((key) => key.key.base64)).toEqual(['nFLKuNE4LJ1+eXVGiSiTvA==', '5UUASLfS3ajx0cAUw+rzmQ==']);
    expect(result.keys[1]!.drm.find((drm) => drm.drm === 'fairplay')!.hlsMasterLine).toBe(
      vectorCase<string>('axinom_speke2_fairplay_hls_53ab').expected.hls_master_line,
    );
  });

  it('Axinom-style /Speke (SPEKE v1) with a key period', async () => {
    const speke = client({ url: `${server.url}/Speke`, dialect: 'speke-v1', auth: { type: 'basic', ...BASIC } });
    const result = await speke.requestKeys({
      contentId: 'test_ch1',
      drmSystems: ['fairplay', 'playready', 'widevine'],
      periods: [213],
      kids: ['af1ed63c-5784-460b-9e51-309dd47b7d9c'],
    });
    expect(result.serverUserAgent).toBe('fake-axinom/1.0');
    // The seed answer's key, IV and period; it carries no signalling, so each DRM system is named only.
    expect(result.keys).toStrictEqual([
      {
        kid: {
          uuid: 'af1ed63c-5784-460b-9e51-309dd47b7d9c',
          hex: 'af1ed63c5784460b9e51309dd47b7d9c',
          base64: 'rx7WPFeERgueUTCd1Ht9nA==',
        },
        key: { hex: '04aa7fec29884bef00b813d2df5dfa1f', base64: 'BKp/7CmIS+8AuBPS3136Hw==' },
        iv: { hex: 'd2c805c3262dddd708c3f2045918fcc6', base64: '0sgFwyYt3dcIw/IEWRj8xg==' },
        scheme: 'cenc',
        period: { id: 'keyPeriod_19d21813-874e-4804-8a56-1952722abeb5', index: 213 },
        drm: [
          { systemId: '9a04f079-9840-4286-ab92-e65be0885f95', drm: 'playready', name: 'PlayReady' },
          { systemId: 'edef8ba9-79d6-4ace-a3c8-27dcd51d21ed', drm: 'widevine', name: 'Widevine' },
          { systemId: FAIRPLAY, drm: 'fairplay', name: 'FairPlay' },
        ],
      },
    ]);
  });

  it('reports the KIDs the seed answer does not have as a mismatch', async () => {
    const speke = client({ url: `${server.url}/SpekeV2`, dialect: 'speke-v2', auth: { type: 'basic', ...BASIC } });
    await expect(speke.requestKeys({ contentId: 'abc123', drmSystems: ['widevine'] })).rejects.toMatchObject({
      code: 'ERR_CLIENT_RESPONSE_MISMATCH',
      message: expect.stringMatching(/no content key for kid .*track type ALL/),
    });
  });

  it('reports a PallyCon JSON error answered with HTTP 200, without the token', async () => {
    const pallycon = client({
      url: `${server.url}/v2/cpix/pallycon/getKey/`,
      dialect: 'pallycon-v2',
      auth: { type: 'enc-token', token: `${TOKEN}x` },
    });
    const error = await pallycon
      .requestKeys({ contentId: 'cpix-test-cid', drmSystems: ['widevine'] })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: 'ERR_CLIENT_VENDOR_ERROR',
      serverCode: '1002',
      serverMessage: 'Invalid enc-token: [redacted]',
    });
    expect(JSON.stringify(error)).not.toContain(TOKEN);
    expect((error as Error).message).not.toContain(TOKEN);
  });

  it('reports a 401 at once with the server code and message, never the credentials', async () => {
    const before = server.requests.length;
    const speke = new CpixClient({
      url: `${server.url}/SpekeV2`,
      dialect: 'speke-v2',
      auth: { type: 'basic', username: 'acme', password: 'wrong-password' },
    });
    const error = await speke
      .requestKeys({ contentId: 'abc123', drmSystems: ['widevine'] })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      name: 'CpixClientError',
      code: 'ERR_CLIENT_HTTP_STATUS',
      status: 401,
      attempts: 1,
      serverCode: 'ERR_SERVER_BAD_CREDENTIALS',
      serverMessage: 'the Basic credentials match no tenant',
      message: `${server.url} answered HTTP 401 Unauthorized: the Basic credentials match no tenant`,
    });
    expect(server.requests.length - before).toBe(1);
    expect((error as Error).message).not.toContain('wrong-password');
  });
});
