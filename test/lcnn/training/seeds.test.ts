/**
 * The named random streams of training: the augmentation stream of small seeds is the one it
 * always was, and large seeds (ensemble members' seeds) give a stream instead of an error.
 */
import { describe, expect, it } from 'vitest';
import { Xoshiro128 } from '../../../src/core/rng.js';
import {
  AUGMENTATION_SALT,
  augmentationStream,
  epochSeed,
  memberSeed,
} from '../../../src/lcnn/training/seeds.js';

describe('training seeds', () => {
  it('the augmentation stream of a small seed is seeded with epochSeed ^ salt, as before', () => {
    const a = augmentationStream(7, 3);
    const b = new Xoshiro128(epochSeed(7, 3) ^ AUGMENTATION_SALT);
    expect([a.uniform(), a.uniform()]).toEqual([b.uniform(), b.uniform()]);
  });

  it('the augmentation stream of a seed whose epoch seed passes 2^31 exists and differs per seed and epoch', () => {
    const draws = (seed: number, epoch: number) => augmentationStream(seed, epoch).uniform();
    expect(epochSeed(30000, 1)).toBeGreaterThan(2 ** 31);
    const values = [draws(30000, 1), draws(30000, 2), draws(memberSeed(1, 1), 1)];
    expect(new Set(values).size).toBe(3);
  });

  it('member 0 of an ensemble has the run seed, the others step by the stride', () => {
    expect(memberSeed(5, 0)).toBe(5);
    expect(memberSeed(5, 2)).toBe(5 + 2 * 1000003);
  });
});
