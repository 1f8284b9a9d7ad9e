import { describe, expect, it } from 'vitest';
import { expectPsshError } from '../test/expect-pssh-error.js';
import { encodePsshBox, parsePsshBox } from './box.js';
import { decodePsshInput } from './input.js';
import { PLAYREADY_SYSTEM_ID, WIDEVINE_SYSTEM_ID } from './systems.js';

const widevine = encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, data: Uint8Array.of(0x08, 0x01) });
const playready = encodePsshBox({ systemId: PLAYREADY_SYSTEM_ID, data: Uint8Array.of(6, 0, 0, 0, 0, 0) });
const located = (bytes: Uint8Array, offset: number) => ({ ...parsePsshBox(bytes), offset });

describe('decodePsshInput', () => {
  it('recognises a base64 box, wrapped over lines', () => {
    const b64 = Buffer.from(widevine).toString('base64');
    expect(decodePsshInput(`  ${b64.slice(0, 10)}\n${b64.slice(10)}\n`)).toStrictEqual({
      encoding: 'base64',
      kind: 'box',
      bytes: widevine,
      boxes: [located(widevine, 0)],
    });
  });

  it('recognises hex boxes, with 0x, spaces and upper case, several at once', () => {
    const both = Uint8Array.from([...widevine, ...playready]);
    const text = `0x${Buffer.from(both)
      .toString('hex')
      .toUpperCase()
      .replace(/(.{8})/g, '$1 ')}`;
    expect(decodePsshInput(text)).toStrictEqual({
      encoding: 'hex',
      kind: 'box',
      bytes: both,
      boxes: [located(widevine, 0), located(playready, widevine.length)],
    });
  });

  it('takes anything else as a payload: base64, URL-safe base64, hex', () => {
    const payload = Uint8Array.from(Buffer.from('CAESEMu8OLa1DatT+CY+Brc4KqM=', 'base64'));
    expect(decodePsshInput('CAESEMu8OLa1DatT+CY+Brc4KqM=')).toStrictEqual({
      encoding: 'base64',
      kind: 'payload',
      bytes: payload,
    });
    expect(decodePsshInput('CAESEMu8OLa1DatT-CY-Brc4KqM')).toStrictEqual({
      encoding: 'base64',
      kind: 'payload',
      bytes: payload,
    });
    expect(decodePsshInput('0801121012ea753c')).toStrictEqual({
      encoding: 'hex',
      kind: 'payload',
      bytes: Uint8Array.of(0x08, 0x01, 0x12, 0x10, 0x12, 0xea, 0x75, 0x3c),
    });
  });

  it('prefers hex for a payload that is valid in both encodings', () => {
    expect(decodePsshInput('deadbeef')).toStrictEqual({
      encoding: 'hex',
      kind: 'payload',
      bytes: Uint8Array.of(0xde, 0xad, 0xbe, 0xef),
    });
  });

  it('takes a box that does not parse whole, or that is followed by other bytes, as a payload', () => {
    const cut = widevine.subarray(0, widevine.length - 1);
    expect(decodePsshInput(Buffer.from(cut).toString('base64'))).toStrictEqual({
      encoding: 'base64',
      kind: 'payload',
      bytes: cut,
    });
    const trailing = Uint8Array.from([...widevine, 0, 0, 0, 8, ...Buffer.from('free')]);
    expect(decodePsshInput(Buffer.from(trailing).toString('hex'))).toStrictEqual({
      encoding: 'hex',
      kind: 'payload',
      bytes: trailing,
    });
  });

  it('recognises the smallest box, 32 bytes (version 0, no Data)', () => {
    const smallest = encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, data: new Uint8Array() });
    expect(decodePsshInput(Buffer.from(smallest).toString('hex'))).toStrictEqual({
      encoding: 'hex',
      kind: 'box',
      bytes: smallest,
      boxes: [located(smallest, 0)],
    });
  });

  it('takes 32 bytes named pssh that are not one box as a payload, and a 31-byte start of a box too', () => {
    const notOneBox = Uint8Array.from(widevine.subarray(0, 32));
    expect(decodePsshInput(Buffer.from(notOneBox).toString('hex')).kind).toBe('payload');
    expect(decodePsshInput(Buffer.from(widevine.subarray(0, 31)).toString('hex')).kind).toBe('payload');
  });

  it('reads base64 of 4n + 2 and 4n + 3 characters, and refuses 4n + 1', () => {
    expect(decodePsshInput('AAE').bytes).toStrictEqual(Uint8Array.of(0, 1));
    expect(decodePsshInput('AQ').bytes).toStrictEqual(Uint8Array.of(1));
    expectPsshError(
      () => decodePsshInput('AAAAA'),
      'ERR_PSSH_INVALID_ENCODING',
      null,
      'PSSH input is neither hex nor base64',
    );
    expectPsshError(() => decodePsshInput('AAAAA=='), 'ERR_PSSH_INVALID_ENCODING');
  });

  it('refuses empty input, text in neither encoding, and text with junk around it', () => {
    expectPsshError(() => decodePsshInput(' \n '), 'ERR_PSSH_INVALID_INPUT', null, 'PSSH input is empty');
    expectPsshError(
      () => decodePsshInput('not*base64'),
      'ERR_PSSH_INVALID_ENCODING',
      null,
      'PSSH input is neither hex nor base64',
    );
    expectPsshError(() => decodePsshInput('A'), 'ERR_PSSH_INVALID_ENCODING');
    expectPsshError(() => decodePsshInput('*CAESEA=='), 'ERR_PSSH_INVALID_ENCODING');
    expectPsshError(() => decodePsshInput('CAESEA==*'), 'ERR_PSSH_INVALID_ENCODING');
    expectPsshError(() => decodePsshInput('CAESEA==='), 'ERR_PSSH_INVALID_ENCODING');
    expectPsshError(
      () => decodePsshInput(42 as unknown as string),
      'ERR_PSSH_INVALID_INPUT',
      null,
      'PSSH input must be a string',
    );
  });
});
