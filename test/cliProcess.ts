/**
 * Running the real `lgt` as users meet it: `node dist/src/cli/lgt.js ...` in a child process
 * (npm test builds dist/ first), with its exit status, stdout and stderr.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';

/** The compiled command-line entry point. */
export const LGT = join(import.meta.dirname, '..', 'dist', 'src', 'cli', 'lgt.js');

/** What a finished `lgt` process left. */
export interface LgtRun {
  status: number | null;
  /** The signal that ended the process, or null. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `lgt args...` to completion; fails with a hint when dist/ was not built. */
export function runLgt(args: string[], env: NodeJS.ProcessEnv = process.env): LgtRun {
  if (!existsSync(LGT)) throw new Error(`${LGT} not found: run npm run build first`);
  const result = spawnSync(process.execPath, [LGT, ...args], { encoding: 'utf8', env });
  if (result.error) throw result.error;
  return {
    status: result.status,
    signal: result.signal,
    stdout: result.stdout,
    stderr: result.stderr,
  };
}

/**
 * Expects `run` refused as a user error before any work: exit 2, one line on stderr that
 * matches `message` (a pattern, or text it contains), and `output` not written.
 */
export function expectRefused(
  run: Pick<LgtRun, 'status' | 'stderr'>,
  message: RegExp | string,
  output?: string,
): void {
  expect(run.status, run.stderr).toBe(2);
  if (typeof message === 'string') expect(run.stderr).toContain(message);
  else expect(run.stderr).toMatch(message);
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  if (output !== undefined) expect(existsSync(output)).toBe(false);
}
