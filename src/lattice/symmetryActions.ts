/**
 * How lattice symmetries act on fields: translations and point-group elements
 * (./pointGroup.ts).
 *
 * Translation by a:            U'_mu(x + a) = U_mu(x),            W'(x + a) = W(x).
 * Point element R, R e_mu = s e_nu:
 *   s = +1:  U'_nu(R x)         = U_mu(x)
 *   s = -1:  U'_nu(R x - e_nu)  = U_mu(x)^dagger   (the link is walked backwards)
 * Site-wise matrices move with their sites, W'(R x) = W(x), component by component
 * (Aronsson, Mueller & Schuh, arXiv:2303.11448, sec. III). Closed loops map to closed loops,
 * so plaquette and Wilson loop averages are invariant and pseudo-scalars such as the
 * topological charge pick up det R.
 *
 * @module
 */
import { rangeError } from '../core/validate.js';
import { GaugeField } from './gaugeField.js';
import type { Lattice } from './lattice.js';
import { MatrixField } from './matrixField.js';
import type { PointTransformation } from './pointGroup.js';

/** Site map of a translation by `shift` (any integers; taken modulo the extents). */
function translationSiteMap(fn: string, lattice: Lattice, shift: readonly number[]): Int32Array {
  if (shift.length !== lattice.D || shift.some((a) => !Number.isInteger(a))) {
    throw rangeError(fn, 'shift', `${lattice.D} integers`, shift);
  }
  const map = new Int32Array(lattice.volume);
  const x = new Array<number>(lattice.D);
  for (let site = 0; site < lattice.volume; site++) {
    lattice.coordinates(site, x);
    for (let mu = 0; mu < lattice.D; mu++) x[mu] += shift[mu];
    map[site] = lattice.index(x);
  }
  return map;
}

/**
 * The site map x -> R x of a point element (fixed point: the origin), as an array indexed by x;
 * the extents it permutes must agree.
 */
export function pointSiteMap(fn: string, lattice: Lattice, R: PointTransformation): Int32Array {
  if (R.D !== lattice.D) throw rangeError(fn, 'R', `an element for D = ${lattice.D}`, `D = ${R.D}`);
  for (let mu = 0; mu < lattice.D; mu++) {
    if (lattice.dims[R.perm[mu]] !== lattice.dims[mu]) {
      throw rangeError(
        fn,
        'R',
        `a transformation that maps axes onto axes of equal extent (lattice ${lattice})`,
        `${R} mapping axis ${mu} (L = ${lattice.dims[mu]}) to axis ${R.perm[mu]} (L = ${lattice.dims[R.perm[mu]]})`,
      );
    }
  }
  const map = new Int32Array(lattice.volume);
  const x = new Array<number>(lattice.D);
  const y = new Array<number>(lattice.D);
  for (let site = 0; site < lattice.volume; site++) {
    lattice.coordinates(site, x);
    for (let mu = 0; mu < lattice.D; mu++) y[R.perm[mu]] = R.signs[mu] * x[mu];
    map[site] = lattice.index(y);
  }
  return map;
}

function moveMatrices(W: MatrixField, map: Int32Array): MatrixField {
  const out = new MatrixField(W.lattice, W.group, W.components);
  const block = W.components * W.group.matrixSize;
  for (let x = 0; x < W.lattice.volume; x++) {
    out.data.set(W.data.subarray(x * block, (x + 1) * block), map[x] * block);
  }
  return out;
}

/** The field translated by `shift`: U'_mu(x + shift) = U_mu(x). */
export function translateGaugeField(field: GaugeField, shift: readonly number[]): GaugeField {
  const map = translationSiteMap('translateGaugeField', field.lattice, shift);
  const out = new GaugeField(field.lattice, field.group);
  const block = field.lattice.D * field.group.matrixSize;
  for (let x = 0; x < field.lattice.volume; x++) {
    out.links.set(field.links.subarray(x * block, (x + 1) * block), map[x] * block);
  }
  return out;
}

/** The matrix field translated by `shift`: W'(x + shift) = W(x). */
export function translateMatrixField(W: MatrixField, shift: readonly number[]): MatrixField {
  return moveMatrices(W, translationSiteMap('translateMatrixField', W.lattice, shift));
}

/** The field transformed by the point element R (see the module header for the rule). */
export function transformGaugeField(field: GaugeField, R: PointTransformation): GaugeField {
  const lattice = field.lattice;
  const map = pointSiteMap('transformGaugeField', lattice, R);
  const g = field.group;
  const m = g.matrixSize;
  const D = lattice.D;
  const out = new GaugeField(lattice, g);
  for (let x = 0; x < lattice.volume; x++) {
    const y = map[x];
    for (let mu = 0; mu < D; mu++) {
      const nu = R.perm[mu];
      const src = (x * D + mu) * m;
      if (R.signs[mu] > 0) {
        g.copy(out.links, (y * D + nu) * m, field.links, src);
      } else {
        g.adjoint(out.links, (lattice.down[y * D + nu] * D + nu) * m, field.links, src);
      }
    }
  }
  return out;
}

/** The matrix field moved by the point element R: W'(R x) = W(x), components unchanged. */
export function transformMatrixField(W: MatrixField, R: PointTransformation): MatrixField {
  return moveMatrices(W, pointSiteMap('transformMatrixField', W.lattice, R));
}

/** The scalar field moved by R (or a translation map): f'(R x) = f(x). */
export function transformSiteValues(
  lattice: Lattice,
  values: Float64Array,
  R: PointTransformation,
): Float64Array {
  if (values.length !== lattice.volume) {
    throw rangeError('transformSiteValues', 'values', `length ${lattice.volume}`, values);
  }
  const map = pointSiteMap('transformSiteValues', lattice, R);
  const out = new Float64Array(lattice.volume);
  for (let x = 0; x < lattice.volume; x++) out[map[x]] = values[x];
  return out;
}
