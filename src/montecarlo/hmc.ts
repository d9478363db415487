/**
 * Hybrid Monte Carlo for the pure-gauge Wilson action (Duane, Kennedy, Pendleton & Roweth,
 * Phys. Lett. B 195 (1987) 216; Gattringer & Lang, "Quantum Chromodynamics on the Lattice",
 * Springer 2010, ch. 8).
 *
 * One trajectory, for H(U, P) = K(P) + S_W(U) with K = -sum tr(P^2) = (1/2) sum (p^a)^2
 * (conventions and force in ./gaugeForce.ts, integrators in ./integrators.ts):
 *
 * 1. Momentum refresh: P_mu(x) = i sum_a p^a T^a with p^a standard normal, i.e. P drawn from
 *    exp(-K). The draws of link (x, mu) come from the Philox stream
 *    `reset(x, trajectory, DrawKind.hmcMomenta, mu, parity(x), stream)` (`randomAlgebra` with
 *    epsilon 1, which builds exactly i sum_a r_a T^a with standard normal r_a).
 * 2. Molecular dynamics: (U, P) -> (U', P') by a reversible, area-preserving integrator.
 * 3. Metropolis: accept U' with probability min(1, exp(-dH)), dH = H(U', P') - H(U, P),
 *    using one uniform u from `reset(0, trajectory, DrawKind.hmcAccept, 0, 0, stream)`:
 *    accept when u < exp(-dH). On rejection the old links are restored. (Thermalisation may
 *    skip this test for its first trajectories: `TrajectoryOptions.metropolisTest`.)
 *
 * Reversibility and area preservation make the chain satisfy detailed balance for
 * exp(-S_W) exactly, whatever the step size; the same two properties give
 * <exp(-dH)> = 1 in equilibrium (Creutz, Phys. Rev. D 38 (1988) 1228), which the tests check.
 *
 * A trajectory is thus a pure function of (seed, trajectory number, stream, field): runs are
 * reproducible bit for bit and resumable (DESIGN.md 3).
 *
 * Unitarity: the links are multiplied by exact group exponentials, so they drift from SU(N)
 * only by rounding (about 1e-16 per step). An accepted configuration is re-unitarised once
 * at the end of the trajectory (a change at the level of rounding, after the accept/reject
 * decision), so that the drift cannot accumulate over a long run.
 *
 * @module
 */
import type { GaugeField } from '../lattice/gaugeField.js';
import { wilsonAction } from '../lattice/observables/actionDensity.js';
import { randomAlgebra } from '../sun/random.js';
import type { SUNKernels } from '../sun/types.js';
import { checkInteger, checkLength, rangeError, typeError } from '../core/validate.js';
import {
  checkHmcParameters,
  createIntegratorScratch,
  integrateUnchecked,
  type HmcParameters,
} from './integrators.js';
import { DrawKind, SiteStream } from './philox.js';

export { gaugeForce } from './gaugeForce.js';
export { integrate, OMELYAN_LAMBDA, type HmcParameters, type Integrator } from './integrators.js';

/** Largest stream index: the stream takes the top 16 bits of a Philox counter word. */
const MAX_STREAM = 65535;
/** Largest trajectory number: one 32-bit Philox counter word. */
const MAX_TRAJECTORY = 4294967295;

/** What a reverse check measured: the trajectory run backwards from its end point. */
export interface ReversibilityCheck {
  /** Largest |U''(link) - U(link)| component after integrating back with -P'. */
  maxLinkDeviation: number;
  /** Largest |P'' + P| component (the momenta come back flipped). */
  maxMomentumDeviation: number;
  /** H(U'', P'') - H(U, P): the energy error of the round trip. */
  deltaH: number;
}

/** The outcome of one HMC trajectory. */
export interface TrajectoryResult {
  /** Whether the Metropolis step accepted the new configuration. */
  accepted: boolean;
  /** dH = H(U', P') - H(U, P), the energy violation of the molecular dynamics. */
  deltaH: number;
  /** Present when the trajectory ran with `reverseCheck`. */
  reversibility?: ReversibilityCheck;
}

