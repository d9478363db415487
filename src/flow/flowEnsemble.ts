/**
 * Flowing every configuration of an ensemble file: the observables per configuration and flow
 * time into a flow file (src/io/flowFile.ts, docs/flow-format.md), optionally the flowed
 * links at chosen times into ensemble files (src/io/ensembleWriter.ts, so that L-CNNs train
 * on them), with a checkpoint after every configuration from which a killed run resumes bit
 * for bit (the flow is deterministic: a configuration flowed again gives the same numbers),
 * a clean stop between configurations through an AbortSignal, and the lock file
 * `<output>.lock` (src/core/fileLock.ts) that keeps a second process off the same output.
 *
 * Progress and results are reported through callbacks; this module does no printing.
 *
 * @module
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { writeFileAtomic } from '../core/atomicWrite.js';
import { FileError } from '../core/fileError.js';
import { acquireLock } from '../core/fileLock.js';
import { faultPoint } from '../core/faultPoint.js';
import { checkInteger, rangeError, typeError } from '../core/validate.js';
import { openEnsemble, type Ensemble } from '../io/ensembleReader.js';
import { EnsembleWriter } from '../io/ensembleWriter.js';
import { formatMetadataValue, metadataDifference } from '../io/ensembleMetadata.js';
import { FlowWriter, openFlowFile, type FlowFileSpec, type FlowRecord } from '../io/flowFile.js';
import { checkFlowAction, type FlowAction } from './flowAction.js';
import type { FlowMeasurement } from './flowObservables.js';
import {
  DEFAULT_FLOW_UNITARITY_TOLERANCE,
  GradientFlow,
  checkFlowRunOptions,
} from './gradientFlow.js';

/** Everything that determines a flow file. Equal specs give equal files. */
export interface FlowEnsembleSpec {
  /** The ensemble file to flow. */
  input: string;
  /** The flow action. */
  action: FlowAction;
  /** Flow until t = tMax. */
  tMax: number;
  /** The measured flow times, ascending, each <= tMax. */
  times: number[];
  /** Fixed step size (or the first adaptive step). */
  epsilon: number;
  /** Adaptive steps with this tolerance; absent: fixed steps. */
  tolerance?: number;
  /** The largest adaptive step. */
  maxEpsilon?: number;
  /** Indices of the configurations to flow, ascending; absent: all. */
  indices?: number[];
  /** Flow times at which to save the flowed links (each one of `times`). */
  saveLinks?: number[];
  /** Measure the topological charge (4D only); default: in 4D. */
  charge?: boolean;
}

/** How to run it (does not change the result). */
export interface FlowEnsembleOptions {
  /** The flow file. */
  output: string;
  /** Worker threads (0: the calling thread). */
  workers?: number;
  /** Replace existing output files (at the end of the run). */
  force?: boolean;
  /** Continue from the checkpoint `${output}.checkpoint`, if there is one. */
  resume?: boolean;
  /** Extra identifying metadata for the files; a resumed run must match. */
  metadata?: Record<string, unknown>;
  /**
   * Describing entries for the files' provenance (e.g. the command), never compared: the
   * writers stamp time, software and host themselves, and a resume keeps the first run's.
   */
  provenance?: Record<string, unknown>;
  /** Called after every integration step. */
  onProgress?: (progress: FlowProgress) => void;
  /** Called after every flowed configuration. */
  onConfiguration?: (record: FlowRecord, measurements: FlowMeasurement[]) => void;
  /** Stop after this many configurations in this call (tests of interruption). */
  stopAfterConfigurations?: number;
  /**
   * Stop cleanly when aborted (Ctrl-C in `lgt flow`): after the configuration being flowed,
   * whose checkpoint is written; the summary then says `interrupted`.
   */
  signal?: AbortSignal;
  /** What runs, for the lock file's message to a second writer (default "flowEnsemble"). */
  command?: string;
  /** Called with what the run wants its user to know (a stale lock taken over). */
  onNotice?: (message: string) => void;
}

/** Reported after every integration step. */
export interface FlowProgress {
  /** Configurations finished (all calls). */
  done: number;
  /** Configurations to flow. */
  total: number;
  /** Flow time reached on the current configuration. */
  t: number;
  /** tMax. */
  tMax: number;
}

/** A file of flowed links. */
export interface SavedLinks {
  /** The flow time. */
  t: number;
  /** The ensemble file. */
  path: string;
}

