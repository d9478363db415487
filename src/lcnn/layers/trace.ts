/**
 * Trace: the gauge-invariant read-out of matrix channels (Favoni, Ipp, Mueller, Schuh,
 * PRL 128 (2022) 032003, Fig. 1): W_i(x) -> (Re tr W_i(x), Im tr W_i(x)), features ordered
 * (Re_0, Im_0, Re_1, Im_1, ...). Invariant under W -> Omega W Omega^+.
 * Backward: G_W = g_re 1 + i g_im 1.
 *
 * @module
 */
import { rangeError } from '../../core/validate.js';
import type { Parameter } from '../parameter.js';
import { FeatureTensor, MatrixTensor, type Activation } from '../tensors.js';
import type { Layer, LayerSpec } from './layer.js';

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
    const out = new FeatureTensor(input.batch, input.volume, 2 * C);
    for (let s = 0; s < input.batch * input.volume; s++) {
      for (let c = 0; c < C; c++) {
        const o = (s * C + c) * input.m;
        out.data[s * 2 * C + 2 * c] = g.reTrace(input.data, o);
        out.data[s * 2 * C + 2 * c + 1] = g.imTrace(input.data, o);
      }
    }
    return out;
  }

  backward(gradOutput: Activation): MatrixTensor {
    const W = this.input!;
    const G = gradOutput as FeatureTensor;
    const N = W.group.N;
    const C = W.channels;
    const out = W.zerosLike();
    for (let s = 0; s < W.batch * W.volume; s++) {
      for (let c = 0; c < C; c++) {
        const o = (s * C + c) * W.m;
        const gr = G.data[s * 2 * C + 2 * c];
        const gi = G.data[s * 2 * C + 2 * c + 1];
        for (let d = 0; d < N; d++) {
          out.data[o + 2 * (d * N + d)] = gr;
          out.data[o + 2 * (d * N + d) + 1] = gi;
        }
      }
    }
    return out;
  }
}
