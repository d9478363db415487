// Philox4x32-10 (Salmon, Moraes, Dror, Shaw, SC11 (2011), section 5) and the per-site random
// stream of src/montecarlo/philox.ts (SiteStream), with the same counters and the same words:
// counter (block, site, sweep, stream word), key = the run's seed. Here the 32 x 32-bit products
// are one 64-bit multiply each (TypeScript assembles them from four 16-bit products).
//
// The stream's state lives in globals: one instance per thread, so every thread has its own.

const M0: u64 = 0xd2511f53;
const M1: u64 = 0xcd9e8d57;
const W0: u32 = 0x9e3779b9;
const W1: u32 = 0xbb67ae85;

let key0: u32 = 0;
let key1: u32 = 0;
let counter1: u32 = 0;
let counter2: u32 = 0;
let counter3: u32 = 0;
let block: u32 = 0;
let used: i32 = 4;
let word0: u32 = 0;
let word1: u32 = 0;
let word2: u32 = 0;
let word3: u32 = 0;
let word4: u32 = 0;
let word5: u32 = 0;
let word6: u32 = 0;
let word7: u32 = 0;

/** The words of the last {@link philoxBlock}. */
export let out0: u32 = 0;
export let out1: u32 = 0;
export let out2: u32 = 0;
export let out3: u32 = 0;

/** One Philox4x32-10 block of counter (c0, c1, c2, c3) and key (k0, k1) into out0..out3. */
// @ts-ignore: decorator
@inline
export function philoxBlock(c0: u32, c1: u32, c2: u32, c3: u32, k0: u32, k1: u32): void {
  for (let round = 0; round < 10; round++) {
    // Random123 philox4x32round: (hi, lo) of M0 c0 and of M1 c2
    const p0 = M0 * <u64>c0;
    const p1 = M1 * <u64>c2;
    const hi0 = <u32>(p0 >> 32);
    const hi1 = <u32>(p1 >> 32);
    c0 = hi1 ^ c1 ^ k0;
    c1 = <u32>p1;
    c2 = hi0 ^ c3 ^ k1;
    c3 = <u32>p0;
    k0 += W0;
    k1 += W1;
  }
  out0 = c0;
  out1 = c1;
  out2 = c2;
  out3 = c3;
}

/** Sets the key: the run's seed as (low, high) 32-bit words (philoxKey of philox.ts). */
// @ts-ignore: decorator
@inline
export function setKey(k0: u32, k1: u32): void {
  key0 = k0;
  key1 = k1;
}

/** Points the stream at one site's draws (SiteStream.reset): c1 = site, c2 = sweep, c3. */
// @ts-ignore: decorator
@inline
export function resetStream(site: u32, sweep: u32, word: u32): void {
  counter1 = site;
  counter2 = sweep;
  counter3 = word;
  block = 0;
  used = 8;
}

/**
 * The next two blocks of the stream (block and block + 1) into word0..word7, computed side by
 * side: each block is a chain of ten dependent 64-bit multiplies, so two chains interleaved
 * take about the time of one. The words are those of SiteStream, in its order.
 */
function refill(): void {
  let a0 = block;
  let a1 = counter1;
  let a2 = counter2;
  let a3 = counter3;
  let b0 = block + 1;
  let b1 = counter1;
  let b2 = counter2;
  let b3 = counter3;
  let k0 = key0;
  let k1 = key1;
  for (let round = 0; round < 10; round++) {
    const pa0 = M0 * <u64>a0;
    const pa1 = M1 * <u64>a2;
    const pb0 = M0 * <u64>b0;
    const pb1 = M1 * <u64>b2;
    a0 = <u32>(pa1 >> 32) ^ a1 ^ k0;
    a1 = <u32>pa1;
    a2 = <u32>(pa0 >> 32) ^ a3 ^ k1;
    a3 = <u32>pa0;
    b0 = <u32>(pb1 >> 32) ^ b1 ^ k0;
    b1 = <u32>pb1;
    b2 = <u32>(pb0 >> 32) ^ b3 ^ k1;
    b3 = <u32>pb0;
    k0 += W0;
    k1 += W1;
  }
  word0 = a0;
  word1 = a1;
  word2 = a2;
  word3 = a3;
  word4 = b0;
  word5 = b1;
  word6 = b2;
  word7 = b3;
  block += 2;
  used = 0;
}

/** The next uniform draw in (0, 1): (w + 1/2) 2^-32 of the next word (SiteStream.uniform). */
// @ts-ignore: decorator
@inline
export function uniform(): f64 {
  if (used == 8) refill();
  const k = used;
  used = k + 1;
  const w =
    k < 4
      ? k < 2
        ? k == 0
          ? word0
          : word1
        : k == 2
          ? word2
          : word3
      : k < 6
        ? k == 4
          ? word4
          : word5
        : k == 6
          ? word6
          : word7;
  return (<f64>w + 0.5) * 2.3283064365386963e-10;
}
