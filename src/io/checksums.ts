/**
 * The checksums of the configuration formats, computed over the bytes as they lie in the file.
 *
 * NERSC `CHECKSUM` (as Grid's `BinaryIO::NerscChecksum`, GLU and PyQUDA compute it): the
 * payload is read as 32-bit unsigned words in the byte order of its numbers (big-endian for
 * `IEEE64BIG`/`IEEE32BIG`, little-endian for the `LITTLE` variants), and the words are summed
 * modulo 2^32. For 64-bit numbers this is the sum of the high and the low 32 bits of every
 * IEEE 754 bit pattern, whatever the byte order; it covers exactly the words that are stored
 * (two rows for the compressed `4D_SU3_GAUGE`).
 *
 * SciDAC checksum (QIO, Grid's `BinaryIO::ScidacChecksum`, PyQUDA's `checksumSciDAC`): for
 * every site, in the lexicographic order of the file (x fastest, `rank` = site index),
 *
 *     crc   = crc32(the site's bytes as stored: all D links, big-endian)
 *     suma ^= rotl32(crc, rank mod 29)
 *     sumb ^= rotl32(crc, rank mod 31)
 *
 * with crc32 the CRC-32 of zlib, gzip and PNG (reflected polynomial 0xEDB88320, initial value
 * and final XOR 0xFFFFFFFF).
 *
 * @module
 */
import { nodeBuiltin } from '../core/nodeBuiltin.js';

/** Lookup table of the reflected CRC-32 polynomial 0xEDB88320, built on first use. */
let crcTable: Uint32Array | undefined;

/**
 * CRC-32 (zlib's) of `bytes`, table-driven: the fallback for Node versions without
 * `zlib.crc32` (added in Node 20.15 and 22.2); gives the same values.
 */
export function crc32Table(bytes: Uint8Array, initial = 0): number {
  if (crcTable === undefined) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  const table = crcTable;
  let c = ~initial >>> 0;
  for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/** Node's `zlib.crc32` where it exists (Node >= 20.15), looked up on first use. */
let nativeCrc32: ((data: Uint8Array) => number) | null | undefined;

/**
 * CRC-32 (zlib's) of `bytes`: Node's `zlib.crc32` where it exists, else (older Node, a
 * browser) the table-driven `crc32Table` of this module.
 */
export function crc32(bytes: Uint8Array): number {
  if (nativeCrc32 === undefined) {
    const native = nodeBuiltin<{ crc32?: (data: Uint8Array) => number }>('node:zlib')?.crc32;
    nativeCrc32 = typeof native === 'function' ? native : null;
  }
  return nativeCrc32 !== null ? nativeCrc32(bytes) >>> 0 : crc32Table(bytes);
}

/** 32-bit left rotation. */
function rotl32(x: number, r: number): number {
  return r === 0 ? x >>> 0 : ((x << r) | (x >>> (32 - r))) >>> 0;
}

/**
 * The NERSC checksum of a payload: the sum of its 32-bit words modulo 2^32, the words read in
 * the payload's byte order (`littleEndian`). Its length must be a multiple of 4.
 */
export function nerscChecksum(payload: Uint8Array, littleEndian: boolean): number {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const words = payload.byteLength >>> 2;
  let sum = 0;
  for (let k = 0; k < words; k++) sum = (sum + view.getUint32(4 * k, littleEndian)) >>> 0;
  return sum;
}

/** The two words of a SciDAC checksum. */
export interface ScidacChecksum {
  /** XOR over sites of crc32(site) rotated left by (rank mod 29). */
  suma: number;
  /** XOR over sites of crc32(site) rotated left by (rank mod 31). */
  sumb: number;
}

/**
 * The SciDAC checksum of a payload of sites of `siteBytes` bytes each, in lexicographic order
 * (the site at byte offset `rank * siteBytes` has rank `rank`).
 */
export function scidacChecksum(payload: Uint8Array, siteBytes: number): ScidacChecksum {
  const sites = Math.floor(payload.byteLength / siteBytes);
  let suma = 0;
  let sumb = 0;
  for (let rank = 0; rank < sites; rank++) {
    const crc = crc32(payload.subarray(rank * siteBytes, (rank + 1) * siteBytes));
    suma = (suma ^ rotl32(crc, rank % 29)) >>> 0;
    sumb = (sumb ^ rotl32(crc, rank % 31)) >>> 0;
  }
  return { suma, sumb };
}

/** A 32-bit word as lowercase hexadecimal without leading zeros (as Grid writes checksums). */
export function hex32(word: number): string {
  return (word >>> 0).toString(16);
}
