/**
 * The writers' check before any work: the directory exists and the file is not in the way
 * (unless replacing it was asked for). Node only (files).
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { FileError } from '../core/fileError.js';

/**
 * Checks that `path` can be written: its directory exists, and the file does not unless
 * `force` (the same sentences as EnsembleWriter).
 */
export function checkWritable(fn: string, path: string, force: boolean): void {
  if (!existsSync(dirname(resolve(path)))) {
    throw new FileError(`${fn}: ${path}: the directory ${dirname(path)} does not exist`);
  }
  if (!force && existsSync(path)) {
    throw new FileError(
      `${fn}: ${path} already exists; pass { force: true } (lgt: --force) to replace it`,
    );
  }
}
