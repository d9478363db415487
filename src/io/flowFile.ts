/**
 * Flow files: the observables of the gradient flow of an ensemble, per configuration and
 * flow time (format "lattice-gauge-flow", format_version 1; docs/flow-format.md). With n
 * configurations flowed and m measured flow times:
 *
 * | object                  | type    | shape  | content                                       |
 * | ----------------------- | ------- | ------ | --------------------------------------------- |
 * | `/flow_time`            | float64 | [m]    | the flow times t_j (lattice units, t/a^2)     |
 * | `/index`                | int64   | [n]    | the configuration's index in the source file  |
 * | `/beta`                 | float64 | [n]    | its coupling (from the source)                |
 * | `/sweep`                | int64   | [n]    | its Monte Carlo sweep (from the source)       |
 * | `/steps`                | int64   | [n]    | accepted integration steps to the last time   |
 * | `/rejected`             | int64   | [n]    | rejected adaptive steps                       |
 * | `/observables/<name>`   | float64 | [n, m] | `<name>` on configuration i at flow time t_j  |
 *
 * Root attributes as in the ensemble format (src/io/ensembleWriter.ts): `format`,
 * `format_version`, `group` = "SU(N)", `N`, `dims`, `D`, and `metadata` (JSON: the source
 * file, the flow action, the integrator and its parameters, the software version, ...), whose
 * identifier-named top-level entries are mirrored as attributes.
 *
 * Writing is crash-safe in the same way as ensembles: {@link FlowWriter} writes
 * `<path>.partial`, {@link FlowWriter.flush} makes the rows appended so far durable,
 * {@link FlowWriter.finalize} renames the file, and {@link FlowWriter.resume} reopens the
 * `.partial` file of an interrupted run and truncates it to the last checkpoint.
 *
 * @module
 */
import { existsSync, promises as fsp } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { checkInteger, describe, rangeError, typeError } from '../core/validate.js';
import { fsyncDirectory, fsyncFile, fsyncFileSync } from '../core/atomicWrite.js';
import { FileError } from '../core/fileError.js';
import { checkObservableName, SERIES_CHUNK } from './ensembleFormat.js';
import {
  PROVENANCE_ATTRIBUTE,
  newProvenance,
  parseProvenance,
  resumedProvenance,
  type EnsembleProvenance,
} from './ensembleProvenance.js';
import {
  asciiJson,
  checkMetadata,
  formatMetadataValue,
  isPlainObject,
  metadataDifference,
  mirrorAttribute,
  type EnsembleMetadata,
} from './ensembleMetadata.js';
import {
  H5T_FLOAT,
  H5T_INTEGER,
  bytesOf,
  fileError,
  integerOf,
  integersOf,
  loadHdf5,
  openExisting,
  openInterrupted,
  readSeries,
  resizeDataset,
  rootAttributes,
  transfer,
  typeName,
  writeInteger,
  type H5Dataset,
  type H5File,
  type H5Group,
  type H5Metadata,
  type H5Module,
} from './hdf5.js';

/** The value of the root attribute `format` of a flow file. */
export const FLOW_FORMAT = 'lattice-gauge-flow';
/** The value of the root attribute `format_version` this code writes and reads. */
export const FLOW_FORMAT_VERSION = 1;

/** Rows per chunk of `/observables/<name>`. */
const ROW_CHUNK = 64;

/** What a flow file holds besides its rows: fixed when it is created. */
export interface FlowFileSpec {
  /** N, dims and the other metadata entries (JSON-serialisable). */
  metadata: EnsembleMetadata;
  /** The measured flow times, ascending. */
  times: number[];
  /** The names of the observables measured at every time. */
  observables: string[];
}

/** One flowed configuration: one row of every dataset. */
export interface FlowRecord {
  /** Index of the configuration in the source ensemble. */
  index: number;
  /** Its coupling. */
  beta: number;
  /** Its Monte Carlo sweep. */
  sweep: number;
  /** Accepted integration steps. */
  steps: number;
  /** Rejected adaptive steps. */
  rejected: number;
  /** Every observable of the spec at every time (m values each). */
  observables: Record<string, ArrayLike<number>>;
}

/** Options of {@link FlowWriter.create} and {@link FlowWriter.resume}. */
export interface FlowWriterOptions {
  /** Replace an existing file at `path` (at finalize) and an existing `.partial`. */
  force?: boolean;
  /**
   * Describing entries for the root attribute `provenance` (the ensemble file's, see
   * ensembleProvenance.ts): never compared on resume. The writer stamps the time, software and
   * host itself; on resume the first run's provenance is kept and these go into its record.
   */
  provenance?: Record<string, unknown>;
}

