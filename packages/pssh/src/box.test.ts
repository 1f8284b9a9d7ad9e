import { describe, expect, it } from 'vitest';
import { expectPsshError } from '../test/expect-pssh-error.js';
import { allocatePsshBox, encodePsshBox, parsePsshBox, parsePsshBoxes } from './box.js';
import { PLAYREADY_SYSTEM_ID, WIDEVINE_SYSTEM_ID } from './systems.js';

const KID_A = '12ea753c-23e7-bc02-4474-b2b976c43beb';
const KID_B = '98ee5596-cd3e-a20d-163a-e382420c6eff';
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));

/** An ISO-BMFF box with a 32-bit size. */
function box(type: string, ...body: Uint8Array[]): Uint8Array {
  const size = 8 + body.reduce((n, b) => n + b.length, 0);
  const out = new Uint8Array(size);
  new DataView(out.buffer).setUint32(0, size);
  out.set(ascii(type), 4);
  let pos = 8;
  for (const b of body) {
    out.set(b, pos);
    pos += b.length;
  }
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}

describe('encodePsshBox', () => {
  it('writes a version 1 box with its KIDs big-endian, and infers version 1 from keyIds', () => {
    const data = Uint8Array.of(1, 2, 3);
    const bytes = encodePsshBox({ systemId: PLAYREADY_SYSTEM_ID, keyIds: [KID_A, KID_B], data });
    expect(hex(bytes)).toBe(
      '00000047' +
        '70737368' +
        '01000000' +
        '9a04f07998404286ab92e65be0885f95' +
        '00000002' +
        '12ea753c23e7bc024474b2b976c43beb' +
        '98ee5596cd3ea20d163ae382420c6eff' +
        '00000003' +
        '010203',
    );
    expect(parsePsshBox(bytes)).toEqual({
      systemId: PLAYREADY_SYSTEM_ID,
      version: 1,
      flags: 0,
      keyIds: [KID_A, KID_B],
      data,
      byteLength: 71,
    });
  });

  it('defaults to version 0 without keyIds; an explicit version wins', () => {
    expect(parsePsshBox(encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, data: new Uint8Array() })).version).toBe(0);
    const v1 = encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, version: 1, data: new Uint8Array() });
    expect(parsePsshBox(v1)).toStrictEqual({
      systemId: WIDEVINE_SYSTEM_ID,
      version: 1,
      flags: 0,
      keyIds: [],
      data: new Uint8Array(),
      byteLength: 36,
    });
  });

  it('accepts any UUID spelling and keeps flags', () => {
    const bytes = encodePsshBox({
      systemId: '{EDEF8BA9-79D6-4ACE-A3C8-27DCD51D21ED}',
      flags: 0x000102,
      data: Uint8Array.of(9),
    });
    expect(parsePsshBox(bytes)).toStrictEqual({
      systemId: WIDEVINE_SYSTEM_ID,
      version: 0,
      flags: 0x102,
      keyIds: [],
      data: Uint8Array.of(9),
      byteLength: 33,
    });
  });

  it('refuses a version 0 box with KIDs, unknown versions, bad flags and bad ids', () => {
    expectPsshError(
      () => encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, version: 0, keyIds: [KID_A], data: new Uint8Array() }),
      'ERR_PSSH_INVALID_INPUT',
    );
    expectPsshError(
      () => encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, version: 2 as 1, data: new Uint8Array() }),
      'ERR_PSSH_UNSUPPORTED_VERSION',
    );
    expectPsshError(
      () => encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, flags: 1 << 24, data: new Uint8Array() }),
      'ERR_PSSH_INVALID_INPUT',
    );
    expectPsshError(() => encodePsshBox({ systemId: 'widevine', data: new Uint8Array() }), 'ERR_PSSH_INVALID_UUID');
    expectPsshError(
      () => encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, keyIds: ['nope'], data: new Uint8Array() }),
      'ERR_PSSH_INVALID_UUID',
    );
    expectPsshError(
      () => encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, data: 'AAAA' as unknown as Uint8Array }),
      'ERR_PSSH_INVALID_INPUT',
    );
  });
});

