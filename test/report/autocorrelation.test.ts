import { describe, expect, it } from 'vitest';
import { gammaAnalysis } from '../../src/core/gamma.js';
import { displayedAutocorrelation, displayedLagMax } from '../../src/report/autocorrelation.js';

/** AR(1) chain x_i = phi x_{i-1} + noise: rho(t) = phi^t exactly in the limit of long runs. */
function ar1(n: number, phi: number, seed: number): Float64Array {
  const x = new Float64Array(n);
  let s = seed;
  const uniform = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  for (let i = 1; i < n; i++) {
    // Box-Muller normal deviate
    const g = Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
    x[i] = phi * x[i - 1] + g;
  }
  return x;
}

describe('displayedAutocorrelation', () => {
  it("equals the Gamma method's own bias-corrected rho(t) up to the window W", () => {
    const x = ar1(4000, 0.8, 7);
    const analysis = gammaAnalysis(x);
    expect(analysis.window).toBeGreaterThan(3);
    const rho = displayedAutocorrelation(x, analysis, displayedLagMax(analysis.window, x.length));
    expect(rho.length).toBe(2 * analysis.window + 1);
    for (let t = 0; t <= analysis.window; t++) expect(rho[t]).toBeCloseTo(analysis.rho[t], 12);
  });

  it('continues past W towards zero like phi^t for an AR(1) chain', () => {
    const x = ar1(20_000, 0.5, 3);
    const analysis = gammaAnalysis(x);
    const rho = displayedAutocorrelation(x, analysis, 20);
    expect(rho[0]).toBe(1);
    for (let t = 1; t <= 20; t++) expect(Math.abs(rho[t] - 0.5 ** t)).toBeLessThan(0.04);
  });

  it('is 1 then 0 for a constant series, and stops at N/2', () => {
    const c = new Float64Array(10).fill(0.5);
    expect(Array.from(displayedAutocorrelation(c, gammaAnalysis(c), 100))).toEqual([
      1, 0, 0, 0, 0, 0,
    ]);
  });

  it('rejects a series that is not the analysed one', () => {
    const x = ar1(100, 0.5, 1);
    expect(() => displayedAutocorrelation(x.subarray(0, 50), gammaAnalysis(x), 10)).toThrow(
      /series.length: expected an integer in \[100, 100\], got 50/,
    );
  });
});
