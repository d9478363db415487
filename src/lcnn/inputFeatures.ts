/**
 * The input layer of an L-CNN (Favoni, Ipp, Mueller, Schuh, PRL 128 (2022) 032003): the
 * locally transforming matrices computed from the links, here the plaquettes
 * U_mu,nu(x) of every plane mu < nu (order of src/lattice/observables/planes.ts) and,
 * optionally, larger rectangular Wilson loops W_mu,nu(R x T)(x) (for every plane, both
 * orientations when R != T; the formula of src/lattice/observables/wilsonLoops.ts) and the
 * Polyakov loop along the last axis. Each transforms as Omega(x) . Omega(x)^+.
 *
 * @module
 */
import { planes } from '../lattice/observables/planes.js';
import { MatrixTensor, type GaugeBatch } from './tensors.js';
import type { TransportCache } from './transportCache.js';

/** What the input layer provides. */
export interface InputSpec {
  /** Add the Polyakov loop along the last axis as a channel. */
  polyakov?: boolean;
  /** Add the Wilson loops R x T (and T x R) of every plane, e.g. [[1, 2], [2, 2]]. */
  loops?: Array<[number, number]>;
}

/** The (mu, nu, R, T) of the extra Wilson-loop channels, in channel order. */
function loopChannels(D: number, spec: InputSpec): Array<[number, number, number, number]> {
  const out: Array<[number, number, number, number]> = [];
  for (const [R, T] of spec.loops ?? []) {
    for (const [mu, nu] of planes(D)) {
      out.push([mu, nu, R, T]);
      if (R !== T) out.push([mu, nu, T, R]);
    }
  }
  return out;
}

/** Number of input channels for D dimensions. */
export function inputChannels(D: number, spec: InputSpec = {}): number {
  return (D * (D - 1)) / 2 + loopChannels(D, spec).length + (spec.polyakov ? 1 : 0);
}

/** The input channels of a batch. */
export function inputFeatures(
  gauge: GaugeBatch,
  transport: TransportCache,
  spec: InputSpec = {},
): MatrixTensor {
  const { lattice, group: g, batch } = gauge;
  const { volume: V, D, up } = lattice;
  const m = g.matrixSize;
  const P = planes(D);
  const C = inputChannels(D, spec);
  const out = new MatrixTensor(batch, V, C, g);
  const a = new Float64Array(m);
  const c = new Float64Array(m);
  const U = gauge.links;
  for (let b = 0; b < batch; b++) {
    for (let x = 0; x < V; x++) {
      P.forEach(([mu, nu], p) => {
        // U_mu,nu(x) = [U_mu(x) U_nu(x+mu)] [U_nu(x) U_mu(x+nu)]^+
        g.multiply(a, 0, U, gauge.offset(b, x, mu), U, gauge.offset(b, up[x * D + mu], nu));
        g.multiply(c, 0, U, gauge.offset(b, x, nu), U, gauge.offset(b, up[x * D + nu], mu));
        g.multiplyAdjoint(out.data, out.offset(b, x, p), a, 0, c, 0);
      });
    }
  }
  // W_mu,nu(R x T)(x) = L_mu^R(x) L_nu^T(x + R mu) [L_nu^T(x) L_mu^R(x + T nu)]^+
  const loops = loopChannels(D, spec);
  loops.forEach(([mu, nu, R, T], k) => {
    const Lmu = transport.get(mu, R);
    const Lnu = transport.get(nu, T);
    for (let b = 0; b < batch; b++) {
      for (let x = 0; x < V; x++) {
        g.multiply(a, 0, Lmu, (b * V + x) * m, Lnu, (b * V + lattice.shift(x, mu, R)) * m);
        g.multiply(c, 0, Lnu, (b * V + x) * m, Lmu, (b * V + lattice.shift(x, nu, T)) * m);
        g.multiplyAdjoint(out.data, out.offset(b, x, P.length + k), a, 0, c, 0);
      }
    }
  });
  if (spec.polyakov) {
    const T = D - 1;
    const line = transport.get(T, lattice.dims[T]);
    for (let b = 0; b < batch; b++) {
      for (let x = 0; x < V; x++) g.copy(out.data, out.offset(b, x, C - 1), line, (b * V + x) * m);
    }
  }
  return out;
}
