/**
 * The staple of a link: the sum of the D-1 "upper" and D-1 "lower" open plaquettes that,
 * closed by U_mu(x), form every plaquette containing that link.
 *
 *     A_mu(x) = sum_{nu != mu} [ U_nu(x+mu) U_mu(x+nu)^+ U_nu(x)^+
 *                              + U_nu(x+mu-nu)^+ U_mu(x-nu)^+ U_nu(x-nu) ]
 *
 * so that the part of the Wilson action that depends on U_mu(x) is
 * S_loc = -(beta/N) Re tr(U_mu(x) A_mu(x)) (Gattringer & Lang, "Quantum Chromodynamics on the
 * Lattice", Springer 2010, eqs. (4.19)-(4.20)). The paths are those of
 * `wilsonLine(..., x + mu, [[nu, 1], [mu, -1], [nu, -1]])` and
 * `[[nu, -1], [mu, -1], [nu, 1]]`; the tests hold this unrolled form to them (STYLE.md 7).
 *
 * Each term is two products: T = U_nu(x+mu) U_mu(x+nu)^+, then A += T U_nu(x)^+ (upper);
 * T = U_mu(x-nu) U_nu(x+mu-nu), then A += T^+ U_nu(x-nu) (lower). For SU(2) and SU(3) the
 * second product and the sum are fused into one unrolled kernel (`multiplyAdjointAdd*`,
 * `adjointMultiplyAdd*` below: the staple is most of the cost of a heatbath sweep); the sums
 * are evaluated in the order of the separate kernels, so all paths agree bit for bit.
 *
 * @module
 */
import type { GaugeField } from './gaugeField.js';
import { su2 } from '../sun/su2.js';
import { su3 } from '../sun/su3.js';

/**
 * out = A_mu(x), the staple of U_mu(site). `tmp` holds two matrices of scratch (2 * 2N^2).
 * 4(D-1) matrix products.
 */
export function staple(
  out: Float64Array,
  oOff: number,
  field: GaugeField,
  site: number,
  mu: number,
  tmp: Float64Array,
): Float64Array {
  const { D, up, down } = field.lattice;
  const N = field.group.N;
  if (N === 3) return stapleSU3(out, oOff, field.links, up, down, D, site, mu, tmp);
  if (N === 2) return stapleSU2(out, oOff, field.links, up, down, D, site, mu, tmp);
  return stapleGeneric(out, oOff, field, site, mu, tmp);
}

/**
 * The SU(3) staple on raw arrays: links U in the layout of GaugeField, the neighbour tables
 * `up`, `down` of the lattice, D dimensions. `tmp` holds one matrix (18 numbers) of scratch.
 */
export function stapleSU3(
  out: Float64Array,
  oOff: number,
  U: Float64Array,
  up: Int32Array,
  down: Int32Array,
  D: number,
  site: number,
  mu: number,
  tmp: Float64Array,
): Float64Array {
  const m = 18;
  su3.zero(out, oOff);
  const xmu = up[site * D + mu];
  for (let nu = 0; nu < D; nu++) {
    if (nu === mu) continue;
    const xnu = up[site * D + nu];
    const xmnu = down[site * D + nu];
    const xpmu_mnu = down[xmu * D + nu];
    // upper: (U_nu(x+mu) U_mu(x+nu)^+) U_nu(x)^+
    su3.multiplyAdjoint(tmp, 0, U, (xmu * D + nu) * m, U, (xnu * D + mu) * m);
    multiplyAdjointAdd3(out, oOff, tmp, 0, U, (site * D + nu) * m);
    // lower: (U_mu(x-nu) U_nu(x+mu-nu))^+ U_nu(x-nu)
    su3.multiply(tmp, 0, U, (xmnu * D + mu) * m, U, (xpmu_mnu * D + nu) * m);
    adjointMultiplyAdd3(out, oOff, tmp, 0, U, (xmnu * D + nu) * m);
  }
  return out;
}

