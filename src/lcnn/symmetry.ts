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
 * "lattice" and "lattice-rotations" are the lattice's own point group: the elements (all, or
 * the rotations) that map a lattice of given extents onto itself, R e_mu = +-e_perm[mu] with
 * dims[perm[mu]] = dims[mu]. On L^3 x T that is the 48 elements of the spatial cube times the
 * time reflection (96; 48 rotations), on L^4 the whole group (384; 192).
 *
 * @module
 */
import type { Lattice } from '../lattice/lattice.js';
import { pointGroup, type PointTransformation } from '../lattice/pointGroup.js';
import { transformMatrixField } from '../lattice/symmetryActions.js';
import { MatrixField } from '../lattice/matrixField.js';
import { rangeError } from '../core/validate.js';
import { FeatureTensor, MatrixTensor } from './tensors.js';

/**
 * Which global symmetry a model respects besides gauge and translation symmetry: the whole
 * point group or its rotations, or the subgroup that maps a lattice of given extents onto
 * itself ("lattice", "lattice-rotations").
 */
export type Symmetry =
  'none' | 'rotations' | 'rotations+reflections' | 'lattice' | 'lattice-rotations';

/** The accepted values of {@link Symmetry}. */
export const SYMMETRIES: readonly Symmetry[] = [
  'none',
  'rotations',
  'rotations+reflections',
  'lattice',
  'lattice-rotations',
];

/** True for the symmetries whose group depends on the lattice's extents. */
export function isLatticeSymmetry(symmetry: Symmetry): boolean {
  return symmetry === 'lattice' || symmetry === 'lattice-rotations';
}

/** True for the symmetries whose group has reflections (det -1), which tell a pseudo-scalar. */
export function hasReflections(symmetry: Symmetry): boolean {
  return symmetry === 'rotations+reflections' || symmetry === 'lattice';
}

/** "4x8x8x8". */
function extents(dims: readonly number[]): string {
  return dims.join('x');
}

/** The axes with the same extent as each other, e.g. "{0}, {1, 2, 3}" for 4x8x8x8. */
export function equalExtentPattern(dims: readonly number[]): string {
  const classes = new Map<number, number[]>();
  dims.forEach((L, mu) => classes.set(L, [...(classes.get(L) ?? []), mu]));
  return [...classes.values()].map((axes) => `{${axes.join(', ')}}`).join(', ');
}

/** True when R maps a lattice of these extents onto itself: dims[R.perm[mu]] = dims[mu]. */
function preservesExtents(R: PointTransformation, dims: readonly number[]): boolean {
  return R.perm.every((p, mu) => dims[p] === dims[mu]);
}

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

  /** The extents the group was chosen for ("lattice", "lattice-rotations"; else undefined). */
  readonly dims: readonly number[] | undefined;

  /**
   * @throws RangeError when `dims` is missing (or not D positive integers) for the lattice
   *   kinds.
   */
  constructor(
    /** The symmetry these elements realise. */
    readonly symmetry: Symmetry,
    /** Number of lattice dimensions. */
    readonly D: number,
    /** The lattice extents: required for "lattice" and "lattice-rotations", else ignored. */
    dims?: readonly number[],
  ) {
    const all = pointGroup(D);
    let elements: PointTransformation[];
    if (isLatticeSymmetry(symmetry)) {
      if (
        !Array.isArray(dims) ||
        dims.length !== D ||
        dims.some((L) => !Number.isInteger(L) || L < 1)
      ) {
        throw rangeError(
          'SymmetryGroup',
          'dims',
          `the ${D} lattice extents for symmetry "${symmetry}" (its elements are those that ` +
            'map the lattice onto itself)',
          dims,
        );
      }
      this.dims = Object.freeze([...dims]);
      elements = all.filter(
        (R) => preservesExtents(R, dims) && (symmetry === 'lattice' || R.determinant === 1),
      );
    } else {
      this.dims = undefined;
      elements =
        symmetry === 'none'
          ? [all[0]]
          : symmetry === 'rotations'
            ? all.filter((R) => R.determinant === 1)
            : all;
    }
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
   * Checks that every element maps the lattice onto itself: the axes an element exchanges
   * must have equal extents (a 4x8 lattice has no 90-degree rotation). A "lattice" group
   * chosen for 4x8x8x8 passes on 8x16x16x16 and on 8^4 (its elements map both onto
   * themselves), not on 8x8x8x4.
   * @throws RangeError naming the lattice's extents and the axes an element exchanges.
   */
  checkLattice(fn: string, lattice: Lattice): void {
    if (lattice.D !== this.D) {
      throw rangeError(fn, 'lattice', `a ${this.D}-dimensional lattice`, `${lattice}`);
    }
    if (this.size === 1) return;
    const dims = lattice.dims;
    if (this.dims === undefined) {
      const L = dims[0];
      const odd = dims.findIndex((l) => l !== L);
      if (odd >= 0) {
        throw rangeError(
          fn,
          'lattice',
          `equal extents in every direction for symmetry "${this.symmetry}" (its 90-degree ` +
            `rotations map every axis onto every other; "lattice" is the subgroup that ` +
            `preserves the extents)`,
          `${lattice}: axis 0 has ${L} sites, axis ${odd} has ${dims[odd]}`,
        );
      }
      return;
    }
    for (const R of this.elements) {
      const mu = R.perm.findIndex((p, m) => dims[p] !== dims[m]);
      if (mu >= 0) {
        throw rangeError(
          fn,
          'lattice',
          `a lattice that every element of the ${this} maps onto itself (equal extents ` +
            `along the axes ${equalExtentPattern(this.dims)})`,
          `${lattice}: the element ${R} maps axis ${mu} (${dims[mu]} ` +
            `sites) onto axis ${R.perm[mu]} (${dims[R.perm[mu]]} sites)`,
        );
      }
    }
  }

  /**
   * E.g. "rotations+reflections in 2D (8 elements)", "lattice point group of 4x8x8x8 in 4D
   * (96 elements)".
   */
  toString(): string {
    const name =
      this.dims === undefined
        ? this.symmetry
        : `lattice ${this.symmetry === 'lattice' ? 'point group' : 'rotations'} of ${extents(this.dims)}`;
    return `${name} in ${this.D}D (${this.size} elements)`;
  }
}

