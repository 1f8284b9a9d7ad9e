import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCpix } from '@cpixkit/cpix-model';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { buildKeyRequest, type CpixDialect, spekeV2EncryptionContract } from './index.js';

const KID_A = '98ee5596-cd3e-a20d-163a-e382420c6eff';
const KID_B = '53abdba2-f210-43cb-bc90-f18f9a890a02';
const WIDEVINE = 'edef8ba9-79d6-4ace-a3c8-27dcd51d21ed';
const PLAYREADY = '9a04f079-9840-4286-ab92-e65be0885f95';
const FAIRPLAY = '94ce86fb-07ff-4f43-adb8-93d2fa968ca2';
const AES128 = '81376844-f976-481e-a84e-cc25d39b0b33';

function reread(body: string | undefined) {
  const { document, warnings } = parseCpix(body!);
  return { document, warnings };
}

describe('buildKeyRequest: SPEKE v1', () => {
  it('writes CPIX with id, the KID given, and the AWS signalling elements per DRM system', () => {
    const prepared = buildKeyRequest(
      { contentId: 'abc123', drmSystems: ['aes128', 'fairplay', 'widevine', 'playready'], kids: [KID_A] },
      'speke-v1',
    );
    expect(prepared.method).toBe('POST');
    expect(prepared.slots).toEqual([{ kid: KID_A }]);
    expect(prepared.body).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<cpix:CPIX /);
    expect(prepared.body).not.toContain('version="2.3"');
    const { document, warnings } = reread(prepared.body);
    expect(warnings).toEqual([]);
    expect(document.id).toBe('abc123');
    expect(document.contentId).toBeUndefined();
    expect(document.contentKeyList!.contentKeys).toEqual([{ kid: KID_A, commonEncryptionScheme: 'cenc' }]);
    const bySystem = Object.fromEntries(document.drmSystemList!.drmSystems.map((system) => [system.systemId, system]));
    expect(Object.keys(bySystem)).toEqual([AES128, FAIRPLAY, WIDEVINE, PLAYREADY]);
    const empty = new Uint8Array(0);
    expect(bySystem[AES128]).toMatchObject({
      uriExtXKey: empty,
      speke: { keyFormat: empty, keyFormatVersions: empty },
    });
    expect(bySystem[FAIRPLAY]).toMatchObject({
      uriExtXKey: empty,
      speke: { keyFormat: empty, keyFormatVersions: empty },
    });
    expect(bySystem[WIDEVINE]).toEqual({ kid: KID_A, systemId: WIDEVINE, pssh: empty });
    expect(bySystem[PLAYREADY]).toEqual({
      kid: KID_A,
      systemId: PLAYREADY,
      pssh: empty,
      speke: { protectionHeader: empty },
    });
    expect(document.contentKeyUsageRuleList).toBeUndefined();
    expect(document.contentKeyPeriodList).toBeUndefined();
  });

  it('asks for one key per period, each with its KeyPeriodFilter', () => {
    const prepared = buildKeyRequest(
      {
        contentId: 'live',
        drmSystems: ['widevine'],
        periods: [213, { index: 214, id: 'keyPeriod_next' }],
        kids: [KID_A, KID_B],
      },
      'speke-v1',
    );
    const { document } = reread(prepared.body);
    const periods = document.contentKeyPeriodList!.contentKeyPeriods;
    expect(periods.map((period) => period.index)).toEqual([213, 214]);
    expect(periods[0]!.id).toMatch(/^keyPeriod_[0-9a-f-]{36}$/);
    expect(periods[1]!.id).toBe('keyPeriod_next');
    expect(document.contentKeyUsageRuleList!.contentKeyUsageRules).toEqual([
      { kid: KID_A, keyPeriodFilters: [{ periodId: periods[0]!.id }] },
      { kid: KID_B, keyPeriodFilters: [{ periodId: 'keyPeriod_next' }] },
    ]);
    expect(prepared.slots).toEqual([
      { kid: KID_A, period: { id: periods[0]!.id, index: 213 } },
      { kid: KID_B, period: { id: 'keyPeriod_next', index: 214 } },
    ]);
  });
});

