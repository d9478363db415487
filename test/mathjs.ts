/** Conversions between our matrix layout and mathjs matrices, for the independent references. */
import { create, all, type Matrix } from 'mathjs';

/** A mathjs instance with every function (the tests' independent reference). */
export const math = create(all);

/** The N x N matrix at offset `off` (row-major, interleaved re, im) as a mathjs matrix. */
export function toMath(a: Float64Array, off: number, N: number): Matrix {
  const rows = [];
  for (let r = 0; r < N; r++) {
    const row = [];
    for (let c = 0; c < N; c++) {
      row.push(math.complex(a[off + 2 * (r * N + c)], a[off + 2 * (r * N + c) + 1]));
    }
    rows.push(row);
  }
  return math.matrix(rows);
}

/** (re, im) of a mathjs number or Complex. */
export function parts(v: unknown): [number, number] {
  if (typeof v === 'number') return [v, 0];
  const z = v as { re: number; im: number };
  return [z.re, z.im];
}

/** An N x N mathjs matrix in our layout. */
export function fromMath(m: unknown, N: number): Float64Array {
  const rows = (m as Matrix).toArray() as unknown[][];
  const out = new Float64Array(2 * N * N);
  for (let r = 0; r < N; r++) {
    for (let c = 0; c < N; c++) {
      const [re, im] = parts(rows[r][c]);
      out[2 * (r * N + c)] = re;
      out[2 * (r * N + c) + 1] = im;
    }
  }
  return out;
}
