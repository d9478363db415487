/**
 * Kernels for SU(3), fully unrolled: the verbs of {@link SUNKernels} on 3 x 3 complex matrices.
 *
 * Layout (stated in `./types.ts`, DESIGN.md 2): row-major, (re, im) interleaved, 18 doubles per
 * matrix at offset `o`; element (r, c) is at `o + 6 r + 2 c` (re) and the next index (im):
 *
 * ```
 * [o+0,  o+1 ] = u00   [o+2,  o+3 ] = u01   [o+4,  o+5 ] = u02
 * [o+6,  o+7 ] = u10   [o+8,  o+9 ] = u11   [o+10, o+11] = u12
 * [o+12, o+13] = u20   [o+14, o+15] = u21   [o+16, o+17] = u22
 * ```
 *
 * Every kernel reads all of its operands into locals before it writes `out`, so `out` may alias
 * any input (even at an overlapping offset); none allocates. The products load the 18 + 18
 * inputs into locals and then write the 18 outputs: in V8 this measured as fast as any other
 * plain-JS formulation (row-by-row or column-by-column loads) and 1.7-1.8x faster than the
 * nested loops of the generic `createSUNKernels(3)` in `./sun.ts` (bench/RESULTS.md), which is
 * the reference the tests hold these kernels to.
 *
 * Exponential: the Cayley-Hamilton form of C. Morningstar and M. Peardon, "Analytic smearing of
 * SU(3) link variables in lattice QCD", Phys. Rev. D 69 (2004) 054501, hep-lat/0311018,
 * eqs. (19)-(34); see the comment on `exp` below.
 *
 * @module
 */
import type { Matrices, SUNKernels } from './types.js';

/** Below this |w|, xi0(w) = sin(w)/w is summed as its Taylor series (Morningstar-Peardon's cut). */
const XI0_TAYLOR_BELOW = 0.05;

/**
 * Below this c1 = tr(Q^2)/2 the exponential is summed as its Taylor series, reduced with
 * Cayley-Hamilton (see `exp`), instead of the closed form: the closed form divides by
 * 9u^2 - w^2 >= sqrt(3) c1, which vanishes with Q.
 */
const C1_SERIES_BELOW = 1e-4;

/** Terms of the series branch: with c1 < 1e-4 every |eigenvalue| of Q is below 0.012. */
const SERIES_TERMS = 12;

/** out = 1. */
function identity(out: Matrices, oOff: number): Matrices {
  out[oOff] = 1;
  out[oOff + 1] = 0;
  out[oOff + 2] = 0;
  out[oOff + 3] = 0;
  out[oOff + 4] = 0;
  out[oOff + 5] = 0;
  out[oOff + 6] = 0;
  out[oOff + 7] = 0;
  out[oOff + 8] = 1;
  out[oOff + 9] = 0;
  out[oOff + 10] = 0;
  out[oOff + 11] = 0;
  out[oOff + 12] = 0;
  out[oOff + 13] = 0;
  out[oOff + 14] = 0;
  out[oOff + 15] = 0;
  out[oOff + 16] = 1;
  out[oOff + 17] = 0;
  return out;
}

/** out = 0. */
function zero(out: Matrices, oOff: number): Matrices {
  out[oOff] = 0;
  out[oOff + 1] = 0;
  out[oOff + 2] = 0;
  out[oOff + 3] = 0;
  out[oOff + 4] = 0;
  out[oOff + 5] = 0;
  out[oOff + 6] = 0;
  out[oOff + 7] = 0;
  out[oOff + 8] = 0;
  out[oOff + 9] = 0;
  out[oOff + 10] = 0;
  out[oOff + 11] = 0;
  out[oOff + 12] = 0;
  out[oOff + 13] = 0;
  out[oOff + 14] = 0;
  out[oOff + 15] = 0;
  out[oOff + 16] = 0;
  out[oOff + 17] = 0;
  return out;
}

/** out = a. */
function copy(out: Matrices, oOff: number, a: Matrices, aOff: number): Matrices {
  const a00r = a[aOff];
  const a00i = a[aOff + 1];
  const a01r = a[aOff + 2];
  const a01i = a[aOff + 3];
  const a02r = a[aOff + 4];
  const a02i = a[aOff + 5];
  const a10r = a[aOff + 6];
  const a10i = a[aOff + 7];
  const a11r = a[aOff + 8];
  const a11i = a[aOff + 9];
  const a12r = a[aOff + 10];
  const a12i = a[aOff + 11];
  const a20r = a[aOff + 12];
  const a20i = a[aOff + 13];
  const a21r = a[aOff + 14];
  const a21i = a[aOff + 15];
  const a22r = a[aOff + 16];
  const a22i = a[aOff + 17];
  out[oOff] = a00r;
  out[oOff + 1] = a00i;
  out[oOff + 2] = a01r;
  out[oOff + 3] = a01i;
  out[oOff + 4] = a02r;
  out[oOff + 5] = a02i;
  out[oOff + 6] = a10r;
  out[oOff + 7] = a10i;
  out[oOff + 8] = a11r;
  out[oOff + 9] = a11i;
  out[oOff + 10] = a12r;
  out[oOff + 11] = a12i;
  out[oOff + 12] = a20r;
  out[oOff + 13] = a20i;
  out[oOff + 14] = a21r;
  out[oOff + 15] = a21i;
  out[oOff + 16] = a22r;
  out[oOff + 17] = a22i;
  return out;
}