/** Options of {@link hmcTrajectory}. */
export interface TrajectoryOptions {
  /**
   * Also integrate back from the end point with flipped momenta (on a copy: the chain is not
   * affected, no random numbers are drawn) and report the round trip in
   * {@link TrajectoryResult.reversibility}. Doubles the cost.
   */
  reverseCheck?: boolean;
  /**
   * False: accept the end point whatever dH (molecular dynamics without the Metropolis test),
   * for the first trajectories of a thermalisation far from equilibrium, as Grid's
   * `HMCparameters::NoMetropolisUntil` (Grid/qcd/hmc/HMC.h) allows. Such trajectories do not
   * sample exp(-S) exactly (their distribution is biased by O(eps^2)); they bring a cold or hot
   * start close to equilibrium, where the tested trajectories then take over. Default true.
   */
  metropolisTest?: boolean;
}

/**
 * out = momenta drawn from exp(-K): P_mu(x) = i sum_a p^a T^a with standard normal p^a, link
 * (x, mu) from the stream `reset(x, trajectory, DrawKind.hmcMomenta, mu, parity(x), stream)`.
 *
 * @param out - V*D*2N^2 doubles in the links' layout; overwritten and returned.
 * @param field - the gauge field (for its lattice and group).
 * @param seed - the run's seed, an integer in [0, 2^53).
 * @param trajectory - the trajectory number, an integer in [0, 2^32).
 * @param stream - the chain index, an integer in [0, 65535].
 * @throws RangeError or TypeError for invalid arguments.
 */
export function drawMomenta(
  out: Float64Array,
  field: GaugeField,
  seed: number,
  trajectory: number,
  stream = 0,
): Float64Array {
  checkLength('drawMomenta', 'out', out, field.links.length);
  checkCounters('drawMomenta', trajectory, stream);
  return drawMomentaUnchecked(out, field, new SiteStream(seed), trajectory, stream);
}

function drawMomentaUnchecked(
  out: Float64Array,
  field: GaugeField,
  rng: SiteStream,
  trajectory: number,
  stream: number,
): Float64Array {
  const g = field.group;
  const { volume, D, parity } = field.lattice;
  const m = g.matrixSize;
  for (let site = 0; site < volume; site++) {
    for (let mu = 0; mu < D; mu++) {
      rng.reset(site, trajectory, DrawKind.hmcMomenta, mu, parity[site], stream);
      randomAlgebra(out, (site * D + mu) * m, g, rng, 1);
    }
  }
  return out;
}

/**
 * K = -sum_{x,mu} tr(P_mu(x)^2) = (1/2) sum_{x,mu,a} (p^a)^2. For anti-hermitian P,
 * -tr(P^2) = tr(P P^+) = sum_rc |P_rc|^2, so K is the sum of squares of all components.
 *
 * @param momenta - su(N) elements, one 2N^2 block each.
 * @param g - their group (fixes the block size).
 * @throws RangeError when the length is not a multiple of 2N^2.
 */
export function kineticEnergy(momenta: Float64Array, g: SUNKernels): number {
  if (!(momenta instanceof Float64Array)) {
    throw typeError('kineticEnergy', 'momenta', 'a Float64Array', momenta);
  }
  if (momenta.length % g.matrixSize !== 0) {
    throw rangeError(
      'kineticEnergy',
      'momenta',
      `a length that is a multiple of 2N^2 = ${g.matrixSize}`,
      `length ${momenta.length}`,
    );
  }
  return sumOfSquares(momenta);
}

/**
 * H = K(P) + S_W(U) = -sum tr(P^2) + beta sum_P (1 - (1/N) Re tr U_P).
 *
 * @throws RangeError when the momenta do not match the field's links in length.
 */
export function hamiltonian(field: GaugeField, momenta: Float64Array, beta: number): number {
  checkLength('hamiltonian', 'momenta', momenta, field.links.length);
  return sumOfSquares(momenta) + wilsonAction(field, beta);
}

