/**
 * Wolff's Gamma method: the error of a Monte Carlo mean with autocorrelations.
 *
 * U. Wolff, "Monte Carlo errors with less errors", Comput. Phys. Commun. 156 (2004) 143,
 * hep-lat/0306017; erratum Comput. Phys. Commun. 176 (2007) 383. Symbols and equation
 * numbers are the paper's (arXiv v4):
 *
 * - R replica r = 1..R of lengths N_r, N = sum_r N_r measurements a^{i,r} in all, mean
 *   abar = (1/N) sum_{r,i} a^{i,r}.
 * - Autocorrelation function, eq. (31):
 *   Gamma(t) = 1/(N - R t) sum_r sum_{i=1}^{N_r - t} (a^{i,r} - abar)(a^{i+t,r} - abar).
 * - For a derived quantity F = f(A_1..A_n) the same is done with the projected deviations
 *   sum_alpha f_alpha (a_alpha^{i,r} - abar_alpha), f_alpha = df/dA_alpha at abar
 *   (section 3.1; the gradient by central differences of step h_alpha, see
 *   {@link gammaAnalysisDerived}).
 * - Windowed sums, eq. (35): C_F(W) = Gamma(0) + 2 sum_{t=1}^{W} Gamma(t),
 *   tau_int(W) = C_F(W) / (2 Gamma(0)) = 1/2 + sum_{t=1}^{W} rho(t), rho(t) = Gamma(t)/Gamma(0);
 *   sigma_F^2 = C_F(W) / N. Uncorrelated data have tau_int = 1/2.
 * - Automatic window, eqs. (50)-(52): tau(W) = S / ln((2 tau_int(W) + 1) / (2 tau_int(W) - 1)),
 *   g(W) = exp(-W / tau(W)) - tau(W) / sqrt(W N); W is the first W = 1, 2, ... with g(W) < 0.
 *   Where tau_int(W) <= 1/2 the logarithm is undefined and tau(W) is set to a tiny positive
 *   number (as Wolff's UWerr code does), so that the window closes there.
 * - Bias of Gamma from subtracting abar instead of the exact mean, eq. (49): every Gamma(t)
 *   is too small by about C_F/N, so Gamma(t) += C_F(W)/N before C_F(W) is summed again.
 * - Error of the error from the variance of C_F(W), eq. (41):
 *   delta sigma_F = sigma_F sqrt((W + 1/2) / N).
 * - Error of tau_int, Madras-Sokal, eq. (42) as revised in v4 (and UWerr V6):
 *   delta tau_int = 2 tau_int sqrt((W + 1/2 - tau_int) / N).
 *
 * Gamma(t) is summed directly, O(N) per lag, and only as far as the window search needs it:
 * the whole analysis costs O(N W). (Wolff's code goes on to 2W for plots; here rho stops
 * at W.)
 *
 * @module
 */
import { rangeError, typeError } from './validate.js';

/** The outcome of a Gamma-method analysis of one (primary or derived) quantity. */
export interface GammaResult {
  /** The estimate: the mean of the measurements, or f(means) for a derived quantity. */
  mean: number;
  /**
   * Statistical error of {@link GammaResult.mean} with autocorrelations, sigma_F =
   * sqrt(C_F(W)/N) with the bias-corrected Gamma of eq. (49).
   */
  error: number;
  /** Statistical error of {@link GammaResult.error}, sigma_F sqrt((W + 1/2)/N), eq. (41). */
  errorOfError: number;
  /**
   * Integrated autocorrelation time at the chosen window, tau_int = 1/2 + sum_{t=1}^{W} rho(t)
   * (eq. 35): 1/2 for uncorrelated data; sigma_F^2 = 2 tau_int Gamma(0) / N.
   */
  tauInt: number;
  /** Madras-Sokal error of tau_int, 2 tau_int sqrt((W + 1/2 - tau_int)/N), eq. (42). */
  tauIntError: number;
  /**
   * The summation window W of the automatic windowing, eqs. (50)-(52); one less where
   * C_F(W) <= 0 (strongly anticorrelated data, where Wolff's code stops with an error).
   */
  window: number;
  /** Number of measurements N (summed over replica). */
  n: number;
  /** sqrt(s^2 / N) with the sample variance s^2 (divisor N - 1): the error without autocorrelations. */
  naiveError: number;
  /** Normalised autocorrelation function rho(t) = Gamma(t)/Gamma(0), t = 0..W (bias-corrected). */
  rho: Float64Array;
  /**
   * True when g(W) stayed non-negative up to the largest lag tried, floor(min_r N_r / 2):
   * W is then that lag and the error is not to be trusted (runs too short for the
   * autocorrelations). Absent otherwise.
   */
  windowFailed?: boolean;
}

