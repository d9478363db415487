/**
 * The whole training job, once for every kind of model, as `lgt train`, the demo and the
 * reproductions run it: read the ensembles, compute the targets, split by configuration, build
 * the model, train it (./loop.ts) with a JSON-lines metrics log, evaluate it on the test split
 * (overall and per beta), and save it. The model is behind {@link TrainableModel}: the L-CNN
 * ({@link runTrainJob}) and the tfjs baseline CNN (`runBaselineJob`) implement it.
 *
 * @module
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../core/atomicWrite.js';
import { FileError } from '../../core/fileError.js';
import { acquireLock } from '../../core/fileLock.js';
import { Dataset, splitDataset, type Split } from '../dataset.js';
import { evaluatePredictor, type Evaluation } from '../evaluation.js';
import { predict } from '../gradient.js';
import type { InputSpec } from '../inputFeatures.js';
import type { LiftedInput } from '../liftedInput.js';
import type { LayerSpec } from '../layers/layer.js';
import { Model, type ModelSpec } from '../model.js';
import { EnsembleModel } from '../ensemble.js';
import { loadModelOrEnsemble, saveModel, type ModelInfo } from '../modelFile.js';
import { checkInteger } from '../../core/validate.js';
import { trainableEnsemble } from './ensembleJob.js';
import { memberSeed } from './seeds.js';
import { symmetricSpec } from '../architecture.js';
import { isLatticeSymmetry, latticeSymmetryDims, type Symmetry } from '../symmetry.js';
import { formatTarget, type TargetSpec } from '../targets.js';
import type { EpochMetrics, TrainResult } from './learner.js';
import type { StageResult } from './curriculum.js';
import type { LbfgsFinishResult } from './lbfgsFinish.js';
import type { MarquardtFinishResult } from './marquardtFinish.js';
import type { ReadoutRefitResult } from './readoutRefit.js';
import { trainModel, type TrainOptions } from './lcnn.js';

/** What a training job needs of a model, whatever its kind. */
export interface TrainableModel {
  /** Number of trainable weights. */
  readonly parameterCount: number;
  /** What the model is, as its file records it (JSON), when the kind can be restored. */
  readonly spec?: unknown;
  /** Trains in place (the loop of ./loop.ts), restoring the best epoch's weights. */
  train(dataset: Dataset, split: Split, options: TrainOptions): Promise<TrainResult>;
  /** Predictions for the given configurations, flattened like `Dataset.targetsOf`. */
  predict(dataset: Dataset, indices: number[]): Float64Array;
  /** Writes the model file (atomic; refuses an existing path unless `force`). */
  save(path: string, info: ModelInfo, options: { force?: boolean }): Promise<void>;
  /** Frees what the model holds. */
  dispose(): void;
}

/** A training job, whatever the model: the data, the split, the training and the output. */
export interface TrainingJob {
  /**
   * Ensemble files (their configurations are pooled: one group SU(N) and one dimension D,
   * lattice sizes may differ).
   */
  data: string[];
  /**
   * Hold the links in memory ("off"), read them from the files configuration by configuration
   * ("on": memory bounded whatever the files' sizes), or decide by size ("auto", the default:
   * streaming above 4 GiB of links, `AUTO_STREAM_BYTES` of ../dataset.ts).
   */
  stream?: 'auto' | 'on' | 'off';
  /** The observable to learn. */
  target: TargetSpec;
  /** Weight-initialisation seed. */
  modelSeed: number;
  /** Fraction of the configurations (per beta) held out for validation. */
  validation: number;
  /** Fraction of the configurations (per beta) held out for testing. */
  test: number;
  /** Seed of the train/validation/test split. */
  splitSeed: number;
  /** Training hyper-parameters and run options. */
  train: Omit<TrainOptions, 'onEpoch'>;
  /** Output model file. */
  output: string;
  /** Replace an existing output file. */
  force?: boolean;
  /**
   * JSON-lines metrics log, one object per epoch. A resumed run rewrites it from its
   * checkpoint's history before going on, so it holds every epoch exactly once, as the log of
   * an uninterrupted run would (the `seconds` aside).
   */
  metricsLog?: string;
  /** What runs, for the lock file's message to a second writer of `output`. */
  command?: string;
  /**
   * The name that messages about the data files start with (default 'runTrainingJob'; the
   * command line's 'lgt train', so that its users read their command, not a function).
   */
  caller?: string;
  /** Called with what the job wants its user to know (a stale lock taken over). */
  onNotice?: (message: string) => void;
  /** Called after every epoch (after the metrics log line is written). */
  onEpoch?: (metrics: EpochMetrics) => void;
  /**
   * Members of an ensemble (default 1: one model): M models trained one after another with
   * the seeds of ./seeds.ts `memberSeed`, saved in one file, predicting their mean
   * (./ensembleJob.ts). Only L-CNNs make ensembles.
   */
  ensemble?: number;
}

