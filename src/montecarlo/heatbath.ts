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
 * For N = 2 the one subgroup is the whole group and A is itself a real multiple of SU(2)
 * (a sum of SU(2) matrices), so Vbar = U A / k with k = |A| and V U = X Vbar^+ U = X A^+ / k:
 * the new link does not depend on the old one (Creutz, Phys. Rev. D 21 (1980) 2308). That
 * closed form is what runs for N = 2; N = 3 runs the same steps as the generic code, unrolled.
 *
 * @module
 */
import type { SUNKernels, UniformRandom } from '../sun/types.js';
import { extractSU2, multiplySU2Left, quaternionMultiply } from '../sun/subgroups.js';
import { su3 } from '../sun/su3.js';
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
  if (g.N === 3) heatbathSU3(U, uOff, A, aOff, beta, rng, scratch);
  else if (g.N === 2) heatbathSU2(U, uOff, A, aOff, beta, rng, scratch);
  else heatbathGeneric(g, U, uOff, A, aOff, beta, rng, scratch);
}

/** SU(2) with the matrix staple A: its quaternion, then {@link heatbathQuaternionSU2}. */
function heatbathSU2(
  U: Float64Array,
  uOff: number,
  A: Float64Array,
  aOff: number,
  beta: number,
  rng: UniformRandom,
  scratch: UpdateScratch,
): void {
  const q = scratch.quaternions;
  extractSU2(q, 8, A, aOff, 2, 0, 1);
  heatbathQuaternionSU2(U, uOff, q, 8, beta, rng, q);
}

/**
 * SU(2) heatbath from the staple's quaternion a = a[aOff..aOff+3] (../lattice/staple.ts,
 * stapleQuaternionSU2): U = X a^+ / |a| with X from exp(beta |a| x0) dX (the module header).
 * `q` holds 4 numbers of scratch and may be `a`'s array if a is not at 0..3.
 */
export function heatbathQuaternionSU2(
  U: Float64Array,
  uOff: number,
  a: Float64Array,
  aOff: number,
  beta: number,
  rng: UniformRandom,
  q: Float64Array,
): void {
  const a0 = a[aOff];
  const a1 = a[aOff + 1];
  const a2 = a[aOff + 2];
  const a3 = a[aOff + 3];
  const k = Math.sqrt(a0 * a0 + a1 * a1 + a2 * a2 + a3 * a3);
  // alpha = 2 beta k / N = beta k
  sampleSU2(q, 0, beta * k, rng);
  if (k > 1e-300) {
    const inv = 1 / k;
    writeQuaternionProduct(
      U,
      uOff,
      q[0],
      q[1],
      q[2],
      q[3],
      a0 * inv,
      -a1 * inv,
      -a2 * inv,
      -a3 * inv,
    );
  } else {
    // no coupling to the staple: X is Haar-distributed
    writeSU2(U, uOff, q[0], q[1], q[2], q[3]);
  }
}

/** SU(3): Cabibbo-Marinari over (0, 1), (0, 2), (1, 2), unrolled. */
function heatbathSU3(
  U: Float64Array,
  uOff: number,
  A: Float64Array,
  aOff: number,
  beta: number,
  rng: UniformRandom,
  scratch: UpdateScratch,
): void {
  const W = scratch.matrices;
  su3.multiply(W, 0, U, uOff, A, aOff);
  const coupling = (2 * beta) / 3;
  subgroupHeatbathSU3(U, uOff, W, 0, 1, coupling, rng, scratch.quaternions, true);
  subgroupHeatbathSU3(U, uOff, W, 0, 2, coupling, rng, scratch.quaternions, true);
  subgroupHeatbathSU3(U, uOff, W, 1, 2, coupling, rng, scratch.quaternions, false);
}

/**
 * One Cabibbo-Marinari step in the subgroup (i, j) of SU(3): a = SU(2) part of W's (i, j)
 * block, k = |a|, X from exp((2 beta k / 3) x0) dX, V = X (a/k)^+; U -> V U and, when
 * `updateW`, W -> V W (W at offset 0).
 */