/** out = a b. */
function multiply(
  out: Matrices,
  oOff: number,
  a: Matrices,
  aOff: number,
  b: Matrices,
  bOff: number,
): Matrices {
  const a00r = a[aOff];
  const a00i = a[aOff + 1];
  const a01r = a[aOff + 2];
  const a01i = a[aOff + 3];
  const a02r = a[aOff + 4];
  const a02i = a[aOff + 5];
  const a10r = a[aOff + 6];
  const a10i = a[aOff + 7];
  const a11r = a[aOff + 8];
  const a11i = a[aOff + 9];
  const a12r = a[aOff + 10];
  const a12i = a[aOff + 11];
  const a20r = a[aOff + 12];
  const a20i = a[aOff + 13];
  const a21r = a[aOff + 14];
  const a21i = a[aOff + 15];
  const a22r = a[aOff + 16];
  const a22i = a[aOff + 17];
  const b00r = b[bOff];
  const b00i = b[bOff + 1];
  const b01r = b[bOff + 2];
  const b01i = b[bOff + 3];
  const b02r = b[bOff + 4];
  const b02i = b[bOff + 5];
  const b10r = b[bOff + 6];
  const b10i = b[bOff + 7];
  const b11r = b[bOff + 8];
  const b11i = b[bOff + 9];
  const b12r = b[bOff + 10];
  const b12i = b[bOff + 11];
  const b20r = b[bOff + 12];
  const b20i = b[bOff + 13];
  const b21r = b[bOff + 14];
  const b21i = b[bOff + 15];
  const b22r = b[bOff + 16];
  const b22i = b[bOff + 17];
  out[oOff] = a00r * b00r - a00i * b00i + a01r * b10r - a01i * b10i + a02r * b20r - a02i * b20i;
  out[oOff + 1] = a00r * b00i + a00i * b00r + a01r * b10i + a01i * b10r + a02r * b20i + a02i * b20r;
  out[oOff + 2] = a00r * b01r - a00i * b01i + a01r * b11r - a01i * b11i + a02r * b21r - a02i * b21i;
  out[oOff + 3] = a00r * b01i + a00i * b01r + a01r * b11i + a01i * b11r + a02r * b21i + a02i * b21r;
  out[oOff + 4] = a00r * b02r - a00i * b02i + a01r * b12r - a01i * b12i + a02r * b22r - a02i * b22i;
  out[oOff + 5] = a00r * b02i + a00i * b02r + a01r * b12i + a01i * b12r + a02r * b22i + a02i * b22r;
  out[oOff + 6] = a10r * b00r - a10i * b00i + a11r * b10r - a11i * b10i + a12r * b20r - a12i * b20i;
  out[oOff + 7] = a10r * b00i + a10i * b00r + a11r * b10i + a11i * b10r + a12r * b20i + a12i * b20r;
  out[oOff + 8] = a10r * b01r - a10i * b01i + a11r * b11r - a11i * b11i + a12r * b21r - a12i * b21i;
  out[oOff + 9] = a10r * b01i + a10i * b01r + a11r * b11i + a11i * b11r + a12r * b21i + a12i * b21r;
  out[oOff + 10] =
    a10r * b02r - a10i * b02i + a11r * b12r - a11i * b12i + a12r * b22r - a12i * b22i;
  out[oOff + 11] =
    a10r * b02i + a10i * b02r + a11r * b12i + a11i * b12r + a12r * b22i + a12i * b22r;
  out[oOff + 12] =
    a20r * b00r - a20i * b00i + a21r * b10r - a21i * b10i + a22r * b20r - a22i * b20i;
  out[oOff + 13] =
    a20r * b00i + a20i * b00r + a21r * b10i + a21i * b10r + a22r * b20i + a22i * b20r;
  out[oOff + 14] =
    a20r * b01r - a20i * b01i + a21r * b11r - a21i * b11i + a22r * b21r - a22i * b21i;
  out[oOff + 15] =
    a20r * b01i + a20i * b01r + a21r * b11i + a21i * b11r + a22r * b21i + a22i * b21r;
  out[oOff + 16] =
    a20r * b02r - a20i * b02i + a21r * b12r - a21i * b12i + a22r * b22r - a22i * b22i;
  out[oOff + 17] =
    a20r * b02i + a20i * b02r + a21r * b12i + a21i * b12r + a22r * b22i + a22i * b22r;
  return out;
}

/** out = a b^dagger. */
function multiplyAdjoint(
  out: Matrices,
  oOff: number,
  a: Matrices,
  aOff: number,
  b: Matrices,
  bOff: number,
): Matrices {
  const a00r = a[aOff];
  const a00i = a[aOff + 1];
  const a01r = a[aOff + 2];
  const a01i = a[aOff + 3];
  const a02r = a[aOff + 4];
  const a02i = a[aOff + 5];
  const a10r = a[aOff + 6];
  const a10i = a[aOff + 7];
  const a11r = a[aOff + 8];
  const a11i = a[aOff + 9];
  const a12r = a[aOff + 10];
  const a12i = a[aOff + 11];
  const a20r = a[aOff + 12];
  const a20i = a[aOff + 13];
  const a21r = a[aOff + 14];
  const a21i = a[aOff + 15];
  const a22r = a[aOff + 16];
  const a22i = a[aOff + 17];
  const b00r = b[bOff];
  const b00i = b[bOff + 1];
  const b01r = b[bOff + 2];
  const b01i = b[bOff + 3];
  const b02r = b[bOff + 4];
  const b02i = b[bOff + 5];
  const b10r = b[bOff + 6];
  const b10i = b[bOff + 7];
  const b11r = b[bOff + 8];
  const b11i = b[bOff + 9];
  const b12r = b[bOff + 10];
  const b12i = b[bOff + 11];
  const b20r = b[bOff + 12];
  const b20i = b[bOff + 13];
  const b21r = b[bOff + 14];
  const b21i = b[bOff + 15];
  const b22r = b[bOff + 16];
  const b22i = b[bOff + 17];
  out[oOff] = a00r * b00r + a00i * b00i + a01r * b01r + a01i * b01i + a02r * b02r + a02i * b02i;
  out[oOff + 1] =
    -a00r * b00i + a00i * b00r - a01r * b01i + a01i * b01r - a02r * b02i + a02i * b02r;
  out[oOff + 2] = a00r * b10r + a00i * b10i + a01r * b11r + a01i * b11i + a02r * b12r + a02i * b12i;
  out[oOff + 3] =
    -a00r * b10i + a00i * b10r - a01r * b11i + a01i * b11r - a02r * b12i + a02i * b12r;
  out[oOff + 4] = a00r * b20r + a00i * b20i + a01r * b21r + a01i * b21i + a02r * b22r + a02i * b22i;
  out[oOff + 5] =
    -a00r * b20i + a00i * b20r - a01r * b21i + a01i * b21r - a02r * b22i + a02i * b22r;
  out[oOff + 6] = a10r * b00r + a10i * b00i + a11r * b01r + a11i * b01i + a12r * b02r + a12i * b02i;
  out[oOff + 7] =
    -a10r * b00i + a10i * b00r - a11r * b01i + a11i * b01r - a12r * b02i + a12i * b02r;
  out[oOff + 8] = a10r * b10r + a10i * b10i + a11r * b11r + a11i * b11i + a12r * b12r + a12i * b12i;
  out[oOff + 9] =
    -a10r * b10i + a10i * b10r - a11r * b11i + a11i * b11r - a12r * b12i + a12i * b12r;
  out[oOff + 10] =
    a10r * b20r + a10i * b20i + a11r * b21r + a11i * b21i + a12r * b22r + a12i * b22i;
  out[oOff + 11] =
    -a10r * b20i + a10i * b20r - a11r * b21i + a11i * b21r - a12r * b22i + a12i * b22r;
  out[oOff + 12] =
    a20r * b00r + a20i * b00i + a21r * b01r + a21i * b01i + a22r * b02r + a22i * b02i;
  out[oOff + 13] =
    -a20r * b00i + a20i * b00r - a21r * b01i + a21i * b01r - a22r * b02i + a22i * b02r;
  out[oOff + 14] =
    a20r * b10r + a20i * b10i + a21r * b11r + a21i * b11i + a22r * b12r + a22i * b12i;
  out[oOff + 15] =
    -a20r * b10i + a20i * b10r - a21r * b11i + a21i * b11r - a22r * b12i + a22i * b12r;
  out[oOff + 16] =
    a20r * b20r + a20i * b20i + a21r * b21r + a21i * b21i + a22r * b22r + a22i * b22i;
  out[oOff + 17] =
    -a20r * b20i + a20i * b20r - a21r * b21i + a21i * b21r - a22r * b22i + a22i * b22r;
  return out;
}

