/**
 * Checkpoints: the state from which a killed Monte Carlo run resumes bit-for-bit.
 *
 * The random numbers are counter-based (Philox keyed by the seed, counters from the sweep
 * numbers, DESIGN.md 3), so the state is small: the current links, the sweep completed,
 * the number of configurations already in the ensemble file, the index into the run's list
 * of beta values, the run's identifying metadata (to refuse a resume with other parameters;
 * never the describing part, src/io/ensembleProvenance.ts), and the run's own state beside
 * the links (`state`: the chains' tuned parameters and diagnostics, ./chainHealth.ts).
 *
 * File format (format "lattice-gauge-checkpoint", version 1), little-endian throughout:
 *
 * ```text
 * lattice-gauge-checkpoint 1\n                                      line 1: magic and version
 * {"sweep":..,"configsWritten":..,"betaIndex":..,"linksLength":L,
 *  "linksCrc32":"89abcdef","metadata":{..},"state":{..}}\n         line 2: JSON header, one line
 * L float64 numbers (8 L bytes, IEEE 754 little-endian)             the links, raw
 * 4 bytes: CRC-32 of every byte before it (uint32 little-endian)   trailer
 * ```
 *
 * Both checksums are the CRC-32 of zlib, gzip and PNG (IEEE 802.3 polynomial 0xEDB88320,
 * reflected, initial and final XOR 0xFFFFFFFF; `zlib.crc32` in Node, `zlib.crc32` in
 * Python). `linksCrc32` (8 hex digits) covers the link bytes alone, so a damaged payload is
 * reported as such; the trailer covers the magic line, the header and the links.
 *
 * The file is written atomically (temporary file in the same directory, fsync, rename,
 * fsync of the directory: src/core/atomicWrite.ts): a crash leaves the previous
 * checkpoint or the new one under the final name, never a mixture.
 *
 * @module
 */
import { promises as fsp } from 'node:fs';
import { endianness } from 'node:os';
import { crc32 } from 'node:zlib';
import {
  checkJsonObject,
  formatMetadataValue,
  metadataDifference,
} from '../io/ensembleMetadata.js';
import { writeFileAtomic } from '../core/atomicWrite.js';
import { checkInteger, typeError } from '../core/validate.js';
import { FileError } from '../core/fileError.js';

/** The first line of a checkpoint file, without its newline. */
export const CHECKPOINT_MAGIC = 'lattice-gauge-checkpoint 1';

/** Longest JSON header line accepted on read (bytes). */
const MAX_HEADER_BYTES = 64 * 2 ** 20;

/** The state of a run at a checkpoint. */
export interface Checkpoint {
  /** The run's metadata (JSON-serialisable), compared on resume. */
  metadata: Record<string, unknown>;
  /** Sweeps completed at the current beta. */
  sweep: number;
  /** Configurations already written to the ensemble file. */
  configsWritten: number;
  /** Index of the current beta in the run's list of beta values. */
  betaIndex: number;
  /** The current links, in the layout of GaugeField.links. */
  links: Float64Array;
  /** The run's state beside the links (JSON; optional, `{}` when absent). */
  state?: Record<string, unknown>;
}

function hex(x: number): string {
  return x.toString(16).padStart(8, '0');
}

function checkLittleEndian(fn: string): void {
  if (endianness() !== 'LE') {
    throw new FileError(
      `${fn}: checkpoints are little-endian; this ${endianness()} host is unsupported`,
    );
  }
}

/**
 * Writes a checkpoint atomically: a temporary file in the same directory, fsync, then a
 * rename over `path` (format in the module header). An existing checkpoint at `path` is
 * replaced only by a complete new one; a failure leaves it as it was and no temporary file.
 *
 * @throws TypeError/RangeError naming the field of `checkpoint` that is invalid.
 */
export async function writeCheckpoint(path: string, checkpoint: Checkpoint): Promise<void> {
  const fn = 'writeCheckpoint';
  if (typeof path !== 'string' || path === '') throw typeError(fn, 'path', 'a file name', path);
  if (typeof checkpoint !== 'object' || checkpoint === null) {
    throw typeError(fn, 'checkpoint', 'a Checkpoint', checkpoint);
  }
  checkInteger(fn, 'checkpoint.sweep', checkpoint.sweep, 0);
  checkInteger(fn, 'checkpoint.configsWritten', checkpoint.configsWritten, 0);
  checkInteger(fn, 'checkpoint.betaIndex', checkpoint.betaIndex, 0);
  const links = checkpoint.links;
  if (!(links instanceof Float64Array)) {
    throw typeError(fn, 'checkpoint.links', 'a Float64Array', links);
  }
  const metadata = checkJsonObject(fn, 'checkpoint.metadata', checkpoint.metadata);
  const state = checkJsonObject(fn, 'checkpoint.state', checkpoint.state ?? {});
  checkLittleEndian(fn);

  // A private copy (the links may live in a SharedArrayBuffer that workers still write).
  const payload = new Uint8Array(links.byteLength);
  payload.set(new Uint8Array(links.buffer, links.byteOffset, links.byteLength));
  const header = {
    sweep: checkpoint.sweep,
    configsWritten: checkpoint.configsWritten,
    betaIndex: checkpoint.betaIndex,
    linksLength: links.length,
    linksCrc32: hex(crc32(payload)),
    metadata,
    state,
  };
  const head = new TextEncoder().encode(`${CHECKPOINT_MAGIC}\n${JSON.stringify(header)}\n`);
  const trailer = new Uint8Array(4);
  new DataView(trailer.buffer).setUint32(0, crc32(payload, crc32(head)), true);
  await writeFileAtomic(path, [head, payload, trailer]);
}

