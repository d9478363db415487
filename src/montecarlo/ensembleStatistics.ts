/**
 * Statistics of an ensemble's recorded observables: for each beta, the Gamma-method mean,
 * error and integrated autocorrelation time of every observable (../core/gamma.ts). These are the
 * numbers `lgt measure` prints.
 *
 * An ensemble that merges independent chains of the same parameters (`/chain`, `lgt merge`)
 * is analysed as R replica: Gamma(t) is summed inside each chain only, around the common mean,
 * and divided by N - R t (Wolff, hep-lat/0306017, eq. (31); ../core/gamma.ts
 * `gammaAnalysisReplica`), as pyerrors does for several replica of one ensemble.
 *
 * @module
 */
import { checkInteger, rangeError } from '../core/validate.js';
import { gammaAnalysisReplica } from '../core/gamma.js';

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
  /** Configurations used (after skipping), over all chains. */
  configurations: number;
  /** Independent chains (replica) that entered: 1 for an ensemble of one run. */
  replicas: number;
  /** Estimate of every recorded observable, by name. */
  observables: Record<string, ObservableEstimate>;
}

/**
 * Groups the series by beta (in order of first appearance) and, inside each beta, by chain
 * (`chain[i]`, when given), drops the first `skip` configurations of each chain, and analyses
 * every observable over the chains that keep at least 2 configurations, as replica (module
 * header). Without `chain` every beta is one chain.
 */
export function ensembleStatistics(
  beta: ArrayLike<number>,
  observables: Record<string, ArrayLike<number>>,
  skip = 0,
  chain?: ArrayLike<number>,
): BetaStatistics[] {
  checkInteger('ensembleStatistics', 'skip', skip, 0);
  if (chain !== undefined && chain.length !== beta.length) {
    throw rangeError(
      'ensembleStatistics',
      'chain',
      `one chain index per configuration (${beta.length})`,
      `length ${chain.length}`,
    );
  }
  const groups = new Map<number, Map<number, number[]>>();
  for (let i = 0; i < beta.length; i++) {
    let byChain = groups.get(beta[i]);
    if (byChain === undefined) groups.set(beta[i], (byChain = new Map()));
    const c = chain === undefined ? 0 : chain[i];
    let g = byChain.get(c);
    if (g === undefined) byChain.set(c, (g = []));
    g.push(i);
  }
  const out: BetaStatistics[] = [];
  for (const [b, byChain] of groups) {
    const replica = [...byChain.values()].map((indices) => indices.slice(skip));
    const usedReplica = replica.filter((indices) => indices.length >= 2);
    const n = usedReplica.reduce((sum, indices) => sum + indices.length, 0);
    const estimates: Record<string, ObservableEstimate> = {};
    if (usedReplica.length > 0) {
      for (const [name, series] of Object.entries(observables)) {
        const r = gammaAnalysisReplica(usedReplica.map((indices) => indices.map((i) => series[i])));
        estimates[name] = {
          mean: r.mean,
          error: r.error,
          tauInt: r.tauInt,
          tauIntError: r.tauIntError,
          n,
        };
      }
    }
    out.push({ beta: b, configurations: n, replicas: usedReplica.length, observables: estimates });
  }
  return out;
}
