import { type CpixDocument, type DrmSystem, parseCpix, serializeCpix } from '@cpixkit/cpix-model';
import { buildFairPlayUri, buildPlayReadyKeyLine, buildWidevineKeyLine, parseHlsKeyLine } from '@cpixkit/hls-signaling';
import { parsePsshBox } from '@cpixkit/pssh';
import { describe, expect, it } from 'vitest';
import { seedDocument } from '../../../tooling/src/fixtures.js';
import { buildKeyRequest, type CpixDialect, type KeyRequest, readKeyResponse } from './index.js';

// Answers whose DRMSystem for one key carries a signalling value of another key: every value must
// name the DRMSystem's KID where its format carries one, or the answer is refused.

const WIDEVINE = 'edef8ba9-79d6-4ace-a3c8-27dcd51d21ed';
const PLAYREADY = '9a04f079-9840-4286-ab92-e65be0885f95';
const FAIRPLAY = '94ce86fb-07ff-4f43-adb8-93d2fa968ca2';
const [VIDEO, AUDIO] = ['98ee5596-cd3e-a20d-163a-e382420c6eff', '53abdba2-f210-43cb-bc90-f18f9a890a02'] as const;
const AXINOM_REQUEST: KeyRequest = {
  contentId: 'abc123',
  drmSystems: ['fairplay', 'playready', 'widevine'],
  tracks: ['VIDEO', 'AUDIO'],
  kids: [VIDEO, AUDIO],
};
const PALLYCON_KID = '12ea753c-23e7-bc02-4474-b2b976c43beb';
const PALLYCON_REQUEST: KeyRequest = { contentId: 'cpix-test-cid', drmSystems: ['playready', 'widevine'] };

const utf8 = (text: string) => Uint8Array.from(Buffer.from(text, 'utf8'));
const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');

/** The seed answer, parsed, with `change` applied to it, written again. */
function changed(
  seed: Parameters<typeof seedDocument>[0],
  change: (document: CpixDocument, system: (kid: string, systemId: string) => DrmSystem) => void,
): string {
  const { document } = parseCpix(seedDocument(seed));
  const system = (kid: string, systemId: string) =>
    document.drmSystemList!.drmSystems.find(
      (s) => s.kid.toLowerCase() === kid && s.systemId.toLowerCase() === systemId,
    )!;
  change(document, system);
  return serializeCpix(document, { version: '2.3', unrepresentable: 'keep' });
}

const axinom = (change: Parameters<typeof changed>[1]) => changed('axinomSpekeV2Response', change);
const pallycon = (change: Parameters<typeof changed>[1]) => changed('pallyConDashVodResponse', change);

/** The `<pssh>` box of a ContentProtectionData fragment. */
const fragmentBox = (system: DrmSystem) =>
  Uint8Array.from(Buffer.from(/<pssh[^>]*>([^<]+)</.exec(text(system.contentProtectionData!.value))![1]!, 'base64'));
/** The `<pro>` of a ContentProtectionData fragment. */
const fragmentPro = (system: DrmSystem) =>
  Uint8Array.from(Buffer.from(/<pro[^>]*>([^<]+)</.exec(text(system.contentProtectionData!.value))![1]!, 'base64'));
const playlist = (system: DrmSystem, name: string) => system.hlsSignalingData!.find((data) => data.playlist === name)!;

