/**
 * The ensemble file format's constants and geometry, below both the reader and the writer:
 * the format name and version, the reserved root attributes, chunk sizes, the layout of one
 * configuration in `/links`, and the observable datasets' names. The layout itself is
 * described in docs/ensemble-format.md and in src/io/ensembleWriter.ts.
 *
 * @module
 */
import { rangeError } from '../core/validate.js';

/** The value of the root attribute `format` of an ensemble file. */
export const ENSEMBLE_FORMAT = 'lattice-gauge-ensemble';
/** The value of the root attribute `format_version` this code writes and reads. */
export const ENSEMBLE_FORMAT_VERSION = 1;

/** The value of the root attribute `group` for N colours: `SU(3)` for N = 3. */
export function groupName(N: number): string {
  return `SU(${N})`;
}
/**
 * What the root attribute `group` said for every N in files written before the actual group
 * was written (same format version); readers accept it beside {@link groupName}.
 */
export const LEGACY_GROUP_NAME = 'SU(N)';

/** Root attribute names of the format; metadata entries of these names are not mirrored. */
export const RESERVED_ATTRIBUTES = new Set([
  'format',
  'format_version',
  'group',
  'N',
  'dims',
  'D',
  'metadata',
  'provenance',
  'diagnostics',
]);
/** Default largest chunk of `/links` (bytes); one configuration per chunk below it. */
export const DEFAULT_CHUNK_BYTES = 64 * 2 ** 20;
/** Chunk length (elements) of the one-dimensional series `/beta`, `/sweep`, `/observables/*`. */
export const SERIES_CHUNK = 1024;
/** Default tolerance of the unitarity check of {@link Ensemble.configuration}. */
export const DEFAULT_UNITARITY_TOLERANCE = 1e-5;

/** One saved configuration with what was measured on it: one row of every dataset. */
export interface ConfigurationRecord {
  /** The links, V*D*2*N*N numbers in the layout of `GaugeField.links`. */
  links: Float64Array;
  /** The coupling it was generated at (`/beta[i]`). */
  beta: number;
  /** The Monte Carlo sweep after which it was saved (`/sweep[i]`), an integer >= 0. */
  sweep: number;
  /**
   * Measurements, by name (`/observables/<name>[i]`). Every record of a file has the same
   * names; a name is non-empty and has no `/`.
   */
  observables: Record<string, number>;
  /**
   * The index of the Monte Carlo chain (replicum) it belongs to (`/chain[i]`), an integer >= 0:
   * required in files made with chains (a merge of independent chains), absent otherwise.
   */
  chain?: number;
}

/** The fixed geometry of an ensemble, derived from N and dims. */
export class Layout {
  readonly D: number;
  readonly V: number;
  readonly matrixSize: number;
  /** Numbers per site: D * 2 * N * N. */
  readonly perSite: number;
  /** Numbers per configuration: V * D * 2 * N * N. */
  readonly perConfig: number;
  /** Sites per chunk of `/links`, and per read or write of a configuration. */
  readonly chunkSites: number;

  /**
   * @param chunk - the sites per chunk, or a largest chunk size in bytes when negative
   *   (-bytes): the configuration is then split into the fewest chunks of whole sites.
   */
  constructor(
    readonly N: number,
    readonly dims: readonly number[],
    chunk = -DEFAULT_CHUNK_BYTES,
  ) {
    this.D = dims.length;
    this.V = dims.reduce((v, L) => v * L, 1);
    this.matrixSize = 2 * N * N;
    this.perSite = this.D * this.matrixSize;
    this.perConfig = this.V * this.perSite;
    if (chunk > 0) {
      this.chunkSites = Math.min(chunk, this.V);
    } else {
      const pieces = Math.max(1, Math.ceil((this.perConfig * 8) / -chunk));
      this.chunkSites = Math.ceil(this.V / Math.min(pieces, this.V));
    }
  }

  /** Shape of one configuration in `/links`: [V, D, N, N, 2]. */
  get configShape(): number[] {
    return [this.V, this.D, this.N, this.N, 2];
  }
}

/** Checks an observable name: a non-empty HDF5 link name. */
export function checkObservableName(fn: string, name: string): void {
  if (name === '' || name.includes('/') || name === '.' || name === '..') {
    throw rangeError(fn, 'record.observables', 'names that are non-empty and have no "/"', name);
  }
}

/** The path of the dataset of an observable. */
export function observablePath(name: string): string {
  return `/observables/${name}`;
}
