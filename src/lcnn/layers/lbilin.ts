/**
 * L-Bilin, the gauge equivariant bilinear layer (Favoni, Ipp, Mueller, Schuh,
 * PRL 128 (2022) 032003, arXiv:2012.12901, eq. (7)):
 *
 *     W''_i(x) = sum_{p, q} a_{i p q} A_p(x) B_q(x)
 *
 * where {A_p} = {A_1..A_n, A_1^+..A_n^+, 1} and {B_q} likewise: the channel sets are
 * extended by their hermitian conjugates and the unit matrix (so that the layer contains
 * linear terms, a bias, and with real weights a still spans A - A^+ and the like). Products of
 * matrices that transform as Omega . Omega^+ at the same site transform alike: the layer is
 * gauge equivariant.
 *
 * Backward: for P_pq = A_p B_q, G_{A_p} += G_P B_q^+ and G_{B_q} += A_p^+ G_P with
 * G_{P_pq} = sum_i a_ipq G_i; a dagger channel passes its gradient back daggered;
 * dL/da_ipq = sum_{b,x} <G_i, P_pq>.
 *
 * @module
 */
import { rangeError } from '../../core/validate.js';
import type { UniformRandom } from '../../sun/types.js';
import { addScaled, realInner, zeroMatrix } from '../matrixOps.js';
import { Parameter, xavierUniform } from '../parameter.js';
import { MatrixTensor, type Activation } from '../tensors.js';
import { LcnnWasm } from '../wasm/lcnnWasm.js';
import type { BatchContext, Layer, LayerSpec } from './layer.js';

/** Writes the extended set {X_1..X_n, X_1^+..X_n^+, 1} of site (b, x) into ext. */
function extend(ext: Float64Array, X: MatrixTensor, b: number, x: number): void {
  const g = X.group;
  const n = X.channels;
  const m = X.m;
  for (let j = 0; j < n; j++) {
    g.copy(ext, j * m, X.data, X.offset(b, x, j));
    g.adjoint(ext, (n + j) * m, X.data, X.offset(b, x, j));
  }
  g.identity(ext, 2 * n * m);
}

/** The bilinear map with its weights; used by {@link LBilin} and by the L-CB layer. */
export class Bilinear {
  /** Weights a[(i * PA + p) * PB + q], PA = 2 nA + 1, PB = 2 nB + 1. */
  readonly weight: Parameter;
  /** Size of the extended first operand set {A, A^+, 1}: 2 nA + 1. */
  readonly PA: number;
  /** Size of the extended second operand set {B, B^+, 1}: 2 nB + 1. */
  readonly PB: number;

  constructor(
    /** Number of channels of the first operand A. */
    readonly nA: number,
    /** Number of channels of the second operand B. */
    readonly nB: number,
    /** Number of output channels. */
    readonly outChannels: number,
    rng: UniformRandom,
    name: string,
  ) {
    this.PA = 2 * nA + 1;
    this.PB = 2 * nB + 1;
    this.weight = new Parameter(
      `${name}.weight`,
      new Float64Array(outChannels * this.PA * this.PB),
    );
    // Near-identity initialisation: W''_i = A_i 1 plus small Glorot noise. A bilinear layer
    // squares magnitudes, so stacks of Glorot-initialised layers blow up (the 4-layer W(4x4)
    // model started at MSE ~4e3); starting from the pass-through keeps every layer's output at
    // the scale of its input, as residual networks are initialised (Goyal et al.,
    // arXiv:1706.02677, sec. 5.1; Zhang, Dauphin & Ma, ICLR 2019).
    xavierUniform(this.weight.value, this.PA * this.PB, outChannels, rng, 0.1);
    for (let i = 0; i < Math.min(nA, outChannels); i++) {
      this.weight.value[(i * this.PA + i) * this.PB + 2 * nB] += 1;
    }
  }

  /** out_i = sum_pq a_ipq Aext_p Bext_q (on the WebAssembly kernels `wasm` if given). */
  forward(A: MatrixTensor, Bt: MatrixTensor, wasm?: LcnnWasm): MatrixTensor {
    if (wasm !== undefined && LcnnWasm.supports(A.group.N)) {
      return wasm.bilinearForward(A, Bt, this.weight.value, this.outChannels);
    }
    const g = A.group;
    const { batch, volume, m } = A;
    const { PA, PB } = this;
    const a = this.weight.value;
    const out = new MatrixTensor(batch, volume, this.outChannels, g);
    const aExt = new Float64Array(PA * m);
    const bExt = new Float64Array(PB * m);
    const P = new Float64Array(m);
    for (let b = 0; b < batch; b++) {
      for (let x = 0; x < volume; x++) {
        extend(aExt, A, b, x);
        extend(bExt, Bt, b, x);
        for (let p = 0; p < PA; p++) {
          for (let q = 0; q < PB; q++) {
            g.multiply(P, 0, aExt, p * m, bExt, q * m);
            for (let i = 0; i < this.outChannels; i++) {
              addScaled(out.data, out.offset(b, x, i), a[(i * PA + p) * PB + q], P, 0, m);
            }
          }
        }
      }
    }
    return out;
  }

