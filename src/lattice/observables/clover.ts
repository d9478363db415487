/**
 * The clover field strength.
 *
 * C_mu,nu(x) is the sum of the four plaquettes ("leaves") in the (mu, nu) plane that touch
 * x, each starting and ending at x and all with the same orientation (mu first, then nu):
 *
 *     C = U_mu(x) U_nu(x+mu) U_mu(x+nu)^+ U_nu(x)^+
 *       + U_nu(x) U_mu(x-mu+nu)^+ U_nu(x-mu)^+ U_mu(x-mu)
 *       + U_mu(x-mu)^+ U_nu(x-mu-nu)^+ U_mu(x-mu-nu) U_nu(x-nu)
 *       + U_nu(x-nu)^+ U_mu(x-nu) U_nu(x+mu-nu) U_mu(x)^+
 *
 *     F_mu,nu(x) = (1/8) [ (C - C^+) - (1/N) tr(C - C^+) 1 ]
 *
 * (Sheikholeslami & Wohlert, Nucl. Phys. B 259 (1985) 572; the traceless form as in
 * Bilson-Thompson, Leinweber & Williams, Ann. Phys. 304 (2003) 1, eq. (6)). F is anti-hermitian
 * and traceless, F = i a^2 g F^a T^a + O(a^4), antisymmetric in (mu, nu), and transforms as
 * Omega(x) F Omega(x)^+. DESIGN.md 2 writes (1/8)(C - C^+); the trace we remove is zero for
 * SU(2) and an O(a^4) U(1) part for N >= 3 that the continuum field strength does not have.
 *
 * @module
 */
import type { GaugeField } from '../gaugeField.js';
import { MatrixField } from '../matrixField.js';
import type { Path } from '../transport.js';
import { planes } from './planes.js';

/** The four counter-clockwise leaves of the clover in the plane (mu, nu). */
export function cloverLeaves(mu: number, nu: number): Path[] {
  return [
    [
      [mu, 1],
      [nu, 1],
      [mu, -1],
      [nu, -1],
    ],
    [
      [nu, 1],
      [mu, -1],
      [nu, -1],
      [mu, 1],
    ],
    [
      [mu, -1],
      [nu, -1],
      [mu, 1],
      [nu, 1],
    ],
    [
      [nu, -1],
      [mu, 1],
      [nu, 1],
      [mu, -1],
    ],
  ];
}

/** Scratch of {@link cloverAt}: the planes and four matrices. */
export interface CloverScratch {
  /** The planes (mu, nu), mu < nu, in the order of {@link planes}. */
  readonly planes: Array<[number, number]>;
  /** Four matrices: two half-leaves, a leaf, the sum of the leaves. */
  readonly tmp: Float64Array;
}

/** Scratch for {@link cloverAt} on fields like `field` (allocate once, reuse per site). */
export function createCloverScratch(field: GaugeField): CloverScratch {
  return {
    planes: planes(field.lattice.D),
    tmp: new Float64Array(4 * field.group.matrixSize),
  };
}

/**
 * F_mu,nu(x) at one site for every plane mu < nu: plane p (order of {@link planes}) goes to
 * out[oOff + p * 2N^2]. The per-site kernel of {@link cloverField}; never allocates. Each
 * leaf of {@link cloverLeaves} is formed as a product of two half-leaves of two links
 * (3 products instead of 4), e.g. leaf 1 = (U_mu(x) U_nu(x+mu)) (U_nu(x) U_mu(x+nu))^+; the
 * tests hold them to the leaves walked through the transport primitive. The first leaf is the
 * plaquette U_mu,nu(x): with `plaquetteTraces`, its Re tr goes to plaquetteTraces[p] (so the
 * plaquette comes with the clover at no cost).
 */
export function cloverAt(
  out: Float64Array,
  oOff: number,
  field: GaugeField,
  x: number,
  scratch: CloverScratch,
  plaquetteTraces?: Float64Array,
): Float64Array {
  const g = field.group;
  const m = g.matrixSize;
  const U = field.links;
  const { D, up, down } = field.lattice;
  const t = scratch.tmp;
  const A = 0;
  const B = m;
  const leaf = 2 * m;
  const sum = 3 * m;
  const P = scratch.planes;
  for (let p = 0; p < P.length; p++) {
    const [mu, nu] = P[p];
    const xpmu = up[x * D + mu];
    const xpnu = up[x * D + nu];
    const xmmu = down[x * D + mu];
    const xmnu = down[x * D + nu];
    const xmmu_pnu = up[xmmu * D + nu];
    const xmmu_mnu = down[xmmu * D + nu];
    const xpmu_mnu = down[xpmu * D + nu];
    // leaf 1: (U_mu(x) U_nu(x+mu)) (U_nu(x) U_mu(x+nu))^+
    g.multiply(t, A, U, (x * D + mu) * m, U, (xpmu * D + nu) * m);
    g.multiply(t, B, U, (x * D + nu) * m, U, (xpnu * D + mu) * m);
    g.multiplyAdjoint(t, sum, t, A, t, B);
    if (plaquetteTraces !== undefined) plaquetteTraces[p] = g.reTrace(t, sum);
    // leaf 2: (U_nu(x) U_mu(x-mu+nu)^+) (U_mu(x-mu)^+ U_nu(x-mu))^+
    g.multiplyAdjoint(t, A, U, (x * D + nu) * m, U, (xmmu_pnu * D + mu) * m);
    g.adjointMultiply(t, B, U, (xmmu * D + mu) * m, U, (xmmu * D + nu) * m);
    g.multiplyAdjoint(t, leaf, t, A, t, B);
    g.add(t, sum, t, sum, t, leaf);
    // leaf 3: (U_nu(x-mu-nu) U_mu(x-mu))^+ (U_mu(x-mu-nu) U_nu(x-nu))
    g.multiply(t, A, U, (xmmu_mnu * D + nu) * m, U, (xmmu * D + mu) * m);
    g.multiply(t, B, U, (xmmu_mnu * D + mu) * m, U, (xmnu * D + nu) * m);
    g.adjointMultiply(t, leaf, t, A, t, B);
    g.add(t, sum, t, sum, t, leaf);
    // leaf 4: (U_nu(x-nu)^+ U_mu(x-nu)) (U_mu(x) U_nu(x+mu-nu)^+)^+
    g.adjointMultiply(t, A, U, (xmnu * D + nu) * m, U, (xmnu * D + mu) * m);
    g.multiplyAdjoint(t, B, U, (x * D + mu) * m, U, (xpmu_mnu * D + nu) * m);
    g.multiplyAdjoint(t, leaf, t, A, t, B);
    g.add(t, sum, t, sum, t, leaf);
    // projectAlgebra(C) = (C - C^+)/2 - trace part, so F = projectAlgebra(C) / 4.
    const o = oOff + p * m;
    g.projectAlgebra(out, o, t, sum);
    g.scale(out, o, out, o, 0.25, 0);
  }
  return out;
}

/**
 * F_mu,nu(x) for every plane mu < nu (order of {@link planes}) at every site. F_nu,mu is
 * -F_mu,nu.
 */
export function cloverField(field: GaugeField): MatrixField {
  const lattice = field.lattice;
  const scratch = createCloverScratch(field);
  const out = new MatrixField(lattice, field.group, scratch.planes.length);
  for (let x = 0; x < lattice.volume; x++) cloverAt(out.data, out.offset(x, 0), field, x, scratch);
  return out;
}
