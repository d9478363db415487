/**
 * NERSC gauge configuration files ("Gauge Connection" archive format), as Grid (NerscIO.h),
 * GLU and PyQUDA read and write them.
 *
 * A file is an ASCII header, then the binary payload:
 *
 *     BEGIN_HEADER
 *     HDR_VERSION = 1.0
 *     DATATYPE = 4D_SU3_GAUGE_3x3          (or 4D_SU3_GAUGE: two rows stored)
 *     STORAGE_FORMAT = 1.0
 *     DIMENSION_1 = 8   ...   DIMENSION_4 = 16
 *     LINK_TRACE = 0.1227...               sum Re tr U / (4 Nc V)
 *     PLAQUETTE = 0.5936...                <(1/Nc) Re tr U_P>, 1 on a cold start
 *     BOUNDARY_1 = PERIODIC   ...   BOUNDARY_4 = PERIODIC
 *     CHECKSUM = 1a2b3c4d                  sum of the payload's 32-bit words mod 2^32, hex
 *     SCIDAC_CHECKSUMA = ...   SCIDAC_CHECKSUMB = ...
 *     ENSEMBLE_ID, ENSEMBLE_LABEL, SEQUENCE_NUMBER, CREATOR, CREATOR_HARDWARE,
 *     CREATION_DATE, ARCHIVE_DATE
 *     FLOATING_POINT = IEEE64BIG           (or IEEE32BIG; IEEE64LITTLE, IEEE32LITTLE on read)
 *     END_HEADER
 *     payload
 *
 * Payload: sites with x fastest, then y, z, t (our site order, DESIGN.md 2); per site the
 * links mu = 0..D-1; per link the matrix row by row (all N rows for `_NxN`, the first N - 1
 * for the compressed `4D_SU3_GAUGE`/`4D_SU2_GAUGE`), each element (re, im). For 3x3 storage in
 * 64-bit big-endian this is exactly {@link GaugeField.links} byte-swapped. The compressed
 * formats rebuild the last row: SU(3): row 2 = conj(row 0 x row 1); SU(2): row 1 =
 * (-conj(u01), conj(u00)) (Grid's `reconstruct3`).
 *
 * Generalisations (as GLU writes them for its compile-time ND and NC): DATATYPE
 * `<D>D_SU<N>_GAUGE_<N>x<N>` for any D >= 2 and N >= 2 with DIMENSION_1..D and BOUNDARY_1..D,
 * and `<D>D_SU<N>_GAUGE` (N - 1 rows) for N = 2 and 3. Grid reads 4D files of its compiled Nc
 * only; GLU reads the D and N it was compiled for. LINK_TRACE divides by D instead of 4.
 *
 * CHECKSUM follows Grid, GLU and PyQUDA: the words actually stored (two rows for the
 * compressed format), read in the payload's byte order. The SCIDAC_CHECKSUMA/B keys, which
 * Grid writes as 0, carry here the SciDAC checksum of the payload (crc32 of each site's
 * stored bytes, see ./checksums.ts); they are verified when they are not 0.
 *
 * `FLOATING_POINT = IEEE32` or `IEEE64` (no byte order) means big-endian to QDP++, SIMULATeQCD
 * and the original archive, little-endian to Grid: the reader tries big-endian first and takes
 * little-endian when only that matches CHECKSUM.
 *
 * This file is the codec (bytes in, bytes out; it runs in a browser too: the web page's
 * download); ./nersc.ts reads and writes the files in Node.
 *
 * What the reader checks (./configurationChecks.ts): the header's structure, the payload size,
 * CHECKSUM, the SciDAC checksums when stated, that the links are in SU(N), PLAQUETTE and
 * LINK_TRACE within Grid's tolerances (widened for 32-bit payloads).
 *
 * @module
 */
