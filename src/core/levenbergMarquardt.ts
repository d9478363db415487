/**
 * Levenberg-Marquardt minimisation of a sum of squares F(x) = 1/2 |r(x)|^2 of a few hundred
 * unknowns, for problems whose residuals can vanish: near a zero-residual solution the
 * Gauss-Newton step converges quadratically whatever the conditioning, where gradient methods
 * (L-BFGS included) slow to a linear rate set by the condition number. The damped step solves
 * (J^T J + mu D) h = -J^T r with Marquardt's scaling D = diag(J^T J) (Marquardt, J. Soc. Indust.
 * Appl. Math. 11 (1963) 431, eq. 2.6 ff. and section 3), floored at 1e-9 of its largest entry;
 * a step is taken when it lowers the sum of squares, and the damping is then divided by 5, else
 * multiplied by 4 and the step tried again (Marquardt's strategy, his factor 10 split unevenly;
 * Madsen, Nielsen, Tingleff, Methods for Non-Linear Least Squares Problems, 2nd ed. (2004),
 * IMM DTU, section 3.2, discusses such updates).
 *
 * The floor and the factors are measured on the W(4x4) model of `npm run reproduce:4d` (565
 * weights, one seed from a training MSE of 5.4e-6, 2 configurations): with D floored at 1e-30
 * of its largest entry the run stalled at 9.6e-7 (steps along weights the residuals barely see,
 * the rescalings between layers, left the region where the linear model holds), with Nielsen's
 * gain-ratio update (ibid., eq. 3.14) as well; at 1e-6 it fell linearly, to 2.4e-10 after 14
 * iterations; at 1e-9 it converged quadratically, to 8e-31 after 10.
 *
 * The problem supplies the residuals and the normal equations (J^T J, J^T r) rather than J:
 * the L-CNN finish (../lcnn/training/marquardtFinish.ts) accumulates them configuration by
 * configuration, with memory bounded by one configuration's block of J. Deterministic: the same
 * problem and start give the same iterates.
 *
 * @module
 */
import { choleskySolve } from './cholesky.js';
import { checkInteger, rangeError } from './validate.js';

/** The Gauss-Newton normal equations at a point: J^T J (n x n, row-major) and J^T r. */
export interface NormalEquations {
  /** J^T J, row-major. */
  jtj: Float64Array;
  /** J^T r. */
  jtr: Float64Array;
}

/** A least-squares problem: residuals r(x), and J^T J, J^T r for the Jacobian J = dr/dx. */
export interface LeastSquaresProblem {
  /** The residuals at `x` (which it must not keep or change). */
  residuals(x: Float64Array): Float64Array | Promise<Float64Array>;
  /** The normal equations at `x`, whose residuals are `r` (neither kept nor changed). */
  normalEquations(x: Float64Array, r: Float64Array): NormalEquations | Promise<NormalEquations>;
}

/** Why {@link minimizeLevenbergMarquardt} stopped. */
export type MarquardtStop =
  /** The iteration limit. */
  | 'iterations'
  /** No damping gave a lower value (the rounding level of the residuals). */
  | 'no-progress'
  /** J^T r is zero (an exact fit, or a stationary point). */
  | 'stationary'
  /** `smallDecreases` iterations in a row lowered the value by less than `minimumDecrease`. */
  | 'small-decrease'
  /** The value is at or below the rounding level of the unknowns (`stopAtRoundingLevel`). */
  | 'rounding-level'
  /** The signal was aborted. */
  | 'aborted';

/** Options of {@link minimizeLevenbergMarquardt}. */
export interface MarquardtOptions {
  /** The most iterations (accepted steps; each needs the normal equations once). */
  iterations: number;
  /** The damping of the first trial step, relative to D (default 1e-3, as MNT's tau). */
  initialDamping?: number;
  /** Trial steps allowed from one point before giving up (default 20: the damping grew 4^20). */
  trialSteps?: number;
  /**
   * Stop when an iteration lowers the value by less than this fraction of it (default 0: only
   * when no step lowers it). Near a zero-residual solution the value falls by orders of
   * magnitude per iteration until it meets the rounding level, where it lingers: a fraction
   * such as 0.1 ends the run there, or in a stall far from it, without paying for Jacobians
   * that buy nothing.
   */
  minimumDecrease?: number;
  /** Iterations in a row below `minimumDecrease` that stop the run (default 1). */
  smallDecreases?: number;
  /**
   * Stop ('rounding-level') after a step that takes the mean square to or below the rounding
   * level of the unknowns: the mean square change of the residuals when every unknown moves by
   * one unit in its last place, u^2 sum_j x_j^2 (J^T J)_jj / m to first order (u = 2^-52, the
   * signs random; m residuals), from the J^T J of the step. Below it no float64 x does
   * measurably better, so the Jacobians after it buy nothing (W(4x4) in 4D: 10-20% in three
   * more iterations). Default false.
   */
  stopAtRoundingLevel?: boolean;
  /** Checked before every iteration. */
  signal?: AbortSignal;
  /** Called after every iteration with its number (from 1), value and the damping. */
  onIteration?: (iteration: number, value: number, damping: number) => void;
}

/** The result of {@link minimizeLevenbergMarquardt}: the lowest point found. */
export interface MarquardtResult {
  /** The lowest point found. */
  x: Float64Array;
  /** The mean of the squared residuals there. */
  value: number;
  /** The mean of the squared residuals at the start. */
  initialValue: number;
  /** Iterations (accepted steps). */
  iterations: number;
  /** Evaluations of the residuals, the one at the start included. */
  evaluations: number;
  /** Evaluations of the normal equations. */
  jacobians: number;
  /** Why it stopped. */
  stop: MarquardtStop;
}

