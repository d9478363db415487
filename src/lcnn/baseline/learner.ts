/**
 * The baseline CNN as the training loop (src/lcnn/training/loop.ts) sees it: one step of
 * tfjs' Adam on the MSE of a mini-batch, predictions, and its float32 weights for the best
 * epoch. It has no optimiser state to checkpoint: tfjs' Adam restores its bias corrections as
 * beta^(t+1) rather than as the running float32 product it used, so a resumed run would not
 * repeat an uninterrupted one bit for bit, and the loop refuses checkpoints for it.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { rangeError } from '../../core/validate.js';
import type { Augmentation, Dataset } from '../dataset.js';
import type { Learner } from '../training/learner.js';
import type { BaselineCnn } from './cnn.js';
import { encodeConfigurations, encodeTargets } from './encoding.js';

/** A {@link BaselineCnn} in training: its variables and a tfjs Adam optimiser. */
export class BaselineLearner implements Learner<Float32Array[]> {
  /** The architecture, N, D and the output kind. */
  readonly spec: unknown;
  private readonly optimizer: tf.Optimizer;

  /**
   * @param cnn - the network.
   * @param variables - its trainable tensors (what Adam updates).
   * @param dataset - the configurations and targets.
   * @param learningRate - Adam's step size.
   */
  constructor(
    private readonly cnn: BaselineCnn,
    private readonly variables: tf.Variable[],
    private readonly dataset: Dataset,
    learningRate: number,
  ) {
    this.spec = { ...cnn.spec, N: cnn.N, D: cnn.D, perSite: cnn.perSite };
    this.optimizer = tf.train.adam(learningRate);
  }

  /** One Adam step on the batch; the batch's sum of squared errors before it. */
  async step(indices: number[], augment: Augmentation | undefined): Promise<number> {
    if (augment !== undefined) {
      throw rangeError('BaselineLearner.step', 'augment', 'none', augment.symmetry);
    }
    const total = this.dataset.targetCount(indices);
    const cost = tf.tidy((): tf.Scalar => {
      // one loss over the batch's lattices: the squared errors of each, summed, over all values
      const parts = this.dataset.groups(indices).map((g) => ({
        x: encodeConfigurations(this.dataset, g.indices, this.cnn.input),
        y: encodeTargets(this.dataset, g.indices),
      }));
      const mse = this.optimizer.minimize(
        () =>
          tf.div(
            parts
              .map(({ x, y }) => tf.sum(tf.squaredDifference(y, this.cnn.apply(x))) as tf.Scalar)
              .reduce((a, b) => tf.add(a, b)),
            total,
          ) as tf.Scalar,
        true,
        this.variables,
      );
      return mse ?? tf.scalar(NaN);
    });
    const loss = cost.dataSync()[0];
    cost.dispose();
    return loss * total;
  }

  /** Predictions for configurations of the training dataset. */
  predict(indices: number[]): Float64Array {
    return this.cnn.predict(this.dataset, indices);
  }

  /** Copies of the weights. */
  getWeights(): Float32Array[] {
    return this.cnn.getWeights();
  }

  /** Replaces the weights. */
  setWeights(weights: Float32Array[]): void {
    this.cnn.setWeights(weights);
  }

  /** The weights as arrays of numbers. */
  encodeWeights(weights: Float32Array[]): number[][] {
    return weights.map((w) => Array.from(w));
  }

  /** The weights from arrays of numbers. */
  decodeWeights(json: unknown): Float32Array[] {
    return (json as number[][]).map((w) => Float32Array.from(w));
  }

  /** Frees the optimiser's tensors. */
  async close(): Promise<void> {
    this.optimizer.dispose();
  }
}
