/**
 * Kernels for SU(2), fully unrolled: the verbs of {@link SUNKernels} on 2 x 2 complex matrices.
 *
 * Layout (stated in `./types.ts`, DESIGN.md 2): row-major, (re, im) interleaved, 8 doubles per
 * matrix at offset `o`:
 *
 * ```
 * [o+0, o+1] = u00   [o+2, o+3] = u01
 * [o+4, o+5] = u10   [o+6, o+7] = u11
 * ```
 *
 * Every kernel reads all of its operands into locals before it writes `out`, so `out` may alias
 * any input; none allocates. The generic `createSUNKernels(2)` of `./sun.ts` computes the same
 * verbs with loops and is the reference the tests hold these to.
 *
 * Exponential. Any traceless 2 x 2 matrix X obeys X^2 = -det(X) 1 (Cayley-Hamilton). For X in
 * su(2), X = i (a . sigma) with a real 3-vector, det X = |a|^2 = t^2 and t^2 is half the squared
 * Frobenius norm of X, so the exponential series sums to
 *
 *   exp(X) = cos(t) 1 + (sin(t) / t) X,
 *
 * since the even powers of X are (-t^2)^k 1 and the odd ones (-t^2)^k X. This is the
 * Pauli-matrix identity exp(i a . sigma) = cos|a| 1 + i sin|a| (a/|a|) . sigma of spin-1/2
 * rotations (e.g. J. J. Sakurai, Modern Quantum Mechanics, section 3.2). sin(t)/t is summed as
 * 1 - t^2/6 + t^4/120 below t = 1e-4, where the closed form would divide 0 by 0 at X = 0.
 *
 * @module
 */
import type { Matrices, SUNKernels } from './types.js';

/** Below this t = |a|, sin(t)/t = 1 - t^2/6 + t^4/120 to within t^6/5040 < 1e-24. */
const SINC_TAYLOR_BELOW = 1e-4;

/** out = 1. */
function identity(out: Matrices, oOff: number): Matrices {
  out[oOff] = 1;
  out[oOff + 1] = 0;
  out[oOff + 2] = 0;
  out[oOff + 3] = 0;
  out[oOff + 4] = 0;
  out[oOff + 5] = 0;
  out[oOff + 6] = 1;
  out[oOff + 7] = 0;
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
  return out;
}

