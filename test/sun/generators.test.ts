import { describe, expect, it } from 'vitest';
import {
  algebraFromCoordinates,
  coordinatesFromAlgebra,
  generators,
} from '../../src/sun/generators.js';
import { createSUNKernels } from '../../src/sun/sun.js';
import { Xoshiro128 } from '../../src/core/rng.js';

describe('generators of su(N)', () => {
  for (const N of [2, 3, 4, 5]) {
    it(`N = ${N}: N^2 - 1 hermitian, traceless matrices with tr(T^a T^b) = delta_ab / 2`, () => {
      const g = createSUNKernels(N);
      const T = generators(N);
      const m = g.matrixSize;
      expect(T.length).toBe((N * N - 1) * m);
      const adj = new Float64Array(m);
      for (let a = 0; a < N * N - 1; a++) {
        g.adjoint(adj, 0, T, a * m);
        expect(g.exactEquals(adj, 0, T, a * m)).toBe(true);
        expect(Math.abs(g.reTrace(T, a * m))).toBeLessThan(1e-15);
        for (let b = 0; b < N * N - 1; b++) {
          const tr = g.reTraceMultiply(T, a * m, T, b * m);
          expect(Math.abs(tr - (a === b ? 0.5 : 0))).toBeLessThan(1e-15);
        }
      }
    });

    it(`N = ${N}: coordinates and algebra elements convert both ways`, () => {
      const T = generators(N);
      const rng = new Xoshiro128(N);
      const omega = Float64Array.from({ length: N * N - 1 }, () => rng.normal());
      const X = algebraFromCoordinates(new Float64Array(2 * N * N), 0, omega, 0, T, N);
      const g = createSUNKernels(N);
      // X is anti-hermitian and traceless
      const Y = g.projectAlgebra(new Float64Array(2 * N * N), 0, X, 0);
      expect(g.equals(X, 0, Y, 0, 1e-15)).toBe(true);
      const back = coordinatesFromAlgebra(new Float64Array(N * N - 1), 0, X, 0, T, N);
      for (let a = 0; a < omega.length; a++)
        expect(Math.abs(back[a] - omega[a])).toBeLessThan(1e-14);
    });
  }

  it('for N = 2 are the Pauli matrices over two', () => {
    const T = generators(2);
    // sigma1/2, sigma2/2, sigma3/2 in layout (re, im) row-major
    expect(Array.from(T.subarray(0, 8))).toEqual([0, 0, 0.5, 0, 0.5, 0, 0, 0]);
    expect(Array.from(T.subarray(8, 16))).toEqual([0, 0, 0, -0.5, 0, 0.5, 0, 0]);
    expect(Array.from(T.subarray(16, 24))).toEqual([0.5, 0, 0, 0, 0, 0, -0.5, 0]);
  });

  it('rejects N < 2', () => {
    expect(() => generators(1)).toThrow(/generators: invalid N: expected an integer >= 2, got 1/);
  });
});
