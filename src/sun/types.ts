/**
 * Types shared by the SU(N) kernels.
 *
 * Memory layout (DESIGN.md 2, stated once here): an N x N complex matrix is stored row-major
 * with real and imaginary parts interleaved. Element (r, c) of a matrix starting at offset `o`
 * of a Float64Array `a` is `a[o + 2*(r*N + c)]` (real part) and `a[o + 2*(r*N + c) + 1]`
 * (imaginary part). One matrix takes `2*N*N` numbers.
 *
 * Every kernel takes its output first, `(out, outOffset, a, aOffset, ...)`, returns `out`,
 * never allocates, and stays correct when `out` aliases an input (gl-matrix style).
 *
 * @module
 */

/** Any array of doubles a kernel can write into. Float64Array on every hot path. */
export type Matrices = Float64Array;

/** A source of uniform random numbers in [0, 1). */
export interface UniformRandom {
  /** Next uniform draw in [0, 1). */
  uniform(): number;
  /** Next standard normal draw, where the source provides one (else Box-Muller is used). */
  normal?(): number;
}

/**
 * The kernels of one group SU(N). `su2`, `su3` and `sun(N)` implement it with the same verbs,
 * so lattice code is written once against this interface. All matrices are in the layout
 * described in this module's header.
 */
export interface SUNKernels {
  /** The number of colours N. */
  readonly N: number;
  /** Doubles per matrix: 2*N*N. */
  readonly matrixSize: number;
  /** The number of generators of su(N): N*N - 1. */
  readonly algebraDim: number;

  /** out = 1. */
  identity(out: Matrices, oOff: number): Matrices;
  /** out = 0. */
  zero(out: Matrices, oOff: number): Matrices;
  /** out = a. */
  copy(out: Matrices, oOff: number, a: Matrices, aOff: number): Matrices;
  /** out = a b. */
  multiply(
    out: Matrices,
    oOff: number,
    a: Matrices,
    aOff: number,
    b: Matrices,
    bOff: number,
  ): Matrices;
  /** out = a b^dagger. */
  multiplyAdjoint(
    out: Matrices,
    oOff: number,
    a: Matrices,
    aOff: number,
    b: Matrices,
    bOff: number,
  ): Matrices;
  /** out = a^dagger b. */
  adjointMultiply(
    out: Matrices,
    oOff: number,
    a: Matrices,
    aOff: number,
    b: Matrices,
    bOff: number,
  ): Matrices;
  /** out = a^dagger. */
  adjoint(out: Matrices, oOff: number, a: Matrices, aOff: number): Matrices;
  /** out = a + b. */
  add(out: Matrices, oOff: number, a: Matrices, aOff: number, b: Matrices, bOff: number): Matrices;
  /** out = a - b. */
  subtract(
    out: Matrices,
    oOff: number,
    a: Matrices,
    aOff: number,
    b: Matrices,
    bOff: number,
  ): Matrices;
  /** out = (sRe + i sIm) a. */
  scale(out: Matrices, oOff: number, a: Matrices, aOff: number, sRe: number, sIm: number): Matrices;
  /** out = out + s a, with a real scalar s (BLAS axpy). */
  axpy(out: Matrices, oOff: number, s: number, a: Matrices, aOff: number): Matrices;
  /** Writes tr a as (re, im) into out[oOff], out[oOff + 1]. */
  trace(out: Matrices | number[], oOff: number, a: Matrices, aOff: number): Matrices | number[];
  /** Re tr a. */
  reTrace(a: Matrices, aOff: number): number;
  /** Im tr a. */
  imTrace(a: Matrices, aOff: number): number;
  /** Re tr(a b), without forming the product. */
  reTraceMultiply(a: Matrices, aOff: number, b: Matrices, bOff: number): number;
  /** Re tr(a b^dagger) = sum_rc Re(a_rc conj(b_rc)), without forming the product. */
  reTraceMultiplyAdjoint(a: Matrices, aOff: number, b: Matrices, bOff: number): number;
  /** Writes det a as (re, im) into out[oOff], out[oOff + 1]. */
  det(out: Matrices | number[], oOff: number, a: Matrices, aOff: number): Matrices | number[];
  /**
   * Projects a near-unitary matrix back onto SU(N): Gram-Schmidt on the rows, then the last
   * row is multiplied by conj(det) so that det = 1 (for N = 2, 3 the last row is rebuilt
   * from the others, which gives det = 1 directly).
   */
  reunitarize(out: Matrices, oOff: number, a: Matrices, aOff: number): Matrices;
  /**
   * Traceless anti-hermitian part: out = (a - a^dagger)/2 - tr(a - a^dagger)/(2N) 1.
   * This is the projection onto su(N) used by gauge forces and by the clover field strength.
   */
  projectAlgebra(out: Matrices, oOff: number, a: Matrices, aOff: number): Matrices;
  /** Matrix exponential out = exp(a) for a in su(N) (traceless anti-hermitian). */
  exp(out: Matrices, oOff: number, a: Matrices, aOff: number): Matrices;
  /** True when every component of a and b differs by at most `tolerance` (absolute). */
  equals(a: Matrices, aOff: number, b: Matrices, bOff: number, tolerance?: number): boolean;
  /** True when every component of a and b is equal (`===`: NaN never equals, -0 equals +0). */
  exactEquals(a: Matrices, aOff: number, b: Matrices, bOff: number): boolean;
}
