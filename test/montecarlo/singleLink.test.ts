/**
 * Validation ladder, step 1 (DESIGN.md 7): one link with a fixed staple. The heatbath must
 * sample exp((beta/N) Re tr(U A)) dU exactly; overrelaxation must keep Re tr(U A); Metropolis
 * must converge to the same distribution.
 */
import { describe, expect, it } from 'vitest';
import { createUpdateScratch, heatbathLink } from '../../src/montecarlo/heatbath.js';
import { metropolisLink } from '../../src/montecarlo/metropolis.js';
import { overrelaxLink } from '../../src/montecarlo/overrelaxation.js';
import { SiteStream } from '../../src/montecarlo/philox.js';
import { gammaAnalysis } from '../../src/core/gamma.js';
import { kernelsFor } from '../../src/sun/group.js';
import { haarRandom } from '../../src/sun/random.js';
import { Xoshiro128 } from '../../src/core/rng.js';
import type { SUNKernels } from '../../src/sun/types.js';

/** 2D plaquettes = single-link means for A = 1 (DESIGN.md 7). */
const exactMean: Record<string, number> = {
  'SU(2) 1': 0.24019372387,
  'SU(2) 2': 0.433127426722,
  'SU(2) 4': 0.658047267359,
  'SU(3) 3': 0.2030750501,
  'SU(3) 6': 0.4225317397,
};

/**
 * CDF of t = (1/N) Re tr U under the weight exp(kappa t) dU (Haar dU), tabulated on a fine
 * grid of t in [-1, 1] from the eigenvalue density (Weyl). For the link distribution
 * exp((beta/N) Re tr(U A)) with A = c V, t = Re tr(U A)/(N c) has this law with kappa = beta c.
 */
function exactCdf(N: 2 | 3, kappa: number): (t: number) => number {
  const bins = 4000;
  const mass = new Float64Array(bins);
  const binOf = (t: number) => Math.min(bins - 1, Math.max(0, Math.floor(((t + 1) / 2) * bins)));
  if (N === 2) {
    // U ~ (cos th, sin th n): Haar density of th in [0, pi] is (2/pi) sin^2 th; t = cos th
    const n = 2_000_000;
    for (let k = 0; k < n; k++) {
      const th = ((k + 0.5) / n) * Math.PI;
      const t = Math.cos(th);
      mass[binOf(t)] += Math.sin(th) ** 2 * Math.exp(kappa * t);
    }
  } else {
    // Weyl: density of eigen-angles (th1, th2, th3 = -th1 - th2) ~ prod_{i<j} |e^{i th_i} - e^{i th_j}|^2
    const n = 1500;
    for (let a = 0; a < n; a++) {
      const t1 = -Math.PI + ((a + 0.5) / n) * 2 * Math.PI;
      for (let b = 0; b < n; b++) {
        const t2 = -Math.PI + ((b + 0.5) / n) * 2 * Math.PI;
        const t3 = -t1 - t2;
        const d = (x: number, y: number) => 4 * Math.sin((x - y) / 2) ** 2;
        const t = (Math.cos(t1) + Math.cos(t2) + Math.cos(t3)) / 3;
        mass[binOf(t)] += d(t1, t2) * d(t1, t3) * d(t2, t3) * Math.exp(kappa * t);
      }
    }
  }
  const cdf = new Float64Array(bins + 1);
  for (let k = 0; k < bins; k++) cdf[k + 1] = cdf[k] + mass[k];
  const total = cdf[bins];
  return (t: number) => {
    const x = ((t + 1) / 2) * bins;
    const k = Math.min(bins - 1, Math.max(0, Math.floor(x)));
    return (cdf[k] + (x - k) * (cdf[k + 1] - cdf[k])) / total;
  };
}

/** Kolmogorov-Smirnov distance of a sample to a CDF. */
function ksDistance(sample: number[], cdf: (t: number) => number): number {
  const s = [...sample].sort((a, b) => a - b);
  let d = 0;
  s.forEach((t, i) => {
    const f = cdf(t);
    d = Math.max(d, Math.abs(f - i / s.length), Math.abs(f - (i + 1) / s.length));
  });
  return d;
}

/** A staple c V with V Haar-random, and the observable t = (1/N) Re tr(U V) = Re tr(U A)/(N c). */
function fixedStaple(g: SUNKernels, c: number, seed: number): Float64Array {
  const A = haarRandom(new Float64Array(g.matrixSize), 0, g, new Xoshiro128(seed));
  return g.scale(A, 0, A, 0, c, 0);
}

function chain(
  N: 2 | 3,
  beta: number,
  c: number,
  samples: number,
  update: 'heatbath' | 'metropolis',
): number[] {
  const g = kernelsFor(N);
  const A = fixedStaple(g, c, 11);
  const U = g.identity(new Float64Array(g.matrixSize), 0);
  const scratch = createUpdateScratch(g);
  const rng = new SiteStream(2026);
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    rng.reset(0, i, 1, 0, 0);
    if (update === 'heatbath') heatbathLink(g, U, 0, A, 0, beta, rng, scratch);
    else metropolisLink(g, U, 0, A, 0, beta, { hits: 10, step: 0.5 }, rng, scratch);
    out.push(g.reTraceMultiply(U, 0, A, 0) / (N * c));
  }
  return out;
}

