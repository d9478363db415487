/**
 * Datasets of configurations and targets for L-CNN training, read from HDF5 ensembles
 * (src/io/ensembleReader.ts), with a seeded split into train / validation / test by
 * configuration. Links live in a SharedArrayBuffer so that worker threads read them without
 * copies.
 *
 * @module
 */
import { GaugeField } from '../lattice/gaugeField.js';
import { openEnsemble } from '../io/ensembleReader.js';
import { Lattice } from '../lattice/lattice.js';
import { kernelsFor } from '../sun/group.js';
import { Xoshiro128 } from '../core/rng.js';
import { FileError } from '../core/fileError.js';
import { checkInteger, rangeError } from '../core/validate.js';
import { transformGaugeField } from '../lattice/symmetryActions.js';
import { symmetryGroup, type Symmetry } from './symmetry.js';
import { computeTarget, type TargetSpec } from './targets.js';
import { GaugeBatch } from './tensors.js';

/**
 * Data augmentation by the point group: configuration k of a batch is replaced by R_k U with
 * R_k = elements[k] of the symmetry's group, its target computed from R_k U.
 */
export interface Augmentation {
  /** The group the elements index (./symmetry.ts). */
  symmetry: Symmetry;
  /** Index of the element applied to each configuration of the batch, in batch order. */
  elements: ArrayLike<number>;
}

/** Configurations on one lattice, with one target array each. */
export class Dataset {
  /** Doubles per configuration's links. */
  readonly linkStride: number;
  /** Target values per configuration (V per site, or 1). */
  readonly targetStride: number;

  constructor(
    /** The lattice of every configuration. */
    readonly lattice: Lattice,
    /** Number of colours. */
    readonly N: number,
    /** Number of configurations. */
    readonly size: number,
    /** Links of all configurations, concatenated (SharedArrayBuffer-backed). */
    readonly links: Float64Array,
    /** Targets of all configurations, concatenated (SharedArrayBuffer-backed). */
    readonly targets: Float64Array,
    /** beta of each configuration. */
    readonly beta: Float64Array,
    /** What the targets are. */
    readonly target: TargetSpec,
  ) {
    this.linkStride = lattice.volume * lattice.D * 2 * N * N;
    this.targetStride = target.perSite ? lattice.volume : 1;
    if (links.length !== size * this.linkStride || targets.length !== size * this.targetStride) {
      throw rangeError('Dataset', 'links', `${size} configurations`, `length ${links.length}`);
    }
  }

  /** Builds a dataset from gauge fields (targets computed here). */
  static fromFields(
    fields: readonly GaugeField[],
    target: TargetSpec,
    beta?: ArrayLike<number>,
  ): Dataset {
    if (fields.length === 0)
      throw rangeError('Dataset.fromFields', 'fields', 'at least one field', 0);
    const { lattice, N } = fields[0];
    const stride = lattice.volume * lattice.D * 2 * N * N;
    const tStride = target.perSite ? lattice.volume : 1;
    const links = new Float64Array(new SharedArrayBuffer(8 * stride * fields.length));
    const targets = new Float64Array(new SharedArrayBuffer(8 * tStride * fields.length));
    fields.forEach((f, i) => {
      fields[0].checkCompatible('Dataset.fromFields', `fields[${i}]`, f);
      links.set(f.links, i * stride);
      targets.set(computeTarget(f, target), i * tStride);
    });
    const b = Float64Array.from({ length: fields.length }, (_, i) => (beta ? beta[i] : NaN));
    return new Dataset(lattice, N, fields.length, links, targets, b, target);
  }

  /** Reads every configuration of an HDF5 ensemble and computes the targets. */
  static async fromEnsemble(path: string, target: TargetSpec): Promise<Dataset> {
    const ensemble = await openEnsemble(path);
    try {
      const fields: GaugeField[] = [];
      for (let i = 0; i < ensemble.count; i++) fields.push(ensemble.configuration(i));
      if (fields.length === 0)
        throw rangeError('Dataset.fromEnsemble', 'path', 'an ensemble with configurations', path);
      return Dataset.fromFields(fields, target, ensemble.beta);
    } finally {
      ensemble.close();
    }
  }

  /** The configuration i as a GaugeField (a view, no copy). */
  field(i: number): GaugeField {
    return new GaugeField(
      this.lattice,
      this.N,
      this.links.subarray(i * this.linkStride, (i + 1) * this.linkStride),
    );
  }