function subgroupHeatbathSU3(
  U: Float64Array,
  uOff: number,
  W: Float64Array,
  i: number,
  j: number,
  coupling: number,
  rng: UniformRandom,
  q: Float64Array,
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
  sampleSU2(q, 0, coupling * k, rng);
  let v0 = q[0];
  let v1 = q[1];
  let v2 = q[2];
  let v3 = q[3];
  if (k > 1e-300) {
    // V = X Vbar^+, Vbar^+ = (a0, -a1, -a2, -a3) / k (quaternionMultiply of src/sun/subgroups.ts)
    const inv = 1 / k;
    const b0 = a0 * inv;
    const b1 = -a1 * inv;
    const b2 = -a2 * inv;
    const b3 = -a3 * inv;
    const x0 = v0;
    const x1 = v1;
    const x2 = v2;
    const x3 = v3;
    v0 = x0 * b0 - x1 * b1 - x2 * b2 - x3 * b3;
    v1 = x0 * b1 + b0 * x1 - (x2 * b3 - x3 * b2);
    v2 = x0 * b2 + b0 * x2 - (x3 * b1 - x1 * b3);
    v3 = x0 * b3 + b0 * x3 - (x1 * b2 - x2 * b1);
  }
  rotateRowsSU3(U, uOff, i, j, v0, v1, v2, v3);
  if (updateW) rotateRowsSU3(W, 0, i, j, v0, v1, v2, v3);
}

/**
 * Rows i and j of the 3x3 matrix M (at mOff) <- V(v) times them, V(v) = v0 + i v.sigma
 * (multiplySU2Left of src/sun/subgroups.ts, unrolled over the three columns).
 */
export function rotateRowsSU3(
  M: Float64Array,
  mOff: number,
  i: number,
  j: number,
  v0: number,
  v1: number,
  v2: number,
  v3: number,
): void {
  for (let c = 0; c < 6; c += 2) {
    const pi = mOff + 6 * i + c;
    const pj = mOff + 6 * j + c;
    const xr = M[pi];
    const xi = M[pi + 1];
    const yr = M[pj];
    const yi = M[pj + 1];
    // row i' = (v0 + i v3) x + (v2 + i v1) y ; row j' = (-v2 + i v1) x + (v0 - i v3) y
    M[pi] = v0 * xr - v3 * xi + v2 * yr - v1 * yi;
    M[pi + 1] = v0 * xi + v3 * xr + v2 * yi + v1 * yr;
    M[pj] = -v2 * xr - v1 * xi + v0 * yr + v3 * yi;
    M[pj + 1] = -v2 * xi + v1 * xr + v0 * yi - v3 * yr;
  }
}

/** Writes the 2x2 matrix of the quaternion (v0, v1, v2, v3) at M[mOff] (embedSU2's layout). */
export function writeSU2(
  M: Float64Array,
  mOff: number,
  v0: number,
  v1: number,
  v2: number,
  v3: number,
): void {
  // V = [[v0 + i v3, v2 + i v1], [-v2 + i v1, v0 - i v3]]
  M[mOff] = v0;
  M[mOff + 1] = v3;
  M[mOff + 2] = v2;
  M[mOff + 3] = v1;
  M[mOff + 4] = -v2;
  M[mOff + 5] = v1;
  M[mOff + 6] = v0;
  M[mOff + 7] = -v3;
}

/** Writes the 2x2 matrix of the quaternion product p q (quaternionMultiply's formula). */
export function writeQuaternionProduct(
  M: Float64Array,
  mOff: number,
  p0: number,
  p1: number,
  p2: number,
  p3: number,
  q0: number,
  q1: number,
  q2: number,
  q3: number,
): void {
  writeSU2(
    M,
    mOff,
    p0 * q0 - p1 * q1 - p2 * q2 - p3 * q3,
    p0 * q1 + q0 * p1 - (p2 * q3 - p3 * q2),
    p0 * q2 + q0 * p2 - (p3 * q1 - p1 * q3),
    p0 * q3 + q0 * p3 - (p1 * q2 - p2 * q1),
  );
}

/** Any N: the loop over the subgroups with the kernels of src/sun/subgroups.ts. */
function heatbathGeneric(
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
    // |a| = sqrt(a.a): Math.hypot is ~15x slower in V8 and the norm is O(1) here
    const k = Math.sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
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
