/**
 * Merging the finished chains of a scan point into one ensemble file, and the scan summary.
 *
 * {@link mergeChains}: independent chains of the same parameters (differing only in their
 * seed and in what describes a run: software, creation time, scan coordinates) become one
 * ensemble with a dataset `/chain` that keeps them apart (src/io/ensembleWriter.ts); `lgt
 * measure` and `lgt report` then analyse them as replica (Wolff, hep-lat/0306017, eq. (31);
 * src/montecarlo/ensembleStatistics.ts). Chains with different parameters are refused,
 * naming the first differing entry.
 *
 * {@link mergeScan}: for each point of a scan (its `scan.json` in the scan's directory), the
 * chains that are complete are merged into `<point name>.h5`, and a summary with one row per
 * point (its parameters, how many chains, and every observable with its Gamma-method error
 * over the replica) is returned, as `lgt merge` writes it to `summary.json`. (A flow scale,
 * t0 or w0, appears there once `lgt flow` records it in the ensembles.)
 *
 * @module
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { FileError } from '../core/fileError.js';
import { openEnsemble, type Ensemble } from '../io/ensembleReader.js';
import { formatMetadataValue, metadataDifference } from '../io/ensembleMetadata.js';
import { EnsembleWriter } from '../io/ensembleWriter.js';
import { ensembleStatistics } from '../montecarlo/ensembleStatistics.js';
import type { ScanSummary, ScanSummaryPoint } from '../montecarlo/scanSummary.js';
import { pointName, scanDirectory, validateScan, type ScanSpec } from './scan.js';

export type { ScanSummary, ScanSummaryPoint };

/**
 * Metadata entries that may differ between the chains of one merge: the seed above all, and
 * what files written before the provenance was kept (src/io/ensembleProvenance.ts) carried in
 * their metadata to describe a run.
 */
export const DESCRIBING_ENTRIES = ['seed', 'software', 'created', 'scan'];

/** One chain in a merged file. */
export interface MergedChain {
  /** The file it came from (its name). */
  file: string;
  /** Its seed. */
  seed: unknown;
  /** Its configurations. */
  configurations: number;
}

/** What {@link mergeChains} wrote. */
export interface MergeResult {
  /** The merged file. */
  output: string;
  /** The chains, in the order of `/chain` (0, 1, ...). */
  chains: MergedChain[];
  /** Configurations in all. */
  configurations: number;
}

function identifying(metadata: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(metadata)) if (!DESCRIBING_ENTRIES.includes(k)) out[k] = v;
  return out;
}

/**
 * Merges ensembles of independent chains into `output`, chain r being input r (module
 * header). Every configuration is read back and checked (finite, unitary) on the way.
 *
 * @throws FileError when an input is missing or not an ensemble, is itself a merge, or
 *   differs from the first in an identifying metadata entry or in its observables (naming
 *   both files, the entry and both values); when `output` exists and `force` is not set.
 */
export async function mergeChains(
  inputs: string[],
  output: string,
  options: { force?: boolean } = {},
): Promise<MergeResult> {
  if (inputs.length === 0) throw new FileError('mergeChains: no chains to merge');
  const ensembles: Ensemble[] = [];
  try {
    for (const path of inputs) ensembles.push(await openEnsemble(path));
    const first = ensembles[0];
    const reference = identifying(first.metadata);
    const names = Object.keys(first.observables).join(', ');
    for (const e of ensembles) {
      if (e.chain !== undefined) {
        throw new FileError(`mergeChains: ${e.path} is already a merge of chains (it has /chain)`);
      }
      const d = metadataDifference(identifying(e.metadata), reference);
      if (d) {
        throw new FileError(
          `mergeChains: ${e.path} and ${first.path} are chains of different parameters: ` +
            `${d.key} is ${formatMetadataValue(d.a)} in ${e.path} and ` +
            `${formatMetadataValue(d.b)} in ${first.path}`,
        );
      }
      if (Object.keys(e.observables).join(', ') !== names) {
        throw new FileError(
          `mergeChains: ${e.path} and ${first.path} record different observables: ` +
            `${Object.keys(e.observables).join(', ')} against ${names}`,
        );
      }
    }
    const chains: MergedChain[] = ensembles.map((e, r) => ({
      file: basename(inputs[r]),
      seed: e.metadata.seed ?? null,
      configurations: e.count,
    }));
    // the creation time, software and host: the writer stamps them into the provenance
    const writer = await EnsembleWriter.create(
      output,
      {
        ...reference,
        N: first.metadata.N,
        dims: first.metadata.dims,
        chains: ensembles.map((e, r) => {
          const scan = e.provenance?.scan ?? e.metadata.scan;
          return { ...chains[r], ...(scan !== undefined ? { scan } : {}) };
        }),
      },
      { chains: true, force: options.force },
    );
    try {
      for (const [r, e] of ensembles.entries()) {
        for (let i = 0; i < e.count; i++) {
          const observables: Record<string, number> = {};
          for (const [name, series] of Object.entries(e.observables)) observables[name] = series[i];
          writer.append({
            links: e.configuration(i).links,
            beta: e.beta[i],
            sweep: e.sweep[i],
            observables,
            chain: r,
          });
        }
        writer.flush();
      }
      await writer.finalize();
    } catch (error) {
      writer.close();
      throw error;
    }
    return { output, chains, configurations: chains.reduce((s, c) => s + c.configurations, 0) };
  } finally {
    for (const e of ensembles) e.close();
  }
}

