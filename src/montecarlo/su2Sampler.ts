/**
 * Sampling SU(2) from the heatbath distribution
 *
 *     dP(X) ~ exp(alpha x0) dX  (Haar dX),  X = x0 + i x.sigma,  x0^2 + |x|^2 = 1,
 *
 * whose x0-marginal is sqrt(1 - x0^2) exp(alpha x0) on [-1, 1], with x uniform on the sphere
 * of radius sqrt(1 - x0^2). Two exact samplers: Creutz's (Phys. Rev. D 21 (1980) 2308),
 * efficient for small alpha, and Kennedy & Pendleton's (Phys. Lett. B 156 (1985) 393),
 * efficient for large alpha; we switch at alpha = 2 (their acceptance rates cross there
 * roughly, and either is exact everywhere).
 *
 * @module
 */
import type { UniformRandom } from '../sun/types.js';

/** Below this alpha Creutz's sampler is used, above it Kennedy-Pendleton's. */
export const CREUTZ_BELOW_ALPHA = 2;

/** Draws x0 with density proportional to sqrt(1 - x0^2) exp(alpha x0) on [-1, 1]. */
export function sampleX0(alpha: number, rng: UniformRandom): number {
  if (alpha < CREUTZ_BELOW_ALPHA) {
    if (alpha < 1e-8) {
      // alpha -> 0: Haar measure, x0 has density sqrt(1 - x0^2); accept-reject on a box
      for (;;) {
        const x0 = 2 * rng.uniform() - 1;
        if (rng.uniform() <= Math.sqrt(1 - x0 * x0)) return x0;
      }
    }
    // Creutz: x0 = 1 + ln(u)/alpha with u uniform in [e^{-2 alpha}, 1] has density
    // ~ exp(alpha x0) on [-1, 1]; accept with probability sqrt(1 - x0^2).
    const e = Math.exp(-2 * alpha);
    for (;;) {
      const x0 = 1 + Math.log(e + (1 - e) * rng.uniform()) / alpha;
      if (rng.uniform() <= Math.sqrt(Math.max(0, 1 - x0 * x0))) return x0;
    }
  }
  // Kennedy-Pendleton: lambda^2 = -(ln r1 + cos^2(2 pi r2) ln r3) / (2 alpha) has density
  // ~ lambda^2 exp(-2 alpha lambda^2) d lambda; accept with probability sqrt(1 - lambda^2);
  // x0 = 1 - 2 lambda^2.
  for (;;) {
    const c = Math.cos(2 * Math.PI * rng.uniform());
    const lambda2 = -(Math.log(rng.uniform()) + c * c * Math.log(rng.uniform())) / (2 * alpha);
    const r = rng.uniform();
    if (r * r <= 1 - lambda2) return 1 - 2 * lambda2;
  }
}

/**
 * Writes a quaternion (x0, x1, x2, x3) drawn from exp(alpha x0) dX into out[oOff..oOff+3]:
 * x0 from {@link sampleX0}, (x1, x2, x3) = sqrt(1 - x0^2) n with n uniform on the unit sphere
 * by Marsaglia's method (Ann. Math. Statist. 43 (1972) 645): (v1, v2) uniform in the unit disc
 * by rejection from the square, s = v1^2 + v2^2, n = (2 v1 sqrt(1 - s), 2 v2 sqrt(1 - s),
 * 1 - 2 s). About 2.5 uniform draws and one square root instead of two draws, a cosine and a
 * sine (in V8 a cosine costs about as much as two Philox draws).
 */
export function sampleSU2(
  out: Float64Array,
  oOff: number,
  alpha: number,
  rng: UniformRandom,
): Float64Array {
  const x0 = sampleX0(alpha, rng);
  const r = Math.sqrt(Math.max(0, 1 - x0 * x0));
  let v1: number;
  let v2: number;
  let s: number;
  do {
    v1 = 2 * rng.uniform() - 1;
    v2 = 2 * rng.uniform() - 1;
    s = v1 * v1 + v2 * v2;
  } while (s >= 1);
  const f = 2 * r * Math.sqrt(1 - s);
  out[oOff] = x0;
  out[oOff + 1] = f * v1;
  out[oOff + 2] = f * v2;
  out[oOff + 3] = r * (1 - 2 * s);
  return out;
}
