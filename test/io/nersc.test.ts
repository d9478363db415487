import fs from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GaugeField } from '../../src/lattice/gaugeField.js';
import { nerscChecksum } from '../../src/io/checksums.js';
import { linkTrace } from '../../src/io/configurationChecks.js';
import { FileError } from '../../src/core/fileError.js';
import { decodeNersc, encodeNersc, readNersc, writeNersc } from '../../src/io/nersc.js';
import { Lattice } from '../../src/lattice/lattice.js';
import { averagePlaquette } from '../../src/lattice/observables/plaquette.js';
import { maxAbsDifference, roughField } from '../helpers.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(join(os.tmpdir(), 'lgt-nersc-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Splits a NERSC file into its header text (END_HEADER line included) and payload. */
function split(bytes: Uint8Array): { head: string; payload: Uint8Array } {
  const text = Buffer.from(bytes).toString('latin1');
  const end = text.indexOf('END_HEADER\n') + 'END_HEADER\n'.length;
  return { head: text.slice(0, end), payload: bytes.slice(end) };
}

function join2(head: string, payload: Uint8Array): Uint8Array {
  return new Uint8Array(Buffer.concat([Buffer.from(head, 'latin1'), payload]));
}

/** Replaces the value of a header key. */
function setKey(head: string, key: string, value: string): string {
  const re = new RegExp(`^${key} = .*$`, 'm');
  expect(re.test(head)).toBe(true);
  return head.replace(re, `${key} = ${value}`);
}

function bitsEqual(a: Float64Array, b: Float64Array): boolean {
  return Buffer.from(a.buffer).equals(Buffer.from(b.buffer));
}