/**
 * One HMC trajectory: momentum refresh, molecular dynamics, Metropolis accept/reject (see
 * this module's header). Modifies `field` in place; on rejection the old links are restored
 * exactly. A pure function of (field, params, seed, trajectory, stream).
 *
 * Allocates three arrays the size of the links per trajectory (momenta, their copy, the
 * old links); the force loop itself allocates nothing.
 *
 * @param field - the gauge field, updated in place.
 * @param params - beta, tau, steps, integrator.
 * @param seed - the run's seed, an integer in [0, 2^53).
 * @param trajectory - the trajectory number (the Philox "sweep" counter), in [0, 2^32).
 * @param stream - the chain index, an integer in [0, 65535]; default 0.
 * @param options - see {@link TrajectoryOptions}.
 * @throws RangeError or TypeError for invalid arguments.
 */
export function hmcTrajectory(
  field: GaugeField,
  params: HmcParameters,
  seed: number,
  trajectory: number,
  stream = 0,
  options: TrajectoryOptions = {},
): TrajectoryResult {
  const fn = 'hmcTrajectory';
  checkHmcParameters(fn, params);
  checkCounters(fn, trajectory, stream);
  const rng = new SiteStream(seed);
  const { beta } = params;
  const g = field.group;
  const scratch = createIntegratorScratch(g);

  const momenta = drawMomentaUnchecked(
    new Float64Array(field.links.length),
    field,
    rng,
    trajectory,
    stream,
  );
  const startLinks = field.links.slice();
  const startMomenta = options.reverseCheck === true ? momenta.slice() : undefined;
  const k0 = sumOfSquares(momenta);
  const s0 = wilsonAction(field, beta);

  integrateUnchecked(field, momenta, params, scratch);
  const k1 = sumOfSquares(momenta);
  const s1 = wilsonAction(field, beta);
  // The kinetic and potential differences separately: less cancellation than H1 - H0.
  const deltaH = k1 - k0 + (s1 - s0);

  const result: TrajectoryResult = { accepted: false, deltaH };
  if (startMomenta !== undefined) {
    const back = field.clone();
    const p = momenta.slice();
    for (let k = 0; k < p.length; k++) p[k] = -p[k];
    integrateUnchecked(back, p, params, scratch);
    let linkDeviation = 0;
    let momentumDeviation = 0;
    for (let k = 0; k < p.length; k++) {
      linkDeviation = Math.max(linkDeviation, Math.abs(back.links[k] - startLinks[k]));
      momentumDeviation = Math.max(momentumDeviation, Math.abs(p[k] + startMomenta[k]));
    }
    result.reversibility = {
      maxLinkDeviation: linkDeviation,
      maxMomentumDeviation: momentumDeviation,
      deltaH: sumOfSquares(p) - k0 + (wilsonAction(back, beta) - s0),
    };
  }

  const u = rng.reset(0, trajectory, DrawKind.hmcAccept, 0, 0, stream).uniform();
  // u in (0, 1): dH <= 0 always accepts; a NaN dH (a blown-up trajectory) always rejects,
  // also without the Metropolis test (the links would not be finite).
  result.accepted =
    options.metropolisTest === false ? Number.isFinite(deltaH) : u < Math.exp(-deltaH);
  if (result.accepted) field.reunitarize();
  else field.links.set(startLinks);
  return result;
}

function sumOfSquares(a: Float64Array): number {
  let s0 = 0;
  let s1 = 0;
  let k = 0;
  for (; k + 1 < a.length; k += 2) {
    s0 += a[k] * a[k];
    s1 += a[k + 1] * a[k + 1];
  }
  if (k < a.length) s0 += a[k] * a[k];
  return s0 + s1;
}

function checkCounters(fn: string, trajectory: number, stream: number): void {
  checkInteger(fn, 'trajectory', trajectory, 0, MAX_TRAJECTORY);
  checkInteger(fn, 'stream', stream, 0, MAX_STREAM);
}