const SCALARS = [
  ['index', '<q'],
  ['beta', '<d'],
  ['sweep', '<q'],
  ['steps', '<q'],
  ['rejected', '<q'],
] as const;

/** Writes a flow file (layout in the module header), one configuration at a time. */
export class FlowWriter {
  /** The final file name. */
  readonly path: string;
  /** The file being written: `<path>.partial`. */
  readonly partialPath: string;
  /** The spec, as stored. */
  readonly spec: FlowFileSpec;
  private readonly module: H5Module;
  private readonly force: boolean;
  private file: H5File | undefined;
  private rows: number;

  private constructor(
    path: string,
    spec: FlowFileSpec,
    module: H5Module,
    file: H5File,
    force: boolean,
    rows: number,
  ) {
    this.path = path;
    this.partialPath = `${path}.partial`;
    this.spec = spec;
    this.module = module;
    this.file = file;
    this.force = force;
    this.rows = rows;
  }

  /**
   * Starts a new flow file: creates `<path>.partial` with the attributes, `/flow_time` and
   * empty datasets, and flushes it.
   *
   * @throws Error naming `path` when it (or `<path>.partial`) exists and `force` is not set;
   *   RangeError/TypeError for an invalid spec.
   */
  static async create(
    path: string,
    spec: FlowFileSpec,
    options: FlowWriterOptions = {},
  ): Promise<FlowWriter> {
    const fn = 'FlowWriter.create';
    if (typeof path !== 'string' || path === '') throw typeError(fn, 'path', 'a file name', path);
    const { normalized, rest } = checkSpec(fn, spec);
    const force = options.force === true;
    const partialPath = `${path}.partial`;
    if (!existsSync(dirname(resolve(path)))) {
      throw new FileError(`${fn}: ${path}: the directory ${dirname(path)} does not exist`);
    }
    if (!force && existsSync(path)) {
      throw new FileError(
        `${fn}: ${path} already exists; pass { force: true } (lgt: --force) to replace it`,
      );
    }
    if (!force && existsSync(partialPath)) {
      throw new FileError(
        `${fn}: ${partialPath} already exists (an interrupted run?); resume it, or pass ` +
          '{ force: true } (lgt: --force) to start over',
      );
    }
    const provenance = newProvenance(fn, options.provenance);
    const { lib, module } = await loadHdf5();
    const file = new lib.File(resolve(partialPath), 'w');
    if (file.file_id < 0n) {
      throw new FileError(`${fn}: ${partialPath}: HDF5 could not create the file`);
    }
    try {
      const { N, dims } = normalized.metadata;
      file.create_attribute('format', FLOW_FORMAT);
      writeInteger(file, 'format_version', FLOW_FORMAT_VERSION);
      file.create_attribute('group', 'SU(N)');
      writeInteger(file, 'N', N);
      file.create_attribute('dims', BigInt64Array.from(dims, BigInt), [dims.length], '<q');
      writeInteger(file, 'D', dims.length);
      file.create_attribute('metadata', asciiJson(rest));
      file.create_attribute(PROVENANCE_ATTRIBUTE, asciiJson(provenance));
      for (const [key, value] of Object.entries(rest)) mirrorAttribute(file, key, value);
      const m = normalized.times.length;
      file.create_dataset({
        name: 'flow_time',
        data: Float64Array.from(normalized.times),
        shape: [m],
        dtype: '<d',
      });
      for (const [name, dtype] of SCALARS) {
        file.create_dataset({
          name,
          data: dtype === '<d' ? new Float64Array(0) : new BigInt64Array(0),
          shape: [0],
          maxshape: [null],
          chunks: [SERIES_CHUNK],
          dtype,
        });
      }
      const group = file.create_group('observables');
      for (const name of normalized.observables) {
        group.create_dataset({
          name,
          data: new Float64Array(0),
          shape: [0, m],
          maxshape: [null, m],
          chunks: [ROW_CHUNK, m],
          dtype: '<d',
        });
      }
    } catch (error) {
      file.close();
      throw error;
    }
    const writer = new FlowWriter(path, normalized, module, file, force, 0);
    writer.flush();
    return writer;
  }

