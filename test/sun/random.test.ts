import { describe, expect, it } from 'vitest';
import { haarRandom, randomAlgebra, randomNearIdentity } from '../../src/sun/random.js';
import { Xoshiro128 } from '../../src/core/rng.js';
import { createSUNKernels } from '../../src/sun/sun.js';

describe('Xoshiro128', () => {
  it('gives equal streams for equal seeds and different ones otherwise', () => {
    const a = new Xoshiro128(42);
    const b = new Xoshiro128(42);
    const c = new Xoshiro128(43);
    const xa = Array.from({ length: 8 }, () => a.uniform());
    expect(Array.from({ length: 8 }, () => b.uniform())).toEqual(xa);
    expect(Array.from({ length: 8 }, () => c.uniform())).not.toEqual(xa);
  });

  it('has uniform draws in [0, 1) with mean 1/2 and variance 1/12 (5 sigma)', () => {
    const rng = new Xoshiro128(1);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.uniform();
      expect(u >= 0 && u < 1).toBe(true);
      s += u;
      s2 += u * u;
    }
    const mean = s / n;
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(s2 / n - mean * mean - 1 / 12)).toBeLessThan(5 * Math.sqrt(1 / 180 / n));
  });

  it('has normal draws with mean 0 and variance 1 (5 sigma)', () => {
    const rng = new Xoshiro128(2);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      s += z;
      s2 += z * z;
    }
    expect(Math.abs(s / n)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(s2 / n - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
  });

  it('rejects a negative or fractional seed', () => {
    expect(() => new Xoshiro128(-1)).toThrow(
      /Xoshiro128: invalid seed: expected an integer >= 0, got -1/,
    );
    expect(() => new Xoshiro128(0.5)).toThrow(RangeError);
  });
});

describe('Haar-random elements', () => {
  for (const N of [2, 3, 4]) {
    it(`SU(${N}): are unitary with det 1`, () => {
      const g = createSUNKernels(N);
      const rng = new Xoshiro128(N);
      const U = new Float64Array(g.matrixSize);
      const UU = new Float64Array(g.matrixSize);
      const one = g.identity(new Float64Array(g.matrixSize), 0);
      const det = [0, 0];
      for (let i = 0; i < 50; i++) {
        haarRandom(U, 0, g, rng);
        g.multiplyAdjoint(UU, 0, U, 0, U, 0);
        expect(g.equals(UU, 0, one, 0, 1e-14)).toBe(true);
        g.det(det, 0, U, 0);
        expect(Math.abs(det[0] - 1) + Math.abs(det[1])).toBeLessThan(1e-14);
      }
    });

    it(`SU(${N}): have the Haar moments <tr U> = 0 and <|tr U|^2> = 1 (5 sigma)`, () => {
      // For Haar measure on SU(N), N >= 2: E[tr U] = 0, E[|tr U|^2] = 1 (Diaconis & Shahshahani,
      // J. Appl. Probab. 31A (1994) 49); |tr U|^2 has variance 1 for N >= 2 (E|tr U|^4 = 2).
      const g = createSUNKernels(N);
      const rng = new Xoshiro128(100 + N);
      const U = new Float64Array(g.matrixSize);
      const n = 20_000;
      let re = 0;
      let im = 0;
      let abs2 = 0;
      for (let i = 0; i < n; i++) {
        haarRandom(U, 0, g, rng);
        const tr = g.reTrace(U, 0);
        const ti = g.imTrace(U, 0);
        re += tr;
        im += ti;
        abs2 += tr * tr + ti * ti;
      }
      // Var(Re tr U) = 1/2 for N >= 3 and 1 for SU(2), where tr U is real
      expect(Math.abs(re / n)).toBeLessThan(5 * Math.sqrt(1 / n));
      expect(Math.abs(im / n)).toBeLessThan(5 * Math.sqrt(0.5 / n));
      // SU(2): E|tr U|^4 = 2 as well, so the variance of |tr U|^2 is 1 for every N here
      expect(Math.abs(abs2 / n - 1)).toBeLessThan(5 * Math.sqrt(1 / n));
    });
  }
});

describe('elements near the identity', () => {
  for (const N of [2, 3, 4]) {
    it(`SU(${N}): i eps r.T has the covariance <|X_rc|^2> = eps^2/2 off the diagonal`, () => {
      const g = createSUNKernels(N);
      const rng = new Xoshiro128(N);
      const X = new Float64Array(g.matrixSize);
      const eps = 0.3;
      const n = 20_000;
      let off = 0;
      let diag = 0;
      for (let i = 0; i < n; i++) {
        randomAlgebra(X, 0, g, rng, eps);
        off += X[2] ** 2 + X[3] ** 2;
        diag += X[1] ** 2;
        expect(Math.abs(g.imTrace(X, 0))).toBeLessThan(1e-15);
      }
      // |H_01|^2 = (r_s^2 + r_a^2)/4 has mean 1/2; H_00 has variance (1 - 1/N)/2
      expect(Math.abs(off / n / (eps * eps) - 0.5)).toBeLessThan((5 * 0.5) / Math.sqrt(n));
      const v = (1 - 1 / N) / 2;
      expect(Math.abs(diag / n / (eps * eps) - v)).toBeLessThan(5 * v * Math.sqrt(2 / n));
    });

    it(`SU(${N}): exp of it lies in SU(N) and close to the identity`, () => {
      const g = createSUNKernels(N);
      const rng = new Xoshiro128(7 + N);
      const U = new Float64Array(g.matrixSize);
      const one = g.identity(new Float64Array(g.matrixSize), 0);
      randomNearIdentity(U, 0, g, rng, 1e-3);
      expect(g.equals(U, 0, one, 0, 1e-2)).toBe(true);
      const UU = g.multiplyAdjoint(new Float64Array(g.matrixSize), 0, U, 0, U, 0);
      expect(g.equals(UU, 0, one, 0, 1e-14)).toBe(true);
    });
  }
});
