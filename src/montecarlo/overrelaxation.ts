/**
 * Overrelaxation of one link: the microcanonical reflection in each SU(2) subgroup
 * (Creutz, Phys. Rev. D 36 (1987) 515; Brown & Woch, Phys. Rev. Lett. 58 (1987) 2394).
 *
 * In the notation of ./heatbath.ts, Re tr(V W) = k Re tr(V Vbar). V = (Vbar^+)^2 gives
 * Re tr(Vbar^+) = Re tr(Vbar), the value at V = 1: the action is unchanged, and the map is
 * an involution that preserves the Haar measure, so it keeps the Boltzmann distribution
 * while moving far through configuration space. It draws no random numbers.
 *
 * For N = 2, Vbar = U A / k with a = A / k a unit quaternion, so the new link is
 * V U = (a^+ U^+)^2 U = a^+ U^+ a^+ (U^+ U = 1); that closed form runs for N = 2, and N = 3
 * runs the subgroup steps unrolled.
 *
 * @module
 */
import { extractSU2, multiplySU2Left, quaternionMultiply } from '../sun/subgroups.js';
import { su3 } from '../sun/su3.js';
import type { SUNKernels } from '../sun/types.js';
import { rotateRowsSU3, writeQuaternionProduct, type UpdateScratch } from './heatbath.js';

/** Replaces U (at uOff) by its overrelaxed image with respect to the staple A (at aOff). */
export function overrelaxLink(
  g: SUNKernels,
  U: Float64Array,
  uOff: number,
  A: Float64Array,
  aOff: number,
  scratch: UpdateScratch,
): void {
  if (g.N === 3) overrelaxSU3(U, uOff, A, aOff, scratch);
  else if (g.N === 2) overrelaxSU2(U, uOff, A, aOff, scratch);
  else overrelaxGeneric(g, U, uOff, A, aOff, scratch);
}

/** SU(2) with the matrix staple A: its quaternion, then {@link overrelaxQuaternionSU2}. */
function overrelaxSU2(
  U: Float64Array,
  uOff: number,
  A: Float64Array,
  aOff: number,
  scratch: UpdateScratch,
): void {
  const q = scratch.quaternions;
  extractSU2(q, 0, A, aOff, 2, 0, 1);
  overrelaxQuaternionSU2(U, uOff, q, 0);
}

/**
 * SU(2) overrelaxation from the staple's quaternion a = a[aOff..aOff+3] (../lattice/staple.ts,
 * stapleQuaternionSU2): U -> b U^+ b with b = a^+ / |a|. U's quaternion is read from its first
 * row, as the staple reads every link.
 */
export function overrelaxQuaternionSU2(
  U: Float64Array,
  uOff: number,
  a: Float64Array,
  aOff: number,
): void {
  const a0 = a[aOff];
  const a1 = a[aOff + 1];
  const a2 = a[aOff + 2];
  const a3 = a[aOff + 3];
  const k = Math.sqrt(a0 * a0 + a1 * a1 + a2 * a2 + a3 * a3);
  if (k < 1e-300) return;
  const inv = 1 / k;
  const b0 = a0 * inv;
  const b1 = -a1 * inv;
  const b2 = -a2 * inv;
  const b3 = -a3 * inv;
  // u = U^+: (re U00, -im U01, -re U01, -im U00)
  const u0 = U[uOff];
  const u1 = -U[uOff + 3];
  const u2 = -U[uOff + 2];
  const u3 = -U[uOff + 1];
  // t = b u, then U = t b (quaternionMultiply's formula)
  const t0 = b0 * u0 - b1 * u1 - b2 * u2 - b3 * u3;
  const t1 = b0 * u1 + u0 * b1 - (b2 * u3 - b3 * u2);
  const t2 = b0 * u2 + u0 * b2 - (b3 * u1 - b1 * u3);
  const t3 = b0 * u3 + u0 * b3 - (b1 * u2 - b2 * u1);
  writeQuaternionProduct(U, uOff, t0, t1, t2, t3, b0, b1, b2, b3);
}

/** SU(3): V = (Vbar^+)^2 in (0, 1), (0, 2), (1, 2), unrolled. */
function overrelaxSU3(
  U: Float64Array,
  uOff: number,
  A: Float64Array,
  aOff: number,
  scratch: UpdateScratch,
): void {
  const W = scratch.matrices;
  su3.multiply(W, 0, U, uOff, A, aOff);
  subgroupOverrelaxSU3(U, uOff, W, 0, 1, true);
  subgroupOverrelaxSU3(U, uOff, W, 0, 2, true);
  subgroupOverrelaxSU3(U, uOff, W, 1, 2, false);
}

/** The reflection in the subgroup (i, j) of SU(3); W (at offset 0) follows when `updateW`. */
function subgroupOverrelaxSU3(
  U: Float64Array,
  uOff: number,
  W: Float64Array,
  i: number,
  j: number,
  updateW: boolean,
): void {
  const ii = 8 * i;
  const ij = 2 * (3 * i + j);
  const ji = 2 * (3 * j + i);
  const jj = 8 * j;
  const a0 = 0.5 * (W[ii] + W[jj]);
  const a1 = 0.5 * (W[ij + 1] + W[ji + 1]);
  const a2 = 0.5 * (W[ij] - W[ji]);
  const a3 = 0.5 * (W[ii + 1] - W[jj + 1]);
  const k = Math.sqrt(a0 * a0 + a1 * a1 + a2 * a2 + a3 * a3);
  if (k < 1e-300) return;
  const inv = 1 / k;
  const b0 = a0 * inv;
  const b1 = -a1 * inv;
  const b2 = -a2 * inv;
  const b3 = -a3 * inv;
  // V = (Vbar^+)^2 = b b
  const v0 = b0 * b0 - b1 * b1 - b2 * b2 - b3 * b3;
  const v1 = b0 * b1 + b0 * b1 - (b2 * b3 - b3 * b2);
  const v2 = b0 * b2 + b0 * b2 - (b3 * b1 - b1 * b3);
  const v3 = b0 * b3 + b0 * b3 - (b1 * b2 - b2 * b1);
  rotateRowsSU3(U, uOff, i, j, v0, v1, v2, v3);
  if (updateW) rotateRowsSU3(W, 0, i, j, v0, v1, v2, v3);
}

/** Any N: the loop over the subgroups with the kernels of src/sun/subgroups.ts. */
function overrelaxGeneric(
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
    const k = Math.sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
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