describe('buildKeyRequest: SPEKE v2', () => {
  it('writes CPIX 2.3 with contentId and the SPEKE v2 signalling elements (as the Axinom sample)', () => {
    const prepared = buildKeyRequest(
      { contentId: 'abc123', drmSystems: ['fairplay', 'playready', 'widevine'], kids: [KID_A] },
      'speke-v2',
    );
    expect(prepared.body).toContain('version="2.3"');
    const { document, warnings } = reread(prepared.body);
    expect(warnings).toEqual([]);
    expect(document).toMatchObject({ contentId: 'abc123', version: '2.3' });
    expect(document.id).toBeUndefined();
    const empty = new Uint8Array(0);
    const hls = [
      { playlist: 'media', value: empty },
      { playlist: 'master', value: empty },
    ];
    expect(document.drmSystemList!.drmSystems).toEqual([
      { kid: KID_A, systemId: FAIRPLAY, hlsSignalingData: hls },
      {
        kid: KID_A,
        systemId: PLAYREADY,
        pssh: empty,
        contentProtectionData: { value: empty },
        hlsSignalingData: hls,
        smoothStreamingProtectionHeaderData: '',
      },
      { kid: KID_A, systemId: WIDEVINE, pssh: empty, contentProtectionData: { value: empty }, hlsSignalingData: hls },
    ]);
  });

  it('asks for the single ALL key when no track type is given', () => {
    const prepared = buildKeyRequest({ contentId: 'abc', drmSystems: ['widevine'], kids: [KID_A] }, 'speke-v2');
    expect(reread(prepared.body).document.contentKeyUsageRuleList!.contentKeyUsageRules).toEqual([
      { kid: KID_A, intendedTrackType: 'ALL', videoFilters: [{}], audioFilters: [{}] },
    ]);
    expect(prepared.slots).toEqual([{ kid: KID_A, trackType: 'ALL' }]);
  });

  it('writes an encryption contract, one key per track type and period with its filters', () => {
    const prepared = buildKeyRequest(
      {
        contentId: 'multi',
        drmSystems: ['widevine', 'playready'],
        scheme: 'cbcs',
        tracks: spekeV2EncryptionContract('PRESET-VIDEO-7', 'PRESET-AUDIO-1'),
        periods: [5, 6],
      },
      'speke-v2',
    );
    const { document } = reread(prepared.body);
    expect(prepared.slots.map((slot) => `${slot.trackType}@${slot.period!.index}`)).toEqual([
      'SD+HD1@5',
      'SD+HD1@6',
      'HD2@5',
      'HD2@6',
      'UHD@5',
      'UHD@6',
      'AUDIO@5',
      'AUDIO@6',
    ]);
    expect(new Set(prepared.slots.map((slot) => slot.kid)).size).toBe(8);
    expect(document.contentKeyList!.contentKeys.every((key) => key.commonEncryptionScheme === 'cbcs')).toBe(true);
    expect(document.drmSystemList!.drmSystems).toHaveLength(16);
    const rules = document.contentKeyUsageRuleList!.contentKeyUsageRules;
    expect(rules[0]).toMatchObject({
      intendedTrackType: 'SD+HD1',
      videoFilters: [{ maxPixels: 589824 }, { minPixels: 589825, maxPixels: 921600 }],
    });
    expect(rules[6]).toMatchObject({ intendedTrackType: 'AUDIO', audioFilters: [{}] });
    expect(rules[7]!.keyPeriodFilters![0]!.periodId).toBe(document.contentKeyPeriodList!.contentKeyPeriods[1]!.id);
  });
});

describe('buildKeyRequest: PallyCon', () => {
  it('writes a request like PallyCon clients send: id, commonEncryptionScheme, empty DRMSystems, track types', () => {
    const prepared = buildKeyRequest(
      {
        contentId: '1234',
        drmSystems: ['widevine', 'playready', 'fairplay'],
        tracks: ['SD', 'HD', 'AUDIO'],
        periods: [128],
      },
      'pallycon-v2',
    );
    const { document } = reread(prepared.body);
    expect(document.id).toBe('1234');
    expect(
      document.drmSystemList!.drmSystems.every((system) => Object.keys(system).sort().join() === 'kid,systemId'),
    ).toBe(true);
    expect(document.drmSystemList!.drmSystems).toHaveLength(9);
    expect(document.contentKeyUsageRuleList!.contentKeyUsageRules.map((rule) => rule.intendedTrackType)).toEqual([
      'SD',
      'HD',
      'AUDIO',
    ]);
    expect(document.contentKeyUsageRuleList!.contentKeyUsageRules[1]!.videoFilters).toEqual([
      { minPixels: 589825, maxPixels: 2073600 },
    ]);
    expect(document.contentKeyPeriodList!.contentKeyPeriods.map((period) => period.index)).toEqual([128]);
  });

  it('keeps a content id that is not an XML name (numeric PallyCon ids)', () => {
    expect(buildKeyRequest({ contentId: '0001 #a', drmSystems: ['widevine'] }, 'pallycon-v2').body).toContain(
      'id="0001 #a"',
    );
  });
});

