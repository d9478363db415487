/**
 * A reader that stops early closes the pipe (`lgt info run.h5 | head -1`,
 * `lgt generate --help | less` quit at once). Node ignores SIGPIPE, so the next write fails
 * with EPIPE, an 'error' event that nobody handles: a stack trace and exit 1. Unix tools die
 * by SIGPIPE there, silently, with status 128 + 13; `lgt` does the same when its results
 * (stdout) are no longer read. Progress and messages (stderr) are only dropped when their
 * reader has gone: a long run goes on to write its file (`lgt generate ... 2>&1 | head`).
 *
 * @module
 */

/** The exit status of a process killed by SIGPIPE (128 + 13), as a shell reports it. */
export const CLOSED_PIPE_STATUS = 141;

/**
 * Makes a closed stdout end the process quietly with {@link CLOSED_PIPE_STATUS}, and a closed
 * stderr drop what is written to it; any other stream error stays fatal.
 */
export function handleClosedPipes(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(CLOSED_PIPE_STATUS);
  });
  process.stderr.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}
