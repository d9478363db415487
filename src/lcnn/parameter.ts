/**
 * Trainable parameters: real values with their gradient, and seeded initialisation.
 *
 * @module
 */
import type { UniformRandom } from '../sun/types.js';

/** A named array of real weights and the gradient of the loss with respect to them. */
export class Parameter {
  /** The gradient, accumulated by backward passes; zeroed by {@link Parameter.zeroGrad}. */
  readonly grad: Float64Array;

  constructor(
    /** A name unique within the model, e.g. "layers.0.conv.weight". */
    readonly name: string,
    /** The values. */
    readonly value: Float64Array,
  ) {
    this.grad = new Float64Array(value.length);
  }

  /** grad = 0. */
  zeroGrad(): void {
    this.grad.fill(0);
  }
}

/**
 * Glorot/Xavier uniform initialisation, U(-a, a) with a = gain sqrt(6 / (fanIn + fanOut))
 * (Glorot & Bengio, AISTATS 2010, eq. (16)), as the L-CNN reference code initialises its
 * weights.
 */
export function xavierUniform(
  out: Float64Array,
  fanIn: number,
  fanOut: number,
  rng: UniformRandom,
  gain = 1,
): Float64Array {
  const a = gain * Math.sqrt(6 / (fanIn + fanOut));
  for (let i = 0; i < out.length; i++) out[i] = a * (2 * rng.uniform() - 1);
  return out;
}
