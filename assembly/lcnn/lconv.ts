// L-Conv (Favoni, Ipp, Mueller, Schuh, PRL 128 (2022) 032003, eq. (6)), forward and backward,
// as LConv.forward and LConv.backward of src/lcnn/layers/lconv.ts do them (links as data: no
// gradient for the Wilson lines), loop for loop and sum for sum, so the results are theirs to
// the last bit:
//
//     W'_o(x) = sum_{t, i} w_{o i t} T_t W_i(x),  T_t W(x) = L_t(x) W(x + k_t mu_t) L_t(x)^+,
//     G_{W_i}(x + k mu) += L^+ h L,  h = sum_o w_{o i t} G_{W'_o}(x),
//     dL/dw_{o i t} += <G_{W'_o}(x), T_t W_i(x)>.
//
// Term t = 0 is the identity (k = 0). `lines` holds, for t >= 1, a pointer (i32) to the lines
// L_t of the batch, [configuration][site][matrix]; `shifts` holds, for t >= 1, the site
// x + k_t mu_t of every site x (i32, [t][x]). Tensors are [configuration][site][channel][matrix].

import { conj, dot2, splatIm, splatRe, swapLanes, timesI, timesMinusI } from '../common/complex';
import {
  addScaled,
  addTo,
  adjointMultiplyN,
  matrixBytes,
  multiplyAdjointN,
  multiplyN,
  realInner,
  zeroBytes,
} from '../common/matrixOps';

/** s = L W L^+ (transportInto of lconv.ts: tmp = L W, then s = tmp L^+). */
// @ts-ignore: decorator
@inline
function transport(s: usize, tmp: usize, L: usize, W: usize, N: i32): void {
  multiplyN(tmp, L, W, N);
  multiplyAdjointN(s, tmp, L, N);
}

/** out (zeroed by the caller) += the convolution of W. */
export function lconvForward(
  out: usize,
  W: usize,
  lines: usize,
  shifts: usize,
  w: usize,
  batch: i32,
  volume: i32,
  inChannels: i32,
  outChannels: i32,
  terms: i32,
  N: i32,
  s: usize,
  tmp: usize,
): void {
  if (N == 2) {
    lconvForwardSU2(out, W, lines, shifts, w, batch, volume, inChannels, outChannels, terms);
    return;
  }
  const mb = matrixBytes(N);
  for (let b = 0; b < batch; b++) {
    for (let x = 0; x < volume; x++) {
      const site = b * volume + x;
      const o = out + <usize>(site * outChannels) * mb;
      for (let t = 0; t < terms; t++) {
        let L: usize = 0;
        let y = x;
        if (t > 0) {
          L = <usize>load<i32>(lines + (<usize>t << 2)) + <usize>site * mb;
          y = load<i32>(shifts + (<usize>(t * volume + x) << 2));
        }
        for (let i = 0; i < inChannels; i++) {
          let src = W + <usize>(site * inChannels + i) * mb;
          if (t > 0) {
            transport(s, tmp, L, W + <usize>((b * volume + y) * inChannels + i) * mb, N);
            src = s;
          }
          for (let c = 0; c < outChannels; c++) {
            const weight = load<f64>(w + (<usize>((c * inChannels + i) * terms + t) << 3));
            addScaled(o + <usize>c * mb, weight, src, mb);
          }
        }
      }
    }
  }
}

