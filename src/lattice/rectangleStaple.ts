/**
 * The rectangle staple of a link: the sum of the 6(D-1) open 2x1 rectangles that, closed by
 * U_mu(x), form every rectangular loop of the Symanzik (Luescher-Weisz) gauge action
 * containing that link,
 *
 *     S_LW = (beta/N) sum_x { c0 sum_{mu<nu} Re tr(1 - P_mu,nu(x))
 *                           + c1 sum_{mu != nu} Re tr(1 - R_mu,nu(x)) },
 *
 * with R_mu,nu(x) the 2x1 loop two links long along mu and one along nu
 * (Luescher and Weisz, Commun. Math. Phys. 97 (1985) 59; tree level: c1 = -1/12,
 * c0 = 1 - 8 c1). Per direction nu != mu the rectangles through U_mu(x) are
 *
 *     long along mu, U_mu(x) first:   x+mu -> [[mu, 1], [nu, +-1], [mu, -2], [nu, -+1]]
 *     long along mu, U_mu(x) second:  x+mu -> [[nu, +-1], [mu, -2], [nu, -+1], [mu, 1]]
 *     long along nu:                  x+mu -> [[nu, +-2], [mu, -1], [nu, -+2]]
 *
 * each walked from x + mu back to x (upper and lower versions), so that Re tr(U_mu(x) R_mu(x))
 * is the sum of the six rectangles per direction that contain the link, and the part of S_LW
 * that depends on U_mu(x) is -(beta/N) Re tr(U_mu(x) (c0 A_mu(x) + c1 R_mu(x))) with the
 * plaquette staple A of ./staple.ts. The open paths go through the one transport primitive
 * (./transport.ts, STYLE.md 7).
 *
 * @module
 */
import type { GaugeField } from './gaugeField.js';
import { wilsonLine, type Path } from './transport.js';

/** Scratch of {@link rectangleStaple}: the open rectangles of each direction and one matrix. */
export interface RectangleScratch {
  /** paths[mu]: the 6(D-1) open rectangles of a link along mu, walked from x + mu to x. */
  readonly paths: Path[][];
  /** One matrix: the current open rectangle. */
  readonly line: Float64Array;
}

/** The 6(D-1) open rectangles of a link along mu, each walked from x + mu back to x. */
export function rectanglePaths(D: number, mu: number): Path[] {
  const out: Path[] = [];
  for (let nu = 0; nu < D; nu++) {
    if (nu === mu) continue;
    for (const s of [1, -1]) {
      out.push([
        [mu, 1],
        [nu, s],
        [mu, -2],
        [nu, -s],
      ]);
      out.push([
        [nu, s],
        [mu, -2],
        [nu, -s],
        [mu, 1],
      ]);
      out.push([
        [nu, 2 * s],
        [mu, -1],
        [nu, -2 * s],
      ]);
    }
  }
  return out;
}

/** Scratch for {@link rectangleStaple} on fields like `field` (allocate once, reuse). */
export function createRectangleScratch(field: GaugeField): RectangleScratch {
  const D = field.lattice.D;
  const paths: Path[][] = [];
  for (let mu = 0; mu < D; mu++) paths.push(rectanglePaths(D, mu));
  return { paths, line: new Float64Array(field.group.matrixSize) };
}

/**
 * out = R_mu(x), the sum of the open rectangles of U_mu(site) (module header). 6(D-1)
 * Wilson lines of 4 or 5 links.
 */
export function rectangleStaple(
  out: Float64Array,
  oOff: number,
  field: GaugeField,
  site: number,
  mu: number,
  scratch: RectangleScratch,
): Float64Array {
  const g = field.group;
  const { D, up } = field.lattice;
  const start = up[site * D + mu];
  g.zero(out, oOff);
  for (const path of scratch.paths[mu]) {
    wilsonLine(scratch.line, 0, field, start, path);
    g.add(out, oOff, out, oOff, scratch.line, 0);
  }
  return out;
}
