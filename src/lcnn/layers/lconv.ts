/**
 * L-Conv, the lattice gauge equivariant convolution (Favoni, Ipp, Mueller, Schuh,
 * PRL 128 (2022) 032003, arXiv:2012.12901, eq. (6)):
 *
 *     W'_i(x) = sum_{j, mu, k} w_{i j mu k} U_{x -> x+k mu} W_j(x + k mu) U_{x -> x+k mu}^+
 *
 * with straight Wilson lines U_{x -> x+k mu} (../transportCache.ts), k in -K..K for every
 * direction mu (the k = 0 term, W_j(x) itself, counted once), and real weights w. Each term
 * transforms as Omega(x) . Omega(x)^+, so W' does: the layer is gauge equivariant, and
 * translation equivariant because the weights do not depend on x.
 *
 * Backward: the transport T W = L W L^+ is linear with adjoint G -> L^+ G L, so with
 * G~_i = L^+ G_{W'_i}(x) L: G_{W_j}(x + k mu) += sum_i w_{ij mu k} G~_i, and
 * dL/dw_{ij mu k} = sum_{b,x} <G_{W'_i}(x), T W_j(x)> = sum_{b,x} <G~_i, W_j(x + k mu)> with
 * <A, B> = Re tr(A^+ B): the backward pass transports the gradients, not the inputs again.
 * When the links are activations (after an L-Exp), the lines get G_L += h L W^+ + h^+ L W
 * with h = sum_i w_{ij mu k} G_{W'_i}(x) (from d(L W L^+) = dL W L^+ + L W dL^+).
 *
 * Tied ("mu-independent") kernels, w_{ij mu k} = v_{ij |k|}: one weight per point-group orbit
 * of offsets {k e_mu : all mu, both signs}. On features that are invariant under the point
 * group, sum_{mu,k} v_{|k|} T_{mu,k} W is invariant too, since R only permutes the offsets of
 * an orbit (Aronsson, Mueller & Schuh, arXiv:2303.11448, sec. IV.A).
 *
 * @module
 */
import { rangeError } from '../../core/validate.js';
import { addScaled, combine, innerProducts, scatterScaled, zeroMatrix } from '../matrixOps.js';
import { Parameter, xavierUniform } from '../parameter.js';
import { MatrixTensor, type Activation } from '../tensors.js';
import type { TransportCache } from '../transportCache.js';
import { LcnnWasm } from '../wasm/lcnnWasm.js';
import type { UniformRandom } from '../../sun/types.js';
import type { BatchContext, Layer, LayerSpec } from './layer.js';

/** How L-Conv weights start: Glorot noise, or a pass-through of the input plus small noise. */
export type ConvInit = 'glorot' | 'identity';

/** The transport terms of a kernel: (mu, k), the first being the identity (k = 0). */
export function convolutionTerms(D: number, K: number): Array<[number, number]> {
  const terms: Array<[number, number]> = [[0, 0]];
  for (let mu = 0; mu < D; mu++) {
    for (let k = -K; k <= K; k++) if (k !== 0) terms.push([mu, k]);
  }
  return terms;
}

/** T_{mu,k} W_j at (b, x) into out[0..m): L(x) W_j(x + k mu) L(x)^+ (k != 0). */
export function transportInto(
  out: Float64Array,
  tmp: Float64Array,
  W: MatrixTensor,
  transport: TransportCache,
  b: number,
  x: number,
  j: number,
  mu: number,
  k: number,
): void {
  const g = W.group;
  const lattice = transport.gauge.lattice;
  const L = transport.get(mu, k);
  const lOff = (b * W.volume + x) * W.m;
  const y = lattice.shift(x, mu, k);
  g.multiply(tmp, 0, L, lOff, W.data, W.offset(b, y, j));
  g.multiplyAdjoint(out, 0, tmp, 0, L, lOff);
}

/** The L-Conv layer with Cin inputs, Cout outputs and kernel reach K. */
export class LConv implements Layer {
  readonly spec: LayerSpec;
  readonly parameters: Parameter[];
  /** Weights w[(o * Cin + i) * T + t], or v[(o * Cin + i) * (K + 1) + |k|] when tied. */
  readonly weight: Parameter;
  private readonly terms: Array<[number, number]>;
  /** Per-term weights w and their gradient; the parameter itself when not tied. */
  private readonly w: Float64Array;
  private readonly gw: Float64Array;
  private input: MatrixTensor | undefined;