/** Everything `lgt train` needs for an L-CNN. */
export interface TrainJob extends TrainingJob {
  /** Model layers (N and D are taken from the data). */
  layers: LayerSpec[];
  /** Input channels besides the plaquettes (Wilson loops, the Polyakov loop). */
  input?: InputSpec;
  /** Point-group symmetry of the model (default "none"); the parity follows the target. */
  symmetry?: Symmetry;
  /** Symmetric L-Conv layers sum over all input orientations (default true). */
  mixOrientations?: boolean;
  /** What the lifted input carries per orientation (symmetric models; default "plane"). */
  liftedInput?: LiftedInput;
}

/** The result of a training job. */
export interface TrainSummary {
  /** Path of the saved model file. */
  output: string;
  /** Number of trainable weights of the model. */
  parameters: number;
  /** Number of epochs trained (the length of `history`). */
  epochs: number;
  /** The epoch with the lowest validation loss, from 1. */
  bestEpoch: number;
  /** The lowest validation loss (mean squared error). */
  bestValidationLoss: number;
  /** Evaluation of the saved model on the test split (the validation split if it is empty). */
  test: Evaluation;
  /** Metrics of every epoch. */
  history: EpochMetrics[];
  /**
   * True when stopped by `train.signal`: nothing was evaluated or saved (`test` has n = 0);
   * `checkpointEpoch` says which epoch's state the checkpoint file holds (0: none).
   */
  interrupted: boolean;
  /** See `interrupted`. */
  checkpointEpoch?: number;
  /** Ensembles stopped by `train.signal`: the member, from 1, that was training. */
  member?: number;
  /** The stages of `train.curriculum` and what each reached (a single L-CNN). */
  curriculum?: StageResult[];
  /** What `train.marquardt` did (a single L-CNN). */
  marquardt?: MarquardtFinishResult;
  /** What `train.lbfgs` did (a single L-CNN). */
  lbfgs?: LbfgsFinishResult;
  /** What `train.refitReadout` did (a single L-CNN). */
  readoutRefit?: ReadoutRefitResult;
}

/**
 * Runs a training job end to end with the model that `build` makes for the loaded dataset,
 * holding the lock file `<output>.lock` meanwhile (src/core/fileLock.ts). A resumed job whose
 * model file is already there (killed after saving it) is complete: with `restore` to read
 * that file, it is checked to be this job's (spec, data, target, training options) and
 * evaluated again, and nothing is trained.
 *
 * @throws FileError when the output exists and `force` is not set (before any work; unless
 *   resuming a complete job), when another process trains into the same output (naming it),
 *   or for unreadable data; RangeError/TypeError from the model and the loop for bad options.
 */
export async function runTrainingJob(
  job: TrainingJob,
  build: (dataset: Dataset) => TrainableModel,
  restore?: (path: string) => TrainableModel,
): Promise<TrainSummary> {
  const complete = existsSync(job.output) && !job.force;
  if (complete && !(job.train.resume === true && restore !== undefined)) {
    throw new FileError(
      `${job.output} already exists; pass { force: true } (lgt: --force) to replace it`,
    );
  }
  const lock = acquireLock(`${job.output}.lock`, job.output, job.command ?? 'runTrainingJob');
  try {
    if (lock.staleFrom !== undefined) {
      const h = lock.staleFrom;
      job.onNotice?.(
        `took over the stale lock ${lock.path} of process ${h.pid} on ${h.host} ` +
          `(since ${h.started}; no longer running)`,
      );
    }
    return complete && restore !== undefined
      ? await completedJob(job, build, restore)
      : await runLocked(job, build);
  } finally {
    lock.release();
  }
}

/** What a model file says of the job that made it, besides its results. */
function jobRecord(job: TrainingJob, dataset: Dataset): Record<string, unknown> {
  return {
    target: job.target,
    targetName: formatTarget(job.target),
    trainedOn: [...dataset.lattices[0].dims],
    ...(dataset.lattices.length > 1
      ? { trainedOnLattices: dataset.lattices.map((l) => [...l.dims]) }
      : {}),
    data: job.data,
    training: {
      ...trainingRecord(job.train),
      validation: job.validation,
      test: job.test,
      splitSeed: job.splitSeed,
    },
  };
}

/**
 * A resumed job whose model file exists: checks that the file is this job's, and evaluates it
 * as the job would have (the same split), with the history of its checkpoint if there is one.
 */
