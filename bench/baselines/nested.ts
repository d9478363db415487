/**
 * Plain nested-loop kernels on the library's layout (row-major, (re, im) interleaved,
 * 2*N*N doubles per matrix; see src/sun/types.ts): the straightforward way to write a complex
 * matrix product, with three loops over r, c, k and index arithmetic. They write `out`
 * directly, so `out` must not alias an input (the benchmark never aliases).
 *
 * @module
 */

/** out = a b for N x N complex matrices, three nested loops. */
export function nestedMultiply(
  N: number,
  out: Float64Array,
  oOff: number,
  a: Float64Array,
  aOff: number,
  b: Float64Array,
  bOff: number,
): Float64Array {
  for (let r = 0; r < N; r++) {
    for (let c = 0; c < N; c++) {
      let re = 0;
      let im = 0;
      for (let k = 0; k < N; k++) {
        const ia = aOff + 2 * (r * N + k);
        const ib = bOff + 2 * (k * N + c);
        re += a[ia] * b[ib] - a[ia + 1] * b[ib + 1];
        im += a[ia] * b[ib + 1] + a[ia + 1] * b[ib];
      }
      out[oOff + 2 * (r * N + c)] = re;
      out[oOff + 2 * (r * N + c) + 1] = im;
    }
  }
  return out;
}

/** out = a^dagger, two nested loops. */
export function nestedAdjoint(
  N: number,
  out: Float64Array,
  oOff: number,
  a: Float64Array,
  aOff: number,
): Float64Array {
  for (let r = 0; r < N; r++) {
    for (let c = 0; c < N; c++) {
      out[oOff + 2 * (r * N + c)] = a[aOff + 2 * (c * N + r)];
      out[oOff + 2 * (r * N + c) + 1] = -a[aOff + 2 * (c * N + r) + 1];
    }
  }
  return out;
}

/** Re tr a, one loop over the diagonal. */
export function nestedReTrace(N: number, a: Float64Array, aOff: number): number {
  let t = 0;
  for (let i = 0; i < N; i++) t += a[aOff + 2 * (i * N + i)];
  return t;
}

/**
 * out = a b, three nested loops that accumulate straight into `out` (zeroed first) instead of
 * into local sums: the other common way to write it down.
 */
export function nestedMultiplyAccumulate(
  N: number,
  out: Float64Array,
  oOff: number,
  a: Float64Array,
  aOff: number,
  b: Float64Array,
  bOff: number,
): Float64Array {
  for (let r = 0; r < N; r++) {
    for (let c = 0; c < N; c++) {
      const io = oOff + 2 * (r * N + c);
      out[io] = 0;
      out[io + 1] = 0;
      for (let k = 0; k < N; k++) {
        const ia = aOff + 2 * (r * N + k);
        const ib = bOff + 2 * (k * N + c);
        out[io] += a[ia] * b[ib] - a[ia + 1] * b[ib + 1];
        out[io + 1] += a[ia] * b[ib + 1] + a[ia + 1] * b[ib];
      }
    }
  }
  return out;
}
