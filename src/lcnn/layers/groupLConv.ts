/**
 * The lifted L-Conv of a symmetric L-CNN (Aronsson, Mueller & Schuh, arXiv:2303.11448,
 * sec. IV.B, eq. (40): the kernel is evaluated at back-rotated offsets; a group convolution
 * in the sense of Cohen & Welling, ICML 2016, eq. (10)). Features carry an orientation
 * g in G (./symmetry.ts):
 *
 *     W'_{o, g}(x) = sum_{i, u, t} w_{o i u t} T_{g t} W_{i, g u}(x)
 *
 * with the offsets t = k e_mu of the plain L-Conv (./lconv.ts: k = -K..K along every axis)
 * rotated by g, the transport T_{k e_mu} W(x) = L W(x + k e_mu) L^+ along the straight line,
 * and u running over G ("mixing" the orientations, |G| times the work of a plain layer) or
 * over the identity only (then the model is the plain L-CNN averaged over the group).
 *
 * Equivariance: under R, T_{g t}[R U] at R x is T_{R^-1 g t}[U] at x and
 * W_{i, g u}[R U](R x + g t) = W_{i, R^-1 g u}[U](x + R^-1 g t), so
 * W'[R U]_{o, g}(R x) = W'[U]_{o, R^-1 g}(x), the same law as the input. Gauge equivariance
 * holds term by term as in the plain layer.
 *
 * Backward: as in ./lconv.ts, with G_{W_{i,h}}(x + t') += L^+ (sum w G_{W'_{o,g}}(x)) L over
 * the (g, t, u) with g t = t' and g u = h.
 *
 * @module
 */
import type { UniformRandom } from '../../sun/types.js';
import { rangeError } from '../../core/validate.js';
import { addScaled, realInner, zeroMatrix } from '../matrixOps.js';
import { Parameter, xavierUniform } from '../parameter.js';
import type { SymmetryGroup } from '../symmetry.js';
import { MatrixTensor, type Activation } from '../tensors.js';
import type { BatchContext, Layer, LayerSpec } from './layer.js';
import { convolutionTerms, transportInto } from './lconv.js';

/** The lifted L-Conv with Cin and Cout channels per orientation and kernel reach K. */
export class GroupLConv implements Layer {
  readonly spec: LayerSpec;
  readonly parameters: Parameter[];
  /** Weights w[((o Cin + i) S + u) T + t], S = |G| when mixing, else 1. */
  readonly weight: Parameter;
  private readonly terms: Array<[number, number]>;
  /** Term index of g t: rotated[g T + t]. */
  private readonly rotated: Int32Array;
  private readonly S: number;
  private input: MatrixTensor | undefined;

  constructor(
    /** Channels per orientation of the input. */
    readonly inChannels: number,
    /** Channels per orientation of the output. */
    readonly outChannels: number,
    /** Kernel reach K. */
    readonly kernel: number,
    /** The symmetry group whose orientations the features carry. */
    readonly group: SymmetryGroup,
    /** Sum over all input orientations g u (true) or only g (false). */
    readonly mix: boolean,
    rng: UniformRandom,
    name = 'lconv',
  ) {
    this.spec = { type: 'lconv', out: outChannels, kernel };
    const D = group.D;
    this.terms = convolutionTerms(D, kernel);
    const T = this.terms.length;
    const index = new Map(this.terms.map(([mu, k], t) => [k === 0 ? 0 : mu * 4096 + k, t]));
    this.rotated = new Int32Array(group.size * T);
    group.elements.forEach((R, g) => {
      this.terms.forEach(([mu, k], t) => {
        const key = k === 0 ? 0 : R.perm[mu] * 4096 + R.signs[mu] * k;
        this.rotated[g * T + t] = index.get(key)!;
      });
    });
    this.S = mix ? group.size : 1;
    const fanIn = inChannels * this.S * T;
    this.weight = new Parameter(`${name}.weight`, new Float64Array(outChannels * fanIn));
    xavierUniform(this.weight.value, fanIn, outChannels, rng);
    this.parameters = [this.weight];
  }

  private check(fn: string, input: Activation): MatrixTensor {
    const C = this.inChannels * this.group.size;
    if (!(input instanceof MatrixTensor) || input.channels !== C) {
      throw rangeError(
        `GroupLConv.${fn}`,
        'input',
        `a lifted matrix field with ${C} channels (${this.inChannels} x ${this.group.size} orientations)`,
        input instanceof MatrixTensor ? `${input.channels} channels` : 'real features',
      );
    }
    return input;
  }

