/**
 * Training an L-CNN: the {@link Learner} of the training loop (./loop.ts) for a {@link Model},
 * with Adam/AdamW (AMSGrad) and data parallelism over piscina worker threads (each shard's
 * gradient computed in a worker, summed here in shard order: the result does not depend on
 * the number of workers beyond floating-point rounding).
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { Piscina } from 'piscina';
import { checkInteger, rangeError } from '../../core/validate.js';
import { checkKernelChoice, type KernelChoice } from '../../core/webassembly.js';
import { workerFile } from '../../core/workerFile.js';
import type { Augmentation, Dataset, DatasetDescriptor, Split } from '../dataset.js';
import { hasReflections } from '../symmetry.js';
import { evaluate, predict, shardGradient } from '../gradient.js';
import type { ForwardModel } from '../forwardModel.js';
import type { Model, OutputScaling } from '../model.js';
import { Adam, type AdamState } from '../optimizer.js';
import { checkTargetSymmetry, formatTarget, targetParity } from '../targets.js';
import {
  finalValidationLoss,
  type Learner,
  type LoopOptions,
  type TrainResult,
} from './learner.js';
import { trainLoop } from './loop.js';
import { runCurriculum, type CurriculumOptions } from './curriculum.js';
import { readoutLayer, refitReadout } from './readoutRefit.js';
import {
  checkLbfgsFinish,
  finishWithLbfgs,
  type LbfgsFinishOptions,
  type LbfgsFinishResult,
} from './lbfgsFinish.js';
import {
  checkMarquardtFinish,
  finishWithMarquardt,
  type MarquardtFinishOptions,
  type MarquardtFinishResult,
} from './marquardtFinish.js';
import type { ShardTask } from './shardWorker.js';
import type { LcnnWasm } from '../wasm/lcnnWasm.js';
import { lcnnKernelsFor } from '../wasm/lcnnKernels.js';

/** Hyper-parameters and run options of L-CNN training. */
export interface TrainOptions extends LoopOptions {
  /** AdamW's decoupled weight decay (0: Adam). */
  weightDecay?: number;
  /** AMSGrad (the L-CNN paper's choice; default true). */
  amsgrad?: boolean;
  /** Worker threads for the gradients (1: this thread). */
  workers?: number;
  /**
   * The kernels of L-Conv and the bilinear maps (default 'auto': WebAssembly SIMD where it
   * runs, for SU(2) and SU(3); 'wasm' fails where it cannot run; 'ts': TypeScript). The
   * weights come out the same bit for bit.
   */
  kernels?: KernelChoice;
  /**
   * Standardise the targets: before the first step, set the model's output map
   * (`ModelSpec.output`) to the standard deviation and mean of the training targets, so that
   * the network fits targets of unit scale (default false; `lgt train` turns it on).
   */
  standardize?: boolean;
  /**
   * Train smaller models on smaller targets first, the model growing by one product layer per
   * stage (./curriculum.ts), with these options less the checkpoints and early stopping; then
   * the full model with the options. Skipped when resuming from an existing checkpoint (it
   * holds the weights). Models without point-group symmetry only.
   */
  curriculum?: CurriculumOptions;
  /**
   * After training (best weights restored), replace the last layer (dense:1, linear) by the
   * least-squares fit of the training targets on its input features, if that lowers the
   * validation loss (./readoutRefit.ts; default false). Result: `readoutRefit`.
   */
  refitReadout?: boolean;
  /**
   * After training (best weights restored), refine every weight by full-batch L-BFGS on the
   * training MSE, kept if it lowers the validation loss (./lbfgsFinish.ts; before the readout
   * refit). Result: `lbfgs`. Stopped by `signal`, it runs again on resume.
   */
  lbfgs?: LbfgsFinishOptions;
  /** Called after every iteration of the L-BFGS finish (for progress bars). */
  onLbfgsIteration?: (iteration: number, trainLoss: number) => void;
  /**
   * After training (best weights restored), refine every weight by Levenberg-Marquardt on the
   * squared errors of a few training configurations, kept if it lowers the validation loss
   * (./marquardtFinish.ts; before the L-BFGS finish, or after it with `afterLbfgs`, and before
   * the readout refit). For models of at most a few thousand weights. Result: `marquardt`.
   * Stopped by `signal`, it runs again on resume.
   */
  marquardt?: MarquardtFinishOptions;
  /** Called after every iteration of the Levenberg-Marquardt finish (for progress bars). */
  onMarquardtIteration?: (iteration: number, trainLoss: number) => void;
}

