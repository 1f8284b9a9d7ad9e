import { parseCpix } from '@cpixkit/cpix-model';
import { normalizeUuid } from '@cpixkit/pssh';
import { createFile, MP4BoxBuffer } from 'mp4box';
import { describe, expect, it } from 'vitest';
import { validateManyAgainstXsd } from '../../cpix-model/test/xsd.js';
import { createKeyService, keyExchangeAnswer, refusalAnswer, refusalOf } from '../src/index.js';
import { type Answered, CORPUS, type CorpusCase, engineRequest, expectCorpusAnswer } from './corpus/cases.js';
import { checkAnswer } from './decode.js';
import { testTenant } from './fixtures.js';

const BASE_URL = 'https://keys.example.com';
// The vendors' samples give one key both FairPlay and HLS AES-128, which the tenant must allow.
const tenant = testTenant({ settings: { aes128: { enabled: true, keyUrlTtlSeconds: 3600, allowDrmKeys: true } } });
const service = createKeyService();
const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');

/** The engine's answer to a case, as a front end sends it. */
async function answerOf(corpusCase: CorpusCase) {
  try {
    return keyExchangeAnswer(await service.answer({ tenant, baseUrl: BASE_URL, ...engineRequest(corpusCase) }));
  } catch (error) {
    const refusal = refusalOf(error);
    if (refusal === undefined) throw error;
    return refusalAnswer(refusal);
  }
}

/** A `pssh` box as GPAC's mp4box.js reads it (an ISO-BMFF parser we did not write). */
function mp4boxPssh(box: Uint8Array): { type: string; size: number; systemId: string; dataSize: number } {
  const file = createFile();
  file.appendBuffer(MP4BoxBuffer.fromArrayBuffer(box.slice().buffer, 0));
  file.flush();
  const [read] = file.boxes as unknown as {
    type: string;
    size: number;
    system_id: string;
    protection_data?: Uint8Array;
  }[];
  return {
    type: read!.type,
    size: read!.size,
    systemId: normalizeUuid(read!.system_id),
    dataSize: read!.protection_data?.length ?? 0,
  };
}

/** Checks a `pssh` box with mp4box.js: one whole box of the DRM system's id. */
function expectPsshBox(box: Uint8Array, systemId: string): void {
  const read = mp4boxPssh(box);
  expect(read.type).toBe('pssh');
  expect(read.size).toBe(box.length);
  expect(read.systemId).toBe(normalizeUuid(systemId));
  expect(read.dataSize).toBeGreaterThan(0);
}

/**
 * The HLS rules an m3u8 line must follow, read with regular expressions rather than our parser:
 * media playlists take `#EXT-X-KEY`, master playlists `#EXT-X-SESSION-KEY`, `METHOD` comes first
 * (and a session key is never `NONE`), URI and KEYFORMAT values are quoted strings, one line.
 */
function expectHlsLine(line: string, playlist: string): void {
  const tag = playlist === 'master' ? 'EXT-X-SESSION-KEY' : 'EXT-X-KEY';
  expect(line).toMatch(new RegExp(`^#${tag}:METHOD=(AES-128|SAMPLE-AES|SAMPLE-AES-CTR|SAMPLE-AES-CENC),`));
  expect(line).not.toMatch(/[\r\n]/);
  expect(line).toMatch(/,URI="[^"]+"/);
  for (const [, name, value] of line.matchAll(/,(KEYFORMAT|KEYFORMATVERSIONS)=([^,]*)/g))
    expect(value, name).toMatch(/^"[^"]*"$/);
}

/** Every box of an answer (PSSH, ContentProtectionData, HLS data URIs) with mp4box.js, every HLS line by the m3u8 rules. */
function expectSignallingReadsIndependently(body: string): number {
  let checked = 0;
  for (const system of parseCpix(body).document.drmSystemList?.drmSystems ?? []) {
    if (system.pssh !== undefined) {
      expectPsshBox(system.pssh, system.systemId);
      checked += 1;
    }
    const fragment =
      system.contentProtectionData === undefined
        ? undefined
        : /<pssh xmlns="urn:mpeg:cenc:2013">([^<]+)<\/pssh>/.exec(text(system.contentProtectionData.value));
    if (fragment) {
      expectPsshBox(Uint8Array.from(Buffer.from(fragment[1]!, 'base64')), system.systemId);
      checked += 1;
    }
    if (system.uriExtXKey !== undefined) {
      // FairPlay takes an skd:// URI; HLS AES-128 a URL the player fetches the key from.
      const uri = text(system.uriExtXKey);
      const fairPlay = normalizeUuid(system.systemId) === '94ce86fb-07ff-4f43-adb8-93d2fa968ca2';
      if (fairPlay) expect(uri).toMatch(/^skd:\/\/[^\s"]+$/);
      else expect(new URL(uri).protocol).toBe('https:');
      checked += 1;
    }
    for (const hls of system.hlsSignalingData ?? []) {
      const line = text(hls.value);
      expectHlsLine(line, hls.playlist ?? 'media');
      const dataUri = /URI="data:text\/plain;base64,([^"]+)"/.exec(line);
      if (dataUri && normalizeUuid(system.systemId) === 'edef8ba9-79d6-4ace-a3c8-27dcd51d21ed')
        expectPsshBox(Uint8Array.from(Buffer.from(dataUri[1]!, 'base64')), system.systemId);
      checked += 1;
    }
  }
  return checked;
}

describe('the interoperability corpus, answered by the engine as the front ends send it', () => {
  for (const corpusCase of CORPUS) {
    it(corpusCase.name, async () => {
      const answer = await answerOf(corpusCase);
      expectCorpusAnswer(corpusCase, answer.status, answer.headers, answer.body);
      if (answer.status !== 200) return;
      await checkAnswer(answer.body, service, tenant);
      expect(expectSignallingReadsIndependently(answer.body)).toBeGreaterThan(0);
    });
  }

  it('answers validate against the CPIX 2.3 XSD, except those that echo what the schema has no place for', async () => {
    const answered = CORPUS.filter((corpusCase) => corpusCase.expected.status === 200);
    const bodies = await Promise.all(answered.map(async (corpusCase) => (await answerOf(corpusCase)).body));
    const results = await validateManyAgainstXsd(bodies, '2.3');
    answered.forEach((corpusCase, index) => {
      const expected = corpusCase.expected as Answered;
      // The README's exceptions: a content id that is not an XML name, foreign or incomplete content echoed.
      const deviates = expected.warnings.includes('ID_NOT_NCNAME') || expected.echoes !== undefined;
      expect(results[index]!.valid, `${corpusCase.name}: ${results[index]!.errors.join('; ')}`).toBe(!deviates);
    });
  });
});
