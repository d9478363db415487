/**
 * Circular (periodic) padding of NHWC images, the boundary condition of the lattice:
 *
 *     out[b, i, j, c] = x[b, (i - top) mod L0, (j - left) mod L1, c]
 *
 * for i in [0, top + L0 + bottom), j in [0, left + L1 + right). A "valid" convolution of
 * the padded image is then the periodic (circular) convolution of x, which commutes with
 * lattice translations: this is PyTorch's `padding_mode='circular'` of the L-CNN paper's
 * baseline (Favoni, Ipp, Mueller, Schuh, PRL 128 (2022) 032003,
 * doi:10.1103/PhysRevLett.128.032003). Its gradient folds the padding back:
 *
 *     dx[b, m, n, c] = sum of dy[b, i, j, c] over the (i, j) with
 *                      (i - top) mod L0 = m and (j - left) mod L1 = n.
 *
 * tfjs has no circular padding (`tf.mirrorPad` reflects, it does not wrap). Two forms:
 *
 * - {@link circularPadSlices}: `tf.slice` + `tf.concat`, differentiated by tfjs itself. On
 *   the CPU backend its strided slices and their gradients go element by element through
 *   `TensorBuffer.get` (about 1 us per number), which made it most of a training step;
 * - {@link circularPad}: the same op as a `tf.customGrad` whose forward and backward are
 *   loops over the typed arrays (the tfjs pattern: the op validates, the kernel loops, the
 *   gradient is its own function). The tests hold the two to be equal, values and gradients.
 *
 * Pads longer than the image wrap around as many times as needed.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { checkInteger, rangeError } from '../../core/validate.js';

/** Pads of one spatial axis: [top, bottom] for rows, [left, right] for columns. */
export type Pads = readonly [number, number];

function checkPadArguments(fn: string, x: tf.Tensor4D, rows: Pads, columns: Pads): void {
  if (!(x instanceof tf.Tensor) || x.rank !== 4 || x.shape[1] < 1 || x.shape[2] < 1) {
    const shape = x instanceof tf.Tensor ? `shape [${x.shape}]` : x;
    throw rangeError(fn, 'x', 'a rank-4 NHWC tensor with H, W >= 1', shape);
  }
  if (!Array.isArray(rows) || rows.length !== 2) {
    throw rangeError(fn, 'rows', '[top, bottom]', rows);
  }
  if (!Array.isArray(columns) || columns.length !== 2) {
    throw rangeError(fn, 'columns', '[left, right]', columns);
  }
  checkInteger(fn, 'rows[0]', rows[0], 0);
  checkInteger(fn, 'rows[1]', rows[1], 0);
  checkInteger(fn, 'columns[0]', columns[0], 0);
  checkInteger(fn, 'columns[1]', columns[1], 0);
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}

/**
 * The periodic source row (or column) of every padded row: `source[i] = (i - before) mod L`.
 */
function sources(L: number, before: number, after: number): Int32Array {
  return Int32Array.from({ length: before + L + after }, (_, i) => mod(i - before, L));
}

/** Forward kernel: copies each padded pixel's C channels from its periodic source. */
function padKernel(
  x: Float32Array,
  shape: readonly number[],
  rowSource: Int32Array,
  columnSource: Int32Array,
): Float32Array {
  const [B, H, W, C] = shape;
  const Hp = rowSource.length;
  const Wp = columnSource.length;
  const out = new Float32Array(B * Hp * Wp * C);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < Hp; i++) {
      const rowIn = (b * H + rowSource[i]) * W;
      const rowOut = (b * Hp + i) * Wp;
      for (let j = 0; j < Wp; j++) {
        const from = (rowIn + columnSource[j]) * C;
        out.set(x.subarray(from, from + C), (rowOut + j) * C);
      }
    }
  }
  return out;
}

