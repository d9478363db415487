// L-Conv (Favoni, Ipp, Mueller, Schuh, PRL 128 (2022) 032003, eq. (6)), forward and backward,
// as LConv.forward and LConv.backward of src/lcnn/layers/lconv.ts do them (links as data: no
// gradient for the Wilson lines), loop for loop and sum for sum, so the results are theirs to
// the last bit:
//
//     W'_o(x) = sum_{t, i} w_{o i t} T_t W_i(x),  T_t W(x) = L_t(x) W(x + k_t mu_t) L_t(x)^+,
//
// forward: each input transported (Cin <= Cout) or each output's weighted sum of the inputs
// (L (sum_i w_i W_i) L^+ = sum_i w_i L W_i L^+); backward with the adjoint of the transport,
// G~_o = L^+ G_o(x) L: dL/dw_{o i t} += <W_i(x + k mu), G~_o>, G_{W_i}(x + k mu) +=
// sum_o w_{o i t} G~_o, so no transport of the forward pass is formed again.
//
// Term t = 0 is the identity (k = 0). `lines` holds, for t >= 1, a pointer (i32) to the lines
// L_t of the batch, [configuration][site][matrix]; `shifts` holds, for t >= 1, the site
// x + k_t mu_t of every site x (i32, [t][x]). Tensors are [configuration][site][channel][matrix];
// the weights w[(o Cin + i) T + t] (f64).

import { addTo, adjointMultiplyN, matrixBytes, multiplyAdjointN, multiplyN } from '../common/matrixOps';
import { combine, innerProducts, scatterScaled } from './sums';

/** s = L W L^+ (tmp = L W, then s = tmp L^+, as lconv.ts). */
// @ts-ignore: decorator
@inline
function transport(s: usize, tmp: usize, L: usize, W: usize, N: i32): void {
  multiplyN(tmp, L, W, N);
  multiplyAdjointN(s, tmp, L, N);
}

/** out (zeroed by the caller) += the convolution of W. Scratch: s, v, tmp one matrix each. */
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
  v: usize,
  tmp: usize,
): void {
  const mb = matrixBytes(N);
  const transportInputs = inChannels <= outChannels;
  const oStride = inChannels * terms;
  for (let b = 0; b < batch; b++) {
    for (let x = 0; x < volume; x++) {
      const site = b * volume + x;
      const o = out + <usize>(site * outChannels) * mb;
      for (let c = 0; c < outChannels; c++) {
        combine(o + <usize>c * mb, w + (<usize>(c * oStride) << 3), terms, W + <usize>(site * inChannels) * mb, inChannels, N, true);
      }
      for (let t = 1; t < terms; t++) {
        const L = <usize>load<i32>(lines + (<usize>t << 2)) + <usize>site * mb;
        const y = load<i32>(shifts + (<usize>(t * volume + x) << 2));
        const Wy = W + <usize>((b * volume + y) * inChannels) * mb;
        if (transportInputs) {
          for (let i = 0; i < inChannels; i++) {
            transport(s, tmp, L, Wy + <usize>i * mb, N);
            scatterScaled(o, w + (<usize>(i * terms + t) << 3), oStride, s, outChannels, N);
          }
        } else {
          for (let c = 0; c < outChannels; c++) {
            combine(v, w + (<usize>(c * oStride + t) << 3), terms, Wy, inChannels, N, false);
            transport(s, tmp, L, v, N);
            addTo(o + <usize>c * mb, s, mb);
          }
        }
      }
    }
  }
}

/**
 * gradIn (zeroed by the caller) += dL/dW when `wantInput`, and gw += dL/dw, for the output
 * gradient G. Scratch: back Cout matrices, tmp one.
 */
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
  wantInput: bool,
  back: usize,
  tmp: usize,
): void {
  const mb = matrixBytes(N);
  const oStride = inChannels * terms;
  for (let b = 0; b < batch; b++) {
    for (let x = 0; x < volume; x++) {
      const site = b * volume + x;
      const g0 = G + <usize>(site * outChannels) * mb;
      for (let i = 0; i < inChannels; i++) {
        const wi = w + (<usize>(i * terms) << 3);
        innerProducts(gw + (<usize>(i * terms) << 3), oStride, W + <usize>(site * inChannels + i) * mb, g0, outChannels, N);
        if (wantInput) {
          combine(gradIn + <usize>(site * inChannels + i) * mb, wi, oStride, g0, outChannels, N, true);
        }
      }
      for (let t = 1; t < terms; t++) {
        const L = <usize>load<i32>(lines + (<usize>t << 2)) + <usize>site * mb;
        const y = load<i32>(shifts + (<usize>(t * volume + x) << 2));
        // G~_o = L^+ G_o L
        for (let c = 0; c < outChannels; c++) {
          adjointMultiplyN(tmp, L, g0 + <usize>c * mb, N);
          multiplyN(back + <usize>c * mb, tmp, L, N);
        }
        const yi = (b * volume + y) * inChannels;
        for (let i = 0; i < inChannels; i++) {
          const it = <usize>(i * terms + t) << 3;
          innerProducts(gw + it, oStride, W + <usize>(yi + i) * mb, back, outChannels, N);
          if (wantInput) combine(gradIn + <usize>(yi + i) * mb, w + it, oStride, back, outChannels, N, true);
        }
      }
    }
  }
}