  /**
   * Reopens the `<path>.partial` file of an interrupted run, checks that it has the same
   * spec, and truncates it to `count` rows.
   *
   * @throws Error naming the file when it is missing, damaged, of another spec (naming the
   *   first difference) or shorter than `count`.
   */
  static async resume(
    path: string,
    spec: FlowFileSpec,
    count: number,
    options: FlowWriterOptions = {},
  ): Promise<FlowWriter> {
    const fn = 'FlowWriter.resume';
    if (typeof path !== 'string' || path === '') throw typeError(fn, 'path', 'a file name', path);
    const { normalized } = checkSpec(fn, spec);
    checkInteger(fn, 'count', count, 0);
    const force = options.force === true;
    const partialPath = `${path}.partial`;
    if (!existsSync(partialPath)) {
      const hint = existsSync(path) ? ` (${path} exists: was the run already finalized?)` : '';
      throw new FileError(`${fn}: ${partialPath}: no such file, nothing to resume${hint}`);
    }
    if (!force && existsSync(path)) {
      throw new FileError(
        `${fn}: ${path} already exists; pass { force: true } (lgt: --force) to replace it`,
      );
    }
    const { lib, module } = await loadHdf5();
    const file = openInterrupted(lib, fn, partialPath);
    try {
      const s = readFlowStructure(fn, partialPath, file, true);
      const times = readSeries(module, file, fn, partialPath, '/flow_time', s.timesMeta, s.m);
      const stored: FlowFileSpec = {
        metadata: s.metadata,
        times: Array.from(times),
        observables: [...s.observables.keys()],
      };
      const d = metadataDifference(stored, normalized);
      if (d) {
        throw new FileError(
          `${fn}: ${partialPath}: mismatch in ${d.key}: file has ${formatMetadataValue(d.a)}, ` +
            `run has ${formatMetadataValue(d.b)}`,
        );
      }
      if (s.count < count) {
        throw new FileError(
          `${fn}: ${partialPath}: holds ${s.count} configurations` +
            (s.longest > s.count ? ' in its shortest dataset' : '') +
            `, fewer than the ${count} to resume from`,
        );
      }
      if (s.longest > count) {
        for (const [name] of SCALARS)
          resizeDataset(module, file, fn, partialPath, `/${name}`, [count]);
        for (const name of normalized.observables) {
          resizeDataset(module, file, fn, partialPath, `/observables/${name}`, [count, s.m]);
        }
      }
      const attributes = new Set(Object.keys(file.attrs));
      const storedProvenance = attributes.has(PROVENANCE_ATTRIBUTE)
        ? parseProvenance(file.get_attribute(PROVENANCE_ATTRIBUTE, false))
        : undefined;
      const provenance = resumedProvenance(fn, storedProvenance, options.provenance);
      if (attributes.has(PROVENANCE_ATTRIBUTE)) file.delete_attribute(PROVENANCE_ATTRIBUTE);
      file.create_attribute(PROVENANCE_ATTRIBUTE, asciiJson(provenance));
    } catch (error) {
      file.close();
      throw error;
    }
    const writer = new FlowWriter(path, normalized, module, file, force, count);
    writer.flush();
    return writer;
  }

  /** Number of configurations in the file. */
  get count(): number {
    return this.rows;
  }

