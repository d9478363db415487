/**
 * Philox4x32-10 in WGSL (Salmon, Moraes, Dror and Shaw, "Parallel random numbers: as easy as
 * 1, 2, 3", SC11 (2011), section 5), with the counters of ../../philox.ts (SiteStream):
 *
 *     c0 = block, c1 = site, c2 = sweep, c3 = stream * 2^16 + kind * 2^8 + mu * 2 + parity,
 *     key = (seed mod 2^32, floor(seed / 2^32)),
 *
 * so a site draws the same 32-bit words on the GPU as on the CPU, in the same order.
 *
 * WGSL has no 64-bit integers: the high word of each 32 x 32-bit product is assembled from
 * four 16 x 16-bit partial products, as the CPU code does (mulhi there). u32 arithmetic wraps
 * modulo 2^32 at run time, as the algorithm needs.
 *
 * Uniform draws are float32: u = (floor(w / 2^8) + 1/2) / 2^24, the top 24 bits of the word,
 * in the open interval (0, 1) (the CPU's (w + 1/2) / 2^32 would round to 1 in float32 for the
 * largest words); it differs from the CPU's draw by less than 2^-24.
 *
 * The state lives in private (per-invocation) variables; {@link PHILOX_WGSL} defines
 * `rngReset(site, sweep, c3, k0, k1)`, `rngNextU32()` and `rngUniform()`.
 *
 * @module
 */

/** WGSL source of the generator and the per-invocation stream. */
export const PHILOX_WGSL = /* wgsl */ `
const PHILOX_M0: u32 = 0xd2511f53u;
const PHILOX_M1: u32 = 0xcd9e8d57u;
const PHILOX_W0: u32 = 0x9e3779b9u;
const PHILOX_W1: u32 = 0xbb67ae85u;

// High 32 bits of a * b: a b = ah bh 2^32 + (ah bl + al bh) 2^16 + al bl (every partial
// product below 2^32), plus the carry out of the low word.
fn philoxMulhi(a: u32, b: u32) -> u32 {
  let ah = a >> 16u;
  let al = a & 0xffffu;
  let bh = b >> 16u;
  let bl = b & 0xffffu;
  let hl = ah * bl;
  let lh = al * bh;
  let carry = (((al * bl) >> 16u) + (hl & 0xffffu) + (lh & 0xffffu)) >> 16u;
  return ah * bh + (hl >> 16u) + (lh >> 16u) + carry;
}

// Random123 philox4x32_R(10, ctr, key): ten rounds, the key bumped by the Weyl constants
// between them.
fn philox4x32(ctr: vec4u, key: vec2u) -> vec4u {
  var c = ctr;
  var k = key;
  for (var round = 0u; round < 10u; round++) {
    let hi0 = philoxMulhi(PHILOX_M0, c.x);
    let lo0 = PHILOX_M0 * c.x;
    let hi1 = philoxMulhi(PHILOX_M1, c.z);
    let lo1 = PHILOX_M1 * c.z;
    c = vec4u(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
    k = k + vec2u(PHILOX_W0, PHILOX_W1);
  }
  return c;
}

var<private> rngCounter: vec4u;
var<private> rngKey: vec2u;
var<private> rngWords: vec4u;
var<private> rngUsed: u32;

// The stream of one site in one update, from its first draw (SiteStream.reset).
fn rngReset(site: u32, sweep: u32, c3: u32, k0: u32, k1: u32) {
  rngCounter = vec4u(0u, site, sweep, c3);
  rngKey = vec2u(k0, k1);
  rngUsed = 4u;
}

fn rngNextU32() -> u32 {
  if (rngUsed == 4u) {
    rngWords = philox4x32(rngCounter, rngKey);
    rngCounter.x = rngCounter.x + 1u;
    rngUsed = 0u;
  }
  let w = rngWords[rngUsed];
  rngUsed = rngUsed + 1u;
  return w;
}

fn rngUniform() -> f32 {
  return (f32(rngNextU32() >> 8u) + 0.5) * (1.0 / 16777216.0);
}
`;
