import type { DrmSystem } from '@cpixkit/cpix-model';
import {
  buildWrmHeader,
  computeKeyChecksum,
  encodePlayReadyObject,
  type WrmHeaderKey,
} from '@cpixkit/playready-header';
import {
  encodePsshBox,
  encodeWidevinePsshData,
  FAIRPLAY_SYSTEM_ID,
  PLAYREADY_SYSTEM_ID,
  WIDEVINE_SYSTEM_ID,
} from '@cpixkit/pssh';
import { describe, expect, it } from 'vitest';
import { thrownBy } from '../../../tooling/src/thrown.js';
import { CpixClientError, type CpixClientErrorCode } from './errors.js';
import { readDrmSignaling } from './signaling.js';

// readDrmSignaling value by value: what each signalling element gives (compared whole), and each
// check with its code and message, on values built for the branch they take.

const KID = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const OTHER = '11111111-2222-4333-8444-555555555555';
const KEY = Uint8Array.from({ length: 16 }, (_, i) => i * 7);
const WHERE = (name: string) => `DRMSystem ${name} for kid ${KID}`;
const b64 = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64');
const bytes = (text: string) => Uint8Array.from(Buffer.from(text, 'utf8'));
const WIDEVINE = { systemId: WIDEVINE_SYSTEM_ID, drm: 'widevine', name: 'Widevine' } as const;
const PLAYREADY = { systemId: PLAYREADY_SYSTEM_ID, drm: 'playready', name: 'PlayReady' } as const;
const FAIRPLAY = { systemId: FAIRPLAY_SYSTEM_ID, drm: 'fairplay', name: 'FairPlay' } as const;

const widevineData = (keyIds = [KID], protectionScheme?: string) =>
  encodeWidevinePsshData({ keyIds, ...(protectionScheme ? { protectionScheme } : {}) });
const widevineBox = (data = widevineData(), keyIds?: string[]) =>
  encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, data, ...(keyIds ? { version: 1, keyIds } : {}) });
const pro = (
  keys: WrmHeaderKey[] = [{ kid: KID, algId: 'AESCTR', key: KEY }],
  version: '4.1.0.0' | '4.3.0.0' = '4.3.0.0',
) => encodePlayReadyObject({ wrmHeader: buildWrmHeader({ version, keys }) });
const playreadyBox = (object = pro()) => encodePsshBox({ systemId: PLAYREADY_SYSTEM_ID, data: object });

/** Reads the DRMSystem for KID; the scheme asked for is `cenc` unless given (`undefined` included). */
function read(system: Omit<DrmSystem, 'kid'>, ...scheme: [string | undefined] | []) {
  return readDrmSignaling({ kid: KID, ...system }, KID, KEY, scheme.length === 0 ? 'cenc' : scheme[0]);
}

function refusal(system: Omit<DrmSystem, 'kid'>, code: CpixClientErrorCode, scheme = 'cenc'): string {
  const error = thrownBy(() => read(system, scheme), CpixClientError);
  expect(error.code).toBe(code);
  return error.message;
}

