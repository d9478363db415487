/**
 * Writing HDF5 ensemble files: many gauge configurations of one Monte Carlo run, with their beta,
 * sweep numbers, measured observables and the run's metadata (DESIGN.md 5). Written and read
 * through h5wasm; a physicist opens the same file with h5py and gets numpy arrays.
 *
 * Layout (format "lattice-gauge-ensemble", format_version 1), n = number of configurations,
 * V = number of sites, D = number of dimensions, N = number of colours:
 *
 * | object                  | type              | shape                    |
 * | ----------------------- | ----------------- | ------------------------ |
 * | `/links`                | float64           | [n, V, D, N, N, 2]       |
 * | `/beta`                 | float64           | [n]                      |
 * | `/sweep`                | int64             | [n]                      |
 * | `/observables/<name>`   | float64           | [n], one per observable  |
 * | `/chain` (optional)     | int64             | [n]                      |
 *
 * `/links[i]` is configuration i in exactly the in-memory layout of
 * {@link GaugeField.links}: site lexicographic with x0 fastest, then the direction mu, the
 * row, the column, and (re, im). `/links` is chunked one configuration per chunk (a
 * configuration above 64 MiB is split into chunks of whole sites) with an unlimited first
 * axis, so configurations are appended. `/sweep[i]` is the Monte Carlo sweep after which
 * configuration i was saved; the reader also accepts any other integer or float type.
 * `/chain[i]`, in files made with `chains` (a merge of independent runs, `lgt merge`), is the
 * index of the Monte Carlo chain (replicum) configuration i belongs to; the sweep numbers
 * count within each chain.
 *
 * Root attributes: `format` = "lattice-gauge-ensemble", `format_version` = 1,
 * `group` = "SU(3)" for N = 3 (files written before said "SU(N)" for every N, and still
 * open), `N`, `dims` (int64 array), `D`, and `metadata`: a JSON object with
 * everything else that identifies the run (algorithm and its parameters, seed, measurements,
 * backend, ...). Top-level entries of the metadata whose names are plain
 * identifiers (`seed`, `algorithm`, ...) are also mirrored as separate attributes for h5py
 * users (numbers and number arrays as numbers, strings as strings, other values as their JSON
 * text); readers take the JSON as the truth. `provenance` (JSON) describes the run: creation
 * time, software, host, and one record per resume (./ensembleProvenance.ts); it is never
 * compared. `diagnostics` (JSON, optional) holds what the run learned about itself, e.g. the
 * Monte Carlo chains' acceptance ({@link EnsembleWriter.setDiagnostics}). See
 * docs/ensemble-format.md.
 *
 * Writing is crash-safe: {@link EnsembleWriter} writes `<path>.partial` and renames it to
 * `<path>` only in {@link EnsembleWriter.finalize}; {@link EnsembleWriter.resume} reopens
 * the `.partial` file of an interrupted run and truncates it to the last checkpoint.
 *
 * @module
 */
import { existsSync, promises as fsp } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { checkInteger, checkLength, describe, rangeError, typeError } from '../core/validate.js';
import { fsyncDirectory, fsyncFile, fsyncFileSync } from '../core/atomicWrite.js';
import { FileError } from '../core/fileError.js';
import { checkRoom } from '../core/fileRoom.js';
import { faultPoint } from '../core/faultPoint.js';
import {
  DEFAULT_CHUNK_BYTES,
  ENSEMBLE_FORMAT,
  ENSEMBLE_FORMAT_VERSION,
  SERIES_CHUNK,
  checkObservableName,
  groupName,
  observablePath,
  type ConfigurationRecord,
  type Layout,
} from './ensembleFormat.js';
import {
  asciiJson,
  checkJsonObject,
  checkMetadata,
  formatMetadataValue,
  isPlainObject,
  metadataDifference,
  mirrorAttribute,
  type EnsembleMetadata,
} from './ensembleMetadata.js';
import {
  PROVENANCE_ATTRIBUTE,
  newProvenance,
  parseProvenance,
  resumedProvenance,
  type EnsembleProvenance,
} from './ensembleProvenance.js';
import { readStructure } from './ensembleReader.js';
import {
  H5T_FLOAT,
  H5T_INTEGER,
  bytesOf,
  fileError,
  hdf5Detail,
  loadHdf5,
  takeHdf5Diagnostic,
  openInterrupted,
  resizeDataset,
  transfer,
  typeName,
  writeInteger,
  type H5File,
  type H5Group,
  type H5Module,
} from './hdf5.js';

