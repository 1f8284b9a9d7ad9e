import { describe, expect, it } from 'vitest';
import { fromBase64, fromHex, toHex, vectorCases } from '../../../tooling/src/fixtures.js';
import { encodePsshBox, parsePsshBox } from './box.js';
import { fourCcToUint32 } from './fourcc.js';
import { decodePsshInput } from './input.js';
import { PLAYREADY_SYSTEM_ID, WIDEVINE_SYSTEM_ID } from './systems.js';
import { bytesToUuid, uuidToBytes } from './uuid.js';
import { decodeWidevinePsshData, encodeWidevinePsshData, type WidevinePsshDataInit } from './widevine.js';

describe('widevine_pssh vectors', () => {
  for (const c of vectorCases('widevine_pssh')) {
    const inputs = c.inputs as {
      kid: string;
      pssh_version: 0 | 1;
      algorithm?: number;
      provider?: string;
      content_id?: string;
      track_type?: string;
      crypto_period_index?: number;
      protection_scheme?: string;
    };
    const data: WidevinePsshDataInit = {
      ...(inputs.algorithm !== undefined && { algorithm: inputs.algorithm }),
      keyIds: [inputs.kid],
      ...(inputs.provider !== undefined && { provider: inputs.provider }),
      ...(inputs.content_id !== undefined && { contentId: inputs.content_id }),
      ...(inputs.track_type !== undefined && { trackType: inputs.track_type }),
      ...(inputs.crypto_period_index !== undefined && { cryptoPeriodIndex: inputs.crypto_period_index }),
      ...(inputs.protection_scheme !== undefined && { protectionScheme: inputs.protection_scheme }),
    };

    it(`${c.name}: encodes the Widevine data and the box byte-exact`, () => {
      const payload = encodeWidevinePsshData(data);
      expect(toHex(payload)).toBe(c.expected.widevine_data_hex);
      const box = encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, version: inputs.pssh_version, data: payload });
      expect(Buffer.from(box).toString('base64')).toBe(c.expected.pssh_b64);
      if (c.expected.pssh_payload_only_b64 !== undefined) {
        expect(Buffer.from(payload).toString('base64')).toBe(c.expected.pssh_payload_only_b64);
      }
    });

    it(`${c.name}: parses back to the inputs`, () => {
      const box = parsePsshBox(fromBase64(c.expected.pssh_b64));
      const expectedBox = (c.decoded as { pssh_box: { box_size: number; data_size: number } }).pssh_box;
      expect(box).toStrictEqual({
        systemId: WIDEVINE_SYSTEM_ID,
        version: inputs.pssh_version,
        flags: 0,
        keyIds: [],
        data: box.data,
        byteLength: expectedBox.box_size,
      });
      expect(box.data.length).toBe(expectedBox.data_size);
      const decoded = decodeWidevinePsshData(box.data);
      const { contentId, ...rest } = decoded;
      const { contentId: expectedContentId, ...expectedRest } = data;
      expect(rest).toEqual(expectedRest);
      expect(contentId === undefined ? undefined : Buffer.from(contentId).toString('utf8')).toBe(expectedContentId);
      expect(toHex(encodeWidevinePsshData(decoded))).toBe(c.expected.widevine_data_hex);
    });

    it(`${c.name}: decodePsshInput recognises the box and the bare payload`, () => {
      const asBox = decodePsshInput(String(c.expected.pssh_b64));
      const bytes = fromBase64(c.expected.pssh_b64);
      expect(asBox).toStrictEqual({
        encoding: 'base64',
        kind: 'box',
        bytes,
        boxes: [{ ...parsePsshBox(bytes), offset: 0 }],
      });
      const asPayload = decodePsshInput(String(c.expected.widevine_data_hex));
      expect(asPayload).toStrictEqual({
        encoding: 'hex',
        kind: 'payload',
        bytes: fromHex(String(c.expected.widevine_data_hex)),
      });
    });
  }
});

describe('widevine_protection_scheme vectors', () => {
  for (const c of vectorCases('widevine_protection_scheme')) {
    for (const fourCc of (c.inputs as { fourccs: string[] }).fourccs) {
      it(`${c.name}: ${fourCc} is uint32 ${String(c.expected[`${fourCc}_uint32`])}, field 9 ${String(c.expected[`${fourCc}_field9_hex`])}`, () => {
        expect(fourCcToUint32(fourCc)).toBe(c.expected[`${fourCc}_uint32`]);
        const field = encodeWidevinePsshData({ protectionScheme: fourCc });
        expect(toHex(field)).toBe(c.expected[`${fourCc}_field9_hex`]);
        expect(decodeWidevinePsshData(field).protectionScheme).toBe(fourCc);
      });
    }
  }
});

describe('kid_encoding vectors (RFC 4122 byte order)', () => {
  for (const c of vectorCases('kid_encoding')) {
    it(`${c.name}: big-endian hex and base64 forms`, () => {
      const e = c.expected as Record<string, string>;
      expect(toHex(uuidToBytes('cbbc38b6-b50d-ab53-f826-3e06b7382aa3'))).toBe(e.cbbc38b6_key_id_hex);
      expect(Buffer.from(uuidToBytes('cbbc38b6-b50d-ab53-f826-3e06b7382aa3')).toString('base64')).toBe(
        e.cbbc38b6_key_id_b64,
      );
      expect(Buffer.from(uuidToBytes('12ea753c-23e7-bc02-4474-b2b976c43beb')).toString('base64')).toBe(
        e['12ea753c_be_b64'],
      );
      expect(`0x${toHex(uuidToBytes('98ee5596-cd3e-a20d-163a-e382420c6eff')).toUpperCase()}`).toBe(
        e['98ee5596_hls_keyid'],
      );
      expect(bytesToUuid(fromHex(e.cbbc38b6_key_id_hex))).toBe('cbbc38b6-b50d-ab53-f826-3e06b7382aa3');
    });
  }
});

describe('playready_pssh vectors (box framing)', () => {
  for (const c of vectorCases('playready_pssh')) {
    it(`${c.name}: frames the PlayReady Object byte-exact and parses it back`, () => {
      const pro = fromBase64(c.expected.pro_b64);
      const version = (c.inputs as { pssh_version: 0 | 1 }).pssh_version;
      const box = encodePsshBox({ systemId: PLAYREADY_SYSTEM_ID, version, data: pro });
      expect(Buffer.from(box).toString('base64')).toBe(c.expected.pssh_b64);
      const parsed = parsePsshBox(fromBase64(c.expected.pssh_b64));
      const decoded = (c.decoded as { pssh_box: { box_size: number } }).pssh_box;
      expect(parsed).toStrictEqual({
        systemId: PLAYREADY_SYSTEM_ID,
        version,
        flags: 0,
        keyIds: [],
        data: pro,
        byteLength: decoded.box_size,
      });
    });
  }
});
