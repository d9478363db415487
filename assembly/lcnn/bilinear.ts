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