async function completedJob(
  job: TrainingJob,
  build: (dataset: Dataset) => TrainableModel,
  restore: (path: string) => TrainableModel,
): Promise<TrainSummary> {
  const dataset = await openJobDataset(job);
  let fresh: TrainableModel;
  let saved: TrainableModel;
  try {
    fresh = build(dataset);
    saved = restore(job.output);
  } catch (error) {
    dataset.close();
    throw error;
  }
  try {
    const file = JSON.parse(readFileSync(job.output, 'utf8')) as {
      spec?: unknown;
      info?: Record<string, unknown>;
    };
    // the output map (`standardize`) is set by training from the data: not part of the identity
    const identity = (spec: unknown): unknown => {
      if (spec === null || typeof spec !== 'object') return spec;
      const rest: Record<string, unknown> = { ...(spec as Record<string, unknown>) };
      delete rest.output;
      return rest;
    };
    const expected: Record<string, unknown> = {
      spec: identity(fresh.spec),
      ...jobRecord(job, dataset),
    };
    const found: Record<string, unknown> = { spec: identity(file.spec), ...file.info };
    const members = (file as { members?: unknown[] }).members?.length ?? 1;
    if (members !== (job.ensemble ?? 1)) {
      throw new FileError(
        `cannot resume: ${job.output} exists and holds ${members} model(s), this job trains ` +
          `${job.ensemble ?? 1}; pass { force: true } (lgt: --force) to train it again`,
      );
    }
    for (const key of Object.keys(expected)) {
      const [a, b] = [JSON.stringify(found[key]), JSON.stringify(expected[key])];
      if (a !== b) {
        throw new FileError(
          `cannot resume: ${job.output} exists and was trained otherwise: ${key} is ${a} ` +
            `there, ${b} here; pass { force: true } (lgt: --force) to train it again`,
        );
      }
    }
    const split = splitDataset(
      dataset,
      { validation: job.validation, test: job.test },
      job.splitSeed,
    );
    const test = evaluatePredictor(
      (d, i) => saved.predict(d, i),
      dataset,
      split.test.length > 0 ? split.test : split.validation,
    );
    const checkpoint = job.train.checkpoint;
    const history =
      checkpoint !== undefined && existsSync(checkpoint)
        ? ((JSON.parse(readFileSync(checkpoint, 'utf8')) as { history?: EpochMetrics[] }).history ??
          [])
        : [];
    const info = file.info ?? {};
    job.onNotice?.(`nothing to resume: ${job.output} is complete`);
    return {
      output: job.output,
      parameters: saved.parameterCount,
      epochs: history.length,
      bestEpoch: Number(info.bestEpoch),
      bestValidationLoss: Number(info.bestValidationLoss),
      test,
      history,
      interrupted: false,
      ...(info.marquardt !== undefined
        ? { marquardt: info.marquardt as MarquardtFinishResult }
        : {}),
      ...(info.lbfgs !== undefined ? { lbfgs: info.lbfgs as LbfgsFinishResult } : {}),
      ...(info.readoutRefit !== undefined
        ? { readoutRefit: info.readoutRefit as ReadoutRefitResult }
        : {}),
    };
  } finally {
    fresh.dispose();
    saved.dispose();
    dataset.close();
  }
}

/** The job's dataset, in memory or streamed from the files (TrainingJob.stream). */
function openJobDataset(job: TrainingJob): Promise<Dataset> {
  return Dataset.open(job.data, job.target, {
    fn: job.caller ?? 'runTrainingJob',
    inMemory: job.stream === 'on' ? false : job.stream === 'off' ? true : 'auto',
  });
}

