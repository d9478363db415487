/**
 * Driving the real `lgt` as users meet it, in child processes (`node dist/src/cli/lgt.js ...`;
 * npm test builds dist/ first), for the fault-injection tests: start a command, wait for a
 * sign of progress (a file, a line of output), kill it with a signal at a seeded random
 * moment, and collect its exit code, signal, stdout and stderr.
 *
 * Nothing here knows a command: `lgt generate`, `lgt train`, and later `lgt flow` and the
 * queue workers plug in through their arguments, a readiness test and the flag that resumes
 * them ({@link runWithKills}). Used by the fault-injection tests (test/faults/), the CLI tests
 * that run whole chains (test/cli/chainHealth.test.ts) and the long fault suite of
 * `npm run validate -- faults` (validate/faults.ts). Deterministic windows (a checkpoint half written, the final
 * rename) are hit with the test hook `LGT_TEST_KILL_AT` (src/core/faultPoint.ts), passed in
 * `env`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Xoshiro128 } from '../src/core/rng.js';

/** The repository root: above test/, or above dist/test/ when compiled for npm run validate. */
const ROOT =
  basename(dirname(import.meta.dirname)) === 'dist'
    ? join(import.meta.dirname, '..', '..')
    : join(import.meta.dirname, '..');

/** The compiled command-line entry point. */
export const LGT = join(ROOT, 'dist', 'src', 'cli', 'lgt.js');

/** How a child process ended. */
export interface Finished {
  /** Exit code, or null when a signal ended it. */
  code: number | null;
  /** The signal that ended it, or null. */
  signal: NodeJS.Signals | null;
  /** Everything it wrote to stdout. */
  stdout: string;
  /** Everything it wrote to stderr. */
  stderr: string;
}

/** Options of {@link startLgt}. */
export interface StartOptions {
  /** Extra environment variables (e.g. `LGT_TEST_KILL_AT`). */
  env?: Record<string, string>;
  /** Working directory. */
  cwd?: string;
  /**
   * Run under a file-size limit of about this many bytes (`ulimit -f` in /bin/sh, whose unit
   * POSIX fixes at 512 bytes): writes beyond it fail with EFBIG, as on a full disk.
   */
  fileSizeLimitBytes?: number;
}

/** A running `lgt`. */
export interface LgtChild {
  /** The process. */
  readonly process: ChildProcess;
  /** Resolves when it has ended. */
  readonly finished: Promise<Finished>;
  /** Whether it has ended. */
  readonly done: boolean;
  /** What it wrote so far. */
  output(): { stdout: string; stderr: string };
}

/** Starts `lgt args...`. */
export function startLgt(args: readonly string[], options: StartOptions = {}): LgtChild {
  if (!existsSync(LGT)) throw new Error(`${LGT} not found: run npm run build first`);
  const env = { ...process.env, ...options.env };
  // the child must not inherit a fault point of ours
  if (options.env?.LGT_TEST_KILL_AT === undefined) delete env.LGT_TEST_KILL_AT;
  const child =
    options.fileSizeLimitBytes === undefined
      ? spawn(process.execPath, [LGT, ...args], { cwd: options.cwd, env })
      : spawn(
          '/bin/sh',
          [
            '-c',
            `ulimit -f ${Math.ceil(options.fileSizeLimitBytes / 512)} && exec "$0" "$@"`,
            process.execPath,
            LGT,
            ...args,
          ],
          { cwd: options.cwd, env },
        );
  let stdout = '';
  let stderr = '';
  let done = false;
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const finished = new Promise<Finished>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      done = true;
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    process: child,
    finished,
    get done() {
      return done;
    },
    output: () => ({ stdout, stderr }),
  };
}

/** Runs `lgt args...` to its end. */
export function runLgt(args: readonly string[], options: StartOptions = {}): Promise<Finished> {
  return startLgt(args, options).finished;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Waits until `ready()` holds (polling every 10 ms); false when the child ended first or
 * `timeoutMs` passed.
 */
export async function waitUntil(
  child: LgtChild,
  ready: () => boolean,
  timeoutMs = 60_000,
): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!ready()) {
    if (child.done || Date.now() > end) return false;
    await sleep(10);
  }
  return !child.done;
}

/** A seeded source of kill moments (the same seed, the same schedule). */
export class KillSchedule {
  private readonly rng: Xoshiro128;

  constructor(seed: number) {
    this.rng = new Xoshiro128(seed);
  }

  /** A delay in [0, maxMs) milliseconds. */
  delay(maxMs: number): number {
    return Math.floor(this.rng.uniform() * maxMs);
  }

  /** An integer in [0, n): e.g. after how many saved items (epochs, configurations) to kill. */
  below(n: number): number {
    return Math.floor(this.rng.uniform() * n);
  }
}

/** What {@link runWithKills} saw. */
export interface KillReport {
  /** Every run in order: the killed ones, then the one that finished. */
  runs: Finished[];
  /** How many runs a signal actually ended. */
  killed: number;
  /** The delays used (ms after readiness). */
  delays: number[];
}

/** Options of {@link runWithKills}. */
export interface KillOptions extends StartOptions {
  /** Arguments added to resume (default `['--resume']`). */
  resume?: readonly string[];
  /** How many kills to attempt. */
  kills: number;
  /** The schedule of the moments. */
  schedule: KillSchedule;
  /**
   * When the clock of the kill of run `k` (from 0) starts, e.g. once its checkpoint holds a
   * seeded number of configurations; default at once.
   */
  ready?: (k: number) => boolean;
  /** Kill at most this many ms after readiness. */
  maxDelayMs: number;
  /** The signal (default SIGKILL). */
  signal?: NodeJS.Signals;
}

/**
 * Runs `args`, kills it at a seeded random moment after it is ready, resumes it with the same
 * arguments plus the resume flag, and so on `kills` times; then resumes once more and lets it
 * finish. A run that finishes before its moment ends the series early. Every run's result is
 * in the report; the caller checks the last one's exit code and compares the outputs.
 */
export async function runWithKills(
  args: readonly string[],
  options: KillOptions,
): Promise<KillReport> {
  const resume = options.resume ?? ['--resume'];
  const runs: Finished[] = [];
  const delays: number[] = [];
  let killed = 0;
  for (let k = 0; k <= options.kills; k++) {
    const child = startLgt(k === 0 ? args : [...args, ...resume], options);
    if (k < options.kills) {
      const ready = await waitUntil(child, () => options.ready?.(k) ?? true);
      const delay = options.schedule.delay(options.maxDelayMs);
      delays.push(delay);
      if (ready) {
        await sleep(delay);
        if (!child.done) child.process.kill(options.signal ?? 'SIGKILL');
      }
    }
    const result = await child.finished;
    runs.push(result);
    if (result.signal !== null) killed++;
    if (result.signal === null) break; // finished, or failed: the caller looks at it
  }
  return { runs, killed, delays };
}
