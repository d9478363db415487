/**
 * Training an L-CNN: mini-batches, Adam/AdamW (AMSGrad), early stopping on the validation
 * loss with the best weights restored, checkpoints after every epoch from which an
 * interrupted run resumes, and data parallelism over piscina worker threads (each shard's
 * gradient computed in a worker, summed here: the result does not depend on the number of
 * workers beyond floating-point rounding). Reports through `onEpoch`; no printing.
 *
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { writeFileAtomic } from '../core/atomicWrite.js';
import { FileError } from '../core/fileError.js';
import { Xoshiro128 } from '../core/rng.js';
import { checkInteger, rangeError } from '../core/validate.js';
import type { Augmentation, Dataset, Split } from './dataset.js';
import { predict, shardGradient } from './gradient.js';
import { regressionMetrics } from './metrics.js';
import type { Model } from './model.js';
import { Adam, type AdamState } from './optimizer.js';
import { symmetryGroup, type Symmetry } from './symmetry.js';
import { checkTargetSymmetry, formatTarget, targetParity } from './targets.js';
import type { ShardTask } from './trainWorker.js';

/** Hyper-parameters and run options of training. */
export interface TrainOptions {
  /** Total number of epochs (including those of a resumed checkpoint). */
  epochs: number;
  /** Configurations per mini-batch. */
  batchSize: number;
  /** Adam step size alpha (constant). */
  learningRate: number;
  /** AdamW's decoupled weight decay (0: Adam). */
  weightDecay?: number;
  /** AMSGrad (the L-CNN paper's choice; default true). */
  amsgrad?: boolean;
  /** Stop after this many epochs without a better validation loss (0: never). */
  patience?: number;
  /** Seed of the batch order. */
  seed?: number;
  /** Worker threads for the gradients (1: this thread). */
  workers?: number;
  /** Write a checkpoint here after every epoch. */
  checkpoint?: string;
  /** Continue from the checkpoint if it exists. */
  resume?: boolean;
  /** Called after every epoch. */
  onEpoch?: (metrics: EpochMetrics) => void;
  /** Called after every mini-batch (for progress bars). */
  onBatch?: (done: number, total: number) => void;
  /** Stop after this many epochs in this call (for tests of interruption). */
  stopAfterEpochs?: number;
  /**
   * Data augmentation: every training configuration of every batch is moved by a random
   * element of this symmetry's point group (seeded by seed and epoch), its target recomputed.
   */
  augment?: Symmetry;
}

/** What one epoch reports (the keys of the metrics log). */
export interface EpochMetrics {
  /** Epoch number, from 1. */
  epoch: number;
  /** Mean squared error over the epoch's training batches (weights changing during it). */
  trainLoss: number;
  /** Mean squared error on the validation split after the epoch. */
  validationLoss: number;
  /** R^2 on the validation split after the epoch. */
  validationR2: number;
  /** The learning rate used in the epoch. */
  learningRate: number;
  /** Wall-clock time of the epoch, in seconds. */
  seconds: number;
}

/** The result of training. */
export interface TrainResult {
  /** Metrics of every epoch so far (a resumed run's earlier epochs included). */
  history: EpochMetrics[];
  /** The epoch with the lowest validation loss (0 if none yet); restored when finished. */
  bestEpoch: number;
  /** The lowest validation loss (mean squared error) seen. */
  bestValidationLoss: number;
  /** False when stopped early by `stopAfterEpochs` (weights not restored to the best). */
  finished: boolean;
}

interface TrainCheckpoint {
  format: 'lattice-gauge-training-checkpoint';
  spec: unknown;
  epoch: number;
  weights: number[];
  bestWeights: number[];
  bestEpoch: number;
  bestValidationLoss: number;
  optimizer: AdamState;
  history: EpochMetrics[];
}

function workerFile(): string {
  const direct = fileURLToPath(new URL('./trainWorker.js', import.meta.url));
  if (existsSync(direct)) return direct;
  const fromSrc = fileURLToPath(new URL('../../dist/src/lcnn/trainWorker.js', import.meta.url));
  if (existsSync(fromSrc)) return fromSrc;
  throw new Error(`training worker not found at ${direct} or ${fromSrc}: run npm run build`);
}

