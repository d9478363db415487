/**
 * The HDF5 plumbing under the ensemble reader and writer: loading h5wasm on first use with the
 * library's error printing kept off the terminal, opening a file only after checking its
 * signature (h5wasm does not throw for a non-HDF5 file), hyperslab reads and writes whose HDF5
 * status is checked (h5wasm ignores it), and integer attributes. Knows nothing of the ensemble
 * format (src/io/ensembleFormat.ts).
 *
 * @module
 */
import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readSync,
  statSync,
  unlinkSync,
} from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { threadId } from 'node:worker_threads';
import type * as H5 from 'h5wasm/node';
import { describe } from '../core/validate.js';
import { FileError } from '../core/fileError.js';

/** The h5wasm library object. */
export type H5Lib = typeof H5.default;
/** The h5wasm Emscripten module (low-level calls, the WebAssembly heap). */
export type H5Module = Awaited<H5Lib['ready']>;
/** An open HDF5 file. */
export type H5File = H5.File;
/** An HDF5 dataset. */
export type H5Dataset = H5.Dataset;
/** An HDF5 group. */
export type H5Group = H5.Group;
/** The type and shape of a dataset. */
export type H5Metadata = H5.Metadata;

/** HDF5 type classes (H5T_class_t). */
export const H5T_INTEGER = 0;
export const H5T_FLOAT = 1;
export const H5T_STRING = 3;

/** Loads h5wasm on first use (no work at import time), its error printing redirected. */
export async function loadHdf5(): Promise<{ lib: H5Lib; module: H5Module }> {
  const lib = (await import('h5wasm/node')).default;
  const module = await lib.ready;
  diagnostics ??= redirectDiagnostics(module);
  return { lib, module };
}

/**
 * Where HDF5's error stacks go instead of the terminal. On a failed call the library prints
 * its whole error stack (about 25 lines of `HDF5-DIAG` traces with the paths of its C sources)
 * on the standard error of the WebAssembly module; its switch for that, H5Eset_auto2, is not
 * exported by h5wasm. h5wasm's Node build maps the module's file descriptors onto Node's
 * (Emscripten's NODERAWFS: a stream's Node descriptor is its `nfd`), so the module's fd 2 is
 * pointed at an unlinked temporary file, opened for appending, from which
 * {@link takeHdf5Diagnostic} reads the innermost message for our one-line errors. Node's own
 * stderr is untouched. `undefined` when the build is not of that kind (then HDF5 prints).
 */
let diagnostics: { fd: number } | undefined;

function redirectDiagnostics(module: H5Module): { fd: number } | undefined {
  const stream = (
    module.FS as unknown as { getStream(fd: number): { nfd?: unknown } | null }
  ).getStream(2);
  if (stream === null || typeof stream.nfd !== 'number') return undefined;
  const path = hdf5DiagnosticsPath();
  let fd: number;
  try {
    // 'x': created here, never an existing file another thread is about to unlink
    fd = openSync(path, 'ax+');
  } catch {
    return undefined; // no writable temporary directory: HDF5 prints, files still open
  }
  unlinkSync(path);
  stream.nfd = fd;
  return { fd };
}

/**
 * A fresh path for the diagnostics file of this thread's h5wasm module. Unique per call: the
 * worker threads of one process share its pid and may load h5wasm in the same millisecond
 * (a name of pid and time once made two threads open and unlink one file, and the second
 * unlink failed the training worker with ENOENT).
 */
export function hdf5DiagnosticsPath(): string {
  return join(tmpdir(), `lattice-gauge-hdf5-${process.pid}-${threadId}-${randomUUID()}.log`);
}

/**
 * The innermost message of the last error stack HDF5 printed since the previous call, e.g.
 * `truncated file: eof = 3000, sblock->base_addr = 0, stored_eof = 91875`, or undefined;
 * forgets what was printed.
 */
