import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { parseCpix } from '@cpixkit/cpix-model';
import { createKeyService, resolveTenantsConfig } from '@cpixkit/key-service';
import { parsePsshBox } from '@cpixkit/pssh';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../../apps/server/src/app.js';
import { hashToken, TenantDirectory } from '../../../apps/server/src/auth.js';
import { CpixClient, type CpixClientOptions, spekeV2EncryptionContract, toPallyConJson } from '../src/index.js';
import { makeCertificate } from './helpers.js';

const TOKEN = `acme-${randomBytes(18).toString('base64url')}`;
let app: ReturnType<typeof buildServer>;
let baseUrl: string;

beforeAll(async () => {
  const tenants = resolveTenantsConfig({
    tenants: [
      {
        id: 'acme',
        keySeed: randomBytes(32).toString('base64'),
        derivationSecret: randomBytes(32).toString('base64'),
        tokens: [hashToken(TOKEN)],
        // One of the tests asks for one key for FairPlay and HLS AES-128 together.
        settings: { aes128: { allowDrmKeys: true } },
      },
    ],
  });
  app = buildServer({ tenants: new TenantDirectory(tenants), keyService: createKeyService() });
  await app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});
afterAll(() => app.close());

const client = (path: string, options: Partial<CpixClientOptions> & Pick<CpixClientOptions, 'dialect'>) =>
  new CpixClient({
    url: `${baseUrl}${path}`,
    auth: { type: 'bearer', token: TOKEN },
    retry: { retries: 0 },
    ...options,
  });

