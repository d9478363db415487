/**
 * Topological charge density of a 4D gauge field, in two discretisations.
 *
 * Continuum: q(x) = (g^2 / 32 pi^2) eps_{mu nu rho sigma} tr(F_mu,nu F_rho,sigma) with hermitian
 * F = F^a T^a, tr(T^a T^b) = delta_ab / 2, and Q = integral of q is an integer (the instanton
 * number). With an anti-hermitian lattice F (F = i a^2 g F_cont), the sum over eps gives 8
 * terms per pairing, and
 *
 *     q(x) = -(1 / 4 pi^2) Re[ tr(F_01 F_23) - tr(F_02 F_13) + tr(F_03 F_12) ],
 *
 * with eps_0123 = +1 in the axis order x, y, z, t of the lattice (DESIGN.md 2).
 *
 * - Clover (`topologicalChargeDensity`): F the clover field of ./clover.ts, the average of the
 *   four leaves around x. Q = sum_x q(x) approaches an integer for smooth fields (the tests
 *   check the exact lattice value for an abelian field of quantised flux, whose continuum
 *   charge is 2 n_01 n_23 in SU(2)) and flips sign under a reflection of one axis.
 * - Plaquette (`plaquetteChargeDensity`, "QP" of the L-CNN paper, Favoni, Ipp, Mueller, Schuh,
 *   PRL 128 (2022) 032003): F_mu,nu(x) = [U_mu,nu(x)]_ah, the traceless anti-hermitian part
 *   (U - U^+)/2 - tr(U - U^+)/(2N) of the single plaquette at x (the "imaginary part" of the
 *   reference code lge-cnn, `ym/core.py` mode 0; for SU(2) (U - U^+)/2). The reference sums the
 *   same three pairings and divides by 4 pi^2 with the opposite sign, on lattices stored
 *   (t, x, y, z); the cyclic relabelling (t, x, y, z) -> (x, y, z, t) is an odd permutation,
 *   so on the same configurations both give the same numbers.
 *
 * @module
 */
import { rangeError } from '../../core/validate.js';
import type { GaugeField } from '../gaugeField.js';
import { MatrixField } from '../matrixField.js';
import type { SUNKernels } from '../../sun/types.js';
import { cloverField } from './clover.js';
import { planeIndex } from './planes.js';
import { plaquetteField } from './plaquette.js';

const P01 = planeIndex(4, 0, 1);
const P23 = planeIndex(4, 2, 3);
const P02 = planeIndex(4, 0, 2);
const P13 = planeIndex(4, 1, 3);
const P03 = planeIndex(4, 0, 3);
const P12 = planeIndex(4, 1, 2);
const CHARGE_NORM = -1 / (4 * Math.PI * Math.PI);

/**
 * q(x) from the six clover matrices of one 4D site stored one after the other from F[fOff],
 * in the plane order of planes(4) (the layout of cloverAt in ./clover.ts): the per-site kernel
 * of the flow's measurements. Unchecked: the caller ensures D = 4.
 */
export function chargeDensityAt(F: Float64Array, fOff: number, g: SUNKernels): number {
  const m = g.matrixSize;
  const t =
    g.reTraceMultiply(F, fOff + P01 * m, F, fOff + P23 * m) -
    g.reTraceMultiply(F, fOff + P02 * m, F, fOff + P13 * m) +
    g.reTraceMultiply(F, fOff + P03 * m, F, fOff + P12 * m);
  return CHARGE_NORM * t;
}

/** q(x) from anti-hermitian F_mu,nu(x) (one component per plane), the formula above. */
function chargeDensity(field: GaugeField, F: MatrixField): Float64Array {
  const g = field.group;
  const out = new Float64Array(field.lattice.volume);
  for (let x = 0; x < out.length; x++) {
    const t =
      g.reTraceMultiply(F.data, F.offset(x, P01), F.data, F.offset(x, P23)) -
      g.reTraceMultiply(F.data, F.offset(x, P02), F.data, F.offset(x, P13)) +
      g.reTraceMultiply(F.data, F.offset(x, P03), F.data, F.offset(x, P12));
    out[x] = CHARGE_NORM * t;
  }
  return out;
}

function check4D(fn: string, field: GaugeField): void {
  const D = field.lattice.D;
  if (D !== 4) throw rangeError(fn, 'field', 'a 4-dimensional field', `D = ${D}`);
}

/** The clover density q(x) at every site. @throws RangeError unless D = 4. */
export function topologicalChargeDensity(field: GaugeField): Float64Array {
  check4D('topologicalChargeDensity', field);
  return chargeDensity(field, cloverField(field));
}

/**
 * The plaquette density q_P(x) at every site (F the traceless anti-hermitian part of the
 * plaquette at x). @throws RangeError unless D = 4.
 */
export function plaquetteChargeDensity(field: GaugeField): Float64Array {
  check4D('plaquetteChargeDensity', field);
  const F = plaquetteField(field);
  const g = field.group;
  for (let c = 0; c < F.data.length; c += g.matrixSize) g.projectAlgebra(F.data, c, F.data, c);
  return chargeDensity(field, F);
}

/** Q = sum_x q(x). @throws RangeError unless D = 4. */
export function topologicalCharge(field: GaugeField): number {
  const q = topologicalChargeDensity(field);
  let sum = 0;
  for (let x = 0; x < q.length; x++) sum += q[x];
  return sum;
}
