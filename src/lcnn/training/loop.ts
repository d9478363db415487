/**
 * The training loop, once for every model (an L-CNN, the tfjs baseline CNN): epochs of
 * mini-batches in a seeded order (./seeds.ts), optional data augmentation by the point group,
 * the validation loss after every epoch, early stopping with the best weights restored,
 * metrics through `onEpoch`, and a checkpoint after every epoch from which an interrupted run
 * resumes bit for bit. The model is behind the {@link Learner} interface; no printing.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { checkInteger, rangeError } from '../../core/validate.js';
import { faultPoint } from '../../core/faultPoint.js';
import type { Augmentation, Dataset, Split } from '../dataset.js';
import { regressionMetrics } from '../metrics.js';
import { isLatticeSymmetry, latticeSymmetryDims, symmetryGroup } from '../symmetry.js';
import {
  readTrainCheckpoint,
  writeTrainCheckpoint,
  CHECKPOINT_FORMAT,
  type TrainCheckpoint,
} from './checkpoint.js';
import type { EpochMetrics, Learner, LoopOptions, TrainResult } from './learner.js';
import { augmentationStream, batchOrder } from './seeds.js';

/**
 * Trains `learner` on `split.train` of `dataset`, early-stopping on `split.validation`, and
 * closes the learner at the end (also on failure). `fn` names the caller in error messages.
 *
 * @throws RangeError/TypeError naming the option for bad options or an empty split part, and
 *   for a training loss that is not finite; FileError for a checkpoint that does not belong to
 *   this model.
 */
export async function trainLoop<W>(
  fn: string,
  learner: Learner<W>,
  dataset: Dataset,
  split: Split,
  options: LoopOptions,
): Promise<TrainResult> {
  try {
    return await run(fn, learner, dataset, split, options);
  } finally {
    await learner.close();
  }
}

