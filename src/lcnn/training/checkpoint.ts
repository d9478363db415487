/**
 * Training checkpoints: one JSON file, rewritten atomically after every epoch, holding what
 * the loop needs to continue bit for bit (the weights, the best weights so far and their
 * epoch, the optimiser's state, the metrics history) and the model spec it belongs to.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../core/atomicWrite.js';
import { FileError } from '../../core/fileError.js';
import type { EpochMetrics } from './learner.js';

/** The format tag of training checkpoints. */
export const CHECKPOINT_FORMAT = 'lattice-gauge-training-checkpoint';

/** The contents of a training checkpoint. */
export interface TrainCheckpoint {
  /** Always {@link CHECKPOINT_FORMAT}. */
  format: typeof CHECKPOINT_FORMAT;
  /** The model spec (a checkpoint resumes only into the same spec). */
  spec: unknown;
  /** The last finished epoch. */
  epoch: number;
  /** The weights after that epoch (the learner's JSON form). */
  weights: unknown;
  /** The weights of the best epoch so far. */
  bestWeights: unknown;
  /** The best epoch so far (0: none). */
  bestEpoch: number;
  /** Its validation loss. */
  bestValidationLoss: number;
  /** The optimiser's state (the learner's JSON form). */
  optimizer: unknown;
  /** Metrics of every finished epoch. */
  history: EpochMetrics[];
}

/** Writes a checkpoint atomically (a crash leaves the previous one or this one). */
export async function writeTrainCheckpoint(path: string, c: TrainCheckpoint): Promise<void> {
  await writeFileAtomic(path, [new TextEncoder().encode(JSON.stringify(c))]);
}

/**
 * Reads a checkpoint and checks that it belongs to `spec`.
 *
 * @throws FileError naming the file for an unreadable file, another format or another spec.
 */
export function readTrainCheckpoint(path: string, spec: unknown): TrainCheckpoint {
  let c: TrainCheckpoint;
  try {
    c = JSON.parse(readFileSync(path, 'utf8')) as TrainCheckpoint;
  } catch (error) {
    throw new FileError(`training checkpoint ${path}: unreadable (${(error as Error).message})`);
  }
  if (c.format !== CHECKPOINT_FORMAT) {
    throw new FileError(
      `training checkpoint ${path}: invalid format: expected ${CHECKPOINT_FORMAT}, got ${String(c.format)}`,
    );
  }
  if (JSON.stringify(c.spec) !== JSON.stringify(spec)) {
    throw new FileError(
      `training checkpoint ${path}: model spec mismatch: checkpoint has ${JSON.stringify(c.spec)}, run has ${JSON.stringify(spec)}`,
    );
  }
  return c;
}