import { kernelsFor } from '../sun/group.js';
import { checkInteger, describe, rangeError, typeError } from '../core/validate.js';
import { GaugeField } from '../lattice/gaugeField.js';
import { Lattice } from '../lattice/lattice.js';
import { averagePlaquette } from '../lattice/observables/plaquette.js';
import { hex32, nerscChecksum, scidacChecksum } from './checksums.js';
import {
  DEFAULT_UNITARITY_TOLERANCE,
  checkSpecialUnitary,
  compareChecksum,
  compareValue,
  linkTrace,
  linkTraceTolerance,
  plaquetteTolerance,
  throwOnFailure,
  type ConfigurationCheck,
} from './configurationChecks.js';
import { FileError } from '../core/fileError.js';
import { nodeBuiltin } from '../core/nodeBuiltin.js';

/** Largest header we look through for END_HEADER (real headers are under 2 KiB). */
const MAX_HEADER_BYTES = 1 << 20;

/** Header keys the writer computes from the field; values given for them are ignored. */
const COMPUTED_KEY =
  /^(DATATYPE|DIMENSION_\d+|LINK_TRACE|PLAQUETTE|CHECKSUM|SCIDAC_CHECKSUM[AB]|FLOATING_POINT)$/;

/** What a file's expected content is, for readers that know it (e.g. a run's lattice). */
export interface ExpectedConfiguration {
  /** The number of colours the file must hold. */
  N?: number;
  /** The lattice extents the file must have. */
  dims?: readonly number[];
}

/** Options of `readNersc` (./nersc.ts) and {@link decodeNersc}. */
export interface NerscReadOptions {
  /**
   * Throw a FileError for the first failing check (default true). With false, the checks are
   * still made and returned in {@link NerscConfiguration.checks}; a file whose header or size
   * makes the payload undecodable still throws.
   */
  verify?: boolean;
  /** Largest max |U U^dagger - 1| and |det U - 1| accepted (default 1e-5); Infinity skips it. */
  unitarityTolerance?: number;
  /** The N and dims the file must have (an error names the header field and both values). */
  expect?: ExpectedConfiguration;
}

/** A NERSC file read into memory, with what was found and checked. */
export interface NerscConfiguration {
  /** The file name. */
  path: string;
  /** The gauge field (float64; 32-bit payloads converted exactly). */
  field: GaugeField;
  /** Every `KEY = VALUE` line of the header, trimmed, in file order (a repeated key: last value). */
  header: Record<string, string>;
  /** DATATYPE, e.g. `4D_SU3_GAUGE_3x3`. */
  dataType: string;
  /** FLOATING_POINT as written, e.g. `IEEE64BIG`. */
  floatingPoint: string;
  /** Bits per real number in the payload. */
  precision: 32 | 64;
  /** Byte order of the payload (for `IEEE32`/`IEEE64`, the one that matched CHECKSUM). */
  byteOrder: 'big' | 'little';
  /** Matrix rows stored per link: N (`_NxN`) or N - 1 (compressed). */
  storedRows: number;
  /** Bytes of the header, END_HEADER line included: the payload's offset. */
  headerBytes: number;
  /** Every check made, in order: CHECKSUM, SciDAC checksums, SU(N), PLAQUETTE, LINK_TRACE. */
  checks: ConfigurationCheck[];
}

/** Options of `writeNersc` (./nersc.ts) and {@link encodeNersc}. */
export interface NerscWriteOptions {
  /** Bits per real number: 64 (IEEE64BIG, default) or 32 (IEEE32BIG, rounded to nearest). */
  precision?: 32 | 64;
  /**
   * Store N - 1 rows per link (`4D_SU3_GAUGE`, `4D_SU2_GAUGE`; N = 2, 3 only); the reader
   * rebuilds the last row. The links must be in SU(N) (checked to 1e-5).
   */
  twoRow?: boolean;
  /**
   * Header entries: ENSEMBLE_ID, ENSEMBLE_LABEL, SEQUENCE_NUMBER, CREATOR, CREATOR_HARDWARE,
   * CREATION_DATE, ARCHIVE_DATE, HDR_VERSION, STORAGE_FORMAT, BOUNDARY_k, and any other
   * `KEY` (letters, digits, `_`) that should appear. Keys computed from the field (DATATYPE,
   * DIMENSION_k, LINK_TRACE, PLAQUETTE, CHECKSUM, SCIDAC_CHECKSUMA/B, FLOATING_POINT) are
   * ignored, so the header of a file just read can be passed back unchanged.
   */
  header?: Record<string, string | number>;
  /** Replace an existing file (default false: an existing file is an error). */
  force?: boolean;
}