describe('heatbath on a single link with a fixed staple', () => {
  it.each([
    [2, 1],
    [2, 2],
    [2, 4],
    [3, 3],
    [3, 6],
  ] as Array<[2 | 3, number]>)(
    'SU(%i) at beta %f: <(1/N) Re tr U> for A = 1 is the exact 2D plaquette (4 sigma, Gamma method)',
    (N, beta) => {
      const samples = chain(N, beta, 1, 40_000, 'heatbath');
      const result = gammaAnalysis(samples);
      const exact = exactMean[`SU(${N}) ${beta}`];
      expect(Math.abs(result.mean - exact)).toBeLessThan(4 * result.error);
      // and the error is small enough for the comparison to mean something
      expect(result.error).toBeLessThan(0.01);
    },
  );

  it.each([
    [2, 2.5, 0.7],
    [3, 5.5, 1.3],
  ] as Array<[2 | 3, number, number]>)(
    'SU(%i) at beta %f with staple %f V: the distribution of Re tr(U A) is exact (KS test at the 0.001 level)',
    (N, beta, c) => {
      // kappa: exp((beta/N) Re tr(U A)) = exp(beta c t), t = Re tr(U A)/(N c)
      const samples = chain(N, beta, c, 60_000, 'heatbath');
      // SU(2): every draw is independent; SU(3) Cabibbo-Marinari mixes within a few steps:
      // thin by 10 and check that the thinned series is uncorrelated.
      const thin = N === 2 ? 1 : 10;
      const thinned = samples.filter((_, i) => i % thin === 0);
      expect(gammaAnalysis(thinned).tauInt).toBeLessThan(0.75);
      const d = ksDistance(thinned, exactCdf(N, beta * c));
      // Kolmogorov: P(sqrt(n) D > 1.95) = 0.001
      expect(d * Math.sqrt(thinned.length)).toBeLessThan(1.95);
    },
  );

  it('can fail: the KS test rejects the heatbath at the wrong beta', () => {
    const samples = chain(2, 2, 1, 20_000, 'heatbath');
    expect(ksDistance(samples, exactCdf(2, 2.2)) * Math.sqrt(samples.length)).toBeGreaterThan(1.95);
  });
});

describe('Metropolis on a single link', () => {
  it('SU(3) at beta 3 with 10 hits of step 0.5 converges to the exact mean (4 sigma, Gamma method)', () => {
    const samples = chain(3, 3, 1, 40_000, 'metropolis').slice(500);
    const result = gammaAnalysis(samples);
    expect(Math.abs(result.mean - exactMean['SU(3) 3'])).toBeLessThan(4 * result.error);
  });

  it('SU(2) at beta 2 with staple 0.8 V has the exact distribution (KS on a thinned chain)', () => {
    const samples = chain(2, 2, 0.8, 100_000, 'metropolis').slice(1000);
    const thinned = samples.filter((_, i) => i % 20 === 0);
    expect(gammaAnalysis(thinned).tauInt).toBeLessThan(0.75);
    expect(ksDistance(thinned, exactCdf(2, 1.6)) * Math.sqrt(thinned.length)).toBeLessThan(1.95);
  });
});

describe('overrelaxation', () => {
  it.each([2, 3, 4])('SU(%i): keeps Re tr(U A) to 1e-14 and the link in SU(N)', (N) => {
    const g = kernelsFor(N);
    const rng = new Xoshiro128(N);
    const scratch = createUpdateScratch(g);
    const U = haarRandom(new Float64Array(g.matrixSize), 0, g, rng);
    // a generic staple: a sum of six SU(N) matrices
    const A = new Float64Array(g.matrixSize);
    const V = new Float64Array(g.matrixSize);
    for (let k = 0; k < 6; k++) g.add(A, 0, A, 0, haarRandom(V, 0, g, rng), 0);
    const before = g.reTraceMultiply(U, 0, A, 0);
    const original = U.slice();
    // an odd number of applications: for SU(2) the map is an involution
    for (let k = 0; k < 9; k++) overrelaxLink(g, U, 0, A, 0, scratch);
    expect(Math.abs(g.reTraceMultiply(U, 0, A, 0) - before)).toBeLessThan(1e-13 * Math.abs(before));
    expect(g.equals(U, 0, original, 0, 1e-3)).toBe(false); // it moved
    const UU = g.multiplyAdjoint(new Float64Array(g.matrixSize), 0, U, 0, U, 0);
    expect(g.equals(UU, 0, g.identity(V, 0), 0, 1e-14)).toBe(true);
  });

  it('SU(2): is an involution (applying it twice restores the link)', () => {
    const g = kernelsFor(2);
    const rng = new Xoshiro128(5);
    const U = haarRandom(new Float64Array(8), 0, g, rng);
    const A = haarRandom(new Float64Array(8), 0, g, rng);
    const original = U.slice();
    const scratch = createUpdateScratch(g);
    overrelaxLink(g, U, 0, A, 0, scratch);
    overrelaxLink(g, U, 0, A, 0, scratch);
    expect(g.equals(U, 0, original, 0, 1e-14)).toBe(true);
  });
});
