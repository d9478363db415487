/**
 * Generators of su(N): the generalised Gell-Mann matrices divided by two.
 *
 * T^a are hermitian and traceless with tr(T^a T^b) = delta_ab / 2; for N = 2 they are the
 * Pauli matrices over two, for N = 3 the Gell-Mann matrices over two (Georgi, "Lie Algebras
 * in Particle Physics", ch. 7 and 13). Order: for each pair r < c the symmetric generator
 * (E_rc + E_cr)/2 then the antisymmetric one -i(E_rc - E_cr)/2, then the N - 1 diagonal
 * generators diag(1, ..., 1, -k, 0, ...)/sqrt(2k(k+1)), k = 1 .. N-1.
 * Element of the group near the identity: U = exp(i sum_a omega_a T^a).
 *
 * @module
 */
import { checkN } from '../core/validate.js';

/**
 * Returns the N^2 - 1 generators T^a, one matrix after the other (each 2*N*N doubles,
 * layout of ./types.ts). Allocates: call once and keep the result.
 */
export function generators(N: number): Float64Array {
  checkN('generators', N);
  const size = 2 * N * N;
  const out = new Float64Array((N * N - 1) * size);
  let a = 0;
  const at = (r: number, c: number): number => a * size + 2 * (r * N + c);
  for (let r = 0; r < N; r++) {
    for (let c = r + 1; c < N; c++) {
      out[at(r, c)] = 0.5;
      out[at(c, r)] = 0.5;
      a++;
      out[at(r, c) + 1] = -0.5;
      out[at(c, r) + 1] = 0.5;
      a++;
    }
  }
  for (let k = 1; k < N; k++) {
    const f = 1 / Math.sqrt(2 * k * (k + 1));
    for (let r = 0; r < k; r++) out[at(r, r)] = f;
    out[at(k, k)] = -k * f;
    a++;
  }
  return out;
}

/**
 * out = i sum_a omega_a T^a, the su(N) element with real coordinates omega
 * (anti-hermitian, traceless). `T` is the output of {@link generators}.
 */
export function algebraFromCoordinates(
  out: Float64Array,
  oOff: number,
  omega: ArrayLike<number>,
  wOff: number,
  T: Float64Array,
  N: number,
): Float64Array {
  const size = 2 * N * N;
  const n = N * N - 1;
  out.fill(0, oOff, oOff + size);
  for (let a = 0; a < n; a++) {
    const w = omega[wOff + a];
    const t = a * size;
    for (let k = 0; k < size; k += 2) {
      // i w (x + i y) = -w y + i w x
      out[oOff + k] -= w * T[t + k + 1];
      out[oOff + k + 1] += w * T[t + k];
    }
  }
  return out;
}

/**
 * Real coordinates of an su(N) element X = i sum_a omega_a T^a. Since
 * tr(T^a T^b) = delta_ab / 2, tr(T^a X) = i omega_a / 2, so omega_a = 2 Im tr(T^a X).
 * Inverse of {@link algebraFromCoordinates} on su(N).
 */
export function coordinatesFromAlgebra(
  omega: Float64Array,
  wOff: number,
  X: Float64Array,
  xOff: number,
  T: Float64Array,
  N: number,
): Float64Array {
  const size = 2 * N * N;
  const n = N * N - 1;
  for (let a = 0; a < n; a++) {
    // tr(T^a X) = sum_rc T_rc X_cr; X = i w_b T^b gives tr(T^a X) = i w_a / 2.
    let im = 0;
    for (let r = 0; r < N; r++) {
      for (let c = 0; c < N; c++) {
        const it = a * size + 2 * (r * N + c);
        const ix = xOff + 2 * (c * N + r);
        im += T[it] * X[ix + 1] + T[it + 1] * X[ix];
      }
    }
    omega[wOff + a] = 2 * im;
  }
  return omega;
}
