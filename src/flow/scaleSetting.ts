/**
 * Scale setting with the gradient flow, with Gamma-method errors (Wolff, hep-lat/0306017;
 * src/core/gamma.ts):
 *
 * - t0: t^2 <E(t)> = 0.3 at t = t0 (Luescher, JHEP 08 (2010) 071, arXiv:1006.4518, section 3);
 * - w0: W(t) = t d/dt (t^2 <E(t)>) = 0.3 at t = w0^2 (BMW, Borsanyi et al., JHEP 09 (2012)
 *   010, arXiv:1203.4469);
 * - the topological susceptibility chi = <Q^2> / V at a flow time, and t0^2 chi.
 *
 * <E(t)> is known at the measured flow times t_j only. Between them t^2 <E> is interpolated
 * by the cubic through the four nearest measured points (Lagrange form), W by that cubic's
 * derivative, and the crossing is found by bisection. t0 and w0 are then functions of the
 * four means <E(t_j)>, so their errors come from the Gamma method for derived quantities
 * (gammaAnalysisDerived: the projected fluctuations of the four series, with their
 * autocorrelations; the gradient by central differences of 1e-6 of the means). The interpolation error is estimated as the difference to the quintic
 * through the six nearest points (or, near the ends, to the cubic on the neighbouring
 * stencil) and reported beside the statistical error: it should be well below it, which a
 * fine enough grid of measured times ensures (at spacing 0.05 around t0 ~ 3 it is below
 * 1e-6 relative).
 *
 * @module
 */
import { gammaAnalysis, gammaAnalysisDerived, type GammaResult } from '../core/gamma.js';
import { rangeError, typeError } from '../core/validate.js';

/**
 * Relative step of the central differences of the derived analyses: t0 and w0 are roots of
 * a cubic through four means, smooth in them but curved on the scale of one mean's error
 * (W's cubic bends when a single mean moves by its error), so the gradient is taken with
 * steps of 1e-6 of the means rather than UWerr's half error.
 */
const DIFFERENCE_STEP = 1e-6;

/** The reference value of t^2 E at t0 and of W at w0^2 (Luescher; BMW). */
export const SCALE_REFERENCE = 0.3;

/** A scale from the flow: a Gamma-method estimate plus the interpolation error. */
export interface ScaleEstimate {
  /** The estimate (t0/a^2, or w0/a). */
  mean: number;
  /** Statistical error (Gamma method, derived quantity). */
  error: number;
  /** Integrated autocorrelation time of the projected series. */
  tauInt: number;
  /** Error of tau_int. */
  tauIntError: number;
  /**
   * Estimated interpolation error (see the module header); NaN when there are too few
   * measured times for a second interpolation.
   */
  interpolationError: number;
  /** Number of configurations. */
  n: number;
  /** The measured times the interpolation used. */
  stencil: number[];
}

/** An estimate with its error, as the Gamma method gives it. */
export interface Estimate {
  /** The mean. */
  mean: number;
  /** Its error. */
  error: number;
  /** Integrated autocorrelation time. */
  tauInt: number;
}

/** One point of the flow-time curve: t^2 <E(t)> and W(t) with errors. */
export interface FlowCurvePoint {
  /** The flow time. */
  t: number;
  /** t^2 <E(t)>. */
  t2E: Estimate;
  /** W(t) = t d/dt (t^2 <E>), from the local cubic's derivative. */
  W: Estimate;
}

/** The value at t of the polynomial through the points (xs[k], ys[k]) (Lagrange form). */
export function lagrange(xs: readonly number[], ys: readonly number[], t: number): number {
  let sum = 0;
  for (let k = 0; k < xs.length; k++) {
    let w = ys[k];
    for (let l = 0; l < xs.length; l++) if (l !== k) w *= (t - xs[l]) / (xs[k] - xs[l]);
    sum += w;
  }
  return sum;
}

/** The derivative at t of the polynomial through the points (xs[k], ys[k]). */
export function lagrangeDerivative(
  xs: readonly number[],
  ys: readonly number[],
  t: number,
): number {
  let sum = 0;
  for (let k = 0; k < xs.length; k++) {
    let denominator = 1;
    for (let l = 0; l < xs.length; l++) if (l !== k) denominator *= xs[k] - xs[l];
    // d/dt prod_{l != k} (t - x_l) = sum_{i != k} prod_{l != k, i} (t - x_l)
    let derivative = 0;
    for (let i = 0; i < xs.length; i++) {
      if (i === k) continue;
      let p = 1;
      for (let l = 0; l < xs.length; l++) if (l !== k && l !== i) p *= t - xs[l];
      derivative += p;
    }
    sum += (ys[k] * derivative) / denominator;
  }
  return sum;
}

/** The `size` consecutive indices of 0..count-1 centred on the interval [j, j+1]. */
export function stencil(j: number, count: number, size: number): number[] {
  const first = Math.min(Math.max(0, j - (size / 2 - 1)), Math.max(0, count - size));
  const out: number[] = [];
  for (let k = first; k < Math.min(count, first + size); k++) out.push(k);
  return out;
}