/** The bytes of a NERSC file and the header they carry. */
export interface EncodedNersc {
  /** Header and payload, ready to be written. */
  bytes: Uint8Array<ArrayBuffer>;
  /** The header entries written, in order. */
  header: Record<string, string>;
}

/** Bytes as ISO-8859-1 text (one character per byte, as NERSC headers are read). */
function latin1Decode(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return text;
}

/** ISO-8859-1 bytes of `text` (characters above U+00FF become "?"). */
function latin1Encode(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    bytes[i] = c <= 0xff ? c : 0x3f;
  }
  return bytes;
}

/**
 * CREATOR_HARDWARE's default: host, architecture, system and release in Node (as Grid writes
 * it), `browser` in a page.
 */
function hostDescription(): string {
  type Os = Record<'hostname' | 'arch' | 'type' | 'release', () => string>;
  const os = nodeBuiltin<Os>('node:os');
  if (os === undefined) return 'browser';
  return `${os.hostname()}-${os.arch()}-${os.type()}-${os.release()}`.replace(/\s+/g, '_');
}

/** Parsed DATATYPE. */
interface DataType {
  D: number;
  N: number;
  rows: number;
}

/** Parses DATATYPE `<D>D_SU<N>_GAUGE_<N>x<N>` or `<D>D_SU<N>_GAUGE`; undefined when it is neither. */
function parseDataType(value: string): DataType | undefined {
  const m = /^(\d+)D_SU(\d+)_GAUGE(?:_(\d+)x(\d+))?$/.exec(value);
  if (!m) return undefined;
  const D = Number(m[1]);
  const N = Number(m[2]);
  if (D < 2 || N < 2) return undefined;
  if (m[3] !== undefined) {
    return Number(m[3]) === N && Number(m[4]) === N ? { D, N, rows: N } : undefined;
  }
  return N === 2 || N === 3 ? { D, N, rows: N - 1 } : undefined;
}

/** The DATATYPE string of a field. */
function dataTypeOf(D: number, N: number, twoRow: boolean): string {
  return twoRow ? `${D}D_SU${N}_GAUGE` : `${D}D_SU${N}_GAUGE_${N}x${N}`;
}

/** Byte order and width of a FLOATING_POINT value; `ambiguous` for IEEE32/IEEE64. */
function parseFloatingPoint(
  value: string,
): { precision: 32 | 64; order: 'big' | 'little' | 'ambiguous' } | undefined {
  const m = /^IEEE(32|64)(BIG|LITTLE)?$/.exec(value);
  if (!m) return undefined;
  const precision = m[1] === '32' ? 32 : 64;
  const order = m[2] === 'BIG' ? 'big' : m[2] === 'LITTLE' ? 'little' : 'ambiguous';
  return { precision, order };
}

/**
 * Rebuilds the last row of an SU(2) or SU(3) matrix at `off` from the rows above it:
 * SU(3): row 2 = conj(row 0 x row 1); SU(2): row 1 = (-conj(u01), conj(u00)).
 */
