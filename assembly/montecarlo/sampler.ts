// The SU(2) heatbath draw of src/montecarlo/su2Sampler.ts, statement for statement, with the
// same random numbers in the same order and the host's log, cos and exp: X = x0 + i x.sigma
// from exp(alpha x0) dX, x0 by Creutz (Phys. Rev. D 21 (1980) 2308) below alpha = 2 and by
// Kennedy & Pendleton (Phys. Lett. B 156 (1985) 393) above, the direction by Marsaglia's method
// (Ann. Math. Statist. 43 (1972) 645). The quaternion goes to the globals draw0..draw3.

import { cos, exp, log } from '../common/host';
import { uniform } from './philox';

/** CREUTZ_BELOW_ALPHA of su2Sampler.ts. */
const CREUTZ_BELOW_ALPHA: f64 = 2;

/** The last draw of {@link sampleSU2}. */
export let draw0: f64 = 0;
export let draw1: f64 = 0;
export let draw2: f64 = 0;
export let draw3: f64 = 0;

/** x0 with density sqrt(1 - x0^2) exp(alpha x0) on [-1, 1] (sampleX0). */
function sampleX0(alpha: f64): f64 {
  if (alpha < CREUTZ_BELOW_ALPHA) {
    if (alpha < 1e-8) {
      for (;;) {
        const x0 = 2 * uniform() - 1;
        if (uniform() <= Math.sqrt(1 - x0 * x0)) return x0;
      }
    }
    const e = exp(-2 * alpha);
    for (;;) {
      const x0 = 1 + log(e + (1 - e) * uniform()) / alpha;
      if (uniform() <= Math.sqrt(Math.max(0, 1 - x0 * x0))) return x0;
    }
  }
  for (;;) {
    const c = cos(2 * Math.PI * uniform());
    const l1 = log(uniform());
    const l3 = log(uniform());
    const lambda2 = -(l1 + c * c * l3) / (2 * alpha);
    const r = uniform();
    if (r * r <= 1 - lambda2) return 1 - 2 * lambda2;
  }
  // every loop above returns
  return unreachable();
}

/** A quaternion from exp(alpha x0) dX into draw0..draw3 (sampleSU2). */
export function sampleSU2(alpha: f64): void {
  const x0 = sampleX0(alpha);
  const r = Math.sqrt(Math.max(0, 1 - x0 * x0));
  let v1: f64;
  let v2: f64;
  let s: f64;
  do {
    v1 = 2 * uniform() - 1;
    v2 = 2 * uniform() - 1;
    s = v1 * v1 + v2 * v2;
  } while (s >= 1);
  const f = 2 * r * Math.sqrt(1 - s);
  draw0 = x0;
  draw1 = f * v1;
  draw2 = f * v2;
  draw3 = r * (1 - 2 * s);
}
