/**
 * A worker: takes chains from the queue one at a time and runs them (./runChain.ts) in a data
 * directory shared by all workers (a network file system across machines), reports progress
 * into the job, and completes, fails or releases it. Between jobs, and while idle, it looks
 * for jobs whose worker vanished and sends them to a retry (./chainQueue.ts, `reap`), so a
 * chain whose worker was killed is taken up by another, which resumes it from its checkpoint.
 *
 * Failures: invalid parameters (RangeError, TypeError) fail the job for good, with the
 * message; any other error fails the attempt, and pg-boss retries the job with backoff while
 * attempts are left. A clean stop (`signal`, e.g. SIGTERM) finishes the current configuration,
 * writes its checkpoint, hands the job back (state `retry`, its attempts untouched) and
 * returns.
 *
 * Reports go through `onEvent`; this module prints nothing.
 *
 * @module
 */
import { accessSync, constants, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../core/atomicWrite.js';
import { FileError } from '../core/fileError.js';
import type { ChainJob, ChainQueue } from './chainQueue.js';
import { QueueError } from './queueError.js';
import { runChain, type ChainOutcome, type ChainProgress } from './runChain.js';

/** What a worker reports. */
export type WorkerEvent =
  | {
      /** A job was taken. */
      kind: 'started';
      /** The job. */
      job: ChainJob;
    }
  | {
      /** Progress of the current job (at most every `progressEveryMs`). */
      kind: 'progress';
      /** The job. */
      job: ChainJob;
      /** Its progress. */
      progress: ChainProgress;
    }
  | {
      /** The job's chain is complete. */
      kind: 'completed';
      /** The job. */
      job: ChainJob;
      /** What the run came to. */
      outcome: ChainOutcome;
    }
  | {
      /** The job failed. */
      kind: 'failed';
      /** The job. */
      job: ChainJob;
      /** The error message. */
      message: string;
      /** True when it is failed for good, false when it will be retried (attempts left). */
      permanent: boolean;
    }
  | {
      /** The job was handed back after a clean stop at a checkpoint. */
      kind: 'released';
      /** The job. */
      job: ChainJob;
    }
  | {
      /** What the run of the current job wants its user to know (a stale lock taken over). */
      kind: 'notice';
      /** The job. */
      job: ChainJob;
      /** The message. */
      message: string;
    }
  | {
      /** Jobs whose worker vanished were sent to a retry. */
      kind: 'reaped';
      /** Their ids. */
      ids: string[];
    };

/** Options of {@link runWorker}. */
export interface WorkerOptions {
  /** The queue. */
  queue: ChainQueue;
  /** The data directory (shared by every worker of the scans). */
  dataDirectory: string;
  /** Return when no job is left unfinished (none queued, retrying or running). */
  exitWhenDone?: boolean;
  /** Milliseconds between polls of an empty queue (default 500). */
  pollMs?: number;
  /** Milliseconds between looks for vanished workers (default 2000). */
  reapEveryMs?: number;
  /** Seconds a job must have run before its worker may be taken for vanished (default 10). */
  reapGraceSeconds?: number;
  /** Milliseconds between progress reports into the job (default 1000). */
  progressEveryMs?: number;
  /** A clean stop (module header). */
  signal?: AbortSignal;
  /** This worker's name in the jobs (default host:pid). */
  name?: string;
  /** Receives what happens. */
  onEvent?: (event: WorkerEvent) => void;
}

/** What a worker did. */
export interface WorkerSummary {
  /** Jobs completed. */
  completed: number;
  /** Attempts failed (retried or not). */
  failed: number;
  /** Jobs handed back at a clean stop. */
  released: number;
  /** Why it returned: no work left (`done`) or a clean stop (`stopped`). */
  reason: 'done' | 'stopped';
}

/**
 * Checks that the data directory exists or can be made, and that files can be written in it.
 *
 * @throws FileError naming the directory and the reason.
 */
export function checkDataDirectory(directory: string): void {
  const dir = resolve(directory);
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    const probe = join(dir, `.lgt-write-test-${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (error) {
    throw new FileError(`the data directory ${dir} is not writable: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/**
 * Writes the scan's `scan.json` into its directory under the data directory, once, so that
 * `lgt merge` finds the scan beside its chains without the queue.
 */
async function writeScanFile(
  queue: ChainQueue,
  dataDirectory: string,
  job: ChainJob,
): Promise<void> {
  const scanDir = join(dataDirectory, job.data.output.split('/')[0]);
  const file = join(scanDir, 'scan.json');
  if (existsSync(file)) return;
  const spec = await queue.scanSpec(job.data.scanId);
  if (spec === undefined) return;
  mkdirSync(scanDir, { recursive: true });
  await writeFileAtomic(file, [new TextEncoder().encode(`${JSON.stringify(spec, null, 2)}\n`)]);
}

const isPermanent = (error: unknown): boolean =>
  error instanceof RangeError || error instanceof TypeError;

/** Waits `ms` or until `signal` is aborted. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((done) => {
    if (signal?.aborted) return done();
    const timer = setTimeout(finish, ms);
    function finish(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', finish);
      done();
    }
    signal?.addEventListener('abort', finish, { once: true });
  });
}

/**
 * Takes and runs jobs until stopped (`signal`) or, with `exitWhenDone`, until no job is left
 * unfinished (module header).
 *
 * @throws FileError when the data directory is not writable (before any job is taken);
 *   QueueError when the connection to the queue is lost (the job in hand is left to others).
 */
export async function runWorker(options: WorkerOptions): Promise<WorkerSummary> {
  const { queue, signal } = options;
  const dataDirectory = resolve(options.dataDirectory);
  checkDataDirectory(dataDirectory);
  const pollMs = options.pollMs ?? 500;
  const reapEveryMs = options.reapEveryMs ?? 2000;
  const grace = options.reapGraceSeconds ?? 10;
  const progressEveryMs = options.progressEveryMs ?? 1000;
  const name = options.name ?? `${hostname()}:${process.pid}`;
  const emit = options.onEvent ?? ((): void => undefined);
  const summary: WorkerSummary = { completed: 0, failed: 0, released: 0, reason: 'stopped' };
  let lastReap = 0;
  const checkConnection = (): void => {
    const lost = queue.connectionLost;
    if (lost !== undefined) {
      throw new QueueError(`lost the connection to the queue at ${queue.where}: ${lost.message}`);
    }
  };

  while (!signal?.aborted) {
    checkConnection();
    if (Date.now() - lastReap >= reapEveryMs) {
      lastReap = Date.now();
      const ids = await queue.reap(grace);
      if (ids.length > 0) emit({ kind: 'reaped', ids });
    }
    const job = await queue.fetch();
    if (job === undefined) {
      checkConnection();
      if (options.exitWhenDone && (await queue.unfinished()) === 0) {
        summary.reason = 'done';
        break;
      }
      await pause(pollMs, signal);
      continue;
    }
    emit({ kind: 'started', job });
    let lastProgress = 0;
    let progressWrite: Promise<void> = Promise.resolve();
    let latest: ChainProgress | undefined;
    const progressRecord = (p: ChainProgress | undefined): Record<string, unknown> => ({
      progress: p ?? null,
      worker: name,
      updated: new Date().toISOString(),
    });
    try {
      await writeScanFile(queue, dataDirectory, job);
      const outcome = await runChain(job.data, {
        dataDirectory,
        signal,
        shouldAbort: () => queue.connectionLost,
        onNotice: (message) => emit({ kind: 'notice', job, message }),
        onProgress: (p) => {
          latest = p;
          const now = Date.now();
          const last = p.done === p.total;
          if (now - lastProgress < progressEveryMs && !last) return;
          lastProgress = now;
          emit({ kind: 'progress', job, progress: p });
          if (last) return; // the completion follows at once
          const record = progressRecord(p);
          progressWrite = progressWrite.then(() => queue.progress(job.id, record));
        },
      });
      await progressWrite.catch(() => undefined);
      checkConnection();
      if (outcome.status === 'stopped') {
        await queue.release(job.id, progressRecord(latest));
        summary.released++;
        emit({ kind: 'released', job });
        break;
      }
      await queue.complete(job.id, {
        output: job.data.output,
        configurations: outcome.configurations,
        seconds: outcome.seconds,
        worker: name,
        ...(outcome.resumedFrom !== undefined ? { resumedFrom: outcome.resumedFrom } : {}),
      });
      summary.completed++;
      emit({ kind: 'completed', job, outcome });
    } catch (error) {
      await progressWrite.catch(() => undefined);
      checkConnection();
      const permanent = isPermanent(error);
      const message = (error as Error).message ?? String(error);
      await queue.fail(job.id, { message, worker: name, permanent }, permanent);
      summary.failed++;
      emit({ kind: 'failed', job, message, permanent });
    } finally {
      await queue.unlock(job.id).catch(() => undefined);
    }
  }
  return summary;
}
