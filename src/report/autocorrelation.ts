/**
 * The normalised autocorrelation function of a Monte Carlo history for display, continued
 * past the automatic window W of the Gamma method (../core/gamma.ts stops at W):
 * Wolff's UWerr plots rho(t) up to 2W, so that one sees it fall into the noise.
 *
 * With the same symbols as gamma.ts (U. Wolff, Comput. Phys. Commun. 156 (2004) 143,
 * hep-lat/0306017): Gamma(t) of eq. (31) around the mean abar, and the bias correction of
 * eq. (49), every Gamma(t) raised by C_F(W)/N before rho(t) = Gamma(t)/Gamma(0). The bias
 * C_F(W)/N is recovered from the analysis: sigma_F^2 = C_F(W)/N with the corrected C_F(W) =
 * C_F^raw(W) + (2W + 1) C_F^raw(W)/N, so C_F^raw(W)/N = sigma_F^2 / (1 + (2W + 1)/N). For
 * t <= W this gives exactly the analysis' own rho.
 *
 * @module
 */
import type { GammaResult } from '../core/gamma.js';
import { checkInteger } from '../core/validate.js';

/**
 * rho(t) for t = 0..lagMax (lagMax clipped to floor(N/2)) of `series`, whose Gamma-method
 * analysis is `analysis` (its mean, error, window and N are used).
 *
 * @throws RangeError when lagMax is not an integer >= 0, or the series length differs from
 *   analysis.n.
 */
export function displayedAutocorrelation(
  series: ArrayLike<number>,
  analysis: GammaResult,
  lagMax: number,
): Float64Array {
  const fn = 'displayedAutocorrelation';
  checkInteger(fn, 'lagMax', lagMax, 0);
  const N = series.length;
  checkInteger(fn, 'series.length', N, analysis.n, analysis.n);
  const tMax = Math.min(lagMax, Math.floor(N / 2));
  const rho = new Float64Array(tMax + 1);
  const d = new Float64Array(N);
  for (let i = 0; i < N; i++) d[i] = series[i] - analysis.mean;
  const gamma = (t: number): number => {
    let s = 0;
    for (let i = 0; i + t < N; i++) s += d[i] * d[i + t];
    return s / (N - t);
  };
  const gamma0 = gamma(0);
  if (!(gamma0 > 0)) {
    rho[0] = 1; // a constant series: no fluctuations, rho(0) = 1 by convention, 0 beyond
    return rho;
  }
  const W = analysis.window;
  const bias = analysis.error ** 2 / (1 + (2 * W + 1) / N); // C_F^raw(W)/N, eq. (49)
  const g0 = gamma0 + bias;
  for (let t = 0; t <= tMax; t++) rho[t] = (gamma(t) + bias) / g0;
  return rho;
}

/** The lags to display for a window W: up to 2W as in Wolff's UWerr, at least 20. */
export function displayedLagMax(window: number, n: number): number {
  return Math.min(Math.floor(n / 2), Math.max(2 * window, 20));
}
