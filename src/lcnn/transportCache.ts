/**
 * Straight Wilson lines of a batch, built once per batch and shared by every L-Conv layer:
 *
 *     L_{mu,k}(x) = U_mu(x) U_mu(x+mu) ... U_mu(x+(k-1)mu)        (k > 0)
 *     L_{mu,k}(x) = U_mu(x-mu)^+ U_mu(x-2mu)^+ ... U_mu(x+k mu)^+  (k < 0)
 *
 * so that T_{mu,k} W (x) = L_{mu,k}(x) W(x + k mu) L_{mu,k}(x)^+ transports a locally
 * transforming W from x + k mu to x (Favoni et al., PRL 128 (2022) 032003, eq. (5); the
 * same lines as src/lattice/transport.ts `straightLines`, batched).
 *
 * After an L-Exp layer (./layers/lexp.ts) the links are activations: a cache made with
 * `differentiable` collects dL/dL_{mu,k} from the layers that transport with it and turns them
 * into dL/dU by walking the recursion backwards (the links' conjugate gradients, as in
 * ./tensors.ts):
 *
 *     L_{k+1}(x) = U(x) L_k(x+mu):        G_U(x) += G_{k+1}(x) L_k(x+mu)^+,
 *                                          G_{L_k}(x+mu) += U(x)^+ G_{k+1}(x)
 *     L_{-(k+1)}(x) = U(y)^+ L_{-k}(y):   G_U(y) += L_{-k}(y) G_{-(k+1)}(x)^+,
 *                                          G_{L_{-k}}(y) += U(y) G_{-(k+1)}(x),  y = x - mu
 *
 * @module
 */
import type { GaugeBatch } from './tensors.js';

const keyOf = (mu: number, k: number): number => mu * 4096 + k + 2048;

/** Lines by (mu, k), computed on first use by the recursion L_{k+1}(x) = U_mu(x) L_k(x+mu). */
export class TransportCache {
  private readonly lines = new Map<number, Float64Array>();
  private readonly lineGrads = new Map<number, Float64Array>();
  /** dL/dU accumulated directly (by a later L-Exp that multiplies these links). */
  readonly linkGrad: Float64Array | undefined;

  constructor(
    /** The links of the batch. */
    readonly gauge: GaugeBatch,
    /** Collect gradients with respect to the lines and links (links after an L-Exp). */
    readonly differentiable = false,
  ) {
    this.linkGrad = differentiable ? new Float64Array(gauge.links.length) : undefined;
  }

  /**
   * The array that accumulates dL/dL_{mu,k} (same layout as {@link TransportCache.get}), or
   * undefined when the links are data.
   */
  gradient(mu: number, k: number): Float64Array | undefined {
    if (!this.differentiable) return undefined;
    const key = keyOf(mu, k);
    let grad = this.lineGrads.get(key);
    if (grad === undefined) {
      grad = new Float64Array(this.get(mu, k).length);
      this.lineGrads.set(key, grad);
    }
    return grad;
  }

  /** dL/dU: the direct link gradient plus the lines' gradients carried back to the links. */
  linkGradient(): Float64Array {
    if (this.linkGrad === undefined) {
      throw new Error('TransportCache.linkGradient: the cache was not made differentiable');
    }
    const { lattice, group: g, batch } = this.gauge;
    const { volume: V, D, down } = lattice;
    const m = g.matrixSize;
    const U = this.gauge.links;
    const out = Float64Array.from(this.linkGrad);
    const tmp = new Float64Array(m);
    // every shorter line of a line with a gradient gets one too; then longest lines first, so
    // that each passes its whole gradient on to the next shorter one
    for (const key of [...this.lineGrads.keys()]) {
      const mu = Math.floor(key / 4096);
      const k = (key % 4096) - 2048;
      for (let j = Math.abs(k) - 1; j >= 1; j--) this.gradient(mu, Math.sign(k) * j);
    }
    const keys = [...this.lineGrads.keys()].sort(
      (a, b) => Math.abs((b % 4096) - 2048) - Math.abs((a % 4096) - 2048),
    );
    for (const key of keys) {
      const mu = Math.floor(key / 4096);
      const k = (key % 4096) - 2048;
      const G = this.lineGrads.get(key)!;
      const step = k > 0 ? 1 : -1;
      const shorter = Math.abs(k) > 1 ? this.get(mu, k - step) : undefined;
      const gShorter = Math.abs(k) > 1 ? this.gradient(mu, k - step)! : undefined;
      for (let b = 0; b < batch; b++) {
        const base = b * this.gauge.stride;
        for (let x = 0; x < V; x++) {
          const o = (b * V + x) * m;
          if (k > 0) {
            const u = base + (x * D + mu) * m;
            const y = lattice.up[x * D + mu];
            if (shorter === undefined) {
              for (let j = 0; j < m; j++) out[u + j] += G[o + j];
            } else {
              g.multiplyAdjoint(tmp, 0, G, o, shorter, (b * V + y) * m);
              for (let j = 0; j < m; j++) out[u + j] += tmp[j];
              g.adjointMultiply(tmp, 0, U, u, G, o);
              for (let j = 0; j < m; j++) gShorter![(b * V + y) * m + j] += tmp[j];
            }
          } else {
            const y = down[x * D + mu];
            const u = base + (y * D + mu) * m;
            if (shorter === undefined) {
              // L_{-1}(x) = U(y)^+: G_U(y) += G^+
              g.adjoint(tmp, 0, G, o);
            } else {
              g.multiplyAdjoint(tmp, 0, shorter, (b * V + y) * m, G, o);
            }
            for (let j = 0; j < m; j++) out[u + j] += tmp[j];
            if (shorter !== undefined) {
              g.multiply(tmp, 0, U, u, G, o);
              for (let j = 0; j < m; j++) gShorter![(b * V + y) * m + j] += tmp[j];
            }
          }
        }
      }
    }
    return out;
  }

  /** L_{mu,k} for every configuration and site: `[b][x]` matrices. k = 0 is not stored. */
  get(mu: number, k: number): Float64Array {
    const key = keyOf(mu, k);
    let line = this.lines.get(key);
    if (line !== undefined) return line;
    const { lattice, group: g, batch } = this.gauge;
    const { volume: V, D, up, down } = lattice;
    const m = g.matrixSize;
    const U = this.gauge.links;
    line = new Float64Array(batch * V * m);
    const step = k > 0 ? 1 : -1;
    const previous = Math.abs(k) > 1 ? this.get(mu, k - step) : undefined;
    for (let b = 0; b < batch; b++) {
      const base = b * this.gauge.stride;
      for (let x = 0; x < V; x++) {
        const o = (b * V + x) * m;
        if (k > 0) {
          const y = up[x * D + mu];
          if (previous === undefined) g.copy(line, o, U, base + (x * D + mu) * m);
          else g.multiply(line, o, U, base + (x * D + mu) * m, previous, (b * V + y) * m);
        } else {
          const y = down[x * D + mu];
          if (previous === undefined) g.adjoint(line, o, U, base + (y * D + mu) * m);
          else g.adjointMultiply(line, o, U, base + (y * D + mu) * m, previous, (b * V + y) * m);
        }
      }
    }
    this.lines.set(key, line);
    return line;
  }
}
