/**
 * The molecular-dynamics force of the Wilson gauge action, for Hybrid Monte Carlo
 * (Duane, Kennedy, Pendleton & Roweth, Phys. Lett. B 195 (1987) 216; for gauge fields see
 * Gattringer & Lang, "Quantum Chromodynamics on the Lattice", Springer 2010, ch. 8, and
 * Kennedy, "Algorithms for dynamical fermions", hep-lat/0607038).
 *
 * Conventions (shared with ./integrators.ts and ./hmc.ts):
 *
 * - Momenta: one P_mu(x) in su(N) per link, P = i sum_a p^a T^a with T^a hermitian,
 *   tr(T^a T^b) = delta_ab / 2 (src/sun/generators.ts). Layout: exactly that of the links
 *   (src/lattice/gaugeField.ts), one 2N^2 block per (site, mu).
 * - Kinetic energy: K = -sum_{x,mu} tr(P_mu(x)^2) = (1/2) sum_{x,mu,a} (p^a)^2, since
 *   tr(P^2) = -p^a p^b tr(T^a T^b). So exp(-K) makes every p^a a standard normal.
 * - H = K + S_W, S_W = beta sum_P (1 - (1/N) Re tr U_P) (DESIGN.md 2).
 * - Equations of motion: dU_mu(x)/dt = P_mu(x) U_mu(x), dP_mu(x)/dt = F_mu(x).
 *
 * The force follows from dH/dt = 0. With the staple A of ../lattice/staple.ts, the part of S_W that
 * holds U = U_mu(x) is S_loc = -(beta/N) Re tr(U A), so dS_W/dt = -(beta/N) sum Re tr(P U A),
 * and dK/dt = -2 sum tr(P dP/dt). For P in su(N) and any matrix M,
 * Re tr(P M) = tr(P Pi(M)) with Pi(M) = (M - M^+)/2 - tr(M - M^+)/(2N) the projection onto
 * su(N) (`projectAlgebra`): the hermitian part of M gives an imaginary trace, the trace part
 * a zero one. Hence dH/dt = -sum tr(P [2 dP/dt + (beta/N) Pi(U A)]), which vanishes for
 * every P exactly when
 *
 *     F_mu(x) = -(beta / (2N)) Pi(U_mu(x) A_mu(x)).
 *
 * Equivalently, in coordinates: with U -> exp(i omega^a T^a) U, dp^a/dt = -dS_W/domega^a,
 * and for any X in su(N), d/dt S_W(exp(t X) U)|_0 = 2 tr(X F) (both tested).
 *
 * @module
 */
import type { GaugeField } from '../lattice/gaugeField.js';
import type { SUNKernels } from '../sun/types.js';
import { checkLength, rangeError, typeError } from '../core/validate.js';
import { staple } from '../lattice/staple.js';

/** Scratch space of the force loop: allocate once (per trajectory) and reuse. */
export interface ForceScratch {
  /** One matrix: the staple A, then U A and its projection. */
  readonly staple: Float64Array;
  /** Two matrices of scratch for {@link staple}. */
  readonly tmp: Float64Array;
}

/** Scratch space of the force loop for group `g`. */
export function createForceScratch(g: SUNKernels): ForceScratch {
  return {
    staple: new Float64Array(g.matrixSize),
    tmp: new Float64Array(2 * g.matrixSize),
  };
}

/**
 * out = F, the force dP/dt = -(beta/(2N)) Pi(U A) of every link, in the links' layout (see
 * this module's header for the convention and derivation).
 *
 * @param out - V*D*2N^2 doubles; overwritten and returned.
 * @param field - the gauge field U.
 * @param beta - the coupling of the Wilson action.
 * @param scratch - optional reusable scratch from {@link createForceScratch}.
 * @throws RangeError when `out` has the wrong length or beta is not finite.
 */
export function gaugeForce(
  out: Float64Array,
  field: GaugeField,
  beta: number,
  scratch?: ForceScratch,
): Float64Array {
  checkLength('gaugeForce', 'out', out, field.links.length);
  if (typeof beta !== 'number') throw typeError('gaugeForce', 'beta', 'a number', beta);
  if (!Number.isFinite(beta)) throw rangeError('gaugeForce', 'beta', 'a finite number', beta);
  out.fill(0);
  return addGaugeForce(out, field, beta, 1, scratch ?? createForceScratch(field.group));
}

/**
 * momenta += h F(U) for every link: the momentum step of the integrators, with the force
 * computed link by link and never stored (unchecked core of {@link gaugeForce}).
 * Per link: the staple (4(D-1) products), U A, the projection, one axpy.
 */
export function addGaugeForce(
  momenta: Float64Array,
  field: GaugeField,
  beta: number,
  h: number,
  scratch: ForceScratch,
): Float64Array {
  const g = field.group;
  const U = field.links;
  const { volume, D } = field.lattice;
  const m = g.matrixSize;
  const A = scratch.staple;
  const tmp = scratch.tmp;
  const c = -(h * beta) / (2 * g.N);
  for (let site = 0; site < volume; site++) {
    for (let mu = 0; mu < D; mu++) {
      const off = (site * D + mu) * m;
      staple(A, 0, field, site, mu, tmp);
      g.multiply(A, 0, U, off, A, 0);
      g.projectAlgebra(A, 0, A, 0);
      g.axpy(momenta, off, c, A, 0);
    }
  }
  return momenta;
}
