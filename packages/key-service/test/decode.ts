import { type CpixDocument, type DrmSystem, parseCpix } from '@cpixkit/cpix-model';
import { parseDataUri, parseFairPlayUri, parseHlsKeyLine } from '@cpixkit/hls-signaling';
import {
  computeKeyChecksum,
  decodePlayReadyObject,
  parseSmoothStreamingProtectionHeader,
  parseWrmHeader,
} from '@cpixkit/playready-header';
import {
  decodeWidevinePsshData,
  findDrmSystem,
  normalizeUuid,
  PLAYREADY_SYSTEM_ID,
  parsePsshBox,
  WIDEVINE_SYSTEM_ID,
} from '@cpixkit/pssh';
import { expect } from 'vitest';
import type { KeyService, Tenant } from '../src/index.js';

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');
const CPD_XML =
  /^<pssh xmlns="urn:mpeg:cenc:2013">([A-Za-z0-9+/=]+)<\/pssh>(?:<pro xmlns="urn:microsoft:playready">([A-Za-z0-9+/=]+)<\/pro>)?$/;

/** What a decoded answer holds per key. */
export interface AnsweredKey {
  kid: string;
  key: Uint8Array;
  iv: Uint8Array | undefined;
}

/** How many values of each kind {@link checkAnswer} decoded, so a test can say it saw them. */
export interface DecodedCounts {
  pssh: number;
  contentProtectionData: number;
  hls: number;
  smoothStreaming: number;
  uriExtXKey: number;
  checksums: number;
  keyUrls: number;
}

function checkWrmHeader(xml: string, key: AnsweredKey, counts: DecodedCounts): void {
  const header = parseWrmHeader(xml);
  expect(header.keys.map((k) => k.kid)).toEqual([key.kid]);
  for (const k of header.keys) {
    if (k.checksum !== undefined) {
      expect(k.checksum).toBe(computeKeyChecksum(key.kid, key.key));
      counts.checksums += 1;
    }
  }
}

function checkPro(pro: Uint8Array, key: AnsweredKey, counts: DecodedCounts): void {
  const object = decodePlayReadyObject(pro);
  expect(object.wrmHeader).toBeDefined();
  checkWrmHeader(object.wrmHeader!, key, counts);
}

function checkPsshBox(box: Uint8Array, system: string, key: AnsweredKey, counts: DecodedCounts): void {
  const pssh = parsePsshBox(box);
  expect(pssh.systemId).toBe(system === 'widevine' ? WIDEVINE_SYSTEM_ID : PLAYREADY_SYSTEM_ID);
  expect(pssh.byteLength).toBe(box.length);
  if (system === 'widevine') expect(decodeWidevinePsshData(pssh.data).keyIds).toEqual([key.kid]);
  else checkPro(pssh.data, key, counts);
}

async function checkKeyUrl(
  uri: string,
  key: AnsweredKey,
  service: KeyService,
  tenant: Tenant,
  counts: DecodedCounts,
): Promise<void> {
  const url = new URL(uri);
  const delivered = await service.deliverKey(tenant, `${url.pathname}${url.search}`);
  expect(Buffer.from(delivered).equals(Buffer.from(key.key))).toBe(true);
  counts.keyUrls += 1;
}