export function takeHdf5Diagnostic(): string | undefined {
  if (diagnostics === undefined) return undefined;
  const size = fstatSync(diagnostics.fd).size;
  if (size === 0) return undefined;
  const bytes = new Uint8Array(size);
  readSync(diagnostics.fd, bytes, 0, size, 0);
  ftruncateSync(diagnostics.fd, 0);
  // A stack lists "#000: file line n in function(): message", outermost first.
  let innermost: string | undefined;
  for (const line of new TextDecoder().decode(bytes).split('\n')) {
    const entry = /^\s*#\d+: .* in [^ ]*\(\): (.*)$/.exec(line);
    if (entry) innermost = entry[1].trim();
  }
  return innermost;
}

/** `: <innermost HDF5 message>` when HDF5 printed one since the last call, else ''. */
export function hdf5Detail(): string {
  const message = takeHdf5Diagnostic();
  return message === undefined ? '' : `: ${message}`;
}

/** An error about a file's content: `fn: file: invalid field: expected ..., got ...`. */
export function fileError(
  fn: string,
  file: string,
  field: string,
  expected: string,
  got: unknown,
): Error {
  return new FileError(
    `${fn}: ${file}: invalid ${field}: expected ${expected}, got ${describe(got)}`,
  );
}

/** The 8 bytes that open an HDF5 superblock (File Format Specification 3.0, II.A). */
const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** True when the file starts with the HDF5 signature (at 0, 512, 1024, ... for a user block). */
export function hasHdf5Signature(path: string): boolean {
  const size = statSync(path).size;
  const buffer = new Uint8Array(8);
  const fd = openSync(path, 'r');
  try {
    for (let offset = 0; offset + 8 <= size; offset = offset === 0 ? 512 : offset * 2) {
      if (readSync(fd, buffer, 0, 8, offset) !== 8) return false;
      if (HDF5_SIGNATURE.every((byte, k) => buffer[k] === byte)) return true;
    }
    return false;
  } finally {
    closeSync(fd);
  }
}

/**
 * Completes the last step of an interrupted HDF5 flush: extends the file to the end-of-file
 * address its superblock stores, when the file is shorter. Returns the bytes added (0 when
 * nothing was missing or the superblock is not one this reads).
 *
 * Why: HDF5 writes the superblock (which holds the end-of-file address) and sets the file's
 * length (H5FD_truncate) as separate steps of a flush or close, and the length may change
 * after the superblock was written: allocated space never written becomes zeros, space freed
 * at the end on close is cut off. A process killed between the steps leaves a file HDF5
 * refuses to open ("truncated file: eof = ..., stored_eof = ..."; seen in the fault test of
 * lgt generate, killed in finalize's close: the file had its final length, the superblock
 * still the larger end of the last flush). In both cases nothing the metadata refers to lies
 * in the missing tail, so zeros restore a file HDF5 opens. Superblock layouts: HDF5 File
 * Format Specification 3.0, section II.A (versions 0 and 1: the addresses after 24 or 28 bytes
 * of fields; versions 2 and 3: after 12); only 8-byte addresses, at offset 0.
 */
export function completeInterruptedFlush(path: string): number {
  const header = new Uint8Array(64);
  const fd = openSync(path, 'r+');
  try {
    const size = fstatSync(fd).size;
    if (readSync(fd, header, 0, header.length, 0) !== header.length) return 0;
    if (!HDF5_SIGNATURE.every((byte, k) => header[k] === byte)) return 0;
    const version = header[8];
    const sizeOfOffsets = version >= 2 ? header[9] : header[13];
    if (sizeOfOffsets !== 8) return 0;
    // the base address, then (versions 0, 1: the free-space address) the end-of-file address
    const base = version >= 2 ? 12 : version === 1 ? 28 : 24;
    const view = new DataView(header.buffer);
    const baseAddress = view.getBigUint64(base, true);
    const endOfFile = view.getBigUint64(base + 2 * 8, true);
    const stored = Number(baseAddress + endOfFile);
    if (!Number.isSafeInteger(stored) || stored <= size) return 0;
    ftruncateSync(fd, stored);
    fsyncSync(fd);
    return stored - size;
  } finally {
    closeSync(fd);
  }
}