/** What a finished (or stopped) run reports. */
export interface FlowEnsembleSummary {
  /** The flow file. */
  output: string;
  /** The files of saved links, by flow time. */
  links: SavedLinks[];
  /** Configurations in the flow file. */
  configurations: number;
  /** False when it stopped early and can be resumed. */
  finished: boolean;
  /** True when it stopped through `signal`, with a checkpoint of its last configuration. */
  interrupted: boolean;
  /** Configurations already done when this call resumed, if it did. */
  resumedFrom?: number;
}

/** The observables every flow file holds (topological_charge only in 4D). */
export const FLOW_OBSERVABLES = [
  'energy_plaquette',
  'energy_clover',
  'plaquette',
  'polyakov_loop_re',
  'polyakov_loop_im',
  'topological_charge',
] as const;

/** The file of links flowed to time t: `<output without .h5>.t<t>.h5`. */
export function flowedLinksPath(output: string, t: number): string {
  const stem = output.endsWith('.h5') ? output.slice(0, -3) : output;
  return `${stem}.t${t}.h5`;
}

const CHECKPOINT_FORMAT = 'lattice-gauge-flow-checkpoint 1';

/**
 * Flows (or resumes flowing) an ensemble. Resolves when done or stopped; the output files
 * appear under their final names only when the run finished.
 *
 * @throws RangeError/TypeError naming the spec field that is invalid (tMax below a requested
 *   time, epsilon or tolerance not > 0, an action the lattice cannot use, charge outside 4D,
 *   an index out of range, a save time that is not measured); Error naming the file for
 *   unreadable inputs, non-unitary links, outputs that exist (without force), another process
 *   writing the same output (its lock file names it), or a checkpoint or `.partial` file to
 *   resume from that is missing, damaged or of another run.
 */
export async function flowEnsemble(
  spec: FlowEnsembleSpec,
  options: FlowEnsembleOptions,
): Promise<FlowEnsembleSummary> {
  const fn = 'flowEnsemble';
  if (spec === null || typeof spec !== 'object') throw typeError(fn, 'spec', 'an object', spec);
  const output = options?.output;
  if (typeof output !== 'string' || output === '') {
    throw typeError(fn, 'options.output', 'a file name', output);
  }
  const ensemble = await openEnsemble(spec.input);
  try {
    const lock = acquireLock(`${output}.lock`, output, options.command ?? fn);
    try {
      if (lock.staleFrom !== undefined) {
        const h = lock.staleFrom;
        options.onNotice?.(
          `took over the stale lock ${lock.path} of process ${h.pid} on ${h.host} ` +
            `(since ${h.started}; no longer running)`,
        );
      }
      return await run(spec, options, ensemble);
    } finally {
      lock.release();
    }
  } finally {
    ensemble.close();
  }
}

