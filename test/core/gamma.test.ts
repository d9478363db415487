import { describe, it, expect } from 'vitest';
import {
  gammaAnalysis,
  gammaAnalysisDerived,
  gammaAnalysisReplica,
  type GammaResult,
} from '../../src/core/gamma.js';
import { Xoshiro128 } from '../../src/core/rng.js';

/** Independent standard normal draws. */
function gaussian(rng: Xoshiro128, n: number): Float64Array {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = rng.normal();
  return x;
}

/**
 * Stationary AR(1) chain x_{t+1} = a x_t + sqrt(1 - a^2) eta_t, x_0 ~ N(0, 1): unit variance,
 * rho(t) = a^t, so tau_int = 1/2 + sum_{t>=1} a^t = (1/2)(1 + a)/(1 - a).
 */
function ar1(rng: Xoshiro128, a: number, n: number): Float64Array {
  const x = new Float64Array(n);
  const c = Math.sqrt(1 - a * a);
  x[0] = rng.normal();
  for (let i = 1; i < n; i++) x[i] = a * x[i - 1] + c * rng.normal();
  return x;
}

const exactTauInt = (a: number): number => (0.5 * (1 + a)) / (1 - a);

function expectAllFinite(r: GammaResult): void {
  for (const v of [r.mean, r.error, r.errorOfError, r.tauInt, r.tauIntError, r.naiveError]) {
    expect(Number.isFinite(v)).toBe(true);
  }
  for (const v of r.rho) expect(Number.isFinite(v)).toBe(true);
}

