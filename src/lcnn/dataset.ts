/**
 * Datasets of configurations and targets for L-CNN training and evaluation, read from HDF5
 * ensembles (src/io/ensembleReader.ts), with a seeded split into train / validation / test by
 * configuration.
 *
 * A {@link Dataset} is a list of {@link ConfigurationSource}s, one per ensemble file, each on
 * one lattice (the files of a dataset share the group SU(N) and the dimension D; their
 * lattice sizes may differ). A source holds its links in memory (a SharedArrayBuffer that
 * worker threads read without copies) or reads them from its file configuration by
 * configuration (HDF5 chunks of one configuration): the training loop, the learners and the
 * evaluation see the same interface either way, so a file larger than memory trains and
 * evaluates with the same code as a small one. Targets are computed once and kept (small: V
 * numbers per configuration) or, for evaluation on large lattices, computed per configuration
 * and dropped.
 *
 * @module
 */
import { FileError } from '../core/fileError.js';
import { Xoshiro128 } from '../core/rng.js';
import { checkInteger, rangeError } from '../core/validate.js';
import { openEnsemble, type Ensemble } from '../io/ensembleReader.js';
import { GaugeField } from '../lattice/gaugeField.js';
import { Lattice } from '../lattice/lattice.js';
import { transformGaugeField } from '../lattice/symmetryActions.js';
import { kernelsFor } from '../sun/group.js';
import { symmetryGroup, type Symmetry } from './symmetry.js';
import { computeTarget, formatTarget, targetMismatch, type TargetSpec } from './targets.js';
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

/** What a worker thread needs to open the same source: shared memory, or the file's path. */
export type SourceDescriptor =
  | {
      /** Links in a SharedArrayBuffer. */
      kind: 'memory';
      /** Lattice extents. */
      dims: number[];
      /** Number of colours. */
      N: number;
      /** The links of every configuration, concatenated. */
      links: Float64Array;
      /** beta of each configuration. */
      beta: Float64Array;
      /** Shown in messages. */
      name: string;
    }
  | {
      /** An ensemble file, read configuration by configuration. */
      kind: 'file';
      /** Its path. */
      path: string;
    };

/** The configurations of one ensemble, on one lattice. */
export interface ConfigurationSource {
  /** The file name, or a description of in-memory data, for messages. */
  readonly name: string;
  /** The lattice of every configuration. */
  readonly lattice: Lattice;
  /** Number of colours. */
  readonly N: number;
  /** Number of configurations. */
  readonly size: number;
  /** beta of each configuration (NaN when not recorded). */
  readonly beta: Float64Array;
  /** Copies the links of configuration i (0 <= i < size) into out[offset..]. */
  readLinks(i: number, out: Float64Array, offset: number): void;
  /** How a worker thread opens the same source. */
  readonly descriptor: SourceDescriptor;
  /** Releases the file (no-op in memory). */
  close(): void;
}

/** Links in memory (a SharedArrayBuffer), from fields or a whole ensemble file. */
class MemorySource implements ConfigurationSource {
  readonly size: number;
  private readonly stride: number;
  constructor(
    readonly name: string,
    readonly lattice: Lattice,
    readonly N: number,
    private readonly links: Float64Array,
    readonly beta: Float64Array,
  ) {
    this.stride = lattice.volume * lattice.D * 2 * N * N;
    this.size = beta.length;
    if (links.length !== this.size * this.stride) {
      throw rangeError('Dataset', 'links', `${this.size} configurations`, `length ${links.length}`);
    }
  }
  readLinks(i: number, out: Float64Array, offset: number): void {
    out.set(this.links.subarray(i * this.stride, (i + 1) * this.stride), offset);
  }
  get descriptor(): SourceDescriptor {
    return {
      kind: 'memory',
      dims: [...this.lattice.dims],
      N: this.N,
      links: this.links,
      beta: this.beta,
      name: this.name,
    };
  }
  close(): void {}
}

/** Links read from an ensemble file, one configuration (one HDF5 chunk) at a time. */
class FileSource implements ConfigurationSource {
  readonly lattice: Lattice;
  readonly N: number;
  readonly size: number;
  readonly beta: Float64Array;
  constructor(private readonly ensemble: Ensemble) {
    this.lattice = ensemble.lattice;
    this.N = ensemble.metadata.N;
    this.size = ensemble.count;
    this.beta = ensemble.beta;
  }
  get name(): string {
    return this.ensemble.path;
  }
  readLinks(i: number, out: Float64Array, offset: number): void {
    out.set(this.ensemble.configuration(i).links, offset);
  }
  get descriptor(): SourceDescriptor {
    return { kind: 'file', path: this.ensemble.path };
  }
  close(): void {
    this.ensemble.close();
  }
}