/** out = a. */
function copy(out: Matrices, oOff: number, a: Matrices, aOff: number): Matrices {
  const a00r = a[aOff];
  const a00i = a[aOff + 1];
  const a01r = a[aOff + 2];
  const a01i = a[aOff + 3];
  const a10r = a[aOff + 4];
  const a10i = a[aOff + 5];
  const a11r = a[aOff + 6];
  const a11i = a[aOff + 7];
  out[oOff] = a00r;
  out[oOff + 1] = a00i;
  out[oOff + 2] = a01r;
  out[oOff + 3] = a01i;
  out[oOff + 4] = a10r;
  out[oOff + 5] = a10i;
  out[oOff + 6] = a11r;
  out[oOff + 7] = a11i;
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
  const a10r = a[aOff + 4];
  const a10i = a[aOff + 5];
  const a11r = a[aOff + 6];
  const a11i = a[aOff + 7];
  const b00r = b[bOff];
  const b00i = b[bOff + 1];
  const b01r = b[bOff + 2];
  const b01i = b[bOff + 3];
  const b10r = b[bOff + 4];
  const b10i = b[bOff + 5];
  const b11r = b[bOff + 6];
  const b11i = b[bOff + 7];
  out[oOff] = a00r * b00r - a00i * b00i + a01r * b10r - a01i * b10i;
  out[oOff + 1] = a00r * b00i + a00i * b00r + a01r * b10i + a01i * b10r;
  out[oOff + 2] = a00r * b01r - a00i * b01i + a01r * b11r - a01i * b11i;
  out[oOff + 3] = a00r * b01i + a00i * b01r + a01r * b11i + a01i * b11r;
  out[oOff + 4] = a10r * b00r - a10i * b00i + a11r * b10r - a11i * b10i;
  out[oOff + 5] = a10r * b00i + a10i * b00r + a11r * b10i + a11i * b10r;
  out[oOff + 6] = a10r * b01r - a10i * b01i + a11r * b11r - a11i * b11i;
  out[oOff + 7] = a10r * b01i + a10i * b01r + a11r * b11i + a11i * b11r;
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
  const a10r = a[aOff + 4];
  const a10i = a[aOff + 5];
  const a11r = a[aOff + 6];
  const a11i = a[aOff + 7];
  const b00r = b[bOff];
  const b00i = b[bOff + 1];
  const b01r = b[bOff + 2];
  const b01i = b[bOff + 3];
  const b10r = b[bOff + 4];
  const b10i = b[bOff + 5];
  const b11r = b[bOff + 6];
  const b11i = b[bOff + 7];
  out[oOff] = a00r * b00r + a00i * b00i + a01r * b01r + a01i * b01i;
  out[oOff + 1] = -a00r * b00i + a00i * b00r - a01r * b01i + a01i * b01r;
  out[oOff + 2] = a00r * b10r + a00i * b10i + a01r * b11r + a01i * b11i;
  out[oOff + 3] = -a00r * b10i + a00i * b10r - a01r * b11i + a01i * b11r;
  out[oOff + 4] = a10r * b00r + a10i * b00i + a11r * b01r + a11i * b01i;
  out[oOff + 5] = -a10r * b00i + a10i * b00r - a11r * b01i + a11i * b01r;
  out[oOff + 6] = a10r * b10r + a10i * b10i + a11r * b11r + a11i * b11i;
  out[oOff + 7] = -a10r * b10i + a10i * b10r - a11r * b11i + a11i * b11r;
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
  const a10r = a[aOff + 4];
  const a10i = a[aOff + 5];
  const a11r = a[aOff + 6];
  const a11i = a[aOff + 7];
  const b00r = b[bOff];
  const b00i = b[bOff + 1];
  const b01r = b[bOff + 2];
  const b01i = b[bOff + 3];
  const b10r = b[bOff + 4];
  const b10i = b[bOff + 5];
  const b11r = b[bOff + 6];
  const b11i = b[bOff + 7];
  out[oOff] = a00r * b00r + a00i * b00i + a10r * b10r + a10i * b10i;
  out[oOff + 1] = a00r * b00i - a00i * b00r + a10r * b10i - a10i * b10r;
  out[oOff + 2] = a00r * b01r + a00i * b01i + a10r * b11r + a10i * b11i;
  out[oOff + 3] = a00r * b01i - a00i * b01r + a10r * b11i - a10i * b11r;
  out[oOff + 4] = a01r * b00r + a01i * b00i + a11r * b10r + a11i * b10i;
  out[oOff + 5] = a01r * b00i - a01i * b00r + a11r * b10i - a11i * b10r;
  out[oOff + 6] = a01r * b01r + a01i * b01i + a11r * b11r + a11i * b11i;
  out[oOff + 7] = a01r * b01i - a01i * b01r + a11r * b11i - a11i * b11r;
  return out;
}