async function run(
  spec: FlowEnsembleSpec,
  options: FlowEnsembleOptions,
  ensemble: Ensemble,
): Promise<FlowEnsembleSummary> {
  const fn = 'flowEnsemble';
  const lattice = ensemble.lattice;
  const N = ensemble.metadata.N;
  const action = checkFlowAction(fn, 'action', spec.action, lattice);
  const indices = spec.indices ?? Array.from({ length: ensemble.count }, (_, i) => i);
  if (!Array.isArray(indices) || indices.length === 0) {
    throw rangeError(fn, 'indices', 'a non-empty list of configuration indices', indices);
  }
  indices.forEach((i, k) => {
    checkInteger(fn, `indices[${k}]`, i, 0, ensemble.count - 1);
    if (k > 0 && !(i > indices[k - 1])) {
      throw rangeError(fn, 'indices', 'ascending configuration indices', indices);
    }
  });
  const saveLinks = spec.saveLinks ?? [];
  for (const t of saveLinks) {
    if (!spec.times.includes(t)) {
      throw rangeError(
        fn,
        'saveLinks',
        `times among the measured ones ${JSON.stringify(spec.times)}`,
        t,
      );
    }
  }
  const charge = spec.charge ?? lattice.D === 4;
  const workers = options.workers ?? 0;
  checkInteger(fn, 'workers', workers, 0, 256);
  // everything the flow will check, before any file is written
  const flowRunOptions = {
    tMax: spec.tMax,
    times: spec.times,
    epsilon: spec.epsilon,
    tolerance: spec.tolerance,
    maxEpsilon: spec.maxEpsilon,
    charge,
  };
  checkFlowRunOptions(fn, flowRunOptions, lattice);

  const observables = FLOW_OBSERVABLES.filter((name) => name !== 'topological_charge' || charge);
  const flowMetadata: Record<string, unknown> = {
    source: spec.input,
    action,
    tMax: spec.tMax,
    integrator:
      spec.tolerance === undefined
        ? { kind: 'fixed', epsilon: spec.epsilon }
        : {
            kind: 'adaptive',
            tolerance: spec.tolerance,
            initialEpsilon: spec.epsilon,
            maxEpsilon: spec.maxEpsilon ?? null,
          },
    indices,
    ...options.metadata,
  };
  const fileSpec: FlowFileSpec = {
    metadata: { N, dims: [...lattice.dims], ...flowMetadata },
    times: [...spec.times],
    observables: [...observables],
  };
  const linksMetadata = (t: number): Record<string, unknown> & { N: number; dims: number[] } => ({
    ...ensemble.metadata,
    N,
    dims: [...lattice.dims],
    flow: { ...flowMetadata, time: t },
  });

  const flow = new GradientFlow(lattice, N, { action, workers });
  const output = options.output;
  const checkpointPath = `${output}.checkpoint`;
  const partialPath = `${output}.partial`;
  let done = 0;
  let resumedFrom: number | undefined;
  let writer: FlowWriter | undefined;
  const linkWriters: EnsembleWriter[] = [];
  try {
    const hasCheckpoint = options.resume === true && existsSync(checkpointPath);
    if (hasCheckpoint) {
      done = readFlowCheckpoint(checkpointPath, fileSpec);
      resumedFrom = done;
      if (done === indices.length && !existsSync(partialPath) && existsSync(output)) {
        // killed after the final rename, before the checkpoint was removed
        await checkComplete(output, fileSpec, done, checkpointPath);
        rmSync(checkpointPath, { force: true });
        return summary(true, false);
      }
      writer = await FlowWriter.resume(output, fileSpec, done, {
        force: options.force,
        provenance: options.provenance,
      });
      for (const t of saveLinks) {
        const path = flowedLinksPath(output, t);
        // the links are finalized before the flow file: complete ones stay as they are
        if (done === indices.length && !existsSync(`${path}.partial`) && existsSync(path)) continue;
        linkWriters.push(
          await EnsembleWriter.resume(path, linksMetadata(t), done, {
            force: options.force,
            provenance: options.provenance,
          }),
        );
      }
    } else if (options.resume === true && !existsSync(partialPath) && existsSync(output)) {
      // finished by an earlier process that was killed after removing its checkpoint, before
      // it could report: checked to be this run's, then reported complete (as lgt generate)
      await checkComplete(output, fileSpec, indices.length);
      done = indices.length;
      return summary(true, false);
    } else {
      if (options.resume === true && existsSync(partialPath)) {
        // A .partial file holds rows only after its first checkpoint (written right after it
        // is created): one killed before that holds nothing to lose and is started over.
        if (await holdsNoRows(partialPath)) {
          rmSync(partialPath);
          for (const t of saveLinks)
            rmSync(`${flowedLinksPath(output, t)}.partial`, { force: true });
        } else
          throw new FileError(
            `cannot resume: ${partialPath} exists but its checkpoint ${checkpointPath} is ` +
              `missing, so where the run stood is unknown; to start over, pass { force: true } ` +
              `(lgt: --force), which replaces ${partialPath}`,
          );
      }
      writer = await FlowWriter.create(output, fileSpec, {
        force: options.force,
        provenance: options.provenance,
      });
      for (const t of saveLinks) {
        linkWriters.push(
          await EnsembleWriter.create(flowedLinksPath(output, t), linksMetadata(t), {
            force: options.force,
            provenance: options.provenance,
          }),
        );
      }
      // from here on the .partial file always has a checkpoint
      await writeFlowCheckpoint(checkpointPath, fileSpec, 0);
    }

    let doneThisCall = 0;
    for (; done < indices.length; done++) {
      // let signals, timers and I/O run between configurations
      await new Promise((resolve) => setImmediate(resolve));
      const interrupted = options.signal?.aborted === true;
      if (
        interrupted ||
        (options.stopAfterConfigurations !== undefined &&
          doneThisCall >= options.stopAfterConfigurations)
      ) {
        writer.close();
        for (const w of linkWriters) w.close();
        await flow.close();
        return summary(false, interrupted);
      }
      const i = indices[done];
      const field = ensemble.configuration(i, {
        unitarityTolerance: DEFAULT_FLOW_UNITARITY_TOLERANCE,
      });
      const beta = ensemble.beta[i];
      const sweep = ensemble.sweep[i];
      const runResult = await flow.run(field, {
        ...flowRunOptions,
        onStep: (step) =>
          options.onProgress?.({ done, total: indices.length, t: step.t, tMax: spec.tMax }),
        onMeasure: (m, flowed) => {
          const k = saveLinks.indexOf(m.t);
          if (k >= 0) {
            linkWriters[k].append({
              links: flowed.links,
              beta,
              sweep,
              observables: {
                flow_time: m.t,
                source_index: i,
                energy_clover: m.energyClover,
                energy_plaquette: m.energyPlaquette,
                plaquette: m.plaquette,
                ...(m.charge === null ? {} : { topological_charge: m.charge }),
              },
            });
          }
        },
      });
      const ms = runResult.measurements;
      const record: FlowRecord = {
        index: i,
        beta,
        sweep,
        steps: runResult.steps,
        rejected: runResult.rejected,
        observables: {
          energy_plaquette: ms.map((m) => m.energyPlaquette),
          energy_clover: ms.map((m) => m.energyClover),
          plaquette: ms.map((m) => m.plaquette),
          polyakov_loop_re: ms.map((m) => m.polyakovLoop.re),
          polyakov_loop_im: ms.map((m) => m.polyakovLoop.im),
          ...(charge ? { topological_charge: ms.map((m) => m.charge ?? NaN) } : {}),
        },
      };
      writer.append(record);
      writer.flush();
      for (const w of linkWriters) w.flush();
      faultPoint('flow:flushed');
      await writeFlowCheckpoint(checkpointPath, fileSpec, done + 1);
      doneThisCall++;
      options.onConfiguration?.(record, ms);
    }
    // the links first: a flow file under its final name means that everything is
    for (const w of linkWriters) await w.finalize();
    await writer.finalize();
    faultPoint('flow:finalized');
    rmSync(checkpointPath, { force: true });
    return summary(true, false);
  } catch (error) {
    writer?.close();
    for (const w of linkWriters) w.close();
    throw error;
  } finally {
    await flow.close();
  }

  function summary(finished: boolean, interrupted: boolean): FlowEnsembleSummary {
    return {
      output,
      links: saveLinks.map((t) => ({ t, path: flowedLinksPath(output, t) })),
      configurations: done,
      finished,
      interrupted,
      resumedFrom,
    };
  }
}

