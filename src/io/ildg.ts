/**
 * ILDG gauge configuration files: LIME files (./lime.ts) with the records of the ILDG binary
 * file format and the SciDAC (QIO) records around them, as Grid (IldgIO.h), QIO (MILC, Chroma)
 * and PyQUDA read and write them.
 *
 * Records this writer produces, in two LIME messages (Grid's layout, without its private
 * `grid-format` and `FieldNormMetaData` records):
 *
 * | message | record                      | content                                                  |
 * | ------- | --------------------------- | -------------------------------------------------------- |
 * | 1 (MB)  | `scidac-private-file-xml`   | `<scidacFile>`: version 1.1, spacetime 4, dims, volfmt 0  |
 * | 1 (ME)  | `scidac-file-xml`           | `<usqcdInfo>`: plaq, linktr, info                         |
 * | 2 (MB)  | `scidac-private-record-xml` | `<scidacRecord>`: datatype QDP_D3_ColorMatrix, ...        |
 * | 2       | `scidac-record-xml`         | `<usqcdInfo>` again                                      |
 * | 2       | `ildg-format`               | `<ildgFormat>`: field su3gauge, precision, lx ly lz lt    |
 * | 2       | `ildg-data-lfn`             | the logical file name (plain text)                       |
 * | 2       | `ildg-binary-data`          | the links, big-endian                                    |
 * | 2 (ME)  | `scidac-checksum`           | `<scidacChecksum>`: version 1.0, suma, sumb (hex)         |
 *
 * `ildg-binary-data` is the NERSC 3x3 order: sites with x fastest, then y, z, t; per site
 * mu = 0..3; per link the N x N matrix row by row, (re, im); IEEE 754 big-endian, 64-bit
 * (`<precision>64</precision>`) or 32-bit. `scidac-checksum` is the SciDAC checksum of those
 * bytes per site (./checksums.ts). usqcdInfo's `plaq` is the plaquette normalised to 1 and
 * `linktr` the link trace sum Re tr U / (4 N V), as Grid and MILC write them.
 *
 * ILDG defines 4D SU(3) fields. For other N the field is named `su<N>gauge` (as Grid does);
 * 2D and 3D fields have no ILDG form (use NERSC).
 *
 * The reader finds records by type, in any order. It checks the LIME structure, the
 * ildg-format values, the size of ildg-binary-data, the SciDAC checksum (whose record must be
 * present), that the links are in SU(N), and usqcdInfo's plaq and linktr when a record states
 * them (at 1e-5: MILC writes them with six significant digits).
 *
 * @module
 */
import { basename } from 'node:path';
import { kernelsFor } from '../sun/group.js';
import { typeError, rangeError } from '../core/validate.js';
import { GaugeField } from '../lattice/gaugeField.js';
import { Lattice } from '../lattice/lattice.js';
import { averagePlaquette } from '../lattice/observables/plaquette.js';
import { writeFileAtomic } from '../core/atomicWrite.js';
import { hex32, scidacChecksum, type ScidacChecksum } from './checksums.js';
import {
  DEFAULT_UNITARITY_TOLERANCE,
  checkSpecialUnitary,
  compareChecksum,
  compareValue,
  linkTrace,
  throwOnFailure,
  type ConfigurationCheck,
} from './configurationChecks.js';
import { FileError } from '../core/fileError.js';
import { checkWritable } from './checkWritable.js';
import { encodeLimeRecord, parseLimeRecords, recordText, type LimeRecord } from './lime.js';
import { readWhole } from './nersc.js';
import { cDate, checkExpected, type ExpectedConfiguration } from './nerscCodec.js';

/** Tolerance of the usqcdInfo plaq and linktr checks (MILC writes six significant digits). */
const USQCD_INFO_TOLERANCE = 1e-5;

/** Options of {@link readIldg} and {@link decodeIldg}. */
export interface IldgReadOptions {
  /**
   * Throw a FileError for the first failing check (default true). With false, the checks are
   * still made and returned in {@link IldgConfiguration.checks}; a file whose structure makes
   * the payload undecodable still throws.
   */
  verify?: boolean;
  /** Largest max |U U^dagger - 1| and |det U - 1| accepted (default 1e-5); Infinity skips it. */
  unitarityTolerance?: number;
  /** The N and dims the file must have (an error names the ildg-format field and both values). */
  expect?: ExpectedConfiguration;
}

