/**
 * Solution of a symmetric positive definite system A x = b by the Cholesky factorisation
 * A = L L^T and two triangular solves (Golub and Van Loan, Matrix Computations, 4th ed.,
 * Algorithm 4.2.1 and section 3.1). For the damped normal equations of the Levenberg-Marquardt
 * method (./levenbergMarquardt.ts): a few hundred unknowns, a fresh damping per trial step.
 *
 * @module
 */
import { checkInteger, rangeError } from './validate.js';

/**
 * Solves (A + diag(shift)) x = b for the symmetric positive definite n x n matrix `a`
 * (row-major; only its lower triangle is read, and `a` is not changed) and the optional
 * diagonal `shift` (the damping of Levenberg-Marquardt, changed per trial step without a copy
 * of A). Returns undefined when a pivot is not positive (not positive definite in floating
 * point): the caller raises its damping.
 */
export function choleskySolve(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  n: number,
  shift?: ArrayLike<number>,
): Float64Array | undefined {
  checkInteger('choleskySolve', 'n', n, 1);
  if (a.length !== n * n || b.length !== n) {
    throw rangeError(
      'choleskySolve',
      'a, b',
      `${n * n} and ${n} numbers`,
      `${a.length} and ${b.length}`,
    );
  }
  if (shift !== undefined && shift.length !== n) {
    throw rangeError('choleskySolve', 'shift', `${n} numbers`, shift.length);
  }
  // L in the lower triangle of l, row by row (the inner products run along contiguous rows)
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let s = i === j && shift !== undefined ? a[ri + j] + shift[i] : a[ri + j];
      for (let k = 0; k < j; k++) s -= l[ri + k] * l[rj + k];
      if (i === j) {
        if (!(s > 0)) return undefined;
        l[ri + i] = Math.sqrt(s);
      } else {
        l[ri + j] = s / l[rj + j];
      }
    }
  }
  const x = Float64Array.from(b);
  for (let i = 0; i < n; i++) {
    let s = x[i];
    for (let k = 0; k < i; k++) s -= l[i * n + k] * x[k];
    x[i] = s / l[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * x[k];
    x[i] = s / l[i * n + i];
  }
  return x;
}
