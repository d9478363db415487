/**
 * Circular (periodic) 2D convolution of NHWC images, the layer of the L-CNN paper's baseline
 * CNN (Favoni, Ipp, Mueller, Schuh, PRL 128 (2022) 032003, doi:10.1103/PhysRevLett.128.032003;
 * PyTorch `Conv2d(padding_mode='circular')`):
 *
 *     y[b, i, j, o] = sum_{p, q, c} x[b, (i + p - p0) mod L0, (j + q - q0) mod L1, c] w[p, q, c, o]
 *
 * for a k x k kernel w of shape [k, k, C_in, C_out], with p0 = q0 = floor((k - 1) / 2) (an
 * even kernel leans forward). It is `tf.conv2d(circularPad(x), w, 1, 'valid')`; it commutes
 * with lattice translations and runs on any L0 x L1.
 *
 * Gradients (a `tf.customGrad`: tfjs' CPU gradients of conv2d read every number through
 * `TensorBuffer.get` and were 30x slower than its forward conv2d on these shapes), both
 * written as forward convolutions:
 *
 *     dx = circularConv(dy, w'),  w'[p, q, o, c] = w[k-1-p, k-1-q, c, o],  pads (p1, p0)
 *     dw[p, q, c, o] = sum_{b, i, j} xpad[b, i + p, j + q, c] dy[b, i, j, o]
 *                    = conv2d(xpad^T [c, H+k-1, W+k-1, b], dy^T [i, j, b, o])  transposed,
 *
 * with p1 = k - 1 - p0 the pad after. The tests compare both with tfjs' own gradients of
 * the plain composition.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { checkInteger, rangeError } from '../../core/validate.js';
import { circularPad } from './circularPad.js';

/** The pads [before, after] of a kernel of side k (an even kernel leans forward). */
export function kernelPads(k: number): [number, number] {
  const before = Math.floor((k - 1) / 2);
  return [before, k - 1 - before];
}

function convolve(x: tf.Tensor4D, w: tf.Tensor4D, pads: [number, number]): tf.Tensor4D {
  return tf.conv2d(circularPad(x, pads, pads), w, 1, 'valid');
}

/**
 * The circular convolution of the module header, differentiable in x and w. Float32.
 *
 * @throws RangeError when x is not [B, L0, L1, C_in] or w not a square [k, k, C_in, C_out].
 */
export function circularConv2d(x: tf.Tensor4D, w: tf.Tensor4D): tf.Tensor4D {
  const fn = 'circularConv2d';
  if (!(x instanceof tf.Tensor) || x.rank !== 4) {
    throw rangeError(fn, 'x', 'a rank-4 NHWC tensor', x instanceof tf.Tensor ? x.shape : x);
  }
  if (!(w instanceof tf.Tensor) || w.rank !== 4 || w.shape[0] !== w.shape[1]) {
    throw rangeError(
      fn,
      'w',
      'a square kernel [k, k, C_in, C_out]',
      w instanceof tf.Tensor ? w.shape : w,
    );
  }
  if (w.shape[2] !== x.shape[3]) {
    throw rangeError(fn, 'w', `C_in = ${x.shape[3]} (the channels of x)`, `shape [${w.shape}]`);
  }
  const k = w.shape[0];
  checkInteger(fn, 'kernel size', k, 1);
  const [p0, p1] = kernelPads(k);
  const op = tf.customGrad((xIn, wIn, save) => {
    const input = xIn as tf.Tensor4D;
    const filter = wIn as tf.Tensor4D;
    const padded = circularPad(input, [p0, p1], [p0, p1]);
    (save as tf.GradSaveFunc)([padded, filter]);
    return {
      value: tf.conv2d(padded, filter, 1, 'valid'),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xpad, kernel] = saved as [tf.Tensor4D, tf.Tensor4D];
        const g = dy as tf.Tensor4D;
        const flipped = tf.transpose(tf.reverse(kernel, [0, 1]), [0, 1, 3, 2]);
        const dx = convolve(g, flipped, [p1, p0]);
        const dw = tf.transpose(
          tf.conv2d(tf.transpose(xpad, [3, 1, 2, 0]), tf.transpose(g, [1, 2, 0, 3]), 1, 'valid'),
          [1, 2, 0, 3],
        );
        return [dx, dw];
      },
    };
  });
  return op(x, w) as tf.Tensor4D;
}
