/**
 * Small helpers over the matrix layout shared by several layers. They run millions of times
 * per batch, so the SU(2) size (m = 8) gets straight-line code: V8 does not unroll loops whose
 * bound is a run-time value (1.45x faster SU(2) training, bench/RESULTS.md). Other sizes,
 * SU(3)'s m = 18 among them, take the plain loop (not measured unrolled).
 *
 * @module
 */

/** <A, B> = Re tr(A^+ B) = sum of the products of the m = 2N^2 real components. */
export function realInner(
  a: Float64Array,
  aOff: number,
  b: Float64Array,
  bOff: number,
  m: number,
): number {
  if (m === 8) {
    return (
      a[aOff] * b[bOff] +
      a[aOff + 1] * b[bOff + 1] +
      a[aOff + 2] * b[bOff + 2] +
      a[aOff + 3] * b[bOff + 3] +
      a[aOff + 4] * b[bOff + 4] +
      a[aOff + 5] * b[bOff + 5] +
      a[aOff + 6] * b[bOff + 6] +
      a[aOff + 7] * b[bOff + 7]
    );
  }
  let s = 0;
  for (let k = 0; k < m; k++) s += a[aOff + k] * b[bOff + k];
  return s;
}

/** out += s * a over m doubles. */
export function addScaled(
  out: Float64Array,
  oOff: number,
  s: number,
  a: Float64Array,
  aOff: number,
  m: number,
): void {
  if (m === 8) {
    out[oOff] += s * a[aOff];
    out[oOff + 1] += s * a[aOff + 1];
    out[oOff + 2] += s * a[aOff + 2];
    out[oOff + 3] += s * a[aOff + 3];
    out[oOff + 4] += s * a[aOff + 4];
    out[oOff + 5] += s * a[aOff + 5];
    out[oOff + 6] += s * a[aOff + 6];
    out[oOff + 7] += s * a[aOff + 7];
    return;
  }
  for (let k = 0; k < m; k++) out[oOff + k] += s * a[aOff + k];
}

/** out[0..m) = 0 (a plain loop: cheaper than TypedArray.fill for a few elements). */
export function zeroMatrix(out: Float64Array, m: number): void {
  for (let k = 0; k < m; k++) out[k] = 0;
}