  /**
   * Appends one configuration's row. Not durable until {@link FlowWriter.flush}.
   *
   * @throws RangeError/TypeError naming the field of `record` that is wrong.
   */
  append(record: FlowRecord): void {
    const fn = 'FlowWriter.append';
    const file = this.openFile(fn);
    if (!isPlainObject(record)) throw typeError(fn, 'record', 'a FlowRecord', record);
    checkInteger(fn, 'record.index', record.index, 0);
    checkInteger(fn, 'record.sweep', record.sweep, 0);
    checkInteger(fn, 'record.steps', record.steps, 0);
    checkInteger(fn, 'record.rejected', record.rejected, 0);
    if (typeof record.beta !== 'number' || !Number.isFinite(record.beta)) {
      throw rangeError(fn, 'record.beta', 'a finite number', record.beta);
    }
    const m = this.spec.times.length;
    const names = this.spec.observables;
    if (
      !isPlainObject(record.observables) ||
      metadataDifference(Object.keys(record.observables).sort(), [...names].sort())
    ) {
      throw rangeError(
        fn,
        'record.observables',
        `the observables ${describe(names)}`,
        isPlainObject(record.observables) ? Object.keys(record.observables) : record.observables,
      );
    }
    for (const name of names) {
      const values = record.observables[name];
      if (values === null || typeof values !== 'object' || values.length !== m) {
        throw rangeError(fn, `record.observables.${name}`, `${m} values`, values);
      }
    }
    const i = this.rows;
    const path = this.partialPath;
    const module = this.module;
    try {
      for (const [name] of SCALARS) resizeDataset(module, file, fn, path, `/${name}`, [i + 1]);
      for (const name of names)
        resizeDataset(module, file, fn, path, `/observables/${name}`, [i + 1, m]);
      const one = (p: string, bytes: Uint8Array): void =>
        transfer(module, file, fn, path, p, [i], [1], bytes, true);
      one('/index', bytesOf(BigInt64Array.of(BigInt(record.index))));
      one('/beta', bytesOf(Float64Array.of(record.beta)));
      one('/sweep', bytesOf(BigInt64Array.of(BigInt(record.sweep))));
      one('/steps', bytesOf(BigInt64Array.of(BigInt(record.steps))));
      one('/rejected', bytesOf(BigInt64Array.of(BigInt(record.rejected))));
      for (const name of names) {
        const row = Float64Array.from(record.observables[name]);
        transfer(
          module,
          file,
          fn,
          path,
          `/observables/${name}`,
          [i, 0],
          [1, m],
          bytesOf(row),
          true,
        );
      }
    } catch (error) {
      try {
        for (const [name] of SCALARS) resizeDataset(module, file, fn, path, `/${name}`, [i]);
        for (const name of names)
          resizeDataset(module, file, fn, path, `/observables/${name}`, [i, m]);
      } catch {
        // the first error is the one to report
      }
      throw error;
    }
    this.rows = i + 1;
  }

  /** Makes the rows appended so far durable (HDF5 flush + fsync). */
  flush(): void {
    const fn = 'FlowWriter.flush';
    const file = this.openFile(fn);
    const status = this.module.flush(file.file_id);
    if (status < 0) {
      throw new FileError(`${fn}: ${this.partialPath}: HDF5 flush failed (status ${status})`);
    }
    fsyncFileSync(this.partialPath);
  }

  /** Closes the file and renames `<path>.partial` to `path` atomically. */
  async finalize(): Promise<void> {
    const fn = 'FlowWriter.finalize';
    this.openFile(fn);
    this.close();
    await fsyncFile(this.partialPath);
    if (!this.force && existsSync(this.path)) {
      throw new FileError(
        `${fn}: ${this.path} already exists; the flow file stays in ${this.partialPath}`,
      );
    }
    await fsp.rename(this.partialPath, this.path);
    await fsyncDirectory(dirname(resolve(this.path)));
  }

  /** Closes the file without finalizing (an interrupted run keeps its `.partial` file). */
  close(): void {
    const file = this.file;
    if (file === undefined) return;
    this.file = undefined;
    const status = file.close();
    if (status < 0) {
      throw new FileError(
        `FlowWriter.close: ${this.partialPath}: HDF5 close failed (status ${status})`,
      );
    }
  }

  private openFile(fn: string): H5File {
    if (this.file === undefined)
      throw new FileError(`${fn}: the writer of ${this.partialPath} is closed`);
    return this.file;
  }
}

/** A flow file, read whole (the rows are small). */
export interface FlowFile {
  /** The file name. */
  readonly path: string;
  /** N, dims and the other metadata entries. */
  readonly metadata: EnsembleMetadata;
  /**
   * When, where and by what the file was made and resumed (never compared); undefined for
   * files written before it was kept.
   */
  readonly provenance: EnsembleProvenance | undefined;
  /** The measured flow times. */
  readonly times: Float64Array;
  /** Number of configurations. */
  readonly count: number;
  /** `/index`, `/beta`, `/sweep`, `/steps`, `/rejected`, one value per configuration. */
  readonly index: Float64Array;
  /** The coupling of each configuration. */
  readonly beta: Float64Array;
  /** The Monte Carlo sweep of each configuration. */
  readonly sweep: Float64Array;
  /** Accepted steps per configuration. */
  readonly steps: Float64Array;
  /** Rejected adaptive steps per configuration. */
  readonly rejected: Float64Array;
  /** `/observables/<name>` as n*m numbers, row-major: [i * m + j]. */
  readonly observables: Record<string, Float64Array>;
  /** The series of `name` at flow time index j over the given configurations (default all). */
  column(name: string, j: number, rows?: readonly number[]): Float64Array;
}

/**
 * Reads a flow file (layout in the module header), checking its format attributes and that
 * every dataset has the shape the others imply.
 *
 * @throws Error naming the file, the field, what was expected and what was found.
 */
