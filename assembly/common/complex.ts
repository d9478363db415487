// Complex numbers in SIMD lanes: one complex number is one v128 holding [re, im] (f64x2), the
// interleaved layout of DESIGN.md 2, so a matrix element is loaded and stored as one v128.
//
// Bit-for-bit agreement with the TypeScript kernels (src/sun/su3.ts, su2.ts). There an element
// of a product is one sum evaluated left to right, e.g. for c = a b
//
//     re = a0r b0r - a0i b0i + a1r b1r - a1i b1i + ...
//     im = a0r b0i + a0i b0r + a1r b1i + a1i b1r + ...
//
// With lanes [re, im], splat(akr) bk + splat(aki) (i bk) adds, lane by lane, exactly these terms
// in exactly this order ((i b) = [-bi, br]; x + (-y) is x - y and x (-y) is -(x y) in IEEE
// arithmetic, and the first two terms of a sum commute exactly). So every product below gives
// the TypeScript kernels' results to the last bit; no fused multiply-add is used (wasm SIMD has
// none outside relaxed-simd, which is not deterministic).

/** [-1, 1]: lane 0 negated. */
const FLIP_RE: v128 = f64x2(-1.0, 1.0);
/** [1, -1]: lane 1 negated. */
const FLIP_IM: v128 = f64x2(1.0, -1.0);

/** [im, re]. */
// @ts-ignore: decorator
@inline
export function swapLanes(b: v128): v128 {
  return v128.shuffle<f64>(b, b, 1, 0);
}

/** i b = [-im, re]. */
// @ts-ignore: decorator
@inline
export function timesI(b: v128): v128 {
  return f64x2.mul(swapLanes(b), FLIP_RE);
}

/** -i b = [im, -re]. */
// @ts-ignore: decorator
@inline
export function timesMinusI(b: v128): v128 {
  return f64x2.mul(swapLanes(b), FLIP_IM);
}

/** conj(b) = [re, -im]. */
// @ts-ignore: decorator
@inline
export function conj(b: v128): v128 {
  return f64x2.mul(b, FLIP_IM);
}

/** [re, re]. */
// @ts-ignore: decorator
@inline
export function splatRe(b: v128): v128 {
  return v128.shuffle<f64>(b, b, 0, 0);
}

/** [im, im]. */
// @ts-ignore: decorator
@inline
export function splatIm(b: v128): v128 {
  return v128.shuffle<f64>(b, b, 1, 1);
}

/** [re, re] of the complex number at p (memory). */
// @ts-ignore: decorator
@inline
export function loadRe(p: usize): v128 {
  return v128.load64_splat(p);
}

/** [im, im] of the complex number at p (memory). */
// @ts-ignore: decorator
@inline
export function loadIm(p: usize): v128 {
  return v128.load64_splat(p, 8);
}

/** The complex number at p (memory). */
// @ts-ignore: decorator
@inline
export function load(p: usize): v128 {
  return v128.load(p);
}

/**
 * r0 x0 + i0 y0 + r1 x1 + i1 y1, lane by lane, in this order: one element of a 2x2 product
 * (rk, ik: the splatted real and imaginary part of the left factor; xk, yk: the right factor and
 * its partner, see the header).
 */
// @ts-ignore: decorator
@inline
export function dot2(r0: v128, i0: v128, x0: v128, y0: v128, r1: v128, i1: v128, x1: v128, y1: v128): v128 {
  let p = f64x2.mul(r0, x0);
  p = f64x2.add(p, f64x2.mul(i0, y0));
  p = f64x2.add(p, f64x2.mul(r1, x1));
  return f64x2.add(p, f64x2.mul(i1, y1));
}

/** r0 x0 + i0 y0 + r1 x1 + i1 y1 + r2 x2 + i2 y2, lane by lane, in this order (3x3 element). */
// @ts-ignore: decorator
@inline
export function dot3(
  r0: v128,
  i0: v128,
  x0: v128,
  y0: v128,
  r1: v128,
  i1: v128,
  x1: v128,
  y1: v128,
  r2: v128,
  i2: v128,
  x2: v128,
  y2: v128,
): v128 {
  let p = f64x2.mul(r0, x0);
  p = f64x2.add(p, f64x2.mul(i0, y0));
  p = f64x2.add(p, f64x2.mul(r1, x1));
  p = f64x2.add(p, f64x2.mul(i1, y1));
  p = f64x2.add(p, f64x2.mul(r2, x2));
  return f64x2.add(p, f64x2.mul(i2, y2));
}
