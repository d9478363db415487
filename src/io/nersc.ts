/**
 * NERSC gauge configuration files in Node: {@link readNersc} and {@link writeNersc} over the
 * codec of ./nerscCodec.ts (the format, its checks and its conventions are described there).
 *
 * @module
 */
import { promises as fsp } from 'node:fs';
import { typeError } from '../core/validate.js';
import type { GaugeField } from '../lattice/gaugeField.js';
import { writeFileAtomic } from '../core/atomicWrite.js';
import { FileError } from '../core/fileError.js';
import { checkWritable } from './checkWritable.js';
import {
  decodeNersc,
  encodeNersc,
  type NerscConfiguration,
  type NerscReadOptions,
  type NerscWriteOptions,
} from './nerscCodec.js';

export {
  cDate,
  checkExpected,
  decodeNersc,
  encodeNersc,
  type EncodedNersc,
  type ExpectedConfiguration,
  type NerscConfiguration,
  type NerscReadOptions,
  type NerscWriteOptions,
} from './nerscCodec.js';

/**
 * Reads a NERSC configuration file (format in the module header) and checks it: CHECKSUM,
 * the SciDAC checksums when stated, SU(N) links, PLAQUETTE and LINK_TRACE.
 *
 * @example
 * ```ts
 * const { field, header } = await readNersc('ckpoint_lat.1000');
 * header.ENSEMBLE_LABEL; // as written
 * averagePlaquette(field); // equals header.PLAQUETTE to 1e-5
 * ```
 * @throws FileError naming the file, the field and both values, e.g.
 *   `readNersc: cfg.nersc: CHECKSUM mismatch: header says 1a2b3c4d, payload sums to 1a2b3c4e`
 *   or `readNersc: cfg.nersc: truncated: expected 37748736 payload bytes (...), found 37748000`.
 */
export async function readNersc(
  path: string,
  options: NerscReadOptions = {},
): Promise<NerscConfiguration> {
  const fn = 'readNersc';
  if (typeof path !== 'string' || path === '') throw typeError(fn, 'path', 'a file name', path);
  const bytes = await readWhole(fn, path);
  return decodeNersc(bytes, path, options, fn);
}

/** Reads a whole file, turning "missing" and "not a file" into FileErrors naming it. */
export async function readWhole(fn: string, path: string): Promise<Uint8Array> {
  try {
    const buffer = await fsp.readFile(path);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new FileError(`${fn}: ${path}: no such file`);
    if (code === 'EISDIR') throw new FileError(`${fn}: ${path}: not a regular file`);
    throw error;
  }
}

/**
 * Writes `field` as a NERSC file (format in the module header), atomically (temporary file,
 * fsync, rename): a crash never leaves a half-written file under `path`. Returns the header
 * written.
 *
 * @example
 * ```ts
 * await writeNersc('cfg.nersc', field, { header: { ENSEMBLE_LABEL: 'b6.0', SEQUENCE_NUMBER: 100 } });
 * await writeNersc('cfg32.nersc', field, { precision: 32, twoRow: true });
 * ```
 * @throws FileError when `path` exists and `options.force` is not set; RangeError/TypeError
 *   for invalid arguments (see {@link encodeNersc}).
 */
export async function writeNersc(
  path: string,
  field: GaugeField,
  options: NerscWriteOptions = {},
): Promise<Record<string, string>> {
  const fn = 'writeNersc';
  if (typeof path !== 'string' || path === '') throw typeError(fn, 'path', 'a file name', path);
  const { bytes, header } = encodeNersc(field, options, fn);
  checkWritable(fn, path, options.force === true);
  await writeFileAtomic(path, [bytes]);
  return header;
}
