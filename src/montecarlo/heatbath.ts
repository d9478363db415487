/**
 * Heatbath update of one link for the Wilson action: Cabibbo-Marinari over the N(N-1)/2
 * SU(2) subgroups (Cabibbo & Marinari, Phys. Lett. B 119 (1982) 387), each by an exact SU(2)
 * heatbath (./su2Sampler.ts). For N = 2 it is the plain SU(2) heatbath.
 *
 * With staple A (S_loc = -(beta/N) Re tr(U A)) and W = U A, an update U -> V U by V in the
 * subgroup (i, j) changes the action through Re tr(V W) = k Re tr(V Vbar), where
 * k Vbar = k V(a/k) is the SU(2) projection of W's (i, j) block (src/sun/subgroups.ts;
 * Re tr(V(q) w) = 2 (q0 a0 - q.a)). So X = V Vbar has density exp((2 beta k / N) x0) dX:
 * draw X, set V = X Vbar^+, and U -> V U, W -> V W for the next subgroup.
 *
 * @module
 */
import type { SUNKernels, UniformRandom } from '../sun/types.js';
import { extractSU2, multiplySU2Left, quaternionMultiply } from '../sun/subgroups.js';
import { sampleSU2 } from './su2Sampler.js';

/**
 * Scratch for the local updates: W, one spare matrix, and quaternions. Allocate once per
 * thread with {@link createUpdateScratch}.
 */
export interface UpdateScratch {
  /** W = U A and friends: two matrices. */
  readonly matrices: Float64Array;
  /** Four quaternions. */
  readonly quaternions: Float64Array;
  /** The subgroup pairs (i, j) of the group, flattened. */
  readonly pairs: Int32Array;
}

/** Scratch space for the local updates of a group. */
export function createUpdateScratch(g: SUNKernels): UpdateScratch {
  const pairs: number[] = [];
  for (let i = 0; i < g.N; i++) for (let j = i + 1; j < g.N; j++) pairs.push(i, j);
  return {
    matrices: new Float64Array(2 * g.matrixSize),
    quaternions: new Float64Array(16),
    pairs: Int32Array.from(pairs),
  };
}

/**
 * Replaces U (at uOff) by a heatbath draw from exp((beta/N) Re tr(U A)) dU, subgroup by
 * subgroup. A is the staple at aOff.
 */
export function heatbathLink(
  g: SUNKernels,
  U: Float64Array,
  uOff: number,
  A: Float64Array,
  aOff: number,
  beta: number,
  rng: UniformRandom,
  scratch: UpdateScratch,
): void {
  const N = g.N;
  const W = scratch.matrices;
  const q = scratch.quaternions;
  const pairs = scratch.pairs;
  g.multiply(W, 0, U, uOff, A, aOff);
  const coupling = (2 * beta) / N;
  for (let p = 0; p < pairs.length; p += 2) {
    const i = pairs[p];
    const j = pairs[p + 1];
    extractSU2(q, 0, W, 0, N, i, j);
    const k = Math.hypot(q[0], q[1], q[2], q[3]);
    // X from exp(alpha x0): alpha = 2 beta k / N
    sampleSU2(q, 4, coupling * k, rng);
    if (k > 1e-300) {
      // Vbar^+ = conj(a/k) = (a0, -a1, -a2, -a3) / k;  V = X Vbar^+
      const inv = 1 / k;
      q[8] = q[0] * inv;
      q[9] = -q[1] * inv;
      q[10] = -q[2] * inv;
      q[11] = -q[3] * inv;
      quaternionMultiply(q, 12, q, 4, q, 8);
    } else {
      // no coupling to the staple: X is already Haar-distributed, use it as V
      q[12] = q[4];
      q[13] = q[5];
      q[14] = q[6];
      q[15] = q[7];
    }
    multiplySU2Left(U, uOff, q, 12, U, uOff, N, i, j);
    if (p + 2 < pairs.length) multiplySU2Left(W, 0, q, 12, W, 0, N, i, j);
  }
}
