/**
 * The L-BFGS finish: after Adam (best epoch restored), every weight of an L-CNN is refined by
 * full-batch L-BFGS on the training MSE of a fixed set of training configurations
 * (../../core/lbfgs.ts), and the result kept when it lowers the validation MSE. Adam's steps
 * keep the size of its step length however close the fit, so a target the model can represent
 * exactly ends where the step length left it, at a level that differs from seed to seed by
 * orders of magnitude; L-BFGS on the whole batch converges superlinearly there (the "Adam,
 * then L-BFGS" of physics-informed networks: Raissi, Perdikaris, Karniadakis, J. Comput. Phys.
 * 378 (2019) 686, section 2.1). Measured on the 3+1D models of `npm run reproduce:4d`
 * (README, "L-CNNs in 4D").
 *
 * The objective is the plain MSE (no weight decay, no augmentation), its gradient computed on
 * the learner's worker threads and summed in shard order: deterministic for a seed and a
 * worker count, like the training steps.
 *
 * @module
 */
import { faultPoint } from '../../core/faultPoint.js';
import { minimizeLbfgs, type LbfgsStop } from '../../core/lbfgs.js';
import { checkInteger } from '../../core/validate.js';
import type { Dataset, Split } from '../dataset.js';
import type { Model } from '../model.js';
import { evenlySpaced, keepIfValidationFalls } from './finishRules.js';

/** Options of the L-BFGS finish (`TrainOptions.lbfgs`). */
export interface LbfgsFinishOptions {
  /** The most L-BFGS iterations (each one line search: usually one gradient pass). */
  iterations: number;
  /**
   * Training configurations in the objective, evenly spaced through the training split
   * (default: all of them). Each iteration costs a pass over them.
   */
  configurations?: number;
  /**
   * Curvature pairs kept (default 20, Nocedal & Wright's range 3-20). For these models of a few
   * hundred weights more can pay: on the 4D QC model, 150 iterations with 100 pairs lowered
   * the training MSE 8x where 20 pairs lowered it 2x (README, "L-CNNs in 4D").
   */
  memory?: number;
}

/** What the L-BFGS finish did. */
export interface LbfgsFinishResult {
  /** Iterations done. */
  iterations: number;
  /**
   * Why it stopped: 'iterations' (the limit), 'no-progress' (no lower value along the search
   * direction: the rounding level), 'stationary' (a zero gradient) or 'aborted'.
   */
  stop: LbfgsStop;
  /** Gradient passes over the objective's configurations. */
  evaluations: number;
  /** Training configurations in the objective. */
  configurations: number;
  /** The objective (training MSE of those configurations) before. */
  trainLoss: number;
  /** The objective after. */
  lbfgsTrainLoss: number;
  /** Validation MSE before. */
  validationLoss: number;
  /** Validation MSE after (of the refined weights, kept or not). */
  lbfgsValidationLoss: number;
  /**
   * Whether the refined weights were kept (they lowered the validation MSE). (No wall time
   * here: the model file records this, and a resumed run's file equals an uninterrupted one's.)
   */
  kept: boolean;
}

/** A gradient pass over some configurations (the learner's, on its worker threads). */
export interface GradientResult {
  /** The sum of squared errors of the configurations' target values. */
  lossSum: number;
  /** The gradient of their mean squared error, in parameter order. */
  grad: Float64Array;
}

/** Computes a {@link GradientResult} for the configurations `indices` at the current weights. */
export type GradientPass = (indices: readonly number[]) => Promise<GradientResult>;

/** Checks the options (before any training). */
export function checkLbfgsFinish(fn: string, options: LbfgsFinishOptions): void {
  checkInteger(fn, 'lbfgs.iterations', options.iterations, 1, 1e7);
  if (options.configurations !== undefined) {
    checkInteger(fn, 'lbfgs.configurations', options.configurations, 1, 1e9);
  }
  if (options.memory !== undefined) checkInteger(fn, 'lbfgs.memory', options.memory, 1, 1000);
}

/**
 * Refines the weights of `model` by L-BFGS on the training MSE (gradients from `gradient`),
 * keeping them when they lower the validation MSE below `validationLoss` (the model's at the
 * start) and restoring the start otherwise. Returns undefined, the start restored, when
 * `signal` stops it.
 */
export async function finishWithLbfgs(
  model: Model,
  dataset: Dataset,
  split: Split,
  options: LbfgsFinishOptions,
  gradient: GradientPass,
  validationLoss: number,
  signal?: AbortSignal,
  onIteration?: (iteration: number, trainLoss: number) => void,
): Promise<LbfgsFinishResult | undefined> {
  checkLbfgsFinish('finishWithLbfgs', options);
  const indices = evenlySpaced(split.train, options.configurations ?? split.train.length);
  const values = dataset.targetCount(indices);
  const start = model.getWeights();
  const objective = async (x: Float64Array): Promise<{ value: number; gradient: Float64Array }> => {
    model.setWeights(x);
    const { lossSum, grad } = await gradient(indices);
    return { value: lossSum / values, gradient: grad };
  };
  const result = await minimizeLbfgs(objective, start, {
    iterations: options.iterations,
    ...(options.memory !== undefined ? { memory: options.memory } : {}),
    ...(signal !== undefined ? { signal } : {}),
    onIteration: (k, value) => {
      faultPoint('train:lbfgs-iteration');
      onIteration?.(k, value);
    },
  });
  if (result.stop === 'aborted') {
    model.setWeights(start);
    return undefined;
  }
  const { refinedValidationLoss: lbfgsValidationLoss, kept } = keepIfValidationFalls(
    model,
    dataset,
    split,
    start,
    result.x,
    validationLoss,
  );
  return {
    iterations: result.iterations,
    stop: result.stop,
    evaluations: result.evaluations,
    configurations: indices.length,
    trainLoss: result.initialValue,
    lbfgsTrainLoss: result.value,
    validationLoss,
    lbfgsValidationLoss,
    kept,
  };
}