describe('gammaAnalysis', () => {
  it('finds tau_int = 1/2 and the naive error for uncorrelated Gaussian data', () => {
    const N = 20_000;
    const r = gammaAnalysis(gaussian(new Xoshiro128(1), N));
    expect(r.n).toBe(N);
    expect(Math.abs(r.tauInt - 0.5)).toBeLessThanOrEqual(4 * r.tauIntError);
    expect(Math.abs(r.error - r.naiveError)).toBeLessThanOrEqual(3 * r.errorOfError);
    expect(Math.abs(r.error - 1 / Math.sqrt(N))).toBeLessThanOrEqual(3 * r.errorOfError);
    expect(Math.abs(r.mean)).toBeLessThanOrEqual(4 * r.error);
    expect(r.windowFailed).toBeUndefined();
  });

  it.each([0.5, 0.9, 0.97])(
    'recovers tau_int = (1+a)/(2(1-a)) and the error sqrt(2 tau_int / N) of an AR(1) chain with a = %s',
    (a) => {
      const N = 100_000;
      const r = gammaAnalysis(ar1(new Xoshiro128(Math.round(a * 100)), a, N));
      const tau = exactTauInt(a);
      expect(Math.abs(r.tauInt - tau)).toBeLessThanOrEqual(3 * r.tauIntError);
      // sigma^2 = 1: the exact error of the mean is sqrt(2 tau_int / N).
      expect(Math.abs(r.error - Math.sqrt((2 * tau) / N))).toBeLessThanOrEqual(3 * r.errorOfError);
      expect(r.error / r.naiveError).toBeCloseTo(Math.sqrt(2 * r.tauInt), 2);
      expect(r.rho.length).toBe(r.window + 1);
      expect(r.rho[0]).toBe(1);
      expect(r.rho[1]).toBeCloseTo(a, 2);
      // the window lies a few autocorrelation times out, far below N/2
      expect(r.window).toBeGreaterThan(tau);
      expect(r.window).toBeLessThan(20 * tau);
    },
  );

  it('gives errors that cover the exact mean 0 in about 68% of 200 independent AR(1) chains', () => {
    const chains = 200;
    const rng = new Xoshiro128(2024);
    let covered = 0;
    const results: GammaResult[] = [];
    for (let c = 0; c < chains; c++) {
      const r = gammaAnalysis(ar1(rng, 0.9, 2000));
      results.push(r);
      if (Math.abs(r.mean) <= r.error) covered++;
    }
    const p = 0.6827;
    const sigma = Math.sqrt((p * (1 - p)) / chains);
    expect(Math.abs(covered / chains - p)).toBeLessThanOrEqual(4 * sigma);

    // errorOfError and tauIntError describe the spread of error and tauInt over the chains
    // (the standard deviation of 200 draws is known to about 5%).
    const mean = (v: number[]): number => v.reduce((s, x) => s + x, 0) / v.length;
    const sd = (v: number[]): number => Math.sqrt(mean(v.map((x) => (x - mean(v)) ** 2)));
    const pick = (k: keyof GammaResult): number[] => results.map((r) => r[k] as number);
    expect(sd(pick('error')) / mean(pick('errorOfError'))).toBeGreaterThan(0.75);
    expect(sd(pick('error')) / mean(pick('errorOfError'))).toBeLessThan(1.25);
    expect(sd(pick('tauInt')) / mean(pick('tauIntError'))).toBeGreaterThan(0.75);
    expect(sd(pick('tauInt')) / mean(pick('tauIntError'))).toBeLessThan(1.25);
  });

  it('returns error 0, tau_int 1/2 and window 0 for a constant series, without NaN', () => {
    const r = gammaAnalysis(new Array(1000).fill(0.1));
    expect(r.mean).toBe(0.1);
    expect(r.error).toBe(0);
    expect(r.naiveError).toBe(0);
    expect(r.tauInt).toBe(0.5);
    expect(r.window).toBe(0);
    expect(Array.from(r.rho)).toEqual([1]);
    expectAllFinite(r);
  });

  it('assumes no autocorrelations for S = 0: window 0, tau_int 1/2, the naive error', () => {
    const r = gammaAnalysis(ar1(new Xoshiro128(3), 0.9, 5000), { S: 0 });
    expect(r.window).toBe(0);
    expect(r.tauInt).toBe(0.5);
    expect(r.error / r.naiveError).toBeCloseTo(1, 6);
  });

  it('widens the window with S', () => {
    const x = ar1(new Xoshiro128(4), 0.9, 20_000);
    expect(gammaAnalysis(x, { S: 3 }).window).toBeGreaterThan(gammaAnalysis(x, { S: 1 }).window);
  });

  it('steps the window back to a positive C_F(W) for strongly anticorrelated data', () => {
    // rho(1) = -1: C_F(1) = Gamma(0)(1 + 2 rho(1)) < 0, where Wolff's code gives up.
    for (const x of [[1, 2], Array.from({ length: 100 }, (_, i) => (i % 2) + 0.001 * i)]) {
      const r = gammaAnalysis(x);
      expect(r.window).toBe(0);
      expect(r.tauInt).toBe(0.5);
      expect(r.error).toBeGreaterThan(0);
      expectAllFinite(r);
    }
  });
});

/**
 * Eqs. (31), (35), (41), (42), (49)-(52) of hep-lat/0306017 transcribed literally, all lags
 * up to min N_r / 2 computed up front: the reference for the lazy implementation.
 */