function reconstructLastRow(a: Float64Array, off: number, N: number): void {
  if (N === 2) {
    a[off + 4] = -a[off + 2];
    a[off + 5] = a[off + 3];
    a[off + 6] = a[off];
    a[off + 7] = -a[off + 1];
    return;
  }
  const u0r = a[off];
  const u0i = a[off + 1];
  const u1r = a[off + 2];
  const u1i = a[off + 3];
  const u2r = a[off + 4];
  const u2i = a[off + 5];
  const v0r = a[off + 6];
  const v0i = a[off + 7];
  const v1r = a[off + 8];
  const v1i = a[off + 9];
  const v2r = a[off + 10];
  const v2i = a[off + 11];
  // (u x v)_0 = u1 v2 - u2 v1, (u x v)_1 = u2 v0 - u0 v2, (u x v)_2 = u0 v1 - u1 v0; conjugated
  a[off + 12] = u1r * v2r - u1i * v2i - (u2r * v1r - u2i * v1i);
  a[off + 13] = -(u1r * v2i + u1i * v2r - (u2r * v1i + u2i * v1r));
  a[off + 14] = u2r * v0r - u2i * v0i - (u0r * v2r - u0i * v2i);
  a[off + 15] = -(u2r * v0i + u2i * v0r - (u0r * v2i + u0i * v2r));
  a[off + 16] = u0r * v1r - u0i * v1i - (u1r * v0r - u1i * v0i);
  a[off + 17] = -(u0r * v1i + u0i * v1r - (u1r * v0i + u1i * v0r));
}

/** Decodes a payload into links (layout of GaugeField.links), rebuilding rows when compressed. */
function decodePayload(
  payload: Uint8Array,
  links: Float64Array,
  N: number,
  rows: number,
  precision: 32 | 64,
  littleEndian: boolean,
): void {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const m = 2 * N * N;
  const stored = 2 * rows * N;
  const count = links.length / m;
  let p = 0;
  for (let k = 0; k < count; k++) {
    const off = k * m;
    if (precision === 64) {
      for (let j = 0; j < stored; j++, p += 8) links[off + j] = view.getFloat64(p, littleEndian);
    } else {
      for (let j = 0; j < stored; j++, p += 4) links[off + j] = view.getFloat32(p, littleEndian);
    }
    if (rows < N) reconstructLastRow(links, off, N);
  }
}

/** Encodes links big-endian, the first `rows` rows of each matrix. */
function encodePayload(
  links: Float64Array,
  N: number,
  rows: number,
  precision: 32 | 64,
): Uint8Array {
  const m = 2 * N * N;
  const stored = 2 * rows * N;
  const count = links.length / m;
  const bytes = new Uint8Array(count * stored * (precision / 8));
  const view = new DataView(bytes.buffer);
  let p = 0;
  for (let k = 0; k < count; k++) {
    const off = k * m;
    if (precision === 64) {
      for (let j = 0; j < stored; j++, p += 8) view.setFloat64(p, links[off + j], false);
    } else {
      for (let j = 0; j < stored; j++, p += 4) view.setFloat32(p, links[off + j], false);
    }
  }
  return bytes;
}

/** Finds the header: returns its entries and the offset of the payload. */
function parseHeader(
  fn: string,
  path: string,
  bytes: Uint8Array,
): { header: Record<string, string>; headerBytes: number } {
  const limit = Math.min(bytes.byteLength, MAX_HEADER_BYTES);
  const text = latin1Decode(bytes.subarray(0, limit));
  const firstEnd = text.indexOf('\n');
  const firstLine = (firstEnd < 0 ? text : text.slice(0, firstEnd)).trim();
  if (firstLine !== 'BEGIN_HEADER') {
    const shown = JSON.stringify(firstLine.slice(0, 40));
    throw new FileError(
      `${fn}: ${path}: not a NERSC file: expected the first line BEGIN_HEADER, got ${shown}`,
    );
  }
  const header: Record<string, string> = {};
  let start = firstEnd + 1;
  for (;;) {
    const end = text.indexOf('\n', start);
    if (end < 0) {
      throw new FileError(
        `${fn}: ${path}: truncated header: no END_HEADER line in the first ${limit} bytes`,
      );
    }
    const line = text.slice(start, end).replace(/\r$/, '');
    start = end + 1;
    if (line.trim() === 'END_HEADER') break;
    const eq = line.indexOf('=');
    if (eq > 0) {
      const key = line.slice(0, eq).trim();
      if (Object.hasOwn(header, key)) delete header[key];
      header[key] = line.slice(eq + 1).trim();
    }
  }
  return { header, headerBytes: start };
}

