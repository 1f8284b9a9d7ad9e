import { type ContentKey, type CpixDocument, type DrmSystem, serializeCpix } from '@cpixkit/cpix-model';
import { describe, expect, it } from 'vitest';
import {
  buildKeyRequest,
  CpixClientError,
  type CpixClientErrorCode,
  type CpixDialect,
  type KeyRequest,
  readKeyResponse,
} from './index.js';

// readKeyResponse on small answers written for each branch: the whole result compared exactly, and
// every refusal with its code and its whole message.

const KID_A = '98ee5596-cd3e-a20d-163a-e382420c6eff';
const KID_B = '53abdba2-f210-43cb-bc90-f18f9a890a02';
const KID_C = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const WIDEVINE = 'edef8ba9-79d6-4ace-a3c8-27dcd51d21ed';
const PLAYREADY = '9a04f079-9840-4286-ab92-e65be0885f95';
const KEY = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
const IV = Uint8Array.from({ length: 16 }, (_, i) => 0xf0 + i);
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const kidForms = (kid: string) => ({
  uuid: kid,
  hex: kid.replace(/-/g, ''),
  base64: Buffer.from(kid.replace(/-/g, ''), 'hex').toString('base64'),
});
const WIDEVINE_SIGNALLING = { systemId: WIDEVINE, drm: 'widevine', name: 'Widevine' };
const PLAYREADY_SIGNALLING = { systemId: PLAYREADY, drm: 'playready', name: 'PlayReady' };

const contentKey = (kid: string, extra: Partial<ContentKey> = {}): ContentKey => ({
  kid,
  data: { secret: { plainValue: KEY } },
  ...extra,
});
const systems = (kids: string[], systemIds = [WIDEVINE]): DrmSystem[] =>
  kids.flatMap((kid) => systemIds.map((systemId) => ({ kid, systemId })));

/** An answer holding these keys, a Widevine DRMSystem for each, and whatever `extra` adds. */
function answer(keys: ContentKey[], extra: Partial<CpixDocument> = {}): string {
  const document: CpixDocument = {
    id: 'cid',
    contentKeyList: { contentKeys: keys },
    drmSystemList: { drmSystems: systems(keys.map((key) => key.kid)) },
    ...extra,
  };
  return serializeCpix(document, { version: '2.3', unrepresentable: 'keep' });
}

function read(
  dialect: CpixDialect,
  request: Partial<KeyRequest>,
  body: string | Uint8Array,
  serverAssignsKids?: boolean,
) {
  const prepared = buildKeyRequest({ contentId: 'cid', drmSystems: ['widevine'], ...request }, dialect);
  return readKeyResponse(body, prepared, serverAssignsKids === undefined ? {} : { serverAssignsKids });
}

async function refusal(promise: Promise<unknown>, code: CpixClientErrorCode): Promise<CpixClientError> {
  const error = await promise.then(
    () => expect.unreachable('no error thrown'),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CpixClientError);
  expect((error as CpixClientError).code).toBe(code);
  return error as CpixClientError;
}

