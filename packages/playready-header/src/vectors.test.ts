import { parsePsshBox, PLAYREADY_SYSTEM_ID } from '@cpixkit/pssh';
import { describe, expect, it } from 'vitest';
import { fromBase64, vectorCases } from '../../../tooling/src/fixtures.js';
import { computeKeyChecksum } from './checksum.js';
import { kidToGuidBase64 } from './kid.js';
import { decodePlayReadyObject, encodePlayReadyObject, encodePlayReadyPsshBox } from './pro.js';
import { buildWrmHeader, parseWrmHeader, type WrmHeader, type WrmHeaderVersion } from './wrmheader.js';

interface PlayReadyInputs {
  kid: string;
  key_b64: string;
  wrmheader_version: WrmHeaderVersion;
  la_url?: string | null;
  checksum?: string | null;
  custom_attributes_xml?: string;
  pssh_version: 0 | 1;
}

/** The header model a vector's inputs describe; the checksum comes from the key, the way a key server makes it. */
function headerFromInputs(inputs: PlayReadyInputs, withKey: boolean): WrmHeader {
  return {
    version: inputs.wrmheader_version,
    keys: [{ kid: inputs.kid, algId: 'AESCTR', ...(withKey && { key: fromBase64(inputs.key_b64) }) }],
    ...(inputs.la_url && { laUrl: inputs.la_url }),
    ...(inputs.custom_attributes_xml !== undefined && { customAttributes: inputs.custom_attributes_xml }),
  };
}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

describe('playready_pssh vectors', () => {
  for (const c of vectorCases('playready_pssh')) {
    const inputs = c.inputs as unknown as PlayReadyInputs;
    const xml = String(c.expected.wrmheader_xml);

    it(`${c.name}: builds the WRMHEADER, PRO and pssh box byte-exact`, () => {
      const built = buildWrmHeader(headerFromInputs(inputs, true));
      expect(built).toBe(xml);
      expect(b64(encodePlayReadyObject({ wrmHeader: built }))).toBe(c.expected.pro_b64);
      expect(b64(encodePlayReadyPsshBox(built, { version: inputs.pssh_version }))).toBe(c.expected.pssh_b64);
      if (c.expected.pssh_payload_only_b64 !== undefined) {
        expect(b64(encodePlayReadyObject({ wrmHeader: built }))).toBe(c.expected.pssh_payload_only_b64);
      }
    });

    it(`${c.name}: parses the pssh box back to the inputs`, () => {
      const box = parsePsshBox(fromBase64(c.expected.pssh_b64));
      expect(box.systemId).toBe(PLAYREADY_SYSTEM_ID);
      const pro = decodePlayReadyObject(box.data);
      const decoded = c.decoded as {
        playready_object: { record_count: number; records: { type: number; length: number }[] };
      };
      expect(pro.records.map((r) => ({ type: r.type, length: r.value.length }))).toEqual(
        decoded.playready_object.records,
      );
      expect(pro.wrmHeader).toBe(xml);
      const header = parseWrmHeader(pro.wrmHeader!);
      expect(header).toEqual({
        ...headerFromInputs(inputs, false),
        keys: [{ kid: c.expected.header_kid, algId: 'AESCTR', checksum: c.expected.checksum_b64 }],
      });
      expect(buildWrmHeader(header)).toBe(xml);
      expect(b64(encodePlayReadyObject(pro.records))).toBe(c.expected.pro_b64);
    });
  }
});

describe('cpix_content_protection_data vectors (PlayReady part)', () => {
  for (const c of vectorCases('cpix_content_protection_data')) {
    const inputs = c.inputs as unknown as PlayReadyInputs;

    it(`${c.name}: builds the header without CHECKSUM or LA_URL, the PRO and the box`, () => {
      expect(inputs.checksum).toBeNull();
      const xml = buildWrmHeader(headerFromInputs(inputs, false));
      expect(xml).toBe(c.expected.wrmheader_xml);
      const pro = encodePlayReadyObject({ wrmHeader: xml });
      expect(b64(pro)).toBe(c.expected.pro_b64);
      const box = encodePlayReadyPsshBox(xml, { version: inputs.pssh_version });
      expect(b64(box)).toBe(c.expected.pssh_b64);
      // The ContentProtectionData string carries the same box and PRO (the string itself is key-service's job).
      expect(c.expected.content_protection_data_xml).toBe(
        `<pssh xmlns="urn:mpeg:cenc:2013">${b64(box)}</pssh><pro xmlns="urn:microsoft:playready">${b64(pro)}</pro>`,
      );
    });

    it(`${c.name}: the checksum it would have, from the key`, () => {
      const decoded = c.decoded as { checksum_if_it_were_present: string };
      expect(computeKeyChecksum(inputs.kid, fromBase64(inputs.key_b64))).toBe(decoded.checksum_if_it_were_present);
    });
  }
});

describe('playready_checksum vectors', () => {
  for (const c of vectorCases('playready_checksum').filter((v) => v.inputs.key_b64 !== undefined)) {
    const inputs = c.inputs as { kid: string; key_b64: string };
    it(`${c.name}: CHECKSUM = first 8 bytes of AES-128-ECB(key, GUID-LE KID)`, () => {
      expect(computeKeyChecksum(inputs.kid, fromBase64(inputs.key_b64))).toBe(c.expected.checksum_b64);
      const decoded = c.decoded as { kid_le_hex: string; wrong_if_big_endian_kid: string };
      expect(Buffer.from(kidToGuidBase64(inputs.kid), 'base64').toString('hex')).toBe(decoded.kid_le_hex);
      expect(computeKeyChecksum(inputs.kid, fromBase64(inputs.key_b64))).not.toBe(decoded.wrong_if_big_endian_kid);
    });
  }

  for (const c of vectorCases('playready_checksum').filter((v) => v.expected.derived_key_hex !== undefined)) {
    const inputs = c.inputs as { kid: string; kid_le_b64: string };
    it(`${c.name}: the spec example's KID and CHECKSUM from the key given in the vector`, () => {
      expect(kidToGuidBase64(inputs.kid)).toBe(inputs.kid_le_b64);
      const key = Uint8Array.from(Buffer.from(String(c.expected.derived_key_hex), 'hex'));
      expect(computeKeyChecksum(inputs.kid, key)).toBe(c.expected.checksum_b64);
    });
  }
});