/** Options of {@link EnsembleWriter.create} and {@link EnsembleWriter.resume}. */
export interface EnsembleWriterOptions {
  /**
   * Replace an existing file at `path` (at {@link EnsembleWriter.finalize}, never before),
   * and, for `create`, an existing `<path>.partial`. Default false.
   */
  force?: boolean;
  /**
   * For `create`: the largest chunk of `/links` in bytes (default 64 MiB). A configuration
   * that fits is one chunk; a larger one is split into the fewest chunks of whole sites.
   * Reads and writes go chunk by chunk, which also bounds the WebAssembly memory they use.
   */
  chunkBytes?: number;
  /**
   * For `create`: keep several independent chains apart in a dataset `/chain`; every record
   * then names its chain. Default false (one run, no `/chain`).
   */
  chains?: boolean;
  /**
   * Describing entries (never compared on resume; ./ensembleProvenance.ts). For `create`:
   * recorded beside the creation time, software and host that the writer stamps itself; for
   * `resume`: recorded in this resume's record, beside its time, software and host.
   */
  provenance?: Record<string, unknown>;
}

/**
 * Bytes beyond a configuration's links that an append may make HDF5 allocate: a new chunk of
 * every series (1024 values of 8 bytes) when the count crosses a multiple of 1024, and the
 * metadata that grows with the file.
 */
const APPEND_MARGIN_BYTES = 256 * 1024;

/** The root attribute of the run's diagnostics (JSON); see {@link EnsembleWriter.setDiagnostics}. */
export const DIAGNOSTICS_ATTRIBUTE = 'diagnostics';

/**
 * Writes an ensemble file (layout in the module header), one configuration at a time.
 *
 * The data go to `<path>.partial`; {@link EnsembleWriter.finalize} closes it and renames it
 * atomically to `path`, so `path` never holds an unfinished file, and an existing `path` is
 * untouched until then (and refused unless `force`). {@link EnsembleWriter.flush} makes the
 * configurations appended so far durable (HDF5 flush + fsync), after which the `.partial`
 * file on disk is a complete, readable ensemble: a checkpoint records
 * {@link EnsembleWriter.count} right after a flush, and {@link EnsembleWriter.resume} after
 * a crash reopens the `.partial` file and drops what came after that checkpoint.
 *
 * @example
 * ```ts
 * const writer = await EnsembleWriter.create('run.h5', { N: 3, dims: [8, 8, 8, 8], seed: 1 });
 * writer.append({ links: field.links, beta: 6, sweep: 100, observables: { plaquette: p } });
 * writer.flush();
 * await writer.finalize();
 * ```
 */
export class EnsembleWriter {
  /** The final file name (written by {@link EnsembleWriter.finalize}). */
  readonly path: string;
  /** The file being written: `<path>.partial`. */
  readonly partialPath: string;
  /** The identifying metadata, as stored (N, dims, then the JSON form of the other entries). */
  readonly metadata: EnsembleMetadata;
  /** The describing metadata, as stored: the first run's, and a record per resume. */
  readonly provenance: EnsembleProvenance;
  private readonly module: H5Module;
  private readonly layout: Layout;
  private readonly force: boolean;
  private file: H5File | undefined;
  private observableNames: string[] | undefined;
  private rows: number;
  private readonly chains: boolean;
  /** A write or flush failed: HDF5's caches may describe data that is not on disk. */
  private failed = false;

  private constructor(
    path: string,
    metadata: EnsembleMetadata,
    provenance: EnsembleProvenance,
    module: H5Module,
    layout: Layout,
    file: H5File,
    force: boolean,
    rows: number,
    observableNames: string[] | undefined,
    chains: boolean,
  ) {
    this.path = path;
    this.partialPath = `${path}.partial`;
    this.metadata = metadata;
    this.provenance = provenance;
    this.module = module;
    this.layout = layout;
    this.file = file;
    this.force = force;
    this.rows = rows;
    this.observableNames = observableNames;
    this.chains = chains;
  }