describe("against cpixkit's own key server (apps/server)", () => {
  it('SPEKE v2: an AWS preset contract, keys kept, PSSH boxes, HLS lines and the SPEKE headers', async () => {
    const speke = client('/speke/v2.0/copyProtection', { dialect: 'speke-v2' });
    const result = await speke.requestKeys({
      contentId: 'movie-1',
      drmSystems: ['widevine', 'playready', 'fairplay'],
      scheme: 'cbcs',
      tracks: spekeV2EncryptionContract('PRESET-VIDEO-3', 'PRESET-AUDIO-2'),
    });
    expect(result.spekeVersion).toBe('2.0');
    expect(result.keys.map((key) => key.trackType)).toEqual(['SD', 'HD', 'UHD', 'STEREO_AUDIO', 'MULTICHANNEL_AUDIO']);
    expect(new Set(result.keys.map((key) => key.key.hex)).size).toBe(5);
    for (const key of result.keys) {
      expect(key.requestedKid).toBeUndefined();
      expect(key.scheme).toBe('cbcs');
      const widevine = key.drm.find((drm) => drm.drm === 'widevine')!;
      expect(parsePsshBox(Buffer.from(widevine.pssh!, 'base64')).systemId).toBe('edef8ba9-79d6-4ace-a3c8-27dcd51d21ed');
      const playready = key.drm.find((drm) => drm.drm === 'playready')!;
      expect(playready.pssh).toBeDefined();
      const fairplay = key.drm.find((drm) => drm.drm === 'fairplay')!;
      expect(fairplay.hlsMediaLine).toMatch(/^#EXT-X-KEY:METHOD=SAMPLE-AES,URI="skd:\/\//);
      expect(fairplay.keyUri).toMatch(/^skd:\/\//);
    }
  });

  it('SPEKE v1 with key rotation: a key per period, the same key again for the same period', async () => {
    const speke = client('/speke/v1.0/copyProtection', { dialect: 'speke-v1' });
    const kids = ['11111111-2222-3333-4444-555555555501', '11111111-2222-3333-4444-555555555502'];
    const first = await speke.requestKeys({
      contentId: 'live-1',
      drmSystems: ['widevine', 'playready', 'fairplay', 'aes128'],
      periods: [7, 8],
      kids,
    });
    expect(first.keys.map((key) => [key.kid.uuid, key.period?.index])).toEqual([
      [kids[0], 7],
      [kids[1], 8],
    ]);
    expect(first.keys[0]!.key.hex).not.toBe(first.keys[1]!.key.hex);
    const aes128 = first.keys[0]!.drm.find((drm) => drm.drm === 'aes128')!;
    expect(aes128.keyUri).toMatch(/^https?:\/\//);
    const again = await speke.requestKeys({
      contentId: 'live-1',
      drmSystems: ['widevine'],
      periods: [7],
      kids: [kids[0]!],
    });
    expect(again.keys[0]!.key.hex).toBe(first.keys[0]!.key.hex);
  });

  it('SPEKE through /cpix/getKey?enc-token= (the PallyCon SPEKE URL form) and Basic credentials', async () => {
    const byQuery = new CpixClient({
      url: `${baseUrl}/cpix/getKey`,
      dialect: 'speke-v2',
      auth: { type: 'enc-token', token: TOKEN },
    });
    const viaQuery = await byQuery.requestKeys({ contentId: 'q-1', drmSystems: ['widevine'] });
    expect(viaQuery.keys).toHaveLength(1);
    const basic = new CpixClient({
      url: `${baseUrl}/SpekeV2`,
      dialect: 'speke-v2',
      auth: { type: 'basic', username: 'acme', password: TOKEN },
    });
    expect((await basic.requestKeys({ contentId: 'q-1', drmSystems: ['playready'] })).keys).toHaveLength(1);
  });

  it('PallyCon v2: the server assigns KIDs per track type and period; PallyCon JSON with track_type', async () => {
    const pallycon = new CpixClient({
      url: `${baseUrl}/v2/cpix/pallycon/getKey/`,
      dialect: 'pallycon-v2',
      auth: { type: 'enc-token', token: TOKEN },
    });
    const request = {
      contentId: 'pallycon-1',
      drmSystems: ['widevine', 'playready', 'fairplay'],
      tracks: ['SD', 'HD', 'AUDIO'],
      periods: [128],
    };
    const result = await pallycon.requestKeys(request);
    expect(result.keys.map((key) => [key.trackType, key.period?.index])).toEqual([
      ['SD', 128],
      ['HD', 128],
      ['AUDIO', 128],
    ]);
    const json = toPallyConJson(result);
    expect(json.content_id).toBe('pallycon-1');
    expect(json.content_key_list.map((entry) => entry.track_type)).toEqual(['SD', 'HD', 'AUDIO']);
    for (const entry of json.content_key_list) {
      expect(entry.key_id_hex).toMatch(/^[0-9a-f]{32}$/);
      expect(entry.widevine.pssh).not.toBe('');
      expect(entry.playready.pssh_payload_only).not.toBe('');
      expect(entry.fairplay.key_uri).toMatch(/^skd:\/\//);
    }
    // Stateless server: the same request gets the same KIDs and keys.
    const again = toPallyConJson(await pallycon.requestKeys(request));
    expect(again.content_key_list.map((entry) => [entry.key_id_hex, entry.key_hex])).toEqual(
      json.content_key_list.map((entry) => [entry.key_id_hex, entry.key_hex]),
    );
  });

  it('PallyCon v1, single key', async () => {
    const pallycon = new CpixClient({
      url: `${baseUrl}/v1/cpix/pallycon/getKey/{enc-token}`,
      dialect: 'pallycon-v1',
      auth: { type: 'enc-token', token: TOKEN },
    });
    const result = await pallycon.requestKeys({ contentId: 'v1-cid', drmSystems: ['widevine', 'playready'] });
    expect(result.keys).toHaveLength(1);
    expect(result.keys[0]!.requestedKid).toBeDefined();
  });

  it('ATEME NEA-DVR GET, DASH and HLS', async () => {
    const ateme = new CpixClient({
      url: `${baseUrl}/cpix/anevia`,
      dialect: 'anevia',
      auth: { type: 'enc-token', token: TOKEN },
    });
    const dash = await ateme.requestKeys({ contentId: 'dvr-1', drmSystems: ['widevine', 'playready'] });
    expect(dash.keys[0]!.drm.map((drm) => drm.drm).sort()).toEqual(['playready', 'widevine']);
    const hls = await ateme.requestKeys({ contentId: 'dvr-1', drmSystems: ['fairplay'] });
    expect(hls.keys[0]!.drm.find((drm) => drm.drm === 'fairplay')!.keyUri).toMatch(/^skd:\/\//);
  });

  it('encrypted delivery: the keys come encrypted for the certificate (PEM text, PEM file bytes, DER) and the client decrypts them', async () => {
    const recipient = makeCertificate('packager', { bits: 2048 });
    const answers: string[] = [];
    const recording: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      answers.push(await response.clone().text());
      return response;
    };
    const speke = client('/speke/v2.0/copyProtection', {
      dialect: 'speke-v2',
      privateKey: recipient.privateKeyPem,
      fetch: recording,
    });
    const request = { contentId: 'secret-1', drmSystems: ['widevine'], kids: ['0f0e0d0c-0b0a-0908-0706-050403020100'] };
    const plain = await client('/speke/v2.0/copyProtection', { dialect: 'speke-v2' }).requestKeys(request);
    for (const certificate of [
      recipient.certificatePem,
      Uint8Array.from(Buffer.from(recipient.certificatePem)),
      recipient.der,
    ]) {
      const encrypted = await speke.requestKeys({ ...request, recipientCertificate: certificate });
      expect(encrypted.keys[0]!.key.hex).toBe(plain.keys[0]!.key.hex);
      // On the wire the key was encrypted, for this certificate only.
      const { document } = parseCpix(answers.at(-1)!);
      expect(document.contentKeyList!.contentKeys[0]!.data!.secret!.plainValue).toBeUndefined();
      expect(document.contentKeyList!.contentKeys[0]!.data!.secret!.encryptedValue).toBeDefined();
      expect(document.deliveryDataList!.deliveryData.map((data) => data.deliveryKey.x509Certificates)).toEqual([
        [recipient.der],
      ]);
    }
  });

  it("reports the server's refusal with its code, never the token", async () => {
    const wrong = new CpixClient({
      url: `${baseUrl}/v2/cpix/pallycon/getKey/`,
      dialect: 'pallycon-v2',
      auth: { type: 'enc-token', token: `${TOKEN}-wrong` },
    });
    const error = await wrong
      .requestKeys({ contentId: 'x', drmSystems: ['widevine'] })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: 'ERR_CLIENT_HTTP_STATUS',
      status: 401,
      serverCode: 'ERR_SERVER_BAD_CREDENTIALS',
      attempts: 1,
    });
    expect(JSON.stringify({ ...(error as object), message: (error as Error).message })).not.toContain(TOKEN);
  });
});
