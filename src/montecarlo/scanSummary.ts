/**
 * The scan summary (`summary.json`): one row per point of a parameter scan with its merged
 * results, written by `lgt merge` (src/queue/merge.ts) and read by `lgt report`
 * (src/report/scanSection.ts). Defined here, below both, so that writer and reader share one
 * definition of the file.
 *
 * @module
 */
import type { ObservableEstimate } from './ensembleStatistics.js';

/** One row of a scan summary: a point and its results. */
export interface ScanSummaryPoint {
  /** Index of the point in the scan. */
  point: number;
  /** Its directory name, e.g. `SU2_8x8_beta2.2_heatbath`. */
  name: string;
  /** Number of colours. */
  group: number;
  /** Lattice extents. */
  dims: number[];
  /** The coupling. */
  beta: number;
  /** The algorithm's name. */
  algorithm: string;
  /** Chains of the point in the scan. */
  chains: number;
  /** Chains that were complete and merged. */
  finished: number;
  /** The merged file (relative to the summary), or null when no chain was complete. */
  file: string | null;
  /** Configurations merged. */
  configurations: number;
  /** Every recorded observable with its Gamma-method error over the chains (as replica). */
  observables: Record<string, ObservableEstimate>;
}

/** The summary of a scan (`summary.json`). */
export interface ScanSummary {
  /** The format of this file. */
  format: 'lattice-gauge-scan-summary';
  /** The scan. */
  scan: {
    /** Its name. */
    name: string;
    /** Its id. */
    id: string;
    /** Its seed. */
    seed: number;
    /** Chains per point. */
    chains: number;
  };
  /** One row per point, in the scan's order. */
  points: ScanSummaryPoint[];
}