/** One LIME record as listed by {@link IldgConfiguration.records}. */
export interface IldgRecordInfo {
  /** Record type. */
  type: string;
  /** Data bytes. */
  length: number;
  /** Message-begin flag. */
  messageBegin: boolean;
  /** Message-end flag. */
  messageEnd: boolean;
}

/** An ILDG file read into memory, with what was found and checked. */
export interface IldgConfiguration {
  /** The file name. */
  path: string;
  /** The gauge field (float64; 32-bit payloads converted exactly). */
  field: GaugeField;
  /** ildg-format `<field>`, e.g. `su3gauge`. */
  fieldType: string;
  /** ildg-format `<precision>`: bits per real number. */
  precision: 32 | 64;
  /** [lx, ly, lz, lt] from ildg-format. */
  dims: number[];
  /** The ildg-data-lfn record, when present. */
  lfn?: string;
  /** usqcdInfo `<info>` (scidac-record-xml, else scidac-file-xml), when present. */
  info?: string;
  /** The SciDAC checksum the file states, when it has a scidac-checksum record. */
  checksum?: ScidacChecksum;
  /** Every record of the file, in order. */
  records: IldgRecordInfo[];
  /** The text of each XML record (and ildg-data-lfn), by type; the first of each type. */
  xml: Record<string, string>;
  /** Every check made: scidac-checksum suma and sumb, SU(N), then usqcdInfo plaq and linktr. */
  checks: ConfigurationCheck[];
}

/** Options of {@link writeIldg} and {@link encodeIldg}. */
export interface IldgWriteOptions {
  /** Bits per real number: 64 (default) or 32 (rounded to nearest). */
  precision?: 32 | 64;
  /** The ildg-data-lfn record: the logical file name (default: the file's base name). */
  lfn?: string;
  /** usqcdInfo `<info>` text (default empty). */
  info?: string;
  /** Replace an existing file (default false: an existing file is an error). */
  force?: boolean;
}