/** gradIn (zeroed by the caller) += dL/dW, and gw += dL/dw, for the output gradient G. */
export function lconvBackward(
  gradIn: usize,
  gw: usize,
  W: usize,
  G: usize,
  lines: usize,
  shifts: usize,
  w: usize,
  batch: i32,
  volume: i32,
  inChannels: i32,
  outChannels: i32,
  terms: i32,
  N: i32,
  s: usize,
  h: usize,
  tmp: usize,
): void {
  if (N == 2) {
    lconvBackwardSU2(gradIn, gw, W, G, lines, shifts, w, batch, volume, inChannels, outChannels, terms);
    return;
  }
  const mb = matrixBytes(N);
  for (let b = 0; b < batch; b++) {
    for (let x = 0; x < volume; x++) {
      const site = b * volume + x;
      const g = G + <usize>(site * outChannels) * mb;
      for (let t = 0; t < terms; t++) {
        let L: usize = 0;
        let y = x;
        if (t > 0) {
          L = <usize>load<i32>(lines + (<usize>t << 2)) + <usize>site * mb;
          y = load<i32>(shifts + (<usize>(t * volume + x) << 2));
        }
        for (let i = 0; i < inChannels; i++) {
          let src = W + <usize>(site * inChannels + i) * mb;
          if (t > 0) {
            transport(s, tmp, L, W + <usize>((b * volume + y) * inChannels + i) * mb, N);
            src = s;
          }
          zeroBytes(h, mb);
          for (let c = 0; c < outChannels; c++) {
            const gc = g + <usize>c * mb;
            const idx = <usize>((c * inChannels + i) * terms + t) << 3;
            store<f64>(gw + idx, load<f64>(gw + idx) + realInner(gc, src, N));
            addScaled(h, load<f64>(w + idx), gc, mb);
          }
          if (t == 0) {
            addTo(gradIn + <usize>(site * inChannels + i) * mb, h, mb);
          } else {
            // G_W(x + k mu) += L^+ h L
            adjointMultiplyN(tmp, L, h, N);
            multiplyN(s, tmp, L, N);
            addTo(gradIn + <usize>((b * volume + y) * inChannels + i) * mb, s, mb);
          }
        }
      }
    }
  }
}

// SU(2): the same loops with the transported matrix, h and the products in v128 locals (four
// complex numbers each) instead of memory scratch; the same operations in the same order
// (../common/matrices.ts for the products, realInner's left-to-right sum for <G, s>).

/** The lanes of x, y, z, u summed in the order x0 + x1 + y0 + y1 + ... (realInner's order). */
// @ts-ignore: decorator
@inline
function sumLanes(x: v128, y: v128, z: v128, u: v128): f64 {
  return (
    f64x2.extract_lane(x, 0) +
    f64x2.extract_lane(x, 1) +
    f64x2.extract_lane(y, 0) +
    f64x2.extract_lane(y, 1) +
    f64x2.extract_lane(z, 0) +
    f64x2.extract_lane(z, 1) +
    f64x2.extract_lane(u, 0) +
    f64x2.extract_lane(u, 1)
  );
}

/** lconvForward for N = 2. */
function lconvForwardSU2(
  out: usize,
  W: usize,
  lines: usize,
  shifts: usize,
  w: usize,
  batch: i32,
  volume: i32,
  inChannels: i32,
  outChannels: i32,
  terms: i32,
): void {
  for (let b = 0; b < batch; b++) {
    for (let x = 0; x < volume; x++) {
      const site = b * volume + x;
      const o = out + (<usize>(site * outChannels) << 6);
      for (let t = 0; t < terms; t++) {
        let L: usize = 0;
        let y = x;
        if (t > 0) {
          L = <usize>load<i32>(lines + (<usize>t << 2)) + (<usize>site << 6);
          y = load<i32>(shifts + (<usize>(t * volume + x) << 2));
        }
        // the line: splats for L W, conjugates and swaps for (L W) L^+
        const lr00 = v128.load64_splat(L, 0);
        const li00 = v128.load64_splat(L, 8);
        const lr01 = v128.load64_splat(L, 16);
        const li01 = v128.load64_splat(L, 24);
        const lr10 = v128.load64_splat(L, 32);
        const li10 = v128.load64_splat(L, 40);
        const lr11 = v128.load64_splat(L, 48);
        const li11 = v128.load64_splat(L, 56);
        const l00 = v128.load(L, 0);
        const l01 = v128.load(L, 16);
        const l10 = v128.load(L, 32);
        const l11 = v128.load(L, 48);
        const lc00 = conj(l00);
        const lc01 = conj(l01);
        const lc10 = conj(l10);
        const lc11 = conj(l11);
        const ls00 = swapLanes(l00);
        const ls01 = swapLanes(l01);
        const ls10 = swapLanes(l10);
        const ls11 = swapLanes(l11);
        for (let i = 0; i < inChannels; i++) {
          let s00: v128;
          let s01: v128;
          let s10: v128;
          let s11: v128;
          if (t == 0) {
            const src = W + (<usize>(site * inChannels + i) << 6);
            s00 = v128.load(src, 0);
            s01 = v128.load(src, 16);
            s10 = v128.load(src, 32);
            s11 = v128.load(src, 48);
          } else {
            // tmp = L W (multiply2), s = tmp L^+ (multiplyAdjoint2)
            const src = W + (<usize>((b * volume + y) * inChannels + i) << 6);
            const w00 = v128.load(src, 0);
            const w01 = v128.load(src, 16);
            const w10 = v128.load(src, 32);
            const w11 = v128.load(src, 48);
            const t00 = dot2(lr00, li00, w00, timesI(w00), lr01, li01, w10, timesI(w10));
            const t01 = dot2(lr00, li00, w01, timesI(w01), lr01, li01, w11, timesI(w11));
            const t10 = dot2(lr10, li10, w00, timesI(w00), lr11, li11, w10, timesI(w10));
            const t11 = dot2(lr10, li10, w01, timesI(w01), lr11, li11, w11, timesI(w11));
            const tr00 = splatRe(t00);
            const ti00 = splatIm(t00);
            const tr01 = splatRe(t01);
            const ti01 = splatIm(t01);
            const tr10 = splatRe(t10);
            const ti10 = splatIm(t10);
            const tr11 = splatRe(t11);
            const ti11 = splatIm(t11);
            s00 = dot2(tr00, ti00, lc00, ls00, tr01, ti01, lc01, ls01);
            s01 = dot2(tr00, ti00, lc10, ls10, tr01, ti01, lc11, ls11);
            s10 = dot2(tr10, ti10, lc00, ls00, tr11, ti11, lc01, ls01);
            s11 = dot2(tr10, ti10, lc10, ls10, tr11, ti11, lc11, ls11);
          }
          for (let c = 0; c < outChannels; c++) {
            const weight = f64x2.splat(load<f64>(w + (<usize>((c * inChannels + i) * terms + t) << 3)));
            const oc = o + (<usize>c << 6);
            v128.store(oc, f64x2.add(v128.load(oc, 0), f64x2.mul(weight, s00)), 0);
            v128.store(oc, f64x2.add(v128.load(oc, 16), f64x2.mul(weight, s01)), 16);
            v128.store(oc, f64x2.add(v128.load(oc, 32), f64x2.mul(weight, s10)), 32);
            v128.store(oc, f64x2.add(v128.load(oc, 48), f64x2.mul(weight, s11)), 48);
          }
        }
      }
    }
  }
}

