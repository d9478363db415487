/**
 * A small seeded stream generator for start configurations, Haar-random elements and tests.
 *
 * xoshiro128** 1.1 (Blackman & Vigna, "Scrambled linear pseudorandom number generators",
 * ACM TOMS 47 (2021) 36), seeded through SplitMix32. Its 32-bit state arithmetic is exact
 * in JavaScript (Math.imul, >>> 0), so the stream is the same on every platform.
 * Monte Carlo updates use the counter-based Philox generator of src/montecarlo instead
 * (DESIGN.md 3), which implements the same {@link UniformRandom} interface.
 *
 * @module
 */
import type { UniformRandom } from '../sun/types.js';
import { checkInteger } from './validate.js';

/** A seeded xoshiro128** stream with uniform and standard normal draws. */
export class Xoshiro128 implements UniformRandom {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal = NaN;

  /**
   * @param seed - any integer in [0, 2^53); equal seeds give equal streams.
   */
  constructor(seed: number) {
    checkInteger('Xoshiro128', 'seed', seed, 0);
    // SplitMix32 on the low and high words of the seed fills the 128-bit state; it never
    // yields the all-zero state for these inputs in practice, and we guard against it.
    let x = (seed >>> 0) ^ Math.imul((seed / 2 ** 32) >>> 0, 0x9e3779b9);
    const next = (): number => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Standard normal draw (Box-Muller, polar-free form; pairs are cached). */
  normal(): number {
    if (!Number.isNaN(this.spareNormal)) {
      const z = this.spareNormal;
      this.spareNormal = NaN;
      return z;
    }
    const u1 = 1 - this.uniform(); // (0, 1]: log is finite
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spareNormal = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Standard normal draw from any source: its own `normal()` if it has one, else Box-Muller. */
export function normalFrom(rng: UniformRandom): number {
  if (rng.normal !== undefined) return rng.normal();
  const u1 = 1 - rng.uniform();
  const u2 = rng.uniform();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
