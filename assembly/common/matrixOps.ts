// Small operations on N x N complex matrices in memory (N = 2, 3; m = 2 N^2 doubles, 16 N^2
// bytes), each in the order of its TypeScript counterpart (src/sun, src/lcnn/matrixOps.ts), so
// that the results agree to the last bit: adjoint, identity, out += s a (lane by lane, as
// out[k] += s * a[k]), and <a, b> = Re tr(a^+ b) summed left to right.

import {
  adjointMultiply2,
  adjointMultiply3,
  multiply2,
  multiply3,
  multiplyAdjoint2,
  multiplyAdjoint3,
} from './matrices';

/** [1, -1]. */
const CONJ: v128 = f64x2(1.0, -1.0);

/** Bytes of an N x N complex matrix. */
// @ts-ignore: decorator
@inline
export function matrixBytes(N: i32): usize {
  return <usize>(16 * N * N);
}

/** out = a b (N = 2, 3). */
// @ts-ignore: decorator
@inline
export function multiplyN(out: usize, a: usize, b: usize, N: i32): void {
  if (N == 2) multiply2(out, a, b);
  else multiply3(out, a, b);
}

/** out = a b^+ (N = 2, 3). */
// @ts-ignore: decorator
@inline
export function multiplyAdjointN(out: usize, a: usize, b: usize, N: i32): void {
  if (N == 2) multiplyAdjoint2(out, a, b);
  else multiplyAdjoint3(out, a, b);
}

/** out = a^+ b (N = 2, 3). */
// @ts-ignore: decorator
@inline
export function adjointMultiplyN(out: usize, a: usize, b: usize, N: i32): void {
  if (N == 2) adjointMultiply2(out, a, b);
  else adjointMultiply3(out, a, b);
}

/** out = a^+ (out must not alias a). */
export function adjointN(out: usize, a: usize, N: i32): void {
  for (let r = 0; r < N; r++) {
    for (let c = 0; c < N; c++) {
      const v = v128.load(a + <usize>(16 * (c * N + r)));
      v128.store(out + <usize>(16 * (r * N + c)), f64x2.mul(v, CONJ));
    }
  }
}

/** out = 1. */
export function identityN(out: usize, N: i32): void {
  const m = 2 * N * N;
  for (let k = 0; k < m; k++) store<f64>(out + (<usize>k << 3), 0);
  for (let d = 0; d < N; d++) store<f64>(out + <usize>(16 * (d * N + d)), 1);
}

/** out = a over `bytes` bytes (a multiple of 16). */
// @ts-ignore: decorator
@inline
export function copyBytes(out: usize, a: usize, bytes: usize): void {
  for (let k: usize = 0; k < bytes; k += 16) v128.store(out + k, v128.load(a + k));
}

/** out = 0 over `bytes` bytes (a multiple of 16). */
// @ts-ignore: decorator
@inline
export function zeroBytes(out: usize, bytes: usize): void {
  const z = f64x2.splat(0);
  for (let k: usize = 0; k < bytes; k += 16) v128.store(out + k, z);
}

/** out += s a over `bytes` bytes: out[k] + s a[k], lane by lane (addScaled). */
// @ts-ignore: decorator
@inline
export function addScaled(out: usize, s: f64, a: usize, bytes: usize): void {
  const sv = f64x2.splat(s);
  for (let k: usize = 0; k < bytes; k += 16) {
    v128.store(out + k, f64x2.add(v128.load(out + k), f64x2.mul(sv, v128.load(a + k))));
  }
}

/** out += a over `bytes` bytes (addScaled with s = 1: 1 a[k] is a[k] exactly). */
// @ts-ignore: decorator
@inline
export function addTo(out: usize, a: usize, bytes: usize): void {
  for (let k: usize = 0; k < bytes; k += 16) {
    v128.store(out + k, f64x2.add(v128.load(out + k), v128.load(a + k)));
  }
}

/**
 * <a, b> = Re tr(a^+ b), the sum of the m products of the components, left to right as
 * realInner of src/lcnn/matrixOps.ts (m = 8 one expression, else a loop from 0).
 */
// @ts-ignore: decorator
@inline
export function realInner(a: usize, b: usize, N: i32): f64 {
  if (N == 2) {
    return (
      load<f64>(a) * load<f64>(b) +
      load<f64>(a, 8) * load<f64>(b, 8) +
      load<f64>(a, 16) * load<f64>(b, 16) +
      load<f64>(a, 24) * load<f64>(b, 24) +
      load<f64>(a, 32) * load<f64>(b, 32) +
      load<f64>(a, 40) * load<f64>(b, 40) +
      load<f64>(a, 48) * load<f64>(b, 48) +
      load<f64>(a, 56) * load<f64>(b, 56)
    );
  }
  let s: f64 = 0;
  for (let k: usize = 0; k < 144; k += 8) s += load<f64>(a + k) * load<f64>(b + k);
  return s;
}
