/**
 * Crash-safe file replacement (DESIGN.md 5: "Writers write to a temporary file and rename: a
 * crash never leaves a half-written file under the final name").
 *
 * The recipe, used by every writer of the project:
 *
 * 1. write the whole content to a temporary file in the same directory as the target (a
 *    rename is atomic only within one file system), named `.<target name>.tmp-<pid>-<random>`;
 * 2. fsync the temporary file, so its content is on disk before its name is;
 * 3. rename it over the target (POSIX rename replaces an existing file atomically: a reader
 *    sees the old file or the new one, never a mixture);
 * 4. fsync the directory, so the rename itself survives a power failure.
 *
 * If anything fails before step 3 the temporary file is removed and the target is untouched;
 * the error (a {@link FileError}) names the target and says so, e.g. for a full disk or a
 * file-size limit (ENOSPC, EFBIG). A process killed between steps 1 and 3 leaves only a
 * `.tmp-` file beside an intact target. (The fault points of ./faultPoint.ts, a test hook,
 * mark those windows.)
 *
 * All file system calls go through `fs.promises` (looked up at call time), so tests can
 * simulate a failure at any step.
 *
 * @module
 */
import { closeSync, fsyncSync, openSync, promises as fsp } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { faultPoint } from './faultPoint.js';
import { FileError } from './fileError.js';

/** A fresh temporary name beside `path`: same directory, hidden, unique per process and call. */
export function temporaryPathFor(path: string): string {
  const tag = `${process.pid}-${randomBytes(6).toString('hex')}`;
  return join(dirname(path), `.${basename(path)}.tmp-${tag}`);
}

/**
 * Flushes a file's data to stable storage (fsync on a new descriptor: on Linux and macOS the
 * flush applies to the file, whichever descriptor asks for it).
 */
export async function fsyncFile(path: string): Promise<void> {
  const handle = await fsp.open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Flushes a directory entry table, making a rename or a new file in it durable. Platforms
 * that cannot open a directory for syncing (Windows) skip this step.
 */
export async function fsyncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await fsp.open(dir, 'r');
  } catch {
    return;
  }
  try {
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EPERM' && code !== 'EISDIR') throw error;
  } finally {
    await handle.close();
  }
}

/**
 * Durably renames `from` to `to` (atomically replacing `to` when it exists): fsyncs `from`,
 * renames, then fsyncs the directory of `to`.
 */
export async function renameDurable(from: string, to: string): Promise<void> {
  await fsyncFile(from);
  await fsp.rename(from, to);
  await fsyncDirectory(dirname(to));
}

/**
 * Writes `parts` (concatenated) to `path` atomically: temporary file, fsync, rename, fsync of
 * the directory. On failure the temporary file is removed and `path` keeps its old content.
 *
 * @throws FileError naming `path` and the system's reason (its `code`, e.g. ENOSPC or EFBIG,
 *   is kept), and saying that the previous content is unchanged; the system error is its
 *   `cause`.
 */
export async function writeFileAtomic(path: string, parts: readonly Uint8Array[]): Promise<void> {
  const temporary = temporaryPathFor(path);
  let handle;
  try {
    handle = await fsp.open(temporary, 'wx');
  } catch (error) {
    throw writeFailure(path, error);
  }
  let open = true;
  try {
    for (const [k, part] of parts.entries()) {
      let written = 0;
      while (written < part.byteLength) {
        const { bytesWritten } = await handle.write(part, written, part.byteLength - written);
        written += bytesWritten;
      }
      if (k === 0 && parts.length > 1) faultPoint('atomic-write:partial');
    }
    await handle.sync();
    open = false;
    await handle.close();
    faultPoint('atomic-write:before-rename');
    await fsp.rename(temporary, path);
  } catch (error) {
    if (open) await handle.close().catch(() => undefined);
    await fsp.rm(temporary, { force: true }).catch(() => undefined);
    throw writeFailure(path, error);
  }
  faultPoint('atomic-write:after-rename');
  await fsyncDirectory(dirname(path));
}

/** The error of a failed atomic write: names the file, keeps the system's code and cause. */
function writeFailure(path: string, error: unknown): FileError {
  const reason = (error as Error | undefined)?.message ?? String(error);
  const failure = new FileError(
    `${path}: could not be written (${reason}); its previous content, if any, is unchanged`,
    { cause: error },
  );
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') Object.assign(failure, { code });
  return failure;
}

/** Synchronous {@link fsyncFile}, for the synchronous `flush()` of long-lived writers. */
export function fsyncFileSync(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
