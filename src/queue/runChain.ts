/**
 * One chain of a scan, run by a worker: `generateEnsemble` on the chain's run specification
 * into its file under the data directory, resuming from the chain's checkpoint when an
 * earlier attempt left one, so that the file is bit for bit the same however often the chain
 * was interrupted (DESIGN.md 3), and the same as `lgt generate` with the chain's seed gives.
 *
 * The file's identifying metadata are those of `lgt generate` (the run specification); what
 * describes the chain (its scan, point and index, the submission time) goes into its
 * provenance beside the creation time, software and host, which a resume by another worker,
 * on another host or with another version, keeps and never compares (src/io/ensembleProvenance.ts).
 *
 * A clean stop (`signal`) ends the chain at the end of its current step, with a checkpoint of
 * exactly that step (generateEnsemble's `signal`); `shouldAbort` stops it at once, without one
 * (the worker lost its hold on the job: another may take it).
 *
 * The chain's lock file `<output>.lock` (src/core/fileLock.ts) keeps out a second writer; one
 * left by a worker on another host is taken over, because the caller holds the job's lock in
 * the queue (./chainQueue.ts), which no live worker can hold at the same time.
 *
 * @module
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { generateEnsemble } from '../montecarlo/generate.js';
import type { ChainJobData } from './chainQueue.js';

/** How far a chain has come. */
export interface ChainProgress {
  /** Monte Carlo steps done (thermalisation included). */
  done: number;
  /** Steps of the chain. */
  total: number;
  /** Configurations saved. */
  saved: number;
  /** Steps per second in this attempt. */
  rate: number;
  /** Acceptance rate so far (1 for heatbath). */
  acceptance: number;
}

/** What a run of a chain came to. */
export interface ChainOutcome {
  /** `completed`: the file is complete; `stopped`: a clean stop at a checkpoint. */
  status: 'completed' | 'stopped';
  /** The ensemble file. */
  output: string;
  /** Configurations in the file (when completed). */
  configurations: number;
  /** Seconds this attempt took. */
  seconds: number;
  /** Configurations already there when this attempt resumed, if it did. */
  resumedFrom?: number;
  /** True when the file was already complete (an earlier attempt finished it). */
  alreadyDone?: boolean;
}

/** Options of {@link runChain}. */
export interface ChainRunOptions {
  /** The data directory that the chain's `output` is relative to. */
  dataDirectory: string;
  /** A clean stop: at the end of the current step, with a checkpoint of it. */
  signal?: AbortSignal;
  /** Polled after every step: an error stops the chain at once (and is thrown). */
  shouldAbort?: () => Error | undefined;
  /** Called after every step. */
  onProgress?: (progress: ChainProgress) => void;
  /** Called with what the run wants its user to know (a stale lock taken over, a fresh start). */
  onNotice?: (message: string) => void;
}

/** What a chain's file records about it besides its run specification: its provenance. */
export function chainProvenance(data: ChainJobData): Record<string, unknown> {
  return {
    scan: { id: data.scanId, name: data.scanName, point: data.point, chain: data.chain },
    submitted: data.submitted,
  };
}

/**
 * Runs (or resumes, or recognises as done) one chain (module header).
 *
 * @throws RangeError/TypeError for an invalid run specification (a permanent failure);
 *   FileError when the chain's file exists with other parameters, when its checkpoint or
 *   `.partial` file is damaged, or when a live process on this host writes it; the error of
 *   `shouldAbort`.
 */
export async function runChain(
  data: ChainJobData,
  options: ChainRunOptions,
): Promise<ChainOutcome> {
  const started = Date.now();
  const output = resolve(options.dataDirectory, data.output);
  mkdirSync(dirname(output), { recursive: true });
  // Whatever an earlier attempt left (a checkpoint, a .partial file, the complete file) is
  // resumed or recognised by generateEnsemble, which checks it is this chain's and refuses a
  // damaged one rather than start over.
  const alreadyDone = existsSync(output);
  const earlier =
    alreadyDone || existsSync(`${output}.checkpoint`) || existsSync(`${output}.partial`);
  let firstDone: number | undefined;
  const summary = await generateEnsemble(data.spec, {
    output,
    resume: earlier,
    provenance: chainProvenance(data),
    command: `lgt worker: scan ${data.scanName} point ${data.point} chain ${data.chain}`,
    otherHostLocksStale: true,
    signal: options.signal,
    onNotice: options.onNotice,
    onProgress: (p) => {
      const aborted = options.shouldAbort?.();
      if (aborted !== undefined) throw aborted;
      firstDone ??= p.done - 1;
      const seconds = (Date.now() - started) / 1000;
      options.onProgress?.({
        done: p.done,
        total: p.total,
        saved: p.saved,
        rate: seconds > 0 ? (p.done - firstDone) / seconds : 0,
        acceptance: p.acceptance,
      });
    },
  });
  return {
    status: summary.finished ? 'completed' : 'stopped',
    output,
    configurations: summary.configurations,
    seconds: (Date.now() - started) / 1000,
    ...(summary.resumedFrom !== undefined && !alreadyDone
      ? { resumedFrom: summary.resumedFrom }
      : {}),
    ...(alreadyDone ? { alreadyDone: true } : {}),
  };
}