/** out = a^dagger b. */
function adjointMultiply(
  out: Matrices,
  oOff: number,
  a: Matrices,
  aOff: number,
  b: Matrices,
  bOff: number,
): Matrices {
  const a00r = a[aOff];
  const a00i = a[aOff + 1];
  const a01r = a[aOff + 2];
  const a01i = a[aOff + 3];
  const a02r = a[aOff + 4];
  const a02i = a[aOff + 5];
  const a10r = a[aOff + 6];
  const a10i = a[aOff + 7];
  const a11r = a[aOff + 8];
  const a11i = a[aOff + 9];
  const a12r = a[aOff + 10];
  const a12i = a[aOff + 11];
  const a20r = a[aOff + 12];
  const a20i = a[aOff + 13];
  const a21r = a[aOff + 14];
  const a21i = a[aOff + 15];
  const a22r = a[aOff + 16];
  const a22i = a[aOff + 17];
  const b00r = b[bOff];
  const b00i = b[bOff + 1];
  const b01r = b[bOff + 2];
  const b01i = b[bOff + 3];
  const b02r = b[bOff + 4];
  const b02i = b[bOff + 5];
  const b10r = b[bOff + 6];
  const b10i = b[bOff + 7];
  const b11r = b[bOff + 8];
  const b11i = b[bOff + 9];
  const b12r = b[bOff + 10];
  const b12i = b[bOff + 11];
  const b20r = b[bOff + 12];
  const b20i = b[bOff + 13];
  const b21r = b[bOff + 14];
  const b21i = b[bOff + 15];
  const b22r = b[bOff + 16];
  const b22i = b[bOff + 17];
  out[oOff] = a00r * b00r + a00i * b00i + a10r * b10r + a10i * b10i + a20r * b20r + a20i * b20i;
  out[oOff + 1] = a00r * b00i - a00i * b00r + a10r * b10i - a10i * b10r + a20r * b20i - a20i * b20r;
  out[oOff + 2] = a00r * b01r + a00i * b01i + a10r * b11r + a10i * b11i + a20r * b21r + a20i * b21i;
  out[oOff + 3] = a00r * b01i - a00i * b01r + a10r * b11i - a10i * b11r + a20r * b21i - a20i * b21r;
  out[oOff + 4] = a00r * b02r + a00i * b02i + a10r * b12r + a10i * b12i + a20r * b22r + a20i * b22i;
  out[oOff + 5] = a00r * b02i - a00i * b02r + a10r * b12i - a10i * b12r + a20r * b22i - a20i * b22r;
  out[oOff + 6] = a01r * b00r + a01i * b00i + a11r * b10r + a11i * b10i + a21r * b20r + a21i * b20i;
  out[oOff + 7] = a01r * b00i - a01i * b00r + a11r * b10i - a11i * b10r + a21r * b20i - a21i * b20r;
  out[oOff + 8] = a01r * b01r + a01i * b01i + a11r * b11r + a11i * b11i + a21r * b21r + a21i * b21i;
  out[oOff + 9] = a01r * b01i - a01i * b01r + a11r * b11i - a11i * b11r + a21r * b21i - a21i * b21r;
  out[oOff + 10] =
    a01r * b02r + a01i * b02i + a11r * b12r + a11i * b12i + a21r * b22r + a21i * b22i;
  out[oOff + 11] =
    a01r * b02i - a01i * b02r + a11r * b12i - a11i * b12r + a21r * b22i - a21i * b22r;
  out[oOff + 12] =
    a02r * b00r + a02i * b00i + a12r * b10r + a12i * b10i + a22r * b20r + a22i * b20i;
  out[oOff + 13] =
    a02r * b00i - a02i * b00r + a12r * b10i - a12i * b10r + a22r * b20i - a22i * b20r;
  out[oOff + 14] =
    a02r * b01r + a02i * b01i + a12r * b11r + a12i * b11i + a22r * b21r + a22i * b21i;
  out[oOff + 15] =
    a02r * b01i - a02i * b01r + a12r * b11i - a12i * b11r + a22r * b21i - a22i * b21r;
  out[oOff + 16] =
    a02r * b02r + a02i * b02i + a12r * b12r + a12i * b12i + a22r * b22r + a22i * b22i;
  out[oOff + 17] =
    a02r * b02i - a02i * b02r + a12r * b12i - a12i * b12r + a22r * b22i - a22i * b22r;
  return out;
}

/** out = a^dagger. */
function adjoint(out: Matrices, oOff: number, a: Matrices, aOff: number): Matrices {
  const a00r = a[aOff];
  const a00i = a[aOff + 1];
  const a01r = a[aOff + 2];
  const a01i = a[aOff + 3];
  const a02r = a[aOff + 4];
  const a02i = a[aOff + 5];
  const a10r = a[aOff + 6];
  const a10i = a[aOff + 7];
  const a11r = a[aOff + 8];
  const a11i = a[aOff + 9];
  const a12r = a[aOff + 10];
  const a12i = a[aOff + 11];
  const a20r = a[aOff + 12];
  const a20i = a[aOff + 13];
  const a21r = a[aOff + 14];
  const a21i = a[aOff + 15];
  const a22r = a[aOff + 16];
  const a22i = a[aOff + 17];
  out[oOff] = a00r;
  out[oOff + 1] = -a00i;
  out[oOff + 2] = a10r;
  out[oOff + 3] = -a10i;
  out[oOff + 4] = a20r;
  out[oOff + 5] = -a20i;
  out[oOff + 6] = a01r;
  out[oOff + 7] = -a01i;
  out[oOff + 8] = a11r;
  out[oOff + 9] = -a11i;
  out[oOff + 10] = a21r;
  out[oOff + 11] = -a21i;
  out[oOff + 12] = a02r;
  out[oOff + 13] = -a02i;
  out[oOff + 14] = a12r;
  out[oOff + 15] = -a12i;
  out[oOff + 16] = a22r;
  out[oOff + 17] = -a22i;
  return out;
}