const cases: [string, CpixDialect, KeyRequest, string, RegExp][] = [
  [
    'a Widevine ContentProtectionData of another key next to the right PSSH',
    'speke-v2',
    AXINOM_REQUEST,
    axinom((_, system) => {
      system(VIDEO, WIDEVINE).pssh = fragmentBox(system(VIDEO, WIDEVINE));
      system(VIDEO, WIDEVINE).contentProtectionData = system(AUDIO, WIDEVINE).contentProtectionData;
    }),
    /ContentProtectionData of DRMSystem Widevine for kid 98ee5596-.*names other KIDs/,
  ],
  [
    'a Widevine HLS media line of another key (its pssh and KEYID)',
    'speke-v2',
    AXINOM_REQUEST,
    axinom((_, system) => {
      playlist(system(VIDEO, WIDEVINE), 'media').value = playlist(system(AUDIO, WIDEVINE), 'media').value;
    }),
    /HLS media line of DRMSystem Widevine for kid 98ee5596-/,
  ],
  [
    'a Widevine HLS master line of another key',
    'speke-v2',
    AXINOM_REQUEST,
    axinom((_, system) => {
      playlist(system(VIDEO, WIDEVINE), 'master').value = playlist(system(AUDIO, WIDEVINE), 'master').value;
    }),
    /HLS master line of DRMSystem Widevine for kid 98ee5596-/,
  ],
  [
    'a Widevine HLS line whose KEYID is of another key (its pssh of this one)',
    'speke-v2',
    AXINOM_REQUEST,
    axinom((_, system) => {
      const line = text(playlist(system(VIDEO, WIDEVINE), 'media').value).replace(
        'KEYID=0x98EE5596CD3EA20D163AE382420C6EFF',
        'KEYID=0x53ABDBA2F21043CBBC90F18F9A890A02',
      );
      playlist(system(VIDEO, WIDEVINE), 'media').value = utf8(line);
    }),
    /the KEYID of the HLS media line of DRMSystem Widevine for kid 98ee5596-.* is 53abdba2-/,
  ],
  [
    'a FairPlay HLS media line of another key (skd://<kid>:<iv>)',
    'speke-v2',
    AXINOM_REQUEST,
    axinom((_, system) => {
      playlist(system(VIDEO, FAIRPLAY), 'media').value = playlist(system(AUDIO, FAIRPLAY), 'media').value;
    }),
    /the skd:\/\/ URI of the HLS media line of DRMSystem FairPlay for kid 98ee5596-.* names 53abdba2-/,
  ],
  [
    'a FairPlay HLS master line of another key',
    'speke-v2',
    AXINOM_REQUEST,
    axinom((_, system) => {
      playlist(system(VIDEO, FAIRPLAY), 'master').value = playlist(system(AUDIO, FAIRPLAY), 'master').value;
    }),
    /HLS master line of DRMSystem FairPlay for kid 98ee5596-/,
  ],
  [
    'a FairPlay URIExtXKey of another key (skd://<kid base64>, the PallyCon form)',
    'speke-v2',
    AXINOM_REQUEST,
    axinom((_, system) => {
      system(VIDEO, FAIRPLAY).uriExtXKey = utf8(buildFairPlayUri({ form: 'kid-base64', kid: AUDIO }));
    }),
    /URIExtXKey of DRMSystem FairPlay for kid 98ee5596-.* names 53abdba2-/,
  ],
  [
    'a PlayReady HLS line of another key (its PlayReady Object in a data: URI)',
    'speke-v2',
    AXINOM_REQUEST,
    axinom((_, system) => {
      playlist(system(VIDEO, PLAYREADY), 'media').value = utf8(
        buildPlayReadyKeyLine({ pro: fragmentPro(system(AUDIO, PLAYREADY)), scheme: 'cenc' }),
      );
    }),
    /PlayReady header of the HLS media line of DRMSystem PlayReady for kid 98ee5596-.* names other KIDs/,
  ],
  [
    'a PlayReady SmoothStreamingProtectionHeaderData of another key next to the right ContentProtectionData',
    'speke-v2',
    AXINOM_REQUEST,
    axinom((_, system) => {
      system(VIDEO, PLAYREADY).smoothStreamingProtectionHeaderData = Buffer.from(
        fragmentPro(system(AUDIO, PLAYREADY)),
      ).toString('base64');
    }),
    /Smooth Streaming header of DRMSystem PlayReady for kid 98ee5596-.* names other KIDs/,
  ],
  [
    'a PlayReady SPEKE ProtectionHeader of another key next to the right SmoothStreamingProtectionHeaderData',
    'speke-v2',
    AXINOM_REQUEST,
    axinom((_, system) => {
      system(VIDEO, PLAYREADY).smoothStreamingProtectionHeaderData = Buffer.from(
        fragmentPro(system(VIDEO, PLAYREADY)),
      ).toString('base64');
      system(VIDEO, PLAYREADY).speke = { protectionHeader: fragmentPro(system(AUDIO, PLAYREADY)) };
    }),
    /SPEKE ProtectionHeader of DRMSystem PlayReady for kid 98ee5596-.* names other KIDs/,
  ],
  [
    'a PlayReady PSSH of another key next to the right ContentProtectionData',
    'speke-v2',
    AXINOM_REQUEST,
    axinom((_, system) => {
      system(VIDEO, PLAYREADY).pssh = fragmentBox(system(AUDIO, PLAYREADY));
    }),
    /PSSH of DRMSystem PlayReady for kid 98ee5596-.* names other KIDs/,
  ],
  [
    "a Widevine ContentProtectionData (PallyCon's bare PSSH payload) of another key",
    'pallycon-v2',
    PALLYCON_REQUEST,
    pallycon((_, system) => {
      const box = parsePsshBox(system(PALLYCON_KID, WIDEVINE).pssh!);
      const other = Buffer.from(box.data);
      other.set(Buffer.from(VIDEO.replace(/-/g, ''), 'hex'), 4); // the key_id field (0x12 0x10 <16 bytes>) after 08 01
      system(PALLYCON_KID, WIDEVINE).contentProtectionData = { value: Uint8Array.from(other) };
    }),
    /ContentProtectionData of DRMSystem Widevine for kid 12ea753c-.*names other KIDs/,
  ],
  [
    "a PlayReady ContentProtectionData (PallyCon's bare PlayReady Object) of another key",
    'pallycon-v2',
    PALLYCON_REQUEST,
    pallycon((_, system) => {
      const other = parseCpix(seedDocument('axinomSpekeV2Response')).document.drmSystemList!.drmSystems.find(
        (s) => s.kid === AUDIO && s.systemId === PLAYREADY,
      )!;
      system(PALLYCON_KID, PLAYREADY).contentProtectionData = { value: fragmentPro(other) };
    }),
    /ContentProtectionData of DRMSystem PlayReady for kid 12ea753c-.*names other KIDs/,
  ],
];

