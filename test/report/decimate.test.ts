import { describe, expect, it } from 'vitest';
import { decimateMinMax, strideSample } from '../../src/report/decimate.js';

/** A reproducible noisy series with a few spikes. */
function noisy(n: number): Float64Array {
  const x = new Float64Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    x[i] = Math.sin(i / 50) + s / 2147483648;
  }
  x[1234] = 10; // spikes that an every-k-th sample would miss
  x[7777] = -10;
  return x;
}

describe('decimateMinMax', () => {
  it('returns a short series whole', () => {
    const points = decimateMinMax([3, 1, 2], 10);
    expect(points).toEqual([
      { index: 0, value: 3 },
      { index: 1, value: 1 },
      { index: 2, value: 2 },
    ]);
  });

  it('thins 10,000 values to at most maxPoints, in index order, keeping the ends and the extremes', () => {
    const x = noisy(10_000);
    for (const maxPoints of [4, 5, 100, 1000]) {
      const points = decimateMinMax(x, maxPoints);
      expect(points.length).toBeLessThanOrEqual(maxPoints);
      expect(points.length).toBeGreaterThanOrEqual(maxPoints - 2);
      for (let k = 1; k < points.length; k++) {
        expect(points[k].index).toBeGreaterThan(points[k - 1].index);
      }
      for (const p of points) expect(p.value).toBe(x[p.index]);
      expect(points[0].index).toBe(0);
      expect(points.at(-1)?.index).toBe(9999);
      const values = points.map((p) => p.value);
      expect(Math.max(...values)).toBe(10);
      expect(Math.min(...values)).toBe(-10);
    }
  });

  it('keeps the minimum and maximum of every bucket', () => {
    const x = noisy(1000);
    const points = decimateMinMax(x, 102); // 50 buckets of 19 or 20 values
    const kept = new Set(points.map((p) => p.index));
    for (let b = 0; b < 50; b++) {
      const start = 1 + Math.floor((b * 998) / 50);
      const end = 1 + Math.floor(((b + 1) * 998) / 50);
      const bucket = Array.from(x.subarray(start, end));
      const lo = start + bucket.indexOf(Math.min(...bucket));
      const hi = start + bucket.indexOf(Math.max(...bucket));
      expect(kept.has(lo) && kept.has(hi)).toBe(true);
    }
  });

  it('rejects a maxPoints below 4 and a non-array series', () => {
    expect(() => decimateMinMax([1, 2, 3], 3)).toThrow(
      /maxPoints: expected an integer >= 4, got 3/,
    );
    expect(() => decimateMinMax(null as never, 10)).toThrow(TypeError);
  });
});

describe('strideSample', () => {
  it('spreads at most maxCount indices evenly, all of them when there are few', () => {
    expect(strideSample(3, 5)).toEqual([0, 1, 2]);
    expect(strideSample(10, 5)).toEqual([0, 2, 4, 6, 8]);
    expect(strideSample(0, 5)).toEqual([]);
    const s = strideSample(100_000, 1500);
    expect(s.length).toBe(1500);
    expect(new Set(s).size).toBe(1500);
    expect(Math.max(...s)).toBeLessThan(100_000);
  });
});