function reference(replica: number[][], S: number): Omit<GammaResult, 'naiveError'> {
  const N = replica.reduce((s, x) => s + x.length, 0);
  const R = replica.length;
  const abar = replica.flat().reduce((s, v) => s + v, 0) / N;
  const tMax = Math.floor(Math.min(...replica.map((x) => x.length)) / 2);
  const Gamma: number[] = [];
  for (let t = 0; t <= tMax; t++) {
    let sum = 0;
    for (const x of replica) {
      for (let i = 0; i + t < x.length; i++) sum += (x[i] - abar) * (x[i + t] - abar);
    }
    Gamma.push(sum / (N - R * t)); // eq. (31)
  }
  const tauIntOf = (W: number): number =>
    0.5 + Gamma.slice(1, W + 1).reduce((s, g) => s + g, 0) / Gamma[0]; // eq. (35)
  let W = tMax;
  for (let w = 1; w <= tMax; w++) {
    const ti = tauIntOf(w);
    const tau = ti <= 0.5 ? Number.EPSILON : S / Math.log((2 * ti + 1) / (2 * ti - 1)); // (51)
    if (Math.exp(-w / tau) - tau / Math.sqrt(w * N) < 0) {
      W = w; // eq. (52)
      break;
    }
  }
  const CF = (g: number[]): number => g[0] + 2 * g.slice(1, W + 1).reduce((s, v) => s + v, 0);
  const corrected = Gamma.map((g) => g + CF(Gamma) / N); // eq. (49)
  const error = Math.sqrt(CF(corrected) / N);
  const tauInt = CF(corrected) / (2 * corrected[0]);
  return {
    mean: abar,
    error,
    errorOfError: error * Math.sqrt((W + 0.5) / N), // eq. (41)
    tauInt,
    tauIntError: 2 * tauInt * Math.sqrt((W + 0.5 - tauInt) / N), // eq. (42)
    window: W,
    n: N,
    rho: Float64Array.from(corrected.slice(0, W + 1).map((g) => g / corrected[0])),
  };
}

describe('the Gamma method against a literal transcription of the paper', () => {
  it.each([1, 1.5, 2.5])(
    'agrees to rounding for three AR(1) replica of lengths 70, 120 and 90, S = %s',
    (S) => {
      const rng = new Xoshiro128(13);
      const replica = [70, 120, 90].map((n) => Array.from(ar1(rng, 0.7, n), (v) => 3 + v));
      const r = gammaAnalysisReplica(replica, { S });
      const ref = reference(replica, S);
      expect(r.window).toBe(ref.window);
      expect(r.n).toBe(ref.n);
      expect(r.rho.length).toBe(ref.rho.length);
      for (const k of ['mean', 'error', 'errorOfError', 'tauInt', 'tauIntError'] as const) {
        expect(r[k]).toBeCloseTo(ref[k], 12);
      }
      for (let t = 0; t < r.rho.length; t++) expect(r.rho[t]).toBeCloseTo(ref.rho[t], 12);
    },
  );
});

describe('gammaAnalysisReplica', () => {
  it('gives the same result as gammaAnalysis for a single replicum', () => {
    const x = ar1(new Xoshiro128(5), 0.5, 5000);
    expect(gammaAnalysisReplica([x])).toEqual(gammaAnalysis(x));
  });

  it('gives a result consistent with the whole chain when one long chain is split into replica', () => {
    const x = ar1(new Xoshiro128(6), 0.9, 40_000);
    const whole = gammaAnalysis(x);
    const parts = [0, 1, 2, 3].map((k) => x.subarray(k * 10_000, (k + 1) * 10_000));
    const split = gammaAnalysisReplica(parts);
    expect(split.n).toBe(whole.n);
    expect(split.mean).toBeCloseTo(whole.mean, 12);
    expect(Math.abs(split.error - whole.error)).toBeLessThanOrEqual(whole.errorOfError);
    expect(Math.abs(split.tauInt - whole.tauInt)).toBeLessThanOrEqual(whole.tauIntError);
  });

  it('combines replica of different lengths, weighting each measurement equally', () => {
    const rng = new Xoshiro128(7);
    const replica = [30_000, 50_000, 10_000].map((n) => ar1(rng, 0.5, n));
    const r = gammaAnalysisReplica(replica);
    const N = 90_000;
    let sum = 0;
    for (const x of replica) for (const v of x) sum += v;
    expect(r.n).toBe(N);
    expect(r.mean).toBeCloseTo(sum / N, 12);
    const tau = exactTauInt(0.5);
    expect(Math.abs(r.tauInt - tau)).toBeLessThanOrEqual(3 * r.tauIntError);
    expect(Math.abs(r.error - Math.sqrt((2 * tau) / N))).toBeLessThanOrEqual(3 * r.errorOfError);
  });

  it('flags a failed window when the replica are too short for their autocorrelations', () => {
    // 20 replica of length 4, each nearly constant around its own offset: rho(t) ~ 1.
    const rng = new Xoshiro128(8);
    const replica = Array.from({ length: 20 }, () => {
      const offset = rng.normal();
      return Array.from({ length: 4 }, () => offset + 0.01 * rng.normal());
    });
    const r = gammaAnalysisReplica(replica);
    expect(r.windowFailed).toBe(true);
    expect(r.window).toBe(2);
    expectAllFinite(r);
  });
});

