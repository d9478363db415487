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
 * @module
 */
import type { GaugeField } from '../lattice/gaugeField.js';

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