/** Text content of the first `<tag>` element (any namespace prefix), or undefined. */
export function xmlElement(xml: string, tag: string): string | undefined {
  const m = new RegExp(
    `<(?:[\\w.-]+:)?${tag}(?:\\s[^>]*)?>([^<]*)</(?:[\\w.-]+:)?${tag}\\s*>`,
  ).exec(xml);
  return m ? unescapeXml(m[1].trim()) : undefined;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/**
 * Decodes the bytes of an ILDG file and checks them (the synchronous core of
 * {@link readIldg}); `path` names the file in messages.
 *
 * @throws FileError naming the file, the record or field and the values found and expected:
 *   not a LIME file, a truncated record, no ildg-format or ildg-binary-data record, invalid
 *   ildg-format values, a binary record of the wrong size, an `expect` mismatch; and, unless
 *   `verify` is false, the first failing check.
 */
export function decodeIldg(
  bytes: Uint8Array,
  path: string,
  options: IldgReadOptions = {},
  fn = 'decodeIldg',
): IldgConfiguration {
  if (!(bytes instanceof Uint8Array)) throw typeError(fn, 'bytes', 'a Uint8Array', bytes);
  checkExpected(fn, options.expect);
  const verify = options.verify ?? true;
  const unitarityTolerance = options.unitarityTolerance ?? DEFAULT_UNITARITY_TOLERANCE;
  const records = parseLimeRecords(bytes, path, fn);
  const find = (type: string): LimeRecord | undefined => records.find((r) => r.type === type);
  const xml: Record<string, string> = {};
  for (const record of records) {
    if (
      record.type !== 'ildg-binary-data' &&
      !Object.hasOwn(xml, record.type) &&
      record.length < 1 << 20
    ) {
      xml[record.type] = recordText(bytes, record);
    }
  }

  const formatRecord = find('ildg-format');
  if (formatRecord === undefined) {
    const types = records.map((r) => r.type).join(', ');
    throw new FileError(`${fn}: ${path}: no ildg-format record (records: ${types})`);
  }
  const format = xml['ildg-format'];
  const bad = (field: string, expected: string, got: string): FileError =>
    new FileError(`${fn}: ${path}: invalid ildg-format ${field}: expected ${expected}, got ${got}`);
  const element = (tag: string): string => {
    const value = xmlElement(format, tag);
    if (value === undefined) {
      throw new FileError(`${fn}: ${path}: ildg-format has no <${tag}> element`);
    }
    return value;
  };
  const fieldType = element('field');
  const fm = /^su(\d+)gauge$/.exec(fieldType);
  if (!fm || Number(fm[1]) < 2) {
    throw bad('<field>', 'su3gauge (or su<N>gauge)', JSON.stringify(fieldType));
  }
  const N = Number(fm[1]);
  const precisionText = element('precision');
  if (precisionText !== '64' && precisionText !== '32') {
    throw bad('<precision>', '64 or 32', JSON.stringify(precisionText));
  }
  const precision = precisionText === '64' ? 64 : 32;
  const dims = ['lx', 'ly', 'lz', 'lt'].map((tag) => {
    const text = element(tag);
    const L = Number(text);
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(L) || L < 1) {
      throw bad(`<${tag}>`, 'a positive integer', JSON.stringify(text));
    }
    return L;
  });
  if (dims.reduce((v, L) => v * L, 1) > 2 ** 31 - 1) {
    throw bad('lx ly lz lt', 'a volume below 2^31', dims.join(' '));
  }
  const expect = options.expect ?? {};
  if (expect.N !== undefined && expect.N !== N) {
    throw bad('<field>', `su${expect.N}gauge`, fieldType);
  }
  if (expect.dims !== undefined) {
    if (expect.dims.length !== 4) {
      throw bad('dimensions', `${expect.dims.length} (as expected)`, '4 (lx ly lz lt)');
    }
    ['lx', 'ly', 'lz', 'lt'].forEach((tag, mu) => {
      if (dims[mu] !== expect.dims?.[mu])
        throw bad(`<${tag}>`, `${expect.dims?.[mu]}`, `${dims[mu]}`);
    });
  }

  const binary = find('ildg-binary-data');
  if (binary === undefined) {
    const types = records.map((r) => r.type).join(', ');
    throw new FileError(`${fn}: ${path}: no ildg-binary-data record (records: ${types})`);
  }
  const lattice = new Lattice(dims);
  const bytesPer = precision / 8;
  const siteBytes = 4 * N * N * 2 * bytesPer;
  const expectedBytes = lattice.volume * siteBytes;
  if (binary.length !== expectedBytes) {
    throw new FileError(
      `${fn}: ${path}: invalid ildg-binary-data length: expected ${expectedBytes} bytes ` +
        `(${fieldType}, precision ${precision}, lx ly lz lt = ${dims.join(' ')}), found ` +
        `${binary.length}`,
    );
  }
  const payload = bytes.subarray(binary.offset, binary.offset + binary.length);
  const field = new GaugeField(lattice, kernelsFor(N));
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const links = field.links;
  if (precision === 64)
    for (let k = 0; k < links.length; k++) links[k] = view.getFloat64(8 * k, false);
  else for (let k = 0; k < links.length; k++) links[k] = view.getFloat32(4 * k, false);

  const checks: ConfigurationCheck[] = [];
  const computed = scidacChecksum(payload, siteBytes);
  let checksum: ScidacChecksum | undefined;
  const checksumXml = xml['scidac-checksum'];
  if (checksumXml === undefined) {
    checks.push({
      name: 'scidac-checksum',
      ok: false,
      expected: '(missing)',
      found: `suma ${hex32(computed.suma)}, sumb ${hex32(computed.sumb)}`,
      message: 'scidac-checksum missing: the file has no scidac-checksum record',
    });
  } else {
    const word = (tag: string): number | undefined => {
      const text = xmlElement(checksumXml, tag);
      return text !== undefined && /^[0-9a-fA-F]{1,8}$/.test(text) ? parseInt(text, 16) : undefined;
    };
    const suma = word('suma');
    const sumb = word('sumb');
    if (suma !== undefined && sumb !== undefined) checksum = { suma, sumb };
    const what = 'binary data give';
    checks.push(compareChecksum('scidac-checksum suma', suma, computed.suma, what, 'record'));
    checks.push(compareChecksum('scidac-checksum sumb', sumb, computed.sumb, what, 'record'));
  }
  checks.push(checkSpecialUnitary(field, unitarityTolerance));
  const finite = links.every(Number.isFinite);
  const infoXml = [xml['scidac-record-xml'], xml['scidac-file-xml']].find(
    (text) => text !== undefined && /<(?:[\w.-]+:)?usqcdInfo[\s>]/.test(text),
  );
  let info: string | undefined;
  if (infoXml !== undefined) {
    info = xmlElement(infoXml, 'info');
    const plaq = Number(xmlElement(infoXml, 'plaq') ?? NaN);
    const linktr = Number(xmlElement(infoXml, 'linktr') ?? NaN);
    if (finite && Number.isFinite(plaq)) {
      checks.push(
        compareValue(
          'usqcdInfo plaq',
          plaq,
          averagePlaquette(field),
          USQCD_INFO_TOLERANCE,
          'record',
        ),
      );
    }
    if (finite && Number.isFinite(linktr)) {
      checks.push(
        compareValue('usqcdInfo linktr', linktr, linkTrace(field), USQCD_INFO_TOLERANCE, 'record'),
      );
    }
  }
  if (verify) throwOnFailure(fn, path, checks);
  const lfn = find('ildg-data-lfn') ? xml['ildg-data-lfn'] : undefined;
  return {
    path,
    field,
    fieldType,
    precision,
    dims,
    ...(lfn !== undefined ? { lfn } : {}),
    ...(info !== undefined ? { info } : {}),
    ...(checksum !== undefined ? { checksum } : {}),
    records: records.map(({ type, length, messageBegin, messageEnd }) => ({
      type,
      length,
      messageBegin,
      messageEnd,
    })),
    xml,
    checks,
  };
}