const groups = new Map<string, SymmetryGroup>();

/**
 * The (cached) group of a symmetry in D dimensions; `dims`, the lattice extents, chooses the
 * subgroup of "lattice" and "lattice-rotations" (and is ignored otherwise).
 * @throws RangeError for an unknown symmetry, or a lattice kind without D extents.
 */
export function symmetryGroup(
  D: number,
  symmetry: Symmetry,
  dims?: readonly number[],
): SymmetryGroup {
  if (!SYMMETRIES.includes(symmetry)) {
    throw rangeError('symmetryGroup', 'symmetry', SYMMETRIES.join(', '), symmetry);
  }
  const lattice = isLatticeSymmetry(symmetry);
  if (lattice && (!Array.isArray(dims) || dims.length !== D)) {
    throw rangeError(
      'symmetryGroup',
      'dims',
      `the ${D} lattice extents for symmetry "${symmetry}" (its elements are those that map ` +
        'the lattice onto itself)',
      dims,
    );
  }
  const key = lattice ? `${D}:${symmetry}:${dims!.join('x')}` : `${D}:${symmetry}`;
  let group = groups.get(key);
  if (group === undefined) {
    group = new SymmetryGroup(symmetry, D, lattice ? dims : undefined);
    groups.set(key, group);
  }
  return group;
}

/**
 * The extents a "lattice" group is chosen from for a set of lattices (a training set): those
 * of the first, after checking that all share its pattern of equal extents (4x8x8x8 and
 * 8x16x16x16 do, 4x8x8x8 and 8x8x8x8 do not: their groups differ).
 * @throws RangeError naming the two lattices whose patterns differ.
 */
export function latticeSymmetryDims(
  fn: string,
  lattices: readonly { dims: readonly number[] }[],
): number[] {
  if (lattices.length === 0) {
    throw rangeError(fn, 'lattices', 'at least one lattice to choose the group from', 0);
  }
  const first = lattices[0].dims;
  const pattern = equalExtentPattern(first);
  for (const l of lattices) {
    if (l.dims.length !== first.length || equalExtentPattern(l.dims) !== pattern) {
      throw rangeError(
        fn,
        'lattices',
        `one pattern of equal extents for the lattice symmetry (the group is chosen from it; ` +
          `${extents(first)} has equal axes ${pattern})`,
        `${extents(l.dims)} (equal axes ${equalExtentPattern(l.dims)})`,
      );
    }
  }
  return [...first];
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