/** Reads a whole ensemble into shared memory. */
function loadSource(ensemble: Ensemble): MemorySource {
  const stride = ensemble.lattice.volume * ensemble.lattice.D * 2 * ensemble.metadata.N ** 2;
  const links = new Float64Array(new SharedArrayBuffer(8 * stride * ensemble.count));
  for (let i = 0; i < ensemble.count; i++) {
    links.set(ensemble.configuration(i).links, i * stride);
  }
  return new MemorySource(
    ensemble.path,
    ensemble.lattice,
    ensemble.metadata.N,
    links,
    Float64Array.from(ensemble.beta),
  );
}

/** Options of {@link Dataset.open}. */
export interface OpenOptions {
  /**
   * Read every configuration into memory at once (true), or read configurations from the
   * files as they are needed (false: memory stays bounded by a few configurations whatever
   * the files' sizes), or decide by size ("auto": in memory up to {@link AUTO_STREAM_BYTES}
   * of links). Default true.
   */
  inMemory?: boolean | 'auto';
  /**
   * The group and dimension a model needs, checked for every file before any work; `by`
   * names the model in the message.
   */
  require?: DataRequirement;
  /**
   * Compute every configuration's target once, when opening, and keep them (true: what
   * training needs, V numbers per configuration), or compute each when it is asked for
   * (false: evaluation of large lattices). Default true.
   */
  cacheTargets?: boolean;
  /** Names the caller in error messages (default "Dataset.open"). */
  fn?: string;
}

/** A group of a batch's configurations that share a lattice. */
export interface LatticeGroup {
  /** The lattice. */
  lattice: Lattice;
  /** The configurations, in the order of the batch. */
  indices: number[];
  /** Their positions in the batch. */
  positions: number[];
}

/** What a worker thread needs to rebuild a {@link Dataset}. */
export interface DatasetDescriptor {
  /** Number of colours. */
  N: number;
  /** What the targets are. */
  target: TargetSpec;
  /** The sources, in dataset order. */
  sources: SourceDescriptor[];
  /** The cached targets (shared), when the dataset keeps them. */
  targets?: TargetCache;
}

/** Targets kept in shared memory: every configuration's values, concatenated. */
export interface TargetCache {
  /** The values. */
  values: Float64Array;
  /** Configuration i's values are values[offsets[i] .. offsets[i + 1]). */
  offsets: Float64Array;
}

/** The group and dimension that data must have for a model. */
export interface DataRequirement {
  /** Number of colours. */
  N: number;
  /** Number of dimensions. */
  D: number;
  /** The model, for the message ("the model m.json"). */
  by: string;
}

/** Configurations of SU(N) in D dimensions, on one or more lattices, with their targets. */
export class Dataset {
  /** Number of configurations. */
  readonly size: number;
  /** Number of lattice dimensions (shared by every source). */
  readonly D: number;
  /** beta of each configuration (NaN when the ensemble did not record it). */
  readonly beta: Float64Array;
  /** The distinct lattices of the sources, in order of appearance. */
  readonly lattices: Lattice[];
  /** Index of the first configuration of each source. */
  private readonly starts: number[];
  /** Cached targets: all values, and the offset of each configuration's (length size + 1). */
  private cached: TargetCache | undefined;

  constructor(
    /** Number of colours. */
    readonly N: number,
    /** What the targets are. */
    readonly target: TargetSpec,
    /** The sources, each on one lattice, all SU(N) in the same dimension. */
    readonly sources: readonly ConfigurationSource[],
  ) {
    if (sources.length === 0) throw rangeError('Dataset', 'sources', 'at least one source', 0);
    this.D = sources[0].lattice.D;
    this.starts = [];
    let n = 0;
    for (const s of sources) {
      if (s.N !== N || s.lattice.D !== this.D) {
        throw rangeError(
          'Dataset',
          'sources',
          `SU(${N}) in ${this.D} dimensions throughout`,
          `SU(${s.N}) in ${s.lattice.D} dimensions in ${s.name}`,
        );
      }
      this.starts.push(n);
      n += s.size;
    }
    this.size = n;
    this.beta = new Float64Array(n);
    sources.forEach((s, k) => this.beta.set(s.beta, this.starts[k]));
    this.lattices = [];
    for (const s of sources) {
      if (!this.lattices.some((l) => l.equals(s.lattice))) this.lattices.push(s.lattice);
    }
  }