/** out = a + b. */
function add(
  out: Matrices,
  oOff: number,
  a: Matrices,
  aOff: number,
  b: Matrices,
  bOff: number,
): Matrices {
  const s0 = a[aOff] + b[bOff];
  const s1 = a[aOff + 1] + b[bOff + 1];
  const s2 = a[aOff + 2] + b[bOff + 2];
  const s3 = a[aOff + 3] + b[bOff + 3];
  const s4 = a[aOff + 4] + b[bOff + 4];
  const s5 = a[aOff + 5] + b[bOff + 5];
  const s6 = a[aOff + 6] + b[bOff + 6];
  const s7 = a[aOff + 7] + b[bOff + 7];
  const s8 = a[aOff + 8] + b[bOff + 8];
  const s9 = a[aOff + 9] + b[bOff + 9];
  const s10 = a[aOff + 10] + b[bOff + 10];
  const s11 = a[aOff + 11] + b[bOff + 11];
  const s12 = a[aOff + 12] + b[bOff + 12];
  const s13 = a[aOff + 13] + b[bOff + 13];
  const s14 = a[aOff + 14] + b[bOff + 14];
  const s15 = a[aOff + 15] + b[bOff + 15];
  const s16 = a[aOff + 16] + b[bOff + 16];
  const s17 = a[aOff + 17] + b[bOff + 17];
  out[oOff] = s0;
  out[oOff + 1] = s1;
  out[oOff + 2] = s2;
  out[oOff + 3] = s3;
  out[oOff + 4] = s4;
  out[oOff + 5] = s5;
  out[oOff + 6] = s6;
  out[oOff + 7] = s7;
  out[oOff + 8] = s8;
  out[oOff + 9] = s9;
  out[oOff + 10] = s10;
  out[oOff + 11] = s11;
  out[oOff + 12] = s12;
  out[oOff + 13] = s13;
  out[oOff + 14] = s14;
  out[oOff + 15] = s15;
  out[oOff + 16] = s16;
  out[oOff + 17] = s17;
  return out;
}

/** out = a - b. */
function subtract(
  out: Matrices,
  oOff: number,
  a: Matrices,
  aOff: number,
  b: Matrices,
  bOff: number,
): Matrices {
  const s0 = a[aOff] - b[bOff];
  const s1 = a[aOff + 1] - b[bOff + 1];
  const s2 = a[aOff + 2] - b[bOff + 2];
  const s3 = a[aOff + 3] - b[bOff + 3];
  const s4 = a[aOff + 4] - b[bOff + 4];
  const s5 = a[aOff + 5] - b[bOff + 5];
  const s6 = a[aOff + 6] - b[bOff + 6];
  const s7 = a[aOff + 7] - b[bOff + 7];
  const s8 = a[aOff + 8] - b[bOff + 8];
  const s9 = a[aOff + 9] - b[bOff + 9];
  const s10 = a[aOff + 10] - b[bOff + 10];
  const s11 = a[aOff + 11] - b[bOff + 11];
  const s12 = a[aOff + 12] - b[bOff + 12];
  const s13 = a[aOff + 13] - b[bOff + 13];
  const s14 = a[aOff + 14] - b[bOff + 14];
  const s15 = a[aOff + 15] - b[bOff + 15];
  const s16 = a[aOff + 16] - b[bOff + 16];
  const s17 = a[aOff + 17] - b[bOff + 17];
  out[oOff] = s0;
  out[oOff + 1] = s1;
  out[oOff + 2] = s2;
  out[oOff + 3] = s3;
  out[oOff + 4] = s4;
  out[oOff + 5] = s5;
  out[oOff + 6] = s6;
  out[oOff + 7] = s7;
  out[oOff + 8] = s8;
  out[oOff + 9] = s9;
  out[oOff + 10] = s10;
  out[oOff + 11] = s11;
  out[oOff + 12] = s12;
  out[oOff + 13] = s13;
  out[oOff + 14] = s14;
  out[oOff + 15] = s15;
  out[oOff + 16] = s16;
  out[oOff + 17] = s17;
  return out;
}

/** out = (sRe + i sIm) a. */
function scale(
  out: Matrices,
  oOff: number,
  a: Matrices,
  aOff: number,
  sRe: number,
  sIm: number,
): Matrices {
  const a00r = a[aOff];
  const a00i = a[aOff + 1];
  const a01r = a[aOff + 2];
  const a01i = a[aOff + 3];
  const a02r = a[aOff + 4];
  const a02i = a[aOff + 5];
  const a10r = a[aOff + 6];
  const a10i = a[aOff + 7];
  const a11r = a[aOff + 8];
  const a11i = a[aOff + 9];
  const a12r = a[aOff + 10];
  const a12i = a[aOff + 11];
  const a20r = a[aOff + 12];
  const a20i = a[aOff + 13];
  const a21r = a[aOff + 14];
  const a21i = a[aOff + 15];
  const a22r = a[aOff + 16];
  const a22i = a[aOff + 17];
  out[oOff] = sRe * a00r - sIm * a00i;
  out[oOff + 1] = sRe * a00i + sIm * a00r;
  out[oOff + 2] = sRe * a01r - sIm * a01i;
  out[oOff + 3] = sRe * a01i + sIm * a01r;
  out[oOff + 4] = sRe * a02r - sIm * a02i;
  out[oOff + 5] = sRe * a02i + sIm * a02r;
  out[oOff + 6] = sRe * a10r - sIm * a10i;
  out[oOff + 7] = sRe * a10i + sIm * a10r;
  out[oOff + 8] = sRe * a11r - sIm * a11i;
  out[oOff + 9] = sRe * a11i + sIm * a11r;
  out[oOff + 10] = sRe * a12r - sIm * a12i;
  out[oOff + 11] = sRe * a12i + sIm * a12r;
  out[oOff + 12] = sRe * a20r - sIm * a20i;
  out[oOff + 13] = sRe * a20i + sIm * a20r;
  out[oOff + 14] = sRe * a21r - sIm * a21i;
  out[oOff + 15] = sRe * a21i + sIm * a21r;
  out[oOff + 16] = sRe * a22r - sIm * a22i;
  out[oOff + 17] = sRe * a22i + sIm * a22r;
  return out;
}

/** out = out + s a, s real. */
function axpy(out: Matrices, oOff: number, s: number, a: Matrices, aOff: number): Matrices {
  const s0 = out[oOff] + s * a[aOff];
  const s1 = out[oOff + 1] + s * a[aOff + 1];
  const s2 = out[oOff + 2] + s * a[aOff + 2];
  const s3 = out[oOff + 3] + s * a[aOff + 3];
  const s4 = out[oOff + 4] + s * a[aOff + 4];
  const s5 = out[oOff + 5] + s * a[aOff + 5];
  const s6 = out[oOff + 6] + s * a[aOff + 6];
  const s7 = out[oOff + 7] + s * a[aOff + 7];
  const s8 = out[oOff + 8] + s * a[aOff + 8];
  const s9 = out[oOff + 9] + s * a[aOff + 9];
  const s10 = out[oOff + 10] + s * a[aOff + 10];
  const s11 = out[oOff + 11] + s * a[aOff + 11];
  const s12 = out[oOff + 12] + s * a[aOff + 12];
  const s13 = out[oOff + 13] + s * a[aOff + 13];
  const s14 = out[oOff + 14] + s * a[aOff + 14];
  const s15 = out[oOff + 15] + s * a[aOff + 15];
  const s16 = out[oOff + 16] + s * a[aOff + 16];
  const s17 = out[oOff + 17] + s * a[aOff + 17];
  out[oOff] = s0;
  out[oOff + 1] = s1;
  out[oOff + 2] = s2;
  out[oOff + 3] = s3;
  out[oOff + 4] = s4;
  out[oOff + 5] = s5;
  out[oOff + 6] = s6;
  out[oOff + 7] = s7;
  out[oOff + 8] = s8;
  out[oOff + 9] = s9;
  out[oOff + 10] = s10;
  out[oOff + 11] = s11;
  out[oOff + 12] = s12;
  out[oOff + 13] = s13;
  out[oOff + 14] = s14;
  out[oOff + 15] = s15;
  out[oOff + 16] = s16;
  out[oOff + 17] = s17;
  return out;
}