  /** The transported inputs of site (b, x): buf[(t G + h) Cin + i] = T_t W_{i,h}(x). */
  private transported(
    buf: Float64Array,
    s: Float64Array,
    tmp: Float64Array,
    W: MatrixTensor,
    ctx: BatchContext,
    b: number,
    x: number,
  ): void {
    const G = this.group.size;
    const Cin = this.inChannels;
    const m = W.m;
    this.terms.forEach(([mu, k], t) => {
      for (let j = 0; j < G * Cin; j++) {
        const o = (t * G * Cin + j) * m;
        if (k === 0) buf.set(W.data.subarray(W.offset(b, x, j), W.offset(b, x, j) + m), o);
        else {
          transportInto(s, tmp, W, ctx.transport, b, x, j, mu, k);
          buf.set(s, o);
        }
      }
    });
  }

  /** Index h of the input orientation paired with output orientation g by u. */
  private source(g: number, u: number): number {
    return this.mix ? this.group.compose(g, u) : g;
  }

  forward(input: Activation, ctx: BatchContext): MatrixTensor {
    const W = this.check('forward', input);
    this.input = W;
    const { batch: B, volume: V, m } = W;
    const G = this.group.size;
    const { inChannels: Cin, outChannels: Cout, S } = this;
    const T = this.terms.length;
    const w = this.weight.value;
    const out = new MatrixTensor(B, V, G * Cout, W.group);
    const buf = new Float64Array(T * G * Cin * m);
    const s = new Float64Array(m);
    const tmp = new Float64Array(m);
    for (let b = 0; b < B; b++) {
      for (let x = 0; x < V; x++) {
        this.transported(buf, s, tmp, W, ctx, b, x);
        for (let g = 0; g < G; g++) {
          const outOff = out.offset(b, x, g * Cout);
          for (let t = 0; t < T; t++) {
            const tr = this.rotated[g * T + t];
            for (let u = 0; u < S; u++) {
              const h = this.source(g, u);
              for (let i = 0; i < Cin; i++) {
                const sOff = ((tr * G + h) * Cin + i) * m;
                for (let o = 0; o < Cout; o++) {
                  addScaled(
                    out.data,
                    outOff + o * m,
                    w[((o * Cin + i) * S + u) * T + t],
                    buf,
                    sOff,
                    m,
                  );
                }
              }
            }
          }
        }
      }
    }
    return out;
  }

  backward(gradOutput: Activation, ctx: BatchContext): MatrixTensor {
    const W = this.input!;
    const Gout = gradOutput as MatrixTensor;
    const grp = W.group;
    const { batch: B, volume: V, m } = W;
    const G = this.group.size;
    const { inChannels: Cin, outChannels: Cout, S } = this;
    const T = this.terms.length;
    const w = this.weight.value;
    const gw = this.weight.grad;
    const gradIn = W.zerosLike();
    const lattice = ctx.transport.gauge.lattice;
    const buf = new Float64Array(T * G * Cin * m);
    const gbuf = new Float64Array(T * G * Cin * m);
    const tmp = new Float64Array(m);
    const s = new Float64Array(m);
    for (let b = 0; b < B; b++) {
      for (let x = 0; x < V; x++) {
        this.transported(buf, s, tmp, W, ctx, b, x);
        zeroMatrix(gbuf, gbuf.length);
        for (let g = 0; g < G; g++) {
          const gOff = Gout.offset(b, x, g * Cout);
          for (let t = 0; t < T; t++) {
            const tr = this.rotated[g * T + t];
            for (let u = 0; u < S; u++) {
              const h = this.source(g, u);
              for (let i = 0; i < Cin; i++) {
                const sOff = ((tr * G + h) * Cin + i) * m;
                for (let o = 0; o < Cout; o++) {
                  const idx = ((o * Cin + i) * S + u) * T + t;
                  gw[idx] += realInner(Gout.data, gOff + o * m, buf, sOff, m);
                  addScaled(gbuf, sOff, w[idx], Gout.data, gOff + o * m, m);
                }
              }
            }
          }
        }
        // G_W_{j}(x + t') += L^+ gbuf_{t', j} L
        this.terms.forEach(([mu, k], t) => {
          const L = k !== 0 ? ctx.transport.get(mu, k) : undefined;
          const lOff = (b * V + x) * m;
          const y = k !== 0 ? lattice.shift(x, mu, k) : x;
          for (let j = 0; j < G * Cin; j++) {
            const o = (t * G * Cin + j) * m;
            if (L === undefined) {
              addScaled(gradIn.data, gradIn.offset(b, x, j), 1, gbuf, o, m);
            } else {
              grp.adjointMultiply(tmp, 0, L, lOff, gbuf, o);
              grp.multiply(s, 0, tmp, 0, L, lOff);
              addScaled(gradIn.data, gradIn.offset(b, y, j), 1, s, 0, m);
            }
          }
        });
      }
    }
    return gradIn;
  }
}