  /** The lattice when every configuration is on the same one. @throws RangeError otherwise. */
  get lattice(): Lattice {
    if (this.lattices.length !== 1) {
      throw rangeError(
        'Dataset.lattice',
        'dataset',
        'configurations on one lattice',
        this.lattices.map(String).join(', '),
      );
    }
    return this.lattices[0];
  }

  /** Builds an in-memory dataset from gauge fields on one lattice (targets computed here). */
  static fromFields(
    fields: readonly GaugeField[],
    target: TargetSpec,
    beta?: ArrayLike<number>,
  ): Dataset {
    if (fields.length === 0)
      throw rangeError('Dataset.fromFields', 'fields', 'at least one field', 0);
    const { lattice, N } = fields[0];
    const stride = lattice.volume * lattice.D * 2 * N * N;
    const links = new Float64Array(new SharedArrayBuffer(8 * stride * fields.length));
    fields.forEach((f, i) => {
      fields[0].checkCompatible('Dataset.fromFields', `fields[${i}]`, f);
      links.set(f.links, i * stride);
    });
    const b = Float64Array.from({ length: fields.length }, (_, i) => (beta ? beta[i] : NaN));
    const dataset = new Dataset(N, target, [
      new MemorySource(`${fields.length} fields`, lattice, N, links, b),
    ]);
    dataset.cacheTargets();
    return dataset;
  }

  /**
   * Opens ensemble files as one dataset. Every file is checked before any configuration is
   * read: the same group and dimension as the first, and a lattice on which the target can
   * be computed (different lattice sizes are fine).
   *
   * @throws FileError naming the file, the attribute and what was expected.
   */
  static async open(
    paths: readonly string[],
    target: TargetSpec,
    options: OpenOptions = {},
  ): Promise<Dataset> {
    const fn = options.fn ?? 'Dataset.open';
    if (paths.length === 0) throw rangeError(fn, 'paths', 'at least one ensemble file', 0);
    const ensembles: Ensemble[] = [];
    try {
      for (const path of paths) ensembles.push(await openEnsemble(path));
      checkEnsembles(fn, ensembles, target, options.require);
      const bytes = ensembles.reduce(
        (n, e) => n + e.count * e.lattice.volume * e.lattice.D * 16 * e.metadata.N ** 2,
        0,
      );
      const inMemory =
        options.inMemory === 'auto' ? bytes <= AUTO_STREAM_BYTES : options.inMemory !== false;
      const sources = ensembles.map((e) => (inMemory ? loadSource(e) : new FileSource(e)));
      if (inMemory) for (const e of ensembles) e.close();
      const dataset = new Dataset(ensembles[0].metadata.N, target, sources);
      if (options.cacheTargets !== false) dataset.cacheTargets();
      return dataset;
    } catch (error) {
      for (const e of ensembles) e.close();
      throw error;
    }
  }

  /** Reads every configuration of an HDF5 ensemble into memory and computes the targets. */
  static async fromEnsemble(path: string, target: TargetSpec): Promise<Dataset> {
    return Dataset.open([path], target, { fn: 'Dataset.fromEnsemble' });
  }

  /** Rebuilds a dataset in a worker thread from {@link Dataset.descriptor}. */
  static async fromDescriptor(d: DatasetDescriptor): Promise<Dataset> {
    const sources: ConfigurationSource[] = [];
    for (const s of d.sources) {
      sources.push(
        s.kind === 'memory'
          ? new MemorySource(s.name, new Lattice(s.dims), s.N, s.links, s.beta)
          : new FileSource(await openEnsemble(s.path)),
      );
    }
    const dataset = new Dataset(d.N, d.target, sources);
    dataset.cached = d.targets;
    return dataset;
  }

  /** What a worker thread needs to rebuild this dataset (shared arrays, file paths). */
  get descriptor(): DatasetDescriptor {
    return {
      N: this.N,
      target: this.target,
      sources: this.sources.map((s) => s.descriptor),
      ...(this.cached ? { targets: this.cached } : {}),
    };
  }

  /**
   * The same configurations with another target (the stages of a curriculum,
   * ./training/curriculum.ts): the sources are shared, so close this dataset, not the new one.
   * Its targets are computed now when this dataset's are held in memory, else when read.
   *
   * @throws RangeError when the target cannot be computed on one of the lattices.
   */
  withTarget(target: TargetSpec): Dataset {
    for (const lattice of this.lattices) {
      const mismatch = targetMismatch(target, lattice.dims);
      if (mismatch !== undefined)
        throw rangeError('Dataset.withTarget', 'target', mismatch, formatTarget(target));
    }
    const dataset = new Dataset(this.N, target, this.sources);
    if (this.cached) dataset.cacheTargets();
    return dataset;
  }