/** Parses a header number; undefined when absent, FileError-worthy text when not a number. */
function headerNumber(header: Record<string, string>, key: string): number | undefined {
  const text = header[key];
  if (text === undefined || text === '') return undefined;
  const x = Number(text);
  return Number.isFinite(x) ? x : NaN;
}

/** A header checksum in hex (`1a2b3c4d`, `0x1a2b3c4d`); undefined absent, NaN not hex. */
function headerHex(header: Record<string, string>, key: string): number | undefined {
  const text = header[key];
  if (text === undefined || text === '') return undefined;
  const m = /^(?:0x)?([0-9a-fA-F]{1,8})$/.exec(text);
  return m ? parseInt(m[1], 16) : NaN;
}

/** Sizes that other DATATYPE/FLOATING_POINT combinations would give, for the size message. */
function sizeHint(V: number, D: number, N: number, found: number): string {
  const fits: string[] = [];
  for (const rows of N === 2 || N === 3 ? [N, N - 1] : [N]) {
    for (const bytes of [8, 4]) {
      if (V * D * rows * N * 2 * bytes === found) {
        fits.push(`DATATYPE ${dataTypeOf(D, N, rows < N)} with FLOATING_POINT IEEE${8 * bytes}`);
      }
    }
  }
  return fits.length > 0 ? ` (${found} bytes would fit ${fits.join(' or ')})` : '';
}

/**
 * Decodes the bytes of a NERSC file and checks them (the synchronous core of
 * `readNersc` (./nersc.ts)); `path` names the file in messages.
 *
 * @throws FileError naming the file, the header field and the values found and expected:
 *   not a NERSC header, unsupported DATATYPE or FLOATING_POINT, missing or invalid
 *   DIMENSION_k, a payload of the wrong size (truncated), an `expect` mismatch; and, unless
 *   `verify` is false, the first failing check.
 */