/** Checks that the model's output matches the dataset's targets. */
export function checkCompatible(fn: string, model: Model, dataset: Dataset): void {
  if (model.spec.N !== dataset.N || model.spec.D !== dataset.lattice.D) {
    throw rangeError(
      fn,
      'dataset',
      `SU(${model.spec.N}) configurations in ${model.spec.D} dimensions (the model's)`,
      `SU(${dataset.N}) in ${dataset.lattice.D} dimensions`,
    );
  }
  if (model.outputFeatures !== 1 || model.perConfiguration === dataset.target.perSite) {
    throw rangeError(
      fn,
      'model',
      `one output ${dataset.target.perSite ? 'per site (no "mean" layer)' : 'per configuration (a final "mean" layer)'} ending in dense out 1`,
      `${model.outputFeatures} output(s) ${model.perConfiguration ? 'per configuration' : 'per site'}`,
    );
  }
  const symmetry = model.spec.symmetry ?? 'none';
  checkTargetSymmetry(fn, dataset.target, symmetry);
  model.symmetry.checkLattice(fn, dataset.lattice);
  const parity = targetParity(dataset.target);
  if (symmetry === 'rotations+reflections' && (model.spec.parity ?? 'scalar') !== parity) {
    throw rangeError(
      fn,
      'model',
      `parity "${parity}" for the target ${formatTarget(dataset.target)}`,
      `parity "${model.spec.parity ?? 'scalar'}"`,
    );
  }
}

/** Loss (MSE) and R^2 of the model on the given configurations. */
export function evaluate(
  model: Model,
  dataset: Dataset,
  indices: number[],
): {
  /** Mean squared error over all target values. */
  mse: number;
  /** Coefficient of determination R^2. */
  r2: number;
} {
  return regressionMetrics(predict(model, dataset, indices), dataset.targetsOf(indices));
}

