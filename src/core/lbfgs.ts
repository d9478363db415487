/**
 * Limited-memory BFGS minimisation with a strong-Wolfe line search, for smooth objectives of a
 * few thousand unknowns whose value and gradient come together (one pass of a network over its
 * data gives both). Nocedal & Wright, Numerical Optimization, 2nd ed. (2006): the two-loop
 * recursion, Alg. 7.4; L-BFGS, Alg. 7.5, with the initial matrix gamma I of eq. 7.20; the line
 * search, Alg. 3.5 and its zoom, Alg. 3.6, for the strong Wolfe conditions, eq. 3.7, with the
 * cubic interpolation of eq. 3.59.
 *
 * The L-CNN training finishes with it (../lcnn/training/lbfgsFinish.ts): near an exact fit
 * Adam's steps stay of the size of its step length, while L-BFGS converges superlinearly.
 * Deterministic: the same objective and start give the same iterates.
 *
 * @module
 */
import { checkInteger, rangeError } from './validate.js';

/** The objective's value and gradient at a point. */
export interface ValueAndGradient {
  /** The objective's value. */
  value: number;
  /** Its gradient, one entry per unknown. */
  gradient: Float64Array;
}

/** An objective: value and gradient at `x` (which it must not keep or change). */
export type Objective = (x: Float64Array) => ValueAndGradient | Promise<ValueAndGradient>;

/** Why {@link minimizeLbfgs} stopped. */
export type LbfgsStop =
  /** The iteration limit. */
  | 'iterations'
  /** The line search found no lower value along the search direction (rounding level). */
  | 'no-progress'
  /** The gradient is zero. */
  | 'stationary'
  /** The signal was aborted. */
  | 'aborted';

/** Options of {@link minimizeLbfgs}. */
export interface LbfgsOptions {
  /** The most iterations (line searches). */
  iterations: number;
  /** Pairs (s, y) kept for the inverse Hessian (default 20; Nocedal & Wright: 3 to 20). */
  memory?: number;
  /** Sufficient-decrease constant c1 of the Wolfe conditions (default 1e-4). */
  c1?: number;
  /** Curvature constant c2 of the strong Wolfe conditions (default 0.9, as for quasi-Newton). */
  c2?: number;
  /** Objective evaluations allowed in one line search (default 20). */
  lineSearchEvaluations?: number;
  /** Checked before every iteration. */
  signal?: AbortSignal;
  /** Called after every iteration with its number (from 1), value and evaluations so far. */
  onIteration?: (iteration: number, value: number, evaluations: number) => void;
}

/** The result of {@link minimizeLbfgs}: the lowest point found. */
export interface LbfgsResult {
  /** The lowest point found. */
  x: Float64Array;
  /** The objective there. */
  value: number;
  /** The objective at the start. */
  initialValue: number;
  /** Iterations that moved the point. */
  iterations: number;
  /** Evaluations of the objective, the one at the start included. */
  evaluations: number;
  /** Why it stopped. */
  stop: LbfgsStop;
}

const dot = (a: Float64Array, b: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

/** x + alpha d, in a new array. */
const along = (x: Float64Array, alpha: number, d: Float64Array): Float64Array => {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i] + alpha * d[i];
  return out;
};

/** One point of the line search: step, value, directional derivative, gradient, position. */
interface LinePoint {
  alpha: number;
  value: number;
  slope: number;
  gradient: Float64Array;
  x: Float64Array;
}

/**
 * The minimiser of the cubic through (a, fa, da) and (b, fb, db), kept inside the middle 80% of
 * the interval between them (bisection where the cubic has no minimum): Nocedal & Wright
 * eq. 3.59, with the safeguard of their section 3.5.
 */
function cubicStep(a: LinePoint, b: LinePoint): number {
  const d1 = a.slope + b.slope - (3 * (a.value - b.value)) / (a.alpha - b.alpha);
  const disc = d1 * d1 - a.slope * b.slope;
  const lo = Math.min(a.alpha, b.alpha);
  const hi = Math.max(a.alpha, b.alpha);
  const mid = (lo + hi) / 2;
  if (!(disc >= 0) || !Number.isFinite(d1)) return mid;
  const d2 = Math.sign(b.alpha - a.alpha) * Math.sqrt(disc);
  const t = b.alpha - (b.alpha - a.alpha) * ((b.slope + d2 - d1) / (b.slope - a.slope + 2 * d2));
  const margin = 0.1 * (hi - lo);
  if (!Number.isFinite(t)) return mid;
  return Math.min(Math.max(t, lo + margin), hi - margin);
}

/**
 * Minimises `objective` from `x0` by L-BFGS. Returns the lowest point found: every accepted step
 * lowers the value (sufficient decrease), and a line search that finds no lower value ends the
 * run ('no-progress': the value's rounding level, or a direction the curvature pairs spoiled).
 *
 * @throws RangeError for bad options or a start where the objective is not finite.
 */
