/**
 * Other plain-JS formulations of the 3 x 3 complex product out = a b, to find the fastest one
 * to compare `su3.multiply` against. All but {@link splitReIm3} use the library's layout
 * (row-major, (re, im) interleaved, 18 doubles per matrix: element (r, c) at o + 6 r + 2 c).
 * They are correct for non-aliasing operands, which is all the benchmark uses; the tests of
 * the library hold `su3.multiply` to aliasing as well, which only some of these would pass.
 *
 * @module
 */

/** The unrolled-with-locals formulation (the same as su3.multiply) on plain JS arrays (number[]). */
export function plainArray3(
  out: number[],
  oOff: number,
  a: number[],
  aOff: number,
  b: number[],
  bOff: number,
): number[] {
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

/** Unrolled, every operand read straight from the arrays (no locals; out must not alias). */
export function directUnrolled3(
  out: Float64Array,
  oOff: number,
  a: Float64Array,
  aOff: number,
  b: Float64Array,
  bOff: number,
): Float64Array {
  out[oOff] =
    a[aOff] * b[bOff] -
    a[aOff + 1] * b[bOff + 1] +
    a[aOff + 2] * b[bOff + 6] -
    a[aOff + 3] * b[bOff + 7] +
    a[aOff + 4] * b[bOff + 12] -
    a[aOff + 5] * b[bOff + 13];
  out[oOff + 1] =
    a[aOff] * b[bOff + 1] +
    a[aOff + 1] * b[bOff] +
    a[aOff + 2] * b[bOff + 7] +
    a[aOff + 3] * b[bOff + 6] +
    a[aOff + 4] * b[bOff + 13] +
    a[aOff + 5] * b[bOff + 12];
  out[oOff + 2] =
    a[aOff] * b[bOff + 2] -
    a[aOff + 1] * b[bOff + 3] +
    a[aOff + 2] * b[bOff + 8] -
    a[aOff + 3] * b[bOff + 9] +
    a[aOff + 4] * b[bOff + 14] -
    a[aOff + 5] * b[bOff + 15];
  out[oOff + 3] =
    a[aOff] * b[bOff + 3] +
    a[aOff + 1] * b[bOff + 2] +
    a[aOff + 2] * b[bOff + 9] +
    a[aOff + 3] * b[bOff + 8] +
    a[aOff + 4] * b[bOff + 15] +
    a[aOff + 5] * b[bOff + 14];
  out[oOff + 4] =
    a[aOff] * b[bOff + 4] -
    a[aOff + 1] * b[bOff + 5] +
    a[aOff + 2] * b[bOff + 10] -
    a[aOff + 3] * b[bOff + 11] +
    a[aOff + 4] * b[bOff + 16] -
    a[aOff + 5] * b[bOff + 17];
  out[oOff + 5] =
    a[aOff] * b[bOff + 5] +
    a[aOff + 1] * b[bOff + 4] +
    a[aOff + 2] * b[bOff + 11] +
    a[aOff + 3] * b[bOff + 10] +
    a[aOff + 4] * b[bOff + 17] +
    a[aOff + 5] * b[bOff + 16];
  out[oOff + 6] =
    a[aOff + 6] * b[bOff] -
    a[aOff + 7] * b[bOff + 1] +
    a[aOff + 8] * b[bOff + 6] -
    a[aOff + 9] * b[bOff + 7] +
    a[aOff + 10] * b[bOff + 12] -
    a[aOff + 11] * b[bOff + 13];
  out[oOff + 7] =
    a[aOff + 6] * b[bOff + 1] +
    a[aOff + 7] * b[bOff] +
    a[aOff + 8] * b[bOff + 7] +
    a[aOff + 9] * b[bOff + 6] +
    a[aOff + 10] * b[bOff + 13] +
    a[aOff + 11] * b[bOff + 12];
  out[oOff + 8] =
    a[aOff + 6] * b[bOff + 2] -
    a[aOff + 7] * b[bOff + 3] +
    a[aOff + 8] * b[bOff + 8] -
    a[aOff + 9] * b[bOff + 9] +
    a[aOff + 10] * b[bOff + 14] -
    a[aOff + 11] * b[bOff + 15];
  out[oOff + 9] =
    a[aOff + 6] * b[bOff + 3] +
    a[aOff + 7] * b[bOff + 2] +
    a[aOff + 8] * b[bOff + 9] +
    a[aOff + 9] * b[bOff + 8] +
    a[aOff + 10] * b[bOff + 15] +
    a[aOff + 11] * b[bOff + 14];
  out[oOff + 10] =
    a[aOff + 6] * b[bOff + 4] -
    a[aOff + 7] * b[bOff + 5] +
    a[aOff + 8] * b[bOff + 10] -
    a[aOff + 9] * b[bOff + 11] +
    a[aOff + 10] * b[bOff + 16] -
    a[aOff + 11] * b[bOff + 17];
  out[oOff + 11] =
    a[aOff + 6] * b[bOff + 5] +
    a[aOff + 7] * b[bOff + 4] +
    a[aOff + 8] * b[bOff + 11] +
    a[aOff + 9] * b[bOff + 10] +
    a[aOff + 10] * b[bOff + 17] +
    a[aOff + 11] * b[bOff + 16];
  out[oOff + 12] =
    a[aOff + 12] * b[bOff] -
    a[aOff + 13] * b[bOff + 1] +
    a[aOff + 14] * b[bOff + 6] -
    a[aOff + 15] * b[bOff + 7] +
    a[aOff + 16] * b[bOff + 12] -
    a[aOff + 17] * b[bOff + 13];
  out[oOff + 13] =
    a[aOff + 12] * b[bOff + 1] +
    a[aOff + 13] * b[bOff] +
    a[aOff + 14] * b[bOff + 7] +
    a[aOff + 15] * b[bOff + 6] +
    a[aOff + 16] * b[bOff + 13] +
    a[aOff + 17] * b[bOff + 12];
  out[oOff + 14] =
    a[aOff + 12] * b[bOff + 2] -
    a[aOff + 13] * b[bOff + 3] +
    a[aOff + 14] * b[bOff + 8] -
    a[aOff + 15] * b[bOff + 9] +
    a[aOff + 16] * b[bOff + 14] -
    a[aOff + 17] * b[bOff + 15];
  out[oOff + 15] =
    a[aOff + 12] * b[bOff + 3] +
    a[aOff + 13] * b[bOff + 2] +
    a[aOff + 14] * b[bOff + 9] +
    a[aOff + 15] * b[bOff + 8] +
    a[aOff + 16] * b[bOff + 15] +
    a[aOff + 17] * b[bOff + 14];
  out[oOff + 16] =
    a[aOff + 12] * b[bOff + 4] -
    a[aOff + 13] * b[bOff + 5] +
    a[aOff + 14] * b[bOff + 10] -
    a[aOff + 15] * b[bOff + 11] +
    a[aOff + 16] * b[bOff + 16] -
    a[aOff + 17] * b[bOff + 17];
  out[oOff + 17] =
    a[aOff + 12] * b[bOff + 5] +
    a[aOff + 13] * b[bOff + 4] +
    a[aOff + 14] * b[bOff + 11] +
    a[aOff + 15] * b[bOff + 10] +
    a[aOff + 16] * b[bOff + 17] +
    a[aOff + 17] * b[bOff + 16];
  return out;
}

/**
 * gl-matrix style (mat3.multiply): a in locals, then b column by column (3 complex locals per
 * column) and that column of out written.
 */
export function columnLocals3(
  out: Float64Array,
  oOff: number,
  a: Float64Array,
  aOff: number,
  b: Float64Array,
  bOff: number,
): Float64Array {
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
  let x0r: number;
  let x0i: number;
  let x1r: number;
  let x1i: number;
  let x2r: number;
  let x2i: number;
  x0r = b[bOff];
  x0i = b[bOff + 1];
  x1r = b[bOff + 6];
  x1i = b[bOff + 7];
  x2r = b[bOff + 12];
  x2i = b[bOff + 13];
  out[oOff] = a00r * x0r - a00i * x0i + a01r * x1r - a01i * x1i + a02r * x2r - a02i * x2i;
  out[oOff + 1] = a00r * x0i + a00i * x0r + a01r * x1i + a01i * x1r + a02r * x2i + a02i * x2r;
  out[oOff + 6] = a10r * x0r - a10i * x0i + a11r * x1r - a11i * x1i + a12r * x2r - a12i * x2i;
  out[oOff + 7] = a10r * x0i + a10i * x0r + a11r * x1i + a11i * x1r + a12r * x2i + a12i * x2r;
  out[oOff + 12] = a20r * x0r - a20i * x0i + a21r * x1r - a21i * x1i + a22r * x2r - a22i * x2i;
  out[oOff + 13] = a20r * x0i + a20i * x0r + a21r * x1i + a21i * x1r + a22r * x2i + a22i * x2r;
  x0r = b[bOff + 2];
  x0i = b[bOff + 3];
  x1r = b[bOff + 8];
  x1i = b[bOff + 9];
  x2r = b[bOff + 14];
  x2i = b[bOff + 15];
  out[oOff + 2] = a00r * x0r - a00i * x0i + a01r * x1r - a01i * x1i + a02r * x2r - a02i * x2i;
  out[oOff + 3] = a00r * x0i + a00i * x0r + a01r * x1i + a01i * x1r + a02r * x2i + a02i * x2r;
  out[oOff + 8] = a10r * x0r - a10i * x0i + a11r * x1r - a11i * x1i + a12r * x2r - a12i * x2i;
  out[oOff + 9] = a10r * x0i + a10i * x0r + a11r * x1i + a11i * x1r + a12r * x2i + a12i * x2r;
  out[oOff + 14] = a20r * x0r - a20i * x0i + a21r * x1r - a21i * x1i + a22r * x2r - a22i * x2i;
  out[oOff + 15] = a20r * x0i + a20i * x0r + a21r * x1i + a21i * x1r + a22r * x2i + a22i * x2r;
  x0r = b[bOff + 4];
  x0i = b[bOff + 5];
  x1r = b[bOff + 10];
  x1i = b[bOff + 11];
  x2r = b[bOff + 16];
  x2i = b[bOff + 17];
  out[oOff + 4] = a00r * x0r - a00i * x0i + a01r * x1r - a01i * x1i + a02r * x2r - a02i * x2i;
  out[oOff + 5] = a00r * x0i + a00i * x0r + a01r * x1i + a01i * x1r + a02r * x2i + a02i * x2r;
  out[oOff + 10] = a10r * x0r - a10i * x0i + a11r * x1r - a11i * x1i + a12r * x2r - a12i * x2i;
  out[oOff + 11] = a10r * x0i + a10i * x0r + a11r * x1i + a11i * x1r + a12r * x2i + a12i * x2r;
  out[oOff + 16] = a20r * x0r - a20i * x0i + a21r * x1r - a21i * x1i + a22r * x2r - a22i * x2i;
  out[oOff + 17] = a20r * x0i + a20i * x0r + a21r * x1i + a21i * x1r + a22r * x2i + a22i * x2r;
  return out;
}

/** b in locals, then a loop over the rows of a (6 locals per row), the row body unrolled. */
export function rowLoop3(
  out: Float64Array,
  oOff: number,
  a: Float64Array,
  aOff: number,
  b: Float64Array,
  bOff: number,
): Float64Array {
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
  for (let r = 0; r < 6 * 3; r += 6) {
    const ia = aOff + r;
    const x0r = a[ia];
    const x0i = a[ia + 1];
    const x1r = a[ia + 2];
    const x1i = a[ia + 3];
    const x2r = a[ia + 4];
    const x2i = a[ia + 5];
    const io = oOff + r;
    out[io] = x0r * b00r - x0i * b00i + x1r * b10r - x1i * b10i + x2r * b20r - x2i * b20i;
    out[io + 1] = x0r * b00i + x0i * b00r + x1r * b10i + x1i * b10r + x2r * b20i + x2i * b20r;
    out[io + 2] = x0r * b01r - x0i * b01i + x1r * b11r - x1i * b11i + x2r * b21r - x2i * b21i;
    out[io + 3] = x0r * b01i + x0i * b01r + x1r * b11i + x1i * b11r + x2r * b21i + x2i * b21r;
    out[io + 4] = x0r * b02r - x0i * b02i + x1r * b12r - x1i * b12i + x2r * b22r - x2i * b22i;
    out[io + 5] = x0r * b02i + x0i * b02r + x1r * b12i + x1i * b12r + x2r * b22i + x2i * b22r;
  }
  return out;
}

/**
 * Structure of arrays: real parts in one Float64Array, imaginary parts in another, 9 numbers
 * per matrix at offset o (element (r, c) at o + 3 r + c); unrolled with locals.
 */
export function splitReIm3(
  outRe: Float64Array,
  outIm: Float64Array,
  oOff: number,
  aRe: Float64Array,
  aIm: Float64Array,
  aOff: number,
  bRe: Float64Array,
  bIm: Float64Array,
  bOff: number,
): void {
  const a00r = aRe[aOff];
  const a00i = aIm[aOff];
  const a01r = aRe[aOff + 1];
  const a01i = aIm[aOff + 1];
  const a02r = aRe[aOff + 2];
  const a02i = aIm[aOff + 2];
  const a10r = aRe[aOff + 3];
  const a10i = aIm[aOff + 3];
  const a11r = aRe[aOff + 4];
  const a11i = aIm[aOff + 4];
  const a12r = aRe[aOff + 5];
  const a12i = aIm[aOff + 5];
  const a20r = aRe[aOff + 6];
  const a20i = aIm[aOff + 6];
  const a21r = aRe[aOff + 7];
  const a21i = aIm[aOff + 7];
  const a22r = aRe[aOff + 8];
  const a22i = aIm[aOff + 8];
  const b00r = bRe[bOff];
  const b00i = bIm[bOff];
  const b01r = bRe[bOff + 1];
  const b01i = bIm[bOff + 1];
  const b02r = bRe[bOff + 2];
  const b02i = bIm[bOff + 2];
  const b10r = bRe[bOff + 3];
  const b10i = bIm[bOff + 3];
  const b11r = bRe[bOff + 4];
  const b11i = bIm[bOff + 4];
  const b12r = bRe[bOff + 5];
  const b12i = bIm[bOff + 5];
  const b20r = bRe[bOff + 6];
  const b20i = bIm[bOff + 6];
  const b21r = bRe[bOff + 7];
  const b21i = bIm[bOff + 7];
  const b22r = bRe[bOff + 8];
  const b22i = bIm[bOff + 8];
  outRe[oOff] = a00r * b00r - a00i * b00i + a01r * b10r - a01i * b10i + a02r * b20r - a02i * b20i;
  outIm[oOff] = a00r * b00i + a00i * b00r + a01r * b10i + a01i * b10r + a02r * b20i + a02i * b20r;
  outRe[oOff + 1] =
    a00r * b01r - a00i * b01i + a01r * b11r - a01i * b11i + a02r * b21r - a02i * b21i;
  outIm[oOff + 1] =
    a00r * b01i + a00i * b01r + a01r * b11i + a01i * b11r + a02r * b21i + a02i * b21r;
  outRe[oOff + 2] =
    a00r * b02r - a00i * b02i + a01r * b12r - a01i * b12i + a02r * b22r - a02i * b22i;
  outIm[oOff + 2] =
    a00r * b02i + a00i * b02r + a01r * b12i + a01i * b12r + a02r * b22i + a02i * b22r;
  outRe[oOff + 3] =
    a10r * b00r - a10i * b00i + a11r * b10r - a11i * b10i + a12r * b20r - a12i * b20i;
  outIm[oOff + 3] =
    a10r * b00i + a10i * b00r + a11r * b10i + a11i * b10r + a12r * b20i + a12i * b20r;
  outRe[oOff + 4] =
    a10r * b01r - a10i * b01i + a11r * b11r - a11i * b11i + a12r * b21r - a12i * b21i;
  outIm[oOff + 4] =
    a10r * b01i + a10i * b01r + a11r * b11i + a11i * b11r + a12r * b21i + a12i * b21r;
  outRe[oOff + 5] =
    a10r * b02r - a10i * b02i + a11r * b12r - a11i * b12i + a12r * b22r - a12i * b22i;
  outIm[oOff + 5] =
    a10r * b02i + a10i * b02r + a11r * b12i + a11i * b12r + a12r * b22i + a12i * b22r;
  outRe[oOff + 6] =
    a20r * b00r - a20i * b00i + a21r * b10r - a21i * b10i + a22r * b20r - a22i * b20i;
  outIm[oOff + 6] =
    a20r * b00i + a20i * b00r + a21r * b10i + a21i * b10r + a22r * b20i + a22i * b20r;
  outRe[oOff + 7] =
    a20r * b01r - a20i * b01i + a21r * b11r - a21i * b11i + a22r * b21r - a22i * b21i;
  outIm[oOff + 7] =
    a20r * b01i + a20i * b01r + a21r * b11i + a21i * b11r + a22r * b21i + a22i * b21r;
  outRe[oOff + 8] =
    a20r * b02r - a20i * b02i + a21r * b12r - a21i * b12i + a22r * b22r - a22i * b22i;
  outIm[oOff + 8] =
    a20r * b02i + a20i * b02r + a21r * b12i + a21i * b12r + a22r * b22i + a22i * b22r;
}
