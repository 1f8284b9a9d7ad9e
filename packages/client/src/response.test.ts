import { type CpixDocument, serializeCpix } from '@cpixkit/cpix-model';
import { bytesToUuid } from '@cpixkit/pssh';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { vectorCase } from '../../../tooling/src/fixtures.js';
import { buildKeyRequest, type CpixDialect, type KeyRequest, readKeyResponse } from './index.js';
import { seedDocument } from '../../../tooling/src/fixtures.js';

const WIDEVINE = 'edef8ba9-79d6-4ace-a3c8-27dcd51d21ed';
const PLAYREADY = '9a04f079-9840-4286-ab92-e65be0885f95';
const FAIRPLAY = '94ce86fb-07ff-4f43-adb8-93d2fa968ca2';
const AES128 = '81376844-f976-481e-a84e-cc25d39b0b33';
const AXINOM_KIDS = ['98ee5596-cd3e-a20d-163a-e382420c6eff', '53abdba2-f210-43cb-bc90-f18f9a890a02'];

async function read(
  dialect: CpixDialect,
  request: KeyRequest,
  answer: string,
  options: { serverAssignsKids?: boolean } = {},
) {
  return readKeyResponse(answer, buildKeyRequest(request, dialect), options);
}

const fromBase64 = (text: string) => Buffer.from(text, 'base64').toString('utf8');

