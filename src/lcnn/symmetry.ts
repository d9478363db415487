/**
 * The global symmetry of a symmetric L-CNN: a subgroup of the hypercubic point group
 * (src/lattice/pointGroup.ts) as tables, and its action on lifted feature channels.
 *
 * A lifted feature carries an orientation index g in G besides its channel c and transforms
 * under a point element R in the regular representation (Aronsson, Mueller & Schuh,
 * arXiv:2303.11448, sec. IV.B, the lifting of eq. (38); Cohen & Welling, ICML 2016, eq. (10)):
 *
 *     F[R U]_{c, g}(R x) = F[U]_{c, R^-1 g}(x).
 *
 * Channels are stored orientation-major, channel index g C + c, so that the site-local layers
 * (bilinears, activations, traces, dense heads) act on each orientation as if it were one more
 * site: a [B, V, G C] tensor is a [B, V G, C] tensor in the same memory.
 *
 * @module
 */
import type { Lattice } from '../lattice/lattice.js';
import { pointGroup, type PointTransformation } from '../lattice/pointGroup.js';
import { transformMatrixField } from '../lattice/symmetryActions.js';
import { MatrixField } from '../lattice/matrixField.js';
import { rangeError } from '../core/validate.js';
import { FeatureTensor, MatrixTensor } from './tensors.js';

/** Which global symmetry a model respects besides gauge and translation symmetry. */
export type Symmetry = 'none' | 'rotations' | 'rotations+reflections';

/** The accepted values of {@link Symmetry}. */
export const SYMMETRIES: readonly Symmetry[] = ['none', 'rotations', 'rotations+reflections'];

/** How a lattice-wide or per-site output transforms: invariant, or times det R. */
export type Parity = 'scalar' | 'pseudoscalar';

/** A subgroup of the point group with its multiplication table. */
export class SymmetryGroup {
  /** The elements, identity first. */
  readonly elements: readonly PointTransformation[];
  /** Number of elements |G|. */
  readonly size: number;
  /** det of each element (+1 rotations, -1 improper elements). */
  readonly det: Int8Array;
  /** Index of the inverse of each element. */
  readonly inverse: Int32Array;
  private readonly table: Int32Array;

  constructor(
    /** The symmetry these elements realise. */
    readonly symmetry: Symmetry,
    /** Number of lattice dimensions. */
    readonly D: number,
  ) {
    const all = pointGroup(D);
    const elements =
      symmetry === 'none'
        ? [all[0]]
        : symmetry === 'rotations'
          ? all.filter((R) => R.determinant === 1)
          : all;
    this.elements = elements;
    const G = elements.length;
    this.size = G;
    const index = new Map(elements.map((R, i) => [R.toString(), i]));
    const find = (R: PointTransformation): number => {
      const i = index.get(R.toString());
      if (i === undefined) throw new Error(`SymmetryGroup: ${R} is not in the group`);
      return i;
    };
    this.table = new Int32Array(G * G);
    this.inverse = new Int32Array(G);
    this.det = new Int8Array(G);
    for (let a = 0; a < G; a++) {
      this.det[a] = elements[a].determinant;
      this.inverse[a] = find(elements[a].inverse());
      for (let b = 0; b < G; b++) this.table[a * G + b] = find(elements[a].compose(elements[b]));
    }
  }

  /** Index of the composition a b (first b, then a). */
  compose(a: number, b: number): number {
    return this.table[a * this.size + b];
  }

  /**
   * Checks that every element maps the lattice onto itself: the rotated axes must have equal
   * extents (a 4x8 lattice has no 90-degree rotation).
   * @throws RangeError naming the lattice and the unequal extents.
   */
  checkLattice(fn: string, lattice: Lattice): void {
    if (lattice.D !== this.D) {
      throw rangeError(fn, 'lattice', `a ${this.D}-dimensional lattice`, `${lattice}`);
    }
    if (this.size === 1) return;
    const L = lattice.dims[0];
    const odd = lattice.dims.findIndex((l) => l !== L);
    if (odd >= 0) {
      throw rangeError(
        fn,
        'lattice',
        `equal extents in every direction for symmetry "${this.symmetry}" (its 90-degree ` +
          `rotations map every axis onto every other)`,
        `${lattice}: axis 0 has ${L} sites, axis ${odd} has ${lattice.dims[odd]}`,
      );
    }
  }

  /** E.g. "rotations+reflections in 2D (8 elements)". */
  toString(): string {
    return `${this.symmetry} in ${this.D}D (${this.size} elements)`;
  }
}

const groups = new Map<string, SymmetryGroup>();

/** The (cached) group of a symmetry in D dimensions. */
export function symmetryGroup(D: number, symmetry: Symmetry): SymmetryGroup {
  if (!SYMMETRIES.includes(symmetry)) {
    throw rangeError('symmetryGroup', 'symmetry', SYMMETRIES.join(', '), symmetry);
  }
  const key = `${D}:${symmetry}`;
  let group = groups.get(key);
  if (group === undefined) {
    group = new SymmetryGroup(symmetry, D);
    groups.set(key, group);
  }
  return group;
}

/** A [B, V, G C] matrix tensor seen as [B, V G, C]: one "site" per (site, orientation). */
export function orientationView(t: MatrixTensor, G: number): MatrixTensor {
  return new MatrixTensor(t.batch, t.volume * G, t.channels / G, t.group, t.data);
}

/** Inverse of {@link orientationView}: [B, V G, C] back to [B, V, G C]. */
export function siteView(t: MatrixTensor, G: number): MatrixTensor {
  return new MatrixTensor(t.batch, t.volume / G, t.channels * G, t.group, t.data);
}

/** The feature-tensor counterpart of {@link orientationView}. */
export function orientationFeatureView(t: FeatureTensor, G: number): FeatureTensor {
  return new FeatureTensor(t.batch, t.volume * G, t.features / G, t.data);
}

/** The feature-tensor counterpart of {@link siteView}. */
export function siteFeatureView(t: FeatureTensor, G: number): FeatureTensor {
  return new FeatureTensor(t.batch, t.volume / G, t.features * G, t.data);
}

/**
 * The lifted matrix field of one configuration moved by the element with index r:
 * F'_{c, g}(R x) = F_{c, R^-1 g}(x) (the module header). `field` has G C components.
 */
export function transformLifted(field: MatrixField, group: SymmetryGroup, r: number): MatrixField {
  const G = group.size;
  const C = field.components / G;
  if (!Number.isInteger(C)) {
    throw rangeError('transformLifted', 'field', `a multiple of ${G} components`, field.components);
  }
  const moved = transformMatrixField(field, group.elements[r]);
  const out = new MatrixField(field.lattice, field.group, field.components);
  const m = field.group.matrixSize;
  const rInv = group.inverse[r];
  for (let x = 0; x < field.lattice.volume; x++) {
    for (let g = 0; g < G; g++) {
      const from = (x * field.components + group.compose(rInv, g) * C) * m;
      out.data.set(moved.data.subarray(from, from + C * m), (x * field.components + g * C) * m);
    }
  }
  return out;
}
