/**
 * Random group elements.
 *
 * Haar measure: a matrix of independent complex Gaussians, Gram-Schmidt on its rows and the
 * determinant fixed by a phase on the last row (the kernels' `reunitarize`). The Gaussian
 * ensemble is invariant under right multiplication by any unitary V, Gram-Schmidt on rows
 * commutes with it, and so does the determinant fix for V in SU(N); a right-invariant
 * probability measure on a compact group is the Haar measure (Mezzadri, Notices AMS 54
 * (2007) 592, for the same argument with QR).
 *
 * Near the identity: U = exp(i epsilon sum_a r_a T^a) with r_a standard normal and
 * tr(T^a T^b) = delta_ab / 2 (see ./generators.ts), the Metropolis proposal of the L-CNN
 * paper's data (and its inverse is equally likely, as detailed balance needs).
 *
 * @module
 */
import { normalFrom } from '../core/rng.js';
import type { Matrices, SUNKernels, UniformRandom } from './types.js';

const scratchBySize = new Map<number, Float64Array>();
function scratchFor(size: number): Float64Array {
  let s = scratchBySize.get(size);
  if (s === undefined) {
    s = new Float64Array(size);
    scratchBySize.set(size, s);
  }
  return s;
}

/** out = a Haar-random element of SU(N), N = g.N. */
export function haarRandom(
  out: Matrices,
  oOff: number,
  g: SUNKernels,
  rng: UniformRandom,
): Matrices {
  for (let k = 0; k < g.matrixSize; k++) out[oOff + k] = normalFrom(rng);
  return g.reunitarize(out, oOff, out, oOff);
}

/**
 * out = a random su(N) element i epsilon sum_a r_a T^a, r_a standard normal, built directly:
 * off-diagonal entries of H = sum_a r_a T^a have real and imaginary parts of variance 1/4,
 * the diagonal has covariance (delta_rs - 1/N)/2 (completeness of the T^a).
 */
export function randomAlgebra(
  out: Matrices,
  oOff: number,
  g: SUNKernels,
  rng: UniformRandom,
  epsilon: number,
): Matrices {
  const N = g.N;
  let mean = 0;
  for (let r = 0; r < N; r++) {
    const d = Math.SQRT1_2 * normalFrom(rng);
    out[oOff + 2 * (r * N + r)] = 0;
    out[oOff + 2 * (r * N + r) + 1] = epsilon * d;
    mean += d;
    for (let c = r + 1; c < N; c++) {
      const hr = 0.5 * normalFrom(rng);
      const hi = 0.5 * normalFrom(rng);
      // X = i eps H: X_rc = i eps (hr + i hi) = eps(-hi + i hr), X_cr = -conj(X_rc).
      out[oOff + 2 * (r * N + c)] = -epsilon * hi;
      out[oOff + 2 * (r * N + c) + 1] = epsilon * hr;
      out[oOff + 2 * (c * N + r)] = epsilon * hi;
      out[oOff + 2 * (c * N + r) + 1] = epsilon * hr;
    }
  }
  mean /= N;
  for (let r = 0; r < N; r++) out[oOff + 2 * (r * N + r) + 1] -= epsilon * mean;
  return out;
}

/** out = exp(i epsilon sum_a r_a T^a), r_a standard normal: an element near the identity. */
export function randomNearIdentity(
  out: Matrices,
  oOff: number,
  g: SUNKernels,
  rng: UniformRandom,
  epsilon: number,
): Matrices {
  const x = scratchFor(g.matrixSize);
  randomAlgebra(x, 0, g, rng, epsilon);
  return g.exp(out, oOff, x, 0);
}