export async function openFlowFile(path: string): Promise<FlowFile> {
  const fn = 'openFlowFile';
  if (typeof path !== 'string' || path === '') throw typeError(fn, 'path', 'a file name', path);
  const { lib, module } = await loadHdf5();
  const file = openExisting(lib, fn, path, 'r');
  try {
    const s = readFlowStructure(fn, path, file);
    const times = readSeries(module, file, fn, path, '/flow_time', s.timesMeta, s.m);
    const scalars: Record<string, Float64Array> = {};
    for (const [name] of SCALARS) {
      scalars[name] = readSeries(module, file, fn, path, `/${name}`, s.scalars.get(name)!, s.count);
    }
    const observables: Record<string, Float64Array> = {};
    for (const name of s.observables.keys()) {
      const data = new Float64Array(s.count * s.m);
      if (data.length > 0) {
        transfer(
          module,
          file,
          fn,
          path,
          `/observables/${name}`,
          [0, 0],
          [s.count, s.m],
          bytesOf(data),
          false,
        );
      }
      observables[name] = data;
    }
    const m = s.m;
    const count = s.count;
    const provenance = rootAttributes(file).get(PROVENANCE_ATTRIBUTE);
    return {
      path,
      metadata: s.metadata,
      provenance: parseProvenance(provenance),
      times,
      count,
      index: scalars.index,
      beta: scalars.beta,
      sweep: scalars.sweep,
      steps: scalars.steps,
      rejected: scalars.rejected,
      observables,
      column(name: string, j: number, rows?: readonly number[]): Float64Array {
        const data = observables[name];
        if (data === undefined) {
          throw rangeError(
            'FlowFile.column',
            'name',
            `one of ${describe(Object.keys(observables))}`,
            name,
          );
        }
        checkInteger('FlowFile.column', 'j', j, 0, m - 1);
        const picked = rows ?? Array.from({ length: count }, (_, i) => i);
        return Float64Array.from(picked, (i) => data[i * m + j]);
      },
    };
  } finally {
    file.close();
  }
}

/**
 * Whether `path` is a flow file (root attribute `format` = {@link FLOW_FORMAT}). Anything
 * else, a file HDF5 cannot open or whose attributes are damaged included, gives false, so
 * that a command that takes ensembles and flow files alike leaves the diagnosis of a damaged
 * file to the ensemble reader and its one-line messages.
 */
export async function isFlowFile(path: string): Promise<boolean> {
  try {
    return (await hdf5Format(path)) === FLOW_FORMAT;
  } catch {
    return false;
  }
}

/** The root attribute `format` of an HDF5 file (undefined when it has none). */
export async function hdf5Format(path: string): Promise<string | undefined> {
  const { lib } = await loadHdf5();
  const file = openExisting(lib, 'hdf5Format', path, 'r');
  try {
    const format = Object.keys(file.attrs).includes('format')
      ? file.get_attribute('format', false)
      : undefined;
    return typeof format === 'string' ? format : undefined;
  } finally {
    file.close();
  }
}

interface FlowStructure {
  metadata: EnsembleMetadata;
  /** Configurations in every dataset; with `interrupted`, the fewest any of them holds. */
  count: number;
  /** With `interrupted`: the most configurations any dataset holds (else `count`). */
  longest: number;
  m: number;
  timesMeta: H5Metadata;
  scalars: Map<string, H5Metadata>;
  observables: Map<string, H5Metadata>;
}

/**
 * @param interrupted - the `.partial` file of a run killed after its last checkpoint, whose
 *   datasets may hold different numbers of configurations (see the ensemble reader's
 *   readStructure): the resume truncates them all to the checkpoint's count.
 */
