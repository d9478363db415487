/**
 * Reading HDF5 ensemble files (format "lattice-gauge-ensemble", version 1; layout in
 * docs/ensemble-format.md and src/io/ensembleWriter.ts): {@link openEnsemble} validates the
 * format attributes, the metadata and every dataset's type and shape, reads the per-configuration
 * series (and `/chain` where a file keeps several chains apart), and reads configurations on demand, chunk by chunk, checking that they are finite
 * and unitary.
 *
 * @module
 */
import { checkInteger, describe, typeError } from '../core/validate.js';
import { FileError } from '../core/fileError.js';
import { kernelsFor } from '../sun/group.js';
import { GaugeField } from '../lattice/gaugeField.js';
import { Lattice } from '../lattice/lattice.js';
import {
  DEFAULT_UNITARITY_TOLERANCE,
  ENSEMBLE_FORMAT,
  ENSEMBLE_FORMAT_VERSION,
  LEGACY_GROUP_NAME,
  Layout,
  groupName,
  observablePath,
} from './ensembleFormat.js';
import { isPlainObject, type EnsembleMetadata } from './ensembleMetadata.js';
import {
  PROVENANCE_ATTRIBUTE,
  parseProvenance,
  type EnsembleProvenance,
} from './ensembleProvenance.js';
import {
  H5T_FLOAT,
  H5T_INTEGER,
  bytesOf,
  fileError,
  hdf5Detail,
  integerOf,
  integersOf,
  loadHdf5,
  openExisting,
  readSeries,
  rootAttributes,
  transfer,
  typeName,
  type H5Dataset,
  type H5File,
  type H5Group,
  type H5Metadata,
  type H5Module,
} from './hdf5.js';

/** What {@link readStructure} finds in a file. */
export interface Structure {
  layout: Layout;
  metadata: EnsembleMetadata;
  /** The `provenance` attribute, when the file has a readable one. */
  provenance: EnsembleProvenance | undefined;
  /** The `diagnostics` attribute, when the file has one that is a JSON object. */
  diagnostics: Record<string, unknown> | undefined;
  /**
   * Configurations in /links and every series; with `interrupted`, the fewest any of them
   * holds.
   */
  count: number;
  /** With `interrupted`: the most configurations any dataset holds (else `count`). */
  longest: number;
  sweepMeta: H5Metadata;
  betaMeta: H5Metadata;
  /** `/chain`, when the file keeps several chains apart. */
  chainMeta?: H5Metadata;
  observables: Map<string, H5Metadata>;
}

/**
 * Reads and validates the attributes and dataset shapes of an ensemble file. HDF5 failures
 * inside (a damaged file that still opens) are reported with the file name.
 *
 * @param interrupted - the `.partial` file of a run killed after its last checkpoint: its
 *   datasets may hold different numbers of configurations. HDF5 writes a flush's metadata one
 *   entry after another (and may evict a dirty entry at any time), so a kill can leave /links
 *   extended on disk and a series not, or the reverse (seen: /links 12, /observables/plaquette
 *   11). The resume truncates every dataset to the checkpoint's count, which the shortest must
 *   hold.
 */
export function readStructure(
  fn: string,
  filePath: string,
  file: H5File,
  interrupted = false,
): Structure {
  try {
    return readStructureUnchecked(fn, filePath, file, interrupted);
  } catch (error) {
    const message = (error as Error).message;
    if (message.startsWith(`${fn}: `)) throw error;
    throw new FileError(
      `${fn}: ${filePath}: HDF5 could not read the file (damaged?): ${message}${hdf5Detail()}`,
      { cause: error },
    );
  }
}

