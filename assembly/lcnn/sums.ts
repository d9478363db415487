// The sums of the L-CNN layers, as combine, innerProducts and scatterScaled of
// src/lcnn/matrixOps.ts do them, term for term and in the same order, so the results are theirs
// to the last bit. Matrices are N x N complex (N = 2, 3; 16 N^2 bytes), coefficients f64 at
// c + q cStride (in doubles).

import { addScaled, matrixBytes, realInner } from '../common/matrixOps';

/**
 * out = sum_{q<n} c_q X_q (or out += that when `accumulate`), X_q the n consecutive matrices
 * at x. SU(2): the sum in four v128 locals from 0, then stored or added (combine's m = 8 case);
 * SU(3): out zeroed unless accumulating, then out += c_q X_q term by term (its loop).
 */
// @ts-ignore: decorator
@inline
export function combine(
  out: usize,
  c: usize,
  cStride: i32,
  x: usize,
  n: i32,
  N: i32,
  accumulate: bool,
): void {
  if (N == 2) {
    let r0 = f64x2.splat(0);
    let r1 = f64x2.splat(0);
    let r2 = f64x2.splat(0);
    let r3 = f64x2.splat(0);
    for (let q = 0; q < n; q++) {
      const s = f64x2.splat(load<f64>(c + (<usize>(q * cStride) << 3)));
      const xq = x + (<usize>q << 6);
      r0 = f64x2.add(r0, f64x2.mul(s, v128.load(xq, 0)));
      r1 = f64x2.add(r1, f64x2.mul(s, v128.load(xq, 16)));
      r2 = f64x2.add(r2, f64x2.mul(s, v128.load(xq, 32)));
      r3 = f64x2.add(r3, f64x2.mul(s, v128.load(xq, 48)));
    }
    if (accumulate) {
      r0 = f64x2.add(v128.load(out, 0), r0);
      r1 = f64x2.add(v128.load(out, 16), r1);
      r2 = f64x2.add(v128.load(out, 32), r2);
      r3 = f64x2.add(v128.load(out, 48), r3);
    }
    v128.store(out, r0, 0);
    v128.store(out, r1, 16);
    v128.store(out, r2, 32);
    v128.store(out, r3, 48);
    return;
  }
  const mb = matrixBytes(N);
  if (!accumulate) {
    const z = f64x2.splat(0);
    for (let k: usize = 0; k < mb; k += 16) v128.store(out + k, z);
  }
  for (let q = 0; q < n; q++) {
    addScaled(out, load<f64>(c + (<usize>(q * cStride) << 3)), x + <usize>q * mb, mb);
  }
}

/** g_q += <y, X_q> for q < n (g_q at g + q gStride doubles): innerProducts. */
// @ts-ignore: decorator
@inline
export function innerProducts(g: usize, gStride: i32, y: usize, x: usize, n: i32, N: i32): void {
  const mb = matrixBytes(N);
  for (let q = 0; q < n; q++) {
    const gq = g + (<usize>(q * gStride) << 3);
    store<f64>(gq, load<f64>(gq) + realInner(y, x + <usize>q * mb, N));
  }
}

/** X_q += c_q y for q < n: scatterScaled. */
// @ts-ignore: decorator
@inline
export function scatterScaled(x: usize, c: usize, cStride: i32, y: usize, n: i32, N: i32): void {
  const mb = matrixBytes(N);
  for (let q = 0; q < n; q++) {
    addScaled(x + <usize>q * mb, load<f64>(c + (<usize>(q * cStride) << 3)), y, mb);
  }
}