  /** Closes the files of streaming sources. */
  close(): void {
    for (const s of this.sources) s.close();
  }

  /** The source of configuration i and its index there. */
  private locate(i: number): { source: ConfigurationSource; local: number } {
    let k = this.sources.length - 1;
    while (this.starts[k] > i) k--;
    return { source: this.sources[k], local: i - this.starts[k] };
  }

  /** The lattice of configuration i. */
  latticeOf(i: number): Lattice {
    return this.locate(i).source.lattice;
  }

  /** Number of target values of configuration i: V of its lattice per site, or 1. */
  targetLength(i: number): number {
    return this.target.perSite ? this.latticeOf(i).volume : 1;
  }

  /** Total number of target values of the given configurations. */
  targetCount(indices: ArrayLike<number>): number {
    let n = 0;
    for (let k = 0; k < indices.length; k++) n += this.targetLength(indices[k]);
    return n;
  }

  /** The configuration i as a gauge field (its links read or copied). */
  field(i: number): GaugeField {
    const { source, local } = this.locate(i);
    const field = new GaugeField(source.lattice, this.N);
    source.readLinks(local, field.links, 0);
    return field;
  }

  /** Computes and keeps every configuration's target (one pass over the data). */
  private cacheTargets(): void {
    const offsets = new Float64Array(new SharedArrayBuffer(8 * (this.size + 1)));
    for (let i = 0; i < this.size; i++) offsets[i + 1] = offsets[i] + this.targetLength(i);
    const values = new Float64Array(new SharedArrayBuffer(8 * offsets[this.size]));
    for (let i = 0; i < this.size; i++) {
      values.set(computeTarget(this.field(i), this.target), offsets[i]);
    }
    this.cached = { values, offsets };
  }

  /** The target values of configuration i (from the cache, or computed now). */
  targetOf(i: number): Float64Array {
    checkInteger('Dataset.targetOf', 'i', i, 0, this.size - 1);
    if (this.cached) {
      return this.cached.values.subarray(this.cached.offsets[i], this.cached.offsets[i + 1]);
    }
    return computeTarget(this.field(i), this.target);
  }

  /** The targets of the given configurations, concatenated ({@link targetLength} each). */
  targetsOf(indices: ArrayLike<number>): Float64Array {
    const out = new Float64Array(this.targetCount(indices));
    let o = 0;
    for (let k = 0; k < indices.length; k++) {
      const t = this.targetOf(indices[k]);
      out.set(t, o);
      o += t.length;
    }
    return out;
  }

  /** The configurations grouped by lattice (groups in order of first appearance). */
  groups(indices: readonly number[]): LatticeGroup[] {
    if (this.lattices.length === 1) {
      return [
        { lattice: this.lattices[0], indices: [...indices], positions: indices.map((_, k) => k) },
      ];
    }
    const groups: LatticeGroup[] = [];
    indices.forEach((i, k) => {
      const lattice = this.latticeOf(i);
      let g = groups.find((x) => x.lattice.equals(lattice));
      if (g === undefined) groups.push((g = { lattice, indices: [], positions: [] }));
      g.indices.push(i);
      g.positions.push(k);
    });
    return groups;
  }

  /**
   * The configurations `indices` in passes for reading a large set a few at a time: each pass
   * on one lattice (grouped as {@link Dataset.groups}), of at most about `bytes` of links
   * (at least one, at most 64 configurations).
   */
  *passes(indices: readonly number[], bytes = 16 * 2 ** 20): Generator<number[]> {
    for (const group of this.groups(indices)) {
      const configBytes = group.lattice.volume * group.lattice.D * 16 * this.N ** 2;
      const step = Math.max(1, Math.min(64, Math.floor(bytes / configBytes)));
      for (let s = 0; s < group.indices.length; s += step) {
        yield group.indices.slice(s, s + step);
      }
    }
  }

  /**
   * The links of configurations on one lattice, as a batch (no targets).
   *
   * @throws RangeError when the configurations are on different lattices (see
   *   {@link Dataset.groups}).
   */
  gaugeBatch(indices: ArrayLike<number>): GaugeBatch {
    const lattice = this.latticeOf(indices[0]);
    for (let k = 1; k < indices.length; k++) {
      if (!this.latticeOf(indices[k]).equals(lattice)) {
        throw rangeError(
          'Dataset.batch',
          'indices',
          `configurations on one lattice (${lattice})`,
          `configuration ${indices[k]} on ${this.latticeOf(indices[k])}`,
        );
      }
    }
    const gauge = new GaugeBatch(lattice, kernelsFor(this.N), indices.length);
    for (let k = 0; k < indices.length; k++) {
      const { source, local } = this.locate(indices[k]);
      source.readLinks(local, gauge.links, k * gauge.stride);
    }
    return gauge;
  }

