/**
 * Choosing the kernels for a given N: the unrolled ones for N = 2 and 3, the generic ones
 * otherwise. Lattice code asks for `kernelsFor(N)` once and keeps the object.
 *
 * @module
 */
import { su2 } from './su2.js';
import { su3 } from './su3.js';
import { createSUNKernels } from './sun.js';
import type { SUNKernels } from './types.js';
import { checkN } from '../core/validate.js';

const generic = new Map<number, SUNKernels>();

/**
 * The kernels for SU(N): `su2`, `su3`, or the generic path for N >= 4 (created once per N).
 *
 * @throws RangeError when N is not an integer >= 2.
 */
export function kernelsFor(N: number): SUNKernels {
  checkN('kernelsFor', N);
  if (N === 2) return su2;
  if (N === 3) return su3;
  let g = generic.get(N);
  if (g === undefined) {
    g = createSUNKernels(N);
    generic.set(N, g);
  }
  return g;
}
