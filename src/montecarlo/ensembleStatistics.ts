/**
 * Statistics of an ensemble's recorded observables: for each beta, the Gamma-method mean,
 * error and integrated autocorrelation time of every observable (./gamma.ts). These are the
 * numbers `lgt measure` prints.
 *
 * @module
 */
import { checkInteger } from '../core/validate.js';
import { gammaAnalysis } from './gamma.js';

/** Mean with its autocorrelation-aware error (stable JSON keys). */
export interface ObservableEstimate {
  /** The mean over the configurations used. */
  mean: number;
  /** Its error, autocorrelations included (Gamma method). */
  error: number;
  /** Integrated autocorrelation time, in units of the saved configurations (1/2: none). */
  tauInt: number;
  /** The error of tauInt. */
  tauIntError: number;
  /** Measurements that entered. */
  n: number;
}

/** The estimates of one beta. */
export interface BetaStatistics {
  /** The coupling. */
  beta: number;
  /** Configurations used (after skipping). */
  configurations: number;
  /** Estimate of every recorded observable, by name. */
  observables: Record<string, ObservableEstimate>;
}

/**
 * Groups the series by beta (in order of first appearance), drops the first `skip`
 * configurations of each beta, and analyses every observable.
 */
export function ensembleStatistics(
  beta: ArrayLike<number>,
  observables: Record<string, ArrayLike<number>>,
  skip = 0,
): BetaStatistics[] {
  checkInteger('ensembleStatistics', 'skip', skip, 0);
  const groups = new Map<number, number[]>();
  for (let i = 0; i < beta.length; i++) {
    let g = groups.get(beta[i]);
    if (g === undefined) groups.set(beta[i], (g = []));
    g.push(i);
  }
  const out: BetaStatistics[] = [];
  for (const [b, indices] of groups) {
    const used = indices.slice(skip);
    const estimates: Record<string, ObservableEstimate> = {};
    if (used.length >= 2) {
      for (const [name, series] of Object.entries(observables)) {
        const r = gammaAnalysis(used.map((i) => series[i]));
        estimates[name] = {
          mean: r.mean,
          error: r.error,
          tauInt: r.tauInt,
          tauIntError: r.tauIntError,
          n: used.length,
        };
      }
    }
    out.push({ beta: b, configurations: used.length, observables: estimates });
  }
  return out;
}
