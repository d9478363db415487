/**
 * SU(3) links in WGSL, float32: the matrix as two real 3x3 matrices, U = re + i im, with
 * element (r, c) at re[c][r] (WGSL matrices are column-major, so `*` is the matrix product).
 *
 * - Products: (a + i b)(c + i d) = (ac - bd) + i(ad + bc); adjoint: (re^T, -im^T).
 * - Heatbath: Cabibbo-Marinari (Phys. Lett. B 119 (1982) 387) over the subgroups (0, 1),
 *   (0, 2), (1, 2), as heatbathSU3 of ../../heatbath.ts: with W = U A, a = SU(2) part of W's
 *   (i, j) block, k = |a|, X from exp((2 beta k / 3) x0) dX, V = X (a/k)^+, U -> V U, W -> V W.
 * - Overrelaxation: V = ((a/k)^+)^2 per subgroup, as overrelaxSU3 of ../../overrelaxation.ts
 *   (Creutz, Phys. Rev. D 36 (1987) 515).
 * - Re-unitarisation after every update (DESIGN.md 4): Gram-Schmidt on rows 0 and 1, row 2 =
 *   conj(row 0 x row 1), as su3.reunitarize of src/sun/su3.ts.
 *
 * Needs the layout's `links` buffer and `H` (./lattice.ts) and sampleSU2 (./su2Sampler.ts).
 *
 * @module
 */