describe('NERSC round trips', () => {
  it.each([
    ['4D SU(3)', [4, 4, 4, 6], 3],
    ['4D SU(2)', [4, 2, 4, 4], 2],
    ['2D SU(2)', [6, 8], 2],
    ['3D SU(3)', [4, 2, 6], 3],
    ['4D SU(4), general N', [2, 2, 2, 4], 4],
  ])('%s in 64-bit 3x3 storage keeps every bit and every header value', async (_, dims, N) => {
    const field = roughField(dims, N, 11);
    const path = join(dir, 'cfg.nersc');
    const written = await writeNersc(path, field, {
      header: { ENSEMBLE_LABEL: 'b6.0 run A', SEQUENCE_NUMBER: 1200, BETA: 6 },
    });
    const read = await readNersc(path);
    expect(bitsEqual(read.field.links, field.links)).toBe(true);
    expect(read.header).toEqual(written);
    expect(read.dataType).toBe(`${dims.length}D_SU${N}_GAUGE_${N}x${N}`);
    expect(read.header.ENSEMBLE_LABEL).toBe('b6.0 run A');
    expect(read.header.SEQUENCE_NUMBER).toBe('1200');
    expect(read.header.BETA).toBe('6');
    expect(Number(read.header.PLAQUETTE)).toBe(averagePlaquette(field));
    expect(Number(read.header.LINK_TRACE)).toBe(linkTrace(field));
    expect(read.checks.every((c) => c.ok)).toBe(true);
    expect(read.checks.map((c) => c.name)).toEqual([
      'CHECKSUM',
      'SCIDAC_CHECKSUMA',
      'SCIDAC_CHECKSUMB',
      'SU(N) links',
      'PLAQUETTE',
      'LINK_TRACE',
    ]);
  });

  it('writes every header key Grid writes, in Grid’s order, and DIMENSION/BOUNDARY per axis', () => {
    const { header } = encodeNersc(roughField([4, 4, 4, 6], 3, 1));
    expect(Object.keys(header)).toEqual([
      'HDR_VERSION',
      'DATATYPE',
      'STORAGE_FORMAT',
      'DIMENSION_1',
      'DIMENSION_2',
      'DIMENSION_3',
      'DIMENSION_4',
      'LINK_TRACE',
      'PLAQUETTE',
      'BOUNDARY_1',
      'BOUNDARY_2',
      'BOUNDARY_3',
      'BOUNDARY_4',
      'CHECKSUM',
      'SCIDAC_CHECKSUMA',
      'SCIDAC_CHECKSUMB',
      'ENSEMBLE_ID',
      'ENSEMBLE_LABEL',
      'SEQUENCE_NUMBER',
      'CREATOR',
      'CREATOR_HARDWARE',
      'CREATION_DATE',
      'ARCHIVE_DATE',
      'FLOATING_POINT',
    ]);
    expect(header.DATATYPE).toBe('4D_SU3_GAUGE_3x3');
    expect(header.FLOATING_POINT).toBe('IEEE64BIG');
    expect(header.BOUNDARY_4).toBe('PERIODIC');
    expect(header.CREATION_DATE).toMatch(/^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4} UTC$/);
  });

  it('the 3x3 IEEE64BIG payload is our link array, byte-swapped, after the header', () => {
    const field = roughField([2, 2, 2, 4], 3, 5);
    const { bytes } = encodeNersc(field);
    const { head, payload } = split(bytes);
    expect(head.startsWith('BEGIN_HEADER\n')).toBe(true);
    const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
    expect(payload.byteLength).toBe(field.links.byteLength);
    for (let k = 0; k < field.links.length; k++) {
      expect(view.getFloat64(8 * k, false)).toBe(field.links[k]);
    }
    expect(head).toContain(`CHECKSUM = ${nerscChecksum(payload, false).toString(16)}\n`);
  });

  it('32-bit storage keeps the field to float32 rounding, exactly that', async () => {
    const field = roughField([4, 4, 2, 4], 3, 7);
    const path = join(dir, 'cfg32.nersc');
    await writeNersc(path, field, { precision: 32 });
    const read = await readNersc(path);
    expect(read.floatingPoint).toBe('IEEE32BIG');
    expect(read.precision).toBe(32);
    expect(bitsEqual(read.field.links, Float64Array.from(new Float32Array(field.links)))).toBe(
      true,
    );
    expect(maxAbsDifference(read.field.links, field.links)).toBeLessThan(2 ** -24);
  });

  it.each([
    [3, 64, 1e-14],
    [3, 32, 1e-6],
    [2, 64, 1e-15],
    [2, 32, 2 ** -24],
  ] as const)(
    'two-row storage of SU(%i) in %i bits rebuilds the last row (to %s)',
    async (N, precision, tolerance) => {
      const field = roughField([4, 2, 4, 4], N, 3);
      const path = join(dir, 'two.nersc');
      const written = await writeNersc(path, field, { twoRow: true, precision });
      expect(written.DATATYPE).toBe(`4D_SU${N}_GAUGE`);
      const read = await readNersc(path);
      expect(read.storedRows).toBe(N - 1);
      const size = fs.statSync(path).size - read.headerBytes;
      expect(size).toBe(field.lattice.volume * 4 * (N - 1) * N * 2 * (precision / 8));
      expect(maxAbsDifference(read.field.links, field.links)).toBeLessThanOrEqual(tolerance);
      expect(read.field.unitarityViolation()).toBeLessThan(1e-6);
    },
  );

  it('reads the little-endian variants, and IEEE64 without byte order either way', () => {
    const field = roughField([2, 2, 2, 4], 3, 9);
    const { bytes } = encodeNersc(field);
    const { head, payload } = split(bytes);
    const swapped = new Uint8Array(payload.byteLength);
    const from = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
    const to = new DataView(swapped.buffer);
    for (let p = 0; p < payload.byteLength; p += 8)
      to.setFloat64(p, from.getFloat64(p, false), true);
    const littleSum = nerscChecksum(swapped, true).toString(16);
    // Grid writes SCIDAC_CHECKSUMA/B = 0: not checked
    const zero = setKey(setKey(head, 'SCIDAC_CHECKSUMA', '0'), 'SCIDAC_CHECKSUMB', '0');
    const little = setKey(setKey(zero, 'FLOATING_POINT', 'IEEE64LITTLE'), 'CHECKSUM', littleSum);
    const a = decodeNersc(join2(little, swapped), 'le.nersc');
    expect(a.byteOrder).toBe('little');
    expect(a.checks.map((c) => c.name)).not.toContain('SCIDAC_CHECKSUMA');
    expect(bitsEqual(a.field.links, field.links)).toBe(true);
    // IEEE64: big-endian to the original archive and QDP++, little-endian to Grid
    const gridStyle = decodeNersc(
      join2(setKey(little, 'FLOATING_POINT', 'IEEE64'), swapped),
      'grid.nersc',
    );
    expect(gridStyle.byteOrder).toBe('little');
    expect(bitsEqual(gridStyle.field.links, field.links)).toBe(true);
    const archiveStyle = decodeNersc(join2(setKey(head, 'FLOATING_POINT', 'IEEE64'), payload), 'a');
    expect(archiveStyle.byteOrder).toBe('big');
    expect(bitsEqual(archiveStyle.field.links, field.links)).toBe(true);
  });

  it('accepts header values computed in float64 for a 32-bit payload (wider tolerance)', () => {
    const field = roughField([4, 4, 4, 4], 3, 21, 1.2);
    const { bytes } = encodeNersc(field, { precision: 32, twoRow: true });
    const { head, payload } = split(bytes);
    const edited = setKey(
      setKey(head, 'PLAQUETTE', String(averagePlaquette(field))),
      'LINK_TRACE',
      String(linkTrace(field)),
    );
    const read = decodeNersc(join2(edited, payload), 'f64header.nersc');
    expect(read.checks.every((c) => c.ok)).toBe(true);
  });

  it('keeps user header keys, ignores computed ones, and refuses values that break lines', () => {
    const field = roughField([2, 2, 2, 2], 3, 2);
    const { header } = encodeNersc(field, {
      header: { PLAQUETTE: 0.5, CHECKSUM: 'deadbeef', DIMENSION_5: 9, CREATOR: 'me', X_Y: 'z' },
    });
    expect(Number(header.PLAQUETTE)).toBe(averagePlaquette(field));
    expect(header.CHECKSUM).not.toBe('deadbeef');
    expect(header.DIMENSION_5).toBeUndefined();
    expect(header.CREATOR).toBe('me');
    expect(header.X_Y).toBe('z');
    expect(() => encodeNersc(field, { header: { CREATOR: 'a\nEND_HEADER' } })).toThrow(
      /invalid options.header.CREATOR: expected a single line/,
    );
    expect(() => encodeNersc(field, { header: { 'BAD KEY': 'x' } })).toThrow(RangeError);
  });

  it('refuses two-row storage of links that are not in SU(N), and of N = 4', () => {
    const field = roughField([2, 2, 2, 2], 3, 2);
    field.links[12] += 0.01; // third row of the first link
    expect(() => encodeNersc(field, { twoRow: true })).toThrow(/last row differs/);
    expect(() => encodeNersc(roughField([2, 2], 4, 1), { twoRow: true })).toThrow(
      /invalid options.twoRow: expected false for N other than 2 and 3/,
    );
  });
});