describe('readDrmSignaling: what each element gives', () => {
  it('gives the system alone when the DRMSystem carries nothing, or only empty values', () => {
    const empty = new Uint8Array(0);
    expect(
      read({
        systemId: WIDEVINE_SYSTEM_ID,
        pssh: empty,
        contentProtectionData: { value: empty },
        hlsSignalingData: [{ playlist: 'media', value: empty }],
        uriExtXKey: empty,
        speke: { protectionHeader: empty, keyFormat: empty, keyFormatVersions: empty },
        smoothStreamingProtectionHeaderData: '  ',
      }),
    ).toStrictEqual(WIDEVINE);
    expect(read({ systemId: 'AAAAAAAA-0000-4000-8000-000000000000' })).toStrictEqual({
      systemId: 'aaaaaaaa-0000-4000-8000-000000000000',
      name: 'aaaaaaaa-0000-4000-8000-000000000000',
    });
  });

  it('gives a PSSH box and its payload, and keeps them over the <pssh> of ContentProtectionData', () => {
    const box = widevineBox();
    const otherForm = widevineBox(widevineData(), [KID]);
    const cpd = bytes(`<cenc:pssh xmlns:cenc="urn:mpeg:cenc:2013">${b64(otherForm)}</cenc:pssh>`);
    expect(read({ systemId: WIDEVINE_SYSTEM_ID, pssh: box, contentProtectionData: { value: cpd } })).toStrictEqual({
      ...WIDEVINE,
      contentProtectionData: b64(cpd),
      pssh: b64(box),
      psshPayload: b64(widevineData()),
    });
  });

  it('reads the <pssh> and <pro> of a ContentProtectionData fragment, prefixed or not, with white space in the base64', () => {
    const object = pro();
    const box = playreadyBox(object);
    const spaced = (value: Uint8Array) => b64(value).replace(/(.{20})/g, '$1\n  ');
    const cpd = bytes(
      `  \n<pssh>${spaced(box)}</pssh><mspr:pro xmlns:mspr="urn:microsoft:playready">${spaced(object)}</mspr:pro>`,
    );
    expect(read({ systemId: PLAYREADY_SYSTEM_ID, contentProtectionData: { value: cpd } })).toStrictEqual({
      ...PLAYREADY,
      contentProtectionData: b64(cpd),
      pssh: b64(box),
      psshPayload: b64(object),
      smoothStreamingProtectionHeader: b64(object),
    });
  });

  it('reads a fragment holding only <pro>, and one holding only the DASH-IF licence URL', () => {
    const object = pro();
    const cpd = bytes(`<pro>${b64(object)}</pro>`);
    expect(read({ systemId: PLAYREADY_SYSTEM_ID, contentProtectionData: { value: cpd } })).toStrictEqual({
      ...PLAYREADY,
      contentProtectionData: b64(cpd),
      smoothStreamingProtectionHeader: b64(object),
    });
    const laurl = bytes('<dashif:Laurl licenseType="EME-1.0">https://l.example/?a=1&amp;b=2&amp;c=3</dashif:Laurl>');
    expect(read({ systemId: WIDEVINE_SYSTEM_ID, contentProtectionData: { value: laurl } })).toStrictEqual({
      ...WIDEVINE,
      contentProtectionData: b64(laurl),
      licenseUrl: 'https://l.example/?a=1&b=2&c=3',
    });
  });

  it("reads PallyCon's bare payload in ContentProtectionData, and a whole box there", () => {
    const data = widevineData();
    expect(read({ systemId: WIDEVINE_SYSTEM_ID, contentProtectionData: { value: data } })).toStrictEqual({
      ...WIDEVINE,
      contentProtectionData: b64(data),
      psshPayload: b64(data),
    });
    const box = widevineBox();
    expect(read({ systemId: WIDEVINE_SYSTEM_ID, contentProtectionData: { value: box } })).toStrictEqual({
      ...WIDEVINE,
      contentProtectionData: b64(box),
      psshPayload: b64(box),
    });
    // Text that merely starts like an element name is no fragment: it is held to be a payload.
    const text = bytes(`<psshx>${b64(box)}</psshx>`);
    expect(
      refusal(
        { systemId: WIDEVINE_SYSTEM_ID, contentProtectionData: { value: text } },
        'ERR_CLIENT_MALFORMED_RESPONSE',
      ),
    ).toMatch(/^the Widevine PSSH data of the ContentProtectionData of DRMSystem Widevine for kid .* cannot be read: /);
  });

  it('gives the Smooth Streaming header first, then <pro>, then the SPEKE ProtectionHeader', () => {
    const object = pro();
    const v41 = pro([{ kid: KID, key: KEY }], '4.1.0.0');
    expect(
      read({
        systemId: PLAYREADY_SYSTEM_ID,
        smoothStreamingProtectionHeaderData: ` ${b64(object)}\n`,
        speke: { protectionHeader: v41 },
      }),
    ).toStrictEqual({ ...PLAYREADY, smoothStreamingProtectionHeader: b64(object) });
    expect(read({ systemId: PLAYREADY_SYSTEM_ID, speke: { protectionHeader: v41 } })).toStrictEqual({
      ...PLAYREADY,
      smoothStreamingProtectionHeader: b64(v41),
    });
  });

  it('gives the media line with its URI, KEYFORMAT and KEYFORMATVERSIONS, and the master (or multiVariant) line', () => {
    const uri = `skd://${KID}:00112233445566778899AABBCCDDEEFF`;
    const attributes = `METHOD=SAMPLE-AES,URI="${uri}",KEYFORMAT="com.apple.streamingkeydelivery",KEYFORMATVERSIONS="1"`;
    const media = `#EXT-X-KEY:${attributes}`;
    const master = `#EXT-X-SESSION-KEY:${attributes}`;
    const expected = {
      ...FAIRPLAY,
      hlsMediaLine: media,
      hlsMasterLine: master,
      keyUri: uri,
      keyFormat: 'com.apple.streamingkeydelivery',
      keyFormatVersions: '1',
    };
    for (const playlist of ['master', 'multiVariant'] as const) {
      expect(
        read({
          systemId: FAIRPLAY_SYSTEM_ID,
          hlsSignalingData: [
            { playlist: 'media', value: bytes(`${media}\n`) },
            { playlist, value: bytes(` ${master}`) },
          ],
        }),
      ).toStrictEqual(expected);
    }
    expect(
      read({ systemId: FAIRPLAY_SYSTEM_ID, hlsSignalingData: [{ playlist: 'master', value: bytes(master) }] }),
    ).toStrictEqual({ ...FAIRPLAY, hlsMasterLine: master });
    const bare = '#EXT-X-KEY:METHOD=AES-128,URI="https://k.example/key"';
    expect(
      read({ systemId: FAIRPLAY_SYSTEM_ID, hlsSignalingData: [{ playlist: 'media', value: bytes(bare) }] }),
    ).toStrictEqual({ ...FAIRPLAY, hlsMediaLine: bare, keyUri: 'https://k.example/key' });
  });

  it('gives the SPEKE v1 URIExtXKey, KeyFormat and KeyFormatVersions trimmed, over those of the media line', () => {
    const line = `#EXT-X-KEY:METHOD=SAMPLE-AES,URI="skd://${KID}:00112233445566778899AABBCCDDEEFF",KEYFORMAT="x",KEYFORMATVERSIONS="9"`;
    expect(
      read({
        systemId: FAIRPLAY_SYSTEM_ID,
        hlsSignalingData: [{ playlist: 'media', value: bytes(line) }],
        uriExtXKey: bytes(' skd://content-id \n'),
        speke: { keyFormat: bytes(' com.apple.streamingkeydelivery\n'), keyFormatVersions: bytes(' 1 ') },
      }),
    ).toStrictEqual({
      ...FAIRPLAY,
      hlsMediaLine: line,
      keyUri: 'skd://content-id',
      keyFormat: 'com.apple.streamingkeydelivery',
      keyFormatVersions: '1',
    });
  });
});

