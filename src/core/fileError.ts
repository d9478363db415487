/**
 * The error every reader and writer throws for a problem with a file: missing, unreadable,
 * damaged, inconsistent, or in the way. Its message names the file, the field and the values
 * found and expected; the CLI prints it without a stack trace.
 *
 * @module
 */

/** A problem with a file's existence, contents or format (not a bug in our code). */
export class FileError extends Error {
  /** Always "FileError". */
  override name = 'FileError';
}