describe('buildKeyRequest: ATEME GET', () => {
  it('sends no body and derives the streaming format from the DRM systems', () => {
    expect(buildKeyRequest({ contentId: 'test-cid', drmSystems: ['widevine', 'playready'] }, 'anevia')).toMatchObject({
      method: 'GET',
      format: 'dash',
      slots: [],
    });
    const hls = buildKeyRequest({ contentId: 'test-cid', drmSystems: ['fairplay'] }, 'anevia');
    expect(hls.format).toBe('hls');
    expect(hls.body).toBeUndefined();
    expect(hls.document).toBeUndefined();
  });

  it.each([
    [{ drmSystems: ['widevine', 'fairplay'] }, /separately/],
    [{ drmSystems: ['widevine'], format: 'hls' }, /does not serve/],
    [{ drmSystems: ['widevine'], tracks: ['HD'] }, /takes no tracks/],
    [{ drmSystems: ['widevine'], periods: [1] }, /takes no periods/],
    [{ drmSystems: ['widevine'], format: 'smooth' }, /dash or hls/],
  ])('refuses %j', (fields, message) => {
    expect(() => buildKeyRequest({ contentId: 'c', ...fields } as never, 'anevia')).toThrowError(
      expect.objectContaining({ message: expect.stringMatching(message) }),
    );
  });
});

describe('buildKeyRequest: encrypted delivery', () => {
  // A certificate openssl made, and what openssl itself says its DER and subject are.
  const dir = mkdtempSync(join(tmpdir(), 'cpixkit-client-cert-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const openssl = (...args: string[]): Buffer =>
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] });
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'recipient.key',
    '-out',
    'recipient.pem',
    '-days',
    '2',
    '-subj',
    '/CN=cpixkit client recipient',
    '-sha256',
  );
  const pem = readFileSync(join(dir, 'recipient.pem'), 'utf8');
  const der = Uint8Array.from(openssl('x509', '-in', 'recipient.pem', '-outform', 'DER'));
  const subject = openssl('x509', '-in', 'recipient.pem', '-noout', '-subject').toString('utf8');

  /** The text of the request's ds:X509Certificate element. */
  const x509CertificateText = (body: string): string =>
    /<ds:X509Certificate>([^<]*)<\/ds:X509Certificate>/.exec(body)![1]!;

  it.each([
    ['PEM text', () => pem],
    ['PEM bytes (a .pem file read as bytes)', () => Uint8Array.from(Buffer.from(pem))],
    ['DER bytes', () => der],
    ['base64 DER text', () => Buffer.from(der).toString('base64')],
    ['base64 DER bytes', () => Uint8Array.from(Buffer.from(Buffer.from(der).toString('base64')))],
  ])('writes the DER certificate, which openssl reads back, given %s', (_form, certificate) => {
    const prepared = buildKeyRequest(
      { contentId: 'c', drmSystems: ['widevine'], recipientCertificate: certificate() },
      'speke-v2',
    );
    const text = x509CertificateText(prepared.body!);
    writeFileSync(
      join(dir, 'sent.pem'),
      `-----BEGIN CERTIFICATE-----\n${text.replace(/\s+/g, '').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`,
    );
    expect(openssl('x509', '-in', 'sent.pem', '-noout', '-subject').toString('utf8')).toBe(subject);
    expect(Uint8Array.from(openssl('x509', '-in', 'sent.pem', '-outform', 'DER'))).toEqual(der);
    const { document, warnings } = reread(prepared.body);
    expect(document.deliveryDataList!.deliveryData[0]!.deliveryKey.x509Certificates).toEqual([der]);
    expect(warnings.map((warning) => warning.code)).toEqual(['DELIVERY_DATA_WITHOUT_DOCUMENT_KEY']);
  });

  it.each([
    ['text that is not a certificate', 'not a certificate!'],
    ['base64 that is not a certificate', Buffer.from('not a certificate').toString('base64')],
    ['DER that is not a certificate', Uint8Array.from([0x30, 0x82, 0x01, 0x0a, 0x02])],
    ['nothing', new Uint8Array(0)],
    ['an empty string', ''],
    ['a number', 42],
  ])('refuses %s with ERR_CLIENT_INVALID_OPTION', (_what, certificate) => {
    expect(() =>
      buildKeyRequest(
        { contentId: 'c', drmSystems: ['widevine'], recipientCertificate: certificate as never },
        'speke-v2',
      ),
    ).toThrowError(
      expect.objectContaining({
        name: 'CpixClientError',
        code: 'ERR_CLIENT_INVALID_OPTION',
        message: expect.stringMatching(/recipientCertificate/),
      }),
    );
  });

  it('refuses a certificate no key server can encrypt for: an EC key', () => {
    openssl(
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'ec.key',
      '-out',
      'ec.pem',
      '-days',
      '2',
      '-subj',
      '/CN=ec',
    );
    expect(() =>
      buildKeyRequest(
        { contentId: 'c', drmSystems: ['widevine'], recipientCertificate: readFileSync(join(dir, 'ec.pem'), 'utf8') },
        'speke-v2',
      ),
    ).toThrowError(
      expect.objectContaining({
        code: 'ERR_CLIENT_INVALID_OPTION',
        cause: expect.objectContaining({ code: 'ERR_CPIX_CERTIFICATE_NOT_RSA' }),
      }),
    );
  });
});

