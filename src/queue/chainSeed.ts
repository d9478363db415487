/**
 * The seed of each chain of a scan, derived from the scan's seed and the chain's coordinates,
 * so that a chain's ensemble is a function of the scan file alone: whichever worker runs it,
 * however often it is retried, and in whatever order the chains run.
 *
 * Derivation: the SHA-256 digest (FIPS 180-4) of the canonical JSON (./canonicalJson.ts,
 * RFC 8785 key order) of the array
 *
 * ```text
 * [scanSeed, {"N": N, "algorithm": {...}, "beta": beta, "dims": [...]}, chainIndex]
 * ```
 *
 * read as a big-endian integer; its top 53 bits are the seed, an integer in [0, 2^53) as
 * `RunSpec.seed` requires. In Python:
 * `int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big") >> 11`.
 *
 * The point enters with the parameters that make it a point of the grid (group, extents,
 * coupling, algorithm and its parameters), not with its index in the grid: adding a beta to
 * a scan leaves the other chains' seeds, and so their ensembles, unchanged.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import type { AlgorithmSpec } from '../montecarlo/algorithm.js';
import { checkInteger } from '../core/validate.js';
import { canonicalJson } from './canonicalJson.js';

/** A point of a scan's grid: what distinguishes its chains' run specifications. */
export interface ScanPoint {
  /** Number of colours. */
  N: number;
  /** Lattice extents, time last. */
  dims: number[];
  /** The coupling. */
  beta: number;
  /** The update and its parameters (as in a run specification: a step may be `auto`). */
  algorithm: AlgorithmSpec;
}

/** The text whose SHA-256 digest gives the seed of chain `chain` of `point` (module header). */
export function chainSeedText(scanSeed: number, point: ScanPoint, chain: number): string {
  const { N, dims, beta, algorithm } = point;
  return canonicalJson([scanSeed, { N, algorithm, beta, dims }, chain]);
}

/**
 * The seed of chain `chain` (0, 1, ...) of `point` in a scan seeded with `scanSeed`: the top
 * 53 bits of SHA-256 of {@link chainSeedText} (module header).
 *
 * @throws RangeError when scanSeed is not an integer in [0, 2^53) or chain not an integer >= 0.
 */
export function chainSeed(scanSeed: number, point: ScanPoint, chain: number): number {
  checkInteger('chainSeed', 'scanSeed', scanSeed, 0);
  checkInteger('chainSeed', 'chain', chain, 0);
  const digest = createHash('sha256')
    .update(chainSeedText(scanSeed, point, chain))
    .digest();
  return Number(digest.readBigUInt64BE(0) >> 11n);
}