/**
 * The mean and standard deviation of the target values of the configurations `train` (a
 * standard deviation of 0 becomes 1): the output map of a standardised model. With
 * `centred: false` the shift is 0 and the scale the root mean square: the map of a pseudo-scalar
 * symmetric model, whose output must flip sign under reflections (a shift would spoil that).
 */
export function targetScaling(
  dataset: Dataset,
  train: readonly number[],
  centred = true,
): OutputScaling {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  let squares = 0;
  for (const i of train) {
    for (const y of dataset.targetOf(i)) {
      n++;
      const d = y - mean;
      mean += d / n;
      m2 += d * (y - mean);
      squares += y * y;
    }
  }
  if (!centred) {
    const rms = Math.sqrt(squares / n);
    return { scale: rms > 0 ? rms : 1, shift: 0 };
  }
  const std = Math.sqrt(m2 / n);
  return { scale: std > 0 ? std : 1, shift: mean };
}

/** Checks that the model's output matches the dataset's targets. */
export function checkCompatible(fn: string, model: ForwardModel, dataset: Dataset): void {
  if (model.spec.N !== dataset.N || model.spec.D !== dataset.D) {
    throw rangeError(
      fn,
      'dataset',
      `SU(${model.spec.N}) configurations in ${model.spec.D} dimensions (the model's)`,
      `SU(${dataset.N}) in ${dataset.D} dimensions`,
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
  checkTargetSymmetry(fn, dataset.target, symmetry, model.symmetry);
  for (const lattice of dataset.lattices) model.symmetry.checkLattice(fn, lattice);
  const parity = targetParity(dataset.target);
  if (hasReflections(symmetry) && (model.spec.parity ?? 'scalar') !== parity) {
    throw rangeError(
      fn,
      'model',
      `parity "${parity}" for the target ${formatTarget(dataset.target)}`,
      `parity "${model.spec.parity ?? 'scalar'}"`,
    );
  }
}

export { evaluate };

/** Tells the worker threads' dataset caches apart (a shared array arrives as a new object). */
let datasetKeys = 0;

/** An L-CNN as the training loop sees it. */
class LcnnLearner implements Learner<Float64Array> {
  readonly spec: unknown;
  private readonly optimizer: Adam;
  private readonly pool: Piscina | undefined;
  private readonly datasetKey = `dataset-${++datasetKeys}`;
  /** The kernels the model had before training (restored by close). */
  private readonly callersKernels: LcnnWasm | undefined;
  /** What the worker threads rebuild the dataset from (shared arrays, file paths). */
  private readonly descriptor: DatasetDescriptor;

  readonly finish?: (
    split: Split,
    validationLoss: number,
    signal: AbortSignal | undefined,
  ) => Promise<{ marquardt?: MarquardtFinishResult; lbfgs?: LbfgsFinishResult } | undefined>;

  constructor(
    private readonly model: Model,
    private readonly dataset: Dataset,
    options: TrainOptions,
    private readonly workers: number,
    private readonly kernels: KernelChoice,
    wasm: LcnnWasm | undefined,
  ) {
    this.spec = model.spec;
    this.callersKernels = model.kernels;
    model.useKernels(wasm);
    this.descriptor = dataset.descriptor;
    this.optimizer = new Adam(model.parameters, {
      learningRate: options.learningRate,
      weightDecay: options.weightDecay ?? 0,
      amsgrad: options.amsgrad ?? true,
    });
    this.pool =
      workers > 1
        ? new Piscina({
            filename: workerFile(import.meta.url, 'shardWorker'),
            minThreads: workers,
            maxThreads: workers,
          })
        : undefined;
    const { lbfgs, onLbfgsIteration, marquardt, onMarquardtIteration } = options;
    if (lbfgs !== undefined || marquardt !== undefined) {
      // Levenberg-Marquardt first (quadratic near an exact fit), then L-BFGS from its weights
      // with exact gradients, or (marquardt.afterLbfgs) the other way round; each kept only
      // when it lowers the validation loss, the next one starting from the better weights
      const marquardtFirst = marquardt !== undefined && marquardt.afterLbfgs !== true;
      this.finish = async (split, validationLoss, signal) => {
        const out: { marquardt?: MarquardtFinishResult; lbfgs?: LbfgsFinishResult } = {};
        let loss = validationLoss;
        // stopped in the second: the best epoch's weights restored, as the loop expects
        const best = model.getWeights();
        const refineByMarquardt = async (options: MarquardtFinishOptions): Promise<boolean> => {
          const r = await finishWithMarquardt(
            model,
            dataset,
            split,
            options,
            loss,
            signal,
            onMarquardtIteration,
          );
          if (r === undefined) return false;
          out.marquardt = r;
          if (r.kept) loss = r.marquardtValidationLoss;
          return true;
        };
        if (marquardtFirst && !(await refineByMarquardt(marquardt))) return undefined;
        if (lbfgs !== undefined) {
          const r = await finishWithLbfgs(
            model,
            dataset,
            split,
            lbfgs,
            (indices) => this.gradient(indices),
            loss,
            signal,
            onLbfgsIteration,
          );
          if (r === undefined) {
            model.setWeights(best);
            return undefined;
          }
          out.lbfgs = r;
          if (r.kept) loss = r.lbfgsValidationLoss;
        }
        if (marquardt !== undefined && !marquardtFirst && !(await refineByMarquardt(marquardt))) {
          model.setWeights(best);
          return undefined;
        }
        return out;
      };
    }
  }

  async step(indices: number[], augment: Augmentation | undefined): Promise<number> {
    const { lossSum, grad } = await this.gradient(indices, augment);
    // no step on a loss that is not finite: the loop stops with the weights of before it
    if (!Number.isFinite(lossSum)) return lossSum;
    let o = 0;
    for (const p of this.model.parameters) {
      p.grad.set(grad.subarray(o, o + p.grad.length));
      o += p.grad.length;
    }
    this.optimizer.update();
    return lossSum;
  }

  /**
   * The sum of squared errors of the configurations `indices` and its gradient divided by
   * their number of target values (the batch MSE's gradient), at the model's current weights:
   * each worker's shard summed here in shard order.
   */
  async gradient(
    indices: readonly number[],
    augment?: Augmentation,
  ): Promise<{ lossSum: number; grad: Float64Array }> {
    const { model, dataset, pool, workers } = this;
    const total = dataset.targetCount(indices);
    const grad = new Float64Array(model.parameterCount);
    let lossSum = 0;
    const augmentOf = (from: number, to: number): Augmentation | undefined =>
      augment && {
        symmetry: augment.symmetry,
        elements: Array.from(augment.elements).slice(from, to),
      };
    if (pool === undefined) {
      const r = shardGradient(model, dataset, indices, total, augment);
      lossSum = r.lossSum;
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
          datasetKey: this.datasetKey,
          dataset: this.descriptor,
          indices: part,
          totalElements: total,
          augment: augmentOf(from, to),
          kernels: this.kernels,
        };
        shards.push(pool.run(task));
      }
      for (const r of await Promise.all(shards)) {
        lossSum += r.lossSum;
        for (let k = 0; k < grad.length; k++) grad[k] += r.grad[k];
      }
    }
    return { lossSum, grad };
  }

  predict(indices: number[]): Float64Array {
    return predict(this.model, this.dataset, indices);
  }

  getWeights(): Float64Array {
    return this.model.getWeights();
  }

  setWeights(weights: Float64Array): void {
    this.model.setWeights(weights);
  }

  encodeWeights(weights: Float64Array): number[] {
    return Array.from(weights);
  }

  decodeWeights(json: unknown): Float64Array {
    return Float64Array.from(json as number[]);
  }

  setLearningRate(learningRate: number): void {
    this.optimizer.setLearningRate(learningRate);
  }

  resetOptimizer(): void {
    this.optimizer.reset();
  }

  optimizerState(): AdamState {
    return this.optimizer.getState();
  }

  setOptimizerState(state: unknown): void {
    this.optimizer.setState(state as AdamState);
  }

  async close(): Promise<void> {
    this.model.useKernels(this.callersKernels);
    await this.pool?.destroy();
  }
}