/** The SU(2) staple on raw arrays, as {@link stapleSU3}; `tmp` holds 8 numbers. */
export function stapleSU2(
  out: Float64Array,
  oOff: number,
  U: Float64Array,
  up: Int32Array,
  down: Int32Array,
  D: number,
  site: number,
  mu: number,
  tmp: Float64Array,
): Float64Array {
  const m = 8;
  su2.zero(out, oOff);
  const xmu = up[site * D + mu];
  for (let nu = 0; nu < D; nu++) {
    if (nu === mu) continue;
    const xnu = up[site * D + nu];
    const xmnu = down[site * D + nu];
    const xpmu_mnu = down[xmu * D + nu];
    // upper: (U_nu(x+mu) U_mu(x+nu)^+) U_nu(x)^+
    su2.multiplyAdjoint(tmp, 0, U, (xmu * D + nu) * m, U, (xnu * D + mu) * m);
    multiplyAdjointAdd2(out, oOff, tmp, 0, U, (site * D + nu) * m);
    // lower: (U_mu(x-nu) U_nu(x+mu-nu))^+ U_nu(x-nu)
    su2.multiply(tmp, 0, U, (xmnu * D + mu) * m, U, (xpmu_mnu * D + nu) * m);
    adjointMultiplyAdd2(out, oOff, tmp, 0, U, (xmnu * D + nu) * m);
  }
  return out;
}

/**
 * The SU(2) staple as a quaternion: out[oOff..oOff+3] = (a0, a1, a2, a3) with
 * A_mu(x) = a0 + i a.sigma, the form of src/sun/subgroups.ts (extractSU2 of the matrix staple).
 * A link U = [[u0 + i u3, u2 + i u1], [-u2 + i u1, u0 - i u3]] is read from its first row,
 * (u0, u3, u2, u1) = (re U00, im U00, re U01, im U01), so every product is a quaternion
 * product (16 multiplications instead of 32; quaternionMultiply's formula) and half of each
 * link is read. Sums of SU(2) matrices are quaternions, so this is the staple exactly (for
 * links in SU(2) to rounding, as every update leaves them); the heatbath and overrelaxation
 * sweeps of SU(2) use it.
 */
export function stapleQuaternionSU2(
  out: Float64Array,
  oOff: number,
  U: Float64Array,
  up: Int32Array,
  down: Int32Array,
  D: number,
  site: number,
  mu: number,
): Float64Array {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const xmu = up[site * D + mu];
  for (let nu = 0; nu < D; nu++) {
    if (nu === mu) continue;
    const xnu = up[site * D + nu];
    const xmnu = down[site * D + nu];
    const xpmu_mnu = down[xmu * D + nu];
    {
      // upper: t = U_nu(x+mu) U_mu(x+nu)^+, then A += t U_nu(x)^+
      const p = (xmu * D + nu) * 8;
      const q = (xnu * D + mu) * 8;
      const w = (site * D + nu) * 8;
      const p0 = U[p];
      const p1 = U[p + 3];
      const p2 = U[p + 2];
      const p3 = U[p + 1];
      const q0 = U[q];
      const q1 = -U[q + 3];
      const q2 = -U[q + 2];
      const q3 = -U[q + 1];
      const t0 = p0 * q0 - p1 * q1 - p2 * q2 - p3 * q3;
      const t1 = p0 * q1 + q0 * p1 - (p2 * q3 - p3 * q2);
      const t2 = p0 * q2 + q0 * p2 - (p3 * q1 - p1 * q3);
      const t3 = p0 * q3 + q0 * p3 - (p1 * q2 - p2 * q1);
      const w0 = U[w];
      const w1 = -U[w + 3];
      const w2 = -U[w + 2];
      const w3 = -U[w + 1];
      s0 += t0 * w0 - t1 * w1 - t2 * w2 - t3 * w3;
      s1 += t0 * w1 + w0 * t1 - (t2 * w3 - t3 * w2);
      s2 += t0 * w2 + w0 * t2 - (t3 * w1 - t1 * w3);
      s3 += t0 * w3 + w0 * t3 - (t1 * w2 - t2 * w1);
    }
    {
      // lower: t = U_nu(x+mu-nu)^+ U_mu(x-nu)^+, then A += t U_nu(x-nu)
      const p = (xpmu_mnu * D + nu) * 8;
      const q = (xmnu * D + mu) * 8;
      const w = (xmnu * D + nu) * 8;
      const p0 = U[p];
      const p1 = -U[p + 3];
      const p2 = -U[p + 2];
      const p3 = -U[p + 1];
      const q0 = U[q];
      const q1 = -U[q + 3];
      const q2 = -U[q + 2];
      const q3 = -U[q + 1];
      const t0 = p0 * q0 - p1 * q1 - p2 * q2 - p3 * q3;
      const t1 = p0 * q1 + q0 * p1 - (p2 * q3 - p3 * q2);
      const t2 = p0 * q2 + q0 * p2 - (p3 * q1 - p1 * q3);
      const t3 = p0 * q3 + q0 * p3 - (p1 * q2 - p2 * q1);
      const w0 = U[w];
      const w1 = U[w + 3];
      const w2 = U[w + 2];
      const w3 = U[w + 1];
      s0 += t0 * w0 - t1 * w1 - t2 * w2 - t3 * w3;
      s1 += t0 * w1 + w0 * t1 - (t2 * w3 - t3 * w2);
      s2 += t0 * w2 + w0 * t2 - (t3 * w1 - t1 * w3);
      s3 += t0 * w3 + w0 * t3 - (t1 * w2 - t2 * w1);
    }
  }
  out[oOff] = s0;
  out[oOff + 1] = s1;
  out[oOff + 2] = s2;
  out[oOff + 3] = s3;
  return out;
}