export function decodeNersc(
  bytes: Uint8Array,
  path: string,
  options: NerscReadOptions = {},
  fn = 'decodeNersc',
): NerscConfiguration {
  if (!(bytes instanceof Uint8Array)) throw typeError(fn, 'bytes', 'a Uint8Array', bytes);
  checkExpected(fn, options.expect);
  const verify = options.verify ?? true;
  const unitarityTolerance = options.unitarityTolerance ?? DEFAULT_UNITARITY_TOLERANCE;
  const { header, headerBytes } = parseHeader(fn, path, bytes);
  const bad = (field: string, expected: string, got: string): FileError =>
    new FileError(`${fn}: ${path}: invalid ${field}: expected ${expected}, got ${got}`);

  const dataType = header.DATATYPE;
  if (dataType === undefined) throw new FileError(`${fn}: ${path}: header has no DATATYPE`);
  const type = parseDataType(dataType);
  if (type === undefined) {
    throw bad(
      'DATATYPE',
      '4D_SU3_GAUGE_3x3 or 4D_SU3_GAUGE (generally <D>D_SU<N>_GAUGE_<N>x<N>, or ' +
        '<D>D_SU<N>_GAUGE for N = 2, 3)',
      JSON.stringify(dataType),
    );
  }
  const { D, N, rows } = type;
  const dims: number[] = [];
  for (let k = 1; k <= D; k++) {
    const text = header[`DIMENSION_${k}`];
    if (text === undefined) {
      throw new FileError(
        `${fn}: ${path}: header has no DIMENSION_${k} (DATATYPE ${dataType} needs ` +
          `DIMENSION_1..${D})`,
      );
    }
    const L = Number(text);
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(L) || L < 1) {
      throw bad(`DIMENSION_${k}`, 'a positive integer', JSON.stringify(text));
    }
    dims.push(L);
  }
  if (header[`DIMENSION_${D + 1}`] !== undefined) {
    throw bad(
      `DIMENSION_${D + 1}`,
      `no such key (DATATYPE ${dataType} says D = ${D})`,
      JSON.stringify(header[`DIMENSION_${D + 1}`]),
    );
  }
  if (dims.reduce((v, L) => v * L, 1) > 2 ** 31 - 1) {
    throw bad(`DIMENSION_1..${D}`, 'a volume below 2^31', dims.join('x'));
  }
  const expect = options.expect ?? {};
  if (expect.N !== undefined && expect.N !== N) {
    throw bad('DATATYPE', `SU(${expect.N})`, `${dataType} (SU(${N}))`);
  }
  if (expect.dims !== undefined) {
    if (expect.dims.length !== D) {
      throw bad('DATATYPE', `${expect.dims.length} dimensions`, `${dataType} (D = ${D})`);
    }
    expect.dims.forEach((L, mu) => {
      if (dims[mu] !== L) throw bad(`DIMENSION_${mu + 1}`, `${L}`, `${dims[mu]}`);
    });
  }
  const floatingPoint = header.FLOATING_POINT;
  if (floatingPoint === undefined) {
    throw new FileError(`${fn}: ${path}: header has no FLOATING_POINT`);
  }
  const format = parseFloatingPoint(floatingPoint);
  if (format === undefined) {
    throw bad(
      'FLOATING_POINT',
      'IEEE64BIG, IEEE32BIG, IEEE64LITTLE or IEEE32LITTLE',
      JSON.stringify(floatingPoint),
    );
  }
  const lattice = new Lattice(dims);
  const V = lattice.volume;
  const bytesPer = format.precision / 8;
  const expectedBytes = V * D * rows * N * 2 * bytesPer;
  const found = bytes.byteLength - headerBytes;
  if (found !== expectedBytes) {
    const what = found < expectedBytes ? 'truncated' : 'trailing data';
    throw new FileError(
      `${fn}: ${path}: ${what}: expected ${expectedBytes} payload bytes (DATATYPE ${dataType}, ` +
        `FLOATING_POINT ${floatingPoint}, DIMENSION ${dims.join('x')}), found ${found}` +
        sizeHint(V, D, N, found),
    );
  }
  const payload = bytes.subarray(headerBytes);

  const checks: ConfigurationCheck[] = [];
  const statedChecksum = headerHex(header, 'CHECKSUM');
  let byteOrder: 'big' | 'little' = format.order === 'little' ? 'little' : 'big';
  let sum = nerscChecksum(payload, byteOrder === 'little');
  if (format.order === 'ambiguous' && statedChecksum !== undefined && sum !== statedChecksum) {
    const little = nerscChecksum(payload, true);
    if (little === statedChecksum) {
      byteOrder = 'little';
      sum = little;
    }
  }
  if (statedChecksum !== undefined && Number.isNaN(statedChecksum)) {
    checks.push({
      name: 'CHECKSUM',
      ok: false,
      expected: header.CHECKSUM,
      found: hex32(sum),
      message: `invalid CHECKSUM: expected up to 8 hex digits, got ${JSON.stringify(header.CHECKSUM)}`,
    });
  } else {
    checks.push(compareChecksum('CHECKSUM', statedChecksum, sum, 'payload sums to'));
  }
  const statedA = headerHex(header, 'SCIDAC_CHECKSUMA');
  const statedB = headerHex(header, 'SCIDAC_CHECKSUMB');
  if ((statedA !== undefined && statedA !== 0) || (statedB !== undefined && statedB !== 0)) {
    const scidac = scidacChecksum(payload, D * rows * N * 2 * bytesPer);
    const what = 'payload gives';
    checks.push(compareChecksum('SCIDAC_CHECKSUMA', statedA, scidac.suma, what));
    checks.push(compareChecksum('SCIDAC_CHECKSUMB', statedB, scidac.sumb, what));
  }

  const field = new GaugeField(lattice, kernelsFor(N));
  decodePayload(payload, field.links, N, rows, format.precision, byteOrder === 'little');
  checks.push(checkSpecialUnitary(field, unitarityTolerance));
  const finite = field.links.every(Number.isFinite);
  const stated = (key: string, tolerance: number, computed: () => number): void => {
    const value = headerNumber(header, key);
    if (value !== undefined && Number.isNaN(value)) {
      checks.push({
        name: key,
        ok: false,
        expected: header[key],
        found: '',
        tolerance,
        message: `invalid ${key}: expected a number, got ${JSON.stringify(header[key])}`,
      });
    } else if (finite) {
      checks.push(compareValue(key, value, computed(), tolerance));
    }
  };
  stated('PLAQUETTE', plaquetteTolerance(format.precision, N), () => averagePlaquette(field));
  stated('LINK_TRACE', linkTraceTolerance(format.precision, N), () => linkTrace(field));

  if (verify) throwOnFailure(fn, path, checks);
  return {
    path,
    field,
    header,
    dataType,
    floatingPoint,
    precision: format.precision,
    byteOrder,
    storedRows: rows,
    headerBytes,
    checks,
  };
}

