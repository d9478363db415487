/**
 * Philox4x32-10, the counter-based random number generator of Salmon, Moraes, Dror and Shaw,
 * "Parallel random numbers: as easy as 1, 2, 3", SC11 (2011), section 5 (the Random123
 * library's `philox4x32`, 10 rounds).
 *
 * A block of four 32-bit words is a pure function of a 128-bit counter and a 64-bit key:
 * no state, so any site of any sweep can draw its numbers in any order, on any thread or on
 * the GPU, and get the same numbers. The key is the user's seed; the counter names the
 * (sweep, update kind, direction, parity, site, draw) as DESIGN.md 3 lays out, see
 * {@link SiteStream}.
 *
 * 32-bit products: V8 has no 64-bit integer multiply on numbers, so the high word of each
 * 32 x 32-bit product is assembled from four 16 x 16-bit partial products in int32
 * arithmetic (Math.imul); the low word is Math.imul itself. Words travel as int32 bit
 * patterns and are stored into a Uint32Array, which reads them back unsigned.
 *
 * @module
 */
import type { UniformRandom } from '../sun/types.js';
import { checkInteger } from '../core/validate.js';

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;
/** 16-bit halves of the multipliers: M = MH 2^16 + ML. */
const M0H = M0 >>> 16;
const M0L = M0 & 0xffff;
const M1H = M1 >>> 16;
const M1L = M1 & 0xffff;

/**
 * High 32 bits of the 64-bit product (ah 2^16 + al) * b for 16-bit halves ah, al and a 32-bit
 * word b (any int32 bit pattern), exactly. With b = bh 2^16 + bl:
 *
 *     a b = ah bh 2^32 + (ah bl + al bh) 2^16 + al bl,
 *
 * every partial product below 2^32 (Math.imul keeps its bits), so the high word is
 * ah bh + hi16(ah bl) + hi16(al bh) + the carry hi16(hi16(al bl) + lo16(ah bl) + lo16(al bh)),
 * summed modulo 2^32: integer operations only. Splitting into exact 48-bit double products
 * instead needs two Math.floor roundings and conversions per product and measured 63 ns per
 * block against 45 ns for this form (Node 20, bench machine). C does a block in a few ns with
 * a 64-bit multiply: the random numbers are a large part of a JS heatbath (bench/RESULTS.md).
 */
function mulhi(ah: number, al: number, b: number): number {
  const bh = b >>> 16;
  const bl = b & 0xffff;
  const hl = Math.imul(ah, bl);
  const lh = Math.imul(al, bh);
  const carry = ((Math.imul(al, bl) >>> 16) + (hl & 0xffff) + (lh & 0xffff)) >>> 16;
  return (Math.imul(ah, bh) + (hl >>> 16) + (lh >>> 16) + carry) | 0;
}

/**
 * One Philox4x32-10 block: out[oOff..oOff+3] = philox(counter c0..c3, key k0, k1), all words
 * unsigned 32-bit integers. Returns out.
 */
export function philox4x32(
  out: Uint32Array,
  oOff: number,
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  k0: number,
  k1: number,
): Uint32Array {
  for (let round = 0; round < 10; round++) {
    // Random123 philox4x32round: (hi(M0 c0), lo(M0 c0)), (hi(M1 c2), lo(M1 c2)),
    // c = (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0); the key is bumped between rounds.
    const hi0 = mulhi(M0H, M0L, c0);
    const lo0 = Math.imul(M0, c0);
    const hi1 = mulhi(M1H, M1L, c2);
    const lo1 = Math.imul(M1, c2);
    c0 = hi1 ^ c1 ^ k0;
    c1 = lo1;
    c2 = hi0 ^ c3 ^ k1;
    c3 = lo0;
    k0 = (k0 + W0) | 0;
    k1 = (k1 + W1) | 0;
  }
  out[oOff] = c0;
  out[oOff + 1] = c1;
  out[oOff + 2] = c2;
  out[oOff + 3] = c3;
  return out;
}