/**
 * The points of the second interpolation that estimates the error of the first (on
 * `primary`, around the interval [j, j+1]): the six nearest points, else a cubic on the
 * neighbouring four that still holds the interval; undefined with only four times.
 */
function alternativeStencil(j: number, count: number, primary: number[]): number[] | undefined {
  const wide = stencil(j, count, 6);
  if (wide.length === 6) return wide;
  for (const shift of [-1, 1]) {
    const s = stencil(j + shift, count, 4);
    if (s.length === 4 && s[0] !== primary[0] && s[0] <= j && s[3] >= j + 1) return s;
  }
  return undefined;
}

/** The root of f in [a, b] by bisection, given f(a) and f(b) of opposite signs (or 0). */
function bisect(f: (t: number) => number, a: number, b: number): number {
  let fa = f(a);
  if (fa === 0) return a;
  for (let k = 0; k < 200 && b - a > 1e-15 * Math.max(1, Math.abs(b)); k++) {
    const c = 0.5 * (a + b);
    const fc = f(c);
    if (fc === 0) return c;
    if (fa < 0 === fc < 0) {
      a = c;
      fa = fc;
    } else {
      b = c;
    }
  }
  return 0.5 * (a + b);
}

/**
 * The root of f nearest to `start` by Newton's method with a central-difference slope: f is
 * the stencil's cubic (or its derivative) at slightly moved means, whose root moves a little
 * from the central one while the cubic can bend far from it. NaN when the iteration leaves
 * the window start +- span.
 */
function localRoot(f: (t: number) => number, start: number, span: number): number {
  const h = 1e-6 * span;
  let t = start;
  for (let k = 0; k < 100; k++) {
    const slope = (f(t + h) - f(t - h)) / (2 * h);
    const step = f(t) / slope;
    t -= step;
    if (!(Math.abs(t - start) <= span)) return NaN;
    if (Math.abs(step) <= 1e-15 * Math.max(1, Math.abs(t))) break;
  }
  return t;
}

/** Which curve a scale is read off: t^2 E (t0) or W (w0). */
export type ScaleKind = 't0' | 'w0';

/**
 * The curve value at t from the points of a stencil: t^2 E through the polynomial of the
 * t_k^2 E_k, or W = t d/dt of it.
 */
function curve(kind: ScaleKind, ts: number[], energies: number[], t: number): number {
  const ys = ts.map((tk, k) => tk * tk * energies[k]);
  return kind === 't0' ? lagrange(ts, ys, t) : t * lagrangeDerivative(ts, ys, t);
}

/** Where a curve crosses the reference value. */
export interface Crossing {
  /** The interval [t_j, t_j+1] of the measured times that holds it. */
  j: number;
  /** The flow time of the crossing. */
  t: number;
}

/**
 * Where the curve of `kind` built from the mean energies first reaches `reference`: the
 * interval [t_j, t_j+1] and the crossing of the cubic there. Returns undefined when it never
 * does within the measured times.
 */
export function findCrossing(
  kind: ScaleKind,
  times: readonly number[],
  meanEnergies: readonly number[],
  reference = SCALE_REFERENCE,
): Crossing | undefined {
  const m = times.length;
  const value = (j: number, t: number): number => {
    const s = stencil(j, m, 4);
    return curve(
      kind,
      s.map((k) => times[k]),
      s.map((k) => meanEnergies[k]),
      t,
    );
  };
  for (let j = 0; j + 1 < m; j++) {
    const a = value(j, times[j]) - reference;
    const b = value(j, times[j + 1]) - reference;
    if (a < 0 && b >= 0) {
      return { j, t: bisect((t) => value(j, t) - reference, times[j], times[j + 1]) };
    }
  }
  return undefined;
}

/**
 * t0 (kind 't0': t^2 <E(t0)> = reference) or w0 (kind 'w0': W(w0^2) = reference, reported as
 * w0 = sqrt(t)) from E measured on every configuration at the flow times `times`.
 *
 * @param times - the measured flow times, ascending (at least 4).
 * @param energies - energies[j][i]: E at times[j] on configuration i (Monte Carlo order).
 * @throws RangeError when the inputs are inconsistent, or the curve does not reach the
 *   reference within the measured times (the message says how far it got).
 */
