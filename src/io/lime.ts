/**
 * LIME ("Lattice QCD Interchange Message Encapsulation", USQCD c-lime 1.2): the container of
 * ILDG and SciDAC files. A file is a sequence of records; each record is a 144-byte header,
 * its data, and zero padding up to a multiple of 8 bytes. Header (all big-endian):
 *
 * | bytes   | content                                                          |
 * | ------- | ---------------------------------------------------------------- |
 * | 0-3     | magic number 0x456789AB                                          |
 * | 4-5     | LIME version, 1                                                  |
 * | 6-7     | flags: bit 15 message begin (MB), bit 14 message end (ME)        |
 * | 8-15    | data length in bytes (uint64, without the padding)               |
 * | 16-143  | record type, ASCII, NUL-padded (e.g. `ildg-binary-data`)          |
 *
 * Records group into messages: the first record of a message has MB set, the last ME.
 *
 * @module
 */
import { FileError } from '../core/fileError.js';

/** The LIME magic number, the first four bytes of every record header. */
export const LIME_MAGIC = 0x456789ab;
/** Bytes of a LIME record header. */
export const LIME_HEADER_BYTES = 144;
/** Bytes of the type field of a header. */
const TYPE_BYTES = 128;

/** A record of a LIME file: where its data lie and what its header says. */
export interface LimeRecord {
  /** The record type, e.g. `ildg-format`. */
  type: string;
  /** Byte offset of the record's data in the file. */
  offset: number;
  /** Bytes of data (without padding). */
  length: number;
  /** Message-begin flag. */
  messageBegin: boolean;
  /** Message-end flag. */
  messageEnd: boolean;
}

/** True when `bytes` start with a LIME record header (magic number and version 1). */
export function isLime(bytes: Uint8Array): boolean {
  if (bytes.byteLength < 8) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
  return view.getUint32(0, false) === LIME_MAGIC && view.getUint16(4, false) === 1;
}

/**
 * Lists the records of a LIME file, checking every header. Trailing bytes that are all zero
 * or one newline (some writers leave them) are accepted.
 *
 * @throws FileError naming the file, the record and the values: a bad magic number or version,
 *   a record that runs past the end of the file (truncated), or an empty file.
 */
export function parseLimeRecords(bytes: Uint8Array, path: string, fn: string): LimeRecord[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: LimeRecord[] = [];
  let at = 0;
  while (at < bytes.byteLength) {
    const rest = bytes.subarray(at);
    if (
      records.length > 0 &&
      (rest.every((b) => b === 0) || (rest.length === 1 && rest[0] === 10))
    ) {
      break;
    }
    const which = `LIME record ${records.length + 1} at byte ${at}`;
    if (rest.byteLength < LIME_HEADER_BYTES) {
      throw new FileError(
        `${fn}: ${path}: truncated: ${which}: expected a ${LIME_HEADER_BYTES}-byte header, ` +
          `found ${rest.byteLength} bytes`,
      );
    }
    const magic = view.getUint32(at, false);
    if (magic !== LIME_MAGIC) {
      throw new FileError(
        `${fn}: ${path}: ${which}: invalid magic number: expected 456789ab, got ` +
          magic.toString(16).padStart(8, '0'),
      );
    }
    const version = view.getUint16(at + 4, false);
    if (version !== 1) {
      throw new FileError(
        `${fn}: ${path}: ${which}: invalid LIME version: expected 1, got ${version}`,
      );
    }
    const flags = view.getUint16(at + 6, false);
    const high = view.getUint32(at + 8, false);
    const low = view.getUint32(at + 12, false);
    const length = high * 0x100000000 + low;
    const typeBytes = bytes.subarray(at + 16, at + 16 + TYPE_BYTES);
    const nul = typeBytes.indexOf(0);
    const type = Buffer.from(typeBytes.subarray(0, nul < 0 ? TYPE_BYTES : nul)).toString('latin1');
    const offset = at + LIME_HEADER_BYTES;
    if (!Number.isSafeInteger(length) || offset + length > bytes.byteLength) {
      throw new FileError(
        `${fn}: ${path}: truncated: ${which} (${type}): expected ${length} data bytes, found ` +
          `${bytes.byteLength - offset}`,
      );
    }
    records.push({
      type,
      offset,
      length,
      messageBegin: (flags & 0x8000) !== 0,
      messageEnd: (flags & 0x4000) !== 0,
    });
    at = offset + Math.ceil(length / 8) * 8;
  }
  if (records.length === 0) throw new FileError(`${fn}: ${path}: empty file: no LIME records`);
  return records;
}

/** The data of a record as text (NUL bytes at the end removed). */
export function recordText(bytes: Uint8Array, record: LimeRecord): string {
  let end = record.offset + record.length;
  while (end > record.offset && bytes[end - 1] === 0) end--;
  return Buffer.from(bytes.subarray(record.offset, end)).toString('utf8');
}

/** One record to write: its type, data and message flags. */
export interface LimeRecordSpec {
  /** Record type (ASCII, at most 128 characters). */
  type: string;
  /** The data. */
  data: Uint8Array;
  /** Message-begin flag. */
  messageBegin: boolean;
  /** Message-end flag. */
  messageEnd: boolean;
}

/** The bytes of a LIME record: header, data, zero padding to a multiple of 8. */
export function encodeLimeRecord(spec: LimeRecordSpec): Uint8Array[] {
  const header = new Uint8Array(LIME_HEADER_BYTES);
  const view = new DataView(header.buffer);
  view.setUint32(0, LIME_MAGIC, false);
  view.setUint16(4, 1, false);
  view.setUint16(6, (spec.messageBegin ? 0x8000 : 0) | (spec.messageEnd ? 0x4000 : 0), false);
  const length = spec.data.byteLength;
  view.setUint32(8, Math.floor(length / 0x100000000), false);
  view.setUint32(12, length >>> 0, false);
  const type = Buffer.from(spec.type, 'latin1');
  if (type.byteLength > TYPE_BYTES) throw new RangeError(`LIME record type too long: ${spec.type}`);
  header.set(type, 16);
  const padding = new Uint8Array((8 - (length % 8)) % 8);
  return [header, spec.data, padding];
}
