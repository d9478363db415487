/**
 * SU(N) matrix algebra on Float64Array: unrolled kernels for SU(2) and SU(3), a generic path
 * for any N, random elements, generators and SU(2) subgroups.
 *
 * @example
 * ```ts
 * import { su3 } from 'lattice-gauge/sun';
 * const a = new Float64Array(2 * 18);
 * su3.identity(a, 0);
 * su3.identity(a, 18);
 * su3.multiply(a, 0, a, 0, a, 18); // a[0..18) = 1 * 1
 * ```
 *
 * @module
 */
export type { Matrices, SUNKernels, UniformRandom } from './types.js';
export { su2 } from './su2.js';
export { su3 } from './su3.js';
export { createSUNKernels } from './sun.js';
export { kernelsFor } from './group.js';
export { Xoshiro128, normalFrom } from '../core/rng.js';
export { haarRandom, randomAlgebra, randomNearIdentity } from './random.js';
export { generators, algebraFromCoordinates, coordinatesFromAlgebra } from './generators.js';
export {
  subgroupPairs,
  extractSU2,
  embedSU2,
  multiplySU2Left,
  quaternionMultiply,
} from './subgroups.js';