export async function minimizeLbfgs(
  objective: Objective,
  x0: Float64Array,
  options: LbfgsOptions,
): Promise<LbfgsResult> {
  const fn = 'minimizeLbfgs';
  checkInteger(fn, 'iterations', options.iterations, 0, 1e9);
  const memory = options.memory ?? 20;
  checkInteger(fn, 'memory', memory, 1, 1000);
  const c1 = options.c1 ?? 1e-4;
  const c2 = options.c2 ?? 0.9;
  if (!(c1 > 0 && c1 < c2 && c2 < 1)) {
    throw rangeError(fn, 'c1, c2', '0 < c1 < c2 < 1', `${c1}, ${c2}`);
  }
  const maxEvaluations = options.lineSearchEvaluations ?? 20;
  checkInteger(fn, 'lineSearchEvaluations', maxEvaluations, 2, 1000);

  let evaluations = 0;
  const evaluate = async (x: Float64Array): Promise<ValueAndGradient> => {
    evaluations++;
    return objective(x);
  };
  let x: Float64Array = Float64Array.from(x0);
  let { value, gradient } = await evaluate(x);
  const initialValue = value;
  if (!Number.isFinite(value)) {
    throw rangeError(fn, 'x0', 'a start where the objective is finite', String(value));
  }
  const s: Float64Array[] = [];
  const y: Float64Array[] = [];
  let iterations = 0;
  const done = (stop: LbfgsStop): LbfgsResult => ({
    x,
    value,
    initialValue,
    iterations,
    evaluations,
    stop,
  });

  while (iterations < options.iterations) {
    if (options.signal?.aborted === true) return done('aborted');
    if (gradient.every((g) => g === 0)) return done('stationary');
    const direction = searchDirection(gradient, s, y);
    const slope0 = dot(direction, gradient);
    // the first iteration has no curvature pairs: a step of unit length (N&W, section 7.2)
    const first = s.length === 0 ? 1 / Math.sqrt(dot(gradient, gradient)) : 1;
    const start: LinePoint = { alpha: 0, value, slope: slope0, gradient, x };
    const step = await lineSearch(start, direction, first);
    if (step === undefined) return done('no-progress');
    const sk = new Float64Array(x.length);
    const yk = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) {
      sk[i] = step.x[i] - x[i];
      yk[i] = step.gradient[i] - gradient[i];
    }
    // a pair without positive curvature would make the inverse Hessian indefinite: skipped
    // (a zoom stopped at its evaluation limit may return such a step)
    if (dot(sk, yk) > 0) {
      s.push(sk);
      y.push(yk);
      if (s.length > memory) {
        s.shift();
        y.shift();
      }
    }
    x = step.x;
    value = step.value;
    gradient = step.gradient;
    iterations++;
    options.onIteration?.(iterations, value, evaluations);
  }
  return done('iterations');

  /**
   * A step along `direction` that meets the strong Wolfe conditions (Alg. 3.5), or the lowest
   * point with sufficient decrease when the evaluations run out, or undefined where none was
   * found.
   */
  async function lineSearch(
    start: LinePoint,
    direction: Float64Array,
    firstStep: number,
  ): Promise<LinePoint | undefined> {
    const at = async (alpha: number): Promise<LinePoint> => {
      const xa = along(start.x, alpha, direction);
      const r = await evaluate(xa);
      const finite = Number.isFinite(r.value);
      return {
        alpha,
        value: finite ? r.value : Infinity,
        slope: finite ? dot(r.gradient, direction) : NaN,
        gradient: r.gradient,
        x: xa,
      };
    };
    const sufficient = (p: LinePoint): boolean =>
      p.value <= start.value + c1 * p.alpha * start.slope && p.value < start.value;
    const curvature = (p: LinePoint): boolean => Math.abs(p.slope) <= -c2 * start.slope;
    let previous = start;
    let alpha = firstStep;
    for (let k = 0; k < maxEvaluations; k++) {
      const p = await at(alpha);
      if (!sufficient(p) || (k > 0 && p.value >= previous.value)) {
        return zoom(previous, p, maxEvaluations - k - 1);
      }
      if (curvature(p)) return p;
      if (p.slope >= 0) return zoom(p, previous, maxEvaluations - k - 1);
      previous = p;
      alpha *= 2;
    }
    return previous === start ? undefined : previous;

    /**
     * Alg. 3.6: `lo` has the lowest value seen with sufficient decrease (or is the start),
     * and the interval between `lo` and `hi` holds a point of the strong Wolfe conditions.
     */
    async function zoom(
      lo: LinePoint,
      hi: LinePoint,
      budget: number,
    ): Promise<LinePoint | undefined> {
      for (let k = 0; k < budget; k++) {
        const p = await at(
          Number.isFinite(hi.value) ? cubicStep(lo, hi) : (lo.alpha + hi.alpha) / 2,
        );
        if (!sufficient(p) || p.value >= lo.value) {
          hi = p;
        } else {
          if (curvature(p)) return p;
          if (p.slope * (hi.alpha - lo.alpha) >= 0) hi = lo;
          lo = p;
        }
        // the interval is below the rounding of the steps: no point between them to try
        if (Math.abs(hi.alpha - lo.alpha) <= 1e-15 * Math.max(lo.alpha, hi.alpha)) break;
      }
      return lo === start ? undefined : lo;
    }
  }
}

/**
 * -H g by the two-loop recursion (Nocedal & Wright Alg. 7.4), H0 = gamma I with
 * gamma = s.y / y.y of the newest pair (eq. 7.20); -g without pairs.
 */
function searchDirection(
  gradient: Float64Array,
  s: readonly Float64Array[],
  y: readonly Float64Array[],
): Float64Array {
  const q = Float64Array.from(gradient);
  const m = s.length;
  const alphas = new Float64Array(m);
  const rhos = new Float64Array(m);
  for (let i = m - 1; i >= 0; i--) {
    rhos[i] = 1 / dot(y[i], s[i]);
    alphas[i] = rhos[i] * dot(s[i], q);
    for (let k = 0; k < q.length; k++) q[k] -= alphas[i] * y[i][k];
  }
  const gamma = m > 0 ? dot(s[m - 1], y[m - 1]) / dot(y[m - 1], y[m - 1]) : 1;
  for (let k = 0; k < q.length; k++) q[k] *= gamma;
  for (let i = 0; i < m; i++) {
    const beta = rhos[i] * dot(y[i], q);
    for (let k = 0; k < q.length; k++) q[k] += s[i][k] * (alphas[i] - beta);
  }
  for (let k = 0; k < q.length; k++) q[k] = -q[k];
  return q;
}
