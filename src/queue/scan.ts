/**
 * A scan: a grid of points (group, lattice extents, coupling, algorithm) times a number of
 * independent chains per point, every chain one `generateEnsemble` run of one coupling. The
 * scan is data (a {@link ScanSpec}); {@link expandScan} turns it into the chains that the
 * queue runs, each with its run specification, its derived seed (./chainSeed.ts) and the
 * path of its ensemble file under the workers' data directory:
 *
 * ```text
 * <name>-<id>/scan.json                          the scan, as submitted
 * <name>-<id>/SU2_8x8_beta2.2_heatbath/chain-0.h5  one file per chain
 * ```
 *
 * `<id>` is the first 12 hex digits of SHA-256 of the scan's canonical JSON
 * (./canonicalJson.ts): the same scan submitted twice is the same scan (its jobs are not
 * queued again), and two different scans never share a directory.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { rangeError, typeError, checkInteger } from '../core/validate.js';
import { validateRunSpec, type RunSpec } from '../montecarlo/generate.js';
import { canonicalJson } from './canonicalJson.js';
import { chainSeed, type ScanPoint } from './chainSeed.js';

/** What every chain of a scan shares: the run specification without its point and seed. */
export type ChainRunParameters = Omit<RunSpec, 'N' | 'dims' | 'betas' | 'algorithm' | 'seed'>;

/** A scan: the grid's points, the chains per point, the shared run parameters, the seed. */
export interface ScanSpec {
  /** A name for people and directories: letters, digits, `.`, `_`, `-` (at most 64). */
  name: string;
  /** The scan's seed, an integer in [0, 2^53); every chain's seed derives from it. */
  seed: number;
  /** Independent chains per point, >= 1. */
  chains: number;
  /** The points of the grid, all different. */
  points: ScanPoint[];
  /** What every chain shares. */
  run: ChainRunParameters;
}

/** One chain of a scan: a job of the queue. */
export interface ScanChain {
  /** The scan's id (module header). */
  scanId: string;
  /** The scan's name. */
  scanName: string;
  /** Index of the point in the scan's list. */
  point: number;
  /** Index of the chain at its point (0, 1, ...). */
  chain: number;
  /** The chain's run specification: one beta, the derived seed. */
  spec: RunSpec;
  /** The ensemble file, relative to the data directory (module header). */
  output: string;
  /** Monte Carlo steps of the whole chain (thermalisation included). */
  steps: number;
}

/** The lists whose product is a scan's grid. */
export interface ScanGrid {
  /** Numbers of colours. */
  groups: number[];
  /** Lattice extents, one list per lattice. */
  dims: number[][];
  /** Couplings. */
  betas: number[];
  /** Algorithms with their parameters. */
  algorithms: RunSpec['algorithm'][];
}

/**
 * The points of a grid, in the order group, extents, algorithm, beta (beta varies fastest).
 *
 * @throws RangeError when a list is empty.
 */
export function scanGrid(grid: ScanGrid): ScanPoint[] {
  for (const key of ['groups', 'dims', 'betas', 'algorithms'] as const) {
    if (!Array.isArray(grid[key]) || grid[key].length === 0) {
      throw rangeError('scanGrid', `grid.${key}`, 'a non-empty list', grid[key]);
    }
  }
  const points: ScanPoint[] = [];
  for (const N of grid.groups) {
    for (const dims of grid.dims) {
      for (const algorithm of grid.algorithms) {
        for (const beta of grid.betas) points.push({ N, dims: [...dims], beta, algorithm });
      }
    }
  }
  return points;
}

/** The directory name of a point: `SU2_8x8_beta2.2_heatbath`. */
export function pointName(point: ScanPoint): string {
  return `SU${point.N}_${point.dims.join('x')}_beta${point.beta}_${point.algorithm.kind}`;
}

/** The scan's id: the first 12 hex digits of SHA-256 of its canonical JSON. */
export function scanId(scan: ScanSpec): string {
  return createHash('sha256').update(canonicalJson(scan)).digest('hex').slice(0, 12);
}

/** The scan's directory under the data directory: `<name>-<id>`. */
export function scanDirectory(scan: ScanSpec): string {
  return `${scan.name}-${scanId(scan)}`;
}

/** The run specification of chain `chain` of point `point`. */
function chainSpec(scan: ScanSpec, point: ScanPoint, chain: number): RunSpec {
  return {
    ...scan.run,
    N: point.N,
    dims: [...point.dims],
    betas: [point.beta],
    algorithm: point.algorithm,
    seed: chainSeed(scan.seed, point, chain),
  };
}

/** A short description of a point for messages: `SU(2) 8x8 beta 2.2 heatbath`. */
export function describePoint(point: ScanPoint): string {
  return `SU(${point.N}) ${point.dims.join('x')} beta ${point.beta} ${point.algorithm.kind}`;
}

/**
 * Checks a scan: its name, seed and chain count, that its points differ, and that every
 * point's run specification is valid; errors name the point.
 *
 * @throws RangeError/TypeError naming the field, or the point (index and parameters) and the
 *   field of its run specification that is invalid.
 */
export function validateScan(scan: ScanSpec): void {
  const fn = 'validateScan';
  if (typeof scan !== 'object' || scan === null) throw typeError(fn, 'scan', 'a ScanSpec', scan);
  if (typeof scan.name !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(scan.name)) {
    throw rangeError(fn, 'name', 'letters, digits, ".", "_" or "-" (1 to 64)', scan.name);
  }
  checkInteger(fn, 'seed', scan.seed, 0);
  checkInteger(fn, 'chains', scan.chains, 1);
  if (!Array.isArray(scan.points) || scan.points.length === 0) {
    throw rangeError(fn, 'points', 'a non-empty list of points', scan.points);
  }
  const seen = new Map<string, number>();
  scan.points.forEach((point, k) => {
    try {
      validateRunSpec(chainSpec(scan, point, 0));
    } catch (error) {
      if (error instanceof RangeError || error instanceof TypeError) {
        const Kind = error instanceof RangeError ? RangeError : TypeError;
        throw new Kind(`scan point ${k} (${describePoint(point)}): ${error.message}`, {
          cause: error,
        });
      }
      throw error;
    }
    const name = pointName(point);
    const first = seen.get(name);
    if (first !== undefined) {
      throw rangeError(fn, `points[${k}]`, `a point unlike point ${first}`, describePoint(point));
    }
    seen.set(name, k);
  });
}

/**
 * The chains of a scan (point by point, chain 0 first), after {@link validateScan}: each with
 * its run specification and derived seed (./chainSeed.ts) and its file (module header).
 */
export function expandScan(scan: ScanSpec): ScanChain[] {
  validateScan(scan);
  const id = scanId(scan);
  const directory = scanDirectory(scan);
  const stepsPerChain = scan.run.thermalization + scan.run.configurations * scan.run.separation;
  const chains: ScanChain[] = [];
  scan.points.forEach((point, k) => {
    for (let c = 0; c < scan.chains; c++) {
      chains.push({
        scanId: id,
        scanName: scan.name,
        point: k,
        chain: c,
        spec: chainSpec(scan, point, c),
        output: `${directory}/${pointName(point)}/chain-${c}.h5`,
        steps: stepsPerChain,
      });
    }
  });
  return chains;
}
