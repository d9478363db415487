import { describe, expect, it } from 'vitest';
import {
  besselI,
  exactPlaquette2d,
  exactWilsonLoop2d,
  singleLinkPartitionFunction,
} from '../../src/montecarlo/exact2d.js';

describe('exact 2D results', () => {
  it('have modified Bessel functions with the tabulated values', () => {
    // Abramowitz & Stegun, table 9.8: I0(1) = 1.266065878, I1(1) = 0.565159104, I2(2) = 0.688948448
    expect(besselI(0, 1)).toBeCloseTo(1.2660658777520082, 15);
    expect(besselI(1, 1)).toBeCloseTo(0.5651591039924851, 15);
    expect(besselI(-2, 2)).toBeCloseTo(0.6889484476987382, 15);
  });

  it.each([
    [2, 1, 0.24019372387],
    [2, 2, 0.433127426722],
    [2, 4, 0.658047267359],
    [3, 3, 0.2030750501],
    [3, 6, 0.4225317397],
  ])('SU(%i) at beta %f: P = %f (DESIGN.md 7)', (N, beta, P) => {
    expect(Math.abs(exactPlaquette2d(N, beta) - P)).toBeLessThan(1e-10);
  });

  it('SU(2): P = I2(beta)/I1(beta) to rounding', () => {
    for (const beta of [0.5, 2.3, 7]) {
      expect(exactPlaquette2d(2, beta)).toBeCloseTo(besselI(2, beta) / besselI(1, beta), 14);
    }
  });

  it('the SU(N) integral z(x) is 1 at x = 0 (Haar measure normalised) and its slope 0', () => {
    for (const N of [2, 3, 4]) {
      const { z, dz } = singleLinkPartitionFunction(N, 0);
      expect(z).toBeCloseTo(1, 14);
      expect(dz).toBeCloseTo(0, 14);
    }
  });

  it('matches the derivative of ln z by finite differences (SU(4))', () => {
    const x = 1.3;
    const h = 1e-5;
    const numeric =
      (Math.log(singleLinkPartitionFunction(4, x + h).z) -
        Math.log(singleLinkPartitionFunction(4, x - h).z)) /
      (2 * h);
    const { z, dz } = singleLinkPartitionFunction(4, x);
    expect(Math.abs(dz / z - numeric)).toBeLessThan(1e-9);
  });

  it('gives W(R x T) = P^(RT) and rejects bad input', () => {
    expect(exactWilsonLoop2d(2, 2, 2, 3)).toBeCloseTo(0.433127426722 ** 6, 12);
    expect(() => exactPlaquette2d(2, -1)).toThrow(
      /exactPlaquette2d: invalid beta: expected a finite number >= 0, got -1/,
    );
    expect(() => exactWilsonLoop2d(2, 2, 0, 1)).toThrow(/invalid R/);
  });
});
