/**
 * Tuning rules (src/montecarlo/tuning.ts): erfc against reference values, the acceptance-dH
 * relation of Gupta et al. inverted exactly, one block of HMC tuning lands the expected
 * <dH> on its target, and every rule stays within a factor of 2 per block.
 */
import { describe, expect, it } from 'vitest';
import {
  HMC_TARGET_ACCEPTANCE,
  deltaHForAcceptance,
  erfc,
  initialHmcSteps,
  tunedHmcSteps,
  tunedMetropolisStep,
} from '../../src/montecarlo/tuning.js';

describe('erfc and deltaHForAcceptance', () => {
  it('erfc matches reference values to 1.2e-7 relative', () => {
    // erfc(x) to 16 digits (Abramowitz & Stegun table 7.1; mpmath)
    const table: Array<[number, number]> = [
      [0, 1],
      [0.1, 0.8875370839817152],
      [0.5, 0.4795001221869535],
      [1, 0.15729920705028513],
      [2, 0.004677734981047266],
      [-0.5, 1.5204998778130465],
    ];
    for (const [x, value] of table) {
      expect(Math.abs(erfc(x) - value) / value).toBeLessThan(1.2e-7);
    }
  });

  it('inverts P = erfc(sqrt(<dH>)/2)', () => {
    for (const dH of [0.001, 0.071, 0.5, 2, 9]) {
      expect(deltaHForAcceptance(erfc(Math.sqrt(dH) / 2))).toBeCloseTo(dH, 5);
    }
    expect(erfc(Math.sqrt(deltaHForAcceptance(HMC_TARGET_ACCEPTANCE)) / 2)).toBeCloseTo(0.85, 9);
  });
});

describe('tunedHmcSteps', () => {
  /** <dH^2> of Gaussian dH with mean m and variance 2m (equilibrium). */
  const meanSquare = (m: number): number => 2 * m + m * m;
  const target = deltaHForAcceptance(HMC_TARGET_ACCEPTANCE);

  it('keeps n when <dH> is on target, and scales n as <dH>^(1/4) towards it', () => {
    expect(tunedHmcSteps(10, meanSquare(target))).toBe(10);
    // <dH> 16 times too large: eps must halve
    expect(tunedHmcSteps(10, meanSquare(16 * target))).toBe(20);
    // (1.5)^4 = 5.0625 times too large: 15 steps
    expect(tunedHmcSteps(10, meanSquare(5.0625 * target))).toBe(15);
    expect(tunedHmcSteps(12, meanSquare(target / 16))).toBe(6);
  });

  it('changes n by at most a factor of 2, doubles it after a blown-up trajectory, keeps n >= 1', () => {
    expect(tunedHmcSteps(10, meanSquare(1e6))).toBe(20);
    expect(tunedHmcSteps(10, 0)).toBe(5);
    expect(tunedHmcSteps(10, NaN)).toBe(20);
    expect(tunedHmcSteps(10, Infinity)).toBe(20);
    expect(tunedHmcSteps(1, 0)).toBe(1);
  });

  it('starts at 10 steps on SU(2) 8^4 and scales with (links (N^2 - 1))^(1/4) and tau', () => {
    expect(initialHmcSteps(4 * 8 ** 4, 2, 1)).toBe(10);
    expect(initialHmcSteps(4 * 16 ** 4, 2, 1)).toBe(20);
    expect(initialHmcSteps(4 * 8 ** 4, 3, 1)).toBe(13); // (8/3)^(1/4) = 1.278
    expect(initialHmcSteps(4 * 8 ** 4, 2, 0.5)).toBe(5);
    expect(initialHmcSteps(2 * 4 * 4, 2, 1)).toBe(3); // 10 (96 / 49152)^(1/4) = 2.1
    expect(initialHmcSteps(2, 2, 0.01)).toBe(1);
  });
});

describe('tunedMetropolisStep', () => {
  it('scales the step by acceptance / 0.5, within a factor of 2', () => {
    expect(tunedMetropolisStep(0.5, 0.5)).toBe(0.5);
    expect(tunedMetropolisStep(0.5, 0.4)).toBeCloseTo(0.4, 15);
    expect(tunedMetropolisStep(0.5, 0)).toBe(0.25);
    expect(tunedMetropolisStep(0.5, 1)).toBe(1);
  });
});
