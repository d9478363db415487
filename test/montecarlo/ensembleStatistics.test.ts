import { describe, expect, it } from 'vitest';
import { Xoshiro128 } from '../../src/core/rng.js';
import { ensembleStatistics } from '../../src/montecarlo/ensembleStatistics.js';
import { gammaAnalysis } from '../../src/core/gamma.js';

/** An AR(1) series x_t = a x_{t-1} + noise around `mean`: correlated like a Monte Carlo history. */
function ar1(rng: Xoshiro128, a: number, n: number, mean: number): number[] {
  const out: number[] = [];
  let x = 0;
  for (let i = 0; i < n; i++) {
    x = a * x + rng.normal();
    out.push(mean + x);
  }
  return out;
}

/**
 * The replica analysis written out directly from Wolff's eq. (31), (35), (49)-(52)
 * (hep-lat/0306017) for one window: Gamma(t) summed inside each replicum around the common
 * mean and divided by N - R t, the window by the automatic criterion with S = 1.5, the bias
 * correction of eq. (49).
 */
function directReplicaError(replica: number[][]): { mean: number; error: number } {
  const all = replica.flat();
  const N = all.length;
  const R = replica.length;
  const mean = all.reduce((s, v) => s + v, 0) / N;
  const gamma = (t: number): number => {
    let s = 0;
    for (const x of replica)
      for (let i = 0; i + t < x.length; i++) s += (x[i] - mean) * (x[i + t] - mean);
    return s / (N - R * t);
  };
  const g0 = gamma(0);
  let W = 0;
  let sum = 0;
  const tMax = Math.floor(Math.min(...replica.map((x) => x.length)) / 2);
  const gammas = [g0];
  for (let t = 1; t <= tMax; t++) {
    gammas.push(gamma(t));
    sum += gammas[t] / g0;
    const tau =
      sum > 0 ? 1.5 / Math.log((2 * (0.5 + sum) + 1) / (2 * (0.5 + sum) - 1)) : Number.EPSILON;
    if (Math.exp(-t / tau) - tau / Math.sqrt(t * N) < 0) {
      W = t;
      break;
    }
  }
  let cf = g0;
  for (let t = 1; t <= W; t++) cf += 2 * gammas[t];
  cf += ((2 * W + 1) * cf) / N;
  return { mean, error: Math.sqrt(cf / N) };
}

describe('ensembleStatistics with chains', () => {
  const rng = new Xoshiro128(11);
  const chains = [ar1(rng, 0.6, 400, 0.5), ar1(rng, 0.6, 300, 0.5), ar1(rng, 0.6, 500, 0.5)];
  const values = chains.flat();
  const chain = chains.flatMap((x, r) => x.map(() => r));
  const beta = values.map(() => 2.3);

  it('analyses the chains of a beta as replica (Wolff eq. 31), as a direct computation does', () => {
    const [s] = ensembleStatistics(beta, { plaquette: values }, 0, chain);
    const direct = directReplicaError(chains);
    expect(s.replicas).toBe(3);
    expect(s.configurations).toBe(1200);
    expect(s.observables.plaquette.mean).toBeCloseTo(direct.mean, 14);
    expect(s.observables.plaquette.error).toBeCloseTo(direct.error, 14);
  });

  it('differs from treating the chains as one history (the joins are not autocorrelated)', () => {
    const [s] = ensembleStatistics(beta, { plaquette: values }, 0, chain);
    const one = gammaAnalysis(values);
    expect(s.observables.plaquette.mean).toBeCloseTo(one.mean, 14);
    expect(s.observables.plaquette.error).not.toBe(one.error);
  });

  it('skips the first configurations of each chain, and drops chains left with fewer than 2', () => {
    const [s] = ensembleStatistics(beta, { plaquette: values }, 299, chain);
    expect(s.replicas).toBe(2); // the chain of 300 keeps 1 configuration
    expect(s.configurations).toBe(101 + 201);
    const direct = directReplicaError([chains[0].slice(299), chains[2].slice(299)]);
    expect(s.observables.plaquette.error).toBeCloseTo(direct.error, 14);
  });

  it('is the one-chain analysis without chains, and refuses chains of the wrong length', () => {
    const [s] = ensembleStatistics(beta, { plaquette: values });
    expect(s.replicas).toBe(1);
    expect(s.observables.plaquette.error).toBe(gammaAnalysis(values).error);
    expect(() => ensembleStatistics(beta, { plaquette: values }, 0, [0, 1])).toThrow(
      'ensembleStatistics: invalid chain: expected one chain index per configuration (1200), got length 2',
    );
  });
});
