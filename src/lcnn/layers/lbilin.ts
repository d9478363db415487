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
 * Evaluation: W''_i = sum_p A_p Z_ip with Z_ip = sum_q a_ipq B_q (sums, no products), so that a
 * site costs 2 n_A products per output channel rather than (2 n_A + 1)(2 n_B + 1), and none
 * with the unit matrix.
 *
 * Backward, with <X, Y> = Re tr(X^+ Y) and Y_ip = A_p^+ G_i (= dL/dZ_ip; G_i itself for the
 * unit): dL/da_ipq = sum_{b,x} <G_i, A_p B_q> = sum_{b,x} <Y_ip, B_q>,
 * G_{B_q} = sum_{i,p} a_ipq Y_ip and G_{A_p} = sum_i G_i Z_ip^+; a dagger channel passes its
 * gradient back daggered. No product of the forward pass is formed again (the products
 * A_p B_q are never formed at all).
 *
 * @module
 */
import { rangeError } from '../../core/validate.js';
import type { UniformRandom } from '../../sun/types.js';
import { addScaled, combine, innerProducts, scatterScaled, zeroMatrix } from '../matrixOps.js';
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

  /**
   * Z_ip = sum_q a_ipq Bext_q of one site into z[(i PA + p) m], for every output channel i and
   * first operand p: the right factors of out_i = sum_p Aext_p Z_ip.
   */
  private rightFactors(z: Float64Array, bExt: Float64Array, m: number): void {
    const { PA, PB } = this;
    const a = this.weight.value;
    for (let ip = 0; ip < this.outChannels * PA; ip++)
      combine(z, ip * m, a, ip * PB, 1, bExt, 0, PB, m);
  }

  /**
   * out_i = sum_pq a_ipq Aext_p Bext_q, evaluated as sum_p Aext_p Z_ip with
   * Z_ip = sum_q a_ipq Bext_q: (PA - 1) products per output channel instead of PA PB, none
   * with the unit matrix (1 Z = Z). On the WebAssembly kernels `wasm` if given (the same
   * result bit for bit).
   */
  forward(A: MatrixTensor, Bt: MatrixTensor, wasm?: LcnnWasm): MatrixTensor {
    if (wasm !== undefined && LcnnWasm.supports(A.group.N)) {
      return wasm.bilinearForward(A, Bt, this.weight.value, this.outChannels);
    }
    const g = A.group;
    const { batch, volume, m } = A;
    const { PA, PB, nA } = this;
    const Cout = this.outChannels;
    const out = new MatrixTensor(batch, volume, Cout, g);
    const bExt = new Float64Array(PB * m);
    const z = new Float64Array(Cout * PA * m);
    const tmp = new Float64Array(m);
    for (let b = 0; b < batch; b++) {
      for (let x = 0; x < volume; x++) {
        extend(bExt, Bt, b, x);
        this.rightFactors(z, bExt, m);
        for (let i = 0; i < Cout; i++) {
          const o = out.offset(b, x, i);
          const zi = i * PA * m;
          // the unit's term first: out_i = Z_{i,1}
          addScaled(out.data, o, 1, z, zi + 2 * nA * m, m);
          for (let j = 0; j < nA; j++) {
            const aOff = A.offset(b, x, j);
            g.multiply(tmp, 0, A.data, aOff, z, zi + j * m);
            addScaled(out.data, o, 1, tmp, 0, m);
            g.adjointMultiply(tmp, 0, A.data, aOff, z, zi + (nA + j) * m);
            addScaled(out.data, o, 1, tmp, 0, m);
          }
        }
      }
    }
    return out;
  }

  /**
   * Accumulates dL/da; returns [G_A, G_B], each undefined when not `wanted` (the first layer's
   * input is data, not an activation). With Y_ip = dL/dZ_ip = Aext_p^+ G_i:
   * dL/da_ipq = <Y_ip, Bext_q>, G_{Bext_q} = sum_ip a_ipq Y_ip, and
   * G_{A_j} = sum_i (G_i Z_ij^+ + Z_i,nA+j G_i^+) (the second from the daggered copy A_j^+).
   * No product of the forward pass is formed again; Z (sums, no products) is. On the
   * WebAssembly kernels `wasm` if given (the same result bit for bit).
   */
  backward(
    A: MatrixTensor,
    Bt: MatrixTensor,
    G: MatrixTensor,
    wanted: { a: boolean; b: boolean } = { a: true, b: true },
    wasm?: LcnnWasm,
  ): [MatrixTensor | undefined, MatrixTensor | undefined] {
    if (wasm !== undefined && LcnnWasm.supports(A.group.N)) {
      return wasm.bilinearBackward(A, Bt, G, this.weight.value, this.weight.grad, wanted);
    }
    const g = A.group;
    const { batch, volume, m } = A;
    const { PA, PB, nA, nB } = this;
    const Cout = this.outChannels;
    const ga = this.weight.grad;
    const gradA = wanted.a ? A.zerosLike() : undefined;
    const gradB = wanted.b ? Bt.zerosLike() : undefined;
    const bExt = new Float64Array(PB * m);
    const gbExt = new Float64Array(PB * m);
    const z = new Float64Array(Cout * PA * m);
    const y = new Float64Array(m);
    const tmp = new Float64Array(m);
    const a = this.weight.value;
    for (let b = 0; b < batch; b++) {
      for (let x = 0; x < volume; x++) {
        extend(bExt, Bt, b, x);
        if (gradA !== undefined) this.rightFactors(z, bExt, m);
        zeroMatrix(gbExt, 2 * nB * m);
        for (let i = 0; i < Cout; i++) {
          const gOff = G.offset(b, x, i);
          for (let p = 0; p < PA; p++) {
            // Y_ip = Aext_p^+ G_i: A_j^+ G_i, (A_j^+)^+ G_i = A_j G_i, or G_i for the unit
            let ySrc: Float64Array = y;
            let yOff = 0;
            if (p < nA) g.adjointMultiply(y, 0, A.data, A.offset(b, x, p), G.data, gOff);
            else if (p < 2 * nA) g.multiply(y, 0, A.data, A.offset(b, x, p - nA), G.data, gOff);
            else {
              ySrc = G.data;
              yOff = gOff;
            }
            const row = (i * PA + p) * PB;
            innerProducts(ga, row, 1, ySrc, yOff, bExt, 0, PB, m);
            // the unit Bext_{2 nB} needs no gradient, only its weight's
            if (gradB !== undefined) scatterScaled(gbExt, 0, a, row, 1, ySrc, yOff, 2 * nB, m);
          }
          if (gradA !== undefined) {
            const zi = i * PA * m;
            for (let j = 0; j < nA; j++) {
              const o = gradA.offset(b, x, j);
              g.multiplyAdjoint(tmp, 0, G.data, gOff, z, zi + j * m);
              addScaled(gradA.data, o, 1, tmp, 0, m);
              g.multiplyAdjoint(tmp, 0, z, zi + (nA + j) * m, G.data, gOff);
              addScaled(gradA.data, o, 1, tmp, 0, m);
            }
          }
        }
        // fold the extended gradients back: B_j gets G_j + (G_{nB+j})^+
        for (let j = 0; j < (gradB === undefined ? 0 : nB); j++) {
          const o = gradB!.offset(b, x, j);
          addScaled(gradB!.data, o, 1, gbExt, j * m, m);
          g.adjoint(tmp, 0, gbExt, (nB + j) * m);
          addScaled(gradB!.data, o, 1, tmp, 0, m);
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

  backward(
    gradOutput: Activation,
    ctx?: BatchContext,
    inputGradient = true,
  ): MatrixTensor | undefined {
    const W = this.input!;
    const wanted = { a: inputGradient, b: inputGradient };
    const [gA, gB] = this.bilinear.backward(W, W, gradOutput as MatrixTensor, wanted, ctx?.wasm);
    if (gA === undefined || gB === undefined) return undefined;
    for (let k = 0; k < gA.data.length; k++) gA.data[k] += gB.data[k];
    return gA;
  }
}