/**
 * Trains `model` in place on `split.train`, early-stopping on `split.validation` (the loop of
 * ./loop.ts: seeded batch order, best weights restored, checkpoints and resume).
 *
 * @throws RangeError naming the problem for a model that does not fit the dataset's target,
 *   bad options, an empty split part or a loss that is not finite.
 */
export async function trainModel(
  model: Model,
  dataset: Dataset,
  split: Split,
  options: TrainOptions,
): Promise<TrainResult> {
  const fn = 'trainModel';
  checkCompatible(fn, model, dataset);
  const workers = options.workers ?? 1;
  checkInteger(fn, 'workers', workers, 1, 256);
  const kernels = checkKernelChoice(fn, 'kernels', options.kernels ?? 'auto');
  const wasm = lcnnKernelsFor(fn, kernels);
  if (options.refitReadout === true) readoutLayer(fn, model);
  if (options.lbfgs !== undefined) checkLbfgsFinish(fn, options.lbfgs);
  if (options.marquardt !== undefined) checkMarquardtFinish(fn, options.marquardt, model);
  if (options.standardize && split.train.length > 0) {
    const odd = model.symmetry.size > 1 && model.spec.parity === 'pseudoscalar';
    model.setOutputScaling(targetScaling(dataset, split.train, !odd));
  }
  const resuming =
    options.resume === true && options.checkpoint !== undefined && existsSync(options.checkpoint);
  let stages;
  if (options.curriculum !== undefined && !resuming) {
    const c = options.curriculum;
    const { checkpoint, checkpointOnStop } = options;
    // the stages share the model's options, less checkpoints, resume, callbacks and patience
    const shared: TrainOptions = { ...options };
    for (const key of [
      'curriculum',
      'checkpoint',
      'checkpointOnStop',
      'resume',
      'onStart',
      'onEpoch',
      'onBatch',
      'stopAfterEpochs',
      'restartOptimizer',
      'refitReadout',
      'lbfgs',
      'onLbfgsIteration',
      'marquardt',
      'onMarquardtIteration',
    ] as const) {
      delete shared[key];
    }
    stages = await runCurriculum(model, dataset, c, async (stageModel, stageData) => {
      const r = await trainModel(stageModel, stageData, split, {
        ...shared,
        epochs: c.epochs,
        learningRate: c.learningRate,
        learningRateDecay: c.learningRateDecay ?? 1,
        patience: 0,
      });
      if (r.interrupted === true) return undefined;
      return {
        validationLoss: r.bestValidationLoss,
        validationR2: r.history[r.bestEpoch - 1]?.validationR2 ?? NaN,
      };
    });
    if (stages === undefined) {
      // stopped in a stage: no epoch of the full model, no checkpoint of it
      return {
        history: [],
        bestEpoch: 0,
        bestValidationLoss: Infinity,
        finished: false,
        interrupted: true,
        ...(checkpoint !== undefined || checkpointOnStop !== undefined
          ? { checkpointEpoch: 0 }
          : {}),
      };
    }
  }
  const learner = new LcnnLearner(model, dataset, options, workers, kernels, wasm);
  let result = await trainLoop(fn, learner, dataset, split, options);
  if (options.refitReadout === true && result.finished) {
    const callersKernels = model.kernels;
    model.useKernels(wasm);
    try {
      const readoutRefit = refitReadout(model, dataset, split, finalValidationLoss(result));
      result = { ...result, readoutRefit };
    } finally {
      model.useKernels(callersKernels);
    }
  }
  return stages === undefined ? result : { ...result, curriculum: stages };
}