  constructor(
    /** Number of input channels Cin. */
    readonly inChannels: number,
    /** Number of output channels Cout. */
    readonly outChannels: number,
    /** Kernel reach K: transports by k = -K..K lattice steps along every direction. */
    readonly kernel: number,
    /** Number of lattice dimensions. */
    readonly D: number,
    rng: UniformRandom,
    name = 'lconv',
    /** One weight per orbit of offsets (|k|) instead of one per (mu, k). */
    readonly tied = false,
    /**
     * "glorot" (default): Glorot-uniform weights; "identity": the k = 0 weights of output i
     * start at 1 on input i (i < min(Cin, Cout)) over Glorot noise of gain 0.1, so that the
     * layer starts as a pass-through of its input (the start of the bilinear layers, ./lbilin.ts).
     */
    init: ConvInit = 'glorot',
  ) {
    this.spec = { type: 'lconv', out: outChannels, kernel };
    this.terms = convolutionTerms(D, kernel);
    const T = this.terms.length;
    const perPair = tied ? kernel + 1 : T;
    this.weight = new Parameter(
      `${name}.weight`,
      new Float64Array(outChannels * inChannels * perPair),
    );
    xavierUniform(
      this.weight.value,
      inChannels * T,
      outChannels,
      rng,
      init === 'identity' ? 0.1 : 1,
    );
    if (init === 'identity') {
      // the k = 0 term is term 0, and orbit 0 of a tied kernel
      for (let i = 0; i < Math.min(inChannels, outChannels); i++) {
        this.weight.value[(i * inChannels + i) * perPair] += 1;
      }
    }
    this.parameters = [this.weight];
    this.w = tied ? new Float64Array(outChannels * inChannels * T) : this.weight.value;
    this.gw = tied ? new Float64Array(this.w.length) : this.weight.grad;
  }

  /** w[(p T + t)] = v[p (K+1) + |k_t|] for the tied kernel (no-op otherwise). */
  private expand(): void {
    if (!this.tied) return;
    const T = this.terms.length;
    const v = this.weight.value;
    for (let p = 0; p < this.inChannels * this.outChannels; p++) {
      for (let t = 0; t < T; t++) {
        this.w[p * T + t] = v[p * (this.kernel + 1) + Math.abs(this.terms[t][1])];
      }
    }
  }

  /** dL/dv = sum of dL/dw over each orbit (tied kernel; no-op otherwise). */
  private fold(): void {
    if (!this.tied) return;
    const T = this.terms.length;
    const gv = this.weight.grad;
    for (let p = 0; p < this.inChannels * this.outChannels; p++) {
      for (let t = 0; t < T; t++) {
        gv[p * (this.kernel + 1) + Math.abs(this.terms[t][1])] += this.gw[p * T + t];
      }
    }
  }

  private check(fn: string, input: Activation): MatrixTensor {
    if (!(input instanceof MatrixTensor) || input.channels !== this.inChannels) {
      throw rangeError(
        `LConv.${fn}`,
        'input',
        `a matrix field with ${this.inChannels} channels`,
        input instanceof MatrixTensor ? `${input.channels} channels` : 'real features',
      );
    }
    return input;
  }

  forward(input: Activation, ctx: BatchContext): MatrixTensor {
    const W = this.check('forward', input);
    this.input = W;
    const { batch: B, volume: V, m } = W;
    const Cin = this.inChannels;
    const Cout = this.outChannels;
    const T = this.terms.length;
    this.expand();
    const w = this.w;
    if (ctx.wasm !== undefined && LcnnWasm.supports(W.group.N)) {
      return ctx.wasm.lconvForward(W, this.terms, ctx.transport, w, Cout);
    }
    const g = W.group;
    const lattice = ctx.transport.gauge.lattice;
    const out = new MatrixTensor(B, V, Cout, g);
    const s = new Float64Array(m);
    const v = new Float64Array(m);
    const tmp = new Float64Array(m);
    // transport each input (2 Cin products per term) or each output's weighted sum of the
    // inputs (2 Cout products): L (sum_i w_i W_i) L^+ = sum_i w_i L W_i L^+
    const transportInputs = Cin <= Cout;
    for (let b = 0; b < B; b++) {
      for (let x = 0; x < V; x++) {
        for (let t = 0; t < T; t++) {
          const [mu, k] = this.terms[t];
          if (k === 0) {
            for (let o = 0; o < Cout; o++) {
              const wo = o * Cin * T + t;
              combine(
                out.data,
                out.offset(b, x, o),
                w,
                wo,
                T,
                W.data,
                W.offset(b, x, 0),
                Cin,
                m,
                true,
              );
            }
            continue;
          }
          const L = ctx.transport.get(mu, k);
          const lOff = (b * V + x) * m;
          const y = lattice.shift(x, mu, k);
          if (transportInputs) {
            for (let i = 0; i < Cin; i++) {
              g.multiply(tmp, 0, L, lOff, W.data, W.offset(b, y, i));
              g.multiplyAdjoint(s, 0, tmp, 0, L, lOff);
              scatterScaled(out.data, out.offset(b, x, 0), w, i * T + t, Cin * T, s, 0, Cout, m);
            }
          } else {
            for (let o = 0; o < Cout; o++) {
              combine(v, 0, w, o * Cin * T + t, T, W.data, W.offset(b, y, 0), Cin, m);
              g.multiply(tmp, 0, L, lOff, v, 0);
              g.multiplyAdjoint(s, 0, tmp, 0, L, lOff);
              addScaled(out.data, out.offset(b, x, o), 1, s, 0, m);
            }
          }
        }
      }
    }
    return out;
  }

