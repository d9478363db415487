/**
 * The loss and gradient of one shard of a mini-batch, shared by the serial trainer and the
 * worker threads: with the MSE normalised by the whole batch's element count, the shards'
 * gradients add up to the batch gradient, so the result does not depend on how a batch is
 * split (up to the order of floating-point additions). Configurations on different lattices
 * go through the model in separate passes whose gradients add up.
 *
 * @module
 */
import type { Augmentation, Dataset } from './dataset.js';
import type { ForwardModel } from './forwardModel.js';
import type { Model } from './model.js';
import { liftedInputChannels } from './liftedInput.js';
import { regressionMetrics } from './metrics.js';

/** What {@link shardGradient} and {@link predict} read of a dataset. */
export type BatchSource = Pick<Dataset, 'batch' | 'gaugeBatch' | 'groups' | 'targetLength'>;

/** The point elements of the configurations at `positions` of a batch. */
function augmentAt(
  augment: Augmentation | undefined,
  positions: number[],
): Augmentation | undefined {
  return (
    augment && { symmetry: augment.symmetry, elements: positions.map((k) => augment.elements[k]) }
  );
}

/**
 * Sum of squared errors of the shard and the gradient of loss = SSE_batch / total, on
 * configurations moved by point elements when `augment` is given.
 */
export function shardGradient(
  model: Model,
  dataset: BatchSource,
  indices: readonly number[],
  totalElements: number,
  augment?: Augmentation,
): {
  /** Sum of squared errors over the shard's target values. */
  lossSum: number;
  /** Gradient of SSE_batch / totalElements w.r.t. all weights, in parameter order. */
  grad: Float64Array;
} {
  model.zeroGrad();
  let lossSum = 0;
  for (const group of dataset.groups(indices)) {
    const { gauge, target } = dataset.batch(group.indices, augmentAt(augment, group.positions));
    const prediction = model.forward(gauge);
    const g = prediction.zerosLike();
    for (let k = 0; k < target.length; k++) {
      const d = prediction.data[k] - target[k];
      lossSum += d * d;
      g.data[k] = (2 * d) / totalElements;
    }
    model.backward(g);
  }
  const grad = new Float64Array(model.parameterCount);
  let o = 0;
  for (const p of model.parameters) {
    grad.set(p.grad, o);
    o += p.grad.length;
  }
  return { lossSum, grad };
}

/** Bytes of input activations one prediction pass may hold (a lifted model's |G| copies). */
const PASS_BYTES = 256 * 2 ** 20;

/**
 * Configurations per prediction pass: `batchSize`, fewer for a lifted symmetric model, whose
 * input holds |G| x (its channels) matrices per site (the WebAssembly kernels' memory is at
 * most 4 GiB, and a 4x8^3 batch of 64 of the 96-element frame input would be 4.8 GB).
 */
function passSize(model: ForwardModel, volume: number, batchSize: number): number {
  const { spec, symmetry } = model;
  if (symmetry.size === 1 || spec.construction === 'tied') return batchSize;
  const m = 2 * spec.N * spec.N;
  const channels = liftedInputChannels(spec.input, spec.D, spec.liftedInput ?? 'plane');
  const perConfiguration = volume * symmetry.size * channels * m * 8;
  return Math.max(1, Math.min(batchSize, Math.floor(PASS_BYTES / perConfiguration)));
}

/**
 * Predictions for the given configurations, flattened like the targets (in the order of
 * `indices`), in passes of at most `batchSize` configurations of one lattice (fewer for lifted
 * symmetric models, whose input is |G| times wider). `model` is a
 * {@link Model} or anything with its forward pass (an ensemble: ./ensemble.ts).
 */
export function predict(
  model: ForwardModel,
  dataset: BatchSource,
  indices: readonly number[],
  batchSize = 64,
): Float64Array {
  const offsets = new Float64Array(indices.length + 1);
  indices.forEach((i, k) => (offsets[k + 1] = offsets[k] + dataset.targetLength(i)));
  const out = new Float64Array(offsets[indices.length]);
  for (const group of dataset.groups(indices)) {
    const batch = passSize(model, group.lattice.volume, batchSize);
    for (let s = 0; s < group.indices.length; s += batch) {
      const gauge = dataset.gaugeBatch(group.indices.slice(s, s + batch));
      const values = model.forward(gauge).data;
      let o = 0;
      for (const k of group.positions.slice(s, s + batch)) {
        const n = offsets[k + 1] - offsets[k];
        out.set(values.subarray(o, o + n), offsets[k]);
        o += n;
      }
    }
  }
  return out;
}

/**
 * Loss (MSE) and R^2 of the model on the given configurations: {@link predict} against the
 * dataset's targets (the validation loss of the training loop, the readout refit and the
 * L-BFGS finish).
 */
export function evaluate(
  model: ForwardModel,
  dataset: Dataset,
  indices: readonly number[],
): {
  /** Mean squared error over all target values. */
  mse: number;
  /** Coefficient of determination R^2. */
  r2: number;
} {
  return regressionMetrics(predict(model, dataset, indices), dataset.targetsOf(indices));
}