/** The kinds of draw that own separate counter spaces (DESIGN.md 3). */
export const DrawKind = {
  /** Hot starts (Haar-random links). */
  start: 0,
  /** Heatbath link updates. */
  heatbath: 1,
  /** Overrelaxation (draws nothing; reserved). */
  overrelaxation: 2,
  /** Metropolis proposals and accept/reject draws. */
  metropolis: 3,
  /** HMC momentum refresh. */
  hmcMomenta: 4,
  /** HMC accept/reject. */
  hmcAccept: 5,
  /** Random gauge transformations. */
  gaugeTransformation: 6,
} as const;

/**
 * The random stream of one site in one update: counter words
 *
 *     c0 = block index (draws of this site, in blocks of four words),
 *     c1 = site, c2 = sweep, c3 = stream * 2^16 + kind * 2^8 + direction * 2 + parity,
 *
 * key = (seed mod 2^32, floor(seed / 2^32)). `stream` separates independent chains of one
 * run (e.g. the index of the beta value). Each site owns its counters, so rejection
 * sampling may consume any number of draws without disturbing other sites; results are
 * therefore independent of how sites are split over threads.
 *
 * A uniform draw uses one 32-bit word: u = (w + 1/2) / 2^32, in the open interval (0, 1),
 * so logarithms are always finite; the resolution 2^-32 is far below any Monte Carlo
 * acceptance probability we resolve.
 */
/**
 * The Philox key of a run's seed in [0, 2^53): its low and high 32-bit words (shared by
 * {@link SiteStream} and the GPU kernels, so both draw the same numbers).
 */
export function philoxKey(seed: number): [number, number] {
  return [seed >>> 0, Math.floor(seed / 4294967296) >>> 0];
}

/**
 * The counter word that tells the updates of one site apart: chain (stream), draw kind,
 * direction and parity (shared by {@link SiteStream.reset} and the GPU kernels).
 */
export function streamCounterWord(
  kind: number,
  direction: number,
  parity: number,
  stream = 0,
): number {
  return (stream * 65536 + kind * 256 + direction * 2 + parity) >>> 0;
}

export class SiteStream implements UniformRandom {
  private k0 = 0;
  private k1 = 0;
  private c1 = 0;
  private c2 = 0;
  private c3 = 0;
  private block = 0;
  private readonly words = new Uint32Array(4);
  private used = 4;
  private spareNormal = NaN;

  /** @param seed - the run's seed, an integer in [0, 2^53). */
  constructor(seed: number) {
    checkInteger('SiteStream', 'seed', seed, 0);
    [this.k0, this.k1] = philoxKey(seed);
  }

  /** Points the stream at the draws of one site in one update, from the first draw. */
  reset(
    site: number,
    sweep: number,
    kind: number,
    direction: number,
    parity: number,
    stream = 0,
  ): this {
    this.c1 = site >>> 0;
    this.c2 = sweep >>> 0;
    this.c3 = streamCounterWord(kind, direction, parity, stream);
    this.block = 0;
    this.used = 4;
    this.spareNormal = NaN;
    return this;
  }

  /** The next 32-bit word of the stream. */
  nextUint32(): number {
    if (this.used === 4) this.refill();
    return this.words[this.used++];
  }

  /**
   * Uniform draw in (0, 1). Written out rather than through nextUint32, so that the part
   * V8 inlines at every call site of the samplers stays small.
   */
  uniform(): number {
    if (this.used === 4) this.refill();
    return (this.words[this.used++] + 0.5) * 2.3283064365386963e-10;
  }

  /** Computes the next block of four words. */
  private refill(): void {
    philox4x32(this.words, 0, this.block, this.c1, this.c2, this.c3, this.k0, this.k1);
    this.block++;
    this.used = 0;
  }

  /** Standard normal draw (Box-Muller; the second value of a pair is kept for the next call). */
  normal(): number {
    if (!Number.isNaN(this.spareNormal)) {
      const z = this.spareNormal;
      this.spareNormal = NaN;
      return z;
    }
    const r = Math.sqrt(-2 * Math.log(this.uniform()));
    const phi = 2 * Math.PI * this.uniform();
    this.spareNormal = r * Math.sin(phi);
    return r * Math.cos(phi);
  }

  /** Exponential draw with rate 1. */
  exponential(): number {
    return -Math.log(this.uniform());
  }
}
