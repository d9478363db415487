/**
 * The seam between the one training loop (./loop.ts) and the models it trains: a
 * {@link Learner} takes optimiser steps on mini-batches, predicts, and hands out its weights
 * and optimiser state for early stopping and checkpoints. The L-CNN (./lcnn.ts) and the tfjs
 * baseline CNN (../baseline/learner.ts) implement it; the loop owns everything else (epochs,
 * batch order, augmentation draws, validation, early stopping, the best weights, metrics,
 * checkpoints and resume).
 *
 * @module
 */
import type { Augmentation, Split } from '../dataset.js';
import type { Symmetry } from '../symmetry.js';
import type { StageResult } from './curriculum.js';
import type { LbfgsFinishResult } from './lbfgsFinish.js';
import type { MarquardtFinishResult } from './marquardtFinish.js';
import type { ReadoutRefitResult } from './readoutRefit.js';

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
  /** The ensemble member, from 1, whose epoch this is (ensembles only: ./ensembleJob.ts). */
  member?: number;
}

/** The result of training. */
export interface TrainResult {
  /** Metrics of every epoch so far (a resumed run's earlier epochs included). */
  history: EpochMetrics[];
  /** The epoch with the lowest validation loss (0 if none yet); restored when finished. */
  bestEpoch: number;
  /** The lowest validation loss (mean squared error) seen. */
  bestValidationLoss: number;
  /**
   * False when stopped early by `stopAfterEpochs` or `signal` (weights not restored to the
   * best).
   */
  finished: boolean;
  /** True when stopped by `signal`. */
  interrupted?: boolean;
  /** Ensembles: the member, from 1, that was training when stopped (./ensembleJob.ts). */
  member?: number;
  /**
   * When stopped: the epoch whose state a checkpoint file holds for a resume (0: none, no
   * epoch finished; undefined: no checkpoint file was asked for).
   */
  checkpointEpoch?: number;
  /** The stages of a curriculum (L-CNN `curriculum` option), when it ran. */
  curriculum?: StageResult[];
  /** The Levenberg-Marquardt finish (L-CNN `marquardt` option), when it ran. */
  marquardt?: MarquardtFinishResult;
  /** The L-BFGS finish (L-CNN `lbfgs` option), when it ran. */
  lbfgs?: LbfgsFinishResult;
  /** The readout refit (L-CNN `refitReadout` option), when it ran. */
  readoutRefit?: ReadoutRefitResult;
}

/**
 * The validation loss of the weights the training left in the model: the lowest of the best
 * epoch's and those of the finishes and the readout refit that were kept. Each of them starts
 * from the weights before it and is kept only when it lowers this loss, so the last one kept
 * has the lowest, whatever their order (the Levenberg-Marquardt finish runs before or after
 * the L-BFGS one).
 */
export function finalValidationLoss(
  result: Pick<TrainResult, 'bestValidationLoss' | 'marquardt' | 'lbfgs' | 'readoutRefit'>,
): number {
  let loss = result.bestValidationLoss;
  const { marquardt, lbfgs, readoutRefit } = result;
  if (marquardt?.kept === true) loss = Math.min(loss, marquardt.marquardtValidationLoss);
  if (lbfgs?.kept === true) loss = Math.min(loss, lbfgs.lbfgsValidationLoss);
  if (readoutRefit?.kept === true) loss = Math.min(loss, readoutRefit.refitValidationLoss);
  return loss;
}