function readStructureUnchecked(
  fn: string,
  filePath: string,
  file: H5File,
  interrupted: boolean,
): Structure {
  const { get: attribute, shown } = rootAttributes(file);

  const format = attribute('format');
  if (format !== ENSEMBLE_FORMAT) {
    throw new FileError(
      `${fn}: ${filePath}: not a lattice-gauge ensemble: invalid attribute format: ` +
        `expected "${ENSEMBLE_FORMAT}", got ${describe(shown(format))}`,
    );
  }
  const version = integerOf(attribute('format_version'));
  if (version !== ENSEMBLE_FORMAT_VERSION) {
    const got = shown(attribute('format_version'));
    const newer = version !== undefined && version > ENSEMBLE_FORMAT_VERSION;
    throw fileError(
      fn,
      filePath,
      'attribute format_version',
      `${ENSEMBLE_FORMAT_VERSION}${newer ? ' (the file was written by a newer version)' : ''}`,
      got,
    );
  }
  const N = integerOf(attribute('N'));
  if (N === undefined || N < 2) {
    throw fileError(fn, filePath, 'attribute N', 'an integer >= 2', shown(attribute('N')));
  }
  const group = attribute('group');
  if (group !== groupName(N) && group !== LEGACY_GROUP_NAME) {
    throw fileError(
      fn,
      filePath,
      'attribute group',
      `"${groupName(N)}" (N = ${N}; or "${LEGACY_GROUP_NAME}", as older files say)`,
      shown(group),
    );
  }
  const dims = integersOf(attribute('dims'));
  if (dims === undefined || dims.length < 2 || dims.some((L) => L < 1)) {
    throw fileError(
      fn,
      filePath,
      'attribute dims',
      'an array of at least 2 integer extents >= 1',
      shown(attribute('dims')),
    );
  }
  const D = integerOf(attribute('D'));
  if (D !== dims.length) {
    throw fileError(
      fn,
      filePath,
      'attribute D',
      `${dims.length} (the length of dims ${describe(dims)})`,
      shown(attribute('D')),
    );
  }
  const text = attribute('metadata');
  let rest: unknown;
  try {
    rest = typeof text === 'string' ? JSON.parse(text) : undefined;
  } catch {
    rest = undefined;
  }
  if (!isPlainObject(rest)) {
    throw fileError(
      fn,
      filePath,
      'attribute metadata',
      'a JSON object',
      typeof text === 'string' ? `"${text.slice(0, 80)}"` : shown(text),
    );
  }
  delete rest.N;
  delete rest.dims;
  const provenance = parseProvenance(attribute(PROVENANCE_ATTRIBUTE));
  let diagnostics: unknown;
  try {
    const d = attribute('diagnostics');
    diagnostics = typeof d === 'string' ? JSON.parse(d) : undefined;
  } catch {
    diagnostics = undefined;
  }
  let layout = new Layout(N, dims);

  const keys = new Set(file.keys());
  const dataset = (path: string): H5Dataset => {
    const entity = keys.has(path.slice(1)) ? file.get(path) : null;
    if (entity === null || (entity as { type?: string }).type !== 'Dataset') {
      throw fileError(fn, filePath, `dataset ${path}`, 'a dataset', 'no such dataset');
    }
    return entity as H5Dataset;
  };

  const links = dataset('/links').metadata;
  if (links.type !== H5T_FLOAT || links.size !== 8) {
    throw fileError(fn, filePath, '/links type', 'float64', typeName(links));
  }
  const expected = layout.configShape;
  const shape = links.shape ?? [];
  if (shape.length !== 6 || expected.some((e, k) => shape[k + 1] !== e)) {
    throw fileError(
      fn,
      filePath,
      '/links shape',
      `[n, ${expected.join(', ')}] (V = ${layout.V}, D = ${layout.D}, N = ${N} from the ` +
        `attributes dims = ${describe(dims)} and N)`,
      shape,
    );
  }
  const linksCount = shape[0];
  const counts = [linksCount];
  // Read and write whole chunks, as the file has them (a contiguous /links: whole configurations).
  layout = new Layout(N, dims, links.chunks?.[1] ?? layout.V);

  const series = (path: string, meta: H5Metadata): void => {
    if (meta.type !== H5T_FLOAT && meta.type !== H5T_INTEGER) {
      throw fileError(fn, filePath, `${path} type`, 'a number type', typeName(meta));
    }
    const s = meta.shape ?? [];
    if (s.length !== 1 || (s[0] !== linksCount && !interrupted)) {
      throw fileError(
        fn,
        filePath,
        `${path} shape`,
        `[${interrupted ? 'n' : linksCount}] (one value per configuration in /links)`,
        s,
      );
    }
    counts.push(s[0]);
  };
  const betaMeta = dataset('/beta').metadata;
  series('/beta', betaMeta);
  const sweepMeta = dataset('/sweep').metadata;
  series('/sweep', sweepMeta);
  let chainMeta: H5Metadata | undefined;
  if (keys.has('chain')) {
    chainMeta = dataset('/chain').metadata;
    series('/chain', chainMeta);
  }

  const observables = new Map<string, H5Metadata>();
  if (keys.has('observables')) {
    const groupEntity = file.get('observables');
    if (groupEntity === null || (groupEntity as { type?: string }).type !== 'Group') {
      throw fileError(fn, filePath, '/observables', 'a group', 'something else');
    }
    for (const name of (groupEntity as H5Group).keys().sort()) {
      const path = `/observables/${name}`;
      const entity = file.get(path);
      if (entity === null || (entity as { type?: string }).type !== 'Dataset') {
        throw fileError(fn, filePath, path, 'a dataset', 'something else');
      }
      const meta = (entity as H5Dataset).metadata;
      series(path, meta);
      observables.set(name, meta);
    }
  }
  return {
    layout,
    metadata: { N, dims, ...rest },
    provenance,
    diagnostics: isPlainObject(diagnostics) ? diagnostics : undefined,
    count: Math.min(...counts),
    longest: Math.max(...counts),
    betaMeta,
    sweepMeta,
    ...(chainMeta !== undefined ? { chainMeta } : {}),
    observables,
  };
}

