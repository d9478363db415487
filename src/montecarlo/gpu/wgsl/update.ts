/**
 * The checkerboard pass kernel (../../checkerboard.ts on the GPU): one thread per link
 * U_mu(x) of the pass's direction and parity. It sums the staple (../../../lattice/staple.ts,
 * Gattringer & Lang eqs. (4.19)-(4.20)),
 *
 *     A_mu(x) = sum_{nu != mu} [ U_nu(x+mu) U_mu(x+nu)^+ U_nu(x)^+
 *                              + (U_mu(x-nu) U_nu(x+mu-nu))^+ U_nu(x-nu) ],
 *
 * whose links all belong to other (direction, parity) blocks than the ones written, then
 * applies the heatbath (drawing from its site's Philox stream, reset as the CPU's
 * updatePassRange does) or overrelaxation, and re-unitarises the new link.
 *
 * @module
 */
import { DrawKind } from '../../philox.js';

/** Words of the per-pass uniform block (and its layout in {@link UPDATE_WGSL}). */
export const PASS_WORDS = 8;

/** WGSL source of the pass kernel (needs the lattice, group, sampler and Philox sources). */
export const UPDATE_WGSL = /* wgsl */ `
const KIND_HEATBATH: u32 = ${DrawKind.heatbath}u;

struct Pass {
  mu: u32,
  parity: u32,
  sweep: u32,
  // stream * 2^16 + kind * 2^8 + mu * 2 + parity (SiteStream's c3)
  c3: u32,
  k0: u32,
  k1: u32,
  beta: f32,
  kind: u32,
}

@group(0) @binding(0) var<storage, read_write> links: array<f32>;
@group(0) @binding(1) var<uniform> pass_: Pass;

@compute @workgroup_size(64)
fn update(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.y * nwg.x * 64u + gid.x;
  if (i >= H) { return; }
  let mu = pass_.mu;
  let p = pass_.parity;
  let q = 1u - p;
  let s = siteOf(p, i);
  let xmu = siteUp(s, mu);
  var staple = linkZero();
  for (var nu = 0u; nu < D; nu++) {
    if (nu == mu) { continue; }
    let xnu = siteUp(s, nu);
    let xmnu = siteDown(s, nu);
    // x + mu has x's nu-coordinate, so siteDown applies to it
    let xpmu_mnu = siteDown(xmu, nu);
    let upper = linkMul(
      linkMul(linkLoad(nu, q, xmu >> 1u), linkAdj(linkLoad(mu, q, xnu >> 1u))),
      linkAdj(linkLoad(nu, p, i)),
    );
    let lower = linkMul(
      linkAdj(linkMul(linkLoad(mu, q, xmnu >> 1u), linkLoad(nu, p, xpmu_mnu >> 1u))),
      linkLoad(nu, q, xmnu >> 1u),
    );
    staple = linkAdd(staple, linkAdd(upper, lower));
  }
  let u = linkLoad(mu, p, i);
  var v: Link;
  if (pass_.kind == KIND_HEATBATH) {
    rngReset(s, pass_.sweep, pass_.c3, pass_.k0, pass_.k1);
    v = linkHeatbath(u, staple, pass_.beta);
  } else {
    v = linkOverrelax(u, staple);
  }
  linkStore(mu, p, i, linkReunitarize(v));
}
`;
