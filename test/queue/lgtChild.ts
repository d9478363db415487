/**
 * `lgt` in child processes that run side by side (workers), as users start them: started,
 * watched line by line, signalled and awaited.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { LGT } from '../cliProcess.js';

/** A running `lgt` process. */
export interface LgtChild {
  child: ChildProcess;
  /** Everything written so far. */
  out: { stdout: string; stderr: string };
  /** Resolves with the exit code (or 128 + signal number) when it ends. */
  exited: Promise<number>;
}

const SIGNALS: Record<string, number> = { SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

/** Starts `lgt args...`. */
export function startLgt(args: string[]): LgtChild {
  const child = spawn(process.execPath, [LGT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stdout?.on('data', (d) => (out.stdout += String(d)));
  child.stderr?.on('data', (d) => (out.stderr += String(d)));
  const exited = new Promise<number>((done) =>
    child.once('close', (code, signal) => done(code ?? 128 + (SIGNALS[signal ?? ''] ?? 0))),
  );
  return { child, out, exited };
}

/** Runs `lgt args...` to its end. */
export async function lgt(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const p = startLgt(args);
  const code = await p.exited;
  return { code, ...p.out };
}

/** The JSON lines printed so far on stdout. */
export function jsonLines(p: LgtChild): Record<string, unknown>[] {
  return p.out.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Waits until `condition()` holds, polling every 20 ms. */
export async function waitFor(
  condition: () => boolean,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
