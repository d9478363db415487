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
 * Progress and configurations are reported through callbacks; this module does no printing.
 *
 * @module
 */
import { existsSync, rmSync } from 'node:fs';
import { GaugeField } from '../lattice/gaugeField.js';
import { EnsembleWriter } from '../io/ensembleWriter.js';
import { Lattice } from '../lattice/lattice.js';
import { haarRandom } from '../sun/random.js';
import { checkInteger, rangeError, typeError } from '../core/validate.js';
import { checkKernelChoice, type KernelChoice } from '../core/webassembly.js';
import { loadWasmModule } from '../io/wasmModule.js';
import { monteCarloStep, type Algorithm } from './algorithm.js';
import { checkCheckerboard } from './checkerboard.js';
import { readCheckpoint, writeCheckpoint } from './checkpoint.js';
import { measureConfiguration, type MeasurementSpec } from './measurements.js';
import { DrawKind, SiteStream } from './philox.js';
import { SerialSweeper, WorkerSweeper, type Sweeper } from './sweeper.js';
import { wasmHasPass } from './wasm/monteCarloWasm.js';
import { toWasmMemory } from './wasm/wasmField.js';

/** Everything that determines an ensemble. Two runs with equal specs give equal files. */
export interface RunSpec {
  /** Number of colours. */
  N: number;
  /** Lattice extents, time last; even (checkerboard). */
  dims: number[];
  /** Couplings; each gets its own chain, in this order. */
  betas: number[];
  /** The update and its parameters. */
  algorithm: Algorithm;
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
  /** Continue from the checkpoint `${output}.checkpoint`, if there is one. */
  resume?: boolean;
  /** Write a checkpoint every this many saved configurations (default 1). */
  checkpointEvery?: number;
  /** Called after every step. */
  onProgress?: (progress: RunProgress) => void;
  /** Called after every saved configuration. */
  onConfiguration?: (index: number, beta: number, observables: Record<string, number>) => void;
  /**
   * Extra metadata recorded in the file (not part of the spec: e.g. the software version).
   * A resumed run must pass the same values (resuming with another version is refused).
   */
  metadata?: Record<string, unknown>;
  /** Stop after this many steps in total (for tests of interruption); the run is resumable. */
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
  /** Acceptance rate of the current chain so far (1 for heatbath). */
  acceptance: number;
}