/**
 * Reads an ILDG configuration file (format in the module header) and checks it: the SciDAC
 * checksum, SU(N) links, and usqcdInfo's plaquette and link trace when stated.
 *
 * @example
 * ```ts
 * const { field, lfn, checks } = await readIldg('cfg.lime');
 * ```
 * @throws FileError naming the file, the record or field and both values, e.g.
 *   `readIldg: cfg.lime: scidac-checksum suma mismatch: record says 1a2b, binary data give 3c4d`.
 */
export async function readIldg(
  path: string,
  options: IldgReadOptions = {},
): Promise<IldgConfiguration> {
  const fn = 'readIldg';
  if (typeof path !== 'string' || path === '') throw typeError(fn, 'path', 'a file name', path);
  const bytes = await readWhole(fn, path);
  return decodeIldg(bytes, path, options, fn);
}

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

/**
 * The bytes of an ILDG file for a 4D `field` (format in the module header); usqcdInfo's plaq
 * and linktr are computed from the links as stored (after rounding to 32 bits).
 *
 * @throws RangeError for a field that is not 4D, non-finite links, or an invalid precision.
 */
export function encodeIldg(
  field: GaugeField,
  options: IldgWriteOptions & { lfn: string },
  fn = 'encodeIldg',
): Uint8Array[] {
  if (!(field instanceof GaugeField)) throw typeError(fn, 'field', 'a GaugeField', field);
  const precision = options.precision ?? 64;
  if (precision !== 64 && precision !== 32) {
    throw rangeError(fn, 'options.precision', '64 or 32', precision);
  }
  const { D, dims } = field.lattice;
  if (D !== 4) {
    throw rangeError(fn, 'field', 'a 4D field (ILDG has lx ly lz lt only; use NERSC)', `D = ${D}`);
  }
  for (const [key, value] of [
    ['lfn', options.lfn],
    ['info', options.info ?? ''],
  ] as const) {
    if (typeof value !== 'string') throw typeError(fn, `options.${key}`, 'a string', value);
  }
  const links = field.links;
  const N = field.N;
  const bytesPer = precision / 8;
  const payload = new Uint8Array(links.length * bytesPer);
  const view = new DataView(payload.buffer);
  for (let k = 0; k < links.length; k++) {
    const x = links[k];
    if (!Number.isFinite(x))
      throw rangeError(fn, 'field', 'finite link values', `${x} at index ${k}`);
    if (precision === 64) view.setFloat64(8 * k, x, false);
    else view.setFloat32(4 * k, x, false);
  }
  const stored =
    precision === 64
      ? field
      : new GaugeField(field.lattice, field.group, Float64Array.from(new Float32Array(links)));
  const plaquette = averagePlaquette(stored);
  const trace = linkTrace(stored);
  const siteBytes = 4 * N * N * 2 * bytesPer;
  const sum = scidacChecksum(payload, siteBytes);
  const P = precision === 64 ? 'D' : 'F';
  const usqcdInfo =
    `${XML_DECLARATION}<usqcdInfo><version>1.0</version><plaq>${plaquette}</plaq>` +
    `<linktr>${trace}</linktr><info>${escapeXml(options.info ?? '')}</info></usqcdInfo>`;
  const text = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));
  const records = [
    {
      type: 'scidac-private-file-xml',
      data: text(
        `${XML_DECLARATION}<scidacFile><version>1.1</version><spacetime>4</spacetime>` +
          `<dims>${dims.join(' ')} </dims><volfmt>0</volfmt></scidacFile>`,
      ),
      messageBegin: true,
      messageEnd: false,
    },
    { type: 'scidac-file-xml', data: text(usqcdInfo), messageBegin: false, messageEnd: true },
    {
      type: 'scidac-private-record-xml',
      data: text(
        `${XML_DECLARATION}<scidacRecord><version>1.1</version><date>${cDate(new Date())}</date>` +
          `<recordtype>0</recordtype><datatype>QDP_${P}${N}_ColorMatrix</datatype>` +
          `<precision>${P}</precision><colors>${N}</colors><spins>4</spins>` +
          `<typesize>${N * N * 2 * bytesPer}</typesize><datacount>4</datacount></scidacRecord>`,
      ),
      messageBegin: true,
      messageEnd: false,
    },
    { type: 'scidac-record-xml', data: text(usqcdInfo), messageBegin: false, messageEnd: false },
    {
      type: 'ildg-format',
      data: text(
        `${XML_DECLARATION}\n<ildgFormat xmlns="http://www.lqcd.org/ildg" ` +
          'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ' +
          'xsi:schemaLocation="http://www.lqcd.org/ildg http://www.lqcd.org/ildg/filefmt.xsd">' +
          `<version>1.0</version><field>su${N}gauge</field><precision>${precision}</precision>` +
          `<lx>${dims[0]}</lx><ly>${dims[1]}</ly><lz>${dims[2]}</lz><lt>${dims[3]}</lt>` +
          '</ildgFormat>',
      ),
      messageBegin: false,
      messageEnd: false,
    },
    { type: 'ildg-data-lfn', data: text(options.lfn), messageBegin: false, messageEnd: false },
    { type: 'ildg-binary-data', data: payload, messageBegin: false, messageEnd: false },
    {
      type: 'scidac-checksum',
      data: text(
        `${XML_DECLARATION}<scidacChecksum><version>1.0</version>` +
          `<suma>${hex32(sum.suma)}</suma><sumb>${hex32(sum.sumb)}</sumb></scidacChecksum>`,
      ),
      messageBegin: false,
      messageEnd: true,
    },
  ];
  return records.flatMap((record) => encodeLimeRecord(record));
}

/**
 * Writes a 4D `field` as an ILDG file (format in the module header), atomically (temporary
 * file, fsync, rename): a crash never leaves a half-written file under `path`.
 *
 * @example
 * ```ts
 * await writeIldg('cfg.lime', field, { lfn: 'lfn://ens/cfg.1000', precision: 64 });
 * ```
 * @throws FileError when `path` exists and `options.force` is not set; RangeError/TypeError
 *   for invalid arguments (see {@link encodeIldg}).
 */
export async function writeIldg(
  path: string,
  field: GaugeField,
  options: IldgWriteOptions = {},
): Promise<void> {
  const fn = 'writeIldg';
  if (typeof path !== 'string' || path === '') throw typeError(fn, 'path', 'a file name', path);
  const parts = encodeIldg(field, { ...options, lfn: options.lfn ?? basename(path) }, fn);
  checkWritable(fn, path, options.force === true);
  await writeFileAtomic(path, parts);
}
