// The bilinear map of L-Bilin and L-CB (Favoni, Ipp, Mueller, Schuh, PRL 128 (2022) 032003,
// eq. (7)), forward and backward, as Bilinear.forward and Bilinear.backward of
// src/lcnn/layers/lbilin.ts do them, loop for loop and sum for sum, so the results are theirs to
// the last bit:
//
//     W''_i(x) = sum_p Aext_p(x) Z_ip(x),  Z_ip = sum_q a_ipq Bext_q(x),
//     Aext = {A_1..A_n, A_1^+..A_n^+, 1} (likewise Bext),
//     Y_ip = Aext_p^+ G_i,  dL/da_ipq += <Y_ip, Bext_q>,  G_{Bext_q} += sum_ip a_ipq Y_ip,
//     G_{A_j} += sum_i (G_i Z_ij^+ + Z_i,n+j G_i^+).
//
// Tensors are [site][channel][matrix] (sites = configurations x volume); `a` and `ga` are the
// weights a[(i PA + p) PB + q] and their gradient (f64). Scratch: bExt and gbExt PB matrices,
// z Cout PA matrices, y and tmp one each.

import {
  addTo,
  adjointMultiplyN,
  adjointN,
  copyBytes,
  identityN,
  matrixBytes,
  multiplyAdjointN,
  multiplyN,
  zeroBytes,
} from '../common/matrixOps';
import { combine, innerProducts, scatterScaled } from './sums';

/** ext = {X_1..X_n, X_1^+..X_n^+, 1} of the n matrices at x (extend of lbilin.ts). */
function extend(ext: usize, x: usize, n: i32, N: i32): void {
  const mb = matrixBytes(N);
  for (let j = 0; j < n; j++) {
    copyBytes(ext + <usize>j * mb, x + <usize>j * mb, mb);
    adjointN(ext + <usize>(n + j) * mb, x + <usize>j * mb, N);
  }
  identityN(ext + <usize>(2 * n) * mb, N);
}

/** z[i PA + p] = Z_ip = sum_q a_ipq bExt_q (rightFactors of lbilin.ts). */
// @ts-ignore: decorator
@inline
function rightFactors(z: usize, a: usize, bExt: usize, rows: i32, PB: i32, N: i32): void {
  const mb = matrixBytes(N);
  for (let ip = 0; ip < rows; ip++) {
    combine(z + <usize>ip * mb, a + (<usize>(ip * PB) << 3), 1, bExt, PB, N, false);
  }
}

/** out (zeroed by the caller) = sum_p Aext_p Z_ip at every site. */
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
  bExt: usize,
  z: usize,
  tmp: usize,
): void {
  const mb = matrixBytes(N);
  const PA = 2 * nA + 1;
  const PB = 2 * nB + 1;
  for (let s = 0; s < sites; s++) {
    extend(bExt, B + <usize>(s * nB) * mb, nB, N);
    rightFactors(z, a, bExt, outChannels * PA, PB, N);
    const As = A + <usize>(s * nA) * mb;
    for (let i = 0; i < outChannels; i++) {
      const o = out + <usize>(s * outChannels + i) * mb;
      const zi = z + <usize>(i * PA) * mb;
      // the unit's term first: out_i = Z_{i,unit} (1 Z is Z exactly)
      addTo(o, zi + <usize>(2 * nA) * mb, mb);
      for (let j = 0; j < nA; j++) {
        const aj = As + <usize>j * mb;
        multiplyN(tmp, aj, zi + <usize>j * mb, N);
        addTo(o, tmp, mb);
        adjointMultiplyN(tmp, aj, zi + <usize>(nA + j) * mb, N);
        addTo(o, tmp, mb);
      }
    }
  }
}

/**
 * gradA, gradB (zeroed by the caller) += the gradients of the operands at every site (each only
 * when wanted), and ga += dL/da, for the output gradient G.
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
  wantA: bool,
  wantB: bool,
  bExt: usize,
  gbExt: usize,
  z: usize,
  y: usize,
  tmp: usize,
): void {
  const mb = matrixBytes(N);
  const PA = 2 * nA + 1;
  const PB = 2 * nB + 1;
  for (let s = 0; s < sites; s++) {
    extend(bExt, B + <usize>(s * nB) * mb, nB, N);
    if (wantA) rightFactors(z, a, bExt, outChannels * PA, PB, N);
    zeroBytes(gbExt, <usize>(2 * nB) * mb);
    const As = A + <usize>(s * nA) * mb;
    for (let i = 0; i < outChannels; i++) {
      const gi = G + <usize>(s * outChannels + i) * mb;
      for (let p = 0; p < PA; p++) {
        // Y_ip = Aext_p^+ G_i: A_p^+ G_i, A_j G_i for the dagger A_j^+, G_i for the unit
        let ySrc = y;
        if (p < nA) adjointMultiplyN(y, As + <usize>p * mb, gi, N);
        else if (p < 2 * nA) multiplyN(y, As + <usize>(p - nA) * mb, gi, N);
        else ySrc = gi;
        const row = <usize>((i * PA + p) * PB) << 3;
        innerProducts(ga + row, 1, ySrc, bExt, PB, N);
        // the unit Bext_{2 nB} needs no gradient, only its weight's
        if (wantB) scatterScaled(gbExt, a + row, 1, ySrc, 2 * nB, N);
      }
      if (wantA) {
        const zi = z + <usize>(i * PA) * mb;
        for (let j = 0; j < nA; j++) {
          const o = gradA + <usize>(s * nA + j) * mb;
          multiplyAdjointN(tmp, gi, zi + <usize>j * mb, N);
          addTo(o, tmp, mb);
          multiplyAdjointN(tmp, zi + <usize>(nA + j) * mb, gi, N);
          addTo(o, tmp, mb);
        }
      }
    }
    // fold the extended gradients back: B_j gets G_j + (G_{nB+j})^+
    if (wantB) {
      for (let j = 0; j < nB; j++) {
        const o = gradB + <usize>(s * nB + j) * mb;
        addTo(o, gbExt + <usize>j * mb, mb);
        adjointN(tmp, gbExt + <usize>(nB + j) * mb, N);
        addTo(o, tmp, mb);
      }
    }
  }
}