describe('allocatePsshBox', () => {
  it('writes the box encodePsshBox writes once the caller fills the Data in place', () => {
    const data = Uint8Array.of(1, 2, 3, 4, 5);
    for (const init of [
      { systemId: PLAYREADY_SYSTEM_ID },
      { systemId: WIDEVINE_SYSTEM_ID, keyIds: [KID_A, KID_B], flags: 7 },
    ]) {
      const { box, dataOffset } = allocatePsshBox(init, data.length);
      expect(box.length - dataOffset).toBe(data.length);
      box.set(data, dataOffset);
      expect(hex(box)).toBe(hex(encodePsshBox({ ...init, data })));
    }
  });

  it('refuses what encodePsshBox refuses, and a data length that is not a count of bytes', () => {
    expectPsshError(
      () => allocatePsshBox({ systemId: WIDEVINE_SYSTEM_ID, version: 0, keyIds: [KID_A] }, 0),
      'ERR_PSSH_INVALID_INPUT',
    );
    expectPsshError(() => allocatePsshBox({ systemId: 'widevine' }, 0), 'ERR_PSSH_INVALID_UUID');
    expectPsshError(() => allocatePsshBox({ systemId: WIDEVINE_SYSTEM_ID }, -1), 'ERR_PSSH_INVALID_INPUT');
    expectPsshError(() => allocatePsshBox({ systemId: WIDEVINE_SYSTEM_ID }, 1.5), 'ERR_PSSH_INVALID_INPUT');
    expectPsshError(
      () => allocatePsshBox(undefined as unknown as Parameters<typeof allocatePsshBox>[0], 0),
      'ERR_PSSH_INVALID_INPUT',
    );
  });
});

describe('parsePsshBox', () => {
  const sample = encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, data: Uint8Array.of(0x12, 0x10) });

  it('reads a box with a 64-bit size and one whose size is 0 (to the end)', () => {
    const body = sample.subarray(8);
    const large = new Uint8Array(16 + body.length);
    const view = new DataView(large.buffer);
    view.setUint32(0, 1);
    large.set(ascii('pssh'), 4);
    view.setBigUint64(8, BigInt(large.length));
    large.set(body, 16);
    expect(parsePsshBox(large)).toStrictEqual({
      systemId: WIDEVINE_SYSTEM_ID,
      version: 0,
      flags: 0,
      keyIds: [],
      data: Uint8Array.of(0x12, 0x10),
      byteLength: large.length,
    });
    const toEnd = Uint8Array.from(sample);
    new DataView(toEnd.buffer).setUint32(0, 0);
    expect(parsePsshBox(toEnd).data).toEqual(Uint8Array.of(0x12, 0x10));
  });

  it('points at the fault: trailing bytes, DataSize, truncation, KID_count, version, type', () => {
    expectPsshError(() => parsePsshBox(concat(sample, Uint8Array.of(0))), 'ERR_PSSH_BAD_BOX', sample.length);
    const wrongDataSize = Uint8Array.from(sample);
    new DataView(wrongDataSize.buffer).setUint32(28, 3);
    expectPsshError(() => parsePsshBox(wrongDataSize), 'ERR_PSSH_BAD_BOX', 28);
    expectPsshError(() => parsePsshBox(sample.subarray(0, 20)), 'ERR_PSSH_TRUNCATED', 0);
    expectPsshError(() => parsePsshBox(sample.subarray(0, 5)), 'ERR_PSSH_TRUNCATED', 0);
    const v1 = encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, keyIds: [KID_A], data: new Uint8Array() });
    new DataView(v1.buffer).setUint32(28, 0xffff_ffff);
    expectPsshError(() => parsePsshBox(v1), 'ERR_PSSH_TRUNCATED', 28);
    const v2 = Uint8Array.from(sample);
    v2[8] = 2;
    expectPsshError(() => parsePsshBox(v2), 'ERR_PSSH_UNSUPPORTED_VERSION', 8);
    expectPsshError(() => parsePsshBox(box('free', new Uint8Array(24))), 'ERR_PSSH_BAD_BOX', 4);
    const tooSmall = Uint8Array.from(sample);
    new DataView(tooSmall.buffer).setUint32(0, 4);
    expectPsshError(() => parsePsshBox(tooSmall), 'ERR_PSSH_BAD_BOX', 0);
  });

  it('copies the data out of the input', () => {
    const input = Uint8Array.from(sample);
    const parsed = parsePsshBox(input);
    input[32] = 0xff;
    expect(parsed.data[0]).toBe(0x12);
  });
});