describe('readKeyResponse: seed answers', () => {
  it('reads the PallyCon DASH VOD answer: the key the server assigned, PSSH boxes and payloads', async () => {
    const result = await read(
      'pallycon-v2',
      { contentId: 'cpix-test-cid', drmSystems: ['playready', 'widevine'] },
      seedDocument('pallyConDashVodResponse'),
    );
    const playreadyVector = vectorCase<string>('pallycon_dash_vod_playready_pssh').expected;
    const widevineVector = vectorCase<string>('pallycon_dash_vod_widevine_pssh').expected;
    expect(result.contentId).toBe('cpix-test-cid');
    expect(result.keys).toHaveLength(1);
    const [key] = result.keys;
    expect(key!.kid).toEqual({
      uuid: '12ea753c-23e7-bc02-4474-b2b976c43beb',
      hex: '12ea753c23e7bc024474b2b976c43beb',
      base64: 'Eup1PCPnvAJEdLK5dsQ76w==',
    });
    expect(key!.key.base64).toBe('SzC1qc1cEpyFU6t/lL7Byw==');
    expect(key!.key.hex).toBe(Buffer.from('SzC1qc1cEpyFU6t/lL7Byw==', 'base64').toString('hex'));
    expect(key!.iv).toEqual({ hex: '30313233343536373839616263646566', base64: 'MDEyMzQ1Njc4OWFiY2RlZg==' });
    expect(key!.requestedKid).toMatch(/^[0-9a-f-]{36}$/);
    expect(key!.scheme).toBe('cenc');
    const playready = key!.drm.find((drm) => drm.drm === 'playready')!;
    expect(playready).toMatchObject({
      systemId: PLAYREADY,
      name: 'PlayReady',
      pssh: playreadyVector.pssh_b64,
      psshPayload: playreadyVector.pro_b64,
    });
    const widevine = key!.drm.find((drm) => drm.drm === 'widevine')!;
    expect(widevine.pssh).toBe(widevineVector.pssh_b64);
    expect(widevine.psshPayload).toBe(Buffer.from(widevineVector.widevine_data_hex!, 'hex').toString('base64'));
    // The guide elides ContentProtectionData and ProtectionHeader ("qAUAAAEAAQCeB...A="): dropped, with a warning.
    expect(playready.contentProtectionData).toBeUndefined();
    expect(result.warnings.map((warning) => warning.code).sort()).toEqual([
      'CHILD_ORDER',
      'INVALID_BASE64',
      'INVALID_BASE64',
    ]);
  });

  it('reads the PallyCon DASH live answer: track type and key period 128', async () => {
    const result = await read(
      'pallycon-v2',
      { contentId: 'cpix-test-cid', drmSystems: ['playready', 'widevine'], tracks: ['HD'], periods: [128] },
      seedDocument('pallyConDashLiveResponse'),
    );
    const [key] = result.keys;
    expect(key!.kid.uuid).toBe('6bac8ec3-0ee3-379f-3d21-290b3a2bc9c3');
    expect(key!.trackType).toBe('HD');
    expect(key!.period).toEqual({ id: 'keyPeriod_e7c4423c-a2c6-46f4-bef3-2bfed6bae9c9', index: 128 });
    expect(key!.drm.find((drm) => drm.drm === 'playready')!.pssh).toBe(
      vectorCase<string>('pallycon_dash_live_playready_pssh').expected.pssh_b64,
    );
    expect(key!.drm.find((drm) => drm.drm === 'widevine')!.pssh).toBe(
      vectorCase<string>('pallycon_dash_live_widevine_pssh').expected.pssh_b64,
    );
  });

  it('reads the PallyCon HLS answers: the FairPlay skd:// URIs and the NCG AES-128 key URL', async () => {
    const uris = vectorCase<string>('pallycon_fairplay_and_ncg_uris').expected;
    const vod = await read(
      'pallycon-v2',
      { contentId: 'cpix-test-cid', drmSystems: ['fairplay', 'aes128'] },
      seedDocument('pallyConHlsVodResponse'),
    );
    const [vodKey] = vod.keys;
    expect(vodKey!.drm.find((drm) => drm.drm === 'fairplay')!.keyUri).toBe(uris.vod_uri);
    expect(vodKey!.drm.find((drm) => drm.systemId === AES128)!.keyUri).toBe(fromBase64(uris.ncg_aes128_urixkey_b64!));
    const live = await read(
      'pallycon-v2',
      { contentId: 'cpix-test-cid', drmSystems: ['fairplay'], tracks: ['HD'], periods: [128] },
      seedDocument('pallyConHlsLiveResponse'),
    );
    expect(live.keys[0]!.drm[0]).toMatchObject({ systemId: FAIRPLAY, drm: 'fairplay', keyUri: uris.live_uri });
  });

  it('reads the ATEME NEA-DVR answer to a GET', async () => {
    const result = await read(
      'anevia',
      { contentId: 'test-cid', drmSystems: ['widevine', 'playready'] },
      seedDocument('atemeDashResponse'),
    );
    expect(result.keys.map((key) => key.kid.uuid)).toEqual(['cbc2eedd-4284-fd94-c17b-0d6fb56c146b']);
    expect(result.keys[0]!.key.base64).toBe('dLlreLqTHdROTxGnw/3G7g==');
    expect(result.keys[0]!.scheme).toBeUndefined();
    expect(result.keys[0]!.drm.find((drm) => drm.drm === 'widevine')!.pssh).toBe(
      vectorCase<string>('ateme_neadvr_dash_widevine_pssh').expected.pssh_b64,
    );
    expect(result.keys[0]!.drm.find((drm) => drm.drm === 'playready')!.pssh).toBe(
      vectorCase<string>('ateme_neadvr_dash_playready_pssh').expected.pssh_b64,
    );
  });

  it('reads the Axinom SPEKE v2 answer: PSSH and PRO out of ContentProtectionData, HLS lines, skd:// URI', async () => {
    const result = await read(
      'speke-v2',
      {
        contentId: 'abc123',
        drmSystems: ['fairplay', 'playready', 'widevine'],
        tracks: ['VIDEO', 'AUDIO'],
        kids: AXINOM_KIDS,
      },
      seedDocument('axinomSpekeV2Response'),
    );
    expect(result.warnings).toEqual([]);
    expect(result.keys.map((key) => [key.kid.uuid, key.trackType, key.scheme])).toEqual([
      [AXINOM_KIDS[0], 'VIDEO', 'cenc'],
      [AXINOM_KIDS[1], 'AUDIO', 'cenc'],
    ]);
    const [video] = result.keys;
    expect(video!.key.base64).toBe('nFLKuNE4LJ1+eXVGiSiTvA==');
    expect(video!.iv!.hex).toBe('3858f62230ac3c915f300c664312c63f');
    const playreadyVector = vectorCase<string>('axinom_speke2_playready_content_protection_data_98ee5596').expected;
    const playready = video!.drm.find((drm) => drm.drm === 'playready')!;
    expect(playready).toMatchObject({
      pssh: playreadyVector.pssh_b64,
      psshPayload: playreadyVector.pro_b64,
      smoothStreamingProtectionHeader: playreadyVector.pro_b64,
      contentProtectionData: playreadyVector.content_protection_data_b64,
    });
    const widevineVector = vectorCase<string>('axinom_speke2_widevine_signalling_98ee').expected;
    const widevine = video!.drm.find((drm) => drm.drm === 'widevine')!;
    expect(widevine).toMatchObject({
      pssh: widevineVector.pssh_b64,
      hlsMediaLine: widevineVector.hls_media_line,
      hlsMasterLine: widevineVector.hls_master_line,
      keyUri: `data:text/plain;base64,${widevineVector.pssh_b64}`,
      keyFormat: `urn:uuid:${WIDEVINE}`,
      keyFormatVersions: '1',
    });
    const fairplayVector = vectorCase<string>('axinom_speke2_fairplay_hls_98ee').expected;
    const fairplay = video!.drm.find((drm) => drm.drm === 'fairplay')!;
    expect(fairplay).toMatchObject({
      hlsMediaLine: fairplayVector.hls_media_line,
      hlsMasterLine: fairplayVector.hls_master_line,
      keyUri: 'skd://98ee5596-cd3e-a20d-163a-e382420c6eff:3858F62230AC3C915F300C664312C63F',
      keyFormat: 'com.apple.streamingkeydelivery',
    });
    expect(fairplay.pssh).toBeUndefined();
    expect(result.keys[1]!.drm.find((drm) => drm.drm === 'fairplay')!.hlsMediaLine).toBe(
      vectorCase<string>('axinom_speke2_fairplay_hls_53ab').expected.hls_media_line,
    );
  });

  it('reads the Axinom SPEKE v1 answer, whose DRMSystems carry no signalling', async () => {
    const result = await read(
      'speke-v1',
      {
        contentId: 'test_ch1',
        drmSystems: ['fairplay', 'playready', 'widevine'],
        periods: [213],
        kids: ['af1ed63c-5784-460b-9e51-309dd47b7d9c'],
      },
      seedDocument('axinomSpekeV1Response'),
    );
    const [key] = result.keys;
    expect(key!.key.base64).toBe('BKp/7CmIS+8AuBPS3136Hw==');
    expect(key!.period).toEqual({ id: 'keyPeriod_19d21813-874e-4804-8a56-1952722abeb5', index: 213 });
    expect(key!.requestedKid).toBeUndefined();
    expect(key!.drm.map((drm) => Object.keys(drm).sort().join())).toEqual([
      'drm,name,systemId',
      'drm,name,systemId',
      'drm,name,systemId',
    ]);
  });
});