/** Whether the flow file `path` is readable and holds no configuration. */
async function holdsNoRows(path: string): Promise<boolean> {
  try {
    return (await openFlowFile(path)).count === 0;
  } catch {
    return false;
  }
}

/**
 * A run found complete on resume (killed after its final rename, before or after its checkpoint
 * was removed): checks that the flow file is this run's.
 *
 * @throws FileError naming the file and the difference when it is another run's.
 */
async function checkComplete(
  output: string,
  spec: FlowFileSpec,
  count: number,
  checkpointPath?: string,
): Promise<void> {
  const file = await openFlowFile(output);
  const normalized = JSON.parse(JSON.stringify(spec.metadata)) as Record<string, unknown>;
  const d = metadataDifference(
    Object.fromEntries(Object.keys(normalized).map((k) => [k, file.metadata[k]])),
    normalized,
  );
  if (d) {
    throw new FileError(
      `cannot resume: ${output}: metadata mismatch in ${d.key}: file has ` +
        `${formatMetadataValue(d.a)}, run has ${formatMetadataValue(d.b)}`,
    );
  }
  if (file.count !== count) {
    throw new FileError(
      `cannot resume: ${output} holds ${file.count} configurations, the run flows ${count}` +
        (checkpointPath === undefined ? '' : ` (its checkpoint ${checkpointPath} is stale)`),
    );
  }
}

async function writeFlowCheckpoint(path: string, spec: FlowFileSpec, done: number): Promise<void> {
  // two parts: the format line, then the state (a kill between them leaves a half-written
  // temporary file, the target intact: the window of the fault point atomic-write:partial)
  const encoder = new TextEncoder();
  await writeFileAtomic(path, [
    encoder.encode(`${CHECKPOINT_FORMAT}\n`),
    encoder.encode(`${JSON.stringify({ done, spec })}\n`),
  ]);
}

function readFlowCheckpoint(path: string, spec: FlowFileSpec): number {
  const text = readFileSync(path, 'utf8');
  const [magic, json] = text.split('\n');
  let parsed: { done?: unknown; spec?: unknown } | undefined;
  try {
    parsed = magic === CHECKPOINT_FORMAT ? JSON.parse(json) : undefined;
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || typeof parsed.done !== 'number') {
    throw new FileError(
      `checkpoint ${path}: not a flow checkpoint (expected "${CHECKPOINT_FORMAT}")`,
    );
  }
  const normalized = JSON.parse(JSON.stringify(spec)) as unknown;
  const d = metadataDifference(parsed.spec, normalized);
  if (d) {
    throw new FileError(
      `checkpoint ${path}: mismatch in ${d.key}: checkpoint has ${formatMetadataValue(d.a)}, ` +
        `run has ${formatMetadataValue(d.b)}`,
    );
  }
  return parsed.done;
}