describe('parsePsshBoxes', () => {
  const widevine = encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, data: Uint8Array.of(1) });
  const playready = encodePsshBox({ systemId: PLAYREADY_SYSTEM_ID, keyIds: [KID_A], data: Uint8Array.of(2, 2) });

  it('reads concatenated boxes with their offsets', () => {
    const boxes = parsePsshBoxes(concat(widevine, playready));
    expect(boxes.map((b) => [b.systemId, b.offset, b.byteLength])).toEqual([
      [WIDEVINE_SYSTEM_ID, 0, widevine.length],
      [PLAYREADY_SYSTEM_ID, widevine.length, playready.length],
    ]);
  });

  it('finds pssh boxes in moov and moof of an fMP4 stream, skipping everything else', () => {
    const ftyp = box('ftyp', Uint8Array.from(ascii('iso6')), new Uint8Array(4));
    const trak = box('trak', box('tkhd', new Uint8Array(84)));
    const moov = box('moov', box('mvhd', new Uint8Array(100)), trak, widevine, playready);
    const moof = box('moof', box('mfhd', new Uint8Array(8)), widevine);
    // mdat with a 64-bit size, then a last box of size 0 running to the end.
    const mdatBody = new Uint8Array(10);
    const mdat = new Uint8Array(16 + mdatBody.length);
    new DataView(mdat.buffer).setUint32(0, 1);
    mdat.set(ascii('mdat'), 4);
    new DataView(mdat.buffer).setBigUint64(8, BigInt(mdat.length));
    const tail = box('free', new Uint8Array(3));
    new DataView(tail.buffer).setUint32(0, 0);
    const file = concat(ftyp, moov, moof, mdat, tail);
    const boxes = parsePsshBoxes(file);
    expect(boxes.map((b) => b.systemId)).toEqual([WIDEVINE_SYSTEM_ID, PLAYREADY_SYSTEM_ID, WIDEVINE_SYSTEM_ID]);
    const moovStart = ftyp.length;
    expect(boxes[0]!.offset).toBe(moovStart + 8 + 108 + trak.length);
    expect(boxes[2]!.offset).toBe(moovStart + moov.length + 8 + 16);
    expect(boxes[1]!.keyIds).toEqual([KID_A]);
  });

  it('returns no boxes for well-formed boxes without pssh and nothing for no bytes', () => {
    expect(parsePsshBoxes(box('free', new Uint8Array(4)))).toEqual([]);
    expect(parsePsshBoxes(new Uint8Array())).toEqual([]);
  });

  it('reports a truncated child box at its absolute offset', () => {
    const moov = box('moov', widevine.subarray(0, widevine.length - 1));
    new DataView(moov.buffer).setUint32(8, widevine.length);
    expectPsshError(() => parsePsshBoxes(moov), 'ERR_PSSH_TRUNCATED', 8);
  });
});

describe('encodePsshBox argument checks', () => {
  it('refuses a missing init object, a keyIds string or text for bytes with ERR_PSSH_INVALID_INPUT', () => {
    expectPsshError(
      () => encodePsshBox(undefined as unknown as Parameters<typeof encodePsshBox>[0]),
      'ERR_PSSH_INVALID_INPUT',
      null,
      'encodePsshBox takes { systemId, data, version?, flags?, keyIds? }',
    );
    expectPsshError(
      () =>
        encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, keyIds: KID_A as unknown as string[], data: new Uint8Array() }),
      'ERR_PSSH_INVALID_INPUT',
      null,
      'keyIds must be an array of UUID strings',
    );
    expectPsshError(
      () => parsePsshBox('AAAA' as unknown as Uint8Array),
      'ERR_PSSH_INVALID_INPUT',
      null,
      'pssh input must be a Uint8Array',
    );
  });
});

