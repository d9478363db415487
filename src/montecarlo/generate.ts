/**
 * Generating an ensemble: for each beta, a start field, thermalisation, then a configuration
 * saved every `separation` steps with its measurements, into one HDF5 file
 * (src/io/ensembleWriter.ts), with checkpoints from which a killed run resumes
 * bit for bit (DESIGN.md 3, 4).
 *
 * Everything random is drawn from Philox streams keyed by the seed and counted by
 * (step, kind, direction, parity, site) with the beta index as the stream: the ensemble is a
 * pure function of the run specification, whatever the number of workers and however often
 * the run was interrupted.
 *
 * A chain's thermalisation has up to three parts: HMC's warm-up trajectories without the
 * Metropolis test (`warmup`), the tuning of `'auto'` parameters in blocks over the first half
 * of the rest (./tuning.ts), and steps with the final parameters. At its end the chain is
 * judged (./chainHealth.ts: stuck, low acceptance, drifting plaquette) and what is found is
 * reported through `onWarning` before any configuration of the chain is saved; after the
 * chain, its production acceptance is judged too. The chains' records go into the file's
 * `diagnostics` attribute, where `lgt measure` and the report find them.
 *
 * Files: the output is written as `<output>.partial` and renamed when complete; the
 * checkpoint `<output>.checkpoint` (./checkpoint.ts) is rewritten after every
 * `checkpointEvery` saved configurations and when the run is stopped through its abort
 * signal; `<output>.lock` (src/core/fileLock.ts) keeps a second process off the same output.
 *
 * Progress and configurations are reported through callbacks; this module does no printing.
 *
 * @module
 */
import { existsSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { GaugeField } from '../lattice/gaugeField.js';
import { EnsembleWriter } from '../io/ensembleWriter.js';
import { openEnsemble } from '../io/ensembleReader.js';
import { formatMetadataValue, metadataDifference } from '../io/ensembleMetadata.js';
import { Lattice } from '../lattice/lattice.js';
import { averagePlaquette } from '../lattice/observables/plaquette.js';
import { haarRandom } from '../sun/random.js';
import { checkInteger, rangeError, typeError } from '../core/validate.js';
import { checkKernelChoice, type KernelChoice } from '../core/webassembly.js';
import { loadWasmModule } from '../io/wasmModule.js';
import { FileError } from '../core/fileError.js';
import { acquireLock, type LockHolder } from '../core/fileLock.js';
import { faultPoint } from '../core/faultPoint.js';
import { monteCarloStep, type Algorithm, type AlgorithmSpec } from './algorithm.js';
import { checkCheckerboard } from './checkerboard.js';
import { readCheckpoint, writeCheckpoint } from './checkpoint.js';
import {
  assessProduction,
  assessThermalization,
  emptyCounts,
  sampleInterval,
  type ChainContext,
  type ChainCounts,
  type ChainFinding,
  type ChainRecord,
} from './chainHealth.js';
import { measureConfiguration, type MeasurementSpec } from './measurements.js';
import { DrawKind, SiteStream } from './philox.js';
import { SerialSweeper, WorkerSweeper, type Sweeper } from './sweeper.js';
import { wasmHasPass } from './wasm/monteCarloWasm.js';
import { toWasmMemory } from './wasm/wasmField.js';
import {
  METROPOLIS_INITIAL_STEP,
  TUNING_BLOCK,
  initialHmcSteps,
  tunedHmcSteps,
  tunedMetropolisStep,
} from './tuning.js';

/** Everything that determines an ensemble. Two runs with equal specs give equal files. */
export interface RunSpec {
  /** Number of colours. */
  N: number;
  /** Lattice extents, time last; even (checkerboard). */
  dims: number[];
  /** Couplings; each gets its own chain, in this order. */
  betas: number[];
  /** The update and its parameters (`'auto'` ones are tuned during thermalisation). */
  algorithm: AlgorithmSpec;
  /** Steps (sweeps or trajectories) before the first saved configuration, per beta. */
  thermalization: number;
  /** Steps between saved configurations. */
  separation: number;
  /** Saved configurations per beta. */
  configurations: number;
  /** Key of the random streams, an integer in [0, 2^53). */
  seed: number;
  /** Start field of every chain. */
  start: 'cold' | 'hot';
  /** Re-unitarise all links every this many steps (0: never). */
  reunitarizeEvery: number;
  /** What to measure on each saved configuration. */
  measurements: MeasurementSpec;
}

/** How to run it (does not change the result). */
export interface RunOptions {
  /** Output HDF5 file. */
  output: string;
  /** Worker threads for the checkerboard sweeps (1: in the calling thread). */
  workers?: number;
  /**
   * The kernels of the heatbath and overrelaxation sweeps (default 'auto': WebAssembly where it
   * runs, with the field in WebAssembly memory; 'wasm' fails where it cannot run; 'ts': the
   * TypeScript kernels). The ensemble is the same bit for bit. Metropolis, HMC and N > 3 have
   * only TypeScript kernels.
   */
  kernels?: KernelChoice;
  /**
   * Runs the sweeps instead of the CPU sweepers (`workers` is then ignored), e.g. a
   * WebGpuSweeper (./gpu); generateEnsemble closes it at the end.
   */
  sweeper?: Sweeper;
  /** Replace an existing output file (at the end of the run). */
  force?: boolean;
  /**
   * Continue from the checkpoint `${output}.checkpoint`. Without a checkpoint and without a
   * `.partial` file the run starts from the beginning (and says so through `onNotice`); a
   * `.partial` file without its checkpoint, or a damaged one, is refused.
   */
  resume?: boolean;
  /** Write a checkpoint every this many saved configurations (default 1). */
  checkpointEvery?: number;
  /** Called after every step. */
  onProgress?: (progress: RunProgress) => void;
  /** Called after every saved configuration. */
  onConfiguration?: (index: number, beta: number, observables: Record<string, number>) => void;
  /**
   * Called for every problem found with a chain (./chainHealth.ts): at the end of its
   * thermalisation, before any of its configurations is saved, and after its last step.
   */
  onWarning?: (finding: ChainFinding) => void;
  /** Called with what the run wants its user to know (a stale lock taken over, a fresh start). */
  onNotice?: (message: string) => void;
  /**
   * Identifying metadata beyond the spec (e.g. `backend: 'webgpu'`): recorded in the file and
   * the checkpoint, and compared with them on resume (a difference is refused, naming the
   * entry and both values).
   */
  metadata?: Record<string, unknown>;
  /**
   * Describing metadata (e.g. the GPU `device`, the command line): recorded in the file's
   * provenance beside its creation time, software and host (or in the record of this resume),
   * never compared (src/io/ensembleProvenance.ts).
   */
  provenance?: Record<string, unknown>;
  /** What runs, for the lock file's message to a second writer (default "generateEnsemble"). */
  command?: string;
  /**
   * Take over a lock file of `<output>` left by a process on another host (reported through
   * `onNotice`) instead of refusing it: only for a caller with an authority of its own over
   * the output, as a queue worker holding its job's lock (src/core/fileLock.ts).
   */
  otherHostLocksStale?: boolean;
  /**
   * Stops the run cleanly at the end of the current step: the `.partial` file is flushed, a
   * checkpoint of exactly that step is written, and the summary says `interrupted`.
   */
  signal?: AbortSignal;
  /** Stop after this many steps in total, without a checkpoint, as a crash would (for tests). */
  stopAfterSteps?: number;
}

/** Reported after every step. */
export interface RunProgress {
  /** Index of the current beta in the spec's list. */
  betaIndex: number;
  /** The current beta. */
  beta: number;
  /** Steps done in this beta's chain. */
  step: number;
  /** Steps of this beta's chain. */
  stepsPerBeta: number;
  /** Steps done over the whole run (all betas). */
  done: number;
  /** Steps of the whole run. */
  total: number;
  /** Configurations saved so far (all betas). */
  saved: number;
  /**
   * Acceptance rate of the current chain: over its saved part once it began, before that over
   * its thermalisation with the final parameters (1 for heatbath, and before any such step).
   */
  acceptance: number;
}

/** What a finished (or stopped) run reports. */
export interface RunSummary {
  /** The output file. */
  output: string;
  /** Configurations in the file. */
  configurations: number;
  /** False when the run stopped early (`signal`, `stopAfterSteps`) and can be resumed. */
  finished: boolean;
  /** True when it stopped through `signal`, with a checkpoint of its last step. */
  interrupted: boolean;
  /** Where a stopped run stands: the chain's index and the steps it has done. */
  position: {
    /** Index of the chain (its beta in the spec's list); the number of betas when finished. */
    betaIndex: number;
    /** Steps that chain has done. */
    step: number;
  };
  /** Configurations already in the file when this call resumed, if it did. */
  resumedFrom?: number;
  /** Acceptance rate of every completed chain after its thermalisation (1 for heatbath). */
  acceptance: number[];
  /** The records of the completed chains (./chainHealth.ts). */
  chains: ChainRecord[];
  /** Every problem found with a chain, the completed ones and the current one. */
  findings: ChainFinding[];
}

/** Validates a run specification; errors name the field, the value and what is expected. */
export function validateRunSpec(spec: RunSpec): void {
  const fn = 'generateEnsemble';
  checkInteger(fn, 'N', spec.N, 2, 16);
  const lattice = new Lattice(spec.dims);
  checkCheckerboard(fn, lattice);
  if (!Array.isArray(spec.betas) || spec.betas.length === 0) {
    throw rangeError(fn, 'betas', 'a non-empty list of positive numbers', spec.betas);
  }
  for (const beta of spec.betas) {
    if (typeof beta !== 'number' || !Number.isFinite(beta) || beta <= 0) {
      throw rangeError(fn, 'beta', 'a positive finite number', beta);
    }
  }
  checkInteger(fn, 'thermalization', spec.thermalization, 0);
  checkInteger(fn, 'separation', spec.separation, 1);
  checkInteger(fn, 'configurations', spec.configurations, 1);
  checkInteger(fn, 'seed', spec.seed, 0);
  checkInteger(fn, 'reunitarizeEvery', spec.reunitarizeEvery, 0);
  if (spec.start !== 'cold' && spec.start !== 'hot') {
    throw rangeError(fn, 'start', '"cold" or "hot"', spec.start);
  }
  const a = spec.algorithm;
  switch (a?.kind) {
    case 'heatbath':
      checkInteger(fn, 'algorithm.overrelaxation', a.overrelaxation, 0);
      break;
    case 'metropolis':
      checkInteger(fn, 'algorithm.hits', a.hits, 1);
      if (a.step !== 'auto' && !(a.step > 0 && Number.isFinite(a.step))) {
        throw rangeError(fn, 'algorithm.step', 'a positive number or "auto"', a.step);
      }
      break;
    case 'hmc':
      if (a.steps !== 'auto') checkInteger(fn, 'algorithm.steps', a.steps, 1);
      if (!(a.tau > 0 && Number.isFinite(a.tau))) {
        throw rangeError(fn, 'algorithm.tau', 'a positive number', a.tau);
      }
      if (a.integrator !== 'leapfrog' && a.integrator !== 'omelyan') {
        throw rangeError(fn, 'algorithm.integrator', '"leapfrog" or "omelyan"', a.integrator);
      }
      if (a.warmup !== undefined) checkInteger(fn, 'algorithm.warmup', a.warmup, 0);
      break;
    default:
      throw typeError(
        fn,
        'algorithm.kind',
        '"heatbath", "metropolis" or "hmc"',
        (a as { kind?: unknown } | undefined)?.kind,
      );
  }
}

/** The start field of chain `betaIndex`: cold, or Haar-random from the Philox streams. */
export function startField(spec: RunSpec, betaIndex: number): GaugeField {
  const lattice = new Lattice(spec.dims);
  if (spec.start === 'cold') return GaugeField.cold(lattice, spec.N);
  const field = new GaugeField(lattice, spec.N);
  const g = field.group;
  const rng = new SiteStream(spec.seed);
  for (let x = 0; x < lattice.volume; x++) {
    for (let mu = 0; mu < lattice.D; mu++) {
      rng.reset(x, 0, DrawKind.start, mu, lattice.parity[x], betaIndex);
      haarRandom(field.links, field.offset(x, mu), g, rng);
    }
  }
  return field;
}

/** The metadata recorded in the file and the checkpoint: the spec, flattened for h5py users. */
function runMetadata(spec: RunSpec): Record<string, unknown> {
  return { ...spec, algorithmName: spec.algorithm.kind };
}

/** Where a chain's thermalisation changes character (see the module header). */
interface ChainPlan {
  /** HMC trajectories without the Metropolis test: steps [0, warmup). */
  warmup: number;
  /** Tuning blocks run over steps [warmup, tuneEnd). */
  tuneEnd: number;
  /** Steps of thermalisation. */
  thermalization: number;
  /** Thermalisation steps between plaquette samples. */
  sampleEvery: number;
}

function planChain(spec: RunSpec): ChainPlan {
  const a = spec.algorithm;
  const T = spec.thermalization;
  const warmup = a.kind === 'hmc' ? Math.min(a.warmup ?? 0, T) : 0;
  const tunes =
    (a.kind === 'hmc' && a.steps === 'auto') || (a.kind === 'metropolis' && a.step === 'auto');
  const blocks = tunes ? Math.floor(Math.floor((T - warmup) / 2) / TUNING_BLOCK) : 0;
  return {
    warmup,
    tuneEnd: warmup + blocks * TUNING_BLOCK,
    thermalization: T,
    sampleEvery: sampleInterval(T),
  };
}

/** A fresh record for chain `betaIndex`, with the first values of `'auto'` parameters. */
function newChain(spec: RunSpec, betaIndex: number, plan: ChainPlan): ChainRecord {
  const a = spec.algorithm;
  const parameters: ChainRecord['parameters'] = {};
  if (a.kind === 'metropolis') {
    parameters.step = a.step === 'auto' ? METROPOLIS_INITIAL_STEP : a.step;
  } else if (a.kind === 'hmc') {
    const links = spec.dims.reduce((v, L) => v * L, 1) * spec.dims.length;
    parameters.steps = a.steps === 'auto' ? initialHmcSteps(links, spec.N, a.tau) : a.steps;
  }
  return {
    betaIndex,
    beta: spec.betas[betaIndex],
    parameters,
    warmup: plan.warmup,
    sampleEvery: plan.sampleEvery,
    samples: [],
    thermalization: emptyCounts(),
    production: emptyCounts(),
    findings: [],
  };
}

/** The algorithm with the chain's parameters in effect. */
function concrete(a: AlgorithmSpec, chain: ChainRecord): Algorithm {
  if (a.kind === 'metropolis')
    return { kind: 'metropolis', hits: a.hits, step: chain.parameters.step! };
  if (a.kind === 'hmc') {
    return { kind: 'hmc', tau: a.tau, steps: chain.parameters.steps!, integrator: a.integrator };
  }
  return a;
}

function add(
  counts: ChainCounts,
  stats: { accepted: number; proposals: number; deltaH?: number },
): void {
  counts.steps++;
  counts.accepted += stats.accepted;
  counts.proposals += stats.proposals;
  if (stats.deltaH !== undefined) {
    counts.deltaH2Sum += stats.deltaH * stats.deltaH;
    counts.expMinusDeltaHSum += Math.exp(-stats.deltaH);
  }
}

/** What the checkpoint keeps beside the links (JSON). */
interface RunState {
  /** The records of the completed chains. */
  chains: ChainRecord[];
  /** The current chain, when it has begun. */
  current?: ChainRecord;
  /** The statistics of the current tuning block. */
  block?: ChainCounts;
}

function isRunState(value: unknown): value is RunState {
  return typeof value === 'object' && value !== null && Array.isArray((value as RunState).chains);
}

/**
 * Where the CPU sweepers want the links: in WebAssembly memory when its kernels will sweep them
 * (see RunOptions.kernels), else in a SharedArrayBuffer for worker threads, else where they are.
 */
function placeField(
  field: GaugeField,
  spec: RunSpec,
  kernels: KernelChoice,
  workers: number,
): GaugeField {
  if (kernels !== 'ts' && spec.algorithm.kind === 'heatbath' && wasmHasPass(spec.N, 'heatbath')) {
    const compiled = loadWasmModule('montecarlo');
    if (!('reason' in compiled)) return toWasmMemory(field);
    if (kernels === 'wasm') {
      throw new Error(
        `generateEnsemble: the WebAssembly kernels cannot run here: ${compiled.reason}`,
      );
    }
  }
  return workers > 1 ? field.toShared() : field;
}

/**
 * Generates (or resumes) an ensemble. Resolves when the run finished or stopped
 * (`signal`, `stopAfterSteps`); the output file appears under its final name only when it
 * finished.
 *
 * @throws FileError when another process writes the same output (its lock file names it), when
 *   a checkpoint or `.partial` file to resume from is missing, damaged or was written with
 *   other identifying metadata (naming the entry and both values), and for write failures
 *   (naming the file); RangeError/TypeError for an invalid spec or options.
 */
export async function generateEnsemble(spec: RunSpec, options: RunOptions): Promise<RunSummary> {
  // a supplied sweeper is ours to close, also when the run fails before it starts
  const supplied = options.sweeper;
  let sweeper: Sweeper | undefined;
  try {
    validateRunSpec(spec);
    const output = options.output;
    if (typeof output !== 'string' || output === '') {
      throw typeError('generateEnsemble', 'options.output', 'a file name', output);
    }
    const lock = acquireLock(`${output}.lock`, output, options.command ?? 'generateEnsemble', {
      otherHostsStale: options.otherHostLocksStale === true,
    });
    try {
      if (lock.staleFrom !== undefined)
        options.onNotice?.(staleLockNotice(lock.path, lock.staleFrom));
      return await run(spec, options, (s) => (sweeper = s));
    } finally {
      lock.release();
    }
  } finally {
    await (sweeper ?? supplied)?.close();
  }
}

function staleLockNotice(path: string, holder: LockHolder): string {
  return (
    `took over the stale lock ${path} of process ${holder.pid} on ${holder.host} ` +
    `(since ${holder.started}; ` +
    (holder.host === hostname()
      ? 'no longer running)'
      : 'on another host, taken over as the caller holds the output)')
  );
}

async function run(
  spec: RunSpec,
  options: RunOptions,
  started: (sweeper: Sweeper) => void,
): Promise<RunSummary> {
  if (options.sweeper?.download !== undefined && spec.algorithm.kind === 'hmc') {
    throw rangeError(
      'generateEnsemble',
      'options.sweeper',
      'none for HMC (its trajectories run on the CPU links)',
      'a sweeper that keeps its own links',
    );
  }
  const workers = options.workers ?? 1;
  checkInteger('generateEnsemble', 'workers', workers, 1, 256);
  const checkpointEvery = options.checkpointEvery ?? 1;
  checkInteger('generateEnsemble', 'checkpointEvery', checkpointEvery, 1);
  const output = options.output;
  const checkpointPath = `${output}.checkpoint`;
  const partialPath = `${output}.partial`;
  const identifying = { N: spec.N, dims: spec.dims, ...runMetadata(spec), ...options.metadata };
  const context: ChainContext = {
    algorithm: spec.algorithm,
    thermalization: spec.thermalization,
    start: spec.start,
  };
  const plan = planChain(spec);

  let betaIndex = 0;
  let step = 0;
  let saved = 0;
  let state: RunState = { chains: [] };
  let field = startField(spec, 0);
  let writer: EnsembleWriter;
  let resumedFrom: number | undefined;
  const hasCheckpoint = options.resume === true && existsSync(checkpointPath);
  if (hasCheckpoint) {
    const checkpoint = await readCheckpoint(checkpointPath, identifying);
    if (!isRunState(checkpoint.state)) {
      throw new FileError(
        `checkpoint ${checkpointPath}: invalid header field state: expected the run's chains ` +
          `(a checkpoint of an older version? start over with --force)`,
      );
    }
    betaIndex = checkpoint.betaIndex;
    step = checkpoint.sweep;
    saved = checkpoint.configsWritten;
    state = checkpoint.state;
    resumedFrom = saved;
    field = new GaugeField(new Lattice(spec.dims), spec.N, checkpoint.links);
    if (!existsSync(partialPath) && existsSync(output) && betaIndex >= spec.betas.length) {
      // killed after the final rename, before the checkpoint was removed
      const summary = await completedRun(spec, output, identifying, checkpointPath, state);
      rmSync(checkpointPath, { force: true });
      return summary;
    }
    writer = await EnsembleWriter.resume(output, identifying, saved, {
      force: options.force,
      provenance: options.provenance,
    });
  } else {
    let emptyPartial = false;
    if (options.resume === true) {
      if (existsSync(partialPath)) {
        // killed between creating the file and its first checkpoint: nothing to lose
        const partial = await openEnsemble(partialPath);
        emptyPartial = partial.count === 0;
        partial.close();
        if (!emptyPartial) {
          throw new FileError(
            `cannot resume: ${partialPath} holds configurations but its checkpoint ` +
              `${checkpointPath} is missing, so where the run stood is unknown; to start ` +
              `over, pass { force: true } (lgt: --force), which replaces ${partialPath}`,
          );
        }
      }
      if (existsSync(output) && options.force !== true && !emptyPartial) {
        // finished (perhaps killed between its end and its exit): the same run, done
        options.onNotice?.(`nothing to resume: ${output} is complete`);
        return await completedRun(spec, output, identifying, undefined, undefined);
      }
      options.onNotice?.(`no checkpoint ${checkpointPath}: starting from the beginning`);
    }
    if (emptyPartial) rmSync(partialPath);
    else if (options.resume !== true && options.force !== true && existsSync(partialPath)) {
      throw new FileError(
        `${partialPath} exists: an interrupted run of ${output}; continue it with ` +
          `{ resume: true } (lgt: --resume), or start over with { force: true } (lgt: --force)`,
      );
    }
    writer = await EnsembleWriter.create(output, identifying, {
      force: options.force,
      provenance: options.provenance,
    });
  }

  try {
    if (!hasCheckpoint) {
      // From here on the .partial file always has a checkpoint (a resume never finds one
      // alone with configurations in it).
      await writeCheckpoint(checkpointPath, {
        metadata: identifying,
        sweep: 0,
        betaIndex: 0,
        configsWritten: 0,
        links: field.links,
        state: state as unknown as Record<string, unknown>,
      });
    }
    const kernels = checkKernelChoice('generateEnsemble', 'kernels', options.kernels ?? 'auto');
    const sweeper: Sweeper =
      options.sweeper ??
      (workers > 1
        ? new WorkerSweeper(workers, { kernels })
        : new SerialSweeper({ kernels, wasmModule: () => loadWasmModule('montecarlo') }));
    started(sweeper);
    if (options.sweeper === undefined) field = placeField(field, spec, kernels, workers);
    return await runChains({
      spec,
      options,
      plan,
      context,
      identifying,
      checkpointPath,
      checkpointEvery,
      writer,
      sweeper,
      field,
      betaIndex,
      step,
      saved,
      state,
      resumedFrom,
    });
  } catch (error) {
    // The .partial file stays as of its last flush, which a checkpoint describes: drop the
    // writer without flushing more, since a failed write (a full disk) may have left HDF5's
    // caches describing data that never reached the disk.
    writer.abandon();
    throw error;
  }
}

/** Everything the chain loop works on. */
interface Run {
  spec: RunSpec;
  options: RunOptions;
  plan: ChainPlan;
  context: ChainContext;
  identifying: Record<string, unknown>;
  checkpointPath: string;
  checkpointEvery: number;
  writer: EnsembleWriter;
  sweeper: Sweeper;
  field: GaugeField;
  betaIndex: number;
  step: number;
  saved: number;
  state: RunState;
  resumedFrom: number | undefined;
}

/** The chains, from where `r` stands to the end (or to a stop). */
async function runChains(r: Run): Promise<RunSummary> {
  const { spec, options, plan, writer, sweeper, field } = r;
  const stepsPerBeta = spec.thermalization + spec.configurations * spec.separation;
  const total = stepsPerBeta * spec.betas.length;
  let stepsThisCall = 0;
  const summary = (finished: boolean, interrupted: boolean): RunSummary => ({
    output: options.output,
    configurations: r.saved,
    finished,
    interrupted,
    position: { betaIndex: r.betaIndex, step: r.step },
    resumedFrom: r.resumedFrom,
    acceptance: r.state.chains.map((c) =>
      c.production.proposals > 0 ? c.production.accepted / c.production.proposals : 1,
    ),
    chains: r.state.chains,
    findings: [...r.state.chains, ...(r.state.current ? [r.state.current] : [])].flatMap(
      (c) => c.findings,
    ),
  });
  const checkpoint = async (betaIndex = r.betaIndex, step = r.step): Promise<void> =>
    writeCheckpoint(r.checkpointPath, {
      metadata: r.identifying,
      sweep: step,
      betaIndex,
      configsWritten: r.saved,
      links: field.links,
      state: r.state as unknown as Record<string, unknown>,
    });
  const report = (findings: ChainFinding[]): void => {
    for (const finding of findings) options.onWarning?.(finding);
  };

  for (; r.betaIndex < spec.betas.length; r.betaIndex++, r.step = 0) {
    const beta = spec.betas[r.betaIndex];
    if (r.step === 0) {
      field.links.set(startField(spec, r.betaIndex).links);
      r.state.current = newChain(spec, r.betaIndex, plan);
      r.state.block = emptyCounts();
    }
    const chain = r.state.current;
    if (chain === undefined) {
      throw new FileError(
        `checkpoint ${r.checkpointPath}: invalid header field state: step ${r.step} of beta ` +
          `${beta} without the chain's record`,
      );
    }
    await sweeper.upload?.(field);
    while (r.step < stepsPerBeta) {
      if (options.stopAfterSteps !== undefined && stepsThisCall >= options.stopAfterSteps) {
        writer.close();
        return summary(false, false);
      }
      if (options.signal?.aborted === true) {
        await sweeper.download?.(field, { reunitarize: false });
        writer.flush();
        await checkpoint();
        writer.close();
        return summary(false, true);
      }
      const step = r.step;
      const inWarmup = step < plan.warmup;
      const stats = await monteCarloStep(
        field,
        concrete(spec.algorithm, chain),
        beta,
        spec.seed,
        step,
        r.betaIndex,
        sweeper,
        { metropolisTest: !inWarmup },
      );
      r.step++;
      stepsThisCall++;
      if (step >= spec.thermalization) add(chain.production, stats);
      else if (step >= plan.tuneEnd) add(chain.thermalization, stats);
      else if (!inWarmup) {
        const block = r.state.block!;
        add(block, stats);
        if (block.steps === TUNING_BLOCK) {
          if (chain.parameters.steps !== undefined) {
            chain.parameters.steps = tunedHmcSteps(
              chain.parameters.steps,
              block.deltaH2Sum / block.steps,
            );
          } else if (chain.parameters.step !== undefined) {
            chain.parameters.step = tunedMetropolisStep(
              chain.parameters.step,
              block.accepted / block.proposals,
            );
          }
          r.state.block = emptyCounts();
        }
      }
      if (spec.reunitarizeEvery > 0 && r.step % spec.reunitarizeEvery === 0) {
        if (sweeper.reunitarize !== undefined) await sweeper.reunitarize(field);
        else field.reunitarize();
      }
      if (r.step <= spec.thermalization && r.step % plan.sampleEvery === 0) {
        await sweeper.download?.(field, { reunitarize: false });
        chain.samples.push(averagePlaquette(field));
      }
      if (r.step === spec.thermalization) {
        const findings = assessThermalization(chain, r.context);
        chain.findings.push(...findings);
        report(findings);
      }
      const endOfChain = r.step === stepsPerBeta;
      if (endOfChain) {
        const findings = assessProduction(chain, r.context);
        chain.findings.push(...findings);
        report(findings);
      }
      const sinceThermalized = r.step - spec.thermalization;
      if (sinceThermalized > 0 && sinceThermalized % spec.separation === 0) {
        await sweeper.download?.(field);
        const observables = measureConfiguration(field, spec.measurements);
        writer.append({ links: field.links, beta, sweep: r.step, observables });
        r.saved++;
        faultPoint('generate:appended');
        options.onConfiguration?.(r.saved - 1, beta, observables);
        if (endOfChain) {
          // what this chain recorded is final; a resume starts the next one at its step 0
          r.state.chains.push(chain);
          r.state.current = undefined;
          r.state.block = undefined;
        }
        if (r.saved % r.checkpointEvery === 0 || endOfChain) {
          writer.flush();
          faultPoint('generate:flushed');
          if (endOfChain) await checkpoint(r.betaIndex + 1, 0);
          else await checkpoint();
        }
      }
      const counts = r.step > spec.thermalization ? chain.production : chain.thermalization;
      options.onProgress?.({
        betaIndex: r.betaIndex,
        beta,
        step: r.step,
        stepsPerBeta,
        done: r.betaIndex * stepsPerBeta + r.step,
        total,
        saved: r.saved,
        acceptance: counts.proposals > 0 ? counts.accepted / counts.proposals : 1,
      });
      // let signals, timers and I/O run between steps (a serial step never yields)
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  writer.setDiagnostics({ chains: r.state.chains });
  await writer.finalize();
  faultPoint('generate:finalized');
  rmSync(r.checkpointPath, { force: true });
  return summary(true, false);
}

/**
 * A run found complete on resume: killed after its final rename (before its checkpoint was
 * removed, `checkpointPath` given), or after its end. Checks that the output is this run's
 * (identifying metadata, number of configurations) and reports it as finished.
 *
 * @throws FileError naming the file and the difference when it is another run's.
 */
async function completedRun(
  spec: RunSpec,
  output: string,
  identifying: Record<string, unknown>,
  checkpointPath: string | undefined,
  state: RunState | undefined,
): Promise<RunSummary> {
  const expected = spec.betas.length * spec.configurations;
  let chains: ChainRecord[];
  const ensemble = await openEnsemble(output);
  try {
    const d = metadataDifference(ensemble.metadata, identifying);
    if (d) {
      throw new FileError(
        `cannot resume: ${output}: metadata mismatch in ${d.key}: file has ` +
          `${formatMetadataValue(d.a)}, run has ${formatMetadataValue(d.b)}`,
      );
    }
    if (ensemble.count !== expected) {
      throw new FileError(
        `cannot resume: ${output} holds ${ensemble.count} configurations, the run makes ` +
          `${expected}${checkpointPath === undefined ? '' : ` (its checkpoint ${checkpointPath} is stale)`}`,
      );
    }
    const recorded = ensemble.diagnostics?.chains;
    chains = state?.chains ?? (Array.isArray(recorded) ? (recorded as ChainRecord[]) : []);
  } finally {
    ensemble.close();
  }
  return {
    output,
    configurations: expected,
    finished: true,
    interrupted: false,
    position: { betaIndex: spec.betas.length, step: 0 },
    resumedFrom: expected,
    acceptance: chains.map((c) =>
      c.production.proposals > 0 ? c.production.accepted / c.production.proposals : 1,
    ),
    chains,
    findings: chains.flatMap((c) => c.findings),
  };
}