/** The options of the training loop that every model shares. */
export interface LoopOptions {
  /** Total number of epochs (including those of a resumed checkpoint). */
  epochs: number;
  /** Configurations per mini-batch. */
  batchSize: number;
  /** The optimiser's step size in the first epoch (reported in the metrics). */
  learningRate: number;
  /**
   * Multiplies the step size after every epoch: epoch e uses learningRate * decay^(e - 1)
   * (default 1: constant). Near an exact fit a constant step keeps Adam from settling (the
   * loss jumps back by orders of magnitude); a decay lets it converge.
   */
  learningRateDecay?: number;
  /**
   * Epochs after which the optimiser starts afresh: its moments and step count are forgotten,
   * the step-size schedule and the weights go on (the checkpoint of such an epoch holds the
   * fresh optimiser). Adam with AMSGrad keeps the largest second moment it has seen, so the
   * large gradients of a run's first epochs shrink every later step; a restart lets a slow
   * tail of training take full steps again (README, "L-CNNs in 4D"). Each in [1, epochs - 1].
   */
  restartOptimizer?: readonly number[];
  /** Stop after this many epochs without a better validation loss (0: never). */
  patience?: number;
  /** Seed of the batch order and of the augmentation draws (./seeds.ts). */
  seed?: number;
  /** Write a checkpoint here after every epoch. */
  checkpoint?: string;
  /** Continue from the checkpoint if it exists. */
  resume?: boolean;
  /**
   * Stops cleanly at the next mini-batch: the unfinished epoch is dropped, and the state after
   * the last finished one is in the checkpoint file (`checkpoint`, written after every epoch,
   * or else `checkpointOnStop`).
   */
  signal?: AbortSignal;
  /**
   * Where to write the last finished epoch's state when stopped by `signal`, if `checkpoint`
   * is not set (so that a run without per-epoch checkpoints can still be resumed).
   */
  checkpointOnStop?: string;
  /**
   * Called once before the first epoch of this call with the metrics of the epochs already
   * done (a resumed checkpoint's history; empty for a fresh start).
   */
  onStart?: (history: EpochMetrics[]) => void | Promise<void>;
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

/**
 * A model as the training loop sees it. `W` is the learner's copy of its weights (kept for
 * the best epoch); checkpoints store it through `encodeWeights`/`decodeWeights`.
 */
export interface Learner<W> {
  /** What the model is, as JSON: a checkpoint resumes only into a learner of the same spec. */
  readonly spec: unknown;
  /**
   * One optimiser step on the configurations `indices` of the training set (moved by the
   * point elements of `augment` when given); returns the sum of squared errors of the batch's
   * target values before the step.
   */
  step(indices: number[], augment: Augmentation | undefined): Promise<number>;
  /** Predictions for the given configurations, flattened like `Dataset.targetsOf`. */
  predict(indices: number[]): Float64Array;
  /** A copy of the current weights. */
  getWeights(): W;
  /** Replaces the weights by a copy from {@link Learner.getWeights}. */
  setWeights(weights: W): void;
  /** The weights as JSON, for checkpoints. */
  encodeWeights(weights: W): unknown;
  /** The weights from their JSON form. */
  decodeWeights(json: unknown): W;
  /**
   * The optimiser's state as JSON, for checkpoints; absent when the learner cannot resume
   * bit for bit (the loop then refuses checkpoints).
   */
  optimizerState?(): unknown;
  /** Restores the optimiser's state from {@link Learner.optimizerState}. */
  setOptimizerState?(state: unknown): void;
  /**
   * Starts the optimiser afresh (moments and step count forgotten, the step size kept);
   * absent: the learner cannot (`restartOptimizer` refused).
   */
  resetOptimizer?(): void;
  /** Sets the optimiser's step size (absent: the learner has no schedule; decay refused). */
  setLearningRate?(learningRate: number): void;
  /**
   * Runs after the last epoch, the best weights restored, before the learner closes (the
   * L-CNN's Levenberg-Marquardt and L-BFGS finishes): returns what it adds to the result, or
   * undefined when `signal` stopped it, the best weights restored (the loop then stops as in
   * an epoch, with the checkpoint of the last epoch, from which a resume runs it again).
   */
  finish?(
    split: Split,
    validationLoss: number,
    signal: AbortSignal | undefined,
  ): Promise<Partial<TrainResult> | undefined>;
  /** Frees what the learner holds for training (worker threads, optimiser tensors). */
  close(): Promise<void>;
}
