/**
 * The describing half of an ensemble's metadata: when, where and by which software it was made,
 * and when it was resumed. The identifying half ({@link EnsembleMetadata}: N, dims, the algorithm
 * and its parameters, the seed, the measurements, the backend) determines the configurations and
 * must be equal when an interrupted run resumes; the describing half differs from one process to
 * the next (a clock, a version, a host name) and is therefore never compared. The first run's
 * is kept; every resume appends its own record beside it.
 *
 * Stored as the root attribute `provenance` of the ensemble file, a JSON object:
 *
 * ```json
 * {"created": "2026-12-02T20:56:05.448Z", "software": "lattice-gauge 0.1.0", "host": "node7",
 *  "resumed": [{"at": "2026-12-02T20:56:11.440Z", "software": "lattice-gauge 0.1.0", "host": "node7"}]}
 * ```
 *
 * plus whatever describing entries the writer was given (e.g. `device`, the GPU adapter).
 *
 * @module
 */
import { hostname } from 'node:os';
import { packageVersion } from '../core/version.js';
import { checkJsonObject, isPlainObject } from './ensembleMetadata.js';

/** What one resume of an interrupted run records. */
export interface ResumeRecord {
  /** When the run resumed (ISO 8601, UTC). */
  at: string;
  /** The software that resumed it, e.g. "lattice-gauge 0.1.0". */
  software: string;
  /** The host it resumed on. */
  host: string;
  /** Other describing entries of the resuming process (e.g. its GPU `device`). */
  [key: string]: unknown;
}

/** The describing metadata of an ensemble (see the module header). */
export interface EnsembleProvenance {
  /** When the run started (ISO 8601, UTC). */
  created: string;
  /** The software that started it. */
  software: string;
  /** The host it started on. */
  host: string;
  /** One record per resume, oldest first (empty for a run that was never interrupted). */
  resumed: ResumeRecord[];
  /** Other describing entries (e.g. `device`). */
  [key: string]: unknown;
}

/** The name of the root attribute that holds the provenance. */
export const PROVENANCE_ATTRIBUTE = 'provenance';

/** This process: the time now, the software version and the host name. */
function thisProcess(): { at: string; software: string; host: string } {
  return {
    at: new Date().toISOString(),
    software: `lattice-gauge ${packageVersion()}`,
    host: hostname(),
  };
}

/**
 * The provenance of a run that starts now: creation time, software, host, no resumes, and the
 * caller's describing entries `extra` (which may also override the three stamps, e.g. in tests).
 *
 * @throws TypeError naming the entry of `extra` that JSON cannot hold.
 */
export function newProvenance(fn: string, extra: Record<string, unknown> = {}): EnsembleProvenance {
  const entries = checkJsonObject(fn, 'options.provenance', extra);
  const { at, software, host } = thisProcess();
  return { created: at, software, host, ...entries, resumed: [] };
}

/**
 * The provenance of a run that resumes now: the stored one (the first run's, kept as it was)
 * with this resume's record appended; `extra` goes into that record.
 *
 * @param stored - what the file holds (undefined for a file written before provenance was kept).
 * @throws TypeError naming the entry of `extra` that JSON cannot hold.
 */
export function resumedProvenance(
  fn: string,
  stored: EnsembleProvenance | undefined,
  extra: Record<string, unknown> = {},
): EnsembleProvenance {
  const entries = checkJsonObject(fn, 'options.provenance', extra);
  const record: ResumeRecord = { ...thisProcess(), ...entries };
  const base: EnsembleProvenance = stored ?? {
    created: 'unknown',
    software: 'unknown',
    host: 'unknown',
    resumed: [],
  };
  return { ...base, resumed: [...base.resumed, record] };
}

/**
 * Parses the `provenance` attribute; undefined when absent or not a JSON object (files written
 * before it existed). A missing or malformed `resumed` list reads as empty.
 */
export function parseProvenance(text: unknown): EnsembleProvenance | undefined {
  if (typeof text !== 'string') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isPlainObject(value)) return undefined;
  const resumed = Array.isArray(value.resumed)
    ? (value.resumed.filter(isPlainObject) as ResumeRecord[])
    : [];
  const text0 = (v: unknown): string => (typeof v === 'string' ? v : 'unknown');
  return {
    ...value,
    created: text0(value.created),
    software: text0(value.software),
    host: text0(value.host),
    resumed,
  };
}