/** What a finished (or stopped) run reports. */
export interface RunSummary {
  /** The output file. */
  output: string;
  /** Configurations in the file. */
  configurations: number;
  /** False when the run stopped early (`stopAfterSteps`) and can be resumed. */
  finished: boolean;
  /** Configurations already in the file when this call resumed, if it did. */
  resumedFrom?: number;
  /** Acceptance rate per beta chain completed in this call (1 for heatbath). */
  acceptance: number[];
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
      if (!(a.step > 0 && Number.isFinite(a.step))) {
        throw rangeError(fn, 'algorithm.step', 'a positive number', a.step);
      }
      break;
    case 'hmc':
      checkInteger(fn, 'algorithm.steps', a.steps, 1);
      if (!(a.tau > 0 && Number.isFinite(a.tau))) {
        throw rangeError(fn, 'algorithm.tau', 'a positive number', a.tau);
      }
      if (a.integrator !== 'leapfrog' && a.integrator !== 'omelyan') {
        throw rangeError(fn, 'algorithm.integrator', '"leapfrog" or "omelyan"', a.integrator);
      }
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
 * (`stopAfterSteps`); the output file appears under its final name only when it finished.
 */
export async function generateEnsemble(spec: RunSpec, options: RunOptions): Promise<RunSummary> {
  // a supplied sweeper is ours to close, also when the run fails before it starts
  const supplied = options.sweeper;
  let sweeper: Sweeper | undefined;
  try {
    return await run(spec, options, (s) => (sweeper = s));
  } finally {
    await (sweeper ?? supplied)?.close();
  }
}

async function run(
  spec: RunSpec,
  options: RunOptions,
  started: (sweeper: Sweeper) => void,
): Promise<RunSummary> {
  validateRunSpec(spec);
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
  const spec0 = runMetadata(spec);
  const fileMetadata = { N: spec.N, dims: spec.dims, ...spec0, ...options.metadata };

  let betaIndex = 0;
  let step = 0;
  let saved = 0;
  let field: GaugeField;
  let writer: EnsembleWriter;
  let resumedFrom: number | undefined;
  if (options.resume && existsSync(checkpointPath)) {
    const checkpoint = await readCheckpoint(checkpointPath, spec0);
    betaIndex = checkpoint.betaIndex;
    step = checkpoint.sweep;
    saved = checkpoint.configsWritten;
    resumedFrom = saved;
    field = new GaugeField(new Lattice(spec.dims), spec.N, checkpoint.links);
    writer = await EnsembleWriter.resume(output, fileMetadata, saved, { force: options.force });
  } else {
    writer = await EnsembleWriter.create(output, fileMetadata, { force: options.force });
    field = startField(spec, 0);
  }

  const kernels = checkKernelChoice('generateEnsemble', 'kernels', options.kernels ?? 'auto');
  const sweeper: Sweeper =
    options.sweeper ??
    (workers > 1
      ? new WorkerSweeper(workers, { kernels })
      : new SerialSweeper({ kernels, wasmModule: () => loadWasmModule('montecarlo') }));
  started(sweeper);
  if (options.sweeper === undefined) field = placeField(field, spec, kernels, workers);
  const stepsPerBeta = spec.thermalization + spec.configurations * spec.separation;
  const total = stepsPerBeta * spec.betas.length;
  const acceptance: number[] = [];
  let stepsThisCall = 0;
  for (; betaIndex < spec.betas.length; betaIndex++, step = 0) {
    const beta = spec.betas[betaIndex];
    if (step === 0 && (betaIndex > 0 || resumedFrom === undefined)) {
      const fresh = startField(spec, betaIndex);
      field.links.set(fresh.links);
    }
    await sweeper.upload?.(field);
    let accepted = 0;
    let proposals = 0;
    for (; step < stepsPerBeta;) {
      if (options.stopAfterSteps !== undefined && stepsThisCall >= options.stopAfterSteps) {
        writer.close();
        return { output, configurations: saved, finished: false, resumedFrom, acceptance };
      }
      const stats = await monteCarloStep(
        field,
        spec.algorithm,
        beta,
        spec.seed,
        step,
        betaIndex,
        sweeper,
      );
      step++;
      stepsThisCall++;
      accepted += stats.accepted;
      proposals += stats.proposals;
      if (spec.reunitarizeEvery > 0 && step % spec.reunitarizeEvery === 0) {
        if (sweeper.reunitarize !== undefined) await sweeper.reunitarize(field);
        else field.reunitarize();
      }
      const sinceThermalized = step - spec.thermalization;
      if (sinceThermalized > 0 && sinceThermalized % spec.separation === 0) {
        await sweeper.download?.(field);
        const observables = measureConfiguration(field, spec.measurements);
        writer.append({ links: field.links, beta, sweep: step, observables });
        saved++;
        options.onConfiguration?.(saved - 1, beta, observables);
        const endOfChain = step === stepsPerBeta;
        if (saved % checkpointEvery === 0 || endOfChain) {
          writer.flush();
          await writeCheckpoint(checkpointPath, {
            metadata: spec0,
            sweep: endOfChain ? 0 : step,
            betaIndex: endOfChain ? betaIndex + 1 : betaIndex,
            configsWritten: saved,
            links: field.links,
          });
        }
      }
      options.onProgress?.({
        betaIndex,
        beta,
        step,
        stepsPerBeta,
        done: betaIndex * stepsPerBeta + step,
        total,
        saved,
        acceptance: proposals > 0 ? accepted / proposals : 1,
      });
    }
    acceptance.push(proposals > 0 ? accepted / proposals : 1);
  }
  await writer.finalize();
  rmSync(checkpointPath, { force: true });
  return { output, configurations: saved, finished: true, resumedFrom, acceptance };
}