/** Re tr a. */
function reTrace(a: Matrices, aOff: number): number {
  return a[aOff] + a[aOff + 8] + a[aOff + 16];
}

/** Im tr a. */
function imTrace(a: Matrices, aOff: number): number {
  return a[aOff + 1] + a[aOff + 9] + a[aOff + 17];
}

/** Writes tr a as (re, im) into out[oOff], out[oOff + 1]. */
function trace(
  out: Matrices | number[],
  oOff: number,
  a: Matrices,
  aOff: number,
): Matrices | number[] {
  const re = a[aOff] + a[aOff + 8] + a[aOff + 16];
  const im = a[aOff + 1] + a[aOff + 9] + a[aOff + 17];
  out[oOff] = re;
  out[oOff + 1] = im;
  return out;
}

/** Re tr(a b) = sum_rk Re(a_rk b_kr). */
function reTraceMultiply(a: Matrices, aOff: number, b: Matrices, bOff: number): number {
  return (
    a[aOff] * b[bOff] -
    a[aOff + 1] * b[bOff + 1] +
    a[aOff + 2] * b[bOff + 6] -
    a[aOff + 3] * b[bOff + 7] +
    a[aOff + 4] * b[bOff + 12] -
    a[aOff + 5] * b[bOff + 13] +
    a[aOff + 6] * b[bOff + 2] -
    a[aOff + 7] * b[bOff + 3] +
    a[aOff + 8] * b[bOff + 8] -
    a[aOff + 9] * b[bOff + 9] +
    a[aOff + 10] * b[bOff + 14] -
    a[aOff + 11] * b[bOff + 15] +
    a[aOff + 12] * b[bOff + 4] -
    a[aOff + 13] * b[bOff + 5] +
    a[aOff + 14] * b[bOff + 10] -
    a[aOff + 15] * b[bOff + 11] +
    a[aOff + 16] * b[bOff + 16] -
    a[aOff + 17] * b[bOff + 17]
  );
}

/** Re tr(a b^dagger) = sum_rc Re(a_rc conj(b_rc)). */
function reTraceMultiplyAdjoint(a: Matrices, aOff: number, b: Matrices, bOff: number): number {
  return (
    a[aOff] * b[bOff] +
    a[aOff + 1] * b[bOff + 1] +
    a[aOff + 2] * b[bOff + 2] +
    a[aOff + 3] * b[bOff + 3] +
    a[aOff + 4] * b[bOff + 4] +
    a[aOff + 5] * b[bOff + 5] +
    a[aOff + 6] * b[bOff + 6] +
    a[aOff + 7] * b[bOff + 7] +
    a[aOff + 8] * b[bOff + 8] +
    a[aOff + 9] * b[bOff + 9] +
    a[aOff + 10] * b[bOff + 10] +
    a[aOff + 11] * b[bOff + 11] +
    a[aOff + 12] * b[bOff + 12] +
    a[aOff + 13] * b[bOff + 13] +
    a[aOff + 14] * b[bOff + 14] +
    a[aOff + 15] * b[bOff + 15] +
    a[aOff + 16] * b[bOff + 16] +
    a[aOff + 17] * b[bOff + 17]
  );
}

/** True when every component of a and b differs by at most tolerance (NaN never equals). */
function equals(a: Matrices, aOff: number, b: Matrices, bOff: number, tolerance = 1e-12): boolean {
  return (
    Math.abs(a[aOff] - b[bOff]) <= tolerance &&
    Math.abs(a[aOff + 1] - b[bOff + 1]) <= tolerance &&
    Math.abs(a[aOff + 2] - b[bOff + 2]) <= tolerance &&
    Math.abs(a[aOff + 3] - b[bOff + 3]) <= tolerance &&
    Math.abs(a[aOff + 4] - b[bOff + 4]) <= tolerance &&
    Math.abs(a[aOff + 5] - b[bOff + 5]) <= tolerance &&
    Math.abs(a[aOff + 6] - b[bOff + 6]) <= tolerance &&
    Math.abs(a[aOff + 7] - b[bOff + 7]) <= tolerance &&
    Math.abs(a[aOff + 8] - b[bOff + 8]) <= tolerance &&
    Math.abs(a[aOff + 9] - b[bOff + 9]) <= tolerance &&
    Math.abs(a[aOff + 10] - b[bOff + 10]) <= tolerance &&
    Math.abs(a[aOff + 11] - b[bOff + 11]) <= tolerance &&
    Math.abs(a[aOff + 12] - b[bOff + 12]) <= tolerance &&
    Math.abs(a[aOff + 13] - b[bOff + 13]) <= tolerance &&
    Math.abs(a[aOff + 14] - b[bOff + 14]) <= tolerance &&
    Math.abs(a[aOff + 15] - b[bOff + 15]) <= tolerance &&
    Math.abs(a[aOff + 16] - b[bOff + 16]) <= tolerance &&
    Math.abs(a[aOff + 17] - b[bOff + 17]) <= tolerance
  );
}

/** True when a and b are bit-for-bit equal (componentwise ===). */
function exactEquals(a: Matrices, aOff: number, b: Matrices, bOff: number): boolean {
  return (
    a[aOff] === b[bOff] &&
    a[aOff + 1] === b[bOff + 1] &&
    a[aOff + 2] === b[bOff + 2] &&
    a[aOff + 3] === b[bOff + 3] &&
    a[aOff + 4] === b[bOff + 4] &&
    a[aOff + 5] === b[bOff + 5] &&
    a[aOff + 6] === b[bOff + 6] &&
    a[aOff + 7] === b[bOff + 7] &&
    a[aOff + 8] === b[bOff + 8] &&
    a[aOff + 9] === b[bOff + 9] &&
    a[aOff + 10] === b[bOff + 10] &&
    a[aOff + 11] === b[bOff + 11] &&
    a[aOff + 12] === b[bOff + 12] &&
    a[aOff + 13] === b[bOff + 13] &&
    a[aOff + 14] === b[bOff + 14] &&
    a[aOff + 15] === b[bOff + 15] &&
    a[aOff + 16] === b[bOff + 16] &&
    a[aOff + 17] === b[bOff + 17]
  );
}