  /**
   * The adjoint of the transport carries the output gradients back instead of transporting
   * the inputs again: with G~_o = L^+ G_o(x) L, <G_o(x), L W_i(y) L^+> = <G~_o, W_i(y)>, so
   * dL/dw_{o i t} += <G~_o, W_i(y)> and G_{W_i}(y) += sum_o w_{o i t} G~_o: 2 Cout products per
   * term, none of the forward pass repeated.
   */
  backward(
    gradOutput: Activation,
    ctx: BatchContext,
    inputGradient = true,
  ): MatrixTensor | undefined {
    const W = this.input!;
    const G = gradOutput as MatrixTensor;
    const g = W.group;
    const { batch: B, volume: V, m } = W;
    const Cin = this.inChannels;
    const Cout = this.outChannels;
    const T = this.terms.length;
    this.expand();
    const w = this.w;
    const gw = this.gw;
    if (this.tied) gw.fill(0);
    if (ctx.wasm !== undefined && LcnnWasm.supports(W.group.N) && !ctx.transport.differentiable) {
      // the lines are data here (no L-Exp before): the WebAssembly kernels have this case
      const gradIn = ctx.wasm.lconvBackward(W, G, this.terms, ctx.transport, w, gw, inputGradient);
      this.fold();
      return gradIn;
    }
    const gradIn = inputGradient ? W.zerosLike() : undefined;
    const lattice = ctx.transport.gauge.lattice;
    const s = new Float64Array(m);
    const h = new Float64Array(m);
    const tmp = new Float64Array(m);
    const back = new Float64Array(Cout * m);
    const lineGrads = this.terms.map(([mu, k]) =>
      k !== 0 ? ctx.transport.gradient(mu, k) : undefined,
    );
    for (let b = 0; b < B; b++) {
      for (let x = 0; x < V; x++) {
        for (let t = 0; t < T; t++) {
          const [mu, k] = this.terms[t];
          if (k === 0) {
            const g0 = G.offset(b, x, 0);
            for (let i = 0; i < Cin; i++) {
              const wOff = W.offset(b, x, i);
              innerProducts(gw, i * T + t, Cin * T, W.data, wOff, G.data, g0, Cout, m);
              if (gradIn !== undefined) {
                const inOff = gradIn.offset(b, x, i);
                combine(gradIn.data, inOff, w, i * T + t, Cin * T, G.data, g0, Cout, m, true);
              }
            }
            continue;
          }
          const L = ctx.transport.get(mu, k);
          const gL = lineGrads[t];
          const lOff = (b * V + x) * m;
          const y = lattice.shift(x, mu, k);
          for (let o = 0; o < Cout; o++) {
            g.adjointMultiply(tmp, 0, L, lOff, G.data, G.offset(b, x, o));
            g.multiply(back, o * m, tmp, 0, L, lOff);
          }
          for (let i = 0; i < Cin; i++) {
            const wOff = W.offset(b, y, i);
            const inOff = gradIn?.offset(b, y, i) ?? 0;
            innerProducts(gw, i * T + t, Cin * T, W.data, wOff, back, 0, Cout, m);
            if (gradIn !== undefined) {
              combine(gradIn.data, inOff, w, i * T + t, Cin * T, back, 0, Cout, m, true);
            }
            if (gL !== undefined) {
              // the lines are activations (after an L-Exp): G_L(x) += h L W^+ + h^+ L W with
              // h = sum_o w_{o i t} G_o(x) and W = W_i(x + k mu), from
              // d(L W L^+) = dL W L^+ + L W dL^+
              zeroMatrix(h, m);
              for (let o = 0; o < Cout; o++) {
                addScaled(h, 0, w[(o * Cin + i) * T + t], G.data, G.offset(b, x, o), m);
              }
              g.multiply(tmp, 0, h, 0, L, lOff);
              g.multiplyAdjoint(s, 0, tmp, 0, W.data, wOff);
              addScaled(gL, lOff, 1, s, 0, m);
              g.adjointMultiply(tmp, 0, h, 0, L, lOff);
              g.multiply(s, 0, tmp, 0, W.data, wOff);
              addScaled(gL, lOff, 1, s, 0, m);
            }
          }
        }
      }
    }
    this.fold();
    return gradIn;
  }
}
