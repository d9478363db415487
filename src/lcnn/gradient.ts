/**
 * The loss and gradient of one shard of a mini-batch, shared by the serial trainer and the
 * worker threads: with the MSE normalised by the whole batch's element count, the shards'
 * gradients add up to the batch gradient, so the result does not depend on how a batch is
 * split (up to the order of floating-point additions).
 *
 * @module
 */
import type { Augmentation, Dataset } from './dataset.js';
import type { Model } from './model.js';

/**
 * Sum of squared errors of the shard and the gradient of loss = SSE_batch / total, on
 * configurations moved by point elements when `augment` is given.
 */
export function shardGradient(
  model: Model,
  dataset: Pick<Dataset, 'batch'>,
  indices: ArrayLike<number>,
  totalElements: number,
  augment?: Augmentation,
): {
  /** Sum of squared errors over the shard's target values. */
  lossSum: number;
  /** Gradient of SSE_batch / totalElements w.r.t. all weights, in parameter order. */
  grad: Float64Array;
} {
  model.zeroGrad();
  const { gauge, target } = dataset.batch(indices, augment);
  const prediction = model.forward(gauge);
  const g = prediction.zerosLike();
  let lossSum = 0;
  for (let k = 0; k < target.length; k++) {
    const d = prediction.data[k] - target[k];
    lossSum += d * d;
    g.data[k] = (2 * d) / totalElements;
  }
  model.backward(g);
  const grad = new Float64Array(model.parameterCount);
  let o = 0;
  for (const p of model.parameters) {
    grad.set(p.grad, o);
    o += p.grad.length;
  }
  return { lossSum, grad };
}

/** Predictions for the given configurations, flattened like the targets. */
export function predict(
  model: Model,
  dataset: Pick<Dataset, 'batch'>,
  indices: number[],
  batchSize = 64,
): Float64Array {
  const parts: Float64Array[] = [];
  for (let s = 0; s < indices.length; s += batchSize) {
    const { gauge } = dataset.batch(indices.slice(s, s + batchSize));
    parts.push(model.forward(gauge).data);
  }
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