/** lconvBackward for N = 2. */
function lconvBackwardSU2(
  gradIn: usize,
  gw: usize,
  W: usize,
  G: usize,
  lines: usize,
  shifts: usize,
  w: usize,
  batch: i32,
  volume: i32,
  inChannels: i32,
  outChannels: i32,
  terms: i32,
): void {
  for (let b = 0; b < batch; b++) {
    for (let x = 0; x < volume; x++) {
      const site = b * volume + x;
      const g = G + (<usize>(site * outChannels) << 6);
      for (let t = 0; t < terms; t++) {
        let L: usize = 0;
        let y = x;
        if (t > 0) {
          L = <usize>load<i32>(lines + (<usize>t << 2)) + (<usize>site << 6);
          y = load<i32>(shifts + (<usize>(t * volume + x) << 2));
        }
        const lr00 = v128.load64_splat(L, 0);
        const li00 = v128.load64_splat(L, 8);
        const lr01 = v128.load64_splat(L, 16);
        const li01 = v128.load64_splat(L, 24);
        const lr10 = v128.load64_splat(L, 32);
        const li10 = v128.load64_splat(L, 40);
        const lr11 = v128.load64_splat(L, 48);
        const li11 = v128.load64_splat(L, 56);
        const l00 = v128.load(L, 0);
        const l01 = v128.load(L, 16);
        const l10 = v128.load(L, 32);
        const l11 = v128.load(L, 48);
        const lc00 = conj(l00);
        const lc01 = conj(l01);
        const lc10 = conj(l10);
        const lc11 = conj(l11);
        const ls00 = swapLanes(l00);
        const ls01 = swapLanes(l01);
        const ls10 = swapLanes(l10);
        const ls11 = swapLanes(l11);
        for (let i = 0; i < inChannels; i++) {
          let s00: v128;
          let s01: v128;
          let s10: v128;
          let s11: v128;
          if (t == 0) {
            const src = W + (<usize>(site * inChannels + i) << 6);
            s00 = v128.load(src, 0);
            s01 = v128.load(src, 16);
            s10 = v128.load(src, 32);
            s11 = v128.load(src, 48);
          } else {
            const src = W + (<usize>((b * volume + y) * inChannels + i) << 6);
            const w00 = v128.load(src, 0);
            const w01 = v128.load(src, 16);
            const w10 = v128.load(src, 32);
            const w11 = v128.load(src, 48);
            const t00 = dot2(lr00, li00, w00, timesI(w00), lr01, li01, w10, timesI(w10));
            const t01 = dot2(lr00, li00, w01, timesI(w01), lr01, li01, w11, timesI(w11));
            const t10 = dot2(lr10, li10, w00, timesI(w00), lr11, li11, w10, timesI(w10));
            const t11 = dot2(lr10, li10, w01, timesI(w01), lr11, li11, w11, timesI(w11));
            const tr00 = splatRe(t00);
            const ti00 = splatIm(t00);
            const tr01 = splatRe(t01);
            const ti01 = splatIm(t01);
            const tr10 = splatRe(t10);
            const ti10 = splatIm(t10);
            const tr11 = splatRe(t11);
            const ti11 = splatIm(t11);
            s00 = dot2(tr00, ti00, lc00, ls00, tr01, ti01, lc01, ls01);
            s01 = dot2(tr00, ti00, lc10, ls10, tr01, ti01, lc11, ls11);
            s10 = dot2(tr10, ti10, lc00, ls00, tr11, ti11, lc01, ls01);
            s11 = dot2(tr10, ti10, lc10, ls10, tr11, ti11, lc11, ls11);
          }
          let h00 = f64x2.splat(0);
          let h01 = f64x2.splat(0);
          let h10 = f64x2.splat(0);
          let h11 = f64x2.splat(0);
          for (let c = 0; c < outChannels; c++) {
            const gc = g + (<usize>c << 6);
            const g00 = v128.load(gc, 0);
            const g01 = v128.load(gc, 16);
            const g10 = v128.load(gc, 32);
            const g11 = v128.load(gc, 48);
            const idx = <usize>((c * inChannels + i) * terms + t) << 3;
            const inner = sumLanes(
              f64x2.mul(g00, s00),
              f64x2.mul(g01, s01),
              f64x2.mul(g10, s10),
              f64x2.mul(g11, s11),
            );
            store<f64>(gw + idx, load<f64>(gw + idx) + inner);
            const weight = f64x2.splat(load<f64>(w + idx));
            h00 = f64x2.add(h00, f64x2.mul(weight, g00));
            h01 = f64x2.add(h01, f64x2.mul(weight, g01));
            h10 = f64x2.add(h10, f64x2.mul(weight, g10));
            h11 = f64x2.add(h11, f64x2.mul(weight, g11));
          }
          let r00 = h00;
          let r01 = h01;
          let r10 = h10;
          let r11 = h11;
          let dst = gradIn + (<usize>(site * inChannels + i) << 6);
          if (t > 0) {
            // L^+ h (adjointMultiply2), then (L^+ h) L (multiply2)
            const m00 = timesMinusI(h00);
            const m01 = timesMinusI(h01);
            const m10 = timesMinusI(h10);
            const m11 = timesMinusI(h11);
            const u00 = dot2(lr00, li00, h00, m00, lr10, li10, h10, m10);
            const u01 = dot2(lr00, li00, h01, m01, lr10, li10, h11, m11);
            const u10 = dot2(lr01, li01, h00, m00, lr11, li11, h10, m10);
            const u11 = dot2(lr01, li01, h01, m01, lr11, li11, h11, m11);
            const ur00 = splatRe(u00);
            const ui00 = splatIm(u00);
            const ur01 = splatRe(u01);
            const ui01 = splatIm(u01);
            const ur10 = splatRe(u10);
            const ui10 = splatIm(u10);
            const ur11 = splatRe(u11);
            const ui11 = splatIm(u11);
            r00 = dot2(ur00, ui00, l00, timesI(l00), ur01, ui01, l10, timesI(l10));
            r01 = dot2(ur00, ui00, l01, timesI(l01), ur01, ui01, l11, timesI(l11));
            r10 = dot2(ur10, ui10, l00, timesI(l00), ur11, ui11, l10, timesI(l10));
            r11 = dot2(ur10, ui10, l01, timesI(l01), ur11, ui11, l11, timesI(l11));
            dst = gradIn + (<usize>((b * volume + y) * inChannels + i) << 6);
          }
          v128.store(dst, f64x2.add(v128.load(dst, 0), r00), 0);
          v128.store(dst, f64x2.add(v128.load(dst, 16), r01), 16);
          v128.store(dst, f64x2.add(v128.load(dst, 32), r10), 32);
          v128.store(dst, f64x2.add(v128.load(dst, 48), r11), 48);
        }
      }
    }
  }
}