  /**
   * A batch of the given configurations and their concatenated targets, each configuration
   * moved by its point element when `augment` is given (targets computed afresh).
   */
  batch(
    indices: ArrayLike<number>,
    augment?: Augmentation,
  ): {
    /** The configurations' links, in the order of `indices`. */
    gauge: GaugeBatch;
    /** Their targets, concatenated ({@link Dataset.targetStride} values each). */
    target: Float64Array;
  } {
    const gauge = new GaugeBatch(this.lattice, kernelsFor(this.N), indices.length);
    if (augment !== undefined) {
      const group = symmetryGroup(this.lattice.D, augment.symmetry);
      group.checkLattice('Dataset.batch', this.lattice);
      const s = this.targetStride;
      const target = new Float64Array(indices.length * s);
      for (let k = 0; k < indices.length; k++) {
        const moved = transformGaugeField(
          this.field(indices[k]),
          group.elements[augment.elements[k]],
        );
        gauge.links.set(moved.links, k * gauge.stride);
        target.set(computeTarget(moved, this.target), k * s);
      }
      return { gauge, target };
    }
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k];
      gauge.links.set(
        this.links.subarray(i * this.linkStride, (i + 1) * this.linkStride),
        k * gauge.stride,
      );
    }
    return { gauge, target: this.targetsOf(indices) };
  }

  /** The targets of the given configurations, concatenated ({@link Dataset.targetStride} each). */
  targetsOf(indices: ArrayLike<number>): Float64Array {
    const s = this.targetStride;
    const out = new Float64Array(indices.length * s);
    for (let k = 0; k < indices.length; k++) {
      out.set(this.targets.subarray(indices[k] * s, (indices[k] + 1) * s), k * s);
    }
    return out;
  }
}

/** Indices of a split. */
export interface Split {
  /** Configurations to train on. */
  train: number[];
  /** Configurations for early stopping and model selection. */
  validation: number[];
  /** Configurations held out for the final evaluation. */
  test: number[];
}

/**
 * Splits configurations by a seeded shuffle within each beta (so every beta appears in every
 * part in the given proportions).
 */
export function splitDataset(
  dataset: Dataset,
  fractions: { validation: number; test: number },
  seed: number,
): Split {
  checkInteger('splitDataset', 'seed', seed, 0);
  const { validation, test } = fractions;
  if (!(validation >= 0 && test >= 0 && validation + test < 1)) {
    throw rangeError(
      'splitDataset',
      'fractions',
      'validation, test >= 0 with validation + test < 1',
      `${validation}, ${test}`,
    );
  }
  const rng = new Xoshiro128(seed);
  const groups = new Map<number, number[]>();
  for (let i = 0; i < dataset.size; i++) {
    const key = Number.isNaN(dataset.beta[i]) ? -1 : dataset.beta[i];
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = []));
    g.push(i);
  }
  const split: Split = { train: [], validation: [], test: [] };
  for (const indices of groups.values()) {
    for (let k = indices.length - 1; k > 0; k--) {
      const j = Math.floor(rng.uniform() * (k + 1));
      [indices[k], indices[j]] = [indices[j], indices[k]];
    }
    const nTest = Math.round(test * indices.length);
    const nVal = Math.round(validation * indices.length);
    split.test.push(...indices.slice(0, nTest));
    split.validation.push(...indices.slice(nTest, nTest + nVal));
    split.train.push(...indices.slice(nTest + nVal));
  }
  return split;
}

/** Loads one dataset from several ensemble files on the same lattice. */
export async function loadDataset(paths: string[], target: TargetSpec): Promise<Dataset> {
  if (paths.length === 0) throw rangeError('loadDataset', 'paths', 'at least one ensemble file', 0);
  const parts = await Promise.all(paths.map((p) => Dataset.fromEnsemble(p, target)));
  if (parts.length === 1) return parts[0];
  const first = parts[0];
  parts.forEach((d, i) => {
    if (!d.lattice.equals(first.lattice) || d.N !== first.N) {
      throw new FileError(
        `loadDataset: ${paths[i]}: invalid lattice: expected SU(${first.N}) on ${first.lattice} like ${paths[0]}, got SU(${d.N}) on ${d.lattice}`,
      );
    }
  });
  const size = parts.reduce((n, d) => n + d.size, 0);
  const links = new Float64Array(new SharedArrayBuffer(8 * size * first.linkStride));
  const targets = new Float64Array(new SharedArrayBuffer(8 * size * first.targetStride));
  const beta = new Float64Array(size);
  let o = 0;
  for (const d of parts) {
    links.set(d.links, o * first.linkStride);
    targets.set(d.targets, o * first.targetStride);
    beta.set(d.beta, o);
    o += d.size;
  }
  return new Dataset(first.lattice, first.N, size, links, targets, beta, target);
}