/**
 * Writes det a as (re, im) into out[oOff], out[oOff + 1]: cofactor expansion along row 0,
 * det a = a00 (a11 a22 - a12 a21) - a01 (a10 a22 - a12 a20) + a02 (a10 a21 - a11 a20).
 */
function det(
  out: Matrices | number[],
  oOff: number,
  a: Matrices,
  aOff: number,
): Matrices | number[] {
  const a00r = a[aOff];
  const a00i = a[aOff + 1];
  const a01r = a[aOff + 2];
  const a01i = a[aOff + 3];
  const a02r = a[aOff + 4];
  const a02i = a[aOff + 5];
  const a10r = a[aOff + 6];
  const a10i = a[aOff + 7];
  const a11r = a[aOff + 8];
  const a11i = a[aOff + 9];
  const a12r = a[aOff + 10];
  const a12i = a[aOff + 11];
  const a20r = a[aOff + 12];
  const a20i = a[aOff + 13];
  const a21r = a[aOff + 14];
  const a21i = a[aOff + 15];
  const a22r = a[aOff + 16];
  const a22i = a[aOff + 17];
  // Cofactors m0 = a11 a22 - a12 a21, m1 = a10 a22 - a12 a20, m2 = a10 a21 - a11 a20.
  const m0r = a11r * a22r - a11i * a22i - (a12r * a21r - a12i * a21i);
  const m0i = a11r * a22i + a11i * a22r - (a12r * a21i + a12i * a21r);
  const m1r = a10r * a22r - a10i * a22i - (a12r * a20r - a12i * a20i);
  const m1i = a10r * a22i + a10i * a22r - (a12r * a20i + a12i * a20r);
  const m2r = a10r * a21r - a10i * a21i - (a11r * a20r - a11i * a20i);
  const m2i = a10r * a21i + a10i * a21r - (a11r * a20i + a11i * a20r);
  const re = a00r * m0r - a00i * m0i - (a01r * m1r - a01i * m1i) + (a02r * m2r - a02i * m2i);
  const im = a00r * m0i + a00i * m0r - (a01r * m1i + a01i * m1r) + (a02r * m2i + a02i * m2r);
  out[oOff] = re;
  out[oOff + 1] = im;
  return out;
}

/**
 * Projects a near-unitary matrix onto SU(3): Gram-Schmidt on rows 0 and 1 (normalise row 0,
 * remove its component from row 1, normalise row 1), then row 2 = conj(row0 x row1), the
 * complex cross product conjugated. That row is orthonormal to the other two and makes
 * det = row2 . (row0 x row1) = |row0 x row1|^2 = 1. Row 2 of the input is not read.
 */
function reunitarize(out: Matrices, oOff: number, a: Matrices, aOff: number): Matrices {
  let u0r = a[aOff];
  let u0i = a[aOff + 1];
  let u1r = a[aOff + 2];
  let u1i = a[aOff + 3];
  let u2r = a[aOff + 4];
  let u2i = a[aOff + 5];
  let v0r = a[aOff + 6];
  let v0i = a[aOff + 7];
  let v1r = a[aOff + 8];
  let v1i = a[aOff + 9];
  let v2r = a[aOff + 10];
  let v2i = a[aOff + 11];
  // Row 0: u /= |u|.
  let n = 1 / Math.sqrt(u0r * u0r + u0i * u0i + u1r * u1r + u1i * u1i + u2r * u2r + u2i * u2i);
  u0r *= n;
  u0i *= n;
  u1r *= n;
  u1i *= n;
  u2r *= n;
  u2i *= n;
  // Row 1: v -= <u, v> u with <u, v> = sum_c conj(u_c) v_c; then v /= |v|.
  const pr = u0r * v0r + u0i * v0i + u1r * v1r + u1i * v1i + u2r * v2r + u2i * v2i;
  const pi = u0r * v0i - u0i * v0r + u1r * v1i - u1i * v1r + u2r * v2i - u2i * v2r;
  v0r -= pr * u0r - pi * u0i;
  v0i -= pr * u0i + pi * u0r;
  v1r -= pr * u1r - pi * u1i;
  v1i -= pr * u1i + pi * u1r;
  v2r -= pr * u2r - pi * u2i;
  v2i -= pr * u2i + pi * u2r;
  n = 1 / Math.sqrt(v0r * v0r + v0i * v0i + v1r * v1r + v1i * v1i + v2r * v2r + v2i * v2i);
  v0r *= n;
  v0i *= n;
  v1r *= n;
  v1i *= n;
  v2r *= n;
  v2i *= n;
  // Row 2 = conj(u x v): (u x v)_0 = u1 v2 - u2 v1, (u x v)_1 = u2 v0 - u0 v2,
  // (u x v)_2 = u0 v1 - u1 v0.
  out[oOff] = u0r;
  out[oOff + 1] = u0i;
  out[oOff + 2] = u1r;
  out[oOff + 3] = u1i;
  out[oOff + 4] = u2r;
  out[oOff + 5] = u2i;
  out[oOff + 6] = v0r;
  out[oOff + 7] = v0i;
  out[oOff + 8] = v1r;
  out[oOff + 9] = v1i;
  out[oOff + 10] = v2r;
  out[oOff + 11] = v2i;
  out[oOff + 12] = u1r * v2r - u1i * v2i - (u2r * v1r - u2i * v1i);
  out[oOff + 13] = -(u1r * v2i + u1i * v2r - (u2r * v1i + u2i * v1r));
  out[oOff + 14] = u2r * v0r - u2i * v0i - (u0r * v2r - u0i * v2i);
  out[oOff + 15] = -(u2r * v0i + u2i * v0r - (u0r * v2i + u0i * v2r));
  out[oOff + 16] = u0r * v1r - u0i * v1i - (u1r * v0r - u1i * v0i);
  out[oOff + 17] = -(u0r * v1i + u0i * v1r - (u1r * v0i + u1i * v0r));
  return out;
}

/**
 * Traceless anti-hermitian part: out = (a - a^dagger)/2 - tr(a - a^dagger)/6 1, that is
 * off-diagonal (a_rc - conj(a_cr))/2 and diagonal i (Im a_rr - Im tr a / 3).
 */
