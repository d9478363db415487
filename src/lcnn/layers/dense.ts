/**
 * Dense: the same affine map at every site, y(x) = act(A f(x) + c), on gauge-invariant
 * features (the per-site head of the L-CNN, PRL 128 (2022) 032003, Fig. 1). Weights shared
 * over sites keep translation equivariance.
 *
 * @module
 */
import type { UniformRandom } from '../../sun/types.js';
import { rangeError } from '../../core/validate.js';
import { Parameter, xavierUniform } from '../parameter.js';
import { FeatureTensor, type Activation } from '../tensors.js';
import type { FeatureActivation, Layer, LayerSpec } from './layer.js';

/** Per-site affine map with an optional activation. */
export class Dense implements Layer {
  readonly spec: LayerSpec;
  readonly parameters: Parameter[];
  /** A[o * in + i]. */
  readonly weight: Parameter;
  /** c[o]. */
  readonly bias: Parameter;
  private input: FeatureTensor | undefined;
  private output: FeatureTensor | undefined;

  constructor(
    /** Number of input features per site. */
    readonly inFeatures: number,
    /** Number of output features per site. */
    readonly outFeatures: number,
    /** Activation applied to the affine map (`'linear'`: none). */
    readonly activation: FeatureActivation,
    rng: UniformRandom,
    name = 'dense',
  ) {
    this.spec = { type: 'dense', out: outFeatures, activation };
    this.weight = new Parameter(`${name}.weight`, new Float64Array(outFeatures * inFeatures));
    this.bias = new Parameter(`${name}.bias`, new Float64Array(outFeatures));
    xavierUniform(this.weight.value, inFeatures, outFeatures, rng);
    this.parameters = [this.weight, this.bias];
  }

  forward(input: Activation): FeatureTensor {
    if (!(input instanceof FeatureTensor) || input.features !== this.inFeatures) {
      throw rangeError(
        'Dense.forward',
        'input',
        `${this.inFeatures} real features per site`,
        input instanceof FeatureTensor ? `${input.features} features` : 'a matrix field',
      );
    }
    this.input = input;
    const I = this.inFeatures;
    const O = this.outFeatures;
    const A = this.weight.value;
    const c = this.bias.value;
    const out = new FeatureTensor(input.batch, input.volume, O);
    for (let s = 0; s < input.batch * input.volume; s++) {
      for (let o = 0; o < O; o++) {
        let y = c[o];
        for (let i = 0; i < I; i++) y += A[o * I + i] * input.data[s * I + i];
        out.data[s * O + o] =
          this.activation === 'relu'
            ? Math.max(0, y)
            : this.activation === 'tanh'
              ? Math.tanh(y)
              : y;
      }
    }
    this.output = out;
    return out;
  }

  backward(gradOutput: Activation): FeatureTensor {
    const X = this.input!;
    const Y = this.output!;
    const G = gradOutput as FeatureTensor;
    const I = this.inFeatures;
    const O = this.outFeatures;
    const A = this.weight.value;
    const gA = this.weight.grad;
    const gc = this.bias.grad;
    const out = X.zerosLike();
    for (let s = 0; s < X.batch * X.volume; s++) {
      for (let o = 0; o < O; o++) {
        const y = Y.data[s * O + o];
        let d = G.data[s * O + o];
        if (this.activation === 'relu') d = y > 0 ? d : 0;
        else if (this.activation === 'tanh') d *= 1 - y * y;
        gc[o] += d;
        for (let i = 0; i < I; i++) {
          gA[o * I + i] += d * X.data[s * I + i];
          out.data[s * I + i] += d * A[o * I + i];
        }
      }
    }
    return out;
  }
}