describe('buildKeyRequest: input checks', () => {
  it.each([
    [{ contentId: '' }, /contentId/],
    [{ contentId: 'a\nb' }, /control characters/],
    [{ drmSystems: [] }, /at least one DRM system/],
    [{ drmSystems: ['widevine', 'WIDEVINE'] }, /listed twice/],
    [{ drmSystems: ['marlinx'] }, /unknown DRM system "marlinx"/],
    [{ scheme: 'cbc2' }, /scheme must be one of/],
    [{ tracks: ['HD', 'hd'] }, /listed twice/],
    [{ periods: [1, 1] }, /listed twice/],
    [{ periods: [-1] }, /non-negative integer/],
    [{ periods: [1.5] }, /non-negative integer/],
    [{ periods: [{ index: 2, id: '' }] }, /non-empty string/],
    [{ kids: [KID_A, KID_B] }, /must list 1 KID/],
    [{ kids: ['not-a-uuid'] }, /kids must be UUIDs/],
    [{ tracks: ['SD', 'HD'], kids: [KID_A, KID_A.toUpperCase()] }, /distinct/],
    [{ format: 'dash' }, /ATEME GET API only/],
  ])('refuses %j', (fields, message) => {
    const request = { contentId: 'c', drmSystems: ['widevine'], ...fields };
    expect(() => buildKeyRequest(request as never, 'speke-v1')).toThrowError(
      expect.objectContaining({
        name: 'CpixClientError',
        code: 'ERR_CLIENT_INVALID_OPTION',
        message: expect.stringMatching(message),
      }),
    );
  });

  it('refuses an unknown dialect and a request that is not an object', () => {
    expect(() => buildKeyRequest({ contentId: 'c', drmSystems: ['widevine'] }, 'speke-v3' as CpixDialect)).toThrow(
      /unknown dialect/,
    );
    expect(() => buildKeyRequest(null as never, 'speke-v1')).toThrow(/must be an object/);
  });

  it('accepts any system id and upper-case schemes', () => {
    const prepared = buildKeyRequest(
      {
        contentId: 'c',
        drmSystems: ['{3D5E6D35-9B9A-41E8-B843-DD3C6E72C42C}', 'd9e4411a-e886-4909-a380-a77f28d52335'],
        scheme: 'CBCS' as never,
      },
      'speke-v2',
    );
    expect(prepared.scheme).toBe('cbcs');
    expect(prepared.drmSystems.map((target) => [target.systemId, target.drm ?? null])).toEqual([
      ['3d5e6d35-9b9a-41e8-b843-dd3c6e72c42c', 'wiseplay'],
      ['d9e4411a-e886-4909-a380-a77f28d52335', null],
    ]);
    const { document } = reread(prepared.body);
    expect(document.drmSystemList!.drmSystems[1]).toMatchObject({
      pssh: new Uint8Array(0),
      contentProtectionData: { value: new Uint8Array(0) },
    });
  });

  it('writes a document every dialect reads back with the same keys, systems and rules (property)', () => {
    const dialects: CpixDialect[] = ['speke-v1', 'speke-v2', 'pallycon-v2'];
    fc.assert(
      fc.property(
        fc.constantFrom(...dialects),
        fc.subarray(['widevine', 'playready', 'fairplay', 'aes128'], { minLength: 1 }),
        fc.subarray(['SD', 'HD', 'UHD1', 'UHD2', 'AUDIO']),
        fc.uniqueArray(fc.nat({ max: 1_000_000 }), { maxLength: 3 }),
        (dialect, drmSystems, tracks, periods) => {
          const prepared = buildKeyRequest({ contentId: 'prop', drmSystems, tracks, periods }, dialect);
          const { document } = reread(prepared.body);
          const expectedKeys = Math.max(1, tracks.length) * Math.max(1, periods.length);
          expect(prepared.slots).toHaveLength(expectedKeys);
          expect(document.contentKeyList!.contentKeys.map((key) => key.kid)).toEqual(
            prepared.slots.map((slot) => slot.kid),
          );
          expect(document.drmSystemList!.drmSystems).toHaveLength(expectedKeys * drmSystems.length);
          const rules = document.contentKeyUsageRuleList?.contentKeyUsageRules ?? [];
          for (const slot of prepared.slots) {
            const rule = rules.find((candidate) => candidate.kid === slot.kid);
            if (slot.trackType !== undefined) expect(rule?.intendedTrackType).toBe(slot.trackType);
            if (slot.period !== undefined) expect(rule?.keyPeriodFilters).toEqual([{ periodId: slot.period.id }]);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