/** Backward kernel: adds each padded pixel's gradient onto its periodic source. */
function foldKernel(
  dy: Float32Array,
  shape: readonly number[],
  rowSource: Int32Array,
  columnSource: Int32Array,
): Float32Array {
  const [B, H, W, C] = shape;
  const Hp = rowSource.length;
  const Wp = columnSource.length;
  const dx = new Float32Array(B * H * W * C);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < Hp; i++) {
      const rowIn = (b * H + rowSource[i]) * W;
      const rowOut = (b * Hp + i) * Wp;
      for (let j = 0; j < Wp; j++) {
        const to = (rowIn + columnSource[j]) * C;
        const from = (rowOut + j) * C;
        for (let c = 0; c < C; c++) dx[to + c] += dy[from + c];
      }
    }
  }
  return dx;
}

/**
 * Pads an NHWC image periodically: `rows = [top, bottom]` along axis 1, `columns =
 * [left, right]` along axis 2 (formula in the module header). Differentiable (custom
 * gradient: the fold of the module header). Float32.
 *
 * @throws RangeError for a tensor that is not rank 4 or a negative or fractional pad.
 */
export function circularPad(x: tf.Tensor4D, rows: Pads, columns: Pads): tf.Tensor4D {
  checkPadArguments('circularPad', x, rows, columns);
  if (rows[0] === 0 && rows[1] === 0 && columns[0] === 0 && columns[1] === 0) return x.clone();
  const shape = x.shape;
  const rowSource = sources(shape[1], rows[0], rows[1]);
  const columnSource = sources(shape[2], columns[0], columns[1]);
  const outShape: [number, number, number, number] = [
    shape[0],
    rowSource.length,
    columnSource.length,
    shape[3],
  ];
  const op = tf.customGrad((input) => {
    const values = (input as tf.Tensor).dataSync() as Float32Array;
    return {
      value: tf.tensor4d(padKernel(values, shape, rowSource, columnSource), outShape, 'float32'),
      gradFunc: (dy: tf.Tensor) =>
        tf.tensor4d(
          foldKernel(dy.dataSync() as Float32Array, shape, rowSource, columnSource),
          shape,
          'float32',
        ),
    };
  });
  return tf.tidy(() => op(x.dtype === 'float32' ? x : tf.cast(x, 'float32')) as tf.Tensor4D);
}

/** Pushes `count` slices' worth of x along `axis`, starting at `start`, wrapping at the end. */
function pushPeriodic(
  pieces: tf.Tensor4D[],
  x: tf.Tensor4D,
  axis: 1 | 2,
  start: number,
  count: number,
): void {
  const L = x.shape[axis];
  let from = start;
  for (let left = count; left > 0;) {
    const n = Math.min(left, L - from);
    const begin: [number, number, number, number] = [0, 0, 0, 0];
    const size: [number, number, number, number] = [-1, -1, -1, -1];
    begin[axis] = from;
    size[axis] = n;
    pieces.push(tf.slice(x, begin, size));
    left -= n;
    from = 0;
  }
}

function wrapAxis(x: tf.Tensor4D, axis: 1 | 2, before: number, after: number): tf.Tensor4D {
  if (before === 0 && after === 0) return x;
  const pieces: tf.Tensor4D[] = [];
  pushPeriodic(pieces, x, axis, mod(-before, x.shape[axis]), before);
  pieces.push(x);
  pushPeriodic(pieces, x, axis, 0, after);
  return tf.concat(pieces, axis);
}

/**
 * {@link circularPad} built from `tf.slice` and `tf.concat` and differentiated by tfjs
 * itself: the reference the fast op is tested against (slow on the CPU backend, see the
 * module header). Keeps the dtype of x.
 *
 * @throws RangeError for a tensor that is not rank 4 or a negative or fractional pad.
 */
export function circularPadSlices(x: tf.Tensor4D, rows: Pads, columns: Pads): tf.Tensor4D {
  checkPadArguments('circularPadSlices', x, rows, columns);
  if (rows[0] === 0 && rows[1] === 0 && columns[0] === 0 && columns[1] === 0) return x.clone();
  return tf.tidy(() => wrapAxis(wrapAxis(x, 1, rows[0], rows[1]), 2, columns[0], columns[1]));
}