/** Any N, through the group's kernels. */
function stapleGeneric(
  out: Float64Array,
  oOff: number,
  field: GaugeField,
  site: number,
  mu: number,
  tmp: Float64Array,
): Float64Array {
  const g = field.group;
  const U = field.links;
  const { D, up, down } = field.lattice;
  const m = g.matrixSize;
  const t1 = 0;
  const t2 = m;
  g.zero(out, oOff);
  const xmu = up[site * D + mu];
  for (let nu = 0; nu < D; nu++) {
    if (nu === mu) continue;
    const xnu = up[site * D + nu];
    // upper: U_nu(x+mu) U_mu(x+nu)^+ U_nu(x)^+
    g.multiplyAdjoint(tmp, t1, U, (xmu * D + nu) * m, U, (xnu * D + mu) * m);
    g.multiplyAdjoint(tmp, t2, tmp, t1, U, (site * D + nu) * m);
    g.add(out, oOff, out, oOff, tmp, t2);
    // lower: U_nu(x+mu-nu)^+ U_mu(x-nu)^+ U_nu(x-nu) = (U_mu(x-nu) U_nu(x+mu-nu))^+ U_nu(x-nu)
    const xmnu = down[site * D + nu];
    const xpmu_mnu = down[xmu * D + nu];
    g.multiply(tmp, t1, U, (xmnu * D + mu) * m, U, (xpmu_mnu * D + nu) * m);
    g.adjointMultiply(tmp, t2, tmp, t1, U, (xmnu * D + nu) * m);
    g.add(out, oOff, out, oOff, tmp, t2);
  }
  return out;
}

// Fused product-and-accumulate kernels: out[k] += (the k-th element of the product, summed in
// the order of src/sun/su3.ts and su2.ts). Operands are read into locals first.