function projectAlgebra(out: Matrices, oOff: number, a: Matrices, aOff: number): Matrices {
  const a00i = a[aOff + 1];
  const a01r = a[aOff + 2];
  const a01i = a[aOff + 3];
  const a02r = a[aOff + 4];
  const a02i = a[aOff + 5];
  const a10r = a[aOff + 6];
  const a10i = a[aOff + 7];
  const a11i = a[aOff + 9];
  const a12r = a[aOff + 10];
  const a12i = a[aOff + 11];
  const a20r = a[aOff + 12];
  const a20i = a[aOff + 13];
  const a21r = a[aOff + 14];
  const a21i = a[aOff + 15];
  const a22i = a[aOff + 17];
  const shift = (a00i + a11i + a22i) / 3;
  const x01r = 0.5 * (a01r - a10r);
  const x01i = 0.5 * (a01i + a10i);
  const x02r = 0.5 * (a02r - a20r);
  const x02i = 0.5 * (a02i + a20i);
  const x12r = 0.5 * (a12r - a21r);
  const x12i = 0.5 * (a12i + a21i);
  out[oOff] = 0;
  out[oOff + 1] = a00i - shift;
  out[oOff + 2] = x01r;
  out[oOff + 3] = x01i;
  out[oOff + 4] = x02r;
  out[oOff + 5] = x02i;
  out[oOff + 6] = -x01r;
  out[oOff + 7] = x01i;
  out[oOff + 8] = 0;
  out[oOff + 9] = a11i - shift;
  out[oOff + 10] = x12r;
  out[oOff + 11] = x12i;
  out[oOff + 12] = -x02r;
  out[oOff + 13] = x02i;
  out[oOff + 14] = -x12r;
  out[oOff + 15] = x12i;
  out[oOff + 16] = 0;
  out[oOff + 17] = a22i - shift;
  return out;
}

/**
 * out = exp(a) for a in su(3), after Morningstar and Peardon, Phys. Rev. D 69 (2004) 054501
 * (hep-lat/0311018), eqs. (19)-(34). With Q = -i a hermitian and traceless,
 *
 * - eq. (19): exp(iQ) = f0 1 + f1 Q + f2 Q^2 (Cayley-Hamilton: Q^3 = c1 Q + c0 1), with
 *   c0 = det Q = tr(Q^3)/3 and c1 = tr(Q^2)/2;
 * - c0max = 2 (c1/3)^{3/2} >= |c0|; theta = arccos(c0/c0max), u = sqrt(c1/3) cos(theta/3),
 *   w = sqrt(c1) sin(theta/3), so that the eigenvalues of Q are 2u, -u + w and -u - w;
 * - f_j = h_j / (9u^2 - w^2) with, eq. (30),
 *   h0 = (u^2 - w^2) e^{2iu} + e^{-iu} [8u^2 cos w + 2iu (3u^2 + w^2) xi0(w)],
 *   h1 = 2u e^{2iu} - e^{-iu} [2u cos w - i (3u^2 - w^2) xi0(w)],
 *   h2 = e^{2iu} - e^{-iu} [cos w + 3iu xi0(w)];
 * - xi0(w) = sin(w)/w, summed as 1 - w^2/6 (1 - w^2/20 (1 - w^2/42)) for |w| <= 0.05, the
 *   paper's cut;
 * - eq. (34): f_j(-c0) = (-1)^j conj(f_j(c0)): the f_j are computed for |c0| and reflected.
 *
 * With c0 >= 0 (after (34)), theta/3 lies in [0, pi/6], where 3u - w >= sqrt(c1) and
 * 3u + w >= sqrt(3 c1): the denominator 9u^2 - w^2 >= sqrt(3) c1 only vanishes with Q, and the
 * degenerate spectra (c0 = c0max: two equal eigenvalues, w = 0) are regular points. The arccos
 * argument is clamped into [0, 1] against rounding; near c0 = c0max, arccos amplifies rounding
 * in theta, but the f_j depend on w only through w^2 and its error stays of order c1 * 1e-16.
 * For c1 < 1e-4 (Q = 0 included), where h2 and 9u^2 - w^2 both vanish like c1 and f2 keeps
 * only about 16 + log10(c1) digits, the Taylor series exp(iQ) = sum_k (iQ)^k / k! is summed, reduced to f0, f1, f2 by the
 * same Cayley-Hamilton relation: Q^k = a_k 1 + b_k Q + c_k Q^2 with
 * (a, b, c)_{k+1} = (c0 c_k, a_k + c1 c_k, b_k). No matrix products and no scaling are needed
 * there, since every eigenvalue of Q is below 2 sqrt(c1/3) < 0.012.
 *
 * Only the anti-hermitian part (a - a^dagger)/2 of a is read, which is a itself for a in u(3);
 * its trace 3 i phi (rounding drift, or a in u(3)) is split off exactly as the phase e^{i phi}.
 */
