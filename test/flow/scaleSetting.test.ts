/**
 * Scale setting on synthetic flow curves whose t0 and w0 are known: t^2 E(t) = 0.3 (t/t0)^p
 * exactly, measured at times 0.05 apart, with fluctuations from configuration to
 * configuration that are correlated along the flow (as real ones are) and autocorrelated in
 * Monte Carlo time. The estimates fall within 4 sigma of the truth, the Gamma-method errors
 * match the spread over independent repetitions, the interpolation error is far below the
 * statistical one, and a flow that stops short is refused with the reach it had.
 */
import { describe, expect, it } from 'vitest';
import { Xoshiro128 } from '../../src/core/rng.js';
import {
  findCrossing,
  flowCurve,
  flowScale,
  lagrange,
  lagrangeDerivative,
  t0SquaredChi,
  topologicalSusceptibility,
} from '../../src/flow/scaleSetting.js';

const T0 = 2.5;
const P = 1.2;
/** t^2 E = 0.3 (t/T0)^P, so W = P t^2 E and W = 0.3 at t = T0 (1/P)^(1/P). */
const exactW0 = Math.sqrt(T0 * (1 / P) ** (1 / P));
const times = Array.from({ length: 81 }, (_, j) => 0.05 * (j + 1)); // 0.05 ... 4.05

/**
 * energies[j][i]: E(t_j) (1 + 0.02 r_i + 0.005 s_i t_j / t0) with r an AR(1) series of
 * autocorrelation `rho` in Monte Carlo time (unit variance) and s independent normal: each
 * configuration's curve is smooth in t, as a flowed one is.
 */
function synthetic(n: number, seed: number, rho = 0): Float64Array[] {
  const rng = new Xoshiro128(seed);
  const normal = (): number =>
    Math.sqrt(-2 * Math.log(1 - rng.uniform())) * Math.cos(2 * Math.PI * rng.uniform());
  const r = new Float64Array(n);
  let x = normal();
  for (let i = 0; i < n; i++) {
    r[i] = x;
    x = rho * x + Math.sqrt(1 - rho * rho) * normal();
  }
  const s = Float64Array.from(r, () => normal());
  return times.map((t) => {
    const e = (0.3 * (t / T0) ** P) / (t * t);
    return Float64Array.from(r, (ri, i) => e * (1 + 0.02 * ri + (0.005 * s[i] * t) / T0));
  });
}

describe('the interpolation', () => {
  it('is exact for polynomials of its degree, values and derivatives', () => {
    const xs = [1, 1.5, 2.5, 3];
    const p = (t: number): number => 2 - t + 0.5 * t * t - 0.25 * t ** 3;
    const dp = (t: number): number => -1 + t - 0.75 * t * t;
    for (const t of [1.2, 2, 2.9]) {
      expect(Math.abs(lagrange(xs, xs.map(p), t) - p(t))).toBeLessThan(1e-14);
      expect(Math.abs(lagrangeDerivative(xs, xs.map(p), t) - dp(t))).toBeLessThan(1e-13);
    }
  });

  it('finds the crossings of noiseless curves to 1e-6 of t0 and w0', () => {
    const e = times.map((t) => (0.3 * (t / T0) ** P) / (t * t));
    expect(Math.abs(findCrossing('t0', times, e)!.t - T0)).toBeLessThan(1e-6);
    expect(Math.abs(Math.sqrt(findCrossing('w0', times, e)!.t) - exactW0)).toBeLessThan(1e-6);
  });
});

describe('t0 and w0 with Gamma-method errors', () => {
  it('agree with the truth within 4 sigma, with an interpolation error far below the statistical one', () => {
    const energies = synthetic(400, 1);
    const t0 = flowScale('t0', times, energies);
    const w0 = flowScale('w0', times, energies);
    for (const [estimate, exact] of [
      [t0, T0],
      [w0, exactW0],
    ] as const) {
      expect(Math.abs(estimate.mean - exact)).toBeLessThan(4 * estimate.error);
      expect(estimate.interpolationError).toBeLessThan(0.01 * estimate.error);
      expect(estimate.n).toBe(400);
      expect(estimate.stencil.length).toBe(4);
    }
    // the error is what the fully correlated 2% fluctuation implies: dt0 = -t0 dr / p
    expect(Math.abs(t0.error / ((0.02 * T0) / P / Math.sqrt(400)) - 1)).toBeLessThan(0.15);
  });

  it('errors that match the spread over 40 independent repetitions, autocorrelations included', () => {
    const means: number[] = [];
    const errors: number[] = [];
    let tau = 0;
    for (let rep = 0; rep < 40; rep++) {
      const e = flowScale('t0', times, synthetic(200, 100 + rep, 0.6));
      means.push(e.mean);
      errors.push(e.error);
      tau += e.tauInt / 40;
    }
    const mean = means.reduce((s, x) => s + x, 0) / means.length;
    const spread = Math.sqrt(means.reduce((s, x) => s + (x - mean) ** 2, 0) / (means.length - 1));
    const typical = errors.reduce((s, x) => s + x, 0) / errors.length;
    // AR(1) with rho = 0.6: tau_int = (1 + rho) / (2 (1 - rho)) = 2
    expect(tau).toBeGreaterThan(1.5);
    expect(tau).toBeLessThan(2.5);
    // the spread of 40 repetitions is known to ~11%; the errors agree within 30%
    expect(Math.abs(typical / spread - 1)).toBeLessThan(0.3);
    expect(Math.abs(mean - T0)).toBeLessThan((4 * spread) / Math.sqrt(40));
  });

  it('refuses a flow that stops before t^2 E reaches 0.3, saying how far it got', () => {
    const short = times.slice(0, 30); // up to t = 1.5
    expect(() => flowScale('t0', short, synthetic(20, 2).slice(0, 30))).toThrow(
      /flowScale: invalid times: expected flow times up to where t\^2 E reaches 0.3, got times up to 1.5, where it is 0\.16\d\d \(flow further\)/,
    );
  });

  it('gives W(t) = p t^2 E(t) on the curve within errors', () => {
    const curve = flowCurve(times, synthetic(200, 5));
    for (const point of curve.filter((_, j) => j % 10 === 5)) {
      const exact = 0.3 * (point.t / T0) ** P;
      expect(Math.abs(point.t2E.mean - exact)).toBeLessThan(4 * point.t2E.error);
      expect(Math.abs(point.W.mean - P * exact)).toBeLessThan(4 * point.W.error + 1e-6);
    }
  });
});

describe('the topological susceptibility', () => {
  it('is <Q^2>/V, and t0^2 chi combines both with one error', () => {
    const n = 300;
    const rng = new Xoshiro128(9);
    // integer charges of variance 4
    const charges = Float64Array.from({ length: n }, () => {
      let q = 0;
      for (let k = 0; k < 16; k++) q += rng.uniform() < 0.5 ? 0.5 : -0.5;
      return q;
    });
    const volume = 4096;
    const chi = topologicalSusceptibility(charges, volume);
    expect(Math.abs(chi.mean - 4 / volume)).toBeLessThan(4 * chi.error);
    const energies = synthetic(n, 10);
    const product = t0SquaredChi(times, energies, charges, volume);
    const t0 = flowScale('t0', times, energies);
    expect(Math.abs(product.mean - t0.mean ** 2 * chi.mean) / product.mean).toBeLessThan(1e-9);
    // independent errors add in quadrature
    const expected = product.mean * Math.hypot((2 * t0.error) / t0.mean, chi.error / chi.mean);
    expect(Math.abs(product.error / expected - 1)).toBeLessThan(0.1);
  });
});