  /**
   * A batch of configurations on one lattice and their concatenated targets, each
   * configuration moved by its point element when `augment` is given (targets computed
   * afresh).
   *
   * @throws RangeError when the configurations are on different lattices (see
   *   {@link Dataset.groups}).
   */
  batch(
    indices: ArrayLike<number>,
    augment?: Augmentation,
  ): {
    /** The configurations' links, in the order of `indices`. */
    gauge: GaugeBatch;
    /** Their targets, concatenated ({@link Dataset.targetLength} values each). */
    target: Float64Array;
  } {
    if (augment === undefined)
      return { gauge: this.gaugeBatch(indices), target: this.targetsOf(indices) };
    const gauge = new GaugeBatch(this.latticeOf(indices[0]), kernelsFor(this.N), indices.length);
    const lattice = gauge.lattice;
    // a "lattice" group is that of the batch's lattice (the same elements for every lattice of
    // one pattern of equal extents, which the training loop checks)
    const group = symmetryGroup(lattice.D, augment.symmetry, lattice.dims);
    group.checkLattice('Dataset.batch', lattice);
    const s = this.target.perSite ? lattice.volume : 1;
    const target = new Float64Array(indices.length * s);
    for (let k = 0; k < indices.length; k++) {
      const field = this.field(indices[k]);
      if (!field.lattice.equals(lattice)) {
        throw rangeError(
          'Dataset.batch',
          'indices',
          `configurations on one lattice (${lattice})`,
          `configuration ${indices[k]} on ${field.lattice}`,
        );
      }
      const moved = transformGaugeField(field, group.elements[augment.elements[k]]);
      gauge.links.set(moved.links, k * gauge.stride);
      target.set(computeTarget(moved, this.target), k * s);
    }
    return { gauge, target };
  }
}

/** Above this many bytes of links, `inMemory: "auto"` streams from the files (4 GiB). */
export const AUTO_STREAM_BYTES = 4 * 2 ** 30;

/**
 * Checks a training or evaluation set before any configuration is read: one group and one
 * dimension throughout (those of the model when `require` is given), a target that every
 * lattice can compute.
 */
function checkEnsembles(
  fn: string,
  ensembles: readonly Ensemble[],
  target: TargetSpec,
  require?: DataRequirement,
): void {
  const first = ensembles[0];
  for (const e of ensembles) {
    if (require !== undefined && e.metadata.N !== require.N) {
      throw new FileError(
        `${fn}: ${e.path}: invalid attribute N: expected ${require.N} (SU(${require.N}), the group of ${require.by}), got ${e.metadata.N}`,
      );
    }
    if (require !== undefined && e.lattice.D !== require.D) {
      throw new FileError(
        `${fn}: ${e.path}: invalid attribute dims: expected ${require.D} dimensions (those of ${require.by}), got [${e.lattice.dims.join(', ')}]`,
      );
    }
    if (e.metadata.N !== first.metadata.N) {
      throw new FileError(
        `${fn}: ${e.path}: invalid attribute N: expected ${first.metadata.N} (SU(${first.metadata.N}), like ${first.path}: one group per dataset), got ${e.metadata.N}`,
      );
    }
    if (e.lattice.D !== first.lattice.D) {
      throw new FileError(
        `${fn}: ${e.path}: invalid attribute dims: expected ${first.lattice.D} dimensions (like ${first.path}; lattice sizes may differ, dimensions may not), got [${e.lattice.dims.join(', ')}]`,
      );
    }
    const mismatch = targetMismatch(target, e.lattice.dims);
    if (mismatch !== undefined) {
      throw new FileError(`${fn}: ${e.path}: invalid attribute dims: expected ${mismatch}`);
    }
  }
  if (ensembles.every((e) => e.count === 0)) {
    throw new FileError(
      `${fn}: ${ensembles.map((e) => e.path).join(', ')}: no configurations (target ${formatTarget(target)})`,
    );
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
  dataset: Pick<Dataset, 'size' | 'beta'>,
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

/** Reads ensemble files into one in-memory dataset (see {@link Dataset.open}). */
export async function loadDataset(paths: string[], target: TargetSpec): Promise<Dataset> {
  return Dataset.open(paths, target, { fn: 'loadDataset' });
}
