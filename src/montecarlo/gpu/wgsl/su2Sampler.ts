/**
 * The SU(2) heatbath sampler of ../../su2Sampler.ts in WGSL, float32: X = x0 + i x.sigma with
 * density exp(alpha x0) dX. x0 by Creutz's method (Phys. Rev. D 21 (1980) 2308) below
 * alpha = 2 and by Kennedy & Pendleton's (Phys. Lett. B 156 (1985) 393) above; x on the sphere
 * of radius sqrt(1 - x0^2) by Marsaglia's method (Ann. Math. Statist. 43 (1972) 645). The
 * uniform draws come in the CPU's order, so a site's accept/reject decisions are the CPU's
 * except where a float32 value lands within rounding of the boundary.
 *
 * Float32 care in Creutz's step: x0 = 1 + ln(e + (1 - e) u) / alpha with e = exp(-2 alpha) is
 * evaluated as 1 + log1p(-m (1 - u)) / alpha with m = -expm1(-2 alpha), both through the
 * rounding-error-cancelling forms of Goldberg (ACM Comput. Surv. 23 (1991) 5, Theorem 4) and
 * Kahan, so small alpha (a weak staple) keeps full relative precision.
 *
 * The cosine of Kennedy-Pendleton's step is computed here ({@link SU2_SAMPLER_WGSL}'s
 * `cos2Pi`), not by WGSL's cos: the WGSL spec allows cos an absolute error of 2^-11 (and none
 * at all outside [-pi, pi]), and implementations use it: SwiftShader's (Chromium's software
 * adapter) moved heatbath links by up to 2e-3 from the CPU's, where Mesa's and the
 * polynomial below stay within float32 rounding (test/web/page.test.ts).
 *
 * Needs PHILOX_WGSL (rngUniform). Defines `sampleSU2(alpha) -> vec4f`.
 *
 * @module
 */

/** WGSL source of the sampler. */
export const SU2_SAMPLER_WGSL = /* wgsl */ `
const TWO_PI: f32 = 6.283185307179586;
// Below this alpha Creutz's sampler runs, above it Kennedy-Pendleton's (CREUTZ_BELOW_ALPHA).
const CREUTZ_BELOW_ALPHA: f32 = 2.0;

// log(1 + z), accurate for small z (Goldberg 1991, Theorem 4).
fn log1pAccurate(z: f32) -> f32 {
  let w = 1.0 + z;
  if (w == 1.0) { return z; }
  return log(w) * z / (w - 1.0);
}

// exp(x) - 1, accurate for small x (Kahan's form).
fn expm1Accurate(x: f32) -> f32 {
  let w = exp(x);
  if (w == 1.0) { return x; }
  if (w - 1.0 == -1.0) { return -1.0; }
  return (w - 1.0) * x / log(w);
}

// cos(2 pi u) for u in [0, 1], to a few float32 ulps on every implementation: the nearest
// quarter turn k/4 is taken out exactly (u - k/4 is exact: both are multiples of 2^-25), then
// cos(k pi/2 + r) = cos r, -sin r, -cos r, sin r for k mod 4 = 0..3, with |r| <= pi/4 and the
// Taylor polynomials of cos to r^10 and sin to r^9 (truncation below 2e-9).
fn cos2Pi(u: f32) -> f32 {
  let k = round(4.0 * u);
  let r = TWO_PI * (u - 0.25 * k);
  let r2 = r * r;
  let c = 1.0 + r2 * (-0.5 + r2 * (1.0 / 24.0 + r2 * (-1.0 / 720.0 + r2 * (1.0 / 40320.0 + r2 * (-1.0 / 3628800.0)))));
  let s = r * (1.0 + r2 * (-1.0 / 6.0 + r2 * (1.0 / 120.0 + r2 * (-1.0 / 5040.0 + r2 * (1.0 / 362880.0)))));
  let q = i32(k) & 3;
  if (q == 0) { return c; }
  if (q == 1) { return -s; }
  if (q == 2) { return -c; }
  return s;
}

// x0 with density sqrt(1 - x0^2) exp(alpha x0) on [-1, 1] (sampleX0 of su2Sampler.ts).
fn sampleX0(alpha: f32) -> f32 {
  if (alpha < CREUTZ_BELOW_ALPHA) {
    if (alpha < 1e-8) {
      // Haar measure: x0 has density sqrt(1 - x0^2); accept-reject on a box
      loop {
        let x0 = 2.0 * rngUniform() - 1.0;
        if (rngUniform() <= sqrt(1.0 - x0 * x0)) { return x0; }
      }
    }
    // Creutz: x0 = 1 + ln(u')/alpha, u' uniform in [e^{-2 alpha}, 1]: density exp(alpha x0);
    // accept with probability sqrt(1 - x0^2)
    let m = -expm1Accurate(-2.0 * alpha);
    loop {
      let u = rngUniform();
      let x0 = 1.0 + log1pAccurate(-m * (1.0 - u)) / alpha;
      if (rngUniform() <= sqrt(max(0.0, 1.0 - x0 * x0))) { return x0; }
    }
  }
  // Kennedy-Pendleton: lambda^2 = -(ln r1 + cos^2(2 pi r2) ln r3) / (2 alpha) has density
  // lambda^2 exp(-2 alpha lambda^2); accept with probability sqrt(1 - lambda^2); x0 = 1 - 2 lambda^2
  loop {
    let c = cos2Pi(rngUniform());
    let lambda2 = -(log(rngUniform()) + c * c * log(rngUniform())) / (2.0 * alpha);
    let r = rngUniform();
    if (r * r <= 1.0 - lambda2) { return 1.0 - 2.0 * lambda2; }
  }
}

// A quaternion from exp(alpha x0) dX (sampleSU2 of su2Sampler.ts).
fn sampleSU2(alpha: f32) -> vec4f {
  let x0 = sampleX0(alpha);
  let r = sqrt(max(0.0, 1.0 - x0 * x0));
  var v1: f32;
  var v2: f32;
  var s: f32;
  loop {
    v1 = 2.0 * rngUniform() - 1.0;
    v2 = 2.0 * rngUniform() - 1.0;
    s = v1 * v1 + v2 * v2;
    if (s < 1.0) { break; }
  }
  let f = 2.0 * r * sqrt(1.0 - s);
  return vec4f(x0, f * v1, f * v2, r * (1.0 - 2.0 * s));
}
`;
