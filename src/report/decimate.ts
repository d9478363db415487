/**
 * Thinning of long series for display only: a chart of 10,000 Monte Carlo configurations
 * needs no more points than the plot has pixels, but every statistic (means, errors,
 * autocorrelations, histograms) is computed from the full series before anything here runs.
 *
 * - {@link decimateMinMax}: min-max decimation of a history. The series is cut into buckets
 *   of consecutive points, and each bucket keeps its smallest and largest value in their
 *   original order, so spikes and the envelope of the fluctuations survive (an every-k-th
 *   sample would drop them).
 * - {@link strideSample}: evenly spaced indices, for scatter plots where every point is
 *   alike.
 *
 * @module
 */
import { checkInteger, typeError } from '../core/validate.js';

/** A point of a decimated history: its index in the full series and its value. */
export interface HistoryPoint {
  /** Position in the full series (0-based). */
  index: number;
  /** The value at that position. */
  value: number;
}

/**
 * Min-max decimation of `series` to at most `maxPoints` points (returned in index order).
 * Series no longer than `maxPoints` come back whole; otherwise there are
 * floor(maxPoints / 2) buckets of (nearly) equal length, each contributing its minimum and
 * its maximum (one point where they coincide). The first and last points are always kept.
 *
 * @param series - the full history.
 * @param maxPoints - the largest number of points to return, an integer >= 4.
 * @throws TypeError when series is not array-like; RangeError when maxPoints is not an
 *   integer >= 4.
 */
export function decimateMinMax(series: ArrayLike<number>, maxPoints: number): HistoryPoint[] {
  const fn = 'decimateMinMax';
  if (series === null || typeof series !== 'object' || typeof series.length !== 'number') {
    throw typeError(fn, 'series', 'an array of numbers', series);
  }
  checkInteger(fn, 'maxPoints', maxPoints, 4);
  const n = series.length;
  if (n <= maxPoints) return Array.from({ length: n }, (_, i) => ({ index: i, value: series[i] }));
  // Two points per bucket; the first and last point are extra, so leave room for them.
  const buckets = Math.floor((maxPoints - 2) / 2);
  const out: HistoryPoint[] = [{ index: 0, value: series[0] }];
  for (let b = 0; b < buckets; b++) {
    const start = 1 + Math.floor((b * (n - 2)) / buckets);
    const end = 1 + Math.floor(((b + 1) * (n - 2)) / buckets);
    let lo = start;
    let hi = start;
    for (let i = start + 1; i < end; i++) {
      if (series[i] < series[lo]) lo = i;
      if (series[i] > series[hi]) hi = i;
    }
    const [first, second] = lo <= hi ? [lo, hi] : [hi, lo];
    out.push({ index: first, value: series[first] });
    if (second !== first) out.push({ index: second, value: series[second] });
  }
  out.push({ index: n - 1, value: series[n - 1] });
  return out;
}

/**
 * At most `maxCount` indices spread evenly over 0..length-1 (all of them when length <=
 * maxCount), in increasing order.
 *
 * @throws RangeError when length is not an integer >= 0 or maxCount not an integer >= 1.
 */
export function strideSample(length: number, maxCount: number): number[] {
  checkInteger('strideSample', 'length', length, 0);
  checkInteger('strideSample', 'maxCount', maxCount, 1);
  if (length <= maxCount) return Array.from({ length }, (_, i) => i);
  return Array.from({ length: maxCount }, (_, k) => Math.floor((k * length) / maxCount));
}