/** Opens an existing HDF5 file after checking that it is one (h5wasm does not throw). */
export function openExisting(lib: H5Lib, fn: string, path: string, mode: 'r' | 'a'): H5File {
  if (!existsSync(path)) throw new FileError(`${fn}: ${path}: no such file`);
  if (!statSync(path).isFile()) throw new FileError(`${fn}: ${path}: not a regular file`);
  if (!hasHdf5Signature(path)) {
    throw new FileError(`${fn}: ${path}: not an HDF5 file (no HDF5 signature found)`);
  }
  takeHdf5Diagnostic(); // forget what earlier calls printed
  const file = new lib.File(resolve(path), mode);
  if (file.file_id < 0n) {
    const why = takeHdf5Diagnostic() ?? 'damaged or truncated?';
    throw new FileError(`${fn}: ${path}: HDF5 could not open the file (${why})`);
  }
  return file;
}

/**
 * Opens the `.partial` file of an interrupted run for appending: first completes a flush the
 * kill may have cut short ({@link completeInterruptedFlush}), then {@link openExisting}.
 */
export function openInterrupted(lib: H5Lib, fn: string, partialPath: string): H5File {
  try {
    completeInterruptedFlush(partialPath);
  } catch {
    // missing, not a file, not readable or writable: openExisting names the problem
  }
  return openExisting(lib, fn, partialPath, 'a');
}

/** The root attributes of a file, read for checks and messages. */
export interface RootAttributes {
  /** The attribute's value, or undefined when the file has no such attribute. */
  get(name: string): unknown;
  /** A value as messages show it: "no such attribute" for undefined. */
  shown(value: unknown): unknown;
}

/** Reads root attributes by name without throwing for missing ones (h5wasm does). */
export function rootAttributes(file: H5File): RootAttributes {
  const names = new Set(Object.keys(file.attrs));
  return {
    get: (name) => (names.has(name) ? file.get_attribute(name, false) : undefined),
    shown: (value) => (value === undefined ? 'no such attribute' : value),
  };
}

/** Name of an HDF5 numeric or string type, for messages. */
export function typeName(meta: H5Metadata): string {
  if (meta.type === H5T_FLOAT) return `float${8 * meta.size}`;
  if (meta.type === H5T_INTEGER) return `${meta.signed ? 'int' : 'uint'}${8 * meta.size}`;
  if (meta.type === H5T_STRING) return 'string';
  return `HDF5 type class ${meta.type}`;
}

/** Converts an attribute value to a JS number array when it holds integers only. */
export function integersOf(value: unknown): number[] | undefined {
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
export function integerOf(value: unknown): number | undefined {
  const items = integersOf(value);
  return items && items.length === 1 ? items[0] : undefined;
}

/** Reads or writes a hyperslab of a dataset, checking HDF5's status (h5wasm ignores it). */
export function transfer(
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
          `count ${describe(count)} (status ${status})${hdf5Detail()}`,
      );
    }
    if (!write) bytes.set(module.HEAPU8.subarray(ptr, ptr + bytes.byteLength));
  } finally {
    module._free(ptr);
  }
}

export function bytesOf(array: Float64Array | BigInt64Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/** Reads the first n elements of a numeric 1-D dataset as float64. */
export function readSeries(
  module: H5Module,
  file: H5File,
  fn: string,
  filePath: string,
  path: string,
  meta: H5Metadata,
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

export function resizeDataset(
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
      `${fn}: ${filePath}: HDF5 failed to resize ${path} to ${describe(shape)} ` +
        `(status ${status})${hdf5Detail()}`,
    );
  }
}

/** Writes an int64 scalar attribute. */
export function writeInteger(file: H5File, name: string, value: number): void {
  file.create_attribute(name, BigInt64Array.of(BigInt(value)), [], '<q');
}
