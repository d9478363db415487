import fs from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scidacChecksum } from '../../src/io/checksums.js';
import { linkTrace } from '../../src/io/configurationChecks.js';
import { decodeIldg, encodeIldg, readIldg, writeIldg } from '../../src/io/ildg.js';
import { encodeLimeRecord, parseLimeRecords } from '../../src/io/lime.js';
import { averagePlaquette } from '../../src/lattice/observables/plaquette.js';
import { roughField } from '../helpers.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(join(os.tmpdir(), 'lgt-ildg-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function bitsEqual(a: Float64Array, b: Float64Array): boolean {
  return Buffer.from(a.buffer).equals(Buffer.from(b.buffer));
}

function concat(parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

describe('ILDG round trips', () => {
  it('64-bit keeps every bit, the LFN and the info text', async () => {
    const field = roughField([4, 4, 2, 6], 3, 4);
    const path = join(dir, 'cfg.lime');
    await writeIldg(path, field, { lfn: 'lfn://ens/b6/cfg.100', info: 'beta <6> & more' });
    const read = await readIldg(path);
    expect(bitsEqual(read.field.links, field.links)).toBe(true);
    expect(read.lfn).toBe('lfn://ens/b6/cfg.100');
    expect(read.info).toBe('beta <6> & more');
    expect(read.fieldType).toBe('su3gauge');
    expect(read.precision).toBe(64);
    expect(read.dims).toEqual([4, 4, 2, 6]);
    expect(read.checks.map((c) => [c.name, c.ok])).toEqual([
      ['scidac-checksum suma', true],
      ['scidac-checksum sumb', true],
      ['SU(N) links', true],
      ['usqcdInfo plaq', true],
      ['usqcdInfo linktr', true],
    ]);
  });

  it('32-bit keeps the field to float32 rounding, exactly that; LFN defaults to the file name', async () => {
    const field = roughField([2, 4, 2, 4], 3, 6);
    const path = join(dir, 'cfg32.ildg');
    await writeIldg(path, field, { precision: 32 });
    const read = await readIldg(path);
    expect(read.precision).toBe(32);
    expect(read.lfn).toBe('cfg32.ildg');
    expect(bitsEqual(read.field.links, Float64Array.from(new Float32Array(field.links)))).toBe(
      true,
    );
  });

  it('SU(2) is written as su2gauge (as Grid does); 2D and 3D fields have no ILDG form', async () => {
    const field = roughField([2, 2, 2, 4], 2, 8);
    const path = join(dir, 'su2.lime');
    await writeIldg(path, field);
    const read = await readIldg(path);
    expect(read.fieldType).toBe('su2gauge');
    expect(bitsEqual(read.field.links, field.links)).toBe(true);
    await expect(writeIldg(join(dir, '2d.lime'), roughField([4, 4], 3, 1))).rejects.toThrow(
      /writeIldg: invalid field: expected a 4D field \(ILDG has lx ly lz lt only; use NERSC\), got D = 2/,
    );
  });
});

describe('ILDG layout', () => {
  const field = roughField([2, 2, 2, 4], 3, 3);
  const bytes = concat(encodeIldg(field, { lfn: 'x' }));

  it('is LIME records of 144-byte big-endian headers, data padded to 8 bytes, in two messages', () => {
    const view = new DataView(bytes.buffer);
    const records = parseLimeRecords(bytes, 'mem', 'test');
    expect(records.map((r) => r.type)).toEqual([
      'scidac-private-file-xml',
      'scidac-file-xml',
      'scidac-private-record-xml',
      'scidac-record-xml',
      'ildg-format',
      'ildg-data-lfn',
      'ildg-binary-data',
      'scidac-checksum',
    ]);
    expect(records.map((r) => `${+r.messageBegin}${+r.messageEnd}`)).toEqual([
      '10',
      '01',
      '10',
      '00',
      '00',
      '00',
      '00',
      '01',
    ]);
    let at = 0;
    for (const r of records) {
      expect(view.getUint32(at, false)).toBe(0x456789ab);
      expect(view.getUint16(at + 4, false)).toBe(1);
      expect(Number(view.getBigUint64(at + 8, false))).toBe(r.length);
      expect(r.offset).toBe(at + 144);
      const padded = Math.ceil(r.length / 8) * 8;
      expect(bytes.subarray(r.offset + r.length, r.offset + padded).every((b) => b === 0)).toBe(
        true,
      );
      at = r.offset + padded;
    }
    expect(at).toBe(bytes.byteLength);
  });

  it('ildg-format names the field, precision and lx ly lz lt in the ILDG namespace', () => {
    const read = decodeIldg(bytes, 'mem');
    const format = read.xml['ildg-format'];
    expect(format).toContain('<ildgFormat xmlns="http://www.lqcd.org/ildg"');
    expect(format).toContain('<field>su3gauge</field><precision>64</precision>');
    expect(format).toContain('<lx>2</lx><ly>2</ly><lz>2</lz><lt>4</lt>');
  });

  it('ildg-binary-data is the links big-endian; scidac-checksum is their per-site SciDAC checksum', () => {
    const records = parseLimeRecords(bytes, 'mem', 'test');
    const binary = records.find((r) => r.type === 'ildg-binary-data');
    expect(binary).toBeDefined();
    const payload = bytes.subarray(binary!.offset, binary!.offset + binary!.length);
    const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
    for (let k = 0; k < field.links.length; k++) {
      expect(view.getFloat64(8 * k, false)).toBe(field.links[k]);
    }
    const { suma, sumb } = scidacChecksum(payload, 4 * 18 * 8);
    const xml = decodeIldg(bytes, 'mem').xml['scidac-checksum'];
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><scidacChecksum><version>1.0</version>' +
        `<suma>${suma.toString(16)}</suma><sumb>${sumb.toString(16)}</sumb></scidacChecksum>`,
    );
  });

  it('usqcdInfo carries the plaquette and link trace normalised to 1', () => {
    const xml = decodeIldg(bytes, 'mem').xml['scidac-file-xml'];
    expect(xml).toContain(`<plaq>${averagePlaquette(field)}</plaq>`);
    expect(xml).toContain(`<linktr>${linkTrace(field)}</linktr>`);
  });
});