/** Options of {@link Ensemble.configuration}. */
export interface ConfigurationOptions {
  /**
   * Largest allowed |U U^dagger - 1| component (default 1e-5, loose enough for links that
   * passed through float32); `Infinity` skips the check (non-finite values still fail).
   */
  unitarityTolerance?: number;
}

/** An ensemble file opened for reading; see the module header for the layout. */
export interface Ensemble {
  /** The file name. */
  readonly path: string;
  /** N, dims and the other identifying metadata entries (from the JSON attribute `metadata`). */
  readonly metadata: EnsembleMetadata;
  /**
   * The describing metadata (the JSON attribute `provenance`: creation time, software, host,
   * resumes), or undefined for a file written without it.
   */
  readonly provenance: EnsembleProvenance | undefined;
  /**
   * What the run recorded about itself (the JSON attribute `diagnostics`, e.g. the Monte Carlo
   * chains' acceptance and thermalisation), or undefined.
   */
  readonly diagnostics: Record<string, unknown> | undefined;
  /** The lattice of every configuration. */
  readonly lattice: Lattice;
  /** Number of configurations. */
  readonly count: number;
  /** `/beta`, one per configuration. */
  readonly beta: Float64Array;
  /** `/sweep`, one per configuration. */
  readonly sweep: Float64Array;
  /**
   * `/chain`, one per configuration: the independent Monte Carlo chain (replicum) each
   * belongs to, in files that merge several chains (`lgt merge`); absent in a file of one run.
   */
  readonly chain?: Float64Array;
  /** `/observables/<name>`, by name (sorted), one value per configuration. */
  readonly observables: Record<string, Float64Array>;
  /**
   * Reads configuration i (0 <= i < count) as a gauge field, checking that its values are
   * finite and its links unitary within `options.unitarityTolerance`.
   */
  configuration(i: number, options?: ConfigurationOptions): GaugeField;
  /** Closes the file; configuration() fails afterwards. */
  close(): void;
}

class OpenEnsemble implements Ensemble {
  readonly lattice: Lattice;
  private file: H5File | undefined;

  constructor(
    readonly path: string,
    readonly metadata: EnsembleMetadata,
    readonly provenance: EnsembleProvenance | undefined,
    readonly diagnostics: Record<string, unknown> | undefined,
    readonly count: number,
    readonly beta: Float64Array,
    readonly sweep: Float64Array,
    readonly observables: Record<string, Float64Array>,
    private readonly layout: Layout,
    private readonly module: H5Module,
    file: H5File,
    chain: Float64Array | undefined,
  ) {
    this.lattice = new Lattice(layout.dims);
    this.file = file;
    if (chain !== undefined) this.chain = chain;
  }