describe('readKeyResponse: the whole result', () => {
  it('gives every form of the KID, key and IV, the scheme, the DRM systems and the parsed document', async () => {
    const body = answer([contentKey(KID_A, { explicitIV: IV, commonEncryptionScheme: 'cbcs' })]);
    const result = await read('speke-v1', { kids: [KID_A], scheme: 'cbcs' }, body);
    expect(result).toStrictEqual({
      dialect: 'speke-v1',
      contentId: 'cid',
      keys: [
        {
          kid: kidForms(KID_A),
          key: { hex: hex(KEY), base64: base64(KEY) },
          iv: { hex: hex(IV), base64: base64(IV) },
          scheme: 'cbcs',
          drm: [WIDEVINE_SIGNALLING],
        },
      ],
      warnings: [],
      document: result.document,
    });
    expect(result.document.contentKeyList!.contentKeys[0]!.data!.secret!.plainValue).toEqual(KEY);
  });

  it('gives the scheme asked for when the answer names none, and reads bytes at any offset', async () => {
    const text = answer([contentKey(KID_A)]);
    const padded = Buffer.concat([Buffer.from('garbage'), Buffer.from(text), Buffer.from('tail')]);
    const body = new Uint8Array(padded.buffer, padded.byteOffset + 7, Buffer.byteLength(text));
    const result = await read('speke-v1', { kids: [KID_A], scheme: 'cens' }, body);
    expect(result.keys).toStrictEqual([
      { kid: kidForms(KID_A), key: { hex: hex(KEY), base64: base64(KEY) }, scheme: 'cens', drm: [WIDEVINE_SIGNALLING] },
    ]);
  });

  it('takes the content id of the request when the answer has none, and the contentId of a SPEKE v2 answer', async () => {
    const withoutId = answer([contentKey(KID_A)], { id: undefined });
    expect((await read('speke-v1', { kids: [KID_A] }, withoutId)).contentId).toBe('cid');
    const v2 = answer([contentKey(KID_A)], { id: undefined, contentId: 'cid' });
    expect((await read('speke-v2', { kids: [KID_A] }, v2)).contentId).toBe('cid');
  });

  it('gives the ATEME answer every key it has, with no scheme unless the answer names one', async () => {
    const body = answer([contentKey(KID_A), contentKey(KID_B, { commonEncryptionScheme: 'cbcs' })]);
    const result = await read('anevia', { drmSystems: ['widevine'] }, body);
    expect(result.keys).toStrictEqual([
      { kid: kidForms(KID_A), key: { hex: hex(KEY), base64: base64(KEY) }, drm: [WIDEVINE_SIGNALLING] },
      {
        kid: kidForms(KID_B),
        key: { hex: hex(KEY), base64: base64(KEY) },
        scheme: 'cbcs',
        drm: [WIDEVINE_SIGNALLING],
      },
    ]);
  });

  it('takes the track type and period of the answer, and the request’s where the answer has none', async () => {
    const body = answer([contentKey(KID_A), contentKey(KID_B)], {
      contentKeyPeriodList: { contentKeyPeriods: [{ id: 'p9', index: 9 }] },
      contentKeyUsageRuleList: {
        contentKeyUsageRules: [
          { kid: KID_A, intendedTrackType: 'sd', keyPeriodFilters: [{ periodId: 'p9' }, { periodId: 'unlisted' }] },
          { kid: KID_A, intendedTrackType: 'HD' },
        ],
      },
    });
    const result = await read(
      'speke-v1',
      { tracks: ['SD', 'HD'], periods: [{ index: 3, id: 'p3' }], kids: [KID_A, KID_B] },
      body,
    );
    expect(result.keys.map(({ trackType, period }) => ({ trackType, period }))).toStrictEqual([
      { trackType: 'sd', period: { id: 'p9', index: 9 } },
      { trackType: 'HD', period: { id: 'p3', index: 3 } },
    ]);
  });

  it('gives a key period the answer does not list by its id alone', async () => {
    const body = answer([contentKey(KID_A)], {
      contentKeyUsageRuleList: {
        contentKeyUsageRules: [{ kid: KID_A, keyPeriodFilters: [{ periodId: 'elsewhere' }] }],
      },
    });
    const [key] = (await read('speke-v1', { kids: [KID_A] }, body)).keys;
    expect(key!.period).toStrictEqual({ id: 'elsewhere' });
    expect(key!.trackType).toBeUndefined();
  });

  it('matches DRMSystems and usage rules whatever the case of their KIDs', async () => {
    const upper = KID_A.toUpperCase();
    const document: CpixDocument = {
      id: 'cid',
      contentKeyList: { contentKeys: [contentKey(upper)] },
      drmSystemList: { drmSystems: systems([upper], [WIDEVINE, PLAYREADY]) },
      contentKeyUsageRuleList: { contentKeyUsageRules: [{ kid: upper, intendedTrackType: 'HD' }] },
    };
    const result = await read(
      'speke-v1',
      { kids: [KID_A], drmSystems: ['playready', 'widevine'], tracks: ['HD'] },
      serializeCpix(document, { version: '2.0', unrepresentable: 'keep' }),
    );
    expect(result.keys).toStrictEqual([
      {
        kid: kidForms(KID_A),
        key: { hex: hex(KEY), base64: base64(KEY) },
        scheme: 'cenc',
        trackType: 'HD',
        drm: [WIDEVINE_SIGNALLING, PLAYREADY_SIGNALLING],
      },
    ]);
  });
});

