/**
 * Parallel transport: the one primitive through which staples, Wilson loops, Polyakov loops
 * and the L-CNN convolution move matrices across the lattice (STYLE.md 7, after Grid's
 * covariant shift).
 *
 * A path is a list of straight segments `[mu, hops]`; a positive `hops` walks forward along
 * mu, multiplying by U_mu(x) and stepping to x + mu-hat; a negative one walks backward,
 * stepping to x - mu-hat and multiplying by U_mu(x - mu-hat)^dagger. The Wilson line
 * U_{x -> y} along a path then transforms as Omega(x) U_{x -> y} Omega(y)^dagger, and a
 * matrix W(y) at the far end transported back, U_{x->y} W(y) U_{x->y}^dagger, transforms
 * at x (Favoni et al., PRL 128 (2022) 032003, eq. (5)).
 *
 * @module
 */
import { checkInteger, rangeError } from '../core/validate.js';
import type { GaugeField } from './gaugeField.js';
import { MatrixField } from './matrixField.js';

/** One straight segment of a path: `hops` steps (either sign) along direction `mu`. */
export type Segment = readonly [mu: number, hops: number];
/** A lattice path: segments walked in order. */
export type Path = readonly Segment[];

/**
 * out = the ordered product of links along `path`, starting at `site`. Returns the index of
 * the site where the path ends.
 */
export function wilsonLine(
  out: Float64Array,
  oOff: number,
  field: GaugeField,
  site: number,
  path: Path,
): number {
  const g = field.group;
  const { up, down, D } = field.lattice;
  const U = field.links;
  const m = g.matrixSize;
  // The first link is copied rather than multiplied onto the identity: the same numbers
  // (1 a + 0 b + ... is a exactly), one product fewer per line.
  let first = true;
  let x = site;
  for (const [mu, hops] of path) {
    if (hops >= 0) {
      for (let k = 0; k < hops; k++) {
        if (first) g.copy(out, oOff, U, (x * D + mu) * m);
        else g.multiply(out, oOff, out, oOff, U, (x * D + mu) * m);
        first = false;
        x = up[x * D + mu];
      }
    } else {
      for (let k = 0; k < -hops; k++) {
        x = down[x * D + mu];
        if (first) g.adjoint(out, oOff, U, (x * D + mu) * m);
        else g.multiplyAdjoint(out, oOff, out, oOff, U, (x * D + mu) * m);
        first = false;
      }
    }
  }
  if (first) g.identity(out, oOff);
  return x;
}

/**
 * The straight Wilson lines of `length` links along mu from every site:
 * L(x) = U_mu(x) U_mu(x + mu) ... U_mu(x + (length-1) mu) for length > 0, and
 * L(x) = U_mu(x - mu)^dagger ... U_mu(x + length mu)^dagger for length < 0
 * (length 0 gives the identity). Built by the recursion L_{k+1}(x) = U_mu(x) L_k(x + mu),
 * V*|length| products in all.
 */
export function straightLines(field: GaugeField, mu: number, length: number): MatrixField {
  field.lattice.checkDirection('straightLines', 'mu', mu);
  checkInteger('straightLines', 'length', length, -Number.MAX_SAFE_INTEGER);
  const g = field.group;
  const { volume, D, up, down } = field.lattice;
  const U = field.links;
  const m = g.matrixSize;
  let current = new MatrixField(field.lattice, g, 1);
  for (let x = 0; x < volume; x++) g.identity(current.data, x * m);
  let next = new MatrixField(field.lattice, g, 1);
  for (let k = 0; k < Math.abs(length); k++) {
    for (let x = 0; x < volume; x++) {
      if (length > 0) {
        g.multiply(next.data, x * m, U, (x * D + mu) * m, current.data, up[x * D + mu] * m);
      } else {
        const y = down[x * D + mu];
        g.adjointMultiply(next.data, x * m, U, (y * D + mu) * m, current.data, y * m);
      }
    }
    [current, next] = [next, current];
  }
  return current;
}

/**
 * Transports component `k` of W from x + hops*mu back to x along the straight line `lines`
 * (from {@link straightLines} with the same mu and length = hops):
 * out(x) = L(x) W(x + hops mu) L(x)^dagger. Writes component `outK` of `out`.
 */
export function transportField(
  out: MatrixField,
  outK: number,
  W: MatrixField,
  k: number,
  lines: MatrixField,
  mu: number,
  hops: number,
  scratch: Float64Array = new Float64Array(W.group.matrixSize),
): MatrixField {
  const lattice = W.lattice;
  if (!lattice.equals(out.lattice) || !lattice.equals(lines.lattice)) {
    throw rangeError('transportField', 'out', `a field on ${lattice}`, `${out.lattice}`);
  }
  const g = W.group;
  const m = g.matrixSize;
  for (let x = 0; x < lattice.volume; x++) {
    const y = lattice.shift(x, mu, hops);
    g.multiply(scratch, 0, lines.data, x * m, W.data, W.offset(y, k));
    g.multiplyAdjoint(out.data, out.offset(x, outK), scratch, 0, lines.data, x * m);
  }
  return out;
}
