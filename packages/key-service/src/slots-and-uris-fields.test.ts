import type { DrmSystem } from '@cpixkit/cpix-model';
import { HlsSignalingError } from '@cpixkit/hls-signaling';
import { describe, expect, it } from 'vitest';
import { thrownBy } from '../../../tooling/src/thrown.js';
import { testTenant } from '../test/fixtures.js';
import { aneviaRequest } from './anevia.js';
import { commonPsshBox, commonPsshXml } from './common-pssh.js';
import { KeyServiceError } from './errors.js';
import { fairPlayUri, pallyConFairPlayUri } from './fairplay-uri.js';
import type { PlannedSystem, SignalingSlot } from './request-plan.js';
import { placeholderHasValue, type SlotTable, settleSlots } from './signaling-slots.js';
import type { KeyServiceWarning } from './types.js';

// The ATEME request, slot settling, FairPlay URIs and the common PSSH box compared whole, each
// refusal with its code, status and message.

const KID = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const PLACEHOLDER = '00000000-0000-0000-0000-000000000000';
const EMPTY = new Uint8Array(0);
const ONE = new Uint8Array(1);

describe('aneviaRequest', () => {
  it('asks for PlayReady and Widevine for dash, and FairPlay (with AES-128 when enabled) for hls', () => {
    const request = (systemIds: string[]) => ({
      id: 'cid-1',
      contentKeyList: { contentKeys: [{ kid: PLACEHOLDER }] },
      drmSystemList: { drmSystems: systemIds.map((systemId) => ({ systemId, kid: PLACEHOLDER })) },
    });
    expect(aneviaRequest({ format: 'dash', contentId: 'cid-1' }, testTenant())).toStrictEqual(
      request(['9a04f079-9840-4286-ab92-e65be0885f95', 'edef8ba9-79d6-4ace-a3c8-27dcd51d21ed']),
    );
    expect(aneviaRequest({ format: 'hls', contentId: 'cid-1' }, testTenant())).toStrictEqual(
      request(['94ce86fb-07ff-4f43-adb8-93d2fa968ca2']),
    );
    const aes = testTenant({ settings: { anevia: { hlsAes128: true } } });
    expect(aneviaRequest({ format: 'hls', contentId: 'cid-1' }, aes)).toStrictEqual(
      request(['94ce86fb-07ff-4f43-adb8-93d2fa968ca2', '81376844-f976-481e-a84e-cc25d39b0b33']),
    );
    expect(aneviaRequest({ format: 'dash', contentId: 'c'.repeat(200) }, testTenant()).id).toHaveLength(200);
  });

  it.each<[unknown, string]>([
    [undefined, 'the streaming format must be dash or hls'],
    [{ contentId: 'c' }, 'the streaming format must be dash or hls'],
    [{ format: 'DASH', contentId: 'c' }, 'the streaming format must be dash or hls'],
    [{ format: 'dash' }, 'the content id must be 1 to 200 printable characters without spaces, quotes, <, >, & or \\'],
    ...[
      '',
      'c'.repeat(201),
      'a b',
      'a"b',
      "a'b",
      'a<b',
      'a>b',
      'a&b',
      'a\\b',
      'a\tb',
      'a\nb',
      'a\u0001b',
      'a\u007fb',
      'a\u0085b',
    ].map((contentId): [unknown, string] => [
      { format: 'hls', contentId },
      'the content id must be 1 to 200 printable characters without spaces, quotes, <, >, & or \\',
    ]),
  ])('refuses the parameters %j', (params, message) => {
    const error = thrownBy(() => aneviaRequest(params as never, testTenant()), KeyServiceError);
    expect([error.code, error.status, error.message]).toStrictEqual(['ERR_KEY_SERVICE_INVALID_PARAMS', 400, message]);
  });
});

