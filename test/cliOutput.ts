/**
 * Capturing what the CLI writes, shared by the command-line tests: `cli.stdout` and
 * `cli.stderr` collect process.stdout/stderr writes (tests may reset them between commands).
 */
import { afterEach, beforeEach, vi } from 'vitest';

/** What the CLI wrote since the capture started. */
export const cli = { stdout: '', stderr: '' };

/** Appends process.stdout/stderr writes to `cli` until vi.restoreAllMocks(). */
export function startCapture(): void {
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    cli.stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    cli.stderr += String(chunk);
    return true;
  });
}

/** Captures around every test of the calling file and resets process.exitCode after each. */
export function captureEachTest(): void {
  beforeEach(() => {
    cli.stdout = '';
    cli.stderr = '';
    process.exitCode = undefined;
    startCapture();
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });
}
