/**
 * mean(error) as people quote it (src/core/estimateFormat.ts): two significant digits of the
 * error in the parenthesis, a power of ten far from 1, never three digits of error.
 */
import { describe, expect, it } from 'vitest';
import { formatEstimate } from '../../src/core/estimateFormat.js';

describe('formatEstimate', () => {
  it('quotes two digits of the error in the parenthesis', () => {
    expect(formatEstimate(0.43312, 0.00015)).toBe('0.43312(15)');
    expect(formatEstimate(0.2433, 0.0027)).toBe('0.2433(27)');
    expect(formatEstimate(-0.031, 0.024)).toBe('-0.031(24)');
    expect(formatEstimate(12.345, 1.2)).toBe('12.3(12)');
    expect(formatEstimate(1234.5, 56)).toBe('1235(56)');
    expect(formatEstimate(0, 0.0025)).toBe('0.0000(25)');
  });

  it('takes the next place where the error rounds up to three digits', () => {
    expect(formatEstimate(0.4331, 0.0996)).toBe('0.43(10)');
    expect(formatEstimate(0.6544, 0.00996)).toBe('0.654(10)');
    expect(formatEstimate(5.1, 0.994)).toBe('5.10(99)');
  });

  it('writes a power of ten below 1e-4 and from 1e6 on', () => {
    expect(formatEstimate(-5.5e-19, 9.4e-19)).toBe('-5.5(94)e-19');
    expect(formatEstimate(3.2e-5, 1.0e-6)).toBe('3.20(10)e-5');
    expect(formatEstimate(1.23e-30, 4.5e-32)).toBe('1.230(45)e-30');
    expect(formatEstimate(2.5e7, 3e4)).toBe('2.5000(30)e7');
    expect(formatEstimate(1e-4, 1e-6)).toBe('0.0001000(10)');
  });

  it('gives the mean alone without an error, and non-finite values as they are', () => {
    expect(formatEstimate(0.5, 0)).toBe('0.5000000000');
    expect(formatEstimate(Number.NaN, 0.1)).toBe('NaN(0.1)');
    expect(formatEstimate(1, Number.POSITIVE_INFINITY)).toBe('1(Infinity)');
  });
});