describe('readKeyResponse: signalling of another key', () => {
  it.each(cases)('refuses %s (ERR_CLIENT_SIGNALING_MISMATCH)', async (_name, dialect, request, answer, message) => {
    await expect(readKeyResponse(answer, buildKeyRequest(request, dialect))).rejects.toMatchObject({
      name: 'CpixClientError',
      code: 'ERR_CLIENT_SIGNALING_MISMATCH',
      message: expect.stringMatching(message),
    });
  });

  it('accepts the same answers unchanged, and values of the same key in other forms', async () => {
    const result = await readKeyResponse(
      seedDocument('axinomSpekeV2Response'),
      buildKeyRequest(AXINOM_REQUEST, 'speke-v2'),
    );
    expect(result.keys.map((key) => key.kid.uuid)).toEqual([VIDEO, AUDIO]);
    const sameKey = axinom((_, system) => {
      system(VIDEO, FAIRPLAY).uriExtXKey = utf8(buildFairPlayUri({ form: 'kid-base64', kid: VIDEO }));
      const pro = fragmentPro(system(VIDEO, PLAYREADY));
      playlist(system(VIDEO, PLAYREADY), 'media').value = utf8(buildPlayReadyKeyLine({ pro, scheme: 'cenc' }));
      system(VIDEO, PLAYREADY).speke = { protectionHeader: pro };
      const widevineBox = fragmentBox(system(VIDEO, WIDEVINE));
      system(VIDEO, WIDEVINE).pssh = widevineBox;
      playlist(system(VIDEO, WIDEVINE), 'media').value = utf8(
        buildWidevineKeyLine({ pssh: widevineBox, kid: VIDEO, scheme: 'cenc' }),
      );
      // Legacy Widevine HLS (KEYFORMAT "com.widevine") carries JSON in its data: URI, not a pssh box.
      const legacy = Buffer.from(
        JSON.stringify({
          provider: 'widevine_test',
          content_id: 'MjAxNV9UZWFyc09mU3RlZWw=',
          key_ids: [VIDEO.replace(/-/g, '')],
        }),
      );
      playlist(system(VIDEO, WIDEVINE), 'master').value = utf8(
        `#EXT-X-SESSION-KEY:METHOD=SAMPLE-AES,URI="data:text/plain;base64,${legacy.toString('base64')}",KEYFORMAT="com.widevine",KEYFORMATVERSIONS="1"`,
      );
    });
    const same = await readKeyResponse(sameKey, buildKeyRequest(AXINOM_REQUEST, 'speke-v2'));
    const video = same.keys[0]!;
    expect(video.drm.find((drm) => drm.drm === 'fairplay')!.keyUri).toBe(
      buildFairPlayUri({ form: 'kid-base64', kid: VIDEO }),
    );
    expect(parseHlsKeyLine(video.drm.find((drm) => drm.drm === 'playready')!.hlsMediaLine!).keyFormat).toBe(
      'com.microsoft.playready',
    );
    // PallyCon's live FairPlay URI names the content and period, not the KID: nothing to hold it to.
    const live = await readKeyResponse(
      seedDocument('pallyConHlsLiveResponse'),
      buildKeyRequest(
        { contentId: 'cpix-test-cid', drmSystems: ['fairplay'], tracks: ['HD'], periods: [128] },
        'pallycon-v2',
      ),
    );
    expect(live.keys[0]!.drm[0]!.keyUri).toMatch(/^skd:\/\/cpix-test-cid0+80$/);
  });
});
