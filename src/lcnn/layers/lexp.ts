/**
 * L-Exp, the gauge-covariant link update (Favoni, Ipp, Mueller, Schuh, PRL 128 (2022) 032003,
 * arXiv:2012.12901, the exponential layer; the update of a gradient-flow or HMC step):
 *
 *     U'_mu(x) = exp(A_mu(x)) U_mu(x),   A_mu(x) = sum_i beta_{mu i} [W_i(x)]_ah,
 *
 * with [X]_ah = (X - X^+)/2 - tr(X - X^+)/(2N) the projection onto su(N). Under a gauge
 * transformation [W]_ah -> Omega [W]_ah Omega^+, so exp(A) U -> Omega(x) exp(A) U
 * Omega(x + mu)^+: U' is a gauge field again, and the layers after this one transport with it.
 * The matrix channels pass through unchanged.
 *
 * Backward: the later layers' gradient with respect to U' arrives through the transport cache
 * (../transportCache.ts). With E = exp(A): G_E = G_U' U^+ and G_U += E^+ G_U' (when the links
 * before this layer are activations too); G_A = L(A^+, G_E), the adjoint of the Frechet
 * derivative of exp, read off the upper right block of exp([[A^+, G_E], [0, A^+]]) (Mathias,
 * SIAM J. Matrix Anal. Appl. 17 (1996) 610; Higham, Functions of Matrices (2008), eq. (3.16));
 * then dL/dbeta_{mu i} = sum_{b,x} <G_A, [W_i]_ah> and G_{W_i} += beta_{mu i} [G_A]_ah (the
 * projection is self-adjoint for <A, B> = Re tr(A^+ B)).
 *
 * @module
 */
import { createSUNKernels } from '../../sun/sun.js';
import type { SUNKernels, UniformRandom } from '../../sun/types.js';
import { rangeError } from '../../core/validate.js';
import { Parameter } from '../parameter.js';
import { GaugeBatch, MatrixTensor, type Activation } from '../tensors.js';
import { TransportCache } from '../transportCache.js';
import type { BatchContext, Layer, LayerSpec } from './layer.js';

/** exp([[a, e], [0, a]]) in 2N x 2N: its upper right block is the Frechet derivative L(a, e). */
function frechetExp(
  out: Float64Array,
  a: Float64Array,
  aOff: number,
  e: Float64Array,
  eOff: number,
  N: number,
  big: SUNKernels,
  block: Float64Array,
  result: Float64Array,
): void {
  block.fill(0);
  const n2 = 2 * N;
  for (let r = 0; r < N; r++) {
    for (let c = 0; c < N; c++) {
      for (let z = 0; z < 2; z++) {
        const v = a[aOff + 2 * (r * N + c) + z];
        block[2 * (r * n2 + c) + z] = v;
        block[2 * ((r + N) * n2 + c + N) + z] = v;
        block[2 * (r * n2 + c + N) + z] = e[eOff + 2 * (r * N + c) + z];
      }
    }
  }
  big.exp(result, 0, block, 0);
  for (let r = 0; r < N; r++) {
    for (let c = 0; c < N; c++) {
      out[2 * (r * N + c)] = result[2 * (r * n2 + c + N)];
      out[2 * (r * N + c) + 1] = result[2 * (r * n2 + c + N) + 1];
    }
  }
}

/** U_mu(x) -> exp(sum_i beta_{mu i} [W_i(x)]_ah) U_mu(x); W passes through. */
export class LExp implements Layer {
  readonly spec: LayerSpec = { type: 'lexp' };
  readonly parameters: Parameter[];
  /** The weights beta[mu * Cin + i]. */
  readonly weight: Parameter;
  private input: MatrixTensor | undefined;
  private before: TransportCache | undefined;
  private after: TransportCache | undefined;
  /** exp(A) of every (b, x, mu), kept for the backward pass. */
  private E: Float64Array | undefined;
  /** A of every (b, x, mu). */
  private A: Float64Array | undefined;