  /** Accumulates dL/da; returns [G_A, G_B] (on the WebAssembly kernels `wasm` if given). */
  backward(
    A: MatrixTensor,
    Bt: MatrixTensor,
    G: MatrixTensor,
    wasm?: LcnnWasm,
  ): [MatrixTensor, MatrixTensor] {
    if (wasm !== undefined && LcnnWasm.supports(A.group.N)) {
      return wasm.bilinearBackward(A, Bt, G, this.weight.value, this.weight.grad);
    }
    const g = A.group;
    const { batch, volume, m } = A;
    const { PA, PB, nA, nB } = this;
    const a = this.weight.value;
    const ga = this.weight.grad;
    const gradA = A.zerosLike();
    const gradB = Bt.zerosLike();
    const aExt = new Float64Array(PA * m);
    const bExt = new Float64Array(PB * m);
    const gaExt = new Float64Array(PA * m);
    const gbExt = new Float64Array(PB * m);
    const P = new Float64Array(m);
    const GP = new Float64Array(m);
    const tmp = new Float64Array(m);
    for (let b = 0; b < batch; b++) {
      for (let x = 0; x < volume; x++) {
        extend(aExt, A, b, x);
        extend(bExt, Bt, b, x);
        gaExt.fill(0);
        gbExt.fill(0);
        for (let p = 0; p < PA; p++) {
          for (let q = 0; q < PB; q++) {
            g.multiply(P, 0, aExt, p * m, bExt, q * m);
            zeroMatrix(GP, m);
            for (let i = 0; i < this.outChannels; i++) {
              const gOff = G.offset(b, x, i);
              const idx = (i * PA + p) * PB + q;
              ga[idx] += realInner(G.data, gOff, P, 0, m);
              addScaled(GP, 0, a[idx], G.data, gOff, m);
            }
            g.multiplyAdjoint(tmp, 0, GP, 0, bExt, q * m);
            addScaled(gaExt, p * m, 1, tmp, 0, m);
            g.adjointMultiply(tmp, 0, aExt, p * m, GP, 0);
            addScaled(gbExt, q * m, 1, tmp, 0, m);
          }
        }
        // fold the extended gradients back: X_j gets G_j + (G_{n+j})^+; the unit gets none
        for (let j = 0; j < nA; j++) {
          const o = gradA.offset(b, x, j);
          addScaled(gradA.data, o, 1, gaExt, j * m, m);
          g.adjoint(tmp, 0, gaExt, (nA + j) * m);
          addScaled(gradA.data, o, 1, tmp, 0, m);
        }
        for (let j = 0; j < nB; j++) {
          const o = gradB.offset(b, x, j);
          addScaled(gradB.data, o, 1, gbExt, j * m, m);
          g.adjoint(tmp, 0, gbExt, (nB + j) * m);
          addScaled(gradB.data, o, 1, tmp, 0, m);
        }
      }
    }
    return [gradA, gradB];
  }
}

/** L-Bilin of a field with itself: W''_i = sum a_ipq Wext_p Wext_q. */
export class LBilin implements Layer {
  readonly spec: LayerSpec;
  readonly parameters: Parameter[];
  /** The bilinear map, applied with both operands equal to the input. */
  readonly bilinear: Bilinear;
  private input: MatrixTensor | undefined;

  constructor(
    /** Number of input channels. */
    readonly inChannels: number,
    /** Number of output channels. */
    readonly outChannels: number,
    rng: UniformRandom,
    name = 'lbilin',
  ) {
    this.spec = { type: 'lbilin', out: outChannels };
    this.bilinear = new Bilinear(inChannels, inChannels, outChannels, rng, name);
    this.parameters = [this.bilinear.weight];
  }

  forward(input: Activation, ctx?: BatchContext): MatrixTensor {
    if (!(input instanceof MatrixTensor) || input.channels !== this.inChannels) {
      throw rangeError(
        'LBilin.forward',
        'input',
        `a matrix field with ${this.inChannels} channels`,
        input instanceof MatrixTensor ? `${input.channels} channels` : 'real features',
      );
    }
    this.input = input;
    return this.bilinear.forward(input, input, ctx?.wasm);
  }

  backward(gradOutput: Activation, ctx?: BatchContext): MatrixTensor {
    const W = this.input!;
    const [gA, gB] = this.bilinear.backward(W, W, gradOutput as MatrixTensor, ctx?.wasm);
    for (let k = 0; k < gA.data.length; k++) gA.data[k] += gB.data[k];
    return gA;
  }
}