describe('gammaAnalysisDerived', () => {
  it('matches the linearised analytic error of A/B for uncorrelated data', () => {
    const N = 20_000;
    const rng = new Xoshiro128(9);
    const [muA, sA, muB, sB] = [2, 0.5, 4, 0.2];
    const a = gaussian(rng, N).map((z) => muA + sA * z);
    const b = gaussian(rng, N).map((z) => muB + sB * z);
    const r = gammaAnalysisDerived([a, b], ([A, B]) => A / B);
    const abar = a.reduce((s, v) => s + v, 0) / N;
    const bbar = b.reduce((s, v) => s + v, 0) / N;
    expect(r.mean).toBeCloseTo(abar / bbar, 12);
    // sigma_F^2 = [(sA / muB)^2 + (muA sB / muB^2)^2] / N
    const analytic = Math.sqrt(((sA / muB) ** 2 + ((muA * sB) / muB ** 2) ** 2) / N);
    expect(Math.abs(r.error - analytic)).toBeLessThanOrEqual(3 * r.errorOfError);
    expect(Math.abs(r.tauInt - 0.5)).toBeLessThanOrEqual(4 * r.tauIntError);
  });

  it('equals gammaAnalysis of the explicit linear combination f_A a + f_B b for correlated A, B', () => {
    const N = 20_000;
    const rng = new Xoshiro128(10);
    const x = ar1(rng, 0.8, N);
    const y = ar1(rng, 0.8, N);
    const a = x.map((v) => 2 + v);
    const b = x.map((v, i) => 4 + 0.5 * v + 0.3 * y[i]);
    const r = gammaAnalysisDerived([a, b], ([A, B]) => A / B);
    const abar = a.reduce((s, v) => s + v, 0) / N;
    const bbar = b.reduce((s, v) => s + v, 0) / N;
    const [fA, fB] = [1 / bbar, -abar / bbar ** 2];
    const linear = gammaAnalysis(a.map((v, i) => fA * v + fB * b[i]));
    expect(r.error / linear.error).toBeCloseTo(1, 6);
    expect(r.tauInt).toBeCloseTo(linear.tauInt, 6);
    expect(r.window).toBe(linear.window);
    // the cross-correlation matters: ignoring it would give a visibly different error
    const separate = Math.hypot(fA * gammaAnalysis(a).error, fB * gammaAnalysis(b).error);
    expect(Math.abs(separate / r.error - 1)).toBeGreaterThan(0.1);
  });

  it('gives A^2 of an autocorrelated chain the error 2 |abar| times the error of A', () => {
    const a = ar1(new Xoshiro128(11), 0.9, 20_000).map((v) => 1 + v);
    const primary = gammaAnalysis(a);
    const r = gammaAnalysisDerived([a], ([A]) => A * A);
    expect(r.mean).toBeCloseTo(primary.mean ** 2, 12);
    expect(r.error / (2 * Math.abs(primary.mean) * primary.error)).toBeCloseTo(1, 9);
    expect(r.tauInt).toBeCloseTo(primary.tauInt, 9);
    expect(r.window).toBe(primary.window);
  });

  it('gives error 0 when f does not depend on the fluctuating observable', () => {
    const rng = new Xoshiro128(12);
    const r = gammaAnalysisDerived([gaussian(rng, 100), gaussian(rng, 100)], ([A]) => 3 * A);
    expect(r.error).toBeGreaterThan(0);
    const flat = gammaAnalysisDerived([gaussian(rng, 100)], () => 7);
    expect(flat.mean).toBe(7);
    expect(flat.error).toBe(0);
    expectAllFinite(flat);
  });
});

