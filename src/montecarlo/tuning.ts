/**
 * Tuning the step size of Metropolis and the number of HMC integration steps during
 * thermalisation (`'auto'` in a run's specification), so that a chain moves whatever the group,
 * the coupling and the volume. The run tunes in blocks of {@link TUNING_BLOCK} steps over the
 * first half of its thermalisation (after the HMC warm-up), then keeps the last values fixed:
 * the second half of thermalisation and all saved configurations come from one Markov chain
 * with fixed parameters, which is what detailed balance needs. Every rule is a pure function of
 * the block's statistics, so a tuned run stays a pure function of its specification.
 *
 * HMC: the acceptance of HMC in equilibrium is P_acc = erfc(sqrt(<dH>) / 2) (Gupta, Irbaeck,
 * Karsch, Petersson, Phys. Lett. B 242 (1990) 437), and for a second-order integrator
 * at fixed trajectory length <dH> grows as eps^4 = (tau/n)^4 and in proportion to the number
 * of degrees of freedom (ibid.; Creutz, Phys. Rev. D 38 (1988) 1228). So n' = n (<dH> /
 * <dH>_target)^(1/4) moves <dH> to its target in one block, where <dH>_target =
 * (2 erfc^-1(P_target))^2. <dH> is estimated from the block's mean of dH^2: in equilibrium
 * dH is Gaussian with variance 2 <dH> (the identity <exp(-dH)> = 1), so
 * <dH^2> = 2 <dH> + <dH>^2 and <dH> = sqrt(1 + <dH^2>) - 1, a better estimate than the mean of
 * dH itself from ten trajectories.
 *
 * Metropolis: eps' = eps * (acceptance / target), the change limited to a factor of 2 per
 * block (the acceptance falls monotonically with eps; a geometric approach from either side).
 *
 * @module
 */

/** Steps (sweeps or trajectories) per tuning block. */
export const TUNING_BLOCK = 10;
/** The acceptance HMC's tuning aims at. */
export const HMC_TARGET_ACCEPTANCE = 0.85;
/** The acceptance Metropolis's tuning aims at. */
export const METROPOLIS_TARGET_ACCEPTANCE = 0.5;
/** The first step size of a tuned Metropolis chain: the L-CNN paper's fixed value. */
export const METROPOLIS_INITIAL_STEP = 0.5;

/**
 * Degrees of freedom and integration steps of the calibration point of
 * {@link initialHmcSteps}: SU(2) on 8^4 (4 * 8^4 links of 3 real parameters), where 10
 * Omelyan steps of a unit trajectory accept about 93% at beta = 2.3.
 */
const REFERENCE_DOF = 4 * 8 ** 4 * 3;
const REFERENCE_STEPS = 10;

/** erfc^-1(p) for p in (0, 1], by bisection on {@link erfc} (monotone; 60 halvings). */
function inverseErfc(p: number): number {
  let lo = 0;
  let hi = 6;
  for (let k = 0; k < 60; k++) {
    const mid = (lo + hi) / 2;
    if (erfc(mid) > p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * erfc(x) for x >= 0, Numerical Recipes' Chebyshev fit `erfcc` (Press et al., 2nd ed., 6.2),
 * relative error below 1.2e-7: ample for an acceptance target.
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t *
                              (-1.13520398 +
                                t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** <dH> that gives an HMC acceptance P: (2 erfc^-1(P))^2 (Gupta et al. 1990). */
export function deltaHForAcceptance(acceptance: number): number {
  const x = inverseErfc(acceptance);
  return 4 * x * x;
}

/**
 * The first number of integration steps of a tuned HMC chain: the calibration point's 10 steps
 * per unit trajectory, scaled as (degrees of freedom)^(1/4) and with the trajectory length,
 * so that <dH> ~ dof * eps^4 starts near the calibration point's; at least 1.
 */
export function initialHmcSteps(links: number, N: number, tau: number): number {
  const dof = links * (N * N - 1);
  return Math.max(1, Math.ceil(REFERENCE_STEPS * tau * (dof / REFERENCE_DOF) ** 0.25));
}

/**
 * The number of integration steps after a tuning block whose trajectories had the mean
 * squared energy violation `meanDeltaH2` (see the module header); within a factor of 2 of
 * `steps`, at least 1. A block with a non-finite dH (a trajectory that blew up) doubles it.
 */
export function tunedHmcSteps(steps: number, meanDeltaH2: number): number {
  if (!Number.isFinite(meanDeltaH2)) return 2 * steps;
  const meanDeltaH = Math.sqrt(1 + meanDeltaH2) - 1;
  const target = deltaHForAcceptance(HMC_TARGET_ACCEPTANCE);
  // up to the next integer, but not for a rounding error's worth above one
  const wanted = Math.ceil(steps * (meanDeltaH / target) ** 0.25 - 1e-9);
  return Math.max(1, Math.ceil(steps / 2), Math.min(2 * steps, wanted));
}

/**
 * The Metropolis step size after a tuning block with the given acceptance: eps times
 * acceptance / target, within a factor of 2 of eps.
 */
export function tunedMetropolisStep(step: number, acceptance: number): number {
  const factor = Math.min(2, Math.max(0.5, acceptance / METROPOLIS_TARGET_ACCEPTANCE));
  return step * factor;
}
