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

/** out[off..off+m) = 0 (a plain loop: cheaper than TypedArray.fill for a few elements). */
export function zeroMatrix(out: Float64Array, m: number, off = 0): void {
  for (let k = off; k < off + m; k++) out[k] = 0;
}

/**
 * out = sum_{q<n} c[cOff + q cStride] X_q (or out += that when `accumulate`), with
 * X_q = x[xOff + q m ..]: a linear combination of n consecutive matrices, the sums of the
 * L-Conv and bilinear layers. The SU(2) case keeps the result in registers.
 */
export function combine(
  out: Float64Array,
  oOff: number,
  c: Float64Array,
  cOff: number,
  cStride: number,
  x: Float64Array,
  xOff: number,
  n: number,
  m: number,
  accumulate = false,
): void {
  if (m === 8) {
    let r0 = 0;
    let r1 = 0;
    let r2 = 0;
    let r3 = 0;
    let r4 = 0;
    let r5 = 0;
    let r6 = 0;
    let r7 = 0;
    for (let q = 0; q < n; q++) {
      const s = c[cOff + q * cStride];
      const o = xOff + q * 8;
      r0 += s * x[o];
      r1 += s * x[o + 1];
      r2 += s * x[o + 2];
      r3 += s * x[o + 3];
      r4 += s * x[o + 4];
      r5 += s * x[o + 5];
      r6 += s * x[o + 6];
      r7 += s * x[o + 7];
    }
    if (accumulate) {
      out[oOff] += r0;
      out[oOff + 1] += r1;
      out[oOff + 2] += r2;
      out[oOff + 3] += r3;
      out[oOff + 4] += r4;
      out[oOff + 5] += r5;
      out[oOff + 6] += r6;
      out[oOff + 7] += r7;
    } else {
      out[oOff] = r0;
      out[oOff + 1] = r1;
      out[oOff + 2] = r2;
      out[oOff + 3] = r3;
      out[oOff + 4] = r4;
      out[oOff + 5] = r5;
      out[oOff + 6] = r6;
      out[oOff + 7] = r7;
    }
    return;
  }
  if (!accumulate) for (let k = 0; k < m; k++) out[oOff + k] = 0;
  for (let q = 0; q < n; q++) {
    const s = c[cOff + q * cStride];
    const o = xOff + q * m;
    for (let k = 0; k < m; k++) out[oOff + k] += s * x[o + k];
  }
}

/**
 * g[gOff + q gStride] += <y, X_q> for q < n, X_q = x[xOff + q m ..]: the weight gradients of
 * {@link combine} (y the gradient of its result), y held in registers for SU(2).
 */
export function innerProducts(
  g: Float64Array,
  gOff: number,
  gStride: number,
  y: Float64Array,
  yOff: number,
  x: Float64Array,
  xOff: number,
  n: number,
  m: number,
): void {
  if (m === 8) {
    const y0 = y[yOff];
    const y1 = y[yOff + 1];
    const y2 = y[yOff + 2];
    const y3 = y[yOff + 3];
    const y4 = y[yOff + 4];
    const y5 = y[yOff + 5];
    const y6 = y[yOff + 6];
    const y7 = y[yOff + 7];
    for (let q = 0; q < n; q++) {
      const o = xOff + q * 8;
      g[gOff + q * gStride] +=
        y0 * x[o] +
        y1 * x[o + 1] +
        y2 * x[o + 2] +
        y3 * x[o + 3] +
        y4 * x[o + 4] +
        y5 * x[o + 5] +
        y6 * x[o + 6] +
        y7 * x[o + 7];
    }
    return;
  }
  for (let q = 0; q < n; q++) g[gOff + q * gStride] += realInner(y, yOff, x, xOff + q * m, m);
}

/**
 * X_q += c[cOff + q cStride] y for q < n, X_q = x[xOff + q m ..]: the input gradients of
 * {@link combine}, y held in registers for SU(2).
 */
export function scatterScaled(
  x: Float64Array,
  xOff: number,
  c: Float64Array,
  cOff: number,
  cStride: number,
  y: Float64Array,
  yOff: number,
  n: number,
  m: number,
): void {
  if (m === 8) {
    const y0 = y[yOff];
    const y1 = y[yOff + 1];
    const y2 = y[yOff + 2];
    const y3 = y[yOff + 3];
    const y4 = y[yOff + 4];
    const y5 = y[yOff + 5];
    const y6 = y[yOff + 6];
    const y7 = y[yOff + 7];
    for (let q = 0; q < n; q++) {
      const s = c[cOff + q * cStride];
      const o = xOff + q * 8;
      x[o] += s * y0;
      x[o + 1] += s * y1;
      x[o + 2] += s * y2;
      x[o + 3] += s * y3;
      x[o + 4] += s * y4;
      x[o + 5] += s * y5;
      x[o + 6] += s * y6;
      x[o + 7] += s * y7;
    }
    return;
  }
  for (let q = 0; q < n; q++) addScaled(x, xOff + q * m, c[cOff + q * cStride], y, yOff, m);
}
