/**
 * One chain of a scan, run by a worker: `generateEnsemble` on the chain's run specification
 * into its file under the data directory, resuming from the chain's checkpoint when an
 * earlier attempt left one, so that the file is bit for bit the same however often the chain
 * was interrupted (DESIGN.md 3), and the same as `lgt generate` with the chain's seed gives.
 *
 * A clean stop (`signal`) lets the chain run on to its next checkpoint (the next saved
 * configuration, as a checkpoint is written after each) and then returns; `shouldAbort`
 * stops it at once, without one (the worker lost its hold on the job: another may take it).
 *
 * @module
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { FileError } from '../core/fileError.js';
import { packageVersion } from '../core/version.js';
import { openEnsemble } from '../io/ensembleReader.js';
import { formatMetadataValue, metadataDifference } from '../io/ensembleMetadata.js';
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
  /** A clean stop: at the next checkpoint. */
  signal?: AbortSignal;
  /** Polled after every step: an error stops the chain at once (and is thrown). */
  shouldAbort?: () => Error | undefined;
  /** Called after every step. */
  onProgress?: (progress: ChainProgress) => void;
}

/** The metadata that a chain's file records besides its run specification. */
export function chainMetadata(data: ChainJobData): Record<string, unknown> {
  return {
    software: `lattice-gauge ${packageVersion()}`,
    // the scan's submission time: the same in every attempt, so that a resume matches
    created: data.submitted,
    scan: { id: data.scanId, name: data.scanName, point: data.point, chain: data.chain },
  };
}

class Stopped extends Error {}

/**
 * Runs (or resumes, or recognises as done) one chain (module header).
 *
 * @throws RangeError/TypeError for an invalid run specification (a permanent failure);
 *   FileError when the chain's file exists with other parameters or its checkpoint is
 *   damaged; the error of `shouldAbort`.
 */
export async function runChain(
  data: ChainJobData,
  options: ChainRunOptions,
): Promise<ChainOutcome> {
  const started = Date.now();
  const output = resolve(options.dataDirectory, data.output);
  const checkpoint = `${output}.checkpoint`;
  mkdirSync(dirname(output), { recursive: true });
  const metadata = chainMetadata(data);

  if (existsSync(output)) {
    // finished by an earlier attempt that did not live to report it
    const ensemble = await openEnsemble(output);
    try {
      const d = metadataDifference(
        { ...data.spec, ...metadata },
        pick(ensemble.metadata, [...Object.keys(data.spec), ...Object.keys(metadata)]),
      );
      if (d) {
        throw new FileError(
          `${output} exists with other parameters: ${d.key} is ` +
            `${formatMetadataValue(d.b)} there, ${formatMetadataValue(d.a)} in the job`,
        );
      }
      rmSync(checkpoint, { force: true });
      return {
        status: 'completed',
        output,
        configurations: ensemble.count,
        seconds: (Date.now() - started) / 1000,
        alreadyDone: true,
      };
    } finally {
      ensemble.close();
    }
  }

  let lastSaved = -1;
  let firstDone: number | undefined;
  try {
    const summary = await generateEnsemble(data.spec, {
      output,
      // without a checkpoint an earlier attempt (if any) died in its thermalisation: start over
      resume: existsSync(checkpoint),
      force: true,
      metadata,
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
        // a checkpoint was written at this step when a configuration was saved
        const checkpointed = lastSaved >= 0 && p.saved > lastSaved;
        lastSaved = p.saved;
        if (options.signal?.aborted && checkpointed) throw new Stopped();
      },
    });
    return {
      status: 'completed',
      output,
      configurations: summary.configurations,
      seconds: (Date.now() - started) / 1000,
      ...(summary.resumedFrom !== undefined ? { resumedFrom: summary.resumedFrom } : {}),
    };
  } catch (error) {
    if (!(error instanceof Stopped)) throw error;
    return {
      status: 'stopped',
      output,
      configurations: lastSaved,
      seconds: (Date.now() - started) / 1000,
    };
  }
}

function pick(object: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (k in object) out[k] = object[k];
  return out;
}
