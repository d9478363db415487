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
import { wilsonLine, type Path } from '../transport.js';
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

/** Scratch of {@link cloverAt}: the leaf paths of every plane and two matrices. */
export interface CloverScratch {
  /** The four leaves of each plane, in the order of {@link planes}. */
  readonly paths: Path[][];
  /** One matrix: the current leaf. */
  readonly leaf: Float64Array;
  /** One matrix: the sum of the leaves. */
  readonly sum: Float64Array;
}

/** Scratch for {@link cloverAt} on fields like `field` (allocate once, reuse per site). */
export function createCloverScratch(field: GaugeField): CloverScratch {
  const m = field.group.matrixSize;
  return {
    paths: planes(field.lattice.D).map(([mu, nu]) => cloverLeaves(mu, nu)),
    leaf: new Float64Array(m),
    sum: new Float64Array(m),
  };
}

/**
 * F_mu,nu(x) at one site for every plane mu < nu: plane p (order of {@link planes}) goes to
 * out[oOff + p * 2N^2]. The per-site kernel of {@link cloverField}; never allocates.
 */
export function cloverAt(
  out: Float64Array,
  oOff: number,
  field: GaugeField,
  x: number,
  scratch: CloverScratch,
): Float64Array {
  const g = field.group;
  const m = g.matrixSize;
  const { leaf, sum, paths } = scratch;
  for (let p = 0; p < paths.length; p++) {
    g.zero(sum, 0);
    for (const path of paths[p]) {
      wilsonLine(leaf, 0, field, x, path);
      g.add(sum, 0, sum, 0, leaf, 0);
    }
    // projectAlgebra(C) = (C - C^+)/2 - trace part, so F = projectAlgebra(C) / 4.
    const o = oOff + p * m;
    g.projectAlgebra(out, o, sum, 0);
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
  const out = new MatrixField(lattice, field.group, scratch.paths.length);
  for (let x = 0; x < lattice.volume; x++) cloverAt(out.data, out.offset(x, 0), field, x, scratch);
  return out;
}