/** D's floor relative to its largest entry, and the damping's factors (see the module comment). */
const SCALE_FLOOR = 1e-9;
const DECREASE = 5;
const INCREASE = 4;

/**
 * The rounding level of the unknowns x for residuals whose normal matrix is `jtj`: the expected
 * mean square of J dx for dx_j = +-u x_j with independent random signs, u = 2^-52 (as
 * ../lcnn/roundingLevel.ts measures it on a model), to first order.
 */
export function roundingLevelOfUnknowns(x: Float64Array, jtj: Float64Array, count: number): number {
  const n = x.length;
  let s = 0;
  for (let j = 0; j < n; j++) s += x[j] * x[j] * jtj[j * n + j];
  return (Number.EPSILON * Number.EPSILON * s) / count;
}

const sumOfSquares = (r: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < r.length; i++) s += r[i] * r[i];
  return s;
};

/**
 * Minimises the mean of the squared residuals of `problem` from `x0` by Levenberg-Marquardt.
 * Every accepted step lowers the value; when no damping of the step does (the rounding level),
 * the run ends with 'no-progress' at the lowest point.
 *
 * @throws RangeError for bad options, normal equations of the wrong size, or a start where the
 *   residuals are not finite.
 */
export async function minimizeLevenbergMarquardt(
  problem: LeastSquaresProblem,
  x0: Float64Array,
  options: MarquardtOptions,
): Promise<MarquardtResult> {
  const fn = 'minimizeLevenbergMarquardt';
  checkInteger(fn, 'iterations', options.iterations, 0, 1e9);
  let damping = options.initialDamping ?? 1e-3;
  if (!(damping > 0 && Number.isFinite(damping))) {
    throw rangeError(fn, 'initialDamping', 'a positive number', damping);
  }
  const minimumDecrease = options.minimumDecrease ?? 0;
  if (!(minimumDecrease >= 0 && minimumDecrease < 1)) {
    throw rangeError(fn, 'minimumDecrease', 'a fraction in [0, 1)', minimumDecrease);
  }
  const smallDecreases = options.smallDecreases ?? 1;
  checkInteger(fn, 'smallDecreases', smallDecreases, 1, 1000);
  let small = 0;
  const trialSteps = options.trialSteps ?? 20;
  checkInteger(fn, 'trialSteps', trialSteps, 1, 200);
  const n = x0.length;

  let evaluations = 0;
  let jacobians = 0;
  const residuals = async (x: Float64Array): Promise<Float64Array> => {
    evaluations++;
    return problem.residuals(x);
  };
  const normalEquations = async (x: Float64Array, r: Float64Array): Promise<NormalEquations> => {
    jacobians++;
    const eq = await problem.normalEquations(x, r);
    if (eq.jtj.length !== n * n || eq.jtr.length !== n) {
      throw rangeError(
        fn,
        'normalEquations',
        `J^T J of ${n * n} and J^T r of ${n} numbers`,
        `${eq.jtj.length} and ${eq.jtr.length}`,
      );
    }
    return eq;
  };

  let x = Float64Array.from(x0);
  let r = await residuals(x);
  const count = r.length;
  let f = sumOfSquares(r);
  if (!Number.isFinite(f)) {
    throw rangeError(fn, 'x0', 'a start where the residuals are finite', String(f));
  }
  const initialValue = f / count;
  let iterations = 0;
  const done = (stop: MarquardtStop): MarquardtResult => ({
    x,
    value: f / count,
    initialValue,
    iterations,
    evaluations,
    jacobians,
    stop,
  });
  if (f === 0) return done('stationary');

  while (iterations < options.iterations) {
    if (options.signal?.aborted === true) return done('aborted');
    const { jtj, jtr } = await normalEquations(x, r);
    if (jtr.every((g) => g === 0)) return done('stationary');
    // Marquardt's scaling, floored (see the module comment): also keeps the system positive
    // definite where a weight does not enter the residuals (a zero column of J)
    let largest = 0;
    for (let i = 0; i < n; i++) largest = Math.max(largest, jtj[i * n + i]);
    const scale = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      scale[i] = Math.max(jtj[i * n + i], SCALE_FLOOR * largest, Number.MIN_VALUE);
    }
    const minusG = jtr.map((g) => -g);
    let accepted = false;
    const before = f;
    const shift = new Float64Array(n);
    for (let trial = 0; trial < trialSteps && !accepted; trial++) {
      for (let i = 0; i < n; i++) shift[i] = damping * scale[i];
      const h = choleskySolve(jtj, minusG, n, shift);
      if (h !== undefined) {
        const xNew = new Float64Array(n);
        for (let i = 0; i < n; i++) xNew[i] = x[i] + h[i];
        const rNew = await residuals(xNew);
        const fNew = sumOfSquares(rNew);
        if (fNew < f) {
          x = xNew;
          r = rNew;
          f = fNew;
          accepted = true;
        }
      }
      damping = accepted ? damping / DECREASE : damping * INCREASE;
    }
    if (!accepted) return done('no-progress');
    iterations++;
    options.onIteration?.(iterations, f / count, damping);
    if (f === 0) return done('stationary');
    if (
      options.stopAtRoundingLevel === true &&
      f / count <= roundingLevelOfUnknowns(x, jtj, count)
    ) {
      return done('rounding-level');
    }
    small = before - f < minimumDecrease * before ? small + 1 : 0;
    if (small >= smallDecreases) return done('small-decrease');
  }
  return done('iterations');
}