/** WGSL source of the SU(3) link type and its updates. */
export const SU3_WGSL = /* wgsl */ `
const NC: u32 = 3u;
const LINK_COMPONENTS: u32 = 18u;
struct Link { re: mat3x3f, im: mat3x3f }

fn linkZero() -> Link { return Link(mat3x3f(), mat3x3f()); }
fn linkIdentity() -> Link {
  return Link(mat3x3f(1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0), mat3x3f());
}
fn linkAdd(a: Link, b: Link) -> Link { return Link(a.re + b.re, a.im + b.im); }
fn linkMul(a: Link, b: Link) -> Link {
  return Link(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re);
}
fn linkAdj(a: Link) -> Link { return Link(transpose(a.re), -1.0 * transpose(a.im)); }
// (1/N) Re tr
fn linkReTrN(a: Link) -> f32 { return (a.re[0][0] + a.re[1][1] + a.re[2][2]) / 3.0; }

// Component c = 2 (3 r + col) + {0: re, 1: im} of the layout (DESIGN.md 2's order).
fn linkLoad(mu: u32, parity: u32, i: u32) -> Link {
  let base = (mu * 2u + parity) * LINK_COMPONENTS * H + i;
  var u: Link;
  for (var r = 0u; r < 3u; r++) {
    for (var c = 0u; c < 3u; c++) {
      let k = base + 2u * (3u * r + c) * H;
      u.re[c][r] = links[k];
      u.im[c][r] = links[k + H];
    }
  }
  return u;
}
fn linkStore(mu: u32, parity: u32, i: u32, u: Link) {
  let base = (mu * 2u + parity) * LINK_COMPONENTS * H + i;
  for (var r = 0u; r < 3u; r++) {
    for (var c = 0u; c < 3u; c++) {
      let k = base + 2u * (3u * r + c) * H;
      links[k] = u.re[c][r];
      links[k + H] = u.im[c][r];
    }
  }
}

// The SU(2) part a of the (i, j) block of W (extractSU2 of src/sun/subgroups.ts).
fn subgroupPart(w: Link, i: u32, j: u32) -> vec4f {
  return 0.5 * vec4f(
    w.re[i][i] + w.re[j][j],
    w.im[j][i] + w.im[i][j],
    w.re[j][i] - w.re[i][j],
    w.im[i][i] - w.im[j][j],
  );
}

// Quaternion product p q (quaternionMultiply of src/sun/subgroups.ts).
fn quaternionMul(p: vec4f, q: vec4f) -> vec4f {
  return vec4f(p.x * q.x - dot(p.yzw, q.yzw), p.x * q.yzw + q.x * p.yzw - cross(p.yzw, q.yzw));
}

// Rows i and j of m <- V(v) times them, V = [[v0 + i v3, v2 + i v1], [-v2 + i v1, v0 - i v3]]
// (rotateRowsSU3 of heatbath.ts).
fn rotateRows(m: ptr<function, Link>, i: u32, j: u32, v: vec4f) {
  for (var c = 0u; c < 3u; c++) {
    let xr = (*m).re[c][i];
    let xi = (*m).im[c][i];
    let yr = (*m).re[c][j];
    let yi = (*m).im[c][j];
    (*m).re[c][i] = v.x * xr - v.w * xi + v.z * yr - v.y * yi;
    (*m).im[c][i] = v.x * xi + v.w * xr + v.z * yi + v.y * yr;
    (*m).re[c][j] = -v.z * xr - v.y * xi + v.x * yr + v.w * yi;
    (*m).im[c][j] = -v.z * xi + v.y * xr + v.x * yi - v.w * yr;
  }
}

// One Cabibbo-Marinari heatbath step in the subgroup (i, j) (subgroupHeatbathSU3).
fn subgroupHeatbath(u: ptr<function, Link>, w: ptr<function, Link>, i: u32, j: u32, coupling: f32) {
  let a = subgroupPart(*w, i, j);
  let k = length(a);
  var v = sampleSU2(coupling * k);
  if (k > 1e-30) {
    // V = X Vbar^+, Vbar^+ = (a0, -a1, -a2, -a3) / k
    v = quaternionMul(v, vec4f(a.x, -a.yzw) / k);
  }
  rotateRows(u, i, j, v);
  rotateRows(w, i, j, v);
}

// Heatbath draw from exp((beta/3) Re tr(U A)) dU, subgroup by subgroup.
fn linkHeatbath(u0: Link, staple: Link, beta: f32) -> Link {
  var u = u0;
  var w = linkMul(u0, staple);
  let coupling = 2.0 * beta / 3.0;
  subgroupHeatbath(&u, &w, 0u, 1u, coupling);
  subgroupHeatbath(&u, &w, 0u, 2u, coupling);
  subgroupHeatbath(&u, &w, 1u, 2u, coupling);
  return u;
}

// The microcanonical reflection V = (Vbar^+)^2 in the subgroup (i, j) (subgroupOverrelaxSU3).
fn subgroupOverrelax(u: ptr<function, Link>, w: ptr<function, Link>, i: u32, j: u32) {
  let a = subgroupPart(*w, i, j);
  let k = length(a);
  if (k < 1e-30) { return; }
  let b = vec4f(a.x, -a.yzw) / k;
  let v = quaternionMul(b, b);
  rotateRows(u, i, j, v);
  rotateRows(w, i, j, v);
}

fn linkOverrelax(u0: Link, staple: Link) -> Link {
  var u = u0;
  var w = linkMul(u0, staple);
  subgroupOverrelax(&u, &w, 0u, 1u);
  subgroupOverrelax(&u, &w, 0u, 2u);
  subgroupOverrelax(&u, &w, 1u, 2u);
  return u;
}

// Projects back onto SU(3): rows u, v orthonormalised, w = conj(u x v).
fn linkReunitarize(m: Link) -> Link {
  let tr = transpose(m.re);
  let ti = transpose(m.im);
  var ur = tr[0];
  var ui = ti[0];
  var vr = tr[1];
  var vi = ti[1];
  let n0 = inverseSqrt(dot(ur, ur) + dot(ui, ui));
  ur = ur * n0;
  ui = ui * n0;
  // v -= <u, v> u, <u, v> = sum_c conj(u_c) v_c
  let pr = dot(ur, vr) + dot(ui, vi);
  let pi = dot(ur, vi) - dot(ui, vr);
  vr = vr - (pr * ur - pi * ui);
  vi = vi - (pr * ui + pi * ur);
  let n1 = inverseSqrt(dot(vr, vr) + dot(vi, vi));
  vr = vr * n1;
  vi = vi * n1;
  let wr = cross(ur, vr) - cross(ui, vi);
  let wi = -(cross(ur, vi) + cross(ui, vr));
  return Link(transpose(mat3x3f(ur, vr, wr)), transpose(mat3x3f(ui, vi, wi)));
}
`;