async function checkSystem(
  system: DrmSystem,
  key: AnsweredKey,
  contentId: string,
  service: KeyService,
  tenant: Tenant,
  counts: DecodedCounts,
): Promise<void> {
  const name = findDrmSystem(system.systemId)!.key;
  if (system.pssh !== undefined) {
    checkPsshBox(system.pssh, name, key, counts);
    counts.pssh += 1;
  }
  if (system.contentProtectionData !== undefined) {
    const value = system.contentProtectionData.value;
    const xml = CPD_XML.exec(text(value));
    if (xml) {
      const box = Uint8Array.from(Buffer.from(xml[1]!, 'base64'));
      checkPsshBox(box, name, key, counts);
      if (system.pssh !== undefined) expect(Buffer.from(box).equals(Buffer.from(system.pssh))).toBe(true);
      if (name === 'playready') {
        expect(xml[2]).toBeDefined();
        expect(Buffer.from(xml[2]!, 'base64').equals(Buffer.from(parsePsshBox(box).data))).toBe(true);
      } else {
        expect(xml[2]).toBeUndefined();
      }
    } else if (name === 'widevine') {
      expect(decodeWidevinePsshData(value).keyIds).toEqual([key.kid]);
    } else {
      checkPro(value, key, counts);
    }
    counts.contentProtectionData += 1;
  }
  if (system.smoothStreamingProtectionHeaderData !== undefined) {
    checkPro(parseSmoothStreamingProtectionHeader(system.smoothStreamingProtectionHeaderData).pro, key, counts);
    counts.smoothStreaming += 1;
  }
  if (system.speke?.protectionHeader !== undefined) {
    checkPro(system.speke.protectionHeader, key, counts);
    counts.smoothStreaming += 1;
  }
  const checkUri = async (uri: string): Promise<void> => {
    if (name === 'fairplay') {
      const fairPlay = parseFairPlayUri(uri);
      if (fairPlay.form === 'kid-iv') {
        expect(fairPlay.kid).toBe(key.kid);
        expect(key.iv).toBeDefined();
        expect(Buffer.from(fairPlay.iv).equals(Buffer.from(key.iv!))).toBe(true);
      } else if (fairPlay.form === 'kid-base64') {
        expect(fairPlay.kid).toBe(key.kid);
      } else if (fairPlay.form === 'content-period') {
        expect(fairPlay.contentId).toBe(contentId);
      } else {
        expect(fairPlay.payload.length).toBeGreaterThan(0);
      }
    } else {
      await checkKeyUrl(uri, key, service, tenant, counts);
    }
  };
  if (system.uriExtXKey !== undefined) {
    await checkUri(text(system.uriExtXKey));
    counts.uriExtXKey += 1;
  }
  for (const signaling of system.hlsSignalingData ?? []) {
    const line = parseHlsKeyLine(text(signaling.value));
    expect(line.tag).toBe(signaling.playlist === 'media' ? 'EXT-X-KEY' : 'EXT-X-SESSION-KEY');
    if (name === 'widevine' || name === 'playready') {
      const payload = parseDataUri(line.uri!).data;
      if (name === 'widevine') {
        checkPsshBox(payload, name, key, counts);
        expect(line.keyId).toBe(key.kid);
      } else {
        checkPro(payload, key, counts);
      }
    } else {
      expect(line.method).toBe(name === 'fairplay' ? 'SAMPLE-AES' : 'AES-128');
      await checkUri(line.uri!);
      if (name === 'aes128' && line.iv !== undefined)
        expect(Buffer.from(line.iv).equals(Buffer.from(key.iv!))).toBe(true);
    }
    counts.hls += 1;
  }
}

/**
 * Decodes every PSSH, PlayReady header, HLS line and key URI of an answer with cpixkit's own
 * packages and checks each against the answer's keys: KIDs, checksums, IVs, key URLs that deliver
 * the very key. Returns the keys and how many values of each kind were checked.
 */
export async function checkAnswer(
  body: string,
  service: KeyService,
  tenant: Tenant,
): Promise<{ document: CpixDocument; keys: AnsweredKey[]; counts: DecodedCounts }> {
  const { document } = parseCpix(body);
  const contentId = document.contentId ?? document.id ?? '';
  const keys = (document.contentKeyList?.contentKeys ?? []).map((key): AnsweredKey => {
    const value = key.data?.secret?.plainValue;
    expect(value).toBeDefined();
    expect(value!.length).toBe(16);
    return { kid: normalizeUuid(key.kid), key: value!, iv: key.explicitIV };
  });
  const counts: DecodedCounts = {
    pssh: 0,
    contentProtectionData: 0,
    hls: 0,
    smoothStreaming: 0,
    uriExtXKey: 0,
    checksums: 0,
    keyUrls: 0,
  };
  for (const system of document.drmSystemList?.drmSystems ?? []) {
    const key = keys.find((k) => k.kid === normalizeUuid(system.kid));
    expect(key, `DRMSystem kid ${system.kid} is a content key`).toBeDefined();
    await checkSystem(system, key!, contentId, service, tenant, counts);
  }
  for (const rule of document.contentKeyUsageRuleList?.contentKeyUsageRules ?? []) {
    expect(keys.some((k) => k.kid === normalizeUuid(rule.kid))).toBe(true);
  }
  return { document, keys, counts };
}