  constructor(
    /** Number of input channels Cin. */
    readonly inChannels: number,
    /** Number of lattice dimensions. */
    readonly D: number,
    rng: UniformRandom,
    name = 'lexp',
  ) {
    // small initial steps: the layer starts near the identity map of the links
    const beta = new Float64Array(D * inChannels);
    for (let k = 0; k < beta.length; k++) beta[k] = 0.1 * (2 * rng.uniform() - 1);
    this.weight = new Parameter(`${name}.weight`, beta);
    this.parameters = [this.weight];
  }

  forward(input: Activation, ctx: BatchContext): MatrixTensor {
    if (!(input instanceof MatrixTensor) || input.channels !== this.inChannels) {
      throw rangeError(
        'LExp.forward',
        'input',
        `a matrix field with ${this.inChannels} channels`,
        input instanceof MatrixTensor ? `${input.channels} channels` : 'real features',
      );
    }
    const before = ctx.transport;
    const { lattice, group: g, batch: B } = before.gauge;
    const { volume: V, D } = lattice;
    const m = g.matrixSize;
    const Cin = this.inChannels;
    const beta = this.weight.value;
    const after = new GaugeBatch(lattice, g, B);
    const A = new Float64Array(B * V * D * m);
    const E = new Float64Array(B * V * D * m);
    const p = new Float64Array(m);
    for (let b = 0; b < B; b++) {
      for (let x = 0; x < V; x++) {
        for (let mu = 0; mu < D; mu++) {
          const o = ((b * V + x) * D + mu) * m;
          for (let i = 0; i < Cin; i++) {
            g.projectAlgebra(p, 0, input.data, input.offset(b, x, i));
            const c = beta[mu * Cin + i];
            for (let j = 0; j < m; j++) A[o + j] += c * p[j];
          }
          g.exp(E, o, A, o);
          g.multiply(after.links, after.offset(b, x, mu), E, o, before.gauge.links, o);
        }
      }
    }
    this.input = input;
    this.before = before;
    this.after = new TransportCache(after, true);
    this.A = A;
    this.E = E;
    ctx.transport = this.after;
    return input;
  }

  backward(gradOutput: Activation, ctx: BatchContext): MatrixTensor {
    const W = this.input!;
    const before = this.before!;
    const A = this.A!;
    const E = this.E!;
    const gradAfter = this.after!.linkGradient();
    ctx.transport = before;
    const { lattice, group: g, batch: B } = before.gauge;
    const { volume: V, D } = lattice;
    const m = g.matrixSize;
    const N = g.N;
    const Cin = this.inChannels;
    const beta = this.weight.value;
    const gBeta = this.weight.grad;
    const gradIn = new MatrixTensor(B, V, Cin, g, Float64Array.from(gradOutput.data));
    const big = createSUNKernels(2 * N);
    const block = new Float64Array(big.matrixSize);
    const result = new Float64Array(big.matrixSize);
    const gE = new Float64Array(m);
    const aDag = new Float64Array(m);
    const gA = new Float64Array(m);
    const p = new Float64Array(m);
    const tmp = new Float64Array(m);
    const U = before.gauge.links;
    for (let b = 0; b < B; b++) {
      for (let x = 0; x < V; x++) {
        for (let mu = 0; mu < D; mu++) {
          const o = ((b * V + x) * D + mu) * m;
          // G_E = G_U' U^+; the links before: G_U += E^+ G_U'
          g.multiplyAdjoint(gE, 0, gradAfter, o, U, o);
          if (before.linkGrad !== undefined) {
            g.adjointMultiply(tmp, 0, E, o, gradAfter, o);
            for (let j = 0; j < m; j++) before.linkGrad[o + j] += tmp[j];
          }
          g.adjoint(aDag, 0, A, o);
          frechetExp(gA, aDag, 0, gE, 0, N, big, block, result);
          g.projectAlgebra(p, 0, gA, 0);
          for (let i = 0; i < Cin; i++) {
            const wOff = W.offset(b, x, i);
            g.projectAlgebra(tmp, 0, W.data, wOff);
            let inner = 0;
            for (let j = 0; j < m; j++) inner += gA[j] * tmp[j];
            gBeta[mu * Cin + i] += inner;
            const c = beta[mu * Cin + i];
            for (let j = 0; j < m; j++) gradIn.data[wOff + j] += c * p[j];
          }
        }
      }
    }
    return gradIn;
  }
}