/** Options of the Gamma-method analysis. */
export interface GammaOptions {
  /**
   * Wolff's S_tau, the assumed ratio tau_exp / tau_int that sets the window (eq. 51); default
   * 1.5, sensible range 1..2. S = 0 means "assume no autocorrelations": W = 0.
   */
  S?: number;
}

/** Options of {@link gammaAnalysisDerived}. */
export interface DerivedGammaOptions extends GammaOptions {
  /**
   * The steps h_alpha of the central differences, one per observable; default
   * sqrt(Gamma_alpha,alpha(0) / N) / 2, as in UWerr. Smaller steps suit an f that is smooth
   * but strongly nonlinear on the scale of the errors of single means (a root of a
   * polynomial through several correlated means, for instance).
   */
  steps?: readonly number[];
}

const DEFAULT_S = 1.5;

/**
 * Gamma-method analysis of one Monte Carlo time series (one replicum, one primary
 * observable).
 *
 * @param series - measurements a^i, i = 1..N in Monte Carlo time order, N >= 2, finite.
 * @param options - see {@link GammaOptions}.
 * @throws RangeError when the series has fewer than 2 values or a non-finite value, or S is
 *   not a finite number >= 0.
 */
export function gammaAnalysis(series: ArrayLike<number>, options: GammaOptions = {}): GammaResult {
  const fn = 'gammaAnalysis';
  const S = checkS(fn, options);
  checkSeries(fn, 'series', series);
  const N = series.length;
  const mean = shiftedMean([series]);
  const deviations = new Float64Array(N);
  for (let i = 0; i < N; i++) deviations[i] = series[i] - mean;
  return analyse(deviations, [N], mean, S);
}

/**
 * Gamma-method analysis of R independent runs (replica) of the same ensemble: eq. (31) sums
 * Gamma(t) inside each replicum only, around the common mean abar, and divides by N - R t.
 * The window search stops at floor(min_r N_r / 2).
 *
 * @param replica - the R >= 1 series, each with N_r >= 2 finite values (lengths may differ).
 * @param options - see {@link GammaOptions}.
 * @throws RangeError when there is no replicum, a replicum has fewer than 2 values or a
 *   non-finite value, or S is not a finite number >= 0.
 */
export function gammaAnalysisReplica(
  replica: ArrayLike<number>[],
  options: GammaOptions = {},
): GammaResult {
  const fn = 'gammaAnalysisReplica';
  const S = checkS(fn, options);
  if (!Array.isArray(replica)) throw typeError(fn, 'replica', 'an array of series', replica);
  if (replica.length === 0) {
    throw rangeError(fn, 'replica', 'at least one replicum', 'length 0');
  }
  for (let r = 0; r < replica.length; r++) checkSeries(fn, `replica[${r}]`, replica[r]);
  const lengths = replica.map((x) => x.length);
  const N = lengths.reduce((s, l) => s + l, 0);
  const mean = shiftedMean(replica);
  const deviations = new Float64Array(N);
  let k = 0;
  for (const x of replica) for (let i = 0; i < x.length; i++) deviations[k++] = x[i] - mean;
  return analyse(deviations, lengths, mean, S);
}

/**
 * Gamma-method analysis of a derived quantity F = f(A_1..A_n) of n primary observables
 * measured on the same configurations (section 3.1 of the paper). The estimate is
 * F = f(abar_1..abar_n); the gradient f_alpha is taken by central differences,
 * f_alpha = [f(abar + h_alpha e_alpha) - f(abar - h_alpha e_alpha)] / (2 h_alpha) with
 * h_alpha = sqrt(Gamma_alpha,alpha(0) / N) / 2 (half the naive error of abar_alpha, as in
 * Wolff's UWerr; or `options.steps`; f_alpha = 0 for a constant observable), and the
 * projected series
 * sum_alpha f_alpha (a_alpha^i - abar_alpha) is analysed like a primary one.
 *
 * @param series - one series per primary observable, all of the same length N >= 2.
 * @param f - the function of the n means; must be finite at and near the means.
 * @param options - see {@link DerivedGammaOptions}.
 * @throws RangeError when there is no series, the series differ in length, have fewer than
 *   2 or non-finite values, f is not finite at or near the means, S or the steps are invalid;
 *   TypeError when f is not a function.
 */
