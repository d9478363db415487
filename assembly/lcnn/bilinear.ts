// The bilinear map of L-Bilin and L-CB (Favoni, Ipp, Mueller, Schuh, PRL 128 (2022) 032003,
// eq. (7)), forward and backward, as Bilinear.forward and Bilinear.backward of
// src/lcnn/layers/lbilin.ts do them, loop for loop and sum for sum, so the results are theirs to
// the last bit:
//
//     W''_i(x) = sum_{p,q} a_ipq Aext_p(x) Bext_q(x),  Aext = {A_1..A_n, A_1^+..A_n^+, 1},
//     G_{A_p} += G_P Bext_q^+,  G_{B_q} += Aext_p^+ G_P,  G_P = sum_i a_ipq G_i,
//     dL/da_ipq += <G_i, P_pq>.
//
// Tensors are [site][channel][matrix] (sites = configurations x volume); `a` and `ga` are the
// weights a[(i PA + p) PB + q] and their gradient (f64); the scratch pointers hold PA, PB, PA,
// PB and 1, 1, 1 matrices.

import { conj, dot2, splatIm, splatRe, swapLanes, timesI, timesMinusI } from '../common/complex';
import {
  addScaled,
  addTo,
  adjointMultiplyN,
  adjointN,
  copyBytes,
  identityN,
  matrixBytes,
  multiplyAdjointN,
  multiplyN,
  realInner,
  zeroBytes,
} from '../common/matrixOps';

/** ext = {X_1..X_n, X_1^+..X_n^+, 1} of the n matrices at x (extend of lbilin.ts). */
function extend(ext: usize, x: usize, n: i32, N: i32): void {
  const mb = matrixBytes(N);
  for (let j = 0; j < n; j++) {
    copyBytes(ext + <usize>j * mb, x + <usize>j * mb, mb);
    adjointN(ext + <usize>(n + j) * mb, x + <usize>j * mb, N);
  }
  identityN(ext + <usize>(2 * n) * mb, N);
}

/** out (zeroed by the caller) += sum_pq a_ipq Aext_p Bext_q at every site. */
export function bilinearForward(
  out: usize,
  A: usize,
  B: usize,
  a: usize,
  sites: i32,
  nA: i32,
  nB: i32,
  outChannels: i32,
  N: i32,
  aExt: usize,
  bExt: usize,
  P: usize,
): void {
  const mb = matrixBytes(N);
  const PA = 2 * nA + 1;
  const PB = 2 * nB + 1;
  for (let s = 0; s < sites; s++) {
    extend(aExt, A + <usize>(s * nA) * mb, nA, N);
    extend(bExt, B + <usize>(s * nB) * mb, nB, N);
    const o = out + <usize>(s * outChannels) * mb;
    if (N == 2) {
      forwardSiteSU2(o, a, PA, PB, outChannels, aExt, bExt);
      continue;
    }
    for (let p = 0; p < PA; p++) {
      for (let q = 0; q < PB; q++) {
        multiplyN(P, aExt + <usize>p * mb, bExt + <usize>q * mb, N);
        for (let i = 0; i < outChannels; i++) {
          const w = load<f64>(a + (<usize>((i * PA + p) * PB + q) << 3));
          addScaled(o + <usize>i * mb, w, P, mb);
        }
      }
    }
  }
}

/**
 * gradA, gradB (zeroed by the caller) += the gradients of the operands at every site, and
 * ga += dL/da, for the output gradient G.
 */
export function bilinearBackward(
  gradA: usize,
  gradB: usize,
  ga: usize,
  A: usize,
  B: usize,
  G: usize,
  a: usize,
  sites: i32,
  nA: i32,
  nB: i32,
  outChannels: i32,
  N: i32,
  aExt: usize,
  bExt: usize,
  gaExt: usize,
  gbExt: usize,
  P: usize,
  GP: usize,
  tmp: usize,
): void {
  const mb = matrixBytes(N);
  const PA = 2 * nA + 1;
  const PB = 2 * nB + 1;
  for (let s = 0; s < sites; s++) {
    extend(aExt, A + <usize>(s * nA) * mb, nA, N);
    extend(bExt, B + <usize>(s * nB) * mb, nB, N);
    zeroBytes(gaExt, <usize>PA * mb);
    zeroBytes(gbExt, <usize>PB * mb);
    const g = G + <usize>(s * outChannels) * mb;
    if (N == 2) {
      backwardSiteSU2(ga, g, a, PA, PB, outChannels, aExt, bExt, gaExt, gbExt);
    } else {
      backwardSite(ga, g, a, PA, PB, outChannels, N, aExt, bExt, gaExt, gbExt, P, GP, tmp);
    }
    // fold the extended gradients back: X_j gets G_j + (G_{n+j})^+; the unit gets none
    for (let j = 0; j < nA; j++) {
      const o = gradA + <usize>(s * nA + j) * mb;
      addTo(o, gaExt + <usize>j * mb, mb);
      adjointN(tmp, gaExt + <usize>(nA + j) * mb, N);
      addTo(o, tmp, mb);
    }
    for (let j = 0; j < nB; j++) {
      const o = gradB + <usize>(s * nB + j) * mb;
      addTo(o, gbExt + <usize>j * mb, mb);
      adjointN(tmp, gbExt + <usize>(nB + j) * mb, N);
      addTo(o, tmp, mb);
    }
  }
}

