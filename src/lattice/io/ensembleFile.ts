/**
 * HDF5 ensemble files: many gauge configurations of one Monte Carlo run, with their beta,
 * sweep numbers, measured observables and the run's metadata (DESIGN.md 5). Written and read
 * through h5wasm; a physicist opens the same file with h5py and gets numpy arrays.
 *
 * Layout (format "lattice-gauge-ensemble", format_version 1), n = number of configurations,
 * V = number of sites, D = number of dimensions, N = number of colours:
 *
 * | object                  | type              | shape                    |
 * | ----------------------- | ----------------- | ------------------------ |
 * | `/links`                | float64           | [n, V, D, N, N, 2]       |
 * | `/beta`                 | float64           | [n]                      |
 * | `/sweep`                | int64             | [n]                      |
 * | `/observables/<name>`   | float64           | [n], one per observable  |
 *
 * `/links[i]` is configuration i in exactly the in-memory layout of
 * {@link GaugeField.links}: site lexicographic with x0 fastest, then the direction mu, the
 * row, the column, and (re, im). `/links` is chunked one configuration per chunk (a
 * configuration above 64 MiB is split into chunks of whole sites) with an unlimited first
 * axis, so configurations are appended. `/sweep[i]` is the Monte Carlo sweep after which
 * configuration i was saved; the reader also accepts any other integer or float type.
 *
 * Root attributes: `format` = "lattice-gauge-ensemble", `format_version` = 1,
 * `group` = "SU(N)", `N`, `dims` (int64 array), `D`, and `metadata`: a JSON object with
 * everything else the writer was given (algorithm and its parameters, seed, software
 * version, creation date, ...). Top-level entries of the metadata whose names are plain
 * identifiers (`seed`, `algorithm`, ...) are also mirrored as separate attributes for h5py
 * users (numbers and number arrays as numbers, strings as strings, other values as their JSON
 * text); readers take the JSON as the truth. See docs/ensemble-format.md.
 *
 * Writing is crash-safe: {@link EnsembleWriter} writes `<path>.partial` and renames it to
 * `<path>` only in {@link EnsembleWriter.finalize}; {@link EnsembleWriter.resume} reopens
 * the `.partial` file of an interrupted run and truncates it to the last checkpoint.
 *
 * @module
 */
