/**
 * L-Act, the gauge equivariant activation (Favoni, Ipp, Mueller, Schuh,
 * PRL 128 (2022) 032003, eq. (8)): each channel is scaled by a scalar gate of its
 * gauge-invariant real trace,
 *
 *     W'_i(x) = nu(Re tr W_i(x)) W_i(x),   nu in {ReLU, tanh, sigmoid},
 *
 * which commutes with W -> Omega W Omega^+ because the gate is invariant.
 * Backward: with s = Re tr W, G_W = nu(s) G_W' + nu'(s) <G_W', W> 1.
 *
 * @module
 */
import { rangeError } from '../../core/validate.js';
import type { Parameter } from '../parameter.js';
import { MatrixTensor, type Activation } from '../tensors.js';
import type { Layer, LayerSpec, MatrixActivation } from './layer.js';
import { addScaled, realInner } from '../matrixOps.js';

const gates: Record<MatrixActivation, [(s: number) => number, (s: number) => number]> = {
  relu: [(s) => (s > 0 ? s : 0), (s) => (s > 0 ? 1 : 0)],
  tanh: [Math.tanh, (s) => 1 - Math.tanh(s) ** 2],
  sigmoid: [
    (s) => 1 / (1 + Math.exp(-s)),
    (s) => {
      const e = 1 / (1 + Math.exp(-s));
      return e * (1 - e);
    },
  ],
};

/** W_i -> nu(Re tr W_i) W_i. */
export class LAct implements Layer {
  readonly spec: LayerSpec;
  readonly parameters: Parameter[] = [];
  private input: MatrixTensor | undefined;

  constructor(
    /** The scalar gate nu applied to Re tr W. */
    readonly activation: MatrixActivation,
  ) {
    if (!(activation in gates)) {
      throw rangeError('LAct', 'activation', `one of ${Object.keys(gates).join(', ')}`, activation);
    }
    this.spec = { type: 'lact', activation };
  }

  forward(input: Activation): MatrixTensor {
    if (!(input instanceof MatrixTensor)) {
      throw rangeError('LAct.forward', 'input', 'a matrix field', 'real features');
    }
    this.input = input;
    const [nu] = gates[this.activation];
    const out = input.zerosLike();
    const g = input.group;
    for (let o = 0; o < input.data.length; o += input.m) {
      const gate = nu(g.reTrace(input.data, o));
      for (let k = 0; k < input.m; k++) out.data[o + k] = gate * input.data[o + k];
    }
    return out;
  }

  backward(gradOutput: Activation): MatrixTensor {
    const W = this.input!;
    const G = gradOutput as MatrixTensor;
    const [nu, dnu] = gates[this.activation];
    const g = W.group;
    const N = g.N;
    const out = W.zerosLike();
    for (let o = 0; o < W.data.length; o += W.m) {
      const s = g.reTrace(W.data, o);
      addScaled(out.data, o, nu(s), G.data, o, W.m);
      const c = dnu(s) * realInner(G.data, o, W.data, o, W.m);
      for (let d = 0; d < N; d++) out.data[o + 2 * (d * N + d)] += c;
    }
    return out;
  }
}
