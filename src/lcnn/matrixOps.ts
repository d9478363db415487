/**
 * Small helpers over the matrix layout shared by several layers.
 *
 * @module
 */

/** <A, B> = Re tr(A^+ B) = sum of the products of the 2N^2 real components. */
export function realInner(
  a: Float64Array,
  aOff: number,
  b: Float64Array,
  bOff: number,
  m: number,
): number {
  let s = 0;
  for (let k = 0; k < m; k++) s += a[aOff + k] * b[bOff + k];
  return s;
}

/** out += s * a over m doubles. */
export function addScaled(
  out: Float64Array,
  oOff: number,
  s: number,
  a: Float64Array,
  aOff: number,
  m: number,
): void {
  for (let k = 0; k < m; k++) out[oOff + k] += s * a[aOff + k];
}