describe('placeholderHasValue', () => {
  it.each([
    ['pssh', { pssh: ONE }, { pssh: EMPTY }],
    ['contentProtectionData', { contentProtectionData: { value: ONE } }, { contentProtectionData: { value: EMPTY } }],
    ['uriExtXKey', { uriExtXKey: ONE }, { uriExtXKey: EMPTY }],
    [
      'hls-media',
      { hlsSignalingData: [{ value: ONE }] },
      {
        hlsSignalingData: [
          { playlist: 'master', value: ONE },
          { playlist: 'media', value: EMPTY },
        ],
      },
    ],
    [
      'hls-master',
      { hlsSignalingData: [{ playlist: 'master', value: ONE }] },
      { hlsSignalingData: [{ value: ONE }, { playlist: 'master', value: EMPTY }] },
    ],
    [
      'smoothStreaming',
      { smoothStreamingProtectionHeaderData: ' x ' },
      { smoothStreamingProtectionHeaderData: ' \n ' },
    ],
    ['hds', { hdsSignalingData: ONE }, { hdsSignalingData: EMPTY }],
    ['speke:ProtectionHeader', { speke: { protectionHeader: ONE } }, { speke: { protectionHeader: EMPTY } }],
    ['speke:KeyFormat', { speke: { keyFormat: ONE } }, { speke: { keyFormat: EMPTY } }],
    ['speke:KeyFormatVersions', { speke: { keyFormatVersions: ONE } }, { speke: { keyFormatVersions: EMPTY } }],
  ])('tells a %s with a value from an empty one and an absent one', (slot, full, empty) => {
    const system = (fields: object) => ({ kid: KID, systemId: 'x', ...fields }) as DrmSystem;
    expect([
      placeholderHasValue(system(full), slot as SignalingSlot),
      placeholderHasValue(system(empty), slot as SignalingSlot),
      placeholderHasValue(system({}), slot as SignalingSlot),
      placeholderHasValue(system({ speke: {} }), slot as SignalingSlot),
    ]).toStrictEqual([true, false, false, false]);
  });
});