/** The (p, q) loop of one site of {@link bilinearBackward}, any N, through memory scratch. */
// @ts-ignore: decorator
@inline
function backwardSite(
  ga: usize,
  g: usize,
  a: usize,
  PA: i32,
  PB: i32,
  outChannels: i32,
  N: i32,
  aExt: usize,
  bExt: usize,
  gaExt: usize,
  gbExt: usize,
  P: usize,
  GP: usize,
  tmp: usize,
): void {
  const mb = matrixBytes(N);
  for (let p = 0; p < PA; p++) {
    const ap = aExt + <usize>p * mb;
    for (let q = 0; q < PB; q++) {
      const bq = bExt + <usize>q * mb;
      multiplyN(P, ap, bq, N);
      zeroBytes(GP, mb);
      for (let i = 0; i < outChannels; i++) {
        const gi = g + <usize>i * mb;
        const idx = <usize>((i * PA + p) * PB + q) << 3;
        store<f64>(ga + idx, load<f64>(ga + idx) + realInner(gi, P, N));
        addScaled(GP, load<f64>(a + idx), gi, mb);
      }
      multiplyAdjointN(tmp, GP, bq, N);
      addTo(gaExt + <usize>p * mb, tmp, mb);
      adjointMultiplyN(tmp, ap, GP, N);
      addTo(gbExt + <usize>q * mb, tmp, mb);
    }
  }
}

/** The (p, q) loop of one site of {@link bilinearForward} for SU(2), P in v128 locals. */
// @ts-ignore: decorator
@inline
function forwardSiteSU2(
  o: usize,
  a: usize,
  PA: i32,
  PB: i32,
  outChannels: i32,
  aExt: usize,
  bExt: usize,
): void {
  for (let p = 0; p < PA; p++) {
    const ap = aExt + (<usize>p << 6);
    const ar00 = v128.load64_splat(ap, 0);
    const ai00 = v128.load64_splat(ap, 8);
    const ar01 = v128.load64_splat(ap, 16);
    const ai01 = v128.load64_splat(ap, 24);
    const ar10 = v128.load64_splat(ap, 32);
    const ai10 = v128.load64_splat(ap, 40);
    const ar11 = v128.load64_splat(ap, 48);
    const ai11 = v128.load64_splat(ap, 56);
    for (let q = 0; q < PB; q++) {
      const bq = bExt + (<usize>q << 6);
      const b00 = v128.load(bq, 0);
      const b01 = v128.load(bq, 16);
      const b10 = v128.load(bq, 32);
      const b11 = v128.load(bq, 48);
      const P00 = dot2(ar00, ai00, b00, timesI(b00), ar01, ai01, b10, timesI(b10));
      const P01 = dot2(ar00, ai00, b01, timesI(b01), ar01, ai01, b11, timesI(b11));
      const P10 = dot2(ar10, ai10, b00, timesI(b00), ar11, ai11, b10, timesI(b10));
      const P11 = dot2(ar10, ai10, b01, timesI(b01), ar11, ai11, b11, timesI(b11));
      for (let i = 0; i < outChannels; i++) {
        const w = f64x2.splat(load<f64>(a + (<usize>((i * PA + p) * PB + q) << 3)));
        const oi = o + (<usize>i << 6);
        v128.store(oi, f64x2.add(v128.load(oi, 0), f64x2.mul(w, P00)), 0);
        v128.store(oi, f64x2.add(v128.load(oi, 16), f64x2.mul(w, P01)), 16);
        v128.store(oi, f64x2.add(v128.load(oi, 32), f64x2.mul(w, P10)), 32);
        v128.store(oi, f64x2.add(v128.load(oi, 48), f64x2.mul(w, P11)), 48);
      }
    }
  }
}

/** sum of the lanes of x, y, z, w, in the order x0 + x1 + y0 + y1 + z0 + z1 + w0 + w1. */
// @ts-ignore: decorator
@inline
function sumLanes(x: v128, y: v128, z: v128, w: v128): f64 {
  return (
    f64x2.extract_lane(x, 0) +
    f64x2.extract_lane(x, 1) +
    f64x2.extract_lane(y, 0) +
    f64x2.extract_lane(y, 1) +
    f64x2.extract_lane(z, 0) +
    f64x2.extract_lane(z, 1) +
    f64x2.extract_lane(w, 0) +
    f64x2.extract_lane(w, 1)
  );
}

/**
 * {@link backwardSite} for SU(2), with P = A_p B_q and G_P in v128 locals (4 complex numbers
 * each) instead of memory: the same operations in the same order (the products as
 * ../common/matrices.ts, <G_i, P> as realInner: the 8 products, then their sum left to right).
 */