/** out += a b^dagger (SU(3)); out must not alias a or b. */
function multiplyAdjointAdd3(
  out: Float64Array,
  oOff: number,
  a: Float64Array,
  aOff: number,
  b: Float64Array,
  bOff: number,
): void {
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
  out[oOff] += a00r * b00r + a00i * b00i + a01r * b01r + a01i * b01i + a02r * b02r + a02i * b02i;
  out[oOff + 1] +=
    -a00r * b00i + a00i * b00r - a01r * b01i + a01i * b01r - a02r * b02i + a02i * b02r;
  out[oOff + 2] +=
    a00r * b10r + a00i * b10i + a01r * b11r + a01i * b11i + a02r * b12r + a02i * b12i;
  out[oOff + 3] +=
    -a00r * b10i + a00i * b10r - a01r * b11i + a01i * b11r - a02r * b12i + a02i * b12r;
  out[oOff + 4] +=
    a00r * b20r + a00i * b20i + a01r * b21r + a01i * b21i + a02r * b22r + a02i * b22i;
  out[oOff + 5] +=
    -a00r * b20i + a00i * b20r - a01r * b21i + a01i * b21r - a02r * b22i + a02i * b22r;
  out[oOff + 6] +=
    a10r * b00r + a10i * b00i + a11r * b01r + a11i * b01i + a12r * b02r + a12i * b02i;
  out[oOff + 7] +=
    -a10r * b00i + a10i * b00r - a11r * b01i + a11i * b01r - a12r * b02i + a12i * b02r;
  out[oOff + 8] +=
    a10r * b10r + a10i * b10i + a11r * b11r + a11i * b11i + a12r * b12r + a12i * b12i;
  out[oOff + 9] +=
    -a10r * b10i + a10i * b10r - a11r * b11i + a11i * b11r - a12r * b12i + a12i * b12r;
  out[oOff + 10] +=
    a10r * b20r + a10i * b20i + a11r * b21r + a11i * b21i + a12r * b22r + a12i * b22i;
  out[oOff + 11] +=
    -a10r * b20i + a10i * b20r - a11r * b21i + a11i * b21r - a12r * b22i + a12i * b22r;
  out[oOff + 12] +=
    a20r * b00r + a20i * b00i + a21r * b01r + a21i * b01i + a22r * b02r + a22i * b02i;
  out[oOff + 13] +=
    -a20r * b00i + a20i * b00r - a21r * b01i + a21i * b01r - a22r * b02i + a22i * b02r;
  out[oOff + 14] +=
    a20r * b10r + a20i * b10i + a21r * b11r + a21i * b11i + a22r * b12r + a22i * b12i;
  out[oOff + 15] +=
    -a20r * b10i + a20i * b10r - a21r * b11i + a21i * b11r - a22r * b12i + a22i * b12r;
  out[oOff + 16] +=
    a20r * b20r + a20i * b20i + a21r * b21r + a21i * b21i + a22r * b22r + a22i * b22i;
  out[oOff + 17] +=
    -a20r * b20i + a20i * b20r - a21r * b21i + a21i * b21r - a22r * b22i + a22i * b22r;
}

