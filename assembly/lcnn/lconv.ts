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
