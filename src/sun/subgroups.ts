/**
 * SU(2) subgroups of SU(N), for Cabibbo-Marinari updates (Cabibbo & Marinari,
 * Phys. Lett. B 119 (1982) 387).
 *
 * The subgroup (i, j), i < j, acts on rows/columns i and j. An SU(2) element is stored as a
 * quaternion q = (a0, a1, a2, a3) with a0^2 + |a|^2 = 1, meaning
 *
 *     V = a0 1 + i (a1 sigma1 + a2 sigma2 + a3 sigma3)
 *       = [[a0 + i a3,  a2 + i a1],
 *          [-a2 + i a1, a0 - i a3]].
 *
 * Any 2x2 complex matrix w has a unique closest "real multiple of SU(2)" k V (k >= 0):
 * a0 = Re(w00 + w11)/2, a1 = Im(w01 + w10)/2, a2 = Re(w01 - w10)/2, a3 = Im(w00 - w11)/2
 * (Kennedy & Pendleton, Phys. Lett. B 156 (1985) 393). That is what {@link extractSU2}
 * returns, unnormalised: its norm is k.
 *
 * @module
 */

/** The N(N-1)/2 subgroup index pairs (i, j), i < j, in the order Cabibbo-Marinari visits them. */
export function subgroupPairs(N: number): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < N; i++) for (let j = i + 1; j < N; j++) pairs.push([i, j]);
  return pairs;
}

/**
 * Writes the SU(2)-projected quaternion (a0, a1, a2, a3) of the (i, j) block of the N x N
 * matrix a into out[oOff .. oOff+3]. Not normalised: its length is the factor k in w ~ k V.
 */
export function extractSU2(
  out: Float64Array,
  oOff: number,
  a: Float64Array,
  aOff: number,
  N: number,
  i: number,
  j: number,
): Float64Array {
  const ii = aOff + 2 * (i * N + i);
  const ij = aOff + 2 * (i * N + j);
  const ji = aOff + 2 * (j * N + i);
  const jj = aOff + 2 * (j * N + j);
  out[oOff] = 0.5 * (a[ii] + a[jj]);
  out[oOff + 1] = 0.5 * (a[ij + 1] + a[ji + 1]);
  out[oOff + 2] = 0.5 * (a[ij] - a[ji]);
  out[oOff + 3] = 0.5 * (a[ii + 1] - a[jj + 1]);
  return out;
}

/** Writes the N x N matrix that is V(q) in the (i, j) block and the identity elsewhere. */
export function embedSU2(
  out: Float64Array,
  oOff: number,
  q: Float64Array,
  qOff: number,
  N: number,
  i: number,
  j: number,
): Float64Array {
  out.fill(0, oOff, oOff + 2 * N * N);
  for (let k = 0; k < N; k++) out[oOff + 2 * (k * N + k)] = 1;
  const a0 = q[qOff];
  const a1 = q[qOff + 1];
  const a2 = q[qOff + 2];
  const a3 = q[qOff + 3];
  out[oOff + 2 * (i * N + i)] = a0;
  out[oOff + 2 * (i * N + i) + 1] = a3;
  out[oOff + 2 * (i * N + j)] = a2;
  out[oOff + 2 * (i * N + j) + 1] = a1;
  out[oOff + 2 * (j * N + i)] = -a2;
  out[oOff + 2 * (j * N + i) + 1] = a1;
  out[oOff + 2 * (j * N + j)] = a0;
  out[oOff + 2 * (j * N + j) + 1] = -a3;
  return out;
}

/**
 * out = V_ij(q) a: left multiplication by the embedded SU(2) element, touching only rows
 * i and j (O(N) work instead of O(N^3)). out may alias a.
 */
export function multiplySU2Left(
  out: Float64Array,
  oOff: number,
  q: Float64Array,
  qOff: number,
  a: Float64Array,
  aOff: number,
  N: number,
  i: number,
  j: number,
): Float64Array {
  const a0 = q[qOff];
  const a1 = q[qOff + 1];
  const a2 = q[qOff + 2];
  const a3 = q[qOff + 3];
  if (out !== a || oOff !== aOff) {
    for (let k = 0; k < 2 * N * N; k++) out[oOff + k] = a[aOff + k];
  }
  for (let c = 0; c < N; c++) {
    const pi = oOff + 2 * (i * N + c);
    const pj = oOff + 2 * (j * N + c);
    const xr = out[pi];
    const xi = out[pi + 1];
    const yr = out[pj];
    const yi = out[pj + 1];
    // row i' = (a0 + i a3) x + (a2 + i a1) y ; row j' = (-a2 + i a1) x + (a0 - i a3) y
    out[pi] = a0 * xr - a3 * xi + a2 * yr - a1 * yi;
    out[pi + 1] = a0 * xi + a3 * xr + a2 * yi + a1 * yr;
    out[pj] = -a2 * xr - a1 * xi + a0 * yr + a3 * yi;
    out[pj + 1] = -a2 * xi + a1 * xr + a0 * yi - a3 * yr;
  }
  return out;
}

/** Quaternion product r = p q (the SU(2) product V(p) V(q)). r may alias p or q. */
export function quaternionMultiply(
  r: Float64Array,
  rOff: number,
  p: Float64Array,
  pOff: number,
  q: Float64Array,
  qOff: number,
): Float64Array {
  const p0 = p[pOff];
  const p1 = p[pOff + 1];
  const p2 = p[pOff + 2];
  const p3 = p[pOff + 3];
  const q0 = q[qOff];
  const q1 = q[qOff + 1];
  const q2 = q[qOff + 2];
  const q3 = q[qOff + 3];
  // (p0 + i p.s)(q0 + i q.s) = p0 q0 - p.q + i (p0 q + q0 p - p x q), using
  // (a.s)(b.s) = a.b + i (a x b).s for the Pauli matrices.
  r[rOff] = p0 * q0 - p1 * q1 - p2 * q2 - p3 * q3;
  r[rOff + 1] = p0 * q1 + q0 * p1 - (p2 * q3 - p3 * q2);
  r[rOff + 2] = p0 * q2 + q0 * p2 - (p3 * q1 - p1 * q3);
  r[rOff + 3] = p0 * q3 + q0 * p3 - (p1 * q2 - p2 * q1);
  return r;
}