async function runLocked(
  job: TrainingJob,
  build: (dataset: Dataset) => TrainableModel,
): Promise<TrainSummary> {
  const dataset = await openJobDataset(job);
  let model: TrainableModel;
  try {
    model = build(dataset);
  } catch (error) {
    dataset.close();
    throw error;
  }
  try {
    const split = splitDataset(
      dataset,
      { validation: job.validation, test: job.test },
      job.splitSeed,
    );
    const log = job.metricsLog;
    const result = await model.train(dataset, split, {
      ...job.train,
      onStart: async (history) => {
        // the epochs done so far, once each: a line logged after the last checkpoint goes
        if (log !== undefined) {
          const text = history.map((m) => `${JSON.stringify(m)}\n`).join('');
          await writeFileAtomic(log, [new TextEncoder().encode(text)]);
        }
      },
      onEpoch: (m) => {
        if (log !== undefined) appendFileSync(log, `${JSON.stringify(m)}\n`);
        job.onEpoch?.(m);
      },
    });
    if (result.interrupted === true) {
      return {
        output: job.output,
        parameters: model.parameterCount,
        epochs: result.history.length,
        bestEpoch: result.bestEpoch,
        bestValidationLoss: result.bestValidationLoss,
        test: { mse: NaN, r2: NaN, n: 0, siteAveraged: { mse: NaN, r2: NaN, n: 0 }, perBeta: [] },
        history: result.history,
        interrupted: true,
        checkpointEpoch: result.checkpointEpoch,
        ...(result.member !== undefined ? { member: result.member } : {}),
      };
    }
    const test = evaluatePredictor(
      (d, i) => model.predict(d, i),
      dataset,
      split.test.length > 0 ? split.test : split.validation,
    );
    await model.save(
      job.output,
      {
        ...(jobRecord(job, dataset) as Pick<ModelInfo, 'target'>),
        bestEpoch: result.bestEpoch,
        bestValidationLoss: result.bestValidationLoss,
        testMse: test.mse,
        testR2: test.r2,
        ...(result.curriculum !== undefined ? { curriculumStages: result.curriculum } : {}),
        ...(result.marquardt !== undefined ? { marquardt: result.marquardt } : {}),
        ...(result.lbfgs !== undefined ? { lbfgs: result.lbfgs } : {}),
        ...(result.readoutRefit !== undefined ? { readoutRefit: result.readoutRefit } : {}),
      },
      { force: job.force },
    );
    return {
      output: job.output,
      parameters: model.parameterCount,
      epochs: result.history.length,
      bestEpoch: result.bestEpoch,
      bestValidationLoss: result.bestValidationLoss,
      test,
      history: result.history,
      interrupted: false,
      ...(result.curriculum !== undefined ? { curriculum: result.curriculum } : {}),
      ...(result.marquardt !== undefined ? { marquardt: result.marquardt } : {}),
      ...(result.lbfgs !== undefined ? { lbfgs: result.lbfgs } : {}),
      ...(result.readoutRefit !== undefined ? { readoutRefit: result.readoutRefit } : {}),
    };
  } finally {
    model.dispose();
    dataset.close();
  }
}

/**
 * What the model file records of the training options: what determines the weights, not how
 * the run went (its checkpoint file, whether it was resumed, its stop signal), so that a
 * resumed run's file equals an uninterrupted one's.
 */
function trainingRecord(train: TrainingJob['train']): Record<string, unknown> {
  const record: Record<string, unknown> = { ...train };
  for (const key of [
    'checkpoint',
    'resume',
    'signal',
    'checkpointOnStop',
    'stopAfterEpochs',
    'onLbfgsIteration',
    'onMarquardtIteration',
  ]) {
    delete record[key];
  }
  return record;
}

/** An L-CNN as a training job sees it. */
export function trainableLcnn(model: Model): TrainableModel {
  return {
    parameterCount: model.parameterCount,
    spec: model.spec,
    train: (dataset, split, options) => trainModel(model, dataset, split, options),
    predict: (dataset, indices) => predict(model, dataset, indices),
    save: (path, info, options) => saveModel(path, model, info, options),
    dispose: () => {},
  };
}

/**
 * Trains, evaluates and saves an L-CNN, or an ensemble of `job.ensemble` of them (`lgt train`,
 * `--ensemble`).
 *
 * @throws RangeError for an ensemble size that is not an integer >= 1, and what
 *   {@link runTrainingJob} throws.
 */
export async function runTrainJob(job: TrainJob): Promise<TrainSummary> {
  const size = job.ensemble ?? 1;
  checkInteger('runTrainJob', 'ensemble', size, 1, 4096);
  return runTrainingJob(
    job,
    (dataset) => {
      const symmetry = job.symmetry ?? 'none';
      // the "lattice" groups are chosen from the training files' extents
      const dims = isLatticeSymmetry(symmetry)
        ? latticeSymmetryDims('runTrainJob', dataset.lattices)
        : undefined;
      const spec = (seed: number): ModelSpec => ({
        N: dataset.N,
        D: dataset.D,
        layers: job.layers,
        seed,
        ...(job.input ? { input: job.input } : {}),
        ...symmetricSpec(symmetry, job.target, job.mixOrientations, job.liftedInput, dims),
      });
      if (size === 1) return trainableLcnn(new Model(spec(job.modelSeed)));
      return trainableEnsemble(
        Array.from({ length: size }, (_, k) => new Model(spec(memberSeed(job.modelSeed, k)))),
      );
    },
    (path) => {
      const { model } = loadModelOrEnsemble(path);
      return model instanceof EnsembleModel
        ? trainableEnsemble(model.members)
        : trainableLcnn(model);
    },
  );
}
