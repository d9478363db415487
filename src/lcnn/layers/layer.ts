/**
 * The layer interface of the L-CNN engine: a forward kernel, a backward kernel, parameters
 * and a JSON spec (STYLE.md 5). A layer keeps what its backward pass needs from the last
 * forward pass; a model is a sequence of layers (reverse mode walks it backwards).
 *
 * @module
 */
import type { Parameter } from '../parameter.js';
import type { Activation } from '../tensors.js';
import type { TransportCache } from '../transportCache.js';

/** Per-batch context shared by the layers: the links' straight lines. */
export interface BatchContext {
  /** Wilson lines of the batch's links, for parallel transport. */
  readonly transport: TransportCache;
}

/** One operation of a model. */
export interface Layer {
  /** The layer's JSON description (type and hyper-parameters). */
  readonly spec: LayerSpec;
  /** Its trainable parameters (possibly none). */
  readonly parameters: Parameter[];
  /** Computes the output; keeps what backward needs. */
  forward(input: Activation, ctx: BatchContext): Activation;
  /** Given dLoss/dOutput, accumulates parameter gradients and returns dLoss/dInput. */
  backward(gradOutput: Activation, ctx: BatchContext): Activation;
}

/** The JSON form of a layer. */
export type LayerSpec =
  | { type: 'lconv'; out: number; kernel: number }
  | { type: 'lbilin'; out: number }
  | { type: 'lcb'; out: number; kernel: number }
  | { type: 'lact'; activation: MatrixActivation }
  | { type: 'trace' }
  | { type: 'dense'; out: number; activation?: FeatureActivation }
  | { type: 'mean' };

/** Scalar gates of L-Act, applied to Re tr W. */
export type MatrixActivation = 'relu' | 'tanh' | 'sigmoid';
/** Activations of dense layers. */
export type FeatureActivation = 'linear' | 'relu' | 'tanh';
