/**
 * The layer interface of the L-CNN engine: a forward kernel, a backward kernel, parameters
 * and a JSON spec (STYLE.md 5). A layer keeps what its backward pass needs from the last
 * forward pass; a model is a sequence of layers (reverse mode walks it backwards).
 *
 * @module
 */
import type { Parameter } from '../parameter.js';
import type { Parity } from '../symmetry.js';
import type { Activation } from '../tensors.js';
import type { TransportCache } from '../transportCache.js';
import type { LcnnWasm } from '../wasm/lcnnWasm.js';

/** Per-batch context shared by the layers: the links' straight lines, and the kernels. */
export interface BatchContext {
  /** Wilson lines of the batch's links, for parallel transport. */
  transport: TransportCache;
  /**
   * The WebAssembly kernels (L-Conv, the bilinear map; N = 2, 3) when the model uses them;
   * undefined: the TypeScript kernels. The results are the same bit for bit.
   */
  wasm?: LcnnWasm;
}

/** One operation of a model. */
export interface Layer {
  /** The layer's JSON description (type and hyper-parameters). */
  readonly spec: LayerSpec;
  /** Its trainable parameters (possibly none). */
  readonly parameters: Parameter[];
  /** Computes the output; keeps what backward needs. */
  forward(input: Activation, ctx: BatchContext): Activation;
  /**
   * Given dLoss/dOutput, accumulates parameter gradients and returns dLoss/dInput. With
   * `inputGradient` false (the model's first layer, whose input is data) a layer may skip that
   * work and return undefined.
   */
  backward(
    gradOutput: Activation,
    ctx: BatchContext,
    inputGradient?: boolean,
  ): Activation | undefined;
}

/** JSON form of an {@link LConv} layer. */
export interface LConvSpec {
  /** Layer type tag. */
  type: 'lconv';
  /** Number of output channels. */
  out: number;
  /** Kernel reach K: transports by k = -K..K lattice steps along every direction. */
  kernel: number;
}

/** JSON form of an {@link LBilin} layer. */
export interface LBilinSpec {
  /** Layer type tag. */
  type: 'lbilin';
  /** Number of output channels. */
  out: number;
}

/** JSON form of an {@link LCB} layer (L-Conv followed by L-Bilin). */
export interface LCBSpec {
  /** Layer type tag. */
  type: 'lcb';
  /** Number of output channels (of both the convolution and the bilinear layer). */
  out: number;
  /** Kernel reach K of the convolution: k = -K..K lattice steps along every direction. */
  kernel: number;
}

/** JSON form of an {@link LAct} layer. */
export interface LActSpec {
  /** Layer type tag. */
  type: 'lact';
  /** The scalar gate applied to Re tr W. */
  activation: MatrixActivation;
}

/** JSON form of an {@link LExp} layer (the gauge-covariant link update). */
export interface LExpSpec {
  /** Layer type tag. */
  type: 'lexp';
}

/** JSON form of a {@link Trace} layer (matrices to gauge-invariant real features). */
export interface TraceSpec {
  /** Layer type tag. */
  type: 'trace';
}

/** JSON form of a {@link Dense} layer. */
export interface DenseSpec {
  /** Layer type tag. */
  type: 'dense';
  /** Number of output features per site. */
  out: number;
  /** Activation applied to the affine map; `'linear'` (none) when omitted. */
  activation?: FeatureActivation;
}

/** JSON form of a {@link SiteMean} layer (average over sites). */
export interface MeanSpec {
  /** Layer type tag. */
  type: 'mean';
}

/**
 * JSON form of an {@link OrientationPool} layer: the head a symmetric model puts after its
 * last dense layer (inserted by the model, not written in specs).
 */
export interface PoolSpec {
  /** Layer type tag. */
  type: 'pool';
  /** Scalar (invariant) or pseudo-scalar (odd under reflections) output. */
  parity: Parity;
}

/** The JSON form of a layer. */
export type LayerSpec =
  | LConvSpec
  | LBilinSpec
  | LCBSpec
  | LActSpec
  | LExpSpec
  | TraceSpec
  | DenseSpec
  | MeanSpec
  | PoolSpec;

/** Scalar gates of L-Act, applied to Re tr W. */
export type MatrixActivation = 'relu' | 'tanh' | 'sigmoid';
/** Activations of dense layers. */
export type FeatureActivation = 'linear' | 'relu' | 'tanh';
