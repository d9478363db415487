/**
 * Wilson loops summed on the GPU (src/lattice/observables/wilsonLoops.ts; Wilson,
 * Phys. Rev. D 10 (1974) 2445): per site and plane mu < nu,
 *
 *     W_mu,nu(R, T; x) = L_mu^R(x) L_nu^T(x + R mu) [L_nu^T(x) L_mu^R(x + T nu)]^+,
 *
 * (1/N) Re tr W, with the T x R orientation added when R != T, as the CPU's average does.
 * W(1 x 1) is the plaquette. Each workgroup of 128 threads (the compatibility-mode limit) sums its sites in workgroup memory
 * (a tree) and writes one partial sum; the host adds the partial sums in float64, so only
 * V / 256 numbers come back instead of the field.
 *
 * @module
 */

/** Threads per workgroup of the loop kernel (and the length of its partial sums' tree). */
export const LOOP_WORKGROUP = 128;

/** WGSL source of the loop kernel (needs the lattice and group sources). */
export const LOOPS_WGSL = /* wgsl */ `
struct LoopSize { r: u32, t: u32 }

@group(0) @binding(0) var<storage, read_write> links: array<f32>;
@group(0) @binding(1) var<uniform> size: LoopSize;
@group(0) @binding(2) var<storage, read_write> partial: array<f32>;

var<workgroup> sums: array<f32, ${LOOP_WORKGROUP}>;

// The product of the links along n1 steps of d1, then n2 steps of d2, from the site (p0, i0).
fn walk(p0: u32, i0: u32, d1: u32, n1: u32, d2: u32, n2: u32) -> Link {
  var s = siteOf(p0, i0);
  var p = p0;
  var m = linkIdentity();
  for (var k = 0u; k < n1; k++) {
    m = linkMul(m, linkLoad(d1, p, s >> 1u));
    s = stepUp(s, d1);
    p = 1u - p;
  }
  for (var k = 0u; k < n2; k++) {
    m = linkMul(m, linkLoad(d2, p, s >> 1u));
    s = stepUp(s, d2);
    p = 1u - p;
  }
  return m;
}

fn loopAt(p: u32, i: u32, mu: u32, nu: u32, r: u32, t: u32) -> f32 {
  let a = walk(p, i, mu, r, nu, t);
  let b = walk(p, i, nu, t, mu, r);
  return linkReTrN(linkMul(a, linkAdj(b)));
}

@compute @workgroup_size(${LOOP_WORKGROUP})
fn loops(
  @builtin(global_invocation_id) gid: vec3u,
  @builtin(local_invocation_index) lid: u32,
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
) {
  let idx = gid.y * nwg.x * ${LOOP_WORKGROUP}u + gid.x;
  var acc = 0.0;
  if (idx < 2u * H) {
    let p = idx / H;
    let i = idx % H;
    for (var mu = 0u; mu < D; mu++) {
      for (var nu = mu + 1u; nu < D; nu++) {
        acc += loopAt(p, i, mu, nu, size.r, size.t);
        if (size.r != size.t) { acc += loopAt(p, i, mu, nu, size.t, size.r); }
      }
    }
  }
  sums[lid] = acc;
  workgroupBarrier();
  for (var stride = ${LOOP_WORKGROUP / 2}u; stride > 0u; stride = stride >> 1u) {
    if (lid < stride) { sums[lid] += sums[lid + stride]; }
    workgroupBarrier();
  }
  // the grid may hold more workgroups than partial sums (gridFor): those write nothing
  let w = wid.y * nwg.x + wid.x;
  if (lid == 0u && w < arrayLength(&partial)) { partial[w] = sums[0]; }
}
`;