describe('NERSC writing never replaces a file unless asked', () => {
  it('refuses an existing file without force, leaves it untouched, replaces it with force', async () => {
    const path = join(dir, 'cfg.nersc');
    fs.writeFileSync(path, 'keep me');
    const field = roughField([2, 2, 2, 2], 2, 1);
    await expect(writeNersc(path, field)).rejects.toThrow(
      `writeNersc: ${path} already exists; pass { force: true } (lgt: --force) to replace it`,
    );
    expect(fs.readFileSync(path, 'utf8')).toBe('keep me');
    await writeNersc(path, field, { force: true });
    expect((await readNersc(path)).field.equals(field, 0)).toBe(true);
    expect(fs.readdirSync(dir)).toEqual(['cfg.nersc']); // no temporary file left
  });

  it('names a missing directory', async () => {
    const path = join(dir, 'missing', 'cfg.nersc');
    await expect(writeNersc(path, roughField([2, 2], 2, 1))).rejects.toThrow(
      /cfg.nersc: the directory .*missing does not exist/,
    );
  });
});

describe('NERSC corruption is reported with the file, the field and both values', () => {
  const field = roughField([4, 4, 2, 4], 3, 13);
  let path: string;
  let head: string;
  let payload: Uint8Array;
  beforeEach(() => {
    path = join(dir, 'cfg.nersc');
    ({ head, payload } = split(encodeNersc(field).bytes));
  });
  const readBack = (h: string, p: Uint8Array) => {
    fs.writeFileSync(path, join2(h, p));
    return readNersc(path);
  };

  it('a flipped bit in the payload: CHECKSUM mismatch', async () => {
    const flipped = payload.slice();
    flipped[1000] ^= 0x10;
    const stated = /CHECKSUM = (\w+)/.exec(head)?.[1];
    const actual = nerscChecksum(flipped, false).toString(16);
    await expect(readBack(head, flipped)).rejects.toThrow(
      `readNersc: ${path}: CHECKSUM mismatch: header says ${stated}, payload sums to ${actual}`,
    );
    await expect(readBack(head, flipped)).rejects.toBeInstanceOf(FileError);
  });

  it('a truncated file: expected and found payload bytes', async () => {
    const expected = payload.byteLength;
    await expect(readBack(head, payload.subarray(0, expected - 736))).rejects.toThrow(
      `readNersc: ${path}: truncated: expected ${expected} payload bytes (DATATYPE ` +
        `4D_SU3_GAUGE_3x3, FLOATING_POINT IEEE64BIG, DIMENSION 4x4x2x4), found ${expected - 736}`,
    );
    await expect(readBack(head.slice(0, 200), new Uint8Array(0))).rejects.toThrow(
      /truncated header: no END_HEADER line/,
    );
  });

  it('a header PLAQUETTE or LINK_TRACE that disagrees: both values and the tolerance', async () => {
    const computed = Number(averagePlaquette(field).toPrecision(10));
    await expect(readBack(setKey(head, 'PLAQUETTE', '0.59367'), payload)).rejects.toThrow(
      `readNersc: ${path}: PLAQUETTE mismatch: header 0.59367, computed ${computed} (tolerance 1e-5)`,
    );
    const trace = linkTrace(field);
    await expect(
      readBack(setKey(head, 'LINK_TRACE', String(trace + 3e-6)), payload),
    ).rejects.toThrow(/LINK_TRACE mismatch: header [\d.]+, computed [\d.]+ \(tolerance 1e-6\)/);
    // within Grid's tolerance: accepted
    await expect(
      readBack(setKey(head, 'PLAQUETTE', String(computed + 5e-6)), payload),
    ).resolves.toBeDefined();
  });

  it('a header CHECKSUM that disagrees, or is not hex', async () => {
    await expect(readBack(setKey(head, 'CHECKSUM', '1a2b3c4d'), payload)).rejects.toThrow(
      /CHECKSUM mismatch: header says 1a2b3c4d, payload sums to [0-9a-f]+/,
    );
    await expect(readBack(setKey(head, 'CHECKSUM', 'xyz'), payload)).rejects.toThrow(
      /invalid CHECKSUM: expected up to 8 hex digits, got "xyz"/,
    );
  });

  it('a SciDAC checksum in the header that disagrees', async () => {
    await expect(readBack(setKey(head, 'SCIDAC_CHECKSUMB', '1234'), payload)).rejects.toThrow(
      /SCIDAC_CHECKSUMB mismatch: header says 1234, payload gives [0-9a-f]+/,
    );
  });

  it('a wrong DATATYPE: unknown, or one that does not describe the payload', async () => {
    await expect(readBack(setKey(head, 'DATATYPE', '4D_SU3_GAUGE_FOO'), payload)).rejects.toThrow(
      `readNersc: ${path}: invalid DATATYPE: expected 4D_SU3_GAUGE_3x3 or 4D_SU3_GAUGE`,
    );
    await expect(readBack(setKey(head, 'DATATYPE', '4D_SU3_GAUGE'), payload)).rejects.toThrow(
      /trailing data: expected \d+ payload bytes \(DATATYPE 4D_SU3_GAUGE, .*\), found \d+ \(\d+ bytes would fit DATATYPE 4D_SU3_GAUGE_3x3 with FLOATING_POINT IEEE64\)/,
    );
    await expect(readBack(setKey(head, 'DATATYPE', '4D_SU4_GAUGE'), payload)).rejects.toThrow(
      /invalid DATATYPE/,
    );
    await expect(readBack(setKey(head, 'FLOATING_POINT', 'VAX'), payload)).rejects.toThrow(
      /invalid FLOATING_POINT: expected IEEE64BIG, IEEE32BIG, IEEE64LITTLE or IEEE32LITTLE, got "VAX"/,
    );
  });

  it('a wrong dimension: in the header, missing, or not the one expected', async () => {
    await expect(readBack(setKey(head, 'DIMENSION_4', '8'), payload)).rejects.toThrow(
      /truncated: expected \d+ payload bytes \(.*DIMENSION 4x4x2x8\), found \d+/,
    );
    await expect(readBack(head.replace(/^DIMENSION_3 = .*\n/m, ''), payload)).rejects.toThrow(
      `readNersc: ${path}: header has no DIMENSION_3 (DATATYPE 4D_SU3_GAUGE_3x3 needs DIMENSION_1..4)`,
    );
    await expect(readBack(setKey(head, 'DIMENSION_2', 'four'), payload)).rejects.toThrow(
      /invalid DIMENSION_2: expected a positive integer, got "four"/,
    );
    fs.writeFileSync(path, join2(head, payload));
    await expect(readNersc(path, { expect: { dims: [4, 4, 2, 8] } })).rejects.toThrow(
      `readNersc: ${path}: invalid DIMENSION_4: expected 8, got 4`,
    );
    await expect(readNersc(path, { expect: { N: 2 } })).rejects.toThrow(
      `readNersc: ${path}: invalid DATATYPE: expected SU(2), got 4D_SU3_GAUGE_3x3 (SU(3))`,
    );
  });

  it('links that are not in SU(N), and non-finite numbers', async () => {
    const bad = new GaugeField(
      field.lattice,
      3,
      field.links.map((x) => 1.01 * x),
    );
    const { bytes } = encodeNersc(bad);
    fs.writeFileSync(path, bytes);
    await expect(readNersc(path)).rejects.toThrow(
      /SU\(N\) links violated: max \|U U\^dagger - 1\| = 0\.020\d+, max \|det U - 1\| = 0\.030\d+ \(tolerance 1e-5\)/,
    );
    expect((await readNersc(path, { unitarityTolerance: 0.1 })).field.equals(bad, 0)).toBe(true);
  });

  it('not a NERSC file, or no file at all', async () => {
    fs.writeFileSync(path, 'hello\nworld\n');
    await expect(readNersc(path)).rejects.toThrow(
      `readNersc: ${path}: not a NERSC file: expected the first line BEGIN_HEADER, got "hello"`,
    );
    await expect(readNersc(join(dir, 'none'))).rejects.toThrow(/none: no such file/);
  });

  it('verify: false returns the failing checks instead of throwing', async () => {
    fs.writeFileSync(path, join2(setKey(head, 'PLAQUETTE', '0.9'), payload));
    const read = await readNersc(path, { verify: false });
    const failed = read.checks.filter((c) => !c.ok);
    expect(failed.map((c) => c.name)).toEqual(['PLAQUETTE']);
    expect(failed[0].expected).toBe('0.9');
    expect(read.field.equals(field, 0)).toBe(true);
  });
});

describe('cold start', () => {
  it('has PLAQUETTE = LINK_TRACE = 1', () => {
    const { header } = encodeNersc(GaugeField.cold(new Lattice([2, 2, 2, 2]), 3));
    expect(header.PLAQUETTE).toBe('1');
    expect(header.LINK_TRACE).toBe('1');
  });
});