async function run<W>(
  fn: string,
  learner: Learner<W>,
  dataset: Dataset,
  split: Split,
  options: LoopOptions,
): Promise<TrainResult> {
  checkInteger(fn, 'epochs', options.epochs, 1);
  checkInteger(fn, 'batchSize', options.batchSize, 1);
  const patience = options.patience ?? 0;
  checkInteger(fn, 'patience', patience, 0);
  const seed = options.seed ?? 0;
  checkInteger(fn, 'seed', seed, 0);
  if (split.train.length === 0)
    throw rangeError(fn, 'split.train', 'at least one configuration', 0);
  if (split.validation.length === 0) {
    throw rangeError(fn, 'split.validation', 'at least one configuration', 0);
  }
  const augmentation = options.augment ?? 'none';
  // "lattice" augmentation: the elements that map every lattice of the set onto itself
  const augmentGroup = symmetryGroup(
    dataset.D,
    augmentation,
    isLatticeSymmetry(augmentation) ? latticeSymmetryDims(fn, dataset.lattices) : undefined,
  );
  for (const lattice of dataset.lattices) augmentGroup.checkLattice(fn, lattice);
  const decay = options.learningRateDecay ?? 1;
  if (!(decay > 0 && decay <= 1)) {
    throw rangeError(fn, 'learningRateDecay', 'a factor in (0, 1]', decay);
  }
  if (decay !== 1 && learner.setLearningRate === undefined) {
    throw rangeError(
      fn,
      'learningRateDecay',
      '1 (this model has no learning-rate schedule)',
      decay,
    );
  }
  const restarts = new Set(options.restartOptimizer ?? []);
  for (const e of restarts) checkInteger(fn, 'restartOptimizer', e, 1, options.epochs - 1);
  if (restarts.size > 0 && learner.resetOptimizer === undefined) {
    throw rangeError(
      fn,
      'restartOptimizer',
      'none (this model cannot restart its optimiser)',
      [...restarts].join(','),
    );
  }
  const { optimizerState, setOptimizerState } = learner;
  // a stop through the signal writes no checkpoint for a learner that cannot resume
  const checkpointOnStop = optimizerState === undefined ? undefined : options.checkpointOnStop;
  if ((options.checkpoint !== undefined || options.resume) && optimizerState === undefined) {
    throw rangeError(
      fn,
      'checkpoint',
      'no checkpoint or resume (this model cannot continue bit for bit from one)',
      options.checkpoint ?? 'resume',
    );
  }

  let history: EpochMetrics[] = [];
  let bestWeights = learner.getWeights();
  let bestEpoch = 0;
  let bestValidationLoss = Infinity;
  let startEpoch = 1;
  if (options.resume && options.checkpoint !== undefined && existsSync(options.checkpoint)) {
    const c = readTrainCheckpoint(options.checkpoint, learner.spec);
    learner.setWeights(learner.decodeWeights(c.weights));
    setOptimizerState?.call(learner, c.optimizer);
    bestWeights = learner.decodeWeights(c.bestWeights);
    bestEpoch = c.bestEpoch;
    bestValidationLoss = c.bestValidationLoss;
    history = c.history;
    startEpoch = c.epoch + 1;
  }

  const trainValues = dataset.targetCount(split.train);
  const validationTargets = dataset.targetsOf(split.validation);
  await options.onStart?.([...history]);
  const aborted = (): boolean => options.signal?.aborted === true;
  // The state after the last finished epoch, for a stop through the signal.
  let last: TrainCheckpoint | undefined;
  const stopped = async (): Promise<TrainResult> => {
    let checkpointEpoch: number | undefined;
    if (options.checkpoint !== undefined) checkpointEpoch = startEpoch - 1 + epochsThisCall;
    else if (checkpointOnStop !== undefined) {
      if (last !== undefined) await writeTrainCheckpoint(checkpointOnStop, last);
      checkpointEpoch = last?.epoch ?? 0;
    }
    return {
      history,
      bestEpoch,
      bestValidationLoss,
      finished: false,
      interrupted: true,
      checkpointEpoch,
    };
  };
  let epochsThisCall = 0;
  for (let epoch = startEpoch; epoch <= options.epochs; epoch++) {
    if (patience > 0 && epoch - bestEpoch > patience && bestEpoch > 0) break;
    if (options.stopAfterEpochs !== undefined && epochsThisCall >= options.stopAfterEpochs) {
      return { history, bestEpoch, bestValidationLoss, finished: false };
    }
    if (aborted()) return await stopped();
    const t0 = performance.now();
    // the step size, the batch order and the augmentation of an epoch are functions of
    // (seed, epoch): resumable
    const learningRate = options.learningRate * decay ** (epoch - 1);
    learner.setLearningRate?.(learningRate);
    const order = batchOrder(split.train, seed, epoch);
    const augmentRng = augmentationStream(seed, epoch);
    let lossSum = 0;
    const batches = Math.ceil(order.length / options.batchSize);
    for (let s = 0, done = 0; s < order.length; s += options.batchSize, done++) {
      const indices = order.slice(s, s + options.batchSize);
      const augment: Augmentation | undefined =
        augmentGroup.size > 1
          ? {
              symmetry: augmentation,
              elements: indices.map(() => Math.floor(augmentRng.uniform() * augmentGroup.size)),
            }
          : undefined;
      if (aborted()) return await stopped();
      lossSum += await learner.step(indices, augment);
      if (!Number.isFinite(lossSum)) {
        throw rangeError(
          fn,
          'loss',
          'a finite training loss (lower the learning rate?)',
          `${lossSum} in epoch ${epoch}`,
        );
      }
      options.onBatch?.(done + 1, batches);
    }
    const validation = regressionMetrics(learner.predict(split.validation), validationTargets);
    const metrics: EpochMetrics = {
      epoch,
      trainLoss: lossSum / trainValues,
      validationLoss: validation.mse,
      validationR2: validation.r2,
      learningRate,
      seconds: (performance.now() - t0) / 1000,
    };
    history.push(metrics);
    if (validation.mse < bestValidationLoss) {
      bestValidationLoss = validation.mse;
      bestEpoch = epoch;
      bestWeights = learner.getWeights();
    }
    options.onEpoch?.(metrics);
    // before the checkpoint, so that a run resumed from this epoch goes on with the fresh one
    if (restarts.has(epoch)) learner.resetOptimizer?.();
    faultPoint('train:epoch-logged');
    if (optimizerState !== undefined && (options.checkpoint ?? checkpointOnStop) !== undefined) {
      last = {
        format: CHECKPOINT_FORMAT,
        spec: learner.spec,
        epoch,
        weights: learner.encodeWeights(learner.getWeights()),
        bestWeights: learner.encodeWeights(bestWeights),
        bestEpoch,
        bestValidationLoss,
        optimizer: optimizerState.call(learner),
        history: [...history],
      };
      if (options.checkpoint !== undefined) await writeTrainCheckpoint(options.checkpoint, last);
    }
    epochsThisCall++;
    // let timers and I/O (signals, progress output) run between epochs
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  learner.setWeights(bestWeights);
  let finish: Partial<TrainResult> = {};
  if (learner.finish !== undefined) {
    const r = await learner.finish(split, bestValidationLoss, options.signal);
    if (r === undefined) return await stopped();
    finish = r;
  }
  return { ...finish, history, bestEpoch, bestValidationLoss, finished: true };
}
