/**
 * The head of a symmetric L-CNN: the average over the orientations of a lifted feature,
 * weighted by det g for pseudo-scalar targets (Aronsson, Mueller & Schuh,
 * arXiv:2303.11448, sec. IV.B, the projection after the last layer):
 *
 *     y(x) = (1/|G|) sum_g c_g f_g(x),   c_g = 1 (scalar) or det g (pseudo-scalar).
 *
 * With f[R U]_g(R x) = f[U]_{R^-1 g}(x), y[R U](R x) = (1/|G|) sum_g c_g f[U]_{R^-1 g}(x)
 * = c_R y[U](x): invariant scalars, and pseudo-scalars that flip sign under reflections.
 *
 * @module
 */
import { rangeError } from '../../core/validate.js';
import type { Parameter } from '../parameter.js';
import type { Parity, SymmetryGroup } from '../symmetry.js';
import { FeatureTensor, type Activation } from '../tensors.js';
import type { Layer, LayerSpec } from './layer.js';

/** [B, V, G F] features -> [B, V, F] by the weighted orientation average. */
export class OrientationPool implements Layer {
  readonly spec: LayerSpec;
  readonly parameters: Parameter[] = [];
  private readonly weights: Float64Array;

  constructor(
    /** The group whose orientations are averaged. */
    readonly group: SymmetryGroup,
    /** Scalar or pseudo-scalar output. */
    readonly parity: Parity,
  ) {
    this.spec = { type: 'pool', parity };
    const G = group.size;
    this.weights = Float64Array.from(group.det, (d) => (parity === 'pseudoscalar' ? d : 1) / G);
  }

  forward(input: Activation): FeatureTensor {
    const G = this.group.size;
    if (!(input instanceof FeatureTensor) || input.features % G !== 0) {
      throw rangeError(
        'OrientationPool.forward',
        'input',
        `real features, ${G} orientations of each`,
        input instanceof FeatureTensor ? `${input.features} features` : 'a matrix field',
      );
    }
    const { batch: B, volume: V } = input;
    const F = input.features / G;
    const out = new FeatureTensor(B, V, F);
    for (let s = 0; s < B * V; s++) {
      for (let g = 0; g < G; g++) {
        const c = this.weights[g];
        for (let f = 0; f < F; f++) out.data[s * F + f] += c * input.data[(s * G + g) * F + f];
      }
    }
    return out;
  }

  backward(gradOutput: Activation): FeatureTensor {
    const G = this.group.size;
    const Gy = gradOutput as FeatureTensor;
    const { batch: B, volume: V, features: F } = Gy;
    const out = new FeatureTensor(B, V, G * F);
    for (let s = 0; s < B * V; s++) {
      for (let g = 0; g < G; g++) {
        const c = this.weights[g];
        for (let f = 0; f < F; f++) out.data[(s * G + g) * F + f] = c * Gy.data[s * F + f];
      }
    }
    return out;
  }
}
