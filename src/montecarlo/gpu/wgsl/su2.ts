/**
 * SU(2) links in WGSL, float32, as quaternions u = (u0, u1, u2, u3) with
 * U = [[u0 + i u3, u2 + i u1], [-u2 + i u1, u0 - i u3]] (src/sun/subgroups.ts): products are
 * quaternion products, U^+ = (u0, -u1, -u2, -u3), (1/2) Re tr U = u0, and a sum of SU(2)
 * matrices (the staple) is a quaternion too.
 *
 * - Heatbath (Creutz, Phys. Rev. D 21 (1980) 2308): U = X a^+ / |a| with X from
 *   exp(beta |a| x0) dX, a the staple (heatbathQuaternionSU2 of ../../heatbath.ts).
 * - Overrelaxation: U -> b U^+ b with b = a^+ / |a| (overrelaxQuaternionSU2 of
 *   ../../overrelaxation.ts).
 * - Re-unitarisation after every update (DESIGN.md 4): u / |u|.
 *
 * Needs the layout's `links` buffer and `H` (./lattice.ts) and sampleSU2 (./su2Sampler.ts).
 *
 * @module
 */

/** WGSL source of the SU(2) link type and its updates. */
export const SU2_WGSL = /* wgsl */ `
const NC: u32 = 2u;
const LINK_COMPONENTS: u32 = 4u;
alias Link = vec4f;

fn linkZero() -> Link { return vec4f(0.0); }
fn linkIdentity() -> Link { return vec4f(1.0, 0.0, 0.0, 0.0); }
fn linkAdd(a: Link, b: Link) -> Link { return a + b; }
// quaternionMultiply of src/sun/subgroups.ts: (p0 q0 - p.q, p0 q + q0 p - p x q)
fn linkMul(p: Link, q: Link) -> Link {
  return vec4f(p.x * q.x - dot(p.yzw, q.yzw), p.x * q.yzw + q.x * p.yzw - cross(p.yzw, q.yzw));
}
fn linkAdj(a: Link) -> Link { return vec4f(a.x, -a.yzw); }
// (1/2) Re tr
fn linkReTrN(a: Link) -> f32 { return a.x; }

fn linkLoad(mu: u32, parity: u32, i: u32) -> Link {
  let base = (mu * 2u + parity) * LINK_COMPONENTS * H + i;
  return vec4f(links[base], links[base + H], links[base + 2u * H], links[base + 3u * H]);
}
fn linkStore(mu: u32, parity: u32, i: u32, u: Link) {
  let base = (mu * 2u + parity) * LINK_COMPONENTS * H + i;
  links[base] = u.x;
  links[base + H] = u.y;
  links[base + 2u * H] = u.z;
  links[base + 3u * H] = u.w;
}

fn linkHeatbath(u0: Link, staple: Link, beta: f32) -> Link {
  let k = length(staple);
  // alpha = 2 beta k / N = beta k
  let x = sampleSU2(beta * k);
  if (k > 1e-30) { return linkMul(x, linkAdj(staple) / k); }
  // no coupling to the staple: X is Haar-distributed
  return x;
}

fn linkOverrelax(u0: Link, staple: Link) -> Link {
  let k = length(staple);
  if (k < 1e-30) { return u0; }
  let b = linkAdj(staple) / k;
  return linkMul(linkMul(b, linkAdj(u0)), b);
}

fn linkReunitarize(u: Link) -> Link { return normalize(u); }
`;