/** C's `%c %Z` in UTC, as Grid writes CREATION_DATE: `Thu Jan  1 00:00:00 2025 UTC`. */
export function cDate(date: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');
  const two = (n: number): string => String(n).padStart(2, '0');
  return (
    `${days[date.getUTCDay()]} ${months[date.getUTCMonth()]} ` +
    `${String(date.getUTCDate()).padStart(2, ' ')} ${two(date.getUTCHours())}:` +
    `${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} ${date.getUTCFullYear()} UTC`
  );
}

/** Validates user header entries; returns them as strings, computed keys dropped. */
function userHeader(fn: string, D: number, entries: Record<string, string | number> | undefined) {
  const out: Record<string, string> = {};
  if (entries === undefined) return out;
  if (typeof entries !== 'object' || entries === null) {
    throw typeError(fn, 'options.header', 'an object of header entries', entries);
  }
  for (const [key, value] of Object.entries(entries)) {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(key)) {
      throw rangeError(fn, `options.header key`, 'letters, digits and _', JSON.stringify(key));
    }
    if (COMPUTED_KEY.test(key)) continue;
    const b = /^BOUNDARY_(\d+)$/.exec(key);
    if (b && (Number(b[1]) < 1 || Number(b[1]) > D)) continue;
    let text: string;
    if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
    else if (typeof value === 'string') text = value.trim();
    else throw typeError(fn, `options.header.${key}`, 'a string or a finite number', value);
    if (/[\r\n]/.test(text)) {
      throw rangeError(fn, `options.header.${key}`, 'a single line', JSON.stringify(text));
    }
    out[key] = text;
  }
  return out;
}

/**
 * The bytes of a NERSC file for `field` (format in the module header): header values
 * PLAQUETTE and LINK_TRACE are computed from the links as stored (after rounding to 32 bits
 * and rebuilding rows), so that any reader recomputes them to rounding.
 *
 * @throws RangeError for a two-row request with N other than 2, 3 or links not in SU(N),
 *   invalid header entries, or non-finite links.
 */