describe('pssh box boundaries', () => {
  const data = Uint8Array.of(0x12, 0x10);

  it('takes flags from 0 to 0xffffff and writes them after the version byte', () => {
    const widest = encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, version: 1, flags: 0xff_ffff, data });
    expect(hex(widest.subarray(8, 12))).toBe('01ffffff');
    expect(parsePsshBox(widest)).toStrictEqual({
      systemId: WIDEVINE_SYSTEM_ID,
      version: 1,
      flags: 0xff_ffff,
      keyIds: [],
      data,
      byteLength: 38,
    });
    expect(hex(encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, flags: 0, data }).subarray(8, 12))).toBe('00000000');
  });

  it.each([-1, 0x100_0000, 1.5, Number.NaN])('refuses flags %s, naming them', (flags) => {
    expectPsshError(
      () => encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, flags, data }),
      'ERR_PSSH_INVALID_INPUT',
      null,
      `pssh flags must be a 24-bit unsigned integer, got ${String(flags)}`,
    );
  });

  it('names each refused argument in its message', () => {
    expectPsshError(
      () => encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, version: 0, keyIds: [KID_A], data }),
      'ERR_PSSH_INVALID_INPUT',
      null,
      'a version 0 pssh box cannot list KIDs; use version 1',
    );
    expectPsshError(
      () => encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, version: 2 as 1, data }),
      'ERR_PSSH_UNSUPPORTED_VERSION',
      null,
      'pssh version must be 0 or 1, got 2',
    );
    expectPsshError(
      () => encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, data: [1] as unknown as Uint8Array }),
      'ERR_PSSH_INVALID_INPUT',
      null,
      'pssh data must be a Uint8Array',
    );
    expectPsshError(
      () => encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, keyIds: KID_A as unknown as string[], data }),
      'ERR_PSSH_INVALID_INPUT',
      null,
      'keyIds must be an array of UUID strings',
    );
    expectPsshError(
      () => encodePsshBox(null as unknown as Parameters<typeof encodePsshBox>[0]),
      'ERR_PSSH_INVALID_INPUT',
      null,
      'encodePsshBox takes { systemId, data, version?, flags?, keyIds? }',
    );
    expectPsshError(
      () => allocatePsshBox('x' as unknown as Parameters<typeof allocatePsshBox>[0], 0),
      'ERR_PSSH_INVALID_INPUT',
      null,
      'allocatePsshBox takes { systemId, version?, flags?, keyIds? }',
    );
    expectPsshError(
      () => allocatePsshBox({ systemId: WIDEVINE_SYSTEM_ID }, -1),
      'ERR_PSSH_INVALID_INPUT',
      null,
      'pssh data length must be a non-negative integer, got -1',
    );
    expectPsshError(
      () => parsePsshBox([0, 0, 0, 8] as unknown as Uint8Array),
      'ERR_PSSH_INVALID_INPUT',
      null,
      'pssh input must be a Uint8Array',
    );
    expectPsshError(
      () => parsePsshBoxes('AAAA' as unknown as Uint8Array),
      'ERR_PSSH_INVALID_INPUT',
      null,
      'pssh input must be a Uint8Array',
    );
  });

  it('allocates an empty Data, and refuses a data length past 2^53 - 1', () => {
    const { box: empty, dataOffset } = allocatePsshBox({ systemId: WIDEVINE_SYSTEM_ID }, 0);
    expect(dataOffset).toBe(32);
    expect(hex(empty)).toBe(hex(encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, data: new Uint8Array() })));
    expectPsshError(() => allocatePsshBox({ systemId: WIDEVINE_SYSTEM_ID }, 2 ** 53), 'ERR_PSSH_INVALID_INPUT');
  });

  it('refuses a box whose size would not fit 32 bits', () => {
    expectPsshError(
      () => allocatePsshBox({ systemId: WIDEVINE_SYSTEM_ID }, 0xffff_ffff - 31),
      'ERR_PSSH_INVALID_INPUT',
      null,
      `a pssh box of ${0xffff_ffff + 1} bytes does not fit a 32-bit size`,
    );
  });

  it('reads a box of exactly 32 bytes (version 0, no Data) and of 36 (version 1, no KIDs, no Data)', () => {
    const v0 = encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, data: new Uint8Array() });
    expect(parsePsshBox(v0)).toStrictEqual({
      systemId: WIDEVINE_SYSTEM_ID,
      version: 0,
      flags: 0,
      keyIds: [],
      data: new Uint8Array(),
      byteLength: 32,
    });
    const v1 = encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, version: 1, data: new Uint8Array() });
    expect(parsePsshBox(v1)).toStrictEqual({
      systemId: WIDEVINE_SYSTEM_ID,
      version: 1,
      flags: 0,
      keyIds: [],
      data: new Uint8Array(),
      byteLength: 36,
    });
  });

  it.each([
    ['version, flags and SystemID', 19, 8],
    ['DataSize', 23, 28],
  ])('refuses a version 0 box that ends inside its %s, pointing at where they start', (what, bodyLength, offset) => {
    const body = encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, data: new Uint8Array() }).subarray(8, 8 + bodyLength);
    expectPsshError(
      () => parsePsshBox(box('pssh', body)),
      'ERR_PSSH_TRUNCATED',
      offset,
      `pssh box ends inside ${what}`,
    );
  });

  it('refuses a version 1 box that ends inside its KID_count, its KIDs or its DataSize', () => {
    const full = encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, keyIds: [KID_A], data: new Uint8Array() });
    const body = full.subarray(8);
    expectPsshError(
      () => parsePsshBox(box('pssh', body.subarray(0, 23))),
      'ERR_PSSH_TRUNCATED',
      28,
      'pssh box ends inside KID_count',
    );
    expectPsshError(
      () => parsePsshBox(box('pssh', body.subarray(0, 24 + 15))),
      'ERR_PSSH_TRUNCATED',
      28,
      'KID_count 1 does not fit the box',
    );
    expectPsshError(
      () => parsePsshBox(box('pssh', body.subarray(0, 24 + 16))),
      'ERR_PSSH_TRUNCATED',
      48,
      'pssh box ends inside DataSize',
    );
    expect(parsePsshBox(full).keyIds).toStrictEqual([KID_A]);
  });

  it('refuses a DataSize one byte more or one byte less than the box holds', () => {
    const sample = encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, data });
    for (const dataSize of [1, 3]) {
      const wrong = Uint8Array.from(sample);
      new DataView(wrong.buffer).setUint32(28, dataSize);
      expectPsshError(
        () => parsePsshBox(wrong),
        'ERR_PSSH_BAD_BOX',
        28,
        `DataSize ${dataSize} disagrees with the box size (2 bytes left)`,
      );
    }
  });

  it('reads the version from the first body byte: 1 is known, 2 and 255 are not', () => {
    const sample = encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, data });
    for (const version of [2, 255]) {
      const unknown = Uint8Array.from(sample);
      unknown[8] = version;
      expectPsshError(
        () => parsePsshBox(unknown),
        'ERR_PSSH_UNSUPPORTED_VERSION',
        8,
        `pssh version ${version} is not defined (0 or 1)`,
      );
    }
  });

  it('takes a box of exactly 8 bytes (header only) and refuses a size of 7', () => {
    expect(parsePsshBoxes(box('free'))).toStrictEqual([]);
    const seven = box('free');
    new DataView(seven.buffer).setUint32(0, 7);
    expectPsshError(() => parsePsshBoxes(seven), 'ERR_PSSH_BAD_BOX', 0, 'box size 7 is smaller than its header');
  });

  it('needs 8 header bytes, and 16 when the size is 64-bit', () => {
    expectPsshError(
      () => parsePsshBoxes(new Uint8Array(7)),
      'ERR_PSSH_TRUNCATED',
      0,
      'a box header needs 8 bytes, 7 left',
    );
    const large = new Uint8Array(15);
    new DataView(large.buffer).setUint32(0, 1);
    large.set(ascii('free'), 4);
    expectPsshError(
      () => parsePsshBoxes(large),
      'ERR_PSSH_TRUNCATED',
      0,
      'a box with a 64-bit size needs 16 header bytes',
    );
  });

  it('refuses a 64-bit size smaller than its 16-byte header or past 2^53 - 1', () => {
    const large = new Uint8Array(16);
    const view = new DataView(large.buffer);
    view.setUint32(0, 1);
    large.set(ascii('free'), 4);
    view.setBigUint64(8, 15n);
    expectPsshError(() => parsePsshBoxes(large), 'ERR_PSSH_BAD_BOX', 0, 'box size 15 is smaller than its header');
    view.setBigUint64(8, 16n);
    expect(parsePsshBoxes(large)).toStrictEqual([]);
    view.setBigUint64(8, 2n ** 53n - 1n);
    expectPsshError(
      () => parsePsshBoxes(large),
      'ERR_PSSH_TRUNCATED',
      0,
      `box 'free' claims ${2 ** 53 - 1} bytes, 16 left`,
    );
    view.setBigUint64(8, 2n ** 53n);
    expectPsshError(() => parsePsshBoxes(large), 'ERR_PSSH_BAD_BOX', 8, `64-bit box size ${2 ** 53} is too large`);
  });

  it('names a box that claims more bytes than there are, quoting a type that is not printable', () => {
    const free = box('free', new Uint8Array(4));
    expectPsshError(
      () => parsePsshBoxes(free.subarray(0, 11)),
      'ERR_PSSH_TRUNCATED',
      0,
      "box 'free' claims 12 bytes, 11 left",
    );
    const odd = Uint8Array.from(free);
    odd[7] = 0x0a;
    expectPsshError(
      () => parsePsshBoxes(odd.subarray(0, 11)),
      'ERR_PSSH_TRUNCATED',
      0,
      `box '${JSON.stringify('fre\n')}' claims 12 bytes, 11 left`,
    );
  });

  it('counts from the start of the input when a fault comes after a first box', () => {
    const first = box('free', new Uint8Array(4));
    expectPsshError(
      () => parsePsshBoxes(concat(first, new Uint8Array(3))),
      'ERR_PSSH_TRUNCATED',
      12,
      'a box header needs 8 bytes, 3 left',
    );
    const large = Uint8Array.of(0, 0, 0, 1, ...ascii('free'), 0, 0, 0);
    expectPsshError(
      () => parsePsshBoxes(concat(first, large)),
      'ERR_PSSH_TRUNCATED',
      12,
      'a box with a 64-bit size needs 16 header bytes',
    );
    const cut = box('free', new Uint8Array(8)).subarray(0, 10);
    expectPsshError(
      () => parsePsshBoxes(concat(first, cut)),
      'ERR_PSSH_TRUNCATED',
      12,
      "box 'free' claims 16 bytes, 10 left",
    );
  });

  it('refuses another box where one pssh box is expected, and bytes after it', () => {
    expectPsshError(
      () => parsePsshBox(box('free', new Uint8Array(24))),
      'ERR_PSSH_BAD_BOX',
      4,
      "expected a 'pssh' box, found 'free'",
    );
    const sample = encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, data });
    expectPsshError(
      () => parsePsshBox(concat(sample, Uint8Array.of(0, 0))),
      'ERR_PSSH_BAD_BOX',
      sample.length,
      '2 bytes after the pssh box; use parsePsshBoxes for several boxes',
    );
  });

  it('reads a pssh box that is a direct child of moov or moof only', () => {
    const pssh = encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, data });
    expect(parsePsshBoxes(box('trak', pssh))).toStrictEqual([]);
    expect(parsePsshBoxes(box('moof', pssh))).toStrictEqual([
      { systemId: WIDEVINE_SYSTEM_ID, version: 0, flags: 0, keyIds: [], data, byteLength: pssh.length, offset: 8 },
    ]);
  });
});
