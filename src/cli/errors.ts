/**
 * Errors the CLI reports to people without a stack trace: bad options, bad files (FileError
 * and the operating system's path errors), a queue that cannot be reached (QueueError), and the
 * RangeError/TypeError that the library throws on invalid arguments (their messages already
 * name the argument, the value and what was expected).
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { FileError } from '../core/fileError.js';
import { QueueError } from '../queue/queueError.js';

/** An error caused by the user's input: printed as `lgt: message`, exit code 2. */
export class UserError extends Error {
  override name = 'UserError';
}

/** True for errors whose message is meant for the user rather than for a developer. */
export function isUserFacing(error: unknown): error is Error {
  return (
    error instanceof UserError ||
    error instanceof FileError ||
    error instanceof QueueError ||
    error instanceof RangeError ||
    error instanceof TypeError ||
    isFileSystemError(error)
  );
}

/** Errors of the operating system about paths (missing, not permitted, full disk, size limit...). */
function isFileSystemError(error: unknown): error is Error {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    error instanceof Error &&
    typeof code === 'string' &&
    [
      'ENOENT',
      'EACCES',
      'EPERM',
      'EEXIST',
      'EISDIR',
      'ENOTDIR',
      'EROFS',
      'ENOSPC',
      'EFBIG',
      'EDQUOT',
    ].includes(code)
  );
}

/** Throws a UserError when the output `path` exists and may not be replaced. */
export function refuseExisting(path: string, force: boolean, option: string): void {
  if (existsSync(path) && !force) {
    throw new UserError(`${option} ${path} already exists; use --force to replace it`);
  }
}
