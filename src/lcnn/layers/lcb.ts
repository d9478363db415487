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
import { orientationView, siteView, type SymmetryGroup } from '../symmetry.js';
import { MatrixTensor, type Activation } from '../tensors.js';
import { GroupLConv } from './groupLConv.js';
import type { BatchContext, Layer, LayerSpec } from './layer.js';
import { Bilinear } from './lbilin.js';
import { LConv, type ConvInit } from './lconv.js';

/** How a symmetric model builds the block: lifted convolution, bilinear per orientation. */
export interface LCBSymmetry {
  /** The group whose orientations the features carry. */
  group: SymmetryGroup;
  /** Whether the convolution sums over all input orientations. */
  mix: boolean;
}

/** L-Conv (Cin -> Cout, reach K) then L-Bilin (input x conv output -> Cout). */
export class LCB implements Layer {
  readonly spec: LayerSpec;
  readonly parameters: Parameter[];
  /** The L-Conv part (Cin -> Cout), lifted in a symmetric model. */
  readonly conv: LConv | GroupLConv;
  /** The L-Bilin part: the block's input (Cin) times the convolution's output (Cout). */
  readonly bilinear: Bilinear;
  private input: MatrixTensor | undefined;
  private convolved: MatrixTensor | undefined;
  private readonly G: number;

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
    /** Lift the block to the orientations of a symmetry group (channels are per orientation). */
    readonly symmetry?: LCBSymmetry,
    /** A tied ("mu-independent") convolution kernel, for invariant features (./lconv.ts). */
    tied = false,
    /** How the convolution's weights start (./lconv.ts). */
    init: ConvInit = 'glorot',
  ) {
    this.spec = { type: 'lcb', out: outChannels, kernel };
    this.G = symmetry?.group.size ?? 1;
    this.conv =
      symmetry === undefined
        ? new LConv(inChannels, outChannels, kernel, D, rng, `${name}.conv`, tied, init)
        : new GroupLConv(
            inChannels,
            outChannels,
            kernel,
            symmetry.group,
            symmetry.mix,
            rng,
            `${name}.conv`,
          );
    this.bilinear = new Bilinear(inChannels, outChannels, outChannels, rng, `${name}.bilin`);
    this.parameters = [this.conv.weight, this.bilinear.weight];
  }

  forward(input: Activation, ctx: BatchContext): MatrixTensor {
    const convolved = this.conv.forward(input, ctx);
    // the bilinear acts per orientation: [B, V, G C] viewed as [B, V G, C]
    this.input = orientationView(input as MatrixTensor, this.G);
    this.convolved = orientationView(convolved, this.G);
    return siteView(this.bilinear.forward(this.input, this.convolved, ctx.wasm), this.G);
  }

  backward(
    gradOutput: Activation,
    ctx: BatchContext,
    inputGradient = true,
  ): MatrixTensor | undefined {
    const [gIn, gConv] = this.bilinear.backward(
      this.input!,
      this.convolved!,
      orientationView(gradOutput as MatrixTensor, this.G),
      { a: inputGradient, b: true },
      ctx.wasm,
    );
    const gFromConv = this.conv.backward(siteView(gConv!, this.G), ctx, inputGradient);
    if (gIn === undefined || gFromConv === undefined) return undefined;
    for (let k = 0; k < gIn.data.length; k++) gIn.data[k] += gFromConv.data[k];
    return siteView(gIn, this.G);
  }
}
