/**
 * Topological charge of a 4D gauge field, clover discretisation.
 *
 * Continuum: q(x) = (g^2 / 32 pi^2) eps_{mu nu rho sigma} tr(F_mu,nu F_rho,sigma) with hermitian
 * F = F^a T^a, tr(T^a T^b) = delta_ab / 2, and Q = integral of q is an integer (the instanton
 * number). With the anti-hermitian lattice clover F of ./clover.ts (F = i a^2 g F_cont), the sum
 * over eps gives 8 terms per pairing, and
 *
 *     q(x) = -(1 / 4 pi^2) Re[ tr(F_01 F_23) - tr(F_02 F_13) + tr(F_03 F_12) ],
 *
 * with eps_0123 = +1 in the axis order x, y, z, t of the lattice (DESIGN.md 2). Q = sum_x q(x)
 * approaches an integer for smooth fields (the tests check the exact lattice value for an
 * abelian field of quantised flux, whose continuum charge is 2 n_01 n_23 in SU(2)) and flips
 * sign under a reflection of one axis.
 *
 * @module
 */
import { rangeError } from '../../core/validate.js';
import type { GaugeField } from '../gaugeField.js';
import { cloverField } from './clover.js';
import { planeIndex } from './planes.js';

/** The density q(x) at every site. @throws RangeError unless D = 4. */
export function topologicalChargeDensity(field: GaugeField): Float64Array {
  const D = field.lattice.D;
  if (D !== 4) {
    throw rangeError('topologicalChargeDensity', 'field', 'a 4-dimensional field', `D = ${D}`);
  }
  const F = cloverField(field);
  const g = field.group;
  const p01 = planeIndex(4, 0, 1);
  const p23 = planeIndex(4, 2, 3);
  const p02 = planeIndex(4, 0, 2);
  const p13 = planeIndex(4, 1, 3);
  const p03 = planeIndex(4, 0, 3);
  const p12 = planeIndex(4, 1, 2);
  const norm = -1 / (4 * Math.PI * Math.PI);
  const out = new Float64Array(field.lattice.volume);
  for (let x = 0; x < out.length; x++) {
    const t =
      g.reTraceMultiply(F.data, F.offset(x, p01), F.data, F.offset(x, p23)) -
      g.reTraceMultiply(F.data, F.offset(x, p02), F.data, F.offset(x, p13)) +
      g.reTraceMultiply(F.data, F.offset(x, p03), F.data, F.offset(x, p12));
    out[x] = norm * t;
  }
  return out;
}

/** Q = sum_x q(x). @throws RangeError unless D = 4. */
export function topologicalCharge(field: GaugeField): number {
  const q = topologicalChargeDensity(field);
  let sum = 0;
  for (let x = 0; x < q.length; x++) sum += q[x];
  return sum;
}
