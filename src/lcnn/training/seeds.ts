/**
 * The random streams of a training run, named. Everything random in training is a function of
 * the run's seed and the epoch, never of what ran before, so that a run resumed from a
 * checkpoint repeats an uninterrupted one exactly and the L-CNN and the baseline CNN see the
 * same batches for the same seed.
 *
 * @module
 */
import { Xoshiro128 } from '../../core/rng.js';

/**
 * The seed of epoch e of a run with seed s is `s * EPOCH_SEED_STRIDE + e`: a prime larger than
 * any epoch count in use, so that runs whose seeds differ share no epoch seed (for fewer than
 * 100,003 epochs).
 */
export const EPOCH_SEED_STRIDE = 100003;

/**
 * XORed into an epoch's seed to seed the augmentation's stream (the multiplier of
 * MurmurHash2), so that the point elements drawn for augmentation are independent of the
 * batch order drawn from the epoch seed itself.
 */
export const AUGMENTATION_SALT = 0x5bd1e995;

/** The seed of one epoch's streams. */
export function epochSeed(seed: number, epoch: number): number {
  return seed * EPOCH_SEED_STRIDE + epoch;
}

/**
 * The order in which an epoch visits the training configurations: a Fisher-Yates shuffle of
 * `train` driven by a xoshiro128** stream seeded with {@link epochSeed}.
 */
export function batchOrder(train: readonly number[], seed: number, epoch: number): number[] {
  const order = [...train];
  const rng = new Xoshiro128(epochSeed(seed, epoch));
  for (let k = order.length - 1; k > 0; k--) {
    const j = Math.floor(rng.uniform() * (k + 1));
    [order[k], order[j]] = [order[j], order[k]];
  }
  return order;
}

/**
 * The stream that draws an epoch's augmentation elements, one per training configuration. The
 * salt is XORed into the low 32 bits of the epoch seed, the high bits kept: for epoch seeds
 * below 2^31 this is the plain `^`, and larger ones (seeds from about 21,475 on, and ensemble
 * members' seeds) stay non-negative instead of wrapping to a negative int32.
 */
export function augmentationStream(seed: number, epoch: number): Xoshiro128 {
  const s = epochSeed(seed, epoch);
  const low = s % 2 ** 32;
  return new Xoshiro128(s - low + ((low ^ AUGMENTATION_SALT) >>> 0));
}

/**
 * The seeds of the members of an ensemble (`lgt train --ensemble M`) step by this prime, so
 * that member 0 has the run's seed (an ensemble of one is the plain run) and ensembles whose
 * seeds differ by less than it share no member.
 */
export const MEMBER_SEED_STRIDE = 1000003;

/**
 * The seed of member `member` (from 0) of an ensemble trained with seed s:
 * `s + member * MEMBER_SEED_STRIDE`; it seeds the member's weights and its batch order and
 * augmentation draws, as `--seed` does for a single model.
 */
export function memberSeed(seed: number, member: number): number {
  return seed + member * MEMBER_SEED_STRIDE;
}