import { closeSync, existsSync, openSync, promises as fsp, readSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type * as H5 from 'h5wasm/node';
import { kernelsFor } from '../../sun/group.js';
import { checkInteger, checkLength, describe, rangeError, typeError } from '../../sun/validate.js';
import { GaugeField } from '../gaugeField.js';
import { Lattice } from '../lattice.js';
import { fsyncDirectory, fsyncFile, fsyncFileSync } from './atomicWrite.js';
import { FileError } from './fileError.js';

type H5Lib = typeof H5.default;
type H5Module = Awaited<H5Lib['ready']>;
type H5File = H5.File;
type H5Dataset = H5.Dataset;
type H5Group = H5.Group;

/** The value of the root attribute `format` of an ensemble file. */
export const ENSEMBLE_FORMAT = 'lattice-gauge-ensemble';
/** The value of the root attribute `format_version` this code writes and reads. */
export const ENSEMBLE_FORMAT_VERSION = 1;

/** Root attribute names of the format; metadata entries of these names are not mirrored. */
const RESERVED_ATTRIBUTES = new Set(['format', 'format_version', 'group', 'N', 'dims', 'D']);
/** Default largest chunk of `/links` (bytes); one configuration per chunk below it. */
const DEFAULT_CHUNK_BYTES = 64 * 2 ** 20;
/** Chunk length (elements) of the one-dimensional series `/beta`, `/sweep`, `/observables/*`. */
const SERIES_CHUNK = 1024;
/** Default tolerance of the unitarity check of {@link Ensemble.configuration}. */
const DEFAULT_UNITARITY_TOLERANCE = 1e-5;
/** HDF5 type classes (H5T_class_t). */
const H5T_INTEGER = 0;
const H5T_FLOAT = 1;
const H5T_STRING = 3;

/**
 * The metadata of an ensemble: the number of colours `N`, the lattice extents `dims`, and
 * any other JSON-serialisable entries (algorithm and its parameters, seed, software version,
 * creation date, ...). Stored as the root attributes `N`, `dims`, `D` and the JSON attribute
 * `metadata`; see the module header for the file layout.
 */
export interface EnsembleMetadata {
  /** Number of colours, >= 2. */
  N: number;
  /** Lattice extents [L0, ..., L(D-1)], D >= 2. */
  dims: number[];
  /** Anything else, JSON-serialisable (no undefined inside arrays, no NaN, no Date objects). */
  [key: string]: unknown;
}

/** One saved configuration with what was measured on it: one row of every dataset. */
export interface ConfigurationRecord {
  /** The links, V*D*2*N*N numbers in the layout of {@link GaugeField.links}. */
  links: Float64Array;
  /** The coupling it was generated at (`/beta[i]`). */
  beta: number;
  /** The Monte Carlo sweep after which it was saved (`/sweep[i]`), an integer >= 0. */
  sweep: number;
  /**
   * Measurements, by name (`/observables/<name>[i]`). Every record of a file has the same
   * names; a name is non-empty and has no `/`.
   */
  observables: Record<string, number>;
}

/** Where two JSON values first differ: the key path (`a.b[2]`) and both values. */
export interface MetadataDifference {
  /** Dotted key path, with `[i]` for array elements; empty for the values themselves. */
  key: string;
  /** The value in the first argument (`undefined` when missing there). */
  a: unknown;
  /** The value in the second argument (`undefined` when missing there). */
  b: unknown;
}

/**
 * The first difference between two JSON-like values (objects compared key by key in sorted
 * key order, arrays element by element), or `undefined` when they are equal. A key whose
 * value is `undefined` counts as missing. Used to report which metadata entry of a resumed
 * run disagrees with the file or checkpoint it resumes from.
 */
export function metadataDifference(
  a: unknown,
  b: unknown,
  key = '',
): MetadataDifference | undefined {
  if (a === b || (Number.isNaN(a) && Number.isNaN(b))) return undefined;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return { key, a, b };
    for (let i = 0; i < a.length; i++) {
      const d = metadataDifference(a[i], b[i], `${key}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) {
      const d = metadataDifference(a[k], b[k], key === '' ? k : `${key}.${k}`);
      if (d) return d;
    }
    return undefined;
  }
  return { key, a, b };
}

/** Formats a metadata value for an error message: JSON, or "(missing)". */
export function formatMetadataValue(value: unknown): string {
  if (value === undefined) return '(missing)';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

/**
 * Checks that `value` is a plain object whose JSON form reads back equal to it, and returns
 * that JSON form (parsed), without keys whose value is `undefined`.
 *
 * @throws TypeError naming the first entry that JSON cannot hold (a bigint, NaN, a Date...).
 */
export function checkJsonObject(fn: string, arg: string, value: unknown): Record<string, unknown> {
  if (!isPlainObject(value)) throw typeError(fn, arg, 'a plain object', value);
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw typeError(fn, arg, 'JSON-serialisable values', `${(error as Error).message}`);
  }
  const parsed = JSON.parse(text) as Record<string, unknown>;
  const d = metadataDifference(value, parsed);
  if (d) {
    throw typeError(
      fn,
      `${arg}.${d.key}`,
      'a JSON-serialisable value (string, finite number, boolean, null, array, plain object)',
      `${describe(d.a)} (JSON would store ${formatMetadataValue(d.b)})`,
    );
  }
  return parsed;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Loads h5wasm on first use (no work at import time). */
async function loadHdf5(): Promise<{ lib: H5Lib; module: H5Module }> {
  const lib = (await import('h5wasm/node')).default;
  const module = await lib.ready;
  return { lib, module };
}

/** The fixed geometry of an ensemble, derived from N and dims. */
class Layout {
  readonly D: number;
  readonly V: number;
  readonly matrixSize: number;
  /** Numbers per site: D * 2 * N * N. */
  readonly perSite: number;
  /** Numbers per configuration: V * D * 2 * N * N. */
  readonly perConfig: number;
  /** Sites per chunk of `/links`, and per read or write of a configuration. */
  readonly chunkSites: number;

  /**
   * @param chunk - the sites per chunk, or a largest chunk size in bytes when negative
   *   (-bytes): the configuration is then split into the fewest chunks of whole sites.
   */
  constructor(
    readonly N: number,
    readonly dims: readonly number[],
    chunk = -DEFAULT_CHUNK_BYTES,
  ) {
    this.D = dims.length;
    this.V = dims.reduce((v, L) => v * L, 1);
    this.matrixSize = 2 * N * N;
    this.perSite = this.D * this.matrixSize;
    this.perConfig = this.V * this.perSite;
    if (chunk > 0) {
      this.chunkSites = Math.min(chunk, this.V);
    } else {
      const pieces = Math.max(1, Math.ceil((this.perConfig * 8) / -chunk));
      this.chunkSites = Math.ceil(this.V / Math.min(pieces, this.V));
    }
  }

  /** Shape of one configuration in `/links`: [V, D, N, N, 2]. */
  get configShape(): number[] {
    return [this.V, this.D, this.N, this.N, 2];
  }
}

/** Validates N and dims of writer metadata; returns the layout and the other entries as JSON. */
function checkMetadata(
  fn: string,
  metadata: EnsembleMetadata,
  chunkBytes = DEFAULT_CHUNK_BYTES,
): { layout: Layout; rest: Record<string, unknown>; normalized: EnsembleMetadata } {
  if (!isPlainObject(metadata)) throw typeError(fn, 'metadata', 'a plain object', metadata);
  checkInteger(fn, 'metadata.N', metadata.N, 2);
  const dims = metadata.dims;
  if (!Array.isArray(dims) || dims.length < 2) {
    throw rangeError(fn, 'metadata.dims', 'an array of at least 2 extents', dims);
  }
  dims.forEach((L, mu) => checkInteger(fn, `metadata.dims[${mu}]`, L, 1));
  if (dims.reduce((v, L) => v * L, 1) > 2 ** 31 - 1) {
    throw rangeError(fn, 'metadata.dims', 'a volume below 2^31', dims);
  }
  const others: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(metadata)) if (k !== 'N' && k !== 'dims') others[k] = v;
  const rest = checkJsonObject(fn, 'metadata', others);
  const layout = new Layout(metadata.N, [...dims], -chunkBytes);
  return { layout, rest, normalized: { N: metadata.N, dims: [...dims], ...rest } };
}

/** An error about a file's content: `fn: file: invalid field: expected ..., got ...`. */
function fileError(fn: string, file: string, field: string, expected: string, got: unknown): Error {
  return new FileError(
    `${fn}: ${file}: invalid ${field}: expected ${expected}, got ${describe(got)}`,
  );
}

/** True when the file starts with the HDF5 signature (at 0, 512, 1024, ... for a user block). */
function hasHdf5Signature(path: string): boolean {
  const signature = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
  const size = statSync(path).size;
  const buffer = new Uint8Array(8);
  const fd = openSync(path, 'r');
  try {
    for (let offset = 0; offset + 8 <= size; offset = offset === 0 ? 512 : offset * 2) {
      if (readSync(fd, buffer, 0, 8, offset) !== 8) return false;
      if (signature.every((byte, k) => buffer[k] === byte)) return true;
    }
    return false;
  } finally {
    closeSync(fd);
  }
}

/** Opens an existing HDF5 file after checking that it is one (h5wasm does not throw). */
function openExisting(lib: H5Lib, fn: string, path: string, mode: 'r' | 'a'): H5File {
  if (!existsSync(path)) throw new FileError(`${fn}: ${path}: no such file`);
  if (!statSync(path).isFile()) throw new FileError(`${fn}: ${path}: not a regular file`);
  if (!hasHdf5Signature(path)) {
    throw new FileError(`${fn}: ${path}: not an HDF5 file (no HDF5 signature found)`);
  }
  const file = new lib.File(resolve(path), mode);
  if (file.file_id < 0n) {
    throw new FileError(`${fn}: ${path}: HDF5 could not open the file (damaged or truncated?)`);
  }
  return file;
}

/** Name of an HDF5 numeric or string type, for messages. */
function typeName(meta: H5.Metadata): string {
  if (meta.type === H5T_FLOAT) return `float${8 * meta.size}`;
  if (meta.type === H5T_INTEGER) return `${meta.signed ? 'int' : 'uint'}${8 * meta.size}`;
  if (meta.type === H5T_STRING) return 'string';
  return `HDF5 type class ${meta.type}`;
}

/** Converts an attribute value to a JS number array when it holds integers only. */
function integersOf(value: unknown): number[] | undefined {
  let items: unknown[];
  if (typeof value === 'number' || typeof value === 'bigint') items = [value];
  else if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    items = Array.from(value as unknown as ArrayLike<unknown>);
  } else if (Array.isArray(value)) items = value;
  else return undefined;
  const out: number[] = [];
  for (const item of items) {
    const x = typeof item === 'bigint' ? Number(item) : item;
    if (typeof x !== 'number' || !Number.isSafeInteger(x)) return undefined;
    out.push(x);
  }
  return out;
}

/** A scalar integer attribute value, or undefined. */
function integerOf(value: unknown): number | undefined {
  const items = integersOf(value);
  return items && items.length === 1 ? items[0] : undefined;
}

/** Reads or writes a hyperslab of a dataset, checking HDF5's status (h5wasm ignores it). */
function transfer(
  module: H5Module,
  file: H5File,
  fn: string,
  filePath: string,
  path: string,
  offset: number[],
  count: number[],
  bytes: Uint8Array,
  write: boolean,
): void {
  const ptr = module._malloc(Math.max(bytes.byteLength, 8));
  if (ptr === 0) {
    throw new FileError(
      `${fn}: ${filePath}: out of WebAssembly memory for ${bytes.byteLength} bytes`,
    );
  }
  try {
    if (write) module.HEAPU8.set(bytes, ptr);
    const args = [
      file.file_id,
      path,
      count.map(BigInt),
      offset.map(BigInt),
      count.map(() => 1n),
      BigInt(ptr),
    ] as const;
    const status = write ? module.set_dataset_data(...args) : module.get_dataset_data(...args);
    if (status < 0) {
      const verb = write ? 'write' : 'read';
      throw new FileError(
        `${fn}: ${filePath}: HDF5 failed to ${verb} ${path} at offset ${describe(offset)}, ` +
          `count ${describe(count)} (status ${status})`,
      );
    }
    if (!write) bytes.set(module.HEAPU8.subarray(ptr, ptr + bytes.byteLength));
  } finally {
    module._free(ptr);
  }
}

function bytesOf(array: Float64Array | BigInt64Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/** Reads the first n elements of a numeric 1-D dataset as float64. */
function readSeries(
  module: H5Module,
  file: H5File,
  fn: string,
  filePath: string,
  path: string,
  meta: H5.Metadata,
  n: number,
): Float64Array {
  const out = new Float64Array(n);
  if (n === 0) return out;
  const bytes = new Uint8Array(n * meta.size);
  transfer(module, file, fn, filePath, path, [0], [n], bytes, false);
  const buffer = bytes.buffer;
  let source: ArrayLike<number | bigint>;
  if (meta.type === H5T_FLOAT) {
    source = meta.size === 8 ? new Float64Array(buffer) : new Float32Array(buffer);
  } else if (meta.size === 8) {
    source = meta.signed ? new BigInt64Array(buffer) : new BigUint64Array(buffer);
  } else if (meta.size === 4) {
    source = meta.signed ? new Int32Array(buffer) : new Uint32Array(buffer);
  } else if (meta.size === 2) {
    source = meta.signed ? new Int16Array(buffer) : new Uint16Array(buffer);
  } else {
    source = meta.signed ? new Int8Array(buffer) : new Uint8Array(buffer);
  }
  for (let i = 0; i < n; i++) out[i] = Number(source[i]);
  return out;
}

function resizeDataset(
  module: H5Module,
  file: H5File,
  fn: string,
  filePath: string,
  path: string,
  shape: number[],
): void {
  const status = module.resize_dataset(file.file_id, path, shape.map(BigInt));
  if (status < 0) {
    throw new FileError(
      `${fn}: ${filePath}: HDF5 failed to resize ${path} to ${describe(shape)} (status ${status})`,
    );
  }
}

/** What {@link readStructure} finds in a file. */
interface Structure {
  layout: Layout;
  metadata: EnsembleMetadata;
  count: number;
  sweepMeta: H5.Metadata;
  betaMeta: H5.Metadata;
  observables: Map<string, H5.Metadata>;
}

/**
 * Reads and validates the attributes and dataset shapes of an ensemble file. HDF5 failures
 * inside (a damaged file that still opens) are reported with the file name.
 */
function readStructure(fn: string, filePath: string, file: H5File): Structure {
  try {
    return readStructureUnchecked(fn, filePath, file);
  } catch (error) {
    const message = (error as Error).message;
    if (message.startsWith(`${fn}: `)) throw error;
    throw new FileError(`${fn}: ${filePath}: HDF5 could not read the file (damaged?): ${message}`, {
      cause: error,
    });
  }
}

function readStructureUnchecked(fn: string, filePath: string, file: H5File): Structure {
  const attributeNames = new Set(Object.keys(file.attrs));
  const attribute = (name: string): unknown =>
    attributeNames.has(name) ? file.get_attribute(name, false) : undefined;
  const shown = (value: unknown): unknown => (value === undefined ? 'no such attribute' : value);

  const format = attribute('format');
  if (format !== ENSEMBLE_FORMAT) {
    throw new FileError(
      `${fn}: ${filePath}: not a lattice-gauge ensemble: invalid attribute format: ` +
        `expected "${ENSEMBLE_FORMAT}", got ${describe(shown(format))}`,
    );
  }
  const version = integerOf(attribute('format_version'));
  if (version !== ENSEMBLE_FORMAT_VERSION) {
    const got = shown(attribute('format_version'));
    const newer = version !== undefined && version > ENSEMBLE_FORMAT_VERSION;
    throw fileError(
      fn,
      filePath,
      'attribute format_version',
      `${ENSEMBLE_FORMAT_VERSION}${newer ? ' (the file was written by a newer version)' : ''}`,
      got,
    );
  }
  const group = attribute('group');
  if (group !== 'SU(N)') {
    throw fileError(fn, filePath, 'attribute group', '"SU(N)"', shown(group));
  }
  const N = integerOf(attribute('N'));
  if (N === undefined || N < 2) {
    throw fileError(fn, filePath, 'attribute N', 'an integer >= 2', shown(attribute('N')));
  }
  const dims = integersOf(attribute('dims'));
  if (dims === undefined || dims.length < 2 || dims.some((L) => L < 1)) {
    throw fileError(
      fn,
      filePath,
      'attribute dims',
      'an array of at least 2 integer extents >= 1',
      shown(attribute('dims')),
    );
  }
  const D = integerOf(attribute('D'));
  if (D !== dims.length) {
    throw fileError(
      fn,
      filePath,
      'attribute D',
      `${dims.length} (the length of dims ${describe(dims)})`,
      shown(attribute('D')),
    );
  }
  const text = attribute('metadata');
  let rest: unknown;
  try {
    rest = typeof text === 'string' ? JSON.parse(text) : undefined;
  } catch {
    rest = undefined;
  }
  if (!isPlainObject(rest)) {
    throw fileError(
      fn,
      filePath,
      'attribute metadata',
      'a JSON object',
      typeof text === 'string' ? `"${text.slice(0, 80)}"` : shown(text),
    );
  }
  delete rest.N;
  delete rest.dims;
  let layout = new Layout(N, dims);

  const keys = new Set(file.keys());
  const dataset = (path: string): H5Dataset => {
    const entity = keys.has(path.slice(1)) ? file.get(path) : null;
    if (entity === null || (entity as { type?: string }).type !== 'Dataset') {
      throw fileError(fn, filePath, `dataset ${path}`, 'a dataset', 'no such dataset');
    }
    return entity as H5Dataset;
  };

  const links = dataset('/links').metadata;
  if (links.type !== H5T_FLOAT || links.size !== 8) {
    throw fileError(fn, filePath, '/links type', 'float64', typeName(links));
  }
  const expected = layout.configShape;
  const shape = links.shape ?? [];
  if (shape.length !== 6 || expected.some((e, k) => shape[k + 1] !== e)) {
    throw fileError(
      fn,
      filePath,
      '/links shape',
      `[n, ${expected.join(', ')}] (V = ${layout.V}, D = ${layout.D}, N = ${N} from the ` +
        `attributes dims = ${describe(dims)} and N)`,
      shape,
    );
  }
  const count = shape[0];
  // Read and write whole chunks, as the file has them (a contiguous /links: whole configurations).
  layout = new Layout(N, dims, links.chunks?.[1] ?? layout.V);

  const series = (path: string, meta: H5.Metadata): void => {
    if (meta.type !== H5T_FLOAT && meta.type !== H5T_INTEGER) {
      throw fileError(fn, filePath, `${path} type`, 'a number type', typeName(meta));
    }
    const s = meta.shape ?? [];
    if (s.length !== 1 || s[0] !== count) {
      throw fileError(
        fn,
        filePath,
        `${path} shape`,
        `[${count}] (one value per configuration in /links)`,
        s,
      );
    }
  };
  const betaMeta = dataset('/beta').metadata;
  series('/beta', betaMeta);
  const sweepMeta = dataset('/sweep').metadata;
  series('/sweep', sweepMeta);

  const observables = new Map<string, H5.Metadata>();
  if (keys.has('observables')) {
    const groupEntity = file.get('observables');
    if (groupEntity === null || (groupEntity as { type?: string }).type !== 'Group') {
      throw fileError(fn, filePath, '/observables', 'a group', 'something else');
    }
    for (const name of (groupEntity as H5Group).keys().sort()) {
      const path = `/observables/${name}`;
      const entity = file.get(path);
      if (entity === null || (entity as { type?: string }).type !== 'Dataset') {
        throw fileError(fn, filePath, path, 'a dataset', 'something else');
      }
      const meta = (entity as H5Dataset).metadata;
      series(path, meta);
      observables.set(name, meta);
    }
  }
  return {
    layout,
    metadata: { N, dims, ...rest },
    count,
    betaMeta,
    sweepMeta,
    observables,
  };
}

/** Checks an observable name: a non-empty HDF5 link name. */
function checkObservableName(fn: string, name: string): void {
  if (name === '' || name.includes('/') || name === '.' || name === '..') {
    throw rangeError(fn, 'record.observables', 'names that are non-empty and have no "/"', name);
  }
}

/** Options of {@link EnsembleWriter.create} and {@link EnsembleWriter.resume}. */
export interface EnsembleWriterOptions {
  /**
   * Replace an existing file at `path` (at {@link EnsembleWriter.finalize}, never before),
   * and, for `create`, an existing `<path>.partial`. Default false.
   */
  force?: boolean;
  /**
   * For `create`: the largest chunk of `/links` in bytes (default 64 MiB). A configuration
   * that fits is one chunk; a larger one is split into the fewest chunks of whole sites.
   * Reads and writes go chunk by chunk, which also bounds the WebAssembly memory they use.
   */
  chunkBytes?: number;
}

/**
 * Writes an ensemble file (layout in the module header), one configuration at a time.
 *
 * The data go to `<path>.partial`; {@link EnsembleWriter.finalize} closes it and renames it
 * atomically to `path`, so `path` never holds an unfinished file, and an existing `path` is
 * untouched until then (and refused unless `force`). {@link EnsembleWriter.flush} makes the
 * configurations appended so far durable (HDF5 flush + fsync), after which the `.partial`
 * file on disk is a complete, readable ensemble: a checkpoint records
 * {@link EnsembleWriter.count} right after a flush, and {@link EnsembleWriter.resume} after
 * a crash reopens the `.partial` file and drops what came after that checkpoint.
 *
 * @example
 * ```ts
 * const writer = await EnsembleWriter.create('run.h5', { N: 3, dims: [8, 8, 8, 8], seed: 1 });
 * writer.append({ links: field.links, beta: 6, sweep: 100, observables: { plaquette: p } });
 * writer.flush();
 * await writer.finalize();
 * ```
 */
export class EnsembleWriter {
  /** The final file name (written by {@link EnsembleWriter.finalize}). */
  readonly path: string;
  /** The file being written: `<path>.partial`. */
  readonly partialPath: string;
  /** The metadata, as stored (N, dims, then the JSON form of the other entries). */
  readonly metadata: EnsembleMetadata;
  private readonly module: H5Module;
  private readonly layout: Layout;
  private readonly force: boolean;
  private file: H5File | undefined;
  private observableNames: string[] | undefined;
  private rows: number;

  private constructor(
    path: string,
    metadata: EnsembleMetadata,
    module: H5Module,
    layout: Layout,
    file: H5File,
    force: boolean,
    rows: number,
    observableNames: string[] | undefined,
  ) {
    this.path = path;
    this.partialPath = `${path}.partial`;
    this.metadata = metadata;
    this.module = module;
    this.layout = layout;
    this.file = file;
    this.force = force;
    this.rows = rows;
    this.observableNames = observableNames;
  }

  /**
   * Starts a new ensemble: creates `<path>.partial` with the root attributes and empty
   * datasets, and flushes it.
   *
   * @throws Error naming `path` when it exists and `options.force` is not set (the existing
   *   file is not touched), or when `<path>.partial` exists (an interrupted run: resume it
   *   or pass `force` to start over); RangeError/TypeError for invalid metadata.
   */
  static async create(
    path: string,
    metadata: EnsembleMetadata,
    options: EnsembleWriterOptions = {},
  ): Promise<EnsembleWriter> {
    const fn = 'EnsembleWriter.create';
    if (typeof path !== 'string' || path === '') throw typeError(fn, 'path', 'a file name', path);
    const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    checkInteger(fn, 'options.chunkBytes', chunkBytes, 1);
    const { layout, rest, normalized } = checkMetadata(fn, metadata, chunkBytes);
    const force = options.force === true;
    const partialPath = `${path}.partial`;
    if (!existsSync(dirname(resolve(path)))) {
      throw new FileError(`${fn}: ${path}: the directory ${dirname(path)} does not exist`);
    }
    if (!force && existsSync(path)) {
      throw new FileError(
        `${fn}: ${path} already exists; pass { force: true } (lgt: --force) to replace it`,
      );
    }
    if (!force && existsSync(partialPath)) {
      throw new FileError(
        `${fn}: ${partialPath} already exists (an interrupted run?); resume it with ` +
          'EnsembleWriter.resume, or pass { force: true } to start over',
      );
    }
    const { lib, module } = await loadHdf5();
    const file = new lib.File(resolve(partialPath), 'w');
    if (file.file_id < 0n)
      throw new FileError(`${fn}: ${partialPath}: HDF5 could not create the file`);
    try {
      file.create_attribute('format', ENSEMBLE_FORMAT);
      writeInteger(file, 'format_version', ENSEMBLE_FORMAT_VERSION);
      file.create_attribute('group', 'SU(N)');
      writeInteger(file, 'N', layout.N);
      file.create_attribute('dims', BigInt64Array.from(layout.dims, BigInt), [layout.D], '<q');
      writeInteger(file, 'D', layout.D);
      // Non-ASCII escaped, so that the attribute is plain ASCII for every reader.
      const json = JSON.stringify(rest).replace(
        /[\u007f-\uffff]/g,
        (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
      );
      file.create_attribute('metadata', json);
      for (const [key, value] of Object.entries(rest)) mirrorAttribute(file, key, value);
      const configShape = layout.configShape;
      const links = file.create_dataset({
        name: 'links',
        data: new Float64Array(0),
        shape: [0, ...configShape],
        maxshape: [null, ...configShape],
        chunks: [1, layout.chunkSites, ...configShape.slice(1)],
        dtype: '<d',
      });
      links.create_attribute(
        'layout',
        '[configuration][site, x0 fastest][mu][row][column][re, im]: U_mu(x) from x to x + mu',
      );
      createSeries(file, 'beta', '<d');
      createSeries(file, 'sweep', '<q');
      file.create_group('observables');
    } catch (error) {
      file.close();
      throw error;
    }
    const writer = new EnsembleWriter(path, normalized, module, layout, file, force, 0, undefined);
    writer.flush();
    return writer;
  }

  /**
   * Reopens the `<path>.partial` file of an interrupted run, checks that it was written
   * with the same metadata, and truncates it to `count` configurations (those appended after
   * the last checkpoint are dropped); then appending continues from there.
   *
   * @param count - the number of configurations the checkpoint says were written.
   * @throws Error naming the file when it is missing or damaged, when its metadata differ
   *   from `metadata` (naming the first differing key and both values), or when it holds
   *   fewer than `count` configurations; Error naming `path` when it exists and
   *   `options.force` is not set.
   */
  static async resume(
    path: string,
    metadata: EnsembleMetadata,
    count: number,
    options: EnsembleWriterOptions = {},
  ): Promise<EnsembleWriter> {
    const fn = 'EnsembleWriter.resume';
    if (typeof path !== 'string' || path === '') throw typeError(fn, 'path', 'a file name', path);
    const { normalized } = checkMetadata(fn, metadata);
    checkInteger(fn, 'count', count, 0);
    const force = options.force === true;
    const partialPath = `${path}.partial`;
    if (!existsSync(partialPath)) {
      const hint = existsSync(path) ? ` (${path} exists: was the run already finalized?)` : '';
      throw new FileError(`${fn}: ${partialPath}: no such file, nothing to resume${hint}`);
    }
    if (!force && existsSync(path)) {
      throw new FileError(
        `${fn}: ${path} already exists; pass { force: true } (lgt: --force) to replace it`,
      );
    }
    const { lib, module } = await loadHdf5();
    const file = openExisting(lib, fn, partialPath, 'a');
    let observableNames: string[] | undefined;
    let layout: Layout;
    try {
      const structure = readStructure(fn, partialPath, file);
      layout = structure.layout;
      const d = metadataDifference(structure.metadata, normalized);
      if (d) {
        throw new FileError(
          `${fn}: ${partialPath}: metadata mismatch in ${d.key}: file has ` +
            `${formatMetadataValue(d.a)}, run has ${formatMetadataValue(d.b)}`,
        );
      }
      if (structure.count < count) {
        throw new FileError(
          `${fn}: ${partialPath}: holds ${structure.count} configurations, fewer than the ` +
            `${count} to resume from`,
        );
      }
      for (const [path, meta] of [
        ['/beta', structure.betaMeta],
        ['/sweep', structure.sweepMeta],
      ] as const) {
        if (meta.type !== (path === '/beta' ? H5T_FLOAT : H5T_INTEGER) || meta.size !== 8) {
          const expected = path === '/beta' ? 'float64' : 'int64';
          throw fileError(fn, partialPath, `${path} type`, expected, typeName(meta));
        }
      }
      for (const [name, meta] of structure.observables) {
        if (meta.type !== H5T_FLOAT || meta.size !== 8) {
          throw fileError(fn, partialPath, `/observables/${name} type`, 'float64', typeName(meta));
        }
      }
      // The names are fixed once a record was written (or their datasets exist).
      if (count > 0 || structure.observables.size > 0) {
        observableNames = [...structure.observables.keys()];
      }
      if (structure.count > count) {
        resizeDataset(module, file, fn, partialPath, '/links', [count, ...layout.configShape]);
        for (const series of ['/beta', '/sweep', ...(observableNames ?? []).map(obs)]) {
          resizeDataset(module, file, fn, partialPath, series, [count]);
        }
      }
    } catch (error) {
      file.close();
      throw error;
    }
    const writer = new EnsembleWriter(
      path,
      normalized,
      module,
      layout,
      file,
      force,
      count,
      observableNames,
    );
    writer.flush();
    return writer;
  }

  /** Number of configurations in the file. */
  get count(): number {
    return this.rows;
  }

  /**
   * Appends one configuration: one row of `/links`, `/beta`, `/sweep` and of every
   * `/observables/<name>`. The first record fixes the observable names; later records must
   * have the same names. Not durable until {@link EnsembleWriter.flush}.
   *
   * @throws RangeError/TypeError naming the field of `record` that is wrong (links of the
   *   wrong length or not finite, beta not finite, sweep not an integer >= 0, different
   *   observable names); Error when the writer is closed or HDF5 fails.
   */
  append(record: ConfigurationRecord): void {
    const fn = 'EnsembleWriter.append';
    const file = this.openFile(fn);
    if (typeof record !== 'object' || record === null) {
      throw typeError(fn, 'record', 'a ConfigurationRecord', record);
    }
    const layout = this.layout;
    const links = record.links;
    checkLength(fn, 'record.links', links, layout.perConfig);
    for (let k = 0; k < links.length; k++) {
      if (!Number.isFinite(links[k])) {
        throw rangeError(fn, 'record.links', 'finite numbers', `${links[k]} at index ${k}`);
      }
    }
    if (typeof record.beta !== 'number' || !Number.isFinite(record.beta)) {
      throw rangeError(fn, 'record.beta', 'a finite number', record.beta);
    }
    checkInteger(fn, 'record.sweep', record.sweep, 0);
    const observables = record.observables;
    if (!isPlainObject(observables)) {
      throw typeError(fn, 'record.observables', 'an object of numbers by name', observables);
    }
    const names = Object.keys(observables).sort();
    for (const name of names) {
      checkObservableName(fn, name);
      if (typeof observables[name] !== 'number') {
        throw typeError(fn, `record.observables.${name}`, 'a number', observables[name]);
      }
    }
    if (this.observableNames !== undefined && metadataDifference(this.observableNames, names)) {
      throw rangeError(
        fn,
        'record.observables',
        `the names of the earlier records ${describe(this.observableNames)}`,
        names,
      );
    }
    if (this.observableNames === undefined) {
      const group = (file.get('observables') ?? file.create_group('observables')) as H5Group;
      for (const name of names) {
        group.create_dataset({
          name,
          data: new Float64Array(0),
          shape: [0],
          maxshape: [null],
          chunks: [SERIES_CHUNK],
          dtype: '<d',
        });
      }
      this.observableNames = names;
    }

    const i = this.rows;
    const path = this.partialPath;
    const module = this.module;
    const series = ['/beta', '/sweep', ...names.map(obs)];
    try {
      resizeDataset(module, file, fn, path, '/links', [i + 1, ...layout.configShape]);
      for (const s of series) resizeDataset(module, file, fn, path, s, [i + 1]);
      const rest = layout.configShape.slice(1);
      for (let s0 = 0; s0 < layout.V; s0 += layout.chunkSites) {
        const s1 = Math.min(layout.V, s0 + layout.chunkSites);
        const slab = links.subarray(s0 * layout.perSite, s1 * layout.perSite);
        const offset = [i, s0, 0, 0, 0, 0];
        transfer(
          module,
          file,
          fn,
          path,
          '/links',
          offset,
          [1, s1 - s0, ...rest],
          bytesOf(slab),
          true,
        );
      }
      const one = (p: string, bytes: Uint8Array): void =>
        transfer(module, file, fn, path, p, [i], [1], bytes, true);
      one('/beta', bytesOf(Float64Array.of(record.beta)));
      one('/sweep', bytesOf(BigInt64Array.of(BigInt(record.sweep))));
      for (const name of names) one(obs(name), bytesOf(Float64Array.of(observables[name])));
    } catch (error) {
      try {
        resizeDataset(module, file, fn, path, '/links', [i, ...layout.configShape]);
        for (const s of series) resizeDataset(module, file, fn, path, s, [i]);
      } catch {
        // the first error is the one to report
      }
      throw error;
    }
    this.rows = i + 1;
  }

  /**
   * Makes everything appended so far durable: HDF5 writes its caches to the file
   * (H5Fflush), then the file is fsynced. Afterwards the `.partial` file on disk is a
   * complete ensemble of {@link EnsembleWriter.count} configurations.
   */
  flush(): void {
    const fn = 'EnsembleWriter.flush';
    const file = this.openFile(fn);
    const status = this.module.flush(file.file_id);
    if (status < 0)
      throw new FileError(`${fn}: ${this.partialPath}: HDF5 flush failed (status ${status})`);
    fsyncFileSync(this.partialPath);
  }

  /**
   * Closes the file and atomically renames `<path>.partial` to `path` (replacing an
   * existing `path` only when the writer was made with `force`).
   *
   * @throws Error naming `path` when it appeared meanwhile and `force` is not set; the
   *   `.partial` file is then kept.
   */
  async finalize(): Promise<void> {
    const fn = 'EnsembleWriter.finalize';
    this.openFile(fn);
    this.close();
    await fsyncFile(this.partialPath);
    if (!this.force && existsSync(this.path)) {
      throw new FileError(
        `${fn}: ${this.path} already exists; the ensemble stays in ${this.partialPath}`,
      );
    }
    await fsp.rename(this.partialPath, this.path);
    await fsyncDirectory(dirname(resolve(this.path)));
  }

  /**
   * Closes the file without finalizing (for an interrupted run): `<path>.partial` stays,
   * complete up to {@link EnsembleWriter.count}, for {@link EnsembleWriter.resume}. Calling
   * it again does nothing.
   */
  close(): void {
    const file = this.file;
    if (file === undefined) return;
    this.file = undefined;
    const status = file.close();
    if (status < 0) {
      throw new FileError(
        `EnsembleWriter.close: ${this.partialPath}: HDF5 close failed (status ${status})`,
      );
    }
  }

  private openFile(fn: string): H5File {
    if (this.file === undefined) {
      throw new FileError(`${fn}: the writer of ${this.partialPath} is closed`);
    }
    return this.file;
  }
}

function obs(name: string): string {
  return `/observables/${name}`;
}

/**
 * Mirrors a top-level metadata entry as a root attribute for h5py users: strings as strings,
 * numbers as int64 (safe integers) or float64, arrays of numbers as arrays, anything else
 * (booleans, null, objects, other arrays) as its JSON text. Entries with reserved or
 * non-identifier names are left to the JSON attribute `metadata` alone.
 */
function mirrorAttribute(file: H5File, key: string, value: unknown): void {
  if (RESERVED_ATTRIBUTES.has(key) || key === 'metadata') return;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return;
  const isNumbers = Array.isArray(value) && value.length > 0 && value.every(isNumber);
  if (typeof value === 'string') {
    file.create_attribute(key, value);
  } else if (typeof value === 'number' && Number.isSafeInteger(value)) {
    writeInteger(file, key, value);
  } else if (typeof value === 'number') {
    file.create_attribute(key, Float64Array.of(value), [], '<d');
  } else if (isNumbers && value.every((x) => Number.isSafeInteger(x))) {
    file.create_attribute(key, BigInt64Array.from(value as number[], BigInt), [value.length], '<q');
  } else if (isNumbers) {
    file.create_attribute(key, Float64Array.from(value as number[]), [value.length], '<d');
  } else {
    file.create_attribute(key, JSON.stringify(value));
  }
}

function isNumber(x: unknown): x is number {
  return typeof x === 'number';
}

function writeInteger(file: H5File, name: string, value: number): void {
  file.create_attribute(name, BigInt64Array.of(BigInt(value)), [], '<q');
}

function createSeries(file: H5File, name: string, dtype: '<d' | '<q'): void {
  file.create_dataset({
    name,
    data: dtype === '<d' ? new Float64Array(0) : new BigInt64Array(0),
    shape: [0],
    maxshape: [null],
    chunks: [SERIES_CHUNK],
    dtype,
  });
}

/** Options of {@link Ensemble.configuration}. */
export interface ConfigurationOptions {
  /**
   * Largest allowed |U U^dagger - 1| component (default 1e-5, loose enough for links that
   * passed through float32); `Infinity` skips the check (non-finite values still fail).
   */
  unitarityTolerance?: number;
}

/** An ensemble file opened for reading; see the module header for the layout. */
export interface Ensemble {
  /** The file name. */
  readonly path: string;
  /** N, dims and the other metadata entries (from the JSON attribute `metadata`). */
  readonly metadata: EnsembleMetadata;
  /** The lattice of every configuration. */
  readonly lattice: Lattice;
  /** Number of configurations. */
  readonly count: number;
  /** `/beta`, one per configuration. */
  readonly beta: Float64Array;
  /** `/sweep`, one per configuration. */
  readonly sweep: Float64Array;
  /** `/observables/<name>`, by name (sorted), one value per configuration. */
  readonly observables: Record<string, Float64Array>;
  /**
   * Reads configuration i (0 <= i < count) as a gauge field, checking that its values are
   * finite and its links unitary within `options.unitarityTolerance`.
   */
  configuration(i: number, options?: ConfigurationOptions): GaugeField;
  /** Closes the file; configuration() fails afterwards. */
  close(): void;
}

class OpenEnsemble implements Ensemble {
  readonly lattice: Lattice;
  private file: H5File | undefined;

  constructor(
    readonly path: string,
    readonly metadata: EnsembleMetadata,
    readonly count: number,
    readonly beta: Float64Array,
    readonly sweep: Float64Array,
    readonly observables: Record<string, Float64Array>,
    private readonly layout: Layout,
    private readonly module: H5Module,
    file: H5File,
  ) {
    this.lattice = new Lattice(layout.dims);
    this.file = file;
  }

  configuration(i: number, options: ConfigurationOptions = {}): GaugeField {
    const fn = 'Ensemble.configuration';
    if (this.file === undefined) throw new FileError(`${fn}: ${this.path} is closed`);
    checkInteger(fn, 'i', i, 0, this.count - 1);
    const tolerance = options.unitarityTolerance ?? DEFAULT_UNITARITY_TOLERANCE;
    const layout = this.layout;
    const links = new Float64Array(layout.perConfig);
    const rest = layout.configShape.slice(1);
    for (let s0 = 0; s0 < layout.V; s0 += layout.chunkSites) {
      const s1 = Math.min(layout.V, s0 + layout.chunkSites);
      const slab = links.subarray(s0 * layout.perSite, s1 * layout.perSite);
      const count = [1, s1 - s0, ...rest];
      transfer(
        this.module,
        this.file,
        fn,
        this.path,
        '/links',
        [i, s0, 0, 0, 0, 0],
        count,
        bytesOf(slab),
        false,
      );
    }
    for (let k = 0; k < links.length; k++) {
      if (!Number.isFinite(links[k])) {
        throw new FileError(
          `${fn}: ${this.path}: invalid /links[${i}]: expected finite numbers, got ${links[k]} ` +
            `at index ${k}`,
        );
      }
    }
    const field = new GaugeField(this.lattice, kernelsFor(layout.N), links);
    if (tolerance !== Infinity) {
      const violation = field.unitarityViolation();
      if (!(violation <= tolerance)) {
        throw new FileError(
          `${fn}: ${this.path}: invalid /links[${i}]: expected SU(${layout.N}) links ` +
            `(max |U U^dagger - 1| <= ${tolerance}), got ${violation}`,
        );
      }
    }
    return field;
  }

  close(): void {
    const file = this.file;
    this.file = undefined;
    file?.close();
  }
}

/**
 * Opens an ensemble file for reading (layout in the module header): validates the format
 * attributes, that N, dims and D agree with the shape of `/links`, and that `/beta`,
 * `/sweep` and every `/observables/<name>` hold one value per configuration; reads those
 * series. Configurations are read on demand with {@link Ensemble.configuration}.
 *
 * @throws Error naming the file, the field, what was expected and what was found: for a
 *   missing file, a file that is not HDF5, an HDF5 file that is not an ensemble, or an
 *   ensemble whose shapes disagree.
 */
export async function openEnsemble(path: string): Promise<Ensemble> {
  const fn = 'openEnsemble';
  if (typeof path !== 'string' || path === '') throw typeError(fn, 'path', 'a file name', path);
  const { lib, module } = await loadHdf5();
  const file = openExisting(lib, fn, path, 'r');
  try {
    const s = readStructure(fn, path, file);
    const beta = readSeries(module, file, fn, path, '/beta', s.betaMeta, s.count);
    const sweep = readSeries(module, file, fn, path, '/sweep', s.sweepMeta, s.count);
    const observables: Record<string, Float64Array> = {};
    for (const [name, meta] of s.observables) {
      observables[name] = readSeries(module, file, fn, path, obs(name), meta, s.count);
    }
    return new OpenEnsemble(
      path,
      s.metadata,
      s.count,
      beta,
      sweep,
      observables,
      s.layout,
      module,
      file,
    );
  } catch (error) {
    file.close();
    throw error;
  }
}
