import { PLAYREADY_SYSTEM_ID } from '@cpixkit/pssh';
import { describe, expect, it } from 'vitest';
import { PlayReadyError } from './errors.js';
import { encodePlayReadyObject } from './pro.js';
import {
  buildSmoothStreamingProtectionHeader,
  parseSmoothStreamingProtectionHeader,
  smoothStreamingProtectionHeaderData,
} from './smooth-streaming.js';

const HEADER = '<WRMHEADER xmlns="http://schemas.microsoft.com/DRM/2007/03/PlayReadyHeader" version="4.0.0.0"><DATA></DATA></WRMHEADER>';
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
    expect(parseSmoothStreamingProtectionHeader(element)).toMatchObject({ form: 'element', systemId: PLAYREADY_SYSTEM_ID, pro });
    const iisStyle = `<ProtectionHeader SystemID="{9A04F079-9840-4286-AB92-E65BE0885F95}">\n${b64}\n</ProtectionHeader>`;
    expect(parseSmoothStreamingProtectionHeader(iisStyle).object.wrmHeader).toBe(HEADER);
  });

  it('refuses what is not a protection header', () => {
    const bad = ['', 'not base64!', '<Protection></Protection>', '<ProtectionHeader>AAAA</ProtectionHeader>', '<ProtectionHeader SystemID="x">AAAA</ProtectionHeader>', 'AAAA'];
    for (const text of bad) expect(() => parseSmoothStreamingProtectionHeader(text)).toThrow(PlayReadyError);
    expect(() => smoothStreamingProtectionHeaderData(Uint8Array.of(1, 2))).toThrow(PlayReadyError);
  });
});
