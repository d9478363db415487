/**
 * Action and energy densities.
 *
 * Wilson action (Wilson, Phys. Rev. D 10 (1974) 2445; DESIGN.md 2):
 *     S = beta sum_x s(x),   s(x) = sum_{mu<nu} (1 - (1/N) Re tr U_mu,nu(x)).
 * Clover energy density (Luescher, JHEP 08 (2010) 071, sec. 3, the quantity whose flow
 * t^2 <E> sets the scale t0): with hermitian G, E = (1/2) sum_{mu,nu} tr(G_mu,nu G_mu,nu);
 * with the anti-hermitian clover F of ./clover.ts (F = i G),
 *     E(x) = - sum_{mu<nu} tr(F_mu,nu(x) F_mu,nu(x)).
 *
 * @module
 */
import type { SUNKernels } from '../../sun/types.js';
import type { GaugeField } from '../gaugeField.js';
import { cloverField } from './clover.js';
import { sitePlaquette } from './plaquette.js';
import { planes } from './planes.js';

/** s(x) = sum over planes of (1 - (1/N) Re tr U_P(x)): 0 on a cold start. */
export function wilsonActionDensity(field: GaugeField): Float64Array {
  const nPlanes = planes(field.lattice.D).length;
  const p = sitePlaquette(field);
  for (let x = 0; x < p.length; x++) p[x] = nPlanes * (1 - p[x]);
  return p;
}

/** S = beta sum_x s(x), the Wilson gauge action. */
export function wilsonAction(field: GaugeField, beta: number): number {
  const s = wilsonActionDensity(field);
  let sum = 0;
  for (let x = 0; x < s.length; x++) sum += s[x];
  return beta * sum;
}

/**
 * E(x) = -sum_{mu<nu} Re tr(F_mu,nu F_mu,nu) from the `nPlanes` clover matrices of one site
 * stored one after the other from F[fOff] (the layout of cloverAt in ./clover.ts): the per-site
 * kernel of {@link cloverEnergyDensity}.
 */
export function cloverEnergyAt(
  F: Float64Array,
  fOff: number,
  g: SUNKernels,
  nPlanes: number,
): number {
  const m = g.matrixSize;
  let e = 0;
  for (let p = 0; p < nPlanes; p++) e -= g.reTraceMultiply(F, fOff + p * m, F, fOff + p * m);
  return e;
}

/** E(x) = -sum_{mu<nu} Re tr(F_mu,nu F_mu,nu) with the clover F: non-negative. */
export function cloverEnergyDensity(field: GaugeField): Float64Array {
  const F = cloverField(field);
  const out = new Float64Array(field.lattice.volume);
  for (let x = 0; x < out.length; x++) {
    out[x] = cloverEnergyAt(F.data, F.offset(x, 0), field.group, F.components);
  }
  return out;
}