export function encodeNersc(
  field: GaugeField,
  options: NerscWriteOptions = {},
  fn = 'encodeNersc',
): EncodedNersc {
  if (!(field instanceof GaugeField)) throw typeError(fn, 'field', 'a GaugeField', field);
  const precision = options.precision ?? 64;
  if (precision !== 64 && precision !== 32) {
    throw rangeError(fn, 'options.precision', '64 or 32', precision);
  }
  const twoRow = options.twoRow ?? false;
  const { D, dims } = field.lattice;
  const N = field.N;
  if (twoRow && N !== 2 && N !== 3) {
    throw rangeError(fn, 'options.twoRow', 'false for N other than 2 and 3', `true with N = ${N}`);
  }
  const links = field.links;
  for (let k = 0; k < links.length; k++) {
    if (!Number.isFinite(links[k])) {
      throw rangeError(fn, 'field', 'finite link values', `${links[k]} at index ${k}`);
    }
  }
  const rows = twoRow ? N - 1 : N;
  if (twoRow) {
    const m = field.group.matrixSize;
    const probe = new Float64Array(m);
    let worst = 0;
    for (let off = 0; off < links.length; off += m) {
      probe.set(links.subarray(off, off + m));
      reconstructLastRow(probe, 0, N);
      for (let j = 2 * N * (N - 1); j < m; j++) {
        worst = Math.max(worst, Math.abs(probe[j] - links[off + j]));
      }
    }
    if (!(worst <= DEFAULT_UNITARITY_TOLERANCE)) {
      throw rangeError(
        fn,
        'field',
        `SU(${N}) links for the compressed format (its last row is rebuilt from the others, ` +
          `to ${DEFAULT_UNITARITY_TOLERANCE})`,
        `links whose last row differs from the rebuilt one by ${worst}`,
      );
    }
  }
  const user = userHeader(fn, D, options.header);
  const payload = encodePayload(links, N, rows, precision);
  // The statistics of the field as any reader will see it (the field itself for 3x3 64-bit).
  let stored = field;
  if (precision === 32 || twoRow) {
    stored = new GaugeField(field.lattice, field.group);
    decodePayload(payload, stored.links, N, rows, precision, false);
  }
  const plaquette = averagePlaquette(stored);
  const trace = linkTrace(stored);
  const scidac = scidacChecksum(payload, D * rows * N * 2 * (precision / 8));
  const date = cDate(new Date());

  const header: Record<string, string> = {};
  const take = (key: string, fallback: string): void => {
    header[key] = user[key] ?? fallback;
  };
  take('HDR_VERSION', '1.0');
  header.DATATYPE = dataTypeOf(D, N, twoRow);
  take('STORAGE_FORMAT', '1.0');
  dims.forEach((L, mu) => (header[`DIMENSION_${mu + 1}`] = String(L)));
  header.LINK_TRACE = String(trace);
  header.PLAQUETTE = String(plaquette);
  dims.forEach((_, mu) => take(`BOUNDARY_${mu + 1}`, 'PERIODIC'));
  header.CHECKSUM = hex32(nerscChecksum(payload, false));
  header.SCIDAC_CHECKSUMA = hex32(scidac.suma);
  header.SCIDAC_CHECKSUMB = hex32(scidac.sumb);
  take('ENSEMBLE_ID', 'lattice-gauge');
  take('ENSEMBLE_LABEL', '');
  take('SEQUENCE_NUMBER', '1');
  take('CREATOR', 'lattice-gauge');
  take('CREATOR_HARDWARE', hostDescription());
  take('CREATION_DATE', date);
  take('ARCHIVE_DATE', header.CREATION_DATE);
  header.FLOATING_POINT = precision === 64 ? 'IEEE64BIG' : 'IEEE32BIG';
  for (const [key, value] of Object.entries(user)) if (!(key in header)) header[key] = value;

  const lines = ['BEGIN_HEADER'];
  for (const [key, value] of Object.entries(header)) lines.push(`${key} = ${value}`);
  lines.push('END_HEADER', '');
  const head = latin1Encode(lines.join('\n'));
  const bytes = new Uint8Array(head.byteLength + payload.byteLength);
  bytes.set(head, 0);
  bytes.set(payload, head.byteLength);
  return { bytes, header };
}

/** Checks an `expect` option at the public API. */
export function checkExpected(fn: string, expect: ExpectedConfiguration | undefined): void {
  if (expect === undefined) return;
  if (expect.N !== undefined) checkInteger(fn, 'options.expect.N', expect.N, 2);
  if (expect.dims !== undefined && !Array.isArray(expect.dims)) {
    throw typeError(fn, 'options.expect.dims', 'an array of extents', describe(expect.dims));
  }
}