/** The PallyCon DASH VOD answer with every kid changed: its PSSH boxes still name the original KID. */
const OTHER_KID_VOD = seedDocument('pallyConDashVodResponse').replaceAll(
  '12ea753c-23e7-bc02-4474-b2b976c43beb',
  '12ea753c-23e7-bc02-4474-b2b976c43bec',
);

describe('readKeyResponse: answers that do not answer the request', () => {
  const v2 = (overrides: Partial<KeyRequest> = {}) => ({
    contentId: 'abc123',
    drmSystems: ['fairplay', 'playready', 'widevine'],
    tracks: ['VIDEO', 'AUDIO'],
    kids: AXINOM_KIDS,
    ...overrides,
  });
  const axinom = seedDocument('axinomSpekeV2Response');

  it.each([
    ['another content id', 'speke-v2', v2({ contentId: 'other' }), axinom, /content id "abc123", not "other"/],
    [
      'a KID that is not in the answer',
      'speke-v2',
      v2({ kids: [AXINOM_KIDS[0]!, 'ffffffff-f210-43cb-bc90-f18f9a890a02'] }),
      axinom,
      /no content key for kid ffffffff-.*track type AUDIO/,
    ],
    [
      'a DRM system that is not in the answer',
      'speke-v2',
      v2({ drmSystems: ['widevine', 'wiseplay'] }),
      axinom,
      /no DRMSystem for WisePlay and kid 98ee5596/,
    ],
    ['another scheme', 'speke-v2', v2({ scheme: 'cbcs' }), axinom, /is for scheme cenc, the request asked for cbcs/],
    [
      'a Widevine protection_scheme other than the scheme asked for',
      'speke-v2',
      v2({ scheme: 'cbcs' }),
      axinom.replaceAll(' commonEncryptionScheme="cenc"', ''),
      /Widevine PSSH data of .*DRMSystem Widevine for kid 98ee5596.* says cenc, the request asked for cbcs/,
    ],
    [
      'two keys for the same track type where the server assigns KIDs',
      'pallycon-v2',
      { contentId: 'abc123', drmSystems: ['widevine'], tracks: ['VIDEO', 'SD'] },
      axinom.replace('intendedTrackType="AUDIO"', 'intendedTrackType="VIDEO"'),
      /several content keys for kid .*track type VIDEO/,
    ],
    [
      'no key for a track type where the server assigns KIDs',
      'pallycon-v2',
      { contentId: 'abc123', drmSystems: ['widevine'], tracks: ['VIDEO', 'UHD1'] },
      axinom,
      /no content key for kid .*track type UHD1/,
    ],
  ] as const)('refuses %s (ERR_CLIENT_RESPONSE_MISMATCH)', async (_name, dialect, request, answer, message) => {
    await expect(read(dialect, request as KeyRequest, answer)).rejects.toMatchObject({
      name: 'CpixClientError',
      code: 'ERR_CLIENT_RESPONSE_MISMATCH',
      message: expect.stringMatching(message),
    });
  });

  it.each([
    [
      'a PlayReady header naming other KIDs',
      'pallycon-v2',
      { contentId: 'cpix-test-cid', drmSystems: ['playready'] },
      OTHER_KID_VOD,
      /the PlayReady header of the PSSH of DRMSystem PlayReady for kid 12ea753c-23e7-bc02-4474-b2b976c43bec names other KIDs/,
    ],
    [
      'Widevine data naming other KIDs',
      'pallycon-v2',
      { contentId: 'cpix-test-cid', drmSystems: ['widevine'] },
      OTHER_KID_VOD.replace(/<cpix:DRMSystem [^>]*systemId="9A04F079-[^"]*">[\s\S]*?<\/cpix:DRMSystem>/, ''),
      /Widevine PSSH data .* names other KIDs/,
    ],
    [
      'a PlayReady CHECKSUM that is not the one of the key',
      'pallycon-v2',
      { contentId: 'cpix-test-cid', drmSystems: ['playready'] },
      seedDocument('pallyConDashVodResponse').replace(
        'SzC1qc1cEpyFU6t/lL7Byw==',
        Buffer.alloc(16, 7).toString('base64'),
      ),
      /the PlayReady header CHECKSUM of the PSSH of DRMSystem PlayReady for kid 12ea753c-.* does not match the content key$/,
    ],
  ] as const)('refuses %s (ERR_CLIENT_SIGNALING_MISMATCH)', async (_name, dialect, request, answer, message) => {
    await expect(read(dialect, request as KeyRequest, answer)).rejects.toMatchObject({
      name: 'CpixClientError',
      code: 'ERR_CLIENT_SIGNALING_MISMATCH',
      message: expect.stringMatching(message),
    });
  });

  it('matches by track type instead of KID when told the server overrides KIDs', async () => {
    const request = v2({ kids: ['00000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-000000000002'] });
    await expect(read('speke-v2', request, axinom)).rejects.toMatchObject({ code: 'ERR_CLIENT_RESPONSE_MISMATCH' });
    const result = await read('speke-v2', request, axinom, { serverAssignsKids: true });
    expect(result.keys.map((key) => [key.trackType, key.kid.uuid, key.requestedKid])).toEqual([
      ['VIDEO', AXINOM_KIDS[0], '00000000-0000-0000-0000-000000000001'],
      ['AUDIO', AXINOM_KIDS[1], '00000000-0000-0000-0000-000000000002'],
    ]);
  });
});