/**
 * Reads a checkpoint and verifies it: the magic line, the header, the file length, the
 * CRC-32 of the links and of the whole file, and, when `expectedMetadata` is given, that
 * the checkpoint's metadata equal it.
 *
 * @throws Error whose message starts `checkpoint <path>:` and says what is wrong: missing,
 *   not a checkpoint, truncated, damaged (which checksum), or a metadata mismatch naming the
 *   first differing key and both values (e.g. `metadata mismatch in beta: checkpoint has 2.3,
 *   run has 2.4`).
 */
export async function readCheckpoint(
  path: string,
  expectedMetadata?: Record<string, unknown>,
): Promise<Checkpoint> {
  const fn = 'readCheckpoint';
  if (typeof path !== 'string' || path === '') throw typeError(fn, 'path', 'a file name', path);
  const expected =
    expectedMetadata === undefined
      ? undefined
      : checkJsonObject(fn, 'expectedMetadata', expectedMetadata);
  checkLittleEndian(fn);
  const fail = (what: string): FileError => new FileError(`checkpoint ${path}: ${what}`);

  let bytes: Uint8Array;
  try {
    bytes = await fsp.readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw fail(code === 'ENOENT' ? 'no such file' : `cannot read: ${(error as Error).message}`);
  }

  const magic = new TextEncoder().encode(`${CHECKPOINT_MAGIC}\n`);
  if (bytes.length < magic.length || magic.some((b, k) => bytes[k] !== b)) {
    const firstLine = new TextDecoder().decode(bytes.subarray(0, 40)).split('\n')[0];
    if (bytes.length < magic.length && CHECKPOINT_MAGIC.startsWith(firstLine)) {
      throw fail(`truncated: ${bytes.length} bytes, shorter than the first line`);
    }
    throw fail(
      `not a lattice-gauge checkpoint: expected the first line "${CHECKPOINT_MAGIC}", ` +
        `got ${JSON.stringify(firstLine)}`,
    );
  }
  const limit = Math.min(bytes.length, magic.length + MAX_HEADER_BYTES);
  const newline = bytes.subarray(magic.length, limit).indexOf(0x0a);
  if (newline < 0) throw fail('truncated: the header line has no end');
  const headerEnd = magic.length + newline + 1;
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(magic.length, headerEnd - 1)));
  } catch {
    throw fail('damaged: the header line is not valid JSON');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw fail('damaged: the header line is not a JSON object');
  }
  for (const field of ['sweep', 'configsWritten', 'betaIndex', 'linksLength']) {
    const value = header[field];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw fail(
        `invalid header field ${field}: expected an integer >= 0, got ${formatMetadataValue(value)}`,
      );
    }
  }
  const linksCrc = header.linksCrc32;
  if (typeof linksCrc !== 'string' || !/^[0-9a-f]{8}$/.test(linksCrc)) {
    throw fail(
      `invalid header field linksCrc32: expected 8 hex digits, got ${formatMetadataValue(linksCrc)}`,
    );
  }
  const metadata = header.metadata;
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw fail(
      `invalid header field metadata: expected a JSON object, got ${formatMetadataValue(metadata)}`,
    );
  }

  const state = header.state ?? {};
  if (typeof state !== 'object' || state === null || Array.isArray(state)) {
    throw fail(
      `invalid header field state: expected a JSON object, got ${formatMetadataValue(state)}`,
    );
  }

  const length = header.linksLength as number;
  const expectedBytes = headerEnd + 8 * length + 4;
  if (bytes.length < expectedBytes) {
    throw fail(`truncated: expected ${expectedBytes} bytes, got ${bytes.length}`);
  }
  if (bytes.length > expectedBytes) {
    throw fail(
      `damaged: ${bytes.length - expectedBytes} unexpected bytes after the end ` +
        `(expected ${expectedBytes} bytes, got ${bytes.length})`,
    );
  }
  const payload = bytes.subarray(headerEnd, headerEnd + 8 * length);
  const actualLinksCrc = hex(crc32(payload));
  if (actualLinksCrc !== linksCrc) {
    throw fail(
      `damaged links: checksum mismatch: header says crc32 ${linksCrc}, the links give ` +
        `${actualLinksCrc}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stored = hex(view.getUint32(expectedBytes - 4, true));
  const actual = hex(crc32(bytes.subarray(0, expectedBytes - 4)));
  if (stored !== actual) {
    throw fail(
      `damaged header or trailer: checksum mismatch: trailer says crc32 ${stored}, the file ` +
        `gives ${actual}`,
    );
  }

  if (expected !== undefined) {
    const d = metadataDifference(metadata, expected);
    if (d) {
      throw fail(
        `metadata mismatch in ${d.key}: checkpoint has ${formatMetadataValue(d.a)}, ` +
          `run has ${formatMetadataValue(d.b)}`,
      );
    }
  }

  const links = new Float64Array(length);
  new Uint8Array(links.buffer).set(payload);
  return {
    metadata: metadata as Record<string, unknown>,
    sweep: header.sweep as number,
    configsWritten: header.configsWritten as number,
    betaIndex: header.betaIndex as number,
    links,
    state: state as Record<string, unknown>,
  };
}
