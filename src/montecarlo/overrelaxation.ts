/**
 * Overrelaxation of one link: the microcanonical reflection in each SU(2) subgroup
 * (Creutz, Phys. Rev. D 36 (1987) 515; Brown & Woch, Phys. Rev. Lett. 58 (1987) 2394).
 *
 * In the notation of ./heatbath.ts, Re tr(V W) = k Re tr(V Vbar). V = (Vbar^+)^2 gives
 * Re tr(Vbar^+) = Re tr(Vbar), the value at V = 1: the action is unchanged, and the map is
 * an involution that preserves the Haar measure, so it keeps the Boltzmann distribution
 * while moving far through configuration space. It draws no random numbers.
 *
 * @module
 */
import { extractSU2, multiplySU2Left, quaternionMultiply } from '../sun/subgroups.js';
import type { SUNKernels } from '../sun/types.js';
import type { UpdateScratch } from './heatbath.js';

/** Replaces U (at uOff) by its overrelaxed image with respect to the staple A (at aOff). */
export function overrelaxLink(
  g: SUNKernels,
  U: Float64Array,
  uOff: number,
  A: Float64Array,
  aOff: number,
  scratch: UpdateScratch,
): void {
  const N = g.N;
  const W = scratch.matrices;
  const q = scratch.quaternions;
  const pairs = scratch.pairs;
  g.multiply(W, 0, U, uOff, A, aOff);
  for (let p = 0; p < pairs.length; p += 2) {
    const i = pairs[p];
    const j = pairs[p + 1];
    extractSU2(q, 0, W, 0, N, i, j);
    const k = Math.hypot(q[0], q[1], q[2], q[3]);
    if (k < 1e-300) continue;
    const inv = 1 / k;
    q[4] = q[0] * inv;
    q[5] = -q[1] * inv;
    q[6] = -q[2] * inv;
    q[7] = -q[3] * inv;
    quaternionMultiply(q, 8, q, 4, q, 4); // V = (Vbar^+)^2
    multiplySU2Left(U, uOff, q, 8, U, uOff, N, i, j);
    if (p + 2 < pairs.length) multiplySU2Left(W, 0, q, 8, W, 0, N, i, j);
  }
}