describe('input validation', () => {
  it('rejects an empty series, naming the argument and its length', () => {
    expect(() => gammaAnalysis([])).toThrow(RangeError);
    expect(() => gammaAnalysis([])).toThrow(
      'gammaAnalysis: invalid series: expected at least 2 measurements, got length 0',
    );
  });

  it('rejects a single measurement', () => {
    expect(() => gammaAnalysis([1])).toThrow(/invalid series: .* got length 1/);
  });

  it('rejects non-finite values, naming the value and its index', () => {
    expect(() => gammaAnalysis([1, NaN, 3])).toThrow(
      'gammaAnalysis: invalid series: expected finite numbers, got NaN at index 1',
    );
    expect(() => gammaAnalysis(new Float64Array([1, 2, Infinity]))).toThrow(
      /got Infinity at index 2/,
    );
  });

  it('rejects an invalid S', () => {
    expect(() => gammaAnalysis([1, 2, 3], { S: -1 })).toThrow(
      'gammaAnalysis: invalid options.S: expected a finite number >= 0, got -1',
    );
  });

  it('rejects no replica and a replicum shorter than 2, naming which', () => {
    expect(() => gammaAnalysisReplica([])).toThrow(/gammaAnalysisReplica: invalid replica: /);
    expect(() => gammaAnalysisReplica([[1, 2, 3], [4]])).toThrow(
      'gammaAnalysisReplica: invalid replica[1]: expected at least 2 measurements, got length 1',
    );
    expect(() =>
      gammaAnalysisReplica([
        [1, 2],
        [3, NaN],
      ]),
    ).toThrow(/invalid replica\[1\]: expected finite numbers, got NaN at index 1/);
  });

  it('rejects derived-quantity series of unequal length and an f that is not finite', () => {
    const f = ([A, B]: number[]): number => A / B;
    expect(() => gammaAnalysisDerived([], f)).toThrow(RangeError);
    expect(() =>
      gammaAnalysisDerived(
        [
          [1, 2],
          [1, 2, 3],
        ],
        f,
      ),
    ).toThrow(
      'gammaAnalysisDerived: invalid series[1]: expected length 2 like series[0], got length 3',
    );
    expect(() =>
      gammaAnalysisDerived(
        [
          [1, 2],
          [0, 0],
        ],
        f,
      ),
    ).toThrow(
      /gammaAnalysisDerived: invalid f: expected a finite value at the means, got Infinity/,
    );
  });
});

describe('gammaAnalysisDerived with chosen difference steps', () => {
  it('gives the default analysis for a linear f, and refuses steps that are not one per series or not > 0', () => {
    const rng = new Xoshiro128(31);
    const a = Float64Array.from({ length: 200 }, () => rng.uniform());
    const b = Float64Array.from({ length: 200 }, () => rng.uniform());
    const f = (m: number[]): number => 2 * m[0] - 3 * m[1];
    const plain = gammaAnalysisDerived([a, b], f);
    const small = gammaAnalysisDerived([a, b], f, { steps: [1e-7, 1e-7] });
    expect(Math.abs(small.error - plain.error)).toBeLessThan(1e-9 * plain.error);
    expect(() => gammaAnalysisDerived([a, b], f, { steps: [1e-7] })).toThrow(
      /gammaAnalysisDerived: invalid options.steps: expected 2 steps, one per series, got \[1e-7\]/,
    );
    expect(() => gammaAnalysisDerived([a, b], f, { steps: [1e-7, 0] })).toThrow(
      /invalid options.steps\[1\]: expected a finite step > 0, got 0/,
    );
  });
});