function exp(out: Matrices, oOff: number, a: Matrices, aOff: number): Matrices {
  const a00i = a[aOff + 1];
  const a01r = a[aOff + 2];
  const a01i = a[aOff + 3];
  const a02r = a[aOff + 4];
  const a02i = a[aOff + 5];
  const a10r = a[aOff + 6];
  const a10i = a[aOff + 7];
  const a11i = a[aOff + 9];
  const a12r = a[aOff + 10];
  const a12i = a[aOff + 11];
  const a20r = a[aOff + 12];
  const a20i = a[aOff + 13];
  const a21r = a[aOff + 14];
  const a21i = a[aOff + 15];
  const a22i = a[aOff + 17];
  // Q = -i X with X = (a - a^dagger)/2 - i phi 1: diagonal q_rr real, q_rc = -i x_rc (r < c),
  // q_cr = conj(q_rc).
  const phi = (a00i + a11i + a22i) / 3;
  const q00 = a00i - phi;
  const q11 = a11i - phi;
  const q22 = a22i - phi;
  const q01r = 0.5 * (a01i + a10i);
  const q01i = -0.5 * (a01r - a10r);
  const q02r = 0.5 * (a02i + a20i);
  const q02i = -0.5 * (a02r - a20r);
  const q12r = 0.5 * (a12i + a21i);
  const q12i = -0.5 * (a12r - a21r);
  const n01 = q01r * q01r + q01i * q01i;
  const n02 = q02r * q02r + q02i * q02i;
  const n12 = q12r * q12r + q12i * q12i;
  // c1 = tr(Q^2)/2 and c0 = det Q (eq. 19 and below)
  // = q00 q11 q22 + 2 Re(q01 q12 conj(q02)) - q00 |q12|^2 - q11 |q02|^2 - q22 |q01|^2.
  const c1 = 0.5 * (q00 * q00 + q11 * q11 + q22 * q22) + n01 + n02 + n12;
  const tr = q01r * q12r - q01i * q12i;
  const ti = q01r * q12i + q01i * q12r;
  const c0 = q00 * q11 * q22 + 2 * (tr * q02r + ti * q02i) - q00 * n12 - q11 * n02 - q22 * n01;

  let f0r: number;
  let f0i: number;
  let f1r: number;
  let f1i: number;
  let f2r: number;
  let f2i: number;
  if (!(c1 >= C1_SERIES_BELOW)) {
    // Taylor series of exp(iQ) with Q^k = a_k 1 + b_k Q + c_k Q^2 (Cayley-Hamilton, eq. 19);
    // (pr, pi) = i^k / k!.
    let ak = 1;
    let bk = 0;
    let ck = 0;
    let pr = 1;
    let pi = 0;
    f0r = 1;
    f0i = 0;
    f1r = 0;
    f1i = 0;
    f2r = 0;
    f2i = 0;
    for (let k = 1; k <= SERIES_TERMS; k++) {
      const ak1 = c0 * ck;
      const bk1 = ak + c1 * ck;
      ck = bk;
      ak = ak1;
      bk = bk1;
      const npr = -pi / k;
      pi = pr / k;
      pr = npr;
      f0r += pr * ak;
      f0i += pi * ak;
      f1r += pr * bk;
      f1i += pi * bk;
      f2r += pr * ck;
      f2i += pi * ck;
    }
  } else {
    // c0max, theta, u, w for |c0|; eq. (34) reflects the result for c0 < 0 below.
    const c0abs = Math.abs(c0);
    const s = Math.sqrt(c1 / 3);
    const c0max = 2 * s * s * s;
    const ratio = c0abs / c0max;
    const theta = Math.acos(ratio < 1 ? ratio : 1);
    const u = s * Math.cos(theta / 3);
    const w = Math.sqrt(c1) * Math.sin(theta / 3);
    const u2 = u * u;
    const w2 = w * w;
    // xi0(w) = sin(w)/w.
    const xi0 =
      Math.abs(w) <= XI0_TAYLOR_BELOW
        ? 1 - (w2 / 6) * (1 - (w2 / 20) * (1 - w2 / 42))
        : Math.sin(w) / w;
    const cw = Math.cos(w);
    // e^{-iu} = (cu, -su), e^{2iu} = (e2r, e2i).
    const cu = Math.cos(u);
    const su = Math.sin(u);
    const e2r = cu * cu - su * su;
    const e2i = 2 * su * cu;
    // Eq. (30), with e^{-iu} (xr + i xi) = (cu xr + su xi) + i (cu xi - su xr).
    let xr = 8 * u2 * cw;
    let xi = 2 * u * (3 * u2 + w2) * xi0;
    const h0r = (u2 - w2) * e2r + cu * xr + su * xi;
    const h0i = (u2 - w2) * e2i + cu * xi - su * xr;
    xr = 2 * u * cw;
    xi = -(3 * u2 - w2) * xi0;
    const h1r = 2 * u * e2r - (cu * xr + su * xi);
    const h1i = 2 * u * e2i - (cu * xi - su * xr);
    xr = cw;
    xi = 3 * u * xi0;
    const h2r = e2r - (cu * xr + su * xi);
    const h2i = e2i - (cu * xi - su * xr);
    // f_j = h_j / (9u^2 - w^2), reflected by eq. (34) when c0 < 0.
    const inv = 1 / (9 * u2 - w2);
    const sign = c0 < 0 ? -1 : 1;
    f0r = h0r * inv;
    f0i = sign * h0i * inv;
    f1r = sign * h1r * inv;
    f1i = h1i * inv;
    f2r = h2r * inv;
    f2i = sign * h2i * inv;
  }
  if (phi !== 0) {
    // exp(i phi 1 + iQ) = e^{i phi} exp(iQ): fold the phase into the f_j.
    const pr = Math.cos(phi);
    const pi = Math.sin(phi);
    let t = pr * f0r - pi * f0i;
    f0i = pr * f0i + pi * f0r;
    f0r = t;
    t = pr * f1r - pi * f1i;
    f1i = pr * f1i + pi * f1r;
    f1r = t;
    t = pr * f2r - pi * f2i;
    f2i = pr * f2i + pi * f2r;
    f2r = t;
  }
  // P = Q^2 (hermitian): diagonal real, upper triangle below; the lower is its conjugate.
  const p00 = q00 * q00 + n01 + n02;
  const p11 = q11 * q11 + n01 + n12;
  const p22 = q22 * q22 + n02 + n12;
  // P01 = (q00 + q11) q01 + q02 conj(q12)
  const p01r = (q00 + q11) * q01r + q02r * q12r + q02i * q12i;
  const p01i = (q00 + q11) * q01i + q02i * q12r - q02r * q12i;
  // P02 = (q00 + q22) q02 + q01 q12
  const p02r = (q00 + q22) * q02r + tr;
  const p02i = (q00 + q22) * q02i + ti;
  // P12 = (q11 + q22) q12 + conj(q01) q02
  const p12r = (q11 + q22) * q12r + q01r * q02r + q01i * q02i;
  const p12i = (q11 + q22) * q12i + q01r * q02i - q01i * q02r;
  // out = f0 1 + f1 Q + f2 P (eq. 19).
  out[oOff] = f0r + f1r * q00 + f2r * p00;
  out[oOff + 1] = f0i + f1i * q00 + f2i * p00;
  out[oOff + 8] = f0r + f1r * q11 + f2r * p11;
  out[oOff + 9] = f0i + f1i * q11 + f2i * p11;
  out[oOff + 16] = f0r + f1r * q22 + f2r * p22;
  out[oOff + 17] = f0i + f1i * q22 + f2i * p22;
  // (r, c) = f1 q_rc + f2 p_rc and (c, r) = f1 conj(q_rc) + f2 conj(p_rc).
  out[oOff + 2] = f1r * q01r - f1i * q01i + f2r * p01r - f2i * p01i;
  out[oOff + 3] = f1r * q01i + f1i * q01r + f2r * p01i + f2i * p01r;
  out[oOff + 6] = f1r * q01r + f1i * q01i + f2r * p01r + f2i * p01i;
  out[oOff + 7] = f1i * q01r - f1r * q01i + f2i * p01r - f2r * p01i;
  out[oOff + 4] = f1r * q02r - f1i * q02i + f2r * p02r - f2i * p02i;
  out[oOff + 5] = f1r * q02i + f1i * q02r + f2r * p02i + f2i * p02r;
  out[oOff + 12] = f1r * q02r + f1i * q02i + f2r * p02r + f2i * p02i;
  out[oOff + 13] = f1i * q02r - f1r * q02i + f2i * p02r - f2r * p02i;
  out[oOff + 10] = f1r * q12r - f1i * q12i + f2r * p12r - f2i * p12i;
  out[oOff + 11] = f1r * q12i + f1i * q12r + f2r * p12i + f2i * p12r;
  out[oOff + 14] = f1r * q12r + f1i * q12i + f2r * p12r + f2i * p12i;
  out[oOff + 15] = f1i * q12r - f1r * q12i + f2i * p12r - f2r * p12i;
  return out;
}

/** SU(3) kernels, fully unrolled (see the module header for the layout and formulas). */
export const su3: SUNKernels = {
  N: 3,
  matrixSize: 18,
  algebraDim: 8,
  identity,
  zero,
  copy,
  multiply,
  multiplyAdjoint,
  adjointMultiply,
  adjoint,
  add,
  subtract,
  scale,
  axpy,
  trace,
  reTrace,
  imTrace,
  reTraceMultiply,
  reTraceMultiplyAdjoint,
  det,
  reunitarize,
  projectAlgebra,
  exp,
  equals,
  exactEquals,
};
