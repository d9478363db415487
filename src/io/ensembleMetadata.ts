/**
 * The identifying metadata of an ensemble file: what determines its configurations (N, dims,
 * and any JSON-serialisable entries such as the algorithm, its parameters, the seed, the
 * measurements and the backend), how it is checked and compared (the first differing key of a
 * resumed run), and how its top-level entries are mirrored as root attributes for h5py users.
 * What merely describes a run (creation time, software version, host) is its provenance
 * (./ensembleProvenance.ts), kept apart and never compared.
 *
 * @module
 */
import { checkInteger, describe, rangeError, typeError } from '../core/validate.js';
import { DEFAULT_CHUNK_BYTES, Layout, RESERVED_ATTRIBUTES } from './ensembleFormat.js';
import { writeInteger, type H5File } from './hdf5.js';

/**
 * The identifying metadata of an ensemble: the number of colours `N`, the lattice extents
 * `dims`, and any other JSON-serialisable entries that determine the configurations
 * (algorithm and its parameters, seed, measurements, backend, ...): a resumed run must give
 * equal values. Stored as the root attributes `N`, `dims`, `D` and the JSON attribute
 * `metadata`; see the module header for the file layout. Creation time, software version and
 * host are provenance (./ensembleProvenance.ts), not metadata.
 */
export interface EnsembleMetadata {
  /** Number of colours, >= 2. */
  N: number;
  /** Lattice extents [L0, ..., L(D-1)], D >= 2. */
  dims: number[];
  /** Anything else, JSON-serialisable (no undefined inside arrays, no NaN, no Date objects). */
  [key: string]: unknown;
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

/** JSON text in plain ASCII (non-ASCII characters as `\\uXXXX` escapes), for HDF5 attributes. */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** True for a plain object (not an array, not a class instance, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Validates N and dims of writer metadata; returns the layout and the other entries as JSON. */
export function checkMetadata(
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

/**
 * Mirrors a top-level metadata entry as a root attribute for h5py users: strings as strings,
 * numbers as int64 (safe integers) or float64, arrays of numbers as arrays, anything else
 * (booleans, null, objects, other arrays) as its JSON text. Entries with reserved or
 * non-identifier names are left to the JSON attribute `metadata` alone.
 */
export function mirrorAttribute(file: H5File, key: string, value: unknown): void {
  if (RESERVED_ATTRIBUTES.has(key)) return;
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