describe('readKeyResponse: answers that cannot be used', () => {
  const vod = seedDocument('pallyConDashVodResponse');
  const request = { contentId: 'cpix-test-cid', drmSystems: ['playready', 'widevine'] };
  const widevinePssh = /(<cpix:DRMSystem kid="[^"]+" systemId="EDEF8BA9[^>]*>\s*<cpix:PSSH>)([^<]+)/;

  it.each([
    ['an HTML page', '<html><body>Service Unavailable</body></html>', /not a readable CPIX document/],
    ['an empty body', '  \n', /empty body/],
    ['a key without value', vod.replace(/<cpix:Data>[\s\S]*<\/cpix:Data>/, ''), /carries no key value/],
    [
      'a key that is not 16 bytes',
      vod.replace('SzC1qc1cEpyFU6t/lL7Byw==', 'SzC1qc1cEpyFU6t/lL7B'),
      /is 15 bytes long, not 16/,
    ],
    ['an IV that is not 16 bytes', vod.replace('MDEyMzQ1Njc4OWFiY2RlZg==', 'MDEy'), /explicitIV .* is 3 bytes long/],
    [
      'a PSSH that is not a box',
      vod.replace(widevinePssh, '$1AAAA'),
      /PSSH of DRMSystem Widevine .* is not a pssh box/,
    ],
    [
      'a PlayReady box in the Widevine DRMSystem',
      vod.replace(widevinePssh, `$1${vectorCase<string>('pallycon_dash_vod_playready_pssh').expected.pssh_b64}`),
      /a box of system 9a04f079-9840-4286-ab92-e65be0885f95/,
    ],
    [
      'a KID that is not a UUID',
      vod.replace('kid="12ea753c-23e7-bc02-4474-b2b976c43beb">\n', 'kid="12ea753c">\n'),
      /not a readable CPIX document/,
    ],
    ['no content key at all', vod.replace(/<cpix:ContentKeyList>[\s\S]*<\/cpix:ContentKeyList>/, ''), /no content key/],
  ])('refuses %s', async (_name, answer, message) => {
    await expect(read('pallycon-v2', request, answer)).rejects.toMatchObject({
      code: expect.stringMatching(/^ERR_CLIENT_(MALFORMED_RESPONSE|RESPONSE_MISMATCH|SIGNALING_MISMATCH)$/),
      message: expect.stringMatching(message),
    });
  });

  it('never puts the key value in the message', async () => {
    const error = await read(
      'pallycon-v2',
      request,
      vod.replace('SzC1qc1cEpyFU6t/lL7Byw==', 'SzC1qc1cEpyFU6t/lL7B'),
    ).catch((caught: unknown) => caught);
    expect(String((error as Error).message)).not.toContain('SzC1qc1c');
  });

  it('reports a PallyCon JSON error sent with HTTP 200 as a vendor error with its code and message', async () => {
    const answer = JSON.stringify({ error_code: '4003', error_message: 'Invalid KMS token eyJ0b2tlbiI6IngifQ==' });
    const prepared = buildKeyRequest(request, 'pallycon-v2');
    await expect(readKeyResponse(answer, prepared, { secrets: ['eyJ0b2tlbiI6IngifQ=='] })).rejects.toMatchObject({
      code: 'ERR_CLIENT_VENDOR_ERROR',
      serverCode: '4003',
      serverMessage: 'Invalid KMS token [redacted]',
      message: 'the key server answered an error instead of CPIX: 4003 Invalid KMS token [redacted]',
    });
  });

  it('asks for the private key when the content keys come encrypted', async () => {
    const encrypted = vod.replace(
      /<pskc:PlainValue>[^<]*<\/pskc:PlainValue>/,
      [
        '<pskc:EncryptedValue xmlns:enc="http://www.w3.org/2001/04/xmlenc#">',
        '<enc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes256-cbc"/>',
        `<enc:CipherData><enc:CipherValue>${Buffer.alloc(32).toString('base64')}</enc:CipherValue></enc:CipherData>`,
        '</pskc:EncryptedValue>',
      ].join(''),
    );
    await expect(read('pallycon-v2', request, encrypted)).rejects.toMatchObject({
      code: 'ERR_CLIENT_ENCRYPTED_RESPONSE',
      message: /pass the privateKey/,
    });
  });
});

