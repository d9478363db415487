/**
 * Molecular-dynamics integrators for Hybrid Monte Carlo: reversible, area-preserving
 * (symplectic) maps of (U, P) that approximate the flow of H = K + S_W over a trajectory
 * of length tau in n steps of size eps = tau / n (conventions and force in ./gaugeForce.ts).
 *
 * Elementary maps, with F = -(beta/(2N)) Pi(U A) (./gaugeForce.ts):
 *
 *     P(h): P -> P + h F(U)           Q(h): U -> exp(h P) U   (link by link)
 *
 * exp is the group's exponential of su(N) (closed forms for N = 2, Morningstar-Peardon for
 * N = 3, scaled Taylor for general N, src/sun), so U stays in SU(N) to rounding; each Q(h) is
 * undone exactly by Q(-h) up to rounding, which is what makes the map reversible.
 *
 * - leapfrog (PQP form): P(eps/2) Q(eps) P(eps/2) per step. Energy violation
 *   dH = O(eps^2) over a fixed tau.
 * - omelyan: the second-order minimum-norm integrator 2MN of Omelyan, Mryglod & Folk,
 *   Comput. Phys. Commun. 151 (2003) 272, in the form used for lattice QCD by Takaishi &
 *   de Forcrand, Phys. Rev. E 73 (2006) 036706:
 *       P(lambda eps) Q(eps/2) P((1 - 2 lambda) eps) Q(eps/2) P(lambda eps),
 *   lambda = 1/2 - (2 sqrt(326) + 36)^(1/3) / 12 + 1 / (6 (2 sqrt(326) + 36)^(1/3))
 *          = 0.1931833275037836,
 *   the value that minimises the norm of the O(eps^2) error terms of the shadow Hamiltonian.
 *   Still dH = O(eps^2), with a much smaller coefficient than leapfrog, at two force
 *   evaluations per step.
 *
 * Both are palindromes, so they are time-reversible: integrating, flipping P -> -P and
 * integrating again returns to the start (tested to 1e-12). Consecutive P steps of
 * neighbouring steps are merged (leapfrog: n + 1 force evaluations per trajectory, omelyan:
 * 2n + 1); the merged sequence is still a palindrome.
 *
 * @module
 */
import type { GaugeField } from '../lattice/gaugeField.js';
import type { SUNKernels } from '../sun/types.js';
import { checkInteger, checkLength, rangeError, typeError } from '../core/validate.js';
import { addGaugeForce, createForceScratch, type ForceScratch } from './gaugeForce.js';

/** The molecular-dynamics integrators: `leapfrog` (PQP) and `omelyan` (2MN, PQPQP). */
export type Integrator = 'leapfrog' | 'omelyan';

/** The parameters of an HMC trajectory. */
export interface HmcParameters {
  /** The coupling of the Wilson action. */
  beta: number;
  /** Trajectory length tau > 0 in molecular-dynamics time. */
  tau: number;
  /** Number of integrator steps n >= 1; the step size is eps = tau / n. */
  steps: number;
  /** Which integrator. */
  integrator: Integrator;
}

/**
 * Omelyan's lambda for the 2MN integrator, 1/2 - (2 sqrt(326) + 36)^(1/3) / 12 +
 * 1 / (6 (2 sqrt(326) + 36)^(1/3)) (Omelyan, Mryglod & Folk 2003; Takaishi & de Forcrand 2006).
 */
export const OMELYAN_LAMBDA = 0.1931833275037836;

/** Scratch space of the integrators: allocate once (per trajectory) and reuse. */
export interface IntegratorScratch {
  /** Scratch of the force loop. */
  readonly force: ForceScratch;
  /** One matrix: h P, then exp(h P). */
  readonly step: Float64Array;
}

/** Scratch space of the integrators for group `g`. */
export function createIntegratorScratch(g: SUNKernels): IntegratorScratch {
  return { force: createForceScratch(g), step: new Float64Array(g.matrixSize) };
}

/**
 * Molecular dynamics only: evolves (U, P) in place over one trajectory with the chosen
 * integrator (no momentum refresh, no accept/reject). For reversibility and energy tests,
 * and the core of `hmcTrajectory` (./hmc.ts).
 *
 * @param field - the links U, updated in place.
 * @param momenta - P in the links' layout (su(N) elements), updated in place.
 * @param params - beta, tau, steps and integrator.
 * @param scratch - optional reusable scratch from {@link createIntegratorScratch}.
 * @throws RangeError or TypeError for invalid parameters or a momentum array of the wrong
 *   length.
 */
export function integrate(
  field: GaugeField,
  momenta: Float64Array,
  params: HmcParameters,
  scratch?: IntegratorScratch,
): void {
  checkHmcParameters('integrate', params);
  checkLength('integrate', 'momenta', momenta, field.links.length);
  integrateUnchecked(field, momenta, params, scratch ?? createIntegratorScratch(field.group));
}

/** {@link integrate} without validation (parameters already checked by the caller). */
export function integrateUnchecked(
  field: GaugeField,
  momenta: Float64Array,
  params: HmcParameters,
  scratch: IntegratorScratch,
): void {
  const { beta, tau, steps, integrator } = params;
  const eps = tau / steps;
  const f = scratch.force;
  if (integrator === 'leapfrog') {
    addGaugeForce(momenta, field, beta, eps / 2, f);
    for (let i = 0; i < steps; i++) {
      updateLinks(field, momenta, eps, scratch.step);
      addGaugeForce(momenta, field, beta, i === steps - 1 ? eps / 2 : eps, f);
    }
  } else {
    const lambda = OMELYAN_LAMBDA;
    addGaugeForce(momenta, field, beta, lambda * eps, f);
    for (let i = 0; i < steps; i++) {
      updateLinks(field, momenta, eps / 2, scratch.step);
      addGaugeForce(momenta, field, beta, (1 - 2 * lambda) * eps, f);
      updateLinks(field, momenta, eps / 2, scratch.step);
      addGaugeForce(momenta, field, beta, (i === steps - 1 ? 1 : 2) * lambda * eps, f);
    }
  }
}

/** Q(h): U_mu(x) -> exp(h P_mu(x)) U_mu(x) for every link. `step` holds one matrix. */
function updateLinks(
  field: GaugeField,
  momenta: Float64Array,
  h: number,
  step: Float64Array,
): void {
  const g = field.group;
  const U = field.links;
  const m = g.matrixSize;
  for (let off = 0; off < U.length; off += m) {
    for (let k = 0; k < m; k++) step[k] = h * momenta[off + k];
    g.exp(step, 0, step, 0);
    g.multiply(U, off, step, 0, U, off);
  }
}

/** Validates HMC parameters at the public edge (STYLE.md 4). */
export function checkHmcParameters(fn: string, params: HmcParameters): void {
  if (params === null || typeof params !== 'object') {
    throw typeError(fn, 'params', 'an object { beta, tau, steps, integrator }', params);
  }
  const { beta, tau, steps, integrator } = params;
  if (typeof beta !== 'number' || !Number.isFinite(beta)) {
    throw rangeError(fn, 'params.beta', 'a finite number', beta);
  }
  if (typeof tau !== 'number' || !Number.isFinite(tau) || tau <= 0) {
    throw rangeError(fn, 'params.tau', 'a finite number > 0', tau);
  }
  checkInteger(fn, 'params.steps', steps, 1);
  if (integrator !== 'leapfrog' && integrator !== 'omelyan') {
    throw rangeError(fn, 'params.integrator', "'leapfrog' or 'omelyan'", integrator);
  }
}