describe('ILDG corruption is reported with the file, the record and both values', () => {
  const field = roughField([2, 4, 2, 4], 3, 9);
  let path: string;
  let bytes: Uint8Array;
  beforeEach(() => {
    path = join(dir, 'cfg.lime');
    bytes = concat(encodeIldg(field, { lfn: 'cfg' }));
  });
  const records = () => parseLimeRecords(bytes, path, 'test');
  const readBack = (b: Uint8Array) => {
    fs.writeFileSync(path, b);
    return readIldg(path);
  };

  it('a flipped bit in the binary data: scidac-checksum mismatch', async () => {
    const binary = records().find((r) => r.type === 'ildg-binary-data')!;
    const damaged = bytes.slice();
    damaged[binary.offset + 333] ^= 0x01;
    await expect(readBack(damaged)).rejects.toThrow(
      new RegExp(
        `readIldg: ${path}: scidac-checksum suma mismatch: record says [0-9a-f]+, binary data give [0-9a-f]+`,
      ),
    );
  });

  it('a truncated file: the record, expected and found bytes', async () => {
    const binary = records().find((r) => r.type === 'ildg-binary-data')!;
    await expect(readBack(bytes.subarray(0, binary.offset + 1000))).rejects.toThrow(
      `readIldg: ${path}: truncated: LIME record 7 at byte ${binary.offset - 144} ` +
        `(ildg-binary-data): expected ${binary.length} data bytes, found 1000`,
    );
  });

  it('a wrong lattice or precision in ildg-format: the binary record no longer fits', async () => {
    const text = Buffer.from(bytes).toString('latin1');
    const edited = new Uint8Array(Buffer.from(text.replace('<lt>4</lt>', '<lt>8</lt>'), 'latin1'));
    await expect(readBack(edited)).rejects.toThrow(
      `readIldg: ${path}: invalid ildg-binary-data length: expected 73728 bytes (su3gauge, ` +
        'precision 64, lx ly lz lt = 2 4 2 8), found 36864',
    );
    const precision = text.replace('<precision>64</precision>', '<precision>16</precision>');
    await expect(readBack(new Uint8Array(Buffer.from(precision, 'latin1')))).rejects.toThrow(
      /invalid ildg-format <precision>: expected 64 or 32, got "16"/,
    );
    await writeIldg(path, field, { force: true });
    await expect(readIldg(path, { expect: { dims: [2, 4, 2, 8] } })).rejects.toThrow(
      `readIldg: ${path}: invalid ildg-format <lt>: expected 8, got 4`,
    );
  });

  it('a missing scidac-checksum record fails; verify: false still reads the field', async () => {
    const kept = records().filter((r) => r.type !== 'scidac-checksum');
    const rebuilt = concat(
      kept.flatMap((r) =>
        encodeLimeRecord({
          type: r.type,
          data: bytes.subarray(r.offset, r.offset + r.length),
          messageBegin: r.messageBegin,
          messageEnd: r.messageEnd,
        }),
      ),
    );
    await expect(readBack(rebuilt)).rejects.toThrow(
      'scidac-checksum missing: the file has no scidac-checksum record',
    );
    const read = await readIldg(path, { verify: false });
    expect(read.field.equals(field, 0)).toBe(true);
  });

  it('a bad LIME magic number; no ildg-format record', async () => {
    const damaged = bytes.slice();
    damaged[0] = 0;
    fs.writeFileSync(path, damaged);
    await expect(readIldg(path)).rejects.toThrow(
      `readIldg: ${path}: LIME record 1 at byte 0: invalid magic number: expected 456789ab, got 006789ab`,
    );
    const only = concat(
      encodeLimeRecord({
        type: 'scidac-file-xml',
        data: new Uint8Array(8),
        messageBegin: true,
        messageEnd: true,
      }),
    );
    await expect(readBack(only)).rejects.toThrow(
      `readIldg: ${path}: no ildg-format record (records: scidac-file-xml)`,
    );
  });

  it('a usqcdInfo plaquette that disagrees', async () => {
    const text = Buffer.from(bytes).toString('latin1');
    const p = String(averagePlaquette(field));
    const digit = (Number(p[3]) + 1) % 10; // the third decimal: off by 1e-3 or 9e-3
    const q = `${p.slice(0, 3)}${digit}${p.slice(4)}`;
    const edited = text.replaceAll(`<plaq>${p}</plaq>`, `<plaq>${q}</plaq>`);
    expect(edited.length).toBe(text.length); // same record lengths: only digits changed
    await expect(readBack(new Uint8Array(Buffer.from(edited, 'latin1')))).rejects.toThrow(
      /usqcdInfo plaq mismatch: record [\d.]+, computed [\d.]+ \(tolerance 1e-5\)/,
    );
  });

  it('never replaces an existing file without force', async () => {
    fs.writeFileSync(path, 'keep');
    await expect(writeIldg(path, field)).rejects.toThrow(/already exists; pass \{ force: true \}/);
    expect(fs.readFileSync(path, 'utf8')).toBe('keep');
  });
});