  readonly chain?: Float64Array;

  configuration(i: number, options: ConfigurationOptions = {}): GaugeField {
    const fn = 'Ensemble.configuration';
    if (this.file === undefined) throw new FileError(`${fn}: ${this.path} is closed`);
    checkInteger(fn, 'i', i, 0, this.count - 1);
    const tolerance = options.unitarityTolerance ?? DEFAULT_UNITARITY_TOLERANCE;
    const layout = this.layout;
    const links = new Float64Array(layout.perConfig);
    const rest = layout.configShape.slice(1);
    for (let s0 = 0; s0 < layout.V; s0 += layout.chunkSites) {
      const s1 = Math.min(layout.V, s0 + layout.chunkSites);
      const slab = links.subarray(s0 * layout.perSite, s1 * layout.perSite);
      const count = [1, s1 - s0, ...rest];
      transfer(
        this.module,
        this.file,
        fn,
        this.path,
        '/links',
        [i, s0, 0, 0, 0, 0],
        count,
        bytesOf(slab),
        false,
      );
    }
    for (let k = 0; k < links.length; k++) {
      if (!Number.isFinite(links[k])) {
        throw new FileError(
          `${fn}: ${this.path}: invalid /links[${i}]: expected finite numbers, got ${links[k]} ` +
            `at index ${k}`,
        );
      }
    }
    const field = new GaugeField(this.lattice, kernelsFor(layout.N), links);
    if (tolerance !== Infinity) {
      const violation = field.unitarityViolation();
      if (!(violation <= tolerance)) {
        throw new FileError(
          `${fn}: ${this.path}: invalid /links[${i}]: expected SU(${layout.N}) links ` +
            `(max |U U^dagger - 1| <= ${tolerance}), got ${violation}`,
        );
      }
    }
    return field;
  }

  close(): void {
    const file = this.file;
    this.file = undefined;
    file?.close();
  }
}

/**
 * Opens an ensemble file for reading (layout in the module header): validates the format
 * attributes, that N, dims and D agree with the shape of `/links`, and that `/beta`,
 * `/sweep`, every `/observables/<name>` and `/chain` (where there is one) hold one value per
 * configuration; reads those series. Configurations are read on demand with {@link Ensemble.configuration}.
 *
 * @throws Error naming the file, the field, what was expected and what was found: for a
 *   missing file, a file that is not HDF5, an HDF5 file that is not an ensemble, or an
 *   ensemble whose shapes disagree.
 */
export async function openEnsemble(path: string): Promise<Ensemble> {
  const fn = 'openEnsemble';
  if (typeof path !== 'string' || path === '') throw typeError(fn, 'path', 'a file name', path);
  const { lib, module } = await loadHdf5();
  const file = openExisting(lib, fn, path, 'r');
  try {
    const s = readStructure(fn, path, file);
    const beta = readSeries(module, file, fn, path, '/beta', s.betaMeta, s.count);
    const sweep = readSeries(module, file, fn, path, '/sweep', s.sweepMeta, s.count);
    const chain =
      s.chainMeta === undefined
        ? undefined
        : readSeries(module, file, fn, path, '/chain', s.chainMeta, s.count);
    if (chain !== undefined) {
      const bad = chain.findIndex((c) => !(Number.isSafeInteger(c) && c >= 0));
      if (bad >= 0) {
        throw fileError(fn, path, `/chain[${bad}]`, 'an integer >= 0', chain[bad]);
      }
    }
    const observables: Record<string, Float64Array> = {};
    for (const [name, meta] of s.observables) {
      observables[name] = readSeries(module, file, fn, path, observablePath(name), meta, s.count);
    }
    return new OpenEnsemble(
      path,
      s.metadata,
      s.provenance,
      s.diagnostics,
      s.count,
      beta,
      sweep,
      observables,
      s.layout,
      module,
      file,
      chain,
    );
  } catch (error) {
    file.close();
    throw error;
  }
}