/** out = a^dagger. */
function adjoint(out: Matrices, oOff: number, a: Matrices, aOff: number): Matrices {
  const a00r = a[aOff];
  const a00i = a[aOff + 1];
  const a01r = a[aOff + 2];
  const a01i = a[aOff + 3];
  const a10r = a[aOff + 4];
  const a10i = a[aOff + 5];
  const a11r = a[aOff + 6];
  const a11i = a[aOff + 7];
  out[oOff] = a00r;
  out[oOff + 1] = -a00i;
  out[oOff + 2] = a10r;
  out[oOff + 3] = -a10i;
  out[oOff + 4] = a01r;
  out[oOff + 5] = -a01i;
  out[oOff + 6] = a11r;
  out[oOff + 7] = -a11i;
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
  out[oOff] = s0;
  out[oOff + 1] = s1;
  out[oOff + 2] = s2;
  out[oOff + 3] = s3;
  out[oOff + 4] = s4;
  out[oOff + 5] = s5;
  out[oOff + 6] = s6;
  out[oOff + 7] = s7;
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
  out[oOff] = s0;
  out[oOff + 1] = s1;
  out[oOff + 2] = s2;
  out[oOff + 3] = s3;
  out[oOff + 4] = s4;
  out[oOff + 5] = s5;
  out[oOff + 6] = s6;
  out[oOff + 7] = s7;
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
  const a10r = a[aOff + 4];
  const a10i = a[aOff + 5];
  const a11r = a[aOff + 6];
  const a11i = a[aOff + 7];
  out[oOff] = sRe * a00r - sIm * a00i;
  out[oOff + 1] = sRe * a00i + sIm * a00r;
  out[oOff + 2] = sRe * a01r - sIm * a01i;
  out[oOff + 3] = sRe * a01i + sIm * a01r;
  out[oOff + 4] = sRe * a10r - sIm * a10i;
  out[oOff + 5] = sRe * a10i + sIm * a10r;
  out[oOff + 6] = sRe * a11r - sIm * a11i;
  out[oOff + 7] = sRe * a11i + sIm * a11r;
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
  out[oOff] = s0;
  out[oOff + 1] = s1;
  out[oOff + 2] = s2;
  out[oOff + 3] = s3;
  out[oOff + 4] = s4;
  out[oOff + 5] = s5;
  out[oOff + 6] = s6;
  out[oOff + 7] = s7;
  return out;
}

/** Re tr a. */
function reTrace(a: Matrices, aOff: number): number {
  return a[aOff] + a[aOff + 6];
}

/** Im tr a. */
function imTrace(a: Matrices, aOff: number): number {
  return a[aOff + 1] + a[aOff + 7];
}

/** Writes tr a as (re, im) into out[oOff], out[oOff + 1]. */
function trace(
  out: Matrices | number[],
  oOff: number,
  a: Matrices,
  aOff: number,
): Matrices | number[] {
  const re = a[aOff] + a[aOff + 6];
  const im = a[aOff + 1] + a[aOff + 7];
  out[oOff] = re;
  out[oOff + 1] = im;
  return out;
}

/** Re tr(a b) = sum_rk Re(a_rk b_kr). */
function reTraceMultiply(a: Matrices, aOff: number, b: Matrices, bOff: number): number {
  return (
    a[aOff] * b[bOff] -
    a[aOff + 1] * b[bOff + 1] +
    a[aOff + 2] * b[bOff + 4] -
    a[aOff + 3] * b[bOff + 5] +
    a[aOff + 4] * b[bOff + 2] -
    a[aOff + 5] * b[bOff + 3] +
    a[aOff + 6] * b[bOff + 6] -
    a[aOff + 7] * b[bOff + 7]
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
    a[aOff + 7] * b[bOff + 7]
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
    Math.abs(a[aOff + 7] - b[bOff + 7]) <= tolerance
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
    a[aOff + 7] === b[bOff + 7]
  );
}

/** Writes det a = a00 a11 - a01 a10 as (re, im) into out[oOff], out[oOff + 1]. */
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
  const a10r = a[aOff + 4];
  const a10i = a[aOff + 5];
  const a11r = a[aOff + 6];
  const a11i = a[aOff + 7];
  const re = a00r * a11r - a00i * a11i - (a01r * a10r - a01i * a10i);
  const im = a00r * a11i + a00i * a11r - (a01r * a10i + a01i * a10r);
  out[oOff] = re;
  out[oOff + 1] = im;
  return out;
}

/**
 * Projects a near-unitary matrix onto SU(2): row 0 is normalised to (u00, u01), and row 1 is
 * rebuilt as (-conj(u01), conj(u00)), which is orthogonal to row 0 and gives
 * det = |u00|^2 + |u01|^2 = 1. Row 1 of the input is not read.
 */