/** What {@link mergeScan} wrote. */
export interface ScanMergeResult {
  /** The summary (also written by `lgt merge` as `summary.json`). */
  summary: ScanSummary;
  /** The merged files. */
  files: string[];
}

/** Reads and checks the `scan.json` of a scan directory. */
export function readScanFile(scanDir: string): ScanSpec {
  const path = join(scanDir, 'scan.json');
  let scan: ScanSpec;
  try {
    scan = JSON.parse(readFileSync(path, 'utf8')) as ScanSpec;
  } catch (error) {
    throw new FileError(
      `${path}: cannot read the scan (${(error as Error).message}); expected the directory ` +
        'of a scan under a worker data directory (it holds scan.json)',
      { cause: error },
    );
  }
  try {
    validateScan(scan);
  } catch (error) {
    throw new FileError(`${path}: not a valid scan: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return scan;
}

/**
 * Merges the complete chains of every point of the scan in `scanDir` into
 * `outputDir/<point name>.h5` and summarises them (module header). A point without a complete
 * chain has a row without a file.
 *
 * @throws FileError as {@link mergeChains} does, or when `scanDir` holds no valid `scan.json`.
 */
export async function mergeScan(
  scanDir: string,
  outputDir: string,
  options: { force?: boolean } = {},
): Promise<ScanMergeResult> {
  const scan = readScanFile(scanDir);
  mkdirSync(outputDir, { recursive: true });
  const files: string[] = [];
  const points: ScanSummaryPoint[] = [];
  for (const [k, point] of scan.points.entries()) {
    const name = pointName(point);
    const chainFiles: string[] = [];
    for (let c = 0; c < scan.chains; c++) {
      const file = join(scanDir, name, `chain-${c}.h5`);
      if (existsSync(file)) chainFiles.push(file);
    }
    const row: ScanSummaryPoint = {
      point: k,
      name,
      group: point.N,
      dims: point.dims,
      beta: point.beta,
      algorithm: point.algorithm.kind,
      chains: scan.chains,
      finished: chainFiles.length,
      file: null,
      configurations: 0,
      observables: {},
    };
    if (chainFiles.length > 0) {
      const output = join(outputDir, `${name}.h5`);
      const merged = await mergeChains(chainFiles, output, options);
      files.push(output);
      const ensemble = await openEnsemble(output);
      try {
        const [stats] = ensembleStatistics(ensemble.beta, ensemble.observables, 0, ensemble.chain);
        row.observables = stats.observables;
      } finally {
        ensemble.close();
      }
      row.file = relative(resolve(outputDir), resolve(output));
      row.configurations = merged.configurations;
    }
    points.push(row);
  }
  const dirName = scanDirectory(scan);
  return {
    summary: {
      format: 'lattice-gauge-scan-summary',
      scan: {
        name: scan.name,
        id: dirName.slice(scan.name.length + 1),
        seed: scan.seed,
        chains: scan.chains,
      },
      points,
    },
    files,
  };
}
