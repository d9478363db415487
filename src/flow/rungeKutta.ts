/**
 * Luescher's third-order Runge-Kutta scheme for the gradient flow and its embedded
 * second-order partner (the coefficients; the loops are in ./flowKernels.ts and
 * ./gradientFlow.ts).
 *
 * Luescher, JHEP 08 (2010) 071, arXiv:1006.4518, appendix C, eqs. (C.1)-(C.3): with
 * Z_i = epsilon Z(W_i),
 *
 *     W_0 = V_t,
 *     W_1 = exp((1/4) Z_0) W_0,
 *     W_2 = exp((8/9) Z_1 - (17/36) Z_0) W_1,
 *     V_{t+epsilon} = exp((3/4) Z_2 - (8/9) Z_1 + (17/36) Z_0) W_2,
 *
 * a commutator-free (Crouch-Grossmann type) scheme of global order 3. It needs one field of
 * storage besides V, an accumulator X, because each exponent is a fixed combination of the
 * new Z_i and the previous exponent:
 *
 *     X <- (1/4) Z_0,             W_1 = exp(X) W_0,
 *     X <- (8/9) Z_1 - (17/9) X,  W_2 = exp(X) W_1,
 *     X <- (3/4) Z_2 - X,         V   = exp(X) W_2,
 *
 * i.e. X <- a_i Z_i + b_i X with (a, b) = {@link RK3_A}, {@link RK3_B}.
 *
 * Adaptive step (Fritzsch and Ramos, JHEP 10 (2013) 008, arXiv:1301.4388, appendix; as in
 * Chroma, Grid's ZeuthenFlowAdaptive and SIMULATeQCD's su3rungeKutta3AdStepSize): the same
 * stages give the second-order solution Vbar = exp(2 Z_1 - Z_0) W_0 (in the low-storage form
 * Z_0 = 4 X after the first stage). The distance
 *
 *     d = max_{x, mu} || V_mu(x) - Vbar_mu(x) ||_F / N^2      (Frobenius norm)
 *
 * estimates the local error of the second-order step, O(epsilon^3). A step is accepted when
 * d <= tolerance, and the next step size is epsilon * 0.95 (tolerance / d)^(1/3)
 * ({@link ADAPTIVE_SAFETY}), limited to a factor in [{@link ADAPTIVE_MIN_FACTOR},
 * {@link ADAPTIVE_MAX_FACTOR}]; a rejected step is repeated from W_0 with that smaller size.
 *
 * @module
 */

/** a_i of X <- a_i Z_i + b_i X (module header). */
export const RK3_A: readonly [number, number, number] = [1 / 4, 8 / 9, 3 / 4];
/** b_i of X <- a_i Z_i + b_i X (module header). */
export const RK3_B: readonly [number, number, number] = [0, -17 / 9, -1];

/** The safety factor of the step-size control (Fritzsch and Ramos; Chroma; Grid; SIMULATeQCD). */
export const ADAPTIVE_SAFETY = 0.95;
/** The step never shrinks by more than this factor after one step. */
export const ADAPTIVE_MIN_FACTOR = 0.1;
/** The step never grows by more than this factor after one step (d can be 0 on smooth fields). */
export const ADAPTIVE_MAX_FACTOR = 5;

/** The factor of the next step size after a step of distance d at tolerance tol. */
export function stepFactor(distance: number, tolerance: number): number {
  if (!(distance > 0)) return distance === 0 ? ADAPTIVE_MAX_FACTOR : ADAPTIVE_MIN_FACTOR;
  const f = ADAPTIVE_SAFETY * Math.cbrt(tolerance / distance);
  return Math.min(ADAPTIVE_MAX_FACTOR, Math.max(ADAPTIVE_MIN_FACTOR, f));
}