/** Trains `model` in place on `split.train`, early-stopping on `split.validation`. */
export async function trainModel(
  model: Model,
  dataset: Dataset,
  split: Split,
  options: TrainOptions,
): Promise<TrainResult> {
  const fn = 'trainModel';
  checkCompatible(fn, model, dataset);
  checkInteger(fn, 'epochs', options.epochs, 1);
  checkInteger(fn, 'batchSize', options.batchSize, 1);
  if (split.train.length === 0)
    throw rangeError(fn, 'split.train', 'at least one configuration', 0);
  if (split.validation.length === 0)
    throw rangeError(fn, 'split.validation', 'at least one configuration', 0);
  const workers = options.workers ?? 1;
  checkInteger(fn, 'workers', workers, 1, 256);
  const augmentation = options.augment ?? 'none';
  const augmentGroup = symmetryGroup(dataset.lattice.D, augmentation);
  augmentGroup.checkLattice(fn, dataset.lattice);
  const optimizer = new Adam(model.parameters, {
    learningRate: options.learningRate,
    weightDecay: options.weightDecay ?? 0,
    amsgrad: options.amsgrad ?? true,
  });
  const patience = options.patience ?? 0;
  let history: EpochMetrics[] = [];
  let bestWeights = model.getWeights();
  let bestEpoch = 0;
  let bestValidationLoss = Infinity;
  let startEpoch = 1;
  if (options.resume && options.checkpoint !== undefined && existsSync(options.checkpoint)) {
    const c = readTrainCheckpoint(options.checkpoint, model);
    model.setWeights(c.weights);
    optimizer.setState(c.optimizer);
    bestWeights = Float64Array.from(c.bestWeights);
    bestEpoch = c.bestEpoch;
    bestValidationLoss = c.bestValidationLoss;
    history = c.history;
    startEpoch = c.epoch + 1;
  }
  const pool =
    workers > 1
      ? new Piscina({ filename: workerFile(), minThreads: workers, maxThreads: workers })
      : undefined;
  const perConfig = dataset.targetStride;
  let epochsThisCall = 0;
  try {
    for (let epoch = startEpoch; epoch <= options.epochs; epoch++) {
      if (patience > 0 && epoch - bestEpoch > patience && bestEpoch > 0) break;
      if (options.stopAfterEpochs !== undefined && epochsThisCall >= options.stopAfterEpochs) {
        return { history, bestEpoch, bestValidationLoss, finished: false };
      }
      const t0 = performance.now();
      // the batch order of an epoch is a function of (seed, epoch): resumable
      const order = [...split.train];
      const rng = new Xoshiro128((options.seed ?? 0) * 100003 + epoch);
      for (let k = order.length - 1; k > 0; k--) {
        const j = Math.floor(rng.uniform() * (k + 1));
        [order[k], order[j]] = [order[j], order[k]];
      }
      // the augmentation's elements likewise, from a stream of their own
      const augmentRng = new Xoshiro128(((options.seed ?? 0) * 100003 + epoch) ^ 0x5bd1e995);
      let lossSum = 0;
      const batches = Math.ceil(order.length / options.batchSize);
      for (let s = 0, done = 0; s < order.length; s += options.batchSize, done++) {
        const indices = order.slice(s, s + options.batchSize);
        const total = indices.length * perConfig;
        const grad = new Float64Array(model.parameterCount);
        const elements =
          augmentGroup.size > 1
            ? indices.map(() => Math.floor(augmentRng.uniform() * augmentGroup.size))
            : undefined;
        const augmentOf = (from: number, to: number): Augmentation | undefined =>
          elements && { symmetry: augmentation, elements: elements.slice(from, to) };
        if (pool === undefined) {
          const r = shardGradient(model, dataset, indices, total, augmentOf(0, indices.length));
          lossSum += r.lossSum;
          grad.set(r.grad);
        } else {
          const weights = model.getWeights();
          const shards: Array<Promise<{ lossSum: number; grad: Float64Array }>> = [];
          for (let w = 0; w < workers; w++) {
            const from = Math.floor((w * indices.length) / workers);
            const to = Math.floor(((w + 1) * indices.length) / workers);
            const part = indices.slice(from, to);
            if (part.length === 0) continue;
            const task: ShardTask = {
              spec: model.spec,
              weights,
              dims: [...dataset.lattice.dims],
              N: dataset.N,
              size: dataset.size,
              links: dataset.links,
              targets: dataset.targets,
              target: dataset.target,
              indices: part,
              totalElements: total,
              augment: augmentOf(from, to),
            };
            shards.push(pool.run(task));
          }
          for (const r of await Promise.all(shards)) {
            lossSum += r.lossSum;
            for (let k = 0; k < grad.length; k++) grad[k] += r.grad[k];
          }
        }
        if (!Number.isFinite(lossSum)) {
          throw rangeError(
            fn,
            'loss',
            'a finite training loss (lower the learning rate?)',
            `${lossSum} in epoch ${epoch}`,
          );
        }
        let o = 0;
        for (const p of model.parameters) {
          p.grad.set(grad.subarray(o, o + p.grad.length));
          o += p.grad.length;
        }
        optimizer.update();
        options.onBatch?.(done + 1, batches);
      }
      const validation = evaluate(model, dataset, split.validation);
      const metrics: EpochMetrics = {
        epoch,
        trainLoss: lossSum / (order.length * perConfig),
        validationLoss: validation.mse,
        validationR2: validation.r2,
        learningRate: options.learningRate,
        seconds: (performance.now() - t0) / 1000,
      };
      history.push(metrics);
      if (validation.mse < bestValidationLoss) {
        bestValidationLoss = validation.mse;
        bestEpoch = epoch;
        bestWeights = model.getWeights();
      }
      options.onEpoch?.(metrics);
      epochsThisCall++;
      if (options.checkpoint !== undefined) {
        await writeTrainCheckpoint(options.checkpoint, {
          format: 'lattice-gauge-training-checkpoint',
          spec: model.spec,
          epoch,
          weights: Array.from(model.getWeights()),
          bestWeights: Array.from(bestWeights),
          bestEpoch,
          bestValidationLoss,
          optimizer: optimizer.getState(),
          history,
        });
      }
    }
    model.setWeights(bestWeights);
    return { history, bestEpoch, bestValidationLoss, finished: true };
  } finally {
    await pool?.destroy();
  }
}

async function writeTrainCheckpoint(path: string, c: TrainCheckpoint): Promise<void> {
  await writeFileAtomic(path, [new TextEncoder().encode(JSON.stringify(c))]);
}

function readTrainCheckpoint(path: string, model: Model): TrainCheckpoint {
  let c: TrainCheckpoint;
  try {
    c = JSON.parse(readFileSync(path, 'utf8')) as TrainCheckpoint;
  } catch (error) {
    throw new FileError(`training checkpoint ${path}: unreadable (${(error as Error).message})`);
  }
  if (c.format !== 'lattice-gauge-training-checkpoint') {
    throw new FileError(
      `training checkpoint ${path}: invalid format: expected lattice-gauge-training-checkpoint, got ${String(c.format)}`,
    );
  }
  if (JSON.stringify(c.spec) !== JSON.stringify(model.spec)) {
    throw new FileError(
      `training checkpoint ${path}: model spec mismatch: checkpoint has ${JSON.stringify(c.spec)}, run has ${JSON.stringify(model.spec)}`,
    );
  }
  return c;
}
