/**
 * Trace: the gauge-invariant read-out of matrix channels (Favoni, Ipp, Mueller, Schuh,
 * PRL 128 (2022) 032003, Fig. 1): W_i(x) -> (Re tr W_i(x), Im tr W_i(x)), features ordered
 * (Re_0, Im_0, Re_1, Im_1, ...). Invariant under W -> Omega W Omega^+.
 * Backward: G_W = g_re 1 + i g_im 1.
 *
 * For SU(2) the imaginary part is exactly 0, and is emitted as 0: every matrix an L-CNN forms
 * from SU(2) links lies in the real span of SU(2), the quaternions a_0 1 + i a.sigma with real
 * a (closed under the layers' real linear combinations, products, hermitian conjugates and real
 * gates, and holding the unit matrix), whose trace 2 a_0 is real (the real multiples of SU(2)
 * of ../../sun/subgroups.ts; Creutz, Phys. Rev. D 21 (1980) 2308).
 * Computed, Im tr is rounding noise of the size of the channel (1e-16 of it, 5e-14 on W(4x4)'s
 * last layer in `npm run reproduce:4d`), and a readout weight of order one on it, which no
 * gradient ever shrinks, put a floor of 2.5e-27 under the per-site MSE of one W(4x4) seed in 4D
 * (7.3e-28, stalled, against 2e-30 of the others); with the exact 0 the same weights fit to 6.5e-31.
 * Its backward is then G_W = g_re 1 for SU(2).
 *
 * @module
 */
import { rangeError } from '../../core/validate.js';
import type { Parameter } from '../parameter.js';
import { FeatureTensor, MatrixTensor, type Activation } from '../tensors.js';
import type { Layer, LayerSpec } from './layer.js';

/**
 * Whether every trace of an L-CNN's matrices is real for SU(N): for N = 2 (the quaternions;
 * see the module comment).
 */
export const hasRealTrace = (N: number): boolean => N === 2;

/** Matrix channels -> (Re tr, Im tr) features. */
export class Trace implements Layer {
  readonly spec: LayerSpec = { type: 'trace' };
  readonly parameters: Parameter[] = [];
  private input: MatrixTensor | undefined;

  forward(input: Activation): FeatureTensor {
    if (!(input instanceof MatrixTensor)) {
      throw rangeError('Trace.forward', 'input', 'a matrix field', 'real features');
    }
    this.input = input;
    const g = input.group;
    const C = input.channels;
    const real = hasRealTrace(g.N);
    const out = new FeatureTensor(input.batch, input.volume, 2 * C);
    for (let s = 0; s < input.batch * input.volume; s++) {
      for (let c = 0; c < C; c++) {
        const o = (s * C + c) * input.m;
        out.data[s * 2 * C + 2 * c] = g.reTrace(input.data, o);
        // (the zero-filled array holds the exact 0 of SU(2): see the module comment)
        if (!real) out.data[s * 2 * C + 2 * c + 1] = g.imTrace(input.data, o);
      }
    }
    return out;
  }

  backward(gradOutput: Activation): MatrixTensor {
    const W = this.input!;
    const G = gradOutput as FeatureTensor;
    const N = W.group.N;
    const real = hasRealTrace(N);
    const C = W.channels;
    const out = W.zerosLike();
    for (let s = 0; s < W.batch * W.volume; s++) {
      for (let c = 0; c < C; c++) {
        const o = (s * C + c) * W.m;
        const gr = G.data[s * 2 * C + 2 * c];
        const gi = real ? 0 : G.data[s * 2 * C + 2 * c + 1];
        for (let d = 0; d < N; d++) {
          out.data[o + 2 * (d * N + d)] = gr;
          out.data[o + 2 * (d * N + d) + 1] = gi;
        }
      }
    }
    return out;
  }
}