  /**
   * Starts a new ensemble: creates `<path>.partial` with the root attributes (the provenance
   * stamped with the time now, this software's version and the host) and empty datasets, and
   * flushes it.
   *
   * @throws Error naming `path` when it exists and `options.force` is not set (the existing
   *   file is not touched), or when `<path>.partial` exists (an interrupted run: resume it
   *   or pass `force` to start over); RangeError/TypeError for invalid metadata.
   */
  static async create(
    path: string,
    metadata: EnsembleMetadata,
    options: EnsembleWriterOptions = {},
  ): Promise<EnsembleWriter> {
    const fn = 'EnsembleWriter.create';
    if (typeof path !== 'string' || path === '') throw typeError(fn, 'path', 'a file name', path);
    const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    checkInteger(fn, 'options.chunkBytes', chunkBytes, 1);
    const { layout, rest, normalized } = checkMetadata(fn, metadata, chunkBytes);
    const provenance = newProvenance(fn, options.provenance);
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
        `${fn}: ${partialPath} already exists (an interrupted run?); resume it with ` +
          'EnsembleWriter.resume, or pass { force: true } to start over',
      );
    }
    const { lib, module } = await loadHdf5();
    takeHdf5Diagnostic(); // forget what earlier calls printed
    const file = new lib.File(resolve(partialPath), 'w');
    if (file.file_id < 0n)
      throw new FileError(`${fn}: ${partialPath}: HDF5 could not create the file${hdf5Detail()}`);
    try {
      file.create_attribute('format', ENSEMBLE_FORMAT);
      writeInteger(file, 'format_version', ENSEMBLE_FORMAT_VERSION);
      file.create_attribute('group', groupName(layout.N));
      writeInteger(file, 'N', layout.N);
      file.create_attribute('dims', BigInt64Array.from(layout.dims, BigInt), [layout.D], '<q');
      writeInteger(file, 'D', layout.D);
      // Non-ASCII escaped, so that the attribute is plain ASCII for every reader.
      file.create_attribute('metadata', asciiJson(rest));
      file.create_attribute(PROVENANCE_ATTRIBUTE, asciiJson(provenance));
      for (const [key, value] of Object.entries(rest)) mirrorAttribute(file, key, value);
      const configShape = layout.configShape;
      const links = file.create_dataset({
        name: 'links',
        data: new Float64Array(0),
        shape: [0, ...configShape],
        maxshape: [null, ...configShape],
        chunks: [1, layout.chunkSites, ...configShape.slice(1)],
        dtype: '<d',
      });
      links.create_attribute(
        'layout',
        '[configuration][site, x0 fastest][mu][row][column][re, im]: U_mu(x) from x to x + mu',
      );
      createSeries(file, 'beta', '<d');
      createSeries(file, 'sweep', '<q');
      if (options.chains === true) createSeries(file, 'chain', '<q');
      file.create_group('observables');
    } catch (error) {
      file.close();
      throw error;
    }
    const writer = new EnsembleWriter(
      path,
      normalized,
      provenance,
      module,
      layout,
      file,
      force,
      0,
      undefined,
      options.chains === true,
    );
    writer.flush();
    return writer;
  }

  /**
   * Reopens the `<path>.partial` file of an interrupted run, checks that it was written
   * with the same identifying metadata, and truncates it to `count` configurations (those
   * appended after the last checkpoint are dropped); then appending continues from there. The
   * provenance of the first run is kept, and this resume's record (time, software, host,
   * `options.provenance`) is appended to it; it is never compared.
   *
   * @param count - the number of configurations the checkpoint says were written.
   * @throws Error naming the file when it is missing or damaged, when its metadata differ
   *   from `metadata` (naming the first differing key and both values), or when it holds
   *   fewer than `count` configurations; Error naming `path` when it exists and
   *   `options.force` is not set.
   */
  static async resume(
    path: string,
    metadata: EnsembleMetadata,
    count: number,
    options: EnsembleWriterOptions = {},
  ): Promise<EnsembleWriter> {
    const fn = 'EnsembleWriter.resume';
    if (typeof path !== 'string' || path === '') throw typeError(fn, 'path', 'a file name', path);
    const { normalized } = checkMetadata(fn, metadata);
    checkInteger(fn, 'count', count, 0);
    const extra = checkJsonObject(fn, 'options.provenance', options.provenance ?? {});
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
    let observableNames: string[] | undefined;
    let layout: Layout;
    let chains: boolean;
    let provenance: EnsembleProvenance;
    try {
      const structure = readStructure(fn, partialPath, file, true);
      layout = structure.layout;
      chains = structure.chainMeta !== undefined;
      const d = metadataDifference(structure.metadata, normalized);
      if (d) {
        throw new FileError(
          `${fn}: ${partialPath}: metadata mismatch in ${d.key}: file has ` +
            `${formatMetadataValue(d.a)}, run has ${formatMetadataValue(d.b)}`,
        );
      }
      if (structure.count < count) {
        throw new FileError(
          `${fn}: ${partialPath}: holds ${structure.count} configurations` +
            (structure.longest > structure.count ? ` in its shortest dataset` : '') +
            `, fewer than the ${count} to resume from`,
        );
      }
      const seriesMeta = [
        ['/beta', structure.betaMeta],
        ['/sweep', structure.sweepMeta],
        ...(structure.chainMeta !== undefined ? [['/chain', structure.chainMeta] as const] : []),
      ] as const;
      for (const [path, meta] of seriesMeta) {
        if (meta.type !== (path === '/beta' ? H5T_FLOAT : H5T_INTEGER) || meta.size !== 8) {
          const expected = path === '/beta' ? 'float64' : 'int64';
          throw fileError(fn, partialPath, `${path} type`, expected, typeName(meta));
        }
      }
      for (const [name, meta] of structure.observables) {
        if (meta.type !== H5T_FLOAT || meta.size !== 8) {
          throw fileError(fn, partialPath, `/observables/${name} type`, 'float64', typeName(meta));
        }
      }
      // The names are fixed once a record was written (or their datasets exist).
      if (count > 0 || structure.observables.size > 0) {
        observableNames = [...structure.observables.keys()];
      }
      if (structure.longest > count) {
        resizeDataset(module, file, fn, partialPath, '/links', [count, ...layout.configShape]);
        const chainSeries = structure.chainMeta !== undefined ? ['/chain'] : [];
        for (const series of [
          '/beta',
          '/sweep',
          ...chainSeries,
          ...(observableNames ?? []).map(observablePath),
        ]) {
          resizeDataset(module, file, fn, partialPath, series, [count]);
        }
      }
      const attributes = new Set(Object.keys(file.attrs));
      const stored = attributes.has(PROVENANCE_ATTRIBUTE)
        ? parseProvenance(file.get_attribute(PROVENANCE_ATTRIBUTE, false))
        : undefined;
      provenance = resumedProvenance(fn, stored, extra);
      if (attributes.has(PROVENANCE_ATTRIBUTE)) file.delete_attribute(PROVENANCE_ATTRIBUTE);
      file.create_attribute(PROVENANCE_ATTRIBUTE, asciiJson(provenance));
    } catch (error) {
      file.close();
      throw error;
    }
    const writer = new EnsembleWriter(
      path,
      normalized,
      provenance,
      module,
      layout,
      file,
      force,
      count,
      observableNames,
      chains,
    );
    writer.flush();
    return writer;
  }

  /** Number of configurations in the file. */
  get count(): number {
    return this.rows;
  }

  /**
   * Appends one configuration: one row of `/links`, `/beta`, `/sweep` and of every
   * `/observables/<name>`. The first record fixes the observable names; later records must
   * have the same names. Not durable until {@link EnsembleWriter.flush}.
   *
   * @throws RangeError/TypeError naming the field of `record` that is wrong (links of the
   *   wrong length or not finite, beta not finite, sweep not an integer >= 0, a chain missing
   *   in a file with chains or given in one without, different observable names); FileError
   *   naming the file when it has no room to grow by the record (a full disk, a file-size
   *   limit: nothing is written then), when the writer is closed, or when HDF5 fails.
   */
  append(record: ConfigurationRecord): void {
    const fn = 'EnsembleWriter.append';
    const file = this.openFile(fn);
    if (typeof record !== 'object' || record === null) {
      throw typeError(fn, 'record', 'a ConfigurationRecord', record);
    }
    const layout = this.layout;
    const links = record.links;
    checkLength(fn, 'record.links', links, layout.perConfig);
    for (let k = 0; k < links.length; k++) {
      if (!Number.isFinite(links[k])) {
        throw rangeError(fn, 'record.links', 'finite numbers', `${links[k]} at index ${k}`);
      }
    }
    if (typeof record.beta !== 'number' || !Number.isFinite(record.beta)) {
      throw rangeError(fn, 'record.beta', 'a finite number', record.beta);
    }
    checkInteger(fn, 'record.sweep', record.sweep, 0);
    if (this.chains) checkInteger(fn, 'record.chain', record.chain as number, 0);
    else if (record.chain !== undefined) {
      throw rangeError(
        fn,
        'record.chain',
        'no chain (the writer was created without { chains: true })',
        record.chain,
      );
    }
    const observables = record.observables;
    if (!isPlainObject(observables)) {
      throw typeError(fn, 'record.observables', 'an object of numbers by name', observables);
    }
    const names = Object.keys(observables).sort();
    for (const name of names) {
      checkObservableName(fn, name);
      if (typeof observables[name] !== 'number') {
        throw typeError(fn, `record.observables.${name}`, 'a number', observables[name]);
      }
    }
    if (this.observableNames !== undefined && metadataDifference(this.observableNames, names)) {
      throw rangeError(
        fn,
        'record.observables',
        `the names of the earlier records ${describe(this.observableNames)}`,
        names,
      );
    }
    if (this.observableNames === undefined) {
      const group = (file.get('observables') ?? file.create_group('observables')) as H5Group;
      for (const name of names) {
        group.create_dataset({
          name,
          data: new Float64Array(0),
          shape: [0],
          maxshape: [null],
          chunks: [SERIES_CHUNK],
          dtype: '<d',
        });
      }
      this.observableNames = names;
    }

    const i = this.rows;
    const path = this.partialPath;
    const module = this.module;
    const series = [
      '/beta',
      '/sweep',
      ...(this.chains ? ['/chain'] : []),
      ...names.map(observablePath),
    ];
    // Before HDF5 writes anything: a write that fails for want of space may leave the file
    // unreadable (src/core/fileRoom.ts).
    checkRoom(fn, path, 8 * layout.perConfig + APPEND_MARGIN_BYTES);
    try {
      resizeDataset(module, file, fn, path, '/links', [i + 1, ...layout.configShape]);
      for (const s of series) resizeDataset(module, file, fn, path, s, [i + 1]);
      const rest = layout.configShape.slice(1);
      for (let s0 = 0; s0 < layout.V; s0 += layout.chunkSites) {
        const s1 = Math.min(layout.V, s0 + layout.chunkSites);
        const slab = links.subarray(s0 * layout.perSite, s1 * layout.perSite);
        const offset = [i, s0, 0, 0, 0, 0];
        transfer(
          module,
          file,
          fn,
          path,
          '/links',
          offset,
          [1, s1 - s0, ...rest],
          bytesOf(slab),
          true,
        );
      }
      const one = (p: string, bytes: Uint8Array): void =>
        transfer(module, file, fn, path, p, [i], [1], bytes, true);
      one('/beta', bytesOf(Float64Array.of(record.beta)));
      one('/sweep', bytesOf(BigInt64Array.of(BigInt(record.sweep))));
      if (this.chains) one('/chain', bytesOf(BigInt64Array.of(BigInt(record.chain as number))));
      for (const name of names)
        one(observablePath(name), bytesOf(Float64Array.of(observables[name])));
    } catch (error) {
      this.failed = true;
      try {
        resizeDataset(module, file, fn, path, '/links', [i, ...layout.configShape]);
        for (const s of series) resizeDataset(module, file, fn, path, s, [i]);
      } catch {
        // the first error is the one to report
      }
      throw error;
    }
    this.rows = i + 1;
  }

  /**
   * Records what the run learned about itself (e.g. the acceptance of each Monte Carlo chain)
   * as the root attribute `diagnostics`, JSON text, replacing an earlier one. Not durable
   * until {@link EnsembleWriter.flush}.
   *
   * @throws TypeError naming the entry that JSON cannot hold; Error when the writer is closed.
   */
  setDiagnostics(diagnostics: Record<string, unknown>): void {
    const fn = 'EnsembleWriter.setDiagnostics';
    const file = this.openFile(fn);
    const json = asciiJson(checkJsonObject(fn, 'diagnostics', diagnostics));
    if (Object.keys(file.attrs).includes(DIAGNOSTICS_ATTRIBUTE)) {
      file.delete_attribute(DIAGNOSTICS_ATTRIBUTE);
    }
    file.create_attribute(DIAGNOSTICS_ATTRIBUTE, json);
  }

  /**
   * Makes everything appended so far durable: HDF5 writes its caches to the file
   * (H5Fflush), then the file is fsynced. Afterwards the `.partial` file on disk is a
   * complete ensemble of {@link EnsembleWriter.count} configurations.
   */
  flush(): void {
    const fn = 'EnsembleWriter.flush';
    const file = this.openFile(fn);
    const status = this.module.flush(file.file_id);
    if (status < 0) {
      this.failed = true;
      throw new FileError(`${fn}: ${this.partialPath}: HDF5 flush failed (status ${status})`);
    }
    try {
      fsyncFileSync(this.partialPath);
    } catch (error) {
      this.failed = true;
      throw error;
    }
  }

  /**
   * Lets go of the file after a failure of the run, keeping on disk what the last
   * {@link EnsembleWriter.flush} made durable (which a checkpoint describes). When a write or
   * a flush of this writer failed (a full disk, a file-size limit), HDF5's caches may describe
   * data that never reached the disk, and closing the file would write them over the durable
   * state; the file is then left open (its handle is released when the process ends) and
   * nothing more is written. Otherwise it is closed normally. The writer is unusable after.
   */
  abandon(): void {
    if (this.failed) {
      this.file = undefined;
      return;
    }
    try {
      this.close();
    } catch {
      // the run's own error is the one to report
    }
  }

  /**
   * Closes the file and atomically renames `<path>.partial` to `path` (replacing an
   * existing `path` only when the writer was made with `force`).
   *
   * @throws Error naming `path` when it appeared meanwhile and `force` is not set; the
   *   `.partial` file is then kept.
   */
  async finalize(): Promise<void> {
    const fn = 'EnsembleWriter.finalize';
    this.openFile(fn);
    this.close();
    await fsyncFile(this.partialPath);
    faultPoint('finalize:before-rename');
    if (!this.force && existsSync(this.path)) {
      throw new FileError(
        `${fn}: ${this.path} already exists; the ensemble stays in ${this.partialPath}`,
      );
    }
    await fsp.rename(this.partialPath, this.path);
    await fsyncDirectory(dirname(resolve(this.path)));
  }

  /**
   * Closes the file without finalizing (for an interrupted run): `<path>.partial` stays,
   * complete up to {@link EnsembleWriter.count}, for {@link EnsembleWriter.resume}. Calling
   * it again does nothing.
   */
  close(): void {
    const file = this.file;
    if (file === undefined) return;
    this.file = undefined;
    const status = file.close();
    if (status < 0) {
      throw new FileError(
        `EnsembleWriter.close: ${this.partialPath}: HDF5 close failed (status ${status})`,
      );
    }
  }

  private openFile(fn: string): H5File {
    if (this.file === undefined) {
      throw new FileError(`${fn}: the writer of ${this.partialPath} is closed`);
    }
    return this.file;
  }
}

function createSeries(file: H5File, name: string, dtype: '<d' | '<q'): void {
  file.create_dataset({
    name,
    data: dtype === '<d' ? new Float64Array(0) : new BigInt64Array(0),
    shape: [0],
    maxshape: [null],
    chunks: [SERIES_CHUNK],
    dtype,
  });
}
