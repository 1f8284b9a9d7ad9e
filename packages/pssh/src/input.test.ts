import { describe, expect, it } from 'vitest';
import { encodePsshBox } from './box.js';
import { PsshError } from './errors.js';
import { decodePsshInput } from './input.js';
import { PLAYREADY_SYSTEM_ID, WIDEVINE_SYSTEM_ID } from './systems.js';

const widevine = encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, data: Uint8Array.of(0x08, 0x01) });
const playready = encodePsshBox({ systemId: PLAYREADY_SYSTEM_ID, data: Uint8Array.of(6, 0, 0, 0, 0, 0) });

describe('decodePsshInput', () => {
  it('recognises a base64 box, wrapped over lines', () => {
    const b64 = Buffer.from(widevine).toString('base64');
    const decoded = decodePsshInput(`  ${b64.slice(0, 10)}\n${b64.slice(10)}\n`);
    expect(decoded).toMatchObject({ encoding: 'base64', kind: 'box' });
    expect(decoded.bytes).toEqual(widevine);
    expect(decoded.boxes?.map((b) => b.systemId)).toEqual([WIDEVINE_SYSTEM_ID]);
  });

  it('recognises hex boxes, with 0x, spaces and upper case, several at once', () => {
    const text = `0x${Buffer.concat([widevine, playready]).toString('hex').toUpperCase().replace(/(.{8})/g, '$1 ')}`;
    const decoded = decodePsshInput(text);
    expect(decoded).toMatchObject({ encoding: 'hex', kind: 'box' });
    expect(decoded.boxes?.map((b) => b.systemId)).toEqual([WIDEVINE_SYSTEM_ID, PLAYREADY_SYSTEM_ID]);
  });

  it('takes anything else as a payload: base64, URL-safe base64, hex', () => {
    expect(decodePsshInput('CAESEMu8OLa1DatT+CY+Brc4KqM=')).toMatchObject({ encoding: 'base64', kind: 'payload' });
    const urlSafe = decodePsshInput('CAESEMu8OLa1DatT-CY-Brc4KqM');
    expect(urlSafe).toMatchObject({ encoding: 'base64', kind: 'payload' });
    expect(Buffer.from(urlSafe.bytes).toString('base64')).toBe('CAESEMu8OLa1DatT+CY+Brc4KqM=');
    const hex = decodePsshInput('0801121012ea753c');
    expect(hex).toMatchObject({ encoding: 'hex', kind: 'payload' });
    expect(hex.boxes).toBeUndefined();
  });

  it('takes a box that does not parse whole as a payload', () => {
    const cut = Buffer.from(widevine.subarray(0, widevine.length - 1)).toString('base64');
    expect(decodePsshInput(cut).kind).toBe('payload');
  });

  it('refuses empty input and text in neither encoding', () => {
    expect(() => decodePsshInput(' \n ')).toThrow(PsshError);
    expect(() => decodePsshInput('not*base64')).toThrow(expect.objectContaining({ code: 'ERR_PSSH_INVALID_ENCODING' }));
    expect(() => decodePsshInput('A')).toThrow(expect.objectContaining({ code: 'ERR_PSSH_INVALID_ENCODING' }));
    expect(() => decodePsshInput(42 as unknown as string)).toThrow(expect.objectContaining({ code: 'ERR_PSSH_INVALID_INPUT' }));
  });
});
