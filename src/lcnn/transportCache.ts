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
 * @module
 */
import type { GaugeBatch } from './tensors.js';

/** Lines by (mu, k), computed on first use by the recursion L_{k+1}(x) = U_mu(x) L_k(x+mu). */
export class TransportCache {
  private readonly lines = new Map<number, Float64Array>();

  constructor(
    /** The links of the batch. */
    readonly gauge: GaugeBatch,
  ) {}

  /** L_{mu,k} for every configuration and site: `[b][x]` matrices. k = 0 is not stored. */
  get(mu: number, k: number): Float64Array {
    const key = mu * 4096 + k + 2048;
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