describe('readKeyResponse: matching the requested keys', () => {
  it('matches by track type and period, whatever the case of the track type, when the server assigns KIDs', async () => {
    const body = answer([contentKey(KID_A), contentKey(KID_B), contentKey(KID_C)], {
      contentKeyPeriodList: {
        contentKeyPeriods: [
          { id: 'p1', index: 1 },
          { id: 'p2', index: 2 },
        ],
      },
      contentKeyUsageRuleList: {
        contentKeyUsageRules: [
          { kid: KID_A, intendedTrackType: 'hd', keyPeriodFilters: [{ periodId: 'p2' }] },
          { kid: KID_B, intendedTrackType: 'HD', keyPeriodFilters: [{ periodId: 'p1' }] },
          { kid: KID_C, intendedTrackType: 'SD', keyPeriodFilters: [{ periodId: 'p1' }] },
        ],
      },
    });
    const result = await read('pallycon-v2', { tracks: ['HD'], periods: [1, 2] }, body);
    expect(result.keys.map((key) => [key.kid.uuid, key.trackType, key.period?.index])).toStrictEqual([
      [KID_B, 'HD', 1],
      [KID_A, 'hd', 2],
    ]);
    expect(result.keys.map((key) => key.requestedKid)).toStrictEqual(
      buildKeyRequest(
        { contentId: 'cid', drmSystems: ['widevine'], tracks: ['HD'], periods: [1, 2] },
        'pallycon-v2',
      ).slots.map(() => expect.stringMatching(/^[0-9a-f-]{36}$/)),
    );
  });

  it('takes the key of the requested KID first when the server assigns KIDs, and no requestedKid for it', async () => {
    const body = answer([contentKey(KID_A), contentKey(KID_B)], {
      contentKeyUsageRuleList: {
        contentKeyUsageRules: [
          { kid: KID_A, intendedTrackType: 'HD' },
          { kid: KID_B, intendedTrackType: 'HD' },
        ],
      },
    });
    const result = await read('speke-v2', { tracks: ['HD', 'SD'], kids: [KID_B, KID_A] }, body, true);
    expect(result.keys.map((key) => [key.kid.uuid, key.requestedKid])).toStrictEqual([
      [KID_B, undefined],
      [KID_A, undefined],
    ]);
  });

  it('takes the only key of the answer for the only key asked for, whatever its KID', async () => {
    const result = await read('pallycon-v1', { tracks: ['UHD1'] }, answer([contentKey(KID_C)]));
    expect(result.keys.map((key) => [key.kid.uuid, key.trackType])).toStrictEqual([[KID_C, 'UHD1']]);
    expect(result.keys[0]!.requestedKid).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('picks the one key of the track type asked for among several, when only one key is asked for', async () => {
    const body = answer([contentKey(KID_A), contentKey(KID_B)], {
      contentKeyUsageRuleList: {
        contentKeyUsageRules: [
          { kid: KID_A, intendedTrackType: 'SD' },
          { kid: KID_B, intendedTrackType: 'HD' },
        ],
      },
    });
    const result = await read('pallycon-v2', { tracks: ['HD'] }, body);
    expect(result.keys.map((key) => [key.kid.uuid, key.trackType])).toStrictEqual([[KID_B, 'HD']]);
  });

  it('holds SPEKE answers to the KIDs sent unless told the server assigns them', async () => {
    const body = answer([contentKey(KID_C)]);
    const error = await refusal(read('speke-v1', { kids: [KID_A] }, body, false), 'ERR_CLIENT_RESPONSE_MISMATCH');
    expect(error.message).toBe(`the answer has no content key for kid ${KID_A}`);
    expect((await read('speke-v1', { kids: [KID_A] }, body, true)).keys[0]!.kid.uuid).toBe(KID_C);
  });

  it.each([
    [
      'no key for a track type and period',
      { tracks: ['SD', 'HD'], periods: [4] },
      [
        { kid: KID_A, intendedTrackType: 'SD', keyPeriodFilters: [{ periodId: 'p4' }] },
        { kid: KID_B, intendedTrackType: 'HD' },
      ],
      /^the answer has no content key for kid [0-9a-f-]{36}, track type HD, period 4$/,
    ],
    [
      'several keys for one track type',
      { tracks: ['SD', 'HD'] },
      [
        { kid: KID_A, intendedTrackType: 'SD' },
        { kid: KID_B, intendedTrackType: 'SD' },
      ],
      /^the answer has several content keys for kid [0-9a-f-]{36}, track type SD$/,
    ],
    [
      'the same key for two periods',
      { periods: [4, 5] },
      [{ kid: KID_A, keyPeriodFilters: [{ periodId: 'p4' }, { periodId: 'p5' }] }],
      new RegExp(`^the answer gives the same content key ${KID_A} for two requested keys$`),
    ],
  ])('refuses %s where the server assigns KIDs', async (_name, request, rules, message) => {
    const kids = [...new Set(rules.map((rule) => rule.kid))];
    const body = answer(
      kids.map((kid) => contentKey(kid)),
      {
        contentKeyPeriodList: {
          contentKeyPeriods: [
            { id: 'p4', index: 4 },
            { id: 'p5', index: 5 },
          ],
        },
        contentKeyUsageRuleList: { contentKeyUsageRules: rules },
      },
    );
    const error = await refusal(read('pallycon-v2', request, body), 'ERR_CLIENT_RESPONSE_MISMATCH');
    expect(error.message).toMatch(message);
  });

  it('refuses the same key given for the KID of one requested key and the track type of another', async () => {
    const body = answer([contentKey(KID_A)], {
      contentKeyUsageRuleList: { contentKeyUsageRules: [{ kid: KID_A, intendedTrackType: 'HD' }] },
    });
    const error = await refusal(
      read('speke-v1', { tracks: ['SD', 'HD'], kids: [KID_A, KID_B] }, body, true),
      'ERR_CLIENT_RESPONSE_MISMATCH',
    );
    expect(error.message).toBe(`the answer gives the same content key ${KID_A} for two requested keys`);
  });

  it('refuses an ATEME answer without keys', async () => {
    const body = serializeCpix({ id: 'cid', contentKeyList: { contentKeys: [] } }, { version: '2.0' });
    const error = await refusal(read('anevia', {}, body), 'ERR_CLIENT_RESPONSE_MISMATCH');
    expect(error.message).toBe('the answer has no content key');
  });

  it('refuses an answer for another content id, quoting at most 200 characters of each', async () => {
    const long = 'x'.repeat(250);
    const body = answer([contentKey(KID_A)], { id: long });
    const error = await refusal(read('speke-v1', { kids: [KID_A] }, body), 'ERR_CLIENT_RESPONSE_MISMATCH');
    expect(error.message).toBe(`the answer is for content id "${'x'.repeat(200)}", not "cid"`);
    const other = await refusal(
      read('speke-v1', { kids: [KID_A], contentId: 'y'.repeat(250) }, answer([contentKey(KID_A)])),
      'ERR_CLIENT_RESPONSE_MISMATCH',
    );
    expect(other.message).toBe(`the answer is for content id "cid", not "${'y'.repeat(200)}"`);
  });

  it('names the DRM system and the key a missing DRMSystem was asked for', async () => {
    const body = answer([contentKey(KID_A)]);
    const slot = await refusal(
      read('speke-v1', { kids: [KID_A], tracks: ['HD'], drmSystems: ['widevine', 'playready'] }, body),
      'ERR_CLIENT_RESPONSE_MISMATCH',
    );
    expect(slot.message).toBe(`the answer has no DRMSystem for PlayReady and kid ${KID_A}, track type HD`);
    const ateme = await refusal(
      read('anevia', { drmSystems: ['widevine', 'playready'] }, body),
      'ERR_CLIENT_RESPONSE_MISMATCH',
    );
    expect(ateme.message).toBe(`the answer has no DRMSystem for PlayReady and content key ${KID_A}`);
  });
});

describe('readKeyResponse: values that cannot be used', () => {
  it.each([
    ['a key of 15 bytes', { data: { secret: { plainValue: new Uint8Array(15) } } }, 'is 15 bytes long, not 16'],
    ['a key of 17 bytes', { data: { secret: { plainValue: new Uint8Array(17) } } }, 'is 17 bytes long, not 16'],
    ['an IV of 15 bytes', { explicitIV: new Uint8Array(15) }, 'explicitIV'],
    ['an IV of 17 bytes', { explicitIV: new Uint8Array(17) }, 'explicitIV'],
    ['no key value', { data: {} }, 'carries no key value'],
    ['no Data', { data: undefined }, 'carries no key value'],
  ] as const)('refuses %s', async (_name, fields, what) => {
    const body = answer([{ ...contentKey(KID_A), ...(fields as Partial<ContentKey>) }]);
    const error = await refusal(read('speke-v1', { kids: [KID_A] }, body), 'ERR_CLIENT_MALFORMED_RESPONSE');
    const iv = 'explicitIV' in fields ? fields.explicitIV!.length : 0;
    expect(error.message).toBe(
      what === 'explicitIV'
        ? `the explicitIV of content key ${KID_A} is ${iv} bytes long, not 16`
        : `content key ${KID_A} ${what}`,
    );
  });

  it('refuses a key of another scheme than the one asked for', async () => {
    const body = answer([contentKey(KID_A, { commonEncryptionScheme: 'cenc' })]);
    const error = await refusal(
      read('speke-v1', { kids: [KID_A], scheme: 'cbcs' }, body),
      'ERR_CLIENT_RESPONSE_MISMATCH',
    );
    expect(error.message).toBe(`content key ${KID_A} is for scheme cenc, the request asked for cbcs`);
  });

  it.each([
    ['', 'the key server answered an empty body'],
    [' \r\n\t', 'the key server answered an empty body'],
    [new Uint8Array(0), 'the key server answered an empty body'],
  ])('refuses the body %j as empty', async (body, message) => {
    const error = await refusal(read('speke-v1', {}, body), 'ERR_CLIENT_MALFORMED_RESPONSE');
    expect(error.message).toBe(message);
    expect(error.cause).toBeUndefined();
  });

  it('refuses what is not CPIX, with the reader’s error as the cause', async () => {
    const error = await refusal(read('speke-v1', {}, '<html/>'), 'ERR_CLIENT_MALFORMED_RESPONSE');
    expect(error.message).toMatch(/^the answer is not a readable CPIX document: ./);
    expect(error.cause).toMatchObject({ name: 'CpixError', code: expect.stringMatching(/^ERR_CPIX_/) });
  });

  it.each([
    [{ error_code: 'E7' }, 'the key server answered an error instead of CPIX: E7', undefined, 'E7'],
    [
      { error_message: 'no such site' },
      'the key server answered an error instead of CPIX: no such site',
      'no such site',
      undefined,
    ],
    [{}, 'the key server answered an error instead of CPIX', undefined, undefined],
    [{ error_code: 7, message: 'seven' }, 'the key server answered an error instead of CPIX: 7 seven', 'seven', '7'],
  ])('reports the vendor error %j with its parts', async (json, message, serverMessage, serverCode) => {
    const error = await refusal(read('pallycon-v2', {}, JSON.stringify(json)), 'ERR_CLIENT_VENDOR_ERROR');
    expect([error.message, error.serverMessage, error.serverCode]).toStrictEqual([message, serverMessage, serverCode]);
  });

  it('keeps 300 characters of a vendor message and 64 of its code, secrets blanked before cutting', async () => {
    const secret = 's3cr3t-token';
    const json = JSON.stringify({
      error_code: `${secret}${'C'.repeat(100)}`,
      error_message: `${secret} ${'m'.repeat(400)}`,
    });
    const prepared = buildKeyRequest({ contentId: 'cid', drmSystems: ['widevine'] }, 'pallycon-v2');
    const error = await refusal(readKeyResponse(json, prepared, { secrets: [secret] }), 'ERR_CLIENT_VENDOR_ERROR');
    expect(error.serverCode).toBe(`[redacted]${'C'.repeat(54)}`);
    expect(error.serverMessage).toBe(`[redacted] ${'m'.repeat(289)}`);
    expect(error.message).toBe(
      `the key server answered an error instead of CPIX: ${error.serverCode} ${error.serverMessage}`,
    );
  });
});
