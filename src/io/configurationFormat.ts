/**
 * Recognises the file formats of the toolkit by their content, not their name: an HDF5
 * ensemble (the HDF5 signature at byte 0, or 512, 1024, ... after a user block), an ILDG/LIME
 * file (the LIME magic number 0x456789AB and version 1), a NERSC file (the first line
 * `BEGIN_HEADER`).
 *
 * @module
 */
import { promises as fsp } from 'node:fs';
import { FileError } from '../core/fileError.js';
import { isLime } from './lime.js';

/** The file formats the toolkit reads. */
export type ConfigurationFormat = 'hdf5' | 'ildg' | 'nersc';

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

function hasSignature(bytes: Uint8Array): boolean {
  return HDF5_SIGNATURE.every((b, k) => bytes[k] === b);
}

/**
 * The format of a file, from its first bytes (see the module header); undefined when it is
 * none of them.
 *
 * @throws FileError when the file does not exist or is not a regular file.
 */
export async function detectConfigurationFormat(
  path: string,
): Promise<ConfigurationFormat | undefined> {
  const fn = 'detectConfigurationFormat';
  let handle;
  try {
    handle = await fsp.open(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new FileError(`${fn}: ${path}: no such file`);
    throw error;
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new FileError(`${fn}: ${path}: not a regular file`);
    const head = new Uint8Array(16);
    const { bytesRead } = await handle.read(head, 0, 16, 0);
    const bytes = head.subarray(0, bytesRead);
    if (bytesRead >= 8 && hasSignature(bytes)) return 'hdf5';
    if (isLime(bytes)) return 'ildg';
    if (/^\s*BEGIN_HEADER(\s|$)/.test(Buffer.from(bytes).toString('latin1'))) return 'nersc';
    for (let offset = 512; offset + 8 <= stat.size; offset *= 2) {
      const probe = new Uint8Array(8);
      await handle.read(probe, 0, 8, offset);
      if (hasSignature(probe)) return 'hdf5';
    }
    return undefined;
  } finally {
    await handle.close();
  }
}