describe('readDrmSignaling: values that belong to another key or cannot be read', () => {
  it('refuses a PSSH of another system, naming it', () => {
    expect(refusal({ systemId: WIDEVINE_SYSTEM_ID, pssh: playreadyBox() }, 'ERR_CLIENT_MALFORMED_RESPONSE')).toBe(
      `the PSSH of ${WHERE('Widevine')} is a box of system ${PLAYREADY_SYSTEM_ID}`,
    );
  });

  it('refuses a version 1 box that lists only other KIDs, and accepts one listing this KID among others', () => {
    expect(
      refusal(
        { systemId: WIDEVINE_SYSTEM_ID, pssh: widevineBox(widevineData([]), [OTHER]) },
        'ERR_CLIENT_SIGNALING_MISMATCH',
      ),
    ).toBe(`the PSSH of ${WHERE('Widevine')} lists other KIDs`);
    const both = widevineBox(widevineData([]), [OTHER, KID]);
    expect(read({ systemId: WIDEVINE_SYSTEM_ID, pssh: both }).pssh).toBe(b64(both));
  });

  it('refuses bytes that are not a box, with the pssh error as the cause', () => {
    const error = thrownBy(
      () => read({ systemId: WIDEVINE_SYSTEM_ID, pssh: Uint8Array.from([0, 0, 0, 9, 0x70, 0x73, 0x73, 0x68, 0]) }),
      CpixClientError,
    );
    expect(error.code).toBe('ERR_CLIENT_MALFORMED_RESPONSE');
    expect(error.message).toMatch(new RegExp(`^the PSSH of ${WHERE('Widevine')} is not a pssh box: `));
    expect(error.cause).toMatchObject({ name: 'PsshError' });
  });

  it('holds Widevine data to the KID and to the scheme asked for, and only when they are named', () => {
    expect(
      refusal(
        { systemId: WIDEVINE_SYSTEM_ID, pssh: widevineBox(widevineData([OTHER])) },
        'ERR_CLIENT_SIGNALING_MISMATCH',
      ),
    ).toBe(`the Widevine PSSH data of the PSSH of ${WHERE('Widevine')} names other KIDs`);
    expect(
      refusal(
        { systemId: WIDEVINE_SYSTEM_ID, pssh: widevineBox(widevineData([KID], 'cbcs')) },
        'ERR_CLIENT_RESPONSE_MISMATCH',
        'cenc',
      ),
    ).toBe(`the Widevine PSSH data of the PSSH of ${WHERE('Widevine')} says cbcs, the request asked for cenc`);
    const noScheme = widevineBox(widevineData([KID]));
    expect(read({ systemId: WIDEVINE_SYSTEM_ID, pssh: noScheme }, 'cbcs').pssh).toBe(b64(noScheme));
    const cbcs = widevineBox(widevineData([KID], 'cbcs'));
    expect(read({ systemId: WIDEVINE_SYSTEM_ID, pssh: cbcs }, undefined).pssh).toBe(b64(cbcs));
    expect(read({ systemId: WIDEVINE_SYSTEM_ID, pssh: cbcs }, 'cbcs').pssh).toBe(b64(cbcs));
    const contentOnly = widevineBox(encodeWidevinePsshData({ contentId: 'movie' }));
    expect(read({ systemId: WIDEVINE_SYSTEM_ID, pssh: contentOnly }).pssh).toBe(b64(contentOnly));
  });

  it('refuses Widevine data that cannot be read, with the pssh error as the cause', () => {
    const error = thrownBy(
      () => read({ systemId: WIDEVINE_SYSTEM_ID, pssh: widevineBox(Uint8Array.from([0x12, 0x20, 1])) }),
      CpixClientError,
    );
    expect(error.code).toBe('ERR_CLIENT_MALFORMED_RESPONSE');
    expect(error.message).toMatch(
      /^the Widevine PSSH data of the PSSH of DRMSystem Widevine for kid .* cannot be read: /,
    );
    expect(error.cause).toMatchObject({ name: 'PsshError' });
  });

  it('holds a PlayReady header to the KID and to the CHECKSUM of the key, for AESCTR keys only', () => {
    expect(
      refusal(
        { systemId: PLAYREADY_SYSTEM_ID, pssh: playreadyBox(pro([{ kid: OTHER, algId: 'AESCTR', key: KEY }])) },
        'ERR_CLIENT_SIGNALING_MISMATCH',
      ),
    ).toBe(`the PlayReady header of the PSSH of ${WHERE('PlayReady')} names other KIDs`);
    const wrongChecksum = computeKeyChecksum(KID, new Uint8Array(16));
    expect(
      refusal(
        { systemId: PLAYREADY_SYSTEM_ID, pssh: playreadyBox(pro([{ kid: KID, checksum: wrongChecksum }])) },
        'ERR_CLIENT_SIGNALING_MISMATCH',
      ),
    ).toBe(`the PlayReady header CHECKSUM of the PSSH of ${WHERE('PlayReady')} does not match the content key`);
    expect(
      refusal(
        {
          systemId: PLAYREADY_SYSTEM_ID,
          pssh: playreadyBox(pro([{ kid: KID, algId: 'AESCTR', checksum: wrongChecksum }])),
        },
        'ERR_CLIENT_SIGNALING_MISMATCH',
      ),
    ).toMatch(/CHECKSUM/);
    for (const accepted of [
      pro([
        { kid: OTHER, algId: 'AESCTR' },
        { kid: KID, algId: 'AESCTR', key: KEY },
      ]),
      pro([{ kid: KID, algId: 'AESCBC' }]),
      pro([{ kid: KID }]),
      pro([], '4.1.0.0'),
      encodePlayReadyObject([{ type: 3, value: new Uint8Array(4) }]),
    ]) {
      expect(read({ systemId: PLAYREADY_SYSTEM_ID, pssh: playreadyBox(accepted) }).psshPayload).toBe(b64(accepted));
    }
  });

  it('checks every PlayReady header outside the box that differs from its payload', () => {
    const own = b64(pro());
    const other = b64(pro([{ kid: OTHER, algId: 'AESCTR', key: KEY }]));
    expect(
      refusal(
        { systemId: PLAYREADY_SYSTEM_ID, pssh: playreadyBox(), smoothStreamingProtectionHeaderData: other },
        'ERR_CLIENT_SIGNALING_MISMATCH',
      ),
    ).toBe(`the PlayReady header of the Smooth Streaming header of ${WHERE('PlayReady')} names other KIDs`);
    expect(
      refusal(
        { systemId: PLAYREADY_SYSTEM_ID, contentProtectionData: { value: bytes(`<pro>${other}</pro>`) } },
        'ERR_CLIENT_SIGNALING_MISMATCH',
      ),
    ).toBe(`the PlayReady header of the <pro> of the ContentProtectionData of ${WHERE('PlayReady')} names other KIDs`);
    expect(
      refusal(
        {
          systemId: PLAYREADY_SYSTEM_ID,
          smoothStreamingProtectionHeaderData: own,
          speke: { protectionHeader: Buffer.from(other, 'base64') },
        },
        'ERR_CLIENT_SIGNALING_MISMATCH',
      ),
    ).toBe(`the PlayReady header of the SPEKE ProtectionHeader of ${WHERE('PlayReady')} names other KIDs`);
  });

  it('refuses a PlayReady Object that cannot be read, with the PlayReady error as the cause', () => {
    const error = thrownBy(
      () =>
        read({ systemId: PLAYREADY_SYSTEM_ID, smoothStreamingProtectionHeaderData: b64(Uint8Array.from([9, 9, 9])) }),
      CpixClientError,
    );
    expect(error.code).toBe('ERR_CLIENT_MALFORMED_RESPONSE');
    expect(error.message).toMatch(
      /^the PlayReady header of the Smooth Streaming header of DRMSystem PlayReady for kid .* cannot be read: /,
    );
    expect(error.cause).toMatchObject({ name: 'PlayReadyError' });
  });

  it('refuses an HLS line that is not a key line, and one whose KEYID is of another key', () => {
    const error = thrownBy(
      () => read({ systemId: FAIRPLAY_SYSTEM_ID, hlsSignalingData: [{ playlist: 'master', value: bytes('#EXTM3U') }] }),
      CpixClientError,
    );
    expect(error.code).toBe('ERR_CLIENT_MALFORMED_RESPONSE');
    expect(error.message).toMatch(new RegExp(`^the HLS master line of ${WHERE('FairPlay')} is not an HLS key line: `));
    expect(error.cause).toMatchObject({ name: 'HlsSignalingError' });
    const keyId = `0x${OTHER.replace(/-/g, '').toUpperCase()}`;
    expect(
      refusal(
        {
          systemId: FAIRPLAY_SYSTEM_ID,
          hlsSignalingData: [
            { playlist: 'media', value: bytes(`#EXT-X-KEY:METHOD=SAMPLE-AES,URI="skd://x",KEYID=${keyId}`) },
          ],
        },
        'ERR_CLIENT_SIGNALING_MISMATCH',
      ),
    ).toBe(`the KEYID of the HLS media line of ${WHERE('FairPlay')} is ${OTHER}`);
    const own = `#EXT-X-KEY:METHOD=SAMPLE-AES,URI="skd://x",KEYID=0x${KID.replace(/-/g, '').toUpperCase()}`;
    expect(
      read({ systemId: FAIRPLAY_SYSTEM_ID, hlsSignalingData: [{ playlist: 'media', value: bytes(own) }] }).keyUri,
    ).toBe('skd://x');
  });

  it('holds skd:// URIs that carry a KID to this one, and refuses one that cannot be read', () => {
    expect(
      refusal(
        { systemId: FAIRPLAY_SYSTEM_ID, uriExtXKey: bytes(`skd://${OTHER}:00112233445566778899AABBCCDDEEFF`) },
        'ERR_CLIENT_SIGNALING_MISMATCH',
      ),
    ).toBe(`the skd:// URI of the URIExtXKey of ${WHERE('FairPlay')} names ${OTHER}`);
    const error = thrownBy(() => read({ systemId: FAIRPLAY_SYSTEM_ID, uriExtXKey: bytes('skd://') }), CpixClientError);
    expect(error.code).toBe('ERR_CLIENT_MALFORMED_RESPONSE');
    expect(error.message).toMatch(
      new RegExp(`^the skd:// URI of the URIExtXKey of ${WHERE('FairPlay')} cannot be read: `),
    );
    expect(error.cause).toMatchObject({ name: 'HlsSignalingError' });
    expect(read({ systemId: FAIRPLAY_SYSTEM_ID, uriExtXKey: bytes('skd://movie-42') }).keyUri).toBe('skd://movie-42');
  });

  it('holds a data: URI to the system when its KEYFORMAT is absent or the system’s own, whatever the case of data:', () => {
    const otherBox = b64(widevineBox(widevineData([OTHER])));
    const line = (uri: string, keyFormat?: string) =>
      bytes(`#EXT-X-KEY:METHOD=SAMPLE-AES,URI="${uri}"${keyFormat ? `,KEYFORMAT="${keyFormat}"` : ''}`);
    const widevineFormat = `urn:uuid:${WIDEVINE_SYSTEM_ID}`;
    for (const [uri, keyFormat] of [
      [`data:text/plain;base64,${otherBox}`, widevineFormat],
      [`DATA:text/plain;base64,${otherBox}`, undefined],
      [`data:text/plain;base64,${otherBox}`, undefined],
    ] as const) {
      expect(
        refusal(
          { systemId: WIDEVINE_SYSTEM_ID, hlsSignalingData: [{ playlist: 'media', value: line(uri, keyFormat) }] },
          'ERR_CLIENT_SIGNALING_MISMATCH',
        ),
      ).toBe(`the Widevine PSSH data of the HLS media line of ${WHERE('Widevine')} names other KIDs`);
    }
    const legacy = `data:text/plain;base64,${otherBox}`;
    expect(
      read({
        systemId: WIDEVINE_SYSTEM_ID,
        hlsSignalingData: [{ playlist: 'media', value: line(legacy, 'com.widevine') }],
      }).keyUri,
    ).toBe(legacy);
    const error = thrownBy(
      () => read({ systemId: WIDEVINE_SYSTEM_ID, uriExtXKey: bytes('data:text/plain;base64') }),
      CpixClientError,
    );
    expect(error.code).toBe('ERR_CLIENT_MALFORMED_RESPONSE');
    expect(error.message).toMatch(
      new RegExp(`^the data: URI of the URIExtXKey of ${WHERE('Widevine')} cannot be read: `),
    );
    expect(error.cause).toMatchObject({ name: 'HlsSignalingError' });
  });

  it('reads the PlayReady Object of a PlayReady data: URI, and a bare one shorter than a box header', () => {
    const other = pro([{ kid: OTHER, algId: 'AESCTR', key: KEY }]);
    expect(
      refusal(
        { systemId: PLAYREADY_SYSTEM_ID, uriExtXKey: bytes(`data:text/plain;charset=UTF-16;base64,${b64(other)}`) },
        'ERR_CLIENT_SIGNALING_MISMATCH',
      ),
    ).toBe(`the PlayReady header of the URIExtXKey of ${WHERE('PlayReady')} names other KIDs`);
    expect(
      refusal(
        {
          systemId: WIDEVINE_SYSTEM_ID,
          contentProtectionData: { value: Uint8Array.from([0x12, 0x20, 1, 2, 3, 4, 5]) },
        },
        'ERR_CLIENT_MALFORMED_RESPONSE',
      ),
    ).toMatch(/^the Widevine PSSH data of the ContentProtectionData of DRMSystem Widevine for kid .* cannot be read: /);
  });
});
