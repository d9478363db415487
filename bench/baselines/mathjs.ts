/**
 * mathjs counterparts of the kernels: the same operations written the way a mathjs user
 * would, on `Matrix` objects of `Complex` numbers. Conversions from the library's layout
 * happen once, outside the timed loops.
 *
 * mathjs has no re-unitarisation; {@link mathjsReunitarize} is the natural mathjs spelling of
 * the library's definition (Gram-Schmidt on the rows, then the last row times conj(det)).
 *
 * @module
 */
import * as math from 'mathjs';
import type { Complex, Matrix } from 'mathjs';

/** The N x N matrix at offset `off` of `a` (library layout) as a mathjs Matrix of Complex. */
export function toMathjs(N: number, a: Float64Array, off: number): Matrix {
  const rows: Complex[][] = [];
  for (let r = 0; r < N; r++) {
    const row: Complex[] = [];
    for (let c = 0; c < N; c++) {
      const i = off + 2 * (r * N + c);
      row.push(math.complex(a[i], a[i + 1]));
    }
    rows.push(row);
  }
  return math.matrix(rows);
}

/** The real part of element (0, 0) of a mathjs matrix of Complex (for checksums). */
export function re00(m: Matrix): number {
  return (m.get([0, 0]) as Complex).re;
}

/** out = a b with mathjs. */
export function mathjsMultiply(a: Matrix, b: Matrix): Matrix {
  return math.multiply(a, b);
}

/** exp(a) with mathjs (Pade approximant with scaling and squaring). */
export function mathjsExp(a: Matrix): Matrix {
  return math.expm(a);
}

/**
 * Projects a near-unitary matrix onto SU(N) with mathjs: modified Gram-Schmidt on the rows
 * (mathjs `dot` conjugates its first argument), then the last row times conj(det).
 */
export function mathjsReunitarize(a: Matrix): Matrix {
  const rows = a.toArray() as Complex[][];
  const N = rows.length;
  const q: Complex[][] = [];
  for (let r = 0; r < N; r++) {
    let v = rows[r];
    for (let k = 0; k < r; k++) {
      const p = math.dot(q[k], v) as unknown as Complex;
      v = math.subtract(v, math.multiply(q[k], p) as Complex[]) as Complex[];
    }
    const n = math.norm(v) as number;
    q.push(math.divide(v, n) as Complex[]);
  }
  const d = math.conj(math.det(math.matrix(q)) as unknown as Complex);
  q[N - 1] = math.multiply(q[N - 1], d) as Complex[];
  return math.matrix(q);
}

/** Re tr(U1 U2 U3^dagger U4^dagger) with mathjs: three products, two ctransposes, a trace. */
export function mathjsPlaquetteReTrace(u1: Matrix, u2: Matrix, u3: Matrix, u4: Matrix): number {
  const p = math.multiply(
    math.multiply(math.multiply(u1, u2), math.ctranspose(u3)),
    math.ctranspose(u4),
  );
  return (math.trace(p) as unknown as Complex).re;
}