// @ts-ignore: decorator
@inline
function backwardSiteSU2(
  ga: usize,
  g: usize,
  a: usize,
  PA: i32,
  PB: i32,
  outChannels: i32,
  aExt: usize,
  bExt: usize,
  gaExt: usize,
  gbExt: usize,
): void {
  for (let p = 0; p < PA; p++) {
    const ap = aExt + (<usize>p << 6);
    const ar00 = v128.load64_splat(ap, 0);
    const ai00 = v128.load64_splat(ap, 8);
    const ar01 = v128.load64_splat(ap, 16);
    const ai01 = v128.load64_splat(ap, 24);
    const ar10 = v128.load64_splat(ap, 32);
    const ai10 = v128.load64_splat(ap, 40);
    const ar11 = v128.load64_splat(ap, 48);
    const ai11 = v128.load64_splat(ap, 56);
    for (let q = 0; q < PB; q++) {
      const bq = bExt + (<usize>q << 6);
      const b00 = v128.load(bq, 0);
      const b01 = v128.load(bq, 16);
      const b10 = v128.load(bq, 32);
      const b11 = v128.load(bq, 48);
      // P = A_p B_q (multiply2)
      const P00 = dot2(ar00, ai00, b00, timesI(b00), ar01, ai01, b10, timesI(b10));
      const P01 = dot2(ar00, ai00, b01, timesI(b01), ar01, ai01, b11, timesI(b11));
      const P10 = dot2(ar10, ai10, b00, timesI(b00), ar11, ai11, b10, timesI(b10));
      const P11 = dot2(ar10, ai10, b01, timesI(b01), ar11, ai11, b11, timesI(b11));
      let GP00 = f64x2.splat(0);
      let GP01 = f64x2.splat(0);
      let GP10 = f64x2.splat(0);
      let GP11 = f64x2.splat(0);
      for (let i = 0; i < outChannels; i++) {
        const gi = g + (<usize>i << 6);
        const g00 = v128.load(gi, 0);
        const g01 = v128.load(gi, 16);
        const g10 = v128.load(gi, 32);
        const g11 = v128.load(gi, 48);
        const idx = <usize>((i * PA + p) * PB + q) << 3;
        const inner = sumLanes(
          f64x2.mul(g00, P00),
          f64x2.mul(g01, P01),
          f64x2.mul(g10, P10),
          f64x2.mul(g11, P11),
        );
        store<f64>(ga + idx, load<f64>(ga + idx) + inner);
        const w = f64x2.splat(load<f64>(a + idx));
        GP00 = f64x2.add(GP00, f64x2.mul(w, g00));
        GP01 = f64x2.add(GP01, f64x2.mul(w, g01));
        GP10 = f64x2.add(GP10, f64x2.mul(w, g10));
        GP11 = f64x2.add(GP11, f64x2.mul(w, g11));
      }
      // gaExt_p += G_P B_q^+ (multiplyAdjoint2)
      const c00 = conj(b00);
      const c01 = conj(b01);
      const c10 = conj(b10);
      const c11 = conj(b11);
      const s00 = swapLanes(b00);
      const s01 = swapLanes(b01);
      const s10 = swapLanes(b10);
      const s11 = swapLanes(b11);
      const gr00 = splatRe(GP00);
      const gi00 = splatIm(GP00);
      const gr01 = splatRe(GP01);
      const gi01 = splatIm(GP01);
      const gr10 = splatRe(GP10);
      const gi10 = splatIm(GP10);
      const gr11 = splatRe(GP11);
      const gi11 = splatIm(GP11);
      const ep = gaExt + (<usize>p << 6);
      v128.store(ep, f64x2.add(v128.load(ep, 0), dot2(gr00, gi00, c00, s00, gr01, gi01, c01, s01)), 0);
      v128.store(ep, f64x2.add(v128.load(ep, 16), dot2(gr00, gi00, c10, s10, gr01, gi01, c11, s11)), 16);
      v128.store(ep, f64x2.add(v128.load(ep, 32), dot2(gr10, gi10, c00, s00, gr11, gi11, c01, s01)), 32);
      v128.store(ep, f64x2.add(v128.load(ep, 48), dot2(gr10, gi10, c10, s10, gr11, gi11, c11, s11)), 48);
      // gbExt_q += A_p^+ G_P (adjointMultiply2)
      const m00 = timesMinusI(GP00);
      const m01 = timesMinusI(GP01);
      const m10 = timesMinusI(GP10);
      const m11 = timesMinusI(GP11);
      const eq = gbExt + (<usize>q << 6);
      v128.store(eq, f64x2.add(v128.load(eq, 0), dot2(ar00, ai00, GP00, m00, ar10, ai10, GP10, m10)), 0);
      v128.store(eq, f64x2.add(v128.load(eq, 16), dot2(ar00, ai00, GP01, m01, ar10, ai10, GP11, m11)), 16);
      v128.store(eq, f64x2.add(v128.load(eq, 32), dot2(ar01, ai01, GP00, m00, ar11, ai11, GP10, m10)), 32);
      v128.store(eq, f64x2.add(v128.load(eq, 48), dot2(ar01, ai01, GP01, m01, ar11, ai11, GP11, m11)), 48);
    }
  }
}