function reunitarize(out: Matrices, oOff: number, a: Matrices, aOff: number): Matrices {
  const a00r = a[aOff];
  const a00i = a[aOff + 1];
  const a01r = a[aOff + 2];
  const a01i = a[aOff + 3];
  const n = 1 / Math.sqrt(a00r * a00r + a00i * a00i + a01r * a01r + a01i * a01i);
  const u00r = a00r * n;
  const u00i = a00i * n;
  const u01r = a01r * n;
  const u01i = a01i * n;
  out[oOff] = u00r;
  out[oOff + 1] = u00i;
  out[oOff + 2] = u01r;
  out[oOff + 3] = u01i;
  out[oOff + 4] = -u01r;
  out[oOff + 5] = u01i;
  out[oOff + 6] = u00r;
  out[oOff + 7] = -u00i;
  return out;
}

/**
 * Traceless anti-hermitian part: out = (a - a^dagger)/2 - tr(a - a^dagger)/4 1. The diagonal
 * becomes i (Im a00 - Im a11)/2 and its negative, so the trace is exactly 0.
 */
function projectAlgebra(out: Matrices, oOff: number, a: Matrices, aOff: number): Matrices {
  const a00i = a[aOff + 1];
  const a01r = a[aOff + 2];
  const a01i = a[aOff + 3];
  const a10r = a[aOff + 4];
  const a10i = a[aOff + 5];
  const a11i = a[aOff + 7];
  const d = 0.5 * (a00i - a11i);
  const re = 0.5 * (a01r - a10r);
  const im = 0.5 * (a01i + a10i);
  out[oOff] = 0;
  out[oOff + 1] = d;
  out[oOff + 2] = re;
  out[oOff + 3] = im;
  out[oOff + 4] = -re;
  out[oOff + 5] = im;
  out[oOff + 6] = 0;
  out[oOff + 7] = -d;
  return out;
}

/**
 * out = exp(a) for a in su(2): cos(t) 1 + (sin(t)/t) a with t^2 = |a|_F^2 / 2 (see the module
 * header). Only the anti-hermitian part (a - a^dagger)/2 of a is read, which is a itself for a
 * in u(2). Its trace 2 i phi (rounding drift, or a in u(2)) is split off exactly:
 * exp(i phi 1 + Y) = e^{i phi} exp(Y) with Y traceless, so the result stays unitary.
 */
function exp(out: Matrices, oOff: number, a: Matrices, aOff: number): Matrices {
  const a00i = a[aOff + 1];
  const a01r = a[aOff + 2];
  const a01i = a[aOff + 3];
  const a10r = a[aOff + 4];
  const a10i = a[aOff + 5];
  const a11i = a[aOff + 7];
  // Y = traceless anti-hermitian part: diag(i d, -i d), Y01 = (yr, yi), Y10 = (-yr, yi).
  const phi = 0.5 * (a00i + a11i);
  const d = 0.5 * (a00i - a11i);
  const yr = 0.5 * (a01r - a10r);
  const yi = 0.5 * (a01i + a10i);
  const t2 = d * d + yr * yr + yi * yi;
  const t = Math.sqrt(t2);
  const c = Math.cos(t);
  const s = t < SINC_TAYLOR_BELOW ? 1 - (t2 / 6) * (1 - t2 / 20) : Math.sin(t) / t;
  // exp(Y) = [[c + i s d, s Y01], [s Y10, c - i s d]], times e^{i phi} when tr a = 2 i phi.
  let pr = 1;
  let pi = 0;
  if (phi !== 0) {
    pr = Math.cos(phi);
    pi = Math.sin(phi);
  }
  const sd = s * d;
  const sr = s * yr;
  const si = s * yi;
  out[oOff] = pr * c - pi * sd;
  out[oOff + 1] = pr * sd + pi * c;
  out[oOff + 2] = pr * sr - pi * si;
  out[oOff + 3] = pr * si + pi * sr;
  out[oOff + 4] = -pr * sr - pi * si;
  out[oOff + 5] = pr * si - pi * sr;
  out[oOff + 6] = pr * c + pi * sd;
  out[oOff + 7] = -pr * sd + pi * c;
  return out;
}

/** SU(2) kernels, fully unrolled (see the module header for the layout and formulas). */
export const su2: SUNKernels = {
  N: 2,
  matrixSize: 8,
  algebraDim: 3,
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