export function flowScale(
  kind: ScaleKind,
  times: readonly number[],
  energies: readonly ArrayLike<number>[],
  reference = SCALE_REFERENCE,
): ScaleEstimate {
  const fn = 'flowScale';
  checkSeries(fn, times, energies, 4);
  const means = energies.map((e) => mean(e));
  const found = findCrossing(kind, times, means, reference);
  if (found === undefined) {
    const last = times.length - 1;
    const reached =
      kind === 't0'
        ? times[last] * times[last] * means[last]
        : curve(
            kind,
            stencil(last - 1, times.length, 4).map((k) => times[k]),
            stencil(last - 1, times.length, 4).map((k) => means[k]),
            times[last],
          );
    throw rangeError(
      fn,
      'times',
      `flow times up to where ${kind === 't0' ? 't^2 E' : 'W'} reaches ${reference}`,
      `times up to ${times[last]}, where it is ${reached.toPrecision(4)} (flow further)`,
    );
  }
  const indices = stencil(found.j, times.length, 4);
  const ts = indices.map((k) => times[k]);
  const lo = ts[0];
  const hi = ts[ts.length - 1];
  const toScale = (t: number): number => (kind === 't0' ? t : Math.sqrt(t));
  const f = (m: number[]): number =>
    toScale(localRoot((t) => curve(kind, ts, m, t) - reference, found.t, hi - lo));
  const result = gammaAnalysisDerived(
    indices.map((k) => energies[k]),
    f,
    { steps: indices.map((k) => DIFFERENCE_STEP * Math.abs(means[k])) },
  );
  // interpolation error: against the quintic on six points, or a neighbouring cubic
  const alternative = alternativeStencil(found.j, times.length, indices);
  let interpolationError = NaN;
  if (alternative !== undefined) {
    const at = alternative.map((k) => times[k]);
    const ae = alternative.map((k) => means[k]);
    const t = localRoot((s) => curve(kind, at, ae, s) - reference, found.t, hi - lo);
    interpolationError = Math.abs(toScale(t) - result.mean);
  }
  return {
    mean: result.mean,
    error: result.error,
    tauInt: result.tauInt,
    tauIntError: result.tauIntError,
    interpolationError,
    n: result.n,
    stencil: ts,
  };
}

/**
 * t^2 <E(t)> and W(t) with Gamma-method errors at every measured time (W from the cubic
 * through the four nearest points), for plots of the flow curve.
 */
export function flowCurve(
  times: readonly number[],
  energies: readonly ArrayLike<number>[],
): FlowCurvePoint[] {
  checkSeries('flowCurve', times, energies, 4);
  const out: FlowCurvePoint[] = [];
  for (let j = 0; j < times.length; j++) {
    const t = times[j];
    const e = gammaAnalysis(energies[j]);
    const indices = stencil(Math.min(j, times.length - 2), times.length, 4);
    const ts = indices.map((k) => times[k]);
    const w = gammaAnalysisDerived(
      indices.map((k) => energies[k]),
      (m) => curve('w0', ts, m, t),
      { steps: indices.map((k) => DIFFERENCE_STEP * Math.abs(mean(energies[k]))) },
    );
    out.push({
      t,
      t2E: { mean: t * t * e.mean, error: t * t * e.error, tauInt: e.tauInt },
      W: { mean: w.mean, error: w.error, tauInt: w.tauInt },
    });
  }
  return out;
}

/** chi = <Q^2> / V from the charges of every configuration at one flow time. */
export function topologicalSusceptibility(charges: ArrayLike<number>, volume: number): GammaResult {
  if (!(volume > 0))
    throw rangeError('topologicalSusceptibility', 'volume', 'a volume > 0', volume);
  const squares = Float64Array.from(charges as ArrayLike<number>, (q) => (q * q) / volume);
  return gammaAnalysis(squares);
}

/**
 * t0^2 chi: the product of t0 (from the energies, as {@link flowScale}) and chi at one flow
 * time, as one derived quantity, so that the correlations of t0 and <Q^2> enter its error.
 */
export function t0SquaredChi(
  times: readonly number[],
  energies: readonly ArrayLike<number>[],
  charges: ArrayLike<number>,
  volume: number,
  reference = SCALE_REFERENCE,
): GammaResult {
  const t0 = flowScale('t0', times, energies, reference);
  const ts = t0.stencil;
  const indices = ts.map((t) => times.indexOf(t));
  const squares = Float64Array.from(charges as ArrayLike<number>, (q) => q * q);
  const start = t0.mean;
  const f = (m: number[]): number => {
    const e = m.slice(0, 4);
    const t = localRoot((s) => curve('t0', ts, e, s) - reference, start, ts[3] - ts[0]);
    return (t * t * m[4]) / volume;
  };
  const all = [...indices.map((k) => energies[k]), squares];
  return gammaAnalysisDerived(all, f, {
    steps: all.map((x) => DIFFERENCE_STEP * Math.max(Math.abs(mean(x)), 1e-300)),
  });
}

function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s / x.length;
}

function checkSeries(
  fn: string,
  times: readonly number[],
  energies: readonly ArrayLike<number>[],
  minTimes: number,
): void {
  if (!Array.isArray(times)) throw typeError(fn, 'times', 'an array of flow times', times);
  if (times.length < minTimes) {
    throw rangeError(fn, 'times', `at least ${minTimes} measured flow times`, times.length);
  }
  for (let j = 1; j < times.length; j++) {
    if (!(times[j] > times[j - 1])) {
      throw rangeError(fn, 'times', 'strictly ascending flow times', [...times]);
    }
  }
  if (!Array.isArray(energies) || energies.length !== times.length) {
    throw rangeError(
      fn,
      'energies',
      `one series per flow time (${times.length})`,
      Array.isArray(energies) ? `${energies.length} series` : energies,
    );
  }
}