export function gammaAnalysisDerived(
  series: ArrayLike<number>[],
  f: (means: number[]) => number,
  options: DerivedGammaOptions = {},
): GammaResult {
  const fn = 'gammaAnalysisDerived';
  const S = checkS(fn, options);
  if (!Array.isArray(series)) throw typeError(fn, 'series', 'an array of series', series);
  if (series.length === 0) {
    throw rangeError(fn, 'series', 'at least one observable', 'length 0');
  }
  if (typeof f !== 'function') throw typeError(fn, 'f', 'a function', f);
  for (let a = 0; a < series.length; a++) checkSeries(fn, `series[${a}]`, series[a]);
  const N = series[0].length;
  for (let a = 1; a < series.length; a++) {
    if (series[a].length !== N) {
      throw rangeError(
        fn,
        `series[${a}]`,
        `length ${N} like series[0]`,
        `length ${series[a].length}`,
      );
    }
  }

  const nObs = series.length;
  const steps = options.steps;
  if (steps !== undefined) {
    if (!Array.isArray(steps) || steps.length !== nObs) {
      throw rangeError(fn, 'options.steps', `${nObs} steps, one per series`, steps);
    }
    steps.forEach((h, a) => {
      if (typeof h !== 'number' || !Number.isFinite(h) || h <= 0) {
        throw rangeError(fn, `options.steps[${a}]`, 'a finite step > 0', h);
      }
    });
  }
  const means = series.map((x) => shiftedMean([x]));
  const value = f(means.slice());
  if (!Number.isFinite(value)) {
    throw rangeError(fn, 'f', 'a finite value at the means', value);
  }

  // Gradient by central differences (section 3.1; step as in UWerr).
  const gradient = new Float64Array(nObs);
  for (let a = 0; a < nObs; a++) {
    const x = series[a];
    let variance = 0;
    for (let i = 0; i < N; i++) variance += (x[i] - means[a]) ** 2;
    variance /= N;
    if (variance === 0) continue;
    const h = steps !== undefined ? steps[a] : Math.sqrt(variance / N) / 2;
    const shifted = means.slice();
    shifted[a] = means[a] + h;
    const up = f(shifted.slice());
    shifted[a] = means[a] - h;
    const down = f(shifted.slice());
    gradient[a] = (up - down) / (2 * h);
    if (!Number.isFinite(gradient[a])) {
      throw rangeError(fn, 'f', `finite values near the means (derivative ${a})`, gradient[a]);
    }
  }

  // Projected deviations sum_alpha f_alpha (a_alpha^i - abar_alpha).
  const deviations = new Float64Array(N);
  for (let a = 0; a < nObs; a++) {
    const fa = gradient[a];
    if (fa === 0) continue;
    const x = series[a];
    const m = means[a];
    for (let i = 0; i < N; i++) deviations[i] += fa * (x[i] - m);
  }
  return analyse(deviations, [N], value, S);
}

// ---------------------------------------------------------------------------------------
// Unchecked core.

/**
 * The analysis proper on deviations from the mean, replica stored one after the other with
 * the given lengths (each >= 2).
 */
