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
 * Backward: the transport T W = L W L^+ is linear with adjoint G -> L^+ G L, so
 * G_{W_j}(x + k mu) += L^+ (sum_i w_{ij mu k} G_{W'_i}(x)) L, and
 * dL/dw_{ij mu k} = sum_{b,x} <G_{W'_i}(x), T W_j(x)> with <A, B> = Re tr(A^+ B).
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
import { addScaled, realInner, zeroMatrix } from '../matrixOps.js';
import { Parameter, xavierUniform } from '../parameter.js';
import { MatrixTensor, type Activation } from '../tensors.js';
import type { TransportCache } from '../transportCache.js';
import { LcnnWasm } from '../wasm/lcnnWasm.js';
import type { UniformRandom } from '../../sun/types.js';
import type { BatchContext, Layer, LayerSpec } from './layer.js';

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
  ) {
    this.spec = { type: 'lconv', out: outChannels, kernel };
    this.terms = convolutionTerms(D, kernel);
    const T = this.terms.length;
    const perPair = tied ? kernel + 1 : T;
    this.weight = new Parameter(
      `${name}.weight`,
      new Float64Array(outChannels * inChannels * perPair),
    );
    xavierUniform(this.weight.value, inChannels * T, outChannels, rng);
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
    const out = new MatrixTensor(B, V, Cout, W.group);
    const s = new Float64Array(m);
    const tmp = new Float64Array(m);
    for (let b = 0; b < B; b++) {
      for (let x = 0; x < V; x++) {
        for (let t = 0; t < T; t++) {
          const [mu, k] = this.terms[t];
          for (let i = 0; i < Cin; i++) {
            let src = W.data;
            let sOff = W.offset(b, x, i);
            if (k !== 0) {
              transportInto(s, tmp, W, ctx.transport, b, x, i, mu, k);
              src = s;
              sOff = 0;
            }
            for (let o = 0; o < Cout; o++) {
              addScaled(out.data, out.offset(b, x, o), w[(o * Cin + i) * T + t], src, sOff, m);
            }
          }
        }
      }
    }
    return out;
  }

  backward(gradOutput: Activation, ctx: BatchContext): MatrixTensor {
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
      const gradIn = ctx.wasm.lconvBackward(W, G, this.terms, ctx.transport, w, gw);
      this.fold();
      return gradIn;
    }
    const gradIn = W.zerosLike();
    const lattice = ctx.transport.gauge.lattice;
    const s = new Float64Array(m);
    const h = new Float64Array(m);
    const tmp = new Float64Array(m);
    const lineGrads = this.terms.map(([mu, k]) =>
      k !== 0 ? ctx.transport.gradient(mu, k) : undefined,
    );
    for (let b = 0; b < B; b++) {
      for (let x = 0; x < V; x++) {
        for (let t = 0; t < T; t++) {
          const [mu, k] = this.terms[t];
          const L = k !== 0 ? ctx.transport.get(mu, k) : undefined;
          const gL = lineGrads[t];
          const lOff = (b * V + x) * m;
          for (let i = 0; i < Cin; i++) {
            let src = W.data;
            let sOff = W.offset(b, x, i);
            if (k !== 0) {
              transportInto(s, tmp, W, ctx.transport, b, x, i, mu, k);
              src = s;
              sOff = 0;
            }
            zeroMatrix(h, m);
            for (let o = 0; o < Cout; o++) {
              const gOff = G.offset(b, x, o);
              const idx = (o * Cin + i) * T + t;
              gw[idx] += realInner(G.data, gOff, src, sOff, m);
              addScaled(h, 0, w[idx], G.data, gOff, m);
            }
            if (L === undefined) {
              addScaled(gradIn.data, gradIn.offset(b, x, i), 1, h, 0, m);
            } else {
              // G_W(x + k mu) += L^+ h L
              const y = lattice.shift(x, mu, k);
              g.adjointMultiply(tmp, 0, L, lOff, h, 0);
              g.multiply(s, 0, tmp, 0, L, lOff);
              addScaled(gradIn.data, gradIn.offset(b, y, i), 1, s, 0, m);
              if (gL !== undefined) {
                // G_L(x) += h L W^+ + h^+ L W, W = W_i(x + k mu)
                const wOff = W.offset(b, y, i);
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
    }
    this.fold();
    return gradIn;
  }
}
