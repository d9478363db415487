/**
 * Eigen-decomposition of a small real symmetric matrix by the cyclic Jacobi method (Golub and
 * Van Loan, Matrix Computations, 4th ed., Algorithm 8.5.3), and the minimum-norm least-squares
 * solution of symmetric normal equations through it (the pseudo-inverse, ibid. 5.5.4). For the
 * readout refit of the L-CNN training (../lcnn/training/readoutRefit.ts): a few dozen unknowns,
 * Gram matrices that are singular where a feature is identically zero (Im tr U for SU(2)).
 *
 * @module
 */
import { checkInteger, rangeError } from './validate.js';

/** A = V diag(values) V^T, V orthogonal (its columns the eigenvectors). */
export interface SymmetricEigen {
  /** The eigenvalues (unsorted). */
  values: Float64Array;
  /** V row-major: V[i * n + j] is component i of eigenvector j. */
  vectors: Float64Array;
}

/**
 * Eigenvalues and eigenvectors of the symmetric n x n matrix `a` (row-major; only read).
 * Sweeps until the off-diagonal norm is below 1e-15 of the Frobenius norm (at most 100 sweeps;
 * a handful suffice, the convergence being quadratic).
 */
export function symmetricEigen(a: ArrayLike<number>, n: number): SymmetricEigen {
  const fn = 'symmetricEigen';
  checkInteger(fn, 'n', n, 1);
  if (a.length !== n * n) throw rangeError(fn, 'a', `${n * n} numbers`, a.length);
  const A = Float64Array.from(a);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const x = A[i * n + j];
      const y = A[j * n + i];
      if (!Number.isFinite(x) || Math.abs(x - y) > 1e-12 * (Math.abs(x) + Math.abs(y))) {
        throw rangeError(
          fn,
          'a',
          'a finite symmetric matrix',
          `a[${i}][${j}] = ${x}, a[${j}][${i}] = ${y}`,
        );
      }
    }
  }
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  let frobenius = 0;
  for (const x of A) frobenius += x * x;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += 2 * A[p * n + q] ** 2;
    if (off <= 1e-30 * frobenius) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q];
        if (apq === 0) continue;
        // the rotation that zeroes A[p][q] (Algorithm 8.5.1, symSchur2)
        const tau = (A[q * n + q] - A[p * n + p]) / (2 * apq);
        const t = (tau >= 0 ? 1 : -1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = A[k * n + p];
          const akq = A[k * n + q];
          A[k * n + p] = c * akp - s * akq;
          A[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = A[p * n + k];
          const aqk = A[q * n + k];
          A[p * n + k] = c * apk - s * aqk;
          A[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = V[k * n + p];
          const vkq = V[k * n + q];
          V[k * n + p] = c * vkp - s * vkq;
          V[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: Float64Array.from({ length: n }, (_, i) => A[i * n + i]), vectors: V };
}

/**
 * The minimum-norm x minimising |G^{1/2} x - G^{-1/2} b| for a symmetric positive
 * semi-definite G, i.e. x = G^+ b: the least-squares solution of the normal equations G x = b
 * (G = X^T X, b = X^T y). Eigenvalues at or below `relativeCutoff` times the largest count as
 * zero, so that directions the data do not determine (a feature that is always zero) get no
 * weight instead of noise divided by rounding.
 */
export function pseudoInverseSolve(
  G: ArrayLike<number>,
  b: ArrayLike<number>,
  n: number,
  relativeCutoff = 1e-12,
): Float64Array {
  if (b.length !== n) throw rangeError('pseudoInverseSolve', 'b', `${n} numbers`, b.length);
  const { values, vectors: V } = symmetricEigen(G, n);
  const largest = Math.max(0, ...values);
  const x = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    if (!(values[j] > relativeCutoff * largest)) continue;
    let vb = 0;
    for (let i = 0; i < n; i++) vb += V[i * n + j] * b[i];
    const coefficient = vb / values[j];
    for (let i = 0; i < n; i++) x[i] += coefficient * V[i * n + j];
  }
  return x;
}