function readFlowStructure(
  fn: string,
  filePath: string,
  file: H5File,
  interrupted = false,
): FlowStructure {
  const { get: attribute, shown } = rootAttributes(file);
  const format = attribute('format');
  if (format !== FLOW_FORMAT) {
    throw new FileError(
      `${fn}: ${filePath}: not a lattice-gauge flow file: invalid attribute format: ` +
        `expected "${FLOW_FORMAT}", got ${describe(shown(format))}`,
    );
  }
  const version = integerOf(attribute('format_version'));
  if (version !== FLOW_FORMAT_VERSION) {
    throw fileError(
      fn,
      filePath,
      'attribute format_version',
      `${FLOW_FORMAT_VERSION}`,
      shown(attribute('format_version')),
    );
  }
  const N = integerOf(attribute('N'));
  const dims = integersOf(attribute('dims'));
  if (N === undefined || N < 2)
    throw fileError(fn, filePath, 'attribute N', 'an integer >= 2', shown(attribute('N')));
  if (dims === undefined || dims.length < 2) {
    throw fileError(
      fn,
      filePath,
      'attribute dims',
      'an array of at least 2 extents',
      shown(attribute('dims')),
    );
  }
  let rest: unknown;
  try {
    const text = attribute('metadata');
    rest = typeof text === 'string' ? JSON.parse(text) : undefined;
  } catch {
    rest = undefined;
  }
  if (!isPlainObject(rest))
    throw fileError(fn, filePath, 'attribute metadata', 'a JSON object', 'something else');
  const dataset = (path: string): H5Metadata => {
    const entity = file.get(path);
    if (entity === null || (entity as { type?: string }).type !== 'Dataset') {
      throw fileError(fn, filePath, `dataset ${path}`, 'a dataset', 'no such dataset');
    }
    return (entity as H5Dataset).metadata;
  };
  const timesMeta = dataset('/flow_time');
  if (timesMeta.type !== H5T_FLOAT || (timesMeta.shape ?? []).length !== 1) {
    throw fileError(fn, filePath, '/flow_time', 'a float64 vector', typeName(timesMeta));
  }
  const m = timesMeta.shape![0];
  const scalars = new Map<string, H5Metadata>();
  let count = -1;
  const counts: number[] = [];
  for (const [name] of SCALARS) {
    const meta = dataset(`/${name}`);
    const shape = meta.shape ?? [];
    if ((meta.type !== H5T_FLOAT && meta.type !== H5T_INTEGER) || shape.length !== 1) {
      throw fileError(fn, filePath, `/${name}`, 'a numeric vector', describe(shape));
    }
    if (count < 0) count = shape[0];
    counts.push(shape[0]);
    if (shape[0] !== count && !interrupted) {
      throw fileError(fn, filePath, `/${name} shape`, `[${count}] like /index`, shape);
    }
    scalars.set(name, meta);
  }
  const observables = new Map<string, H5Metadata>();
  const group = file.get('observables');
  if (group === null || (group as { type?: string }).type !== 'Group') {
    throw fileError(fn, filePath, '/observables', 'a group', 'no such group');
  }
  for (const name of (group as H5Group).keys().sort()) {
    const meta = dataset(`/observables/${name}`);
    const shape = meta.shape ?? [];
    if (
      meta.type !== H5T_FLOAT ||
      meta.size !== 8 ||
      shape.length !== 2 ||
      (shape[0] !== count && !interrupted) ||
      shape[1] !== m
    ) {
      throw fileError(
        fn,
        filePath,
        `/observables/${name}`,
        `float64 of shape [${interrupted ? 'n' : count}, ${m}] (configurations x flow times)`,
        `${typeName(meta)} of shape ${describe(shape)}`,
      );
    }
    checkObservableName(fn, name);
    counts.push(shape[0]);
    observables.set(name, meta);
  }
  return {
    metadata: { N, dims, ...rest },
    count: Math.min(...counts),
    longest: Math.max(...counts),
    m,
    timesMeta,
    scalars,
    observables,
  };
}

function checkSpec(
  fn: string,
  spec: FlowFileSpec,
): { normalized: FlowFileSpec; rest: Record<string, unknown> } {
  if (!isPlainObject(spec)) throw typeError(fn, 'spec', 'a FlowFileSpec', spec);
  const { normalized: metadata, rest } = checkMetadata(fn, spec.metadata);
  const times = spec.times;
  if (!Array.isArray(times) || times.length === 0) {
    throw rangeError(fn, 'spec.times', 'a non-empty array of flow times', times);
  }
  times.forEach((t, j) => {
    if (typeof t !== 'number' || !Number.isFinite(t) || t < 0 || (j > 0 && !(t > times[j - 1]))) {
      throw rangeError(fn, 'spec.times', 'ascending finite flow times >= 0', [...times]);
    }
  });
  if (!Array.isArray(spec.observables) || spec.observables.length === 0) {
    throw rangeError(fn, 'spec.observables', 'a non-empty array of names', spec.observables);
  }
  for (const name of spec.observables) checkObservableName(fn, name);
  return {
    normalized: { metadata, times: [...times], observables: [...spec.observables].sort() },
    rest,
  };
}
