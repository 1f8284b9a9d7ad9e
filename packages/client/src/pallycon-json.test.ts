import { type CpixDocument, serializeCpix } from '@cpixkit/cpix-model';
import { describe, expect, it } from 'vitest';
import { fixture } from '../test/helpers.js';
import { vectorCase } from '../../../tooling/src/fixtures.js';
import { buildKeyRequest, type PallyConJson, readKeyResponse, toPallyConJson } from './index.js';
import { seedDocument } from '../../../tooling/src/fixtures.js';

const seedJson = JSON.parse(fixture('pallycon-client-output.json')) as PallyConJson;
const b64 = (text: string) => Buffer.from(text, 'base64');

/**
 * The CPIX answer PallyCon's KMS gives for the seed's client JSON (001): each JSON value put back
 * where the client read it (README table of PallyCon's clients): PlainValue, explicitIV, PSSH,
 * ContentProtectionData (the payload, PallyCon style) and URIExtXKey.
 */
function answerBehindSeedJson(): string {
  const entry = seedJson.content_key_list[0]!;
  const kid = entry.key_id_hex.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
  const document: CpixDocument = {
    id: seedJson.content_id,
    contentKeyList: {
      contentKeys: [{ kid, explicitIV: b64(entry.iv_b64), data: { secret: { plainValue: b64(entry.key_b64) } } }],
    },
    drmSystemList: {
      drmSystems: [
        {
          kid,
          systemId: 'EDEF8BA9-79D6-4ACE-A3C8-27DCD51D21ED',
          pssh: b64(entry.widevine.pssh),
          contentProtectionData: { value: b64(entry.widevine.pssh_payload_only) },
        },
        {
          kid,
          systemId: '9A04F079-9840-4286-AB92-E65BE0885F95',
          pssh: b64(entry.playready.pssh),
          contentProtectionData: { value: b64(entry.playready.pssh_payload_only) },
        },
        { kid, systemId: '94CE86FB-07FF-4F43-ADB8-93D2FA968CA2', uriExtXKey: Buffer.from(entry.fairplay.key_uri) },
      ],
    },
  };
  return serializeCpix(document, { version: '2.0' });
}

describe('toPallyConJson', () => {
  it("gives exactly the JSON of PallyCon's CPIX API client for the seed answer", async () => {
    const prepared = buildKeyRequest(
      { contentId: 'test_content_id', drmSystems: ['widevine', 'playready', 'fairplay'] },
      'pallycon-v2',
    );
    const result = await readKeyResponse(answerBehindSeedJson(), prepared);
    const json = toPallyConJson(result);
    expect(json).toEqual(seedJson);
    expect(JSON.stringify(json, null, 2)).toBe(JSON.stringify(seedJson, null, 2));
  });

  it('agrees with the verified vectors: payload-only is the pssh Data, key_uri is skd:// + key_id_b64', () => {
    const entry = seedJson.content_key_list[0]!;
    expect(entry.widevine.pssh_payload_only).toBe(
      vectorCase<string>('pallycon_client_json_widevine_pssh').expected.pssh_payload_only_b64,
    );
    expect(entry.playready.pssh_payload_only).toBe(
      vectorCase<string>('pallycon_client_json_playready_pssh_4_3_aesctr').expected.pssh_payload_only_b64,
    );
    expect(entry.fairplay.key_uri).toBe(
      vectorCase<string>('pallycon_fairplay_and_ncg_uris').expected.client_json_key_uri,
    );
    expect(entry.key_id_b64).toBe(vectorCase<string>('kid_representations').expected.cbbc38b6_key_id_b64);
  });

  it('adds track_type first for multi-key answers, and empty strings for what the answer lacks', async () => {
    const prepared = buildKeyRequest(
      {
        contentId: 'abc123',
        drmSystems: ['fairplay', 'widevine'],
        tracks: ['VIDEO', 'AUDIO'],
        kids: ['98ee5596-cd3e-a20d-163a-e382420c6eff', '53abdba2-f210-43cb-bc90-f18f9a890a02'],
      },
      'speke-v2',
    );
    const json = toPallyConJson(await readKeyResponse(seedDocument('axinomSpekeV2Response'), prepared));
    expect(json.content_key_list.map((entry) => Object.keys(entry)[0])).toEqual(['track_type', 'track_type']);
    const [video] = json.content_key_list;
    expect(video).toMatchObject({
      track_type: 'VIDEO',
      key_id_hex: '98ee5596cd3ea20d163ae382420c6eff',
      iv_b64: 'OFj2IjCsPJFfMAxmQxLGPw==',
      fairplay: { key_uri: 'skd://98ee5596-cd3e-a20d-163a-e382420c6eff:3858F62230AC3C915F300C664312C63F' },
    });
    expect(video!.widevine.pssh).toBe(vectorCase<string>('axinom_speke2_widevine_signalling_98ee').expected.pssh_b64);
    // PlayReady was not asked for, but the answer has it: its box comes out of ContentProtectionData.
    expect(video!.playready.pssh).toBe(
      vectorCase<string>('axinom_speke2_playready_content_protection_data_98ee5596').expected.pssh_b64,
    );
    const ateme = await readKeyResponse(
      seedDocument('atemeDashResponse'),
      buildKeyRequest({ contentId: 'test-cid', drmSystems: ['widevine'] }, 'anevia'),
    );
    expect(toPallyConJson(ateme).content_key_list[0]!.fairplay).toEqual({ key_uri: '' });
    expect(Object.keys(toPallyConJson(ateme).content_key_list[0]!)[0]).toBe('key_id_hex');
  });

  it('writes an empty IV when the answer has none', async () => {
    const answer = seedDocument('pallyConDashVodResponse').replace(' explicitIV="MDEyMzQ1Njc4OWFiY2RlZg=="', '');
    const result = await readKeyResponse(
      answer,
      buildKeyRequest({ contentId: 'cpix-test-cid', drmSystems: ['widevine'] }, 'pallycon-v2'),
    );
    expect(toPallyConJson(result).content_key_list[0]).toMatchObject({ iv_hex: '', iv_b64: '' });
  });
});