describe('readKeyResponse: key, KID and IV forms', () => {
  it('gives the KID as UUID, hex and base64 and the key and IV as hex and base64, for any values (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.boolean(),
        async (kidBytes, keyBytes, ivBytes, upperCase) => {
          const uuid = bytesToUuid(kidBytes);
          const written = upperCase ? uuid.toUpperCase() : uuid;
          const answer: CpixDocument = {
            id: 'prop',
            contentKeyList: {
              contentKeys: [{ kid: written, explicitIV: ivBytes, data: { secret: { plainValue: keyBytes } } }],
            },
            drmSystemList: { drmSystems: [{ kid: written, systemId: WIDEVINE }] },
          };
          const result = await read(
            'speke-v1',
            { contentId: 'prop', drmSystems: ['widevine'], kids: [written] },
            serializeCpix(answer, { version: '2.0' }),
          );
          const [key] = result.keys;
          expect(key!.kid).toEqual({
            uuid,
            hex: Buffer.from(kidBytes).toString('hex'),
            base64: Buffer.from(kidBytes).toString('base64'),
          });
          expect(key!.key).toEqual({
            hex: Buffer.from(keyBytes).toString('hex'),
            base64: Buffer.from(keyBytes).toString('base64'),
          });
          expect(key!.iv).toEqual({
            hex: Buffer.from(ivBytes).toString('hex'),
            base64: Buffer.from(ivBytes).toString('base64'),
          });
        },
      ),
      { numRuns: 100 },
    );
  });

  it('spells the seed KIDs as the verified vectors do (RFC 4122 byte order, never the PlayReady GUID order)', async () => {
    const vector = vectorCase<string>('kid_representations').expected;
    const vod = await read(
      'pallycon-v2',
      { contentId: 'cpix-test-cid', drmSystems: ['widevine'] },
      seedDocument('pallyConDashVodResponse'),
    );
    expect(vod.keys[0]!.kid.base64).toBe(vector['12ea753c_be_b64']);
    expect(vod.keys[0]!.kid.base64).not.toBe(vector['12ea753c_wrmheader_kid']);
    const axinom = await read(
      'speke-v2',
      { contentId: 'abc123', drmSystems: ['widevine'], tracks: ['VIDEO', 'AUDIO'], kids: AXINOM_KIDS },
      seedDocument('axinomSpekeV2Response'),
    );
    expect(`0x${axinom.keys[0]!.kid.hex.toUpperCase()}`).toBe(vector['98ee5596_hls_keyid']);
  });
});
