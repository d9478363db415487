/**
 * Exact results of two-dimensional pure gauge theory with the Wilson action, the reference
 * of the validation ladder (DESIGN.md 7).
 *
 * In two dimensions (infinite volume, open or, up to exponentially small corrections, large
 * periodic boundaries) the plaquettes are independent (Gross & Witten, Phys. Rev. D 21
 * (1980) 446), each distributed as one link with the weight exp((beta/N) Re tr U) dU, so
 *
 *     P(beta) = d/dbeta ln z(beta/N),   W(R x T) = P^(R T),
 *     z(x) = int_SU(N) dU exp(x Re tr U) = sum_{q in Z} det[ I_{q+i-j}(x) ]_{i,j=1..N}
 *
 * with I_n the modified Bessel functions (the U(N) integral det[I_{i-j}(x)] of Bars & Green,
 * Phys. Rev. D 20 (1979) 3311, summed over the U(1) winding q to restrict to SU(N)). For
 * SU(2) this is I_2(beta)/I_1(beta). The derivative is taken analytically with Jacobi's
 * formula and I_n' = (I_{n-1} + I_{n+1})/2.
 *
 * @module
 */
import { checkInteger, rangeError } from '../core/validate.js';

/** Modified Bessel function I_n(x) of integer order, x >= 0 (power series; x up to ~50). */
export function besselI(n: number, x: number): number {
  const m = Math.abs(n); // I_{-n} = I_n for integer n
  const half = x / 2;
  // term_k = (x/2)^(2k+m) / (k! (k+m)!)
  let term = 1;
  for (let j = 1; j <= m; j++) term *= half / j;
  let sum = term;
  for (let k = 1; k < 500; k++) {
    term *= (half * half) / (k * (k + m));
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

/** Determinant of a small real matrix (row-major, n x n), by Gaussian elimination. */
function det(a: Float64Array, n: number): number {
  const m = a.slice();
  let d = 1;
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let r = k + 1; r < n; r++) if (Math.abs(m[r * n + k]) > Math.abs(m[p * n + k])) p = r;
    if (m[p * n + k] === 0) return 0;
    if (p !== k) {
      for (let c = 0; c < n; c++) [m[k * n + c], m[p * n + c]] = [m[p * n + c], m[k * n + c]];
      d = -d;
    }
    d *= m[k * n + k];
    for (let r = k + 1; r < n; r++) {
      const f = m[r * n + k] / m[k * n + k];
      for (let c = k; c < n; c++) m[r * n + c] -= f * m[k * n + c];
    }
  }
  return d;
}

/**
 * z(x) = sum_q det[I_{q+i-j}(x)] and its derivative dz/dx, summing q until the terms vanish.
 */
export function singleLinkPartitionFunction(
  N: number,
  x: number,
): {
  /** The partition function z(x). */
  z: number;
  /** Its derivative dz/dx. */
  dz: number;
} {
  checkInteger('singleLinkPartitionFunction', 'N', N, 2, 16);
  if (!(x >= 0 && Number.isFinite(x))) {
    throw rangeError('singleLinkPartitionFunction', 'x', 'a finite number >= 0', x);
  }
  const A = new Float64Array(N * N);
  const B = new Float64Array(N * N);
  let z = 0;
  let dz = 0;
  for (let q = 0; ; q++) {
    let termZ = 0;
    let termD = 0;
    for (const s of q === 0 ? [0] : [q, -q]) {
      for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) A[i * N + j] = besselI(s + i - j, x);
      termZ += det(A, N);
      // Jacobi: d det A = sum_j det(A with column j differentiated)
      for (let col = 0; col < N; col++) {
        B.set(A);
        for (let i = 0; i < N; i++) {
          const k = s + i - col;
          B[i * N + col] = (besselI(k - 1, x) + besselI(k + 1, x)) / 2;
        }
        termD += det(B, N);
      }
    }
    z += termZ;
    dz += termD;
    if (
      q > 0 &&
      Math.abs(termZ) <= 1e-17 * Math.abs(z) &&
      Math.abs(termD) <= 1e-17 * Math.abs(dz)
    ) {
      break;
    }
    if (q > 200) break;
  }
  return { z, dz };
}

/**
 * The exact 2D plaquette <(1/N) Re tr U_P> at coupling beta: (1/N) z'(beta/N) / z(beta/N).
 * SU(2), beta = 2: 0.433127426722; SU(3), beta = 6: 0.4225317397.
 */
export function exactPlaquette2d(N: number, beta: number): number {
  if (!(beta >= 0 && Number.isFinite(beta))) {
    throw rangeError('exactPlaquette2d', 'beta', 'a finite number >= 0', beta);
  }
  const { z, dz } = singleLinkPartitionFunction(N, beta / N);
  return dz / z / N;
}

/** The exact 2D Wilson loop W(R x T) = P^(R T). */
export function exactWilsonLoop2d(N: number, beta: number, R: number, T: number): number {
  checkInteger('exactWilsonLoop2d', 'R', R, 1);
  checkInteger('exactWilsonLoop2d', 'T', T, 1);
  return exactPlaquette2d(N, beta) ** (R * T);
}