describe('settleSlots', () => {
  const all = <T>(value: T) => ({
    widevine: value,
    playready: value,
    fairplay: value,
    aes128: value,
    clearkey: value,
    common: value,
  });
  const table = (fixed = false): SlotTable => ({
    fillable: {
      ...all<SignalingSlot[]>(['pssh']),
      widevine: ['pssh', 'hls-media', 'smoothStreaming', 'speke:ProtectionHeader'],
    },
    defaults: { ...all<SignalingSlot[]>([]), widevine: ['pssh'] },
    fixed,
  });
  const planned = (requested: SignalingSlot[], source: Partial<DrmSystem> = {}, scheme?: string): PlannedSystem => ({
    source: { kid: KID, systemId: 'x', ...source },
    system: 'widevine',
    key: {
      source: { kid: KID },
      requestKid: KID,
      kid: KID,
      writtenKid: KID,
      periodAmbiguous: false,
      ...(scheme ? { scheme } : {}),
    },
    requested,
    label: 'DRMSystem[4]',
    name: 'Widevine',
  });

  it('fills what is asked and fillable, in request order, and the defaults when nothing is asked', () => {
    const warnings: KeyServiceWarning[] = [];
    expect(settleSlots(planned(['hls-media', 'pssh']), table(), warnings)).toStrictEqual(['hls-media', 'pssh']);
    expect(settleSlots(planned([]), table(), warnings)).toStrictEqual(['pssh']);
    expect(settleSlots(planned(['hls-media', 'smoothStreaming'], {}, 'cenc'), table(), warnings)).toStrictEqual([
      'hls-media',
      'smoothStreaming',
    ]);
    expect(settleSlots(planned(['hls-media'], {}, 'cbcs'), table(), warnings)).toStrictEqual(['hls-media']);
    expect(warnings).toStrictEqual([]);
  });

  it('removes an empty placeholder the dialect does not fill, or a fixed table leaves out, with a warning', () => {
    const warnings: KeyServiceWarning[] = [];
    expect(settleSlots(planned(['pssh', 'uriExtXKey']), table(), warnings)).toStrictEqual(['pssh']);
    expect(settleSlots(planned(['hls-media']), table(true), warnings)).toStrictEqual(['pssh']);
    expect(warnings).toStrictEqual([
      {
        code: 'PLACEHOLDER_REMOVED',
        path: 'DRMSystem[4]',
        message: 'Widevine has no URIExtXKey in this answer: the empty URIExtXKey was removed',
      },
      {
        code: 'PLACEHOLDER_REMOVED',
        path: 'DRMSystem[4]',
        message:
          'Widevine has no HLSSignalingData (media) in this answer: the empty HLSSignalingData (media) was removed',
      },
    ]);
  });

  it('removes a placeholder that does not apply to the key’s scheme, with a warning of its own', () => {
    const warnings: KeyServiceWarning[] = [];
    expect(
      settleSlots(
        planned(['pssh', 'smoothStreaming', 'speke:ProtectionHeader', 'hls-media'], {}, 'cens'),
        table(),
        warnings,
      ),
    ).toStrictEqual(['pssh']);
    expect(warnings).toStrictEqual([
      {
        code: 'PLACEHOLDER_REMOVED_FOR_SCHEME',
        path: 'DRMSystem[4]',
        message: `Smooth Streaming plays only cenc keys; kid ${KID} is cens: the empty SmoothStreamingProtectionHeaderData was removed`,
      },
      {
        code: 'PLACEHOLDER_REMOVED_FOR_SCHEME',
        path: 'DRMSystem[4]',
        message: `Smooth Streaming plays only cenc keys; kid ${KID} is cens: the empty speke:ProtectionHeader was removed`,
      },
      {
        code: 'PLACEHOLDER_REMOVED_FOR_SCHEME',
        path: 'DRMSystem[4]',
        message: `HLS signals cenc and cbcs keys only; kid ${KID} is cens: the empty HLSSignalingData (media) was removed`,
      },
    ]);
  });

  it('rules out HLS on either playlist only for Widevine and PlayReady keys that are neither cenc nor cbcs', () => {
    const hls: SignalingSlot[] = ['hls-media', 'hls-master'];
    const everyHls: SlotTable = { fillable: all(hls), defaults: all([]), fixed: false };
    const of = (system: PlannedSystem['system'], name: string): PlannedSystem => ({
      ...planned(hls, {}, 'cens'),
      system,
      name,
    });
    const warnings: KeyServiceWarning[] = [];
    expect(settleSlots(of('aes128', 'HLS AES-128'), everyHls, warnings)).toStrictEqual(hls);
    expect(settleSlots(of('fairplay', 'FairPlay'), everyHls, warnings)).toStrictEqual(hls);
    expect(warnings).toStrictEqual([]);
    expect(settleSlots(of('playready', 'PlayReady'), everyHls, warnings)).toStrictEqual([]);
    const removed = (element: string) => ({
      code: 'PLACEHOLDER_REMOVED_FOR_SCHEME',
      path: 'DRMSystem[4]',
      message: `HLS signals cenc and cbcs keys only; kid ${KID} is cens: the empty ${element} was removed`,
    });
    expect(warnings).toStrictEqual([removed('HLSSignalingData (media)'), removed('HLSSignalingData (master)')]);
  });

  it('never fills a slot a scheme rules out, even one only the defaults name', () => {
    const defaults: SlotTable = {
      ...table(true),
      defaults: { ...table().defaults, widevine: ['pssh', 'smoothStreaming'] },
    };
    const warnings: KeyServiceWarning[] = [];
    expect(settleSlots(planned([], {}, 'cbcs'), defaults, warnings)).toStrictEqual(['pssh']);
    expect(warnings).toStrictEqual([]);
  });

  it('refuses a slot it would remove that carries a value', () => {
    const error = thrownBy(
      () => settleSlots(planned(['uriExtXKey'], { uriExtXKey: ONE }), table(), []),
      KeyServiceError,
    );
    expect([error.code, error.status, error.message]).toStrictEqual([
      'ERR_KEY_SERVICE_UNSUPPORTED_SIGNALING',
      422,
      'DRMSystem[4]: its URIExtXKey carries a value the server cannot honour (Widevine has no URIExtXKey in this answer)',
    ]);
    const scheme = thrownBy(
      () =>
        settleSlots(planned(['smoothStreaming'], { smoothStreamingProtectionHeaderData: 'AAAA' }, 'cbc1'), table(), []),
      KeyServiceError,
    );
    expect(scheme.message).toBe(
      `DRMSystem[4]: its SmoothStreamingProtectionHeaderData carries a value the server cannot honour (Smooth Streaming plays only cenc keys; kid ${KID} is cbc1)`,
    );
  });
});

