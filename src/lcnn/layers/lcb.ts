/**
 * L-CB, an L-Conv followed by an L-Bilin of the block's input with the convolution's output
 * (Favoni, Ipp, Mueller, Schuh, PRL 128 (2022) 032003, Fig. 1 and eqs. (6)-(7)):
 *
 *     W'_k  = L-Conv(W)_k,     W''_i(x) = sum_{p,q} a_ipq Wext_p(x) W'ext_q(x)
 *
 * with the extended sets of ./lbilin.ts (hermitian conjugates and the unit matrix). One L-CB
 * layer on the plaquettes represents W(1x2) exactly: the product of a plaquette and its
 * transported neighbour.
 *
 * @module
 */
import type { UniformRandom } from '../../sun/types.js';
import type { Parameter } from '../parameter.js';
import { MatrixTensor, type Activation } from '../tensors.js';
import type { BatchContext, Layer, LayerSpec } from './layer.js';
import { Bilinear } from './lbilin.js';
import { LConv } from './lconv.js';

/** L-Conv (Cin -> Cout, reach K) then L-Bilin (input x conv output -> Cout). */
export class LCB implements Layer {
  readonly spec: LayerSpec;
  readonly parameters: Parameter[];
  /** The L-Conv part (Cin -> Cout). */
  readonly conv: LConv;
  /** The L-Bilin part: the block's input (Cin) times the convolution's output (Cout). */
  readonly bilinear: Bilinear;
  private input: MatrixTensor | undefined;
  private convolved: MatrixTensor | undefined;

  constructor(
    /** Number of input channels Cin. */
    readonly inChannels: number,
    /** Number of output channels Cout. */
    readonly outChannels: number,
    /** Kernel reach K of the convolution. */
    readonly kernel: number,
    D: number,
    rng: UniformRandom,
    name = 'lcb',
  ) {
    this.spec = { type: 'lcb', out: outChannels, kernel };
    this.conv = new LConv(inChannels, outChannels, kernel, D, rng, `${name}.conv`);
    this.bilinear = new Bilinear(inChannels, outChannels, outChannels, rng, `${name}.bilin`);
    this.parameters = [this.conv.weight, this.bilinear.weight];
  }

  forward(input: Activation, ctx: BatchContext): MatrixTensor {
    const convolved = this.conv.forward(input, ctx);
    this.input = input as MatrixTensor;
    this.convolved = convolved;
    return this.bilinear.forward(this.input, convolved);
  }

  backward(gradOutput: Activation, ctx: BatchContext): MatrixTensor {
    const [gIn, gConv] = this.bilinear.backward(
      this.input!,
      this.convolved!,
      gradOutput as MatrixTensor,
    );
    const gFromConv = this.conv.backward(gConv, ctx);
    for (let k = 0; k < gIn.data.length; k++) gIn.data[k] += gFromConv.data[k];
    return gIn;
  }
}