function analyse(
  deviations: Float64Array,
  lengths: number[],
  mean: number,
  S: number,
): GammaResult {
  const N = deviations.length;
  const gamma0 = gammaAt(deviations, lengths, 0);
  const naiveError = Math.sqrt(gamma0 / (N - 1)); // sqrt(s^2/N), s^2 = N Gamma(0)/(N - 1)

  if (!(gamma0 > 0)) {
    // No fluctuations: the mean is exact.
    return {
      mean,
      error: 0,
      errorOfError: 0,
      tauInt: 0.5,
      tauIntError: 0,
      window: 0,
      n: N,
      naiveError: 0,
      rho: Float64Array.of(1),
    };
  }

  // Automatic windowing, eqs. (50)-(52), computing Gamma(t) only as far as needed.
  const gamma: number[] = [gamma0];
  let W = 0;
  let windowFailed = false;
  if (S > 0) {
    const tMax = Math.floor(Math.min(...lengths) / 2);
    let rhoSum = 0; // sum_{t=1}^{W} rho(t) = tau_int(W) - 1/2
    windowFailed = true;
    for (let t = 1; t <= tMax; t++) {
      const g = gammaAt(deviations, lengths, t);
      gamma.push(g);
      rhoSum += g / gamma0;
      // eq. (51): S/tau = ln((2 tau_int + 1)/(2 tau_int - 1)) = ln(1 + 1/rhoSum)
      const tau = rhoSum > 0 ? S / Math.log1p(1 / rhoSum) : Number.EPSILON;
      if (Math.exp(-t / tau) - tau / Math.sqrt(t * N) < 0) {
        W = t;
        windowFailed = false;
        break;
      }
    }
    if (windowFailed) W = tMax;
  }

  // eq. (35). The window closes at the first t with tau_int(t) <= 1/2, so C_F(W) can come
  // out <= 0 for strongly anticorrelated data (rho(W) < -tau_int(W - 1)), where Wolff's
  // UWerr stops ("Gamma pathological"). We step back to W - 1 instead: tau_int(W - 1) > 1/2
  // there, so C_F(W - 1) > 0, and the error is the larger, conservative one.
  let cf = gamma[0];
  for (let t = 1; t <= W; t++) cf += 2 * gamma[t];
  if (!(cf > 0)) {
    cf -= 2 * gamma[W];
    W -= 1;
  }
  // bias correction, eq. (49)
  const bias = cf / N;
  const rho = new Float64Array(W + 1);
  const g0 = gamma[0] + bias;
  for (let t = 0; t <= W; t++) rho[t] = (gamma[t] + bias) / g0;
  cf += (2 * W + 1) * bias;

  const error = Math.sqrt(cf / N);
  const tauInt = cf / (2 * g0);
  const result: GammaResult = {
    mean,
    error,
    errorOfError: error * Math.sqrt((W + 0.5) / N), // eq. (41)
    tauInt,
    tauIntError: 2 * tauInt * Math.sqrt(Math.max(0, W + 0.5 - tauInt) / N), // eq. (42)
    window: W,
    n: N,
    naiveError,
    rho,
  };
  if (windowFailed) result.windowFailed = true;
  return result;
}

/** Gamma(t) of eq. (31): lag-t products inside each replicum, divided by N - R t. */
function gammaAt(d: Float64Array, lengths: number[], t: number): number {
  let sum = 0;
  let offset = 0;
  for (const length of lengths) {
    const end = offset + length - t;
    let s0 = 0;
    let s1 = 0;
    let i = offset;
    // Two accumulators: independent add chains run about twice as fast in V8.
    for (; i + 1 < end; i += 2) {
      s0 += d[i] * d[i + t];
      s1 += d[i + 1] * d[i + 1 + t];
    }
    if (i < end) s0 += d[i] * d[i + t];
    sum += s0 + s1;
    offset += length;
  }
  return sum / (d.length - lengths.length * t);
}

/**
 * The mean of all values of all series, summed relative to the first value: a constant
 * series gives its value exactly (so its deviations are exactly 0), and the sum loses
 * less to rounding when the fluctuations are small compared to the mean.
 */
function shiftedMean(series: ArrayLike<number>[]): number {
  const x0 = series[0][0];
  let sum = 0;
  let n = 0;
  for (const x of series) {
    for (let i = 0; i < x.length; i++) sum += x[i] - x0;
    n += x.length;
  }
  return x0 + sum / n;
}

// ---------------------------------------------------------------------------------------
// Validation at the public edge.

function checkS(fn: string, options: GammaOptions): number {
  if (options === null || typeof options !== 'object') {
    throw typeError(fn, 'options', 'an object', options);
  }
  const S = options.S ?? DEFAULT_S;
  if (typeof S !== 'number') throw typeError(fn, 'options.S', 'a number', S);
  if (!Number.isFinite(S) || S < 0) throw rangeError(fn, 'options.S', 'a finite number >= 0', S);
  return S;
}

function checkSeries(fn: string, arg: string, x: ArrayLike<number>): void {
  if (x === null || typeof x !== 'object' || typeof x.length !== 'number') {
    throw typeError(fn, arg, 'an array of numbers', x);
  }
  if (x.length < 2) throw rangeError(fn, arg, 'at least 2 measurements', `length ${x.length}`);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw rangeError(fn, arg, 'finite numbers', `${String(v)} at index ${i}`);
    }
  }
}