describe('FairPlay URIs', () => {
  const iv = Uint8Array.from({ length: 16 }, (_, i) => i);
  const input = { kid: KID, iv, contentId: 'movie' };

  it('writes each form', () => {
    expect(fairPlayUri({ uriForm: 'kid' }, input)).toBe(`skd://${KID}`);
    expect(fairPlayUri({ uriForm: 'kid-iv' }, input)).toBe(`skd://${KID}:000102030405060708090A0B0C0D0E0F`);
    expect(fairPlayUri({ uriForm: 'kid-base64' }, input)).toBe(
      `skd://${Buffer.from(KID.replace(/-/g, ''), 'hex').toString('base64')}`,
    );
    expect(fairPlayUri({ uriForm: 'content-period' }, input)).toBe('skd://movie');
    expect(fairPlayUri({ uriForm: 'content-period' }, { ...input, periodIndex: 128 })).toBe(
      'skd://movie0000000000000080',
    );
    expect(fairPlayUri({ uriForm: 'template', uriTemplate: 'skd://k/{kid}/{contentId}' }, input)).toBe(
      `skd://k/${KID}/movie`,
    );
    expect(
      fairPlayUri(
        { uriForm: 'template', uriTemplate: 'skd://k/{contentId}/{periodIndexHex}' },
        { ...input, periodIndex: 26 },
      ),
    ).toBe('skd://k/movie/000000000000001a');
    expect(pallyConFairPlayUri(input)).toBe(fairPlayUri({ uriForm: 'kid-base64' }, input));
    expect(pallyConFairPlayUri({ ...input, periodIndex: 0 })).toBe('skd://movie0000000000000000');
  });

  it('refuses a template form without a template, and a template naming a period index the key has not', () => {
    for (const [settings, message] of [
      [
        { uriForm: 'template' },
        `template must be a non-empty string without '"', CR or LF (it ends up in a quoted URI)`,
      ],
      [
        { uriForm: 'template', uriTemplate: 'skd://k/{periodIndexHex}' },
        'the template uses {periodIndex…} but no periodIndex was given',
      ],
    ] as const) {
      const error = thrownBy(() => fairPlayUri(settings, input), HlsSignalingError);
      expect([error.code, error.message]).toStrictEqual(['ERR_HLS_INVALID_FAIRPLAY_URI', message]);
    }
  });
});

describe('the W3C common PSSH box', () => {
  it('is a version 1 box of the common system listing the KID, with no data', () => {
    const box = commonPsshBox(KID);
    expect(Buffer.from(box).toString('hex')).toBe(
      `0000003470737368010000001077efecc0b24d02ace33c1e52e2fb4b00000001${KID.replace(/-/g, '')}00000000`,
    );
    expect(commonPsshXml(box.subarray(0))).toBe(
      `<pssh xmlns="urn:mpeg:cenc:2013">${Buffer.from(box).toString('base64')}</pssh>`,
    );
    const offset = Buffer.concat([Buffer.from([1, 2]), Buffer.from(box)]);
    expect(commonPsshXml(new Uint8Array(offset.buffer, offset.byteOffset + 2, box.length))).toBe(commonPsshXml(box));
  });
});
