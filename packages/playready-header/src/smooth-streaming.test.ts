import { PLAYREADY_SYSTEM_ID } from '@cpixkit/pssh';
import { describe, expect, it } from 'vitest';
import { thrownBy } from '../../../tooling/src/thrown.js';
import { PlayReadyError } from './errors.js';
import { encodePlayReadyObject } from './pro.js';
import {
  buildSmoothStreamingProtectionHeader,
  parseSmoothStreamingProtectionHeader,
  smoothStreamingProtectionHeaderData,
} from './smooth-streaming.js';

const HEADER =
  '<WRMHEADER xmlns="http://schemas.microsoft.com/DRM/2007/03/PlayReadyHeader" version="4.0.0.0"><DATA></DATA></WRMHEADER>';
const pro = encodePlayReadyObject({ wrmHeader: HEADER });
const b64 = Buffer.from(pro).toString('base64');

describe('Smooth Streaming protection header', () => {
  it('is the bare base64 PRO in CPIX SmoothStreamingProtectionHeaderData and speke:ProtectionHeader', () => {
    expect(smoothStreamingProtectionHeaderData(pro)).toBe(b64);
    expect(parseSmoothStreamingProtectionHeader(`\n  ${b64}\n`)).toEqual({
      form: 'base64',
      systemId: PLAYREADY_SYSTEM_ID,
      pro,
      object: { records: [{ type: 1, value: pro.slice(10) }], wrmHeader: HEADER },
    });
  });

  it('is a <ProtectionHeader> element in the client manifest', () => {
    const element = buildSmoothStreamingProtectionHeader(pro);
    expect(element).toBe(`<ProtectionHeader SystemID="9a04f079-9840-4286-ab92-e65be0885f95">${b64}</ProtectionHeader>`);
    const object = { records: [{ type: 1, value: pro.slice(10) }], wrmHeader: HEADER };
    expect(parseSmoothStreamingProtectionHeader(element)).toStrictEqual({
      form: 'element',
      systemId: PLAYREADY_SYSTEM_ID,
      pro,
      object,
    });
    const iisStyle = `<ProtectionHeader SystemID="{9A04F079-9840-4286-AB92-E65BE0885F95}">\n${b64}\n</ProtectionHeader>`;
    expect(parseSmoothStreamingProtectionHeader(iisStyle)).toStrictEqual({
      form: 'element',
      systemId: PLAYREADY_SYSTEM_ID,
      pro,
      object,
    });
    const otherSystem = `<ProtectionHeader SystemID="EDEF8BA9-79D6-4ACE-A3C8-27DCD51D21ED">${b64}</ProtectionHeader>`;
    expect(parseSmoothStreamingProtectionHeader(otherSystem).systemId).toBe('edef8ba9-79d6-4ace-a3c8-27dcd51d21ed');
  });

  it('refuses what is not a protection header with ERR_PLAYREADY_INVALID_OBJECT and the reason', () => {
    const refusal = (fn: () => unknown) => {
      const error = thrownBy(fn, PlayReadyError);
      return [error.code, error.message];
    };
    const bad: Array<[string, string]> = [
      ['', 'the protection header is not base64'],
      ['not base64!', 'the protection header is not base64'],
      ['<Protection></Protection>', 'expected <ProtectionHeader>, found <Protection>'],
      ['<ProtectionHeader>AAAA</ProtectionHeader>', '<ProtectionHeader> has no SystemID'],
      ['<ProtectionHeader SystemID="x">AAAA</ProtectionHeader>', 'SystemID is not a UUID: "x"'],
      ['AAAA', 'a PlayReady Object has a 6-byte header, got 3 bytes (at byte 0)'],
    ];
    for (const [text, message] of bad) {
      expect(
        refusal(() => parseSmoothStreamingProtectionHeader(text)),
        text,
      ).toStrictEqual(['ERR_PLAYREADY_INVALID_OBJECT', message]);
    }
    expect(refusal(() => smoothStreamingProtectionHeaderData(Uint8Array.of(1, 2)))).toStrictEqual([
      'ERR_PLAYREADY_INVALID_OBJECT',
      'a PlayReady Object has a 6-byte header, got 2 bytes (at byte 0)',
    ]);
  });

  it('says why it refuses', () => {
    const refused = (text: unknown, message: string) =>
      expect(() => parseSmoothStreamingProtectionHeader(text as string)).toThrow(
        expect.objectContaining({ code: 'ERR_PLAYREADY_INVALID_OBJECT', message }),
      );
    refused(42, 'the protection header must be a string');
    refused('<Protection></Protection>', 'expected <ProtectionHeader>, found <Protection>');
    refused('<ProtectionHeader>AAAA</ProtectionHeader>', '<ProtectionHeader> has no SystemID');
    refused('<ProtectionHeader SystemID="x">AAAA</ProtectionHeader>', 'SystemID is not a UUID: "x"');
    refused(
      `<ProtectionHeader SystemID="${'y'.repeat(70)}">AAAA</ProtectionHeader>`,
      `SystemID is not a UUID: "${'y'.repeat(64)}"`,
    );
    refused('', 'the protection header is not base64');
    refused(`${b64.slice(0, -1)}`, 'the protection header is not base64');
    refused(`!${b64}`, 'the protection header is not base64');
    refused(`${b64}!`, 'the protection header is not base64');
  });

  it('reads base64 with no, one or two padding characters, and refuses junk in place of a character', () => {
    for (const [wrmHeader, text] of [
      ['x', 'DAAAAAEAAQACAHgA'],
      ['xy', 'DgAAAAEAAQAEAHgAeQA='],
      ['xyz', 'EAAAAAEAAQAGAHgAeQB6AA=='],
    ]) {
      expect(parseSmoothStreamingProtectionHeader(text!).object.wrmHeader).toBe(wrmHeader);
    }
    for (const text of ['!AAAAAEAAQACAHgA', 'DAAAAAEAAQACAHg!', 'DgAAAAEAAQAEAHgAeQ!=']) {
      expect(() => parseSmoothStreamingProtectionHeader(text)).toThrow(
        expect.objectContaining({
          code: 'ERR_PLAYREADY_INVALID_OBJECT',
          message: 'the protection header is not base64',
        }),
      );
    }
  });

  it('reads an element with whitespace around it', () => {
    expect(parseSmoothStreamingProtectionHeader(`\n  ${buildSmoothStreamingProtectionHeader(pro)}\n`).form).toBe(
      'element',
    );
  });

  it('reads base64 broken over lines', () => {
    const wrapped = b64.replace(/(.{16})/g, '$1\n  ');
    expect(parseSmoothStreamingProtectionHeader(wrapped).pro).toStrictEqual(pro);
  });
});