/** out += a^dagger b (SU(3)); out must not alias a or b. */
function adjointMultiplyAdd3(
  out: Float64Array,
  oOff: number,
  a: Float64Array,
  aOff: number,
  b: Float64Array,
  bOff: number,
): void {
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
  out[oOff] += a00r * b00r + a00i * b00i + a10r * b10r + a10i * b10i + a20r * b20r + a20i * b20i;
  out[oOff + 1] +=
    a00r * b00i - a00i * b00r + a10r * b10i - a10i * b10r + a20r * b20i - a20i * b20r;
  out[oOff + 2] +=
    a00r * b01r + a00i * b01i + a10r * b11r + a10i * b11i + a20r * b21r + a20i * b21i;
  out[oOff + 3] +=
    a00r * b01i - a00i * b01r + a10r * b11i - a10i * b11r + a20r * b21i - a20i * b21r;
  out[oOff + 4] +=
    a00r * b02r + a00i * b02i + a10r * b12r + a10i * b12i + a20r * b22r + a20i * b22i;
  out[oOff + 5] +=
    a00r * b02i - a00i * b02r + a10r * b12i - a10i * b12r + a20r * b22i - a20i * b22r;
  out[oOff + 6] +=
    a01r * b00r + a01i * b00i + a11r * b10r + a11i * b10i + a21r * b20r + a21i * b20i;
  out[oOff + 7] +=
    a01r * b00i - a01i * b00r + a11r * b10i - a11i * b10r + a21r * b20i - a21i * b20r;
  out[oOff + 8] +=
    a01r * b01r + a01i * b01i + a11r * b11r + a11i * b11i + a21r * b21r + a21i * b21i;
  out[oOff + 9] +=
    a01r * b01i - a01i * b01r + a11r * b11i - a11i * b11r + a21r * b21i - a21i * b21r;
  out[oOff + 10] +=
    a01r * b02r + a01i * b02i + a11r * b12r + a11i * b12i + a21r * b22r + a21i * b22i;
  out[oOff + 11] +=
    a01r * b02i - a01i * b02r + a11r * b12i - a11i * b12r + a21r * b22i - a21i * b22r;
  out[oOff + 12] +=
    a02r * b00r + a02i * b00i + a12r * b10r + a12i * b10i + a22r * b20r + a22i * b20i;
  out[oOff + 13] +=
    a02r * b00i - a02i * b00r + a12r * b10i - a12i * b10r + a22r * b20i - a22i * b20r;
  out[oOff + 14] +=
    a02r * b01r + a02i * b01i + a12r * b11r + a12i * b11i + a22r * b21r + a22i * b21i;
  out[oOff + 15] +=
    a02r * b01i - a02i * b01r + a12r * b11i - a12i * b11r + a22r * b21i - a22i * b21r;
  out[oOff + 16] +=
    a02r * b02r + a02i * b02i + a12r * b12r + a12i * b12i + a22r * b22r + a22i * b22i;
  out[oOff + 17] +=
    a02r * b02i - a02i * b02r + a12r * b12i - a12i * b12r + a22r * b22i - a22i * b22r;
}

/** out += a b^dagger (SU(2)); out must not alias a or b. */
function multiplyAdjointAdd2(
  out: Float64Array,
  oOff: number,
  a: Float64Array,
  aOff: number,
  b: Float64Array,
  bOff: number,
): void {
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
  out[oOff] += a00r * b00r + a00i * b00i + a01r * b01r + a01i * b01i;
  out[oOff + 1] += -a00r * b00i + a00i * b00r - a01r * b01i + a01i * b01r;
  out[oOff + 2] += a00r * b10r + a00i * b10i + a01r * b11r + a01i * b11i;
  out[oOff + 3] += -a00r * b10i + a00i * b10r - a01r * b11i + a01i * b11r;
  out[oOff + 4] += a10r * b00r + a10i * b00i + a11r * b01r + a11i * b01i;
  out[oOff + 5] += -a10r * b00i + a10i * b00r - a11r * b01i + a11i * b01r;
  out[oOff + 6] += a10r * b10r + a10i * b10i + a11r * b11r + a11i * b11i;
  out[oOff + 7] += -a10r * b10i + a10i * b10r - a11r * b11i + a11i * b11r;
}

/** out += a^dagger b (SU(2)); out must not alias a or b. */
function adjointMultiplyAdd2(
  out: Float64Array,
  oOff: number,
  a: Float64Array,
  aOff: number,
  b: Float64Array,
  bOff: number,
): void {
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
  out[oOff] += a00r * b00r + a00i * b00i + a10r * b10r + a10i * b10i;
  out[oOff + 1] += a00r * b00i - a00i * b00r + a10r * b10i - a10i * b10r;
  out[oOff + 2] += a00r * b01r + a00i * b01i + a10r * b11r + a10i * b11i;
  out[oOff + 3] += a00r * b01i - a00i * b01r + a10r * b11i - a10i * b11r;
  out[oOff + 4] += a01r * b00r + a01i * b00i + a11r * b10r + a11i * b10i;
  out[oOff + 5] += a01r * b00i - a01i * b00r + a11r * b10i - a11i * b10r;
  out[oOff + 6] += a01r * b01r + a01i * b01i + a11r * b11r + a11i * b11i;
  out[oOff + 7] += a01r * b01i - a01i * b01r + a11r * b11i - a11i * b11r;
}
