/**
 * Room to grow a file, checked before a write that must not fail halfway. An HDF5 flush that
 * fails for want of space can leave the file's superblock describing data that never reached
 * the disk (seen with a file-size limit: the superblock says 358567 bytes, the file holds
 * 307200, and HDF5 no longer opens it), which would destroy the durable state a checkpoint
 * describes. So the ensemble writer asks here first, and fails cleanly, before HDF5 writes
 * anything, when the file cannot grow by the bytes it is about to add:
 *
 * - a full file system: statfs(2) says fewer bytes are available to us than needed;
 * - a file-size limit (`ulimit -f`, RLIMIT_FSIZE): one byte written at the offset the file
 *   would reach fails with EFBIG (Node ignores SIGXFSZ); the file is truncated back to its size
 *   at once, so it is left as it was.
 *
 * A race with another writer filling the disk between this check and the write remains
 * possible; the check removes the ordinary case of a disk that fills up during a long run.
 *
 * @module
 */
import { closeSync, fstatSync, ftruncateSync, openSync, statfsSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { FileError } from './fileError.js';

function mebibytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/**
 * Throws unless the existing file `path` can grow by `bytes`: names the file, the bytes needed
 * and why not (the space left on its file system, or the file-size limit).
 */
export function checkRoom(fn: string, path: string, bytes: number): void {
  const stats = statfsSync(dirname(resolve(path)));
  const available = Number(stats.bavail) * Number(stats.bsize);
  if (available < bytes) {
    throw new FileError(
      `${fn}: ${path}: no room for ${mebibytes(bytes)} more: its file system has ` +
        `${mebibytes(available)} left (ENOSPC)`,
    );
  }
  const fd = openSync(path, 'r+');
  try {
    const size = fstatSync(fd).size;
    try {
      writeSync(fd, new Uint8Array(1), 0, 1, size + bytes - 1);
    } catch (error) {
      throw new FileError(
        `${fn}: ${path}: cannot grow by ${mebibytes(bytes)} beyond its ${mebibytes(size)} ` +
          `(${(error as Error).message}: a file-size limit, ulimit -f?)`,
        { cause: error },
      );
    } finally {
      ftruncateSync(fd, size);
    }
  } finally {
    closeSync(fd);
  }
}
