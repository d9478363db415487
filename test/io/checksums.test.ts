import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, crc32Table, hex32, nerscChecksum, scidacChecksum } from '../../src/io/checksums.js';

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);

describe('CRC-32', () => {
  it('is zlib’s: the check value of "123456789" is cbf43926', () => {
    const data = new TextEncoder().encode('123456789');
    expect(crc32(data)).toBe(0xcbf43926);
    expect(crc32Table(data)).toBe(0xcbf43926);
  });

  it('the table-driven fallback agrees with zlib.crc32 on random data of every length', () => {
    const native = (zlib as { crc32?: (d: Uint8Array) => number }).crc32;
    for (let n = 0; n < 300; n += 7) {
      const data = Uint8Array.from({ length: n }, (_, k) => (k * 131 + n * 17) & 0xff);
      expect(crc32Table(data)).toBe(crc32(data));
      if (native) expect(crc32Table(data)).toBe(native(data) >>> 0);
    }
  });
});

describe('nerscChecksum', () => {
  it('sums the 32-bit words modulo 2^32, in the payload’s byte order', () => {
    const payload = bytes(0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x02);
    expect(nerscChecksum(payload, false)).toBe(1); // 0xffffffff + 2 mod 2^32
    expect(nerscChecksum(payload, true)).toBe((0xffffffff + 0x02000000) % 2 ** 32);
  });

  it('of a 64-bit number is the sum of the high and low halves of its bits in either order', () => {
    const big = new Uint8Array(8);
    new DataView(big.buffer).setFloat64(0, Math.PI, false);
    const little = new Uint8Array(8);
    new DataView(little.buffer).setFloat64(0, Math.PI, true);
    const view = new DataView(big.buffer);
    const expected = (view.getUint32(0, false) + view.getUint32(4, false)) % 2 ** 32;
    expect(nerscChecksum(big, false)).toBe(expected);
    expect(nerscChecksum(little, true)).toBe(expected);
  });
});

describe('scidacChecksum', () => {
  it('XORs crc32 of each site rotated by rank mod 29 into suma and rank mod 31 into sumb', () => {
    const siteBytes = 5;
    const sites = 70; // ranks past 29 and 31 wrap the rotation
    const payload = Uint8Array.from({ length: siteBytes * sites }, (_, k) => (k * 7 + 3) & 0xff);
    let suma = 0;
    let sumb = 0;
    const rotl = (x: number, r: number): number =>
      Number(((BigInt(x) << BigInt(r)) | (BigInt(x) >> BigInt(32 - r))) & 0xffffffffn);
    for (let rank = 0; rank < sites; rank++) {
      const crc = crc32(payload.subarray(rank * siteBytes, (rank + 1) * siteBytes));
      suma = (suma ^ rotl(crc, rank % 29)) >>> 0;
      sumb = (sumb ^ rotl(crc, rank % 31)) >>> 0;
    }
    expect(scidacChecksum(payload, siteBytes)).toEqual({ suma, sumb });
  });

  it('of one site is its crc32 (rotation by 0)', () => {
    const payload = bytes(1, 2, 3, 4);
    expect(scidacChecksum(payload, 4)).toEqual({ suma: crc32(payload), sumb: crc32(payload) });
  });

  it('hex32 writes lowercase hex without leading zeros, as Grid does', () => {
    expect(hex32(0x00ab12cd)).toBe('ab12cd');
    expect(hex32(0xffffffff)).toBe('ffffffff');
  });
});
