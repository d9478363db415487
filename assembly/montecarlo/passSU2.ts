// One checkerboard pass of SU(2) heatbath or overrelaxation over a list of sites, the work of
// updatePassRange in src/montecarlo/checkerboard.ts for N = 2, statement for statement: the
// staple as a quaternion (stapleQuaternionSU2 of src/lattice/staple.ts), then the closed
// forms U = X a^+ / |a| (heatbathQuaternionSU2 of heatbath.ts; Creutz, Phys. Rev. D 21 (1980)
// 2308) or U -> b U^+ b with b = a^+ / |a| (overrelaxQuaternionSU2 of overrelaxation.ts). A
// quaternion product is 16 scalar multiplications: scalar code, in the TypeScript order, so the
// links come out bit for bit as the TypeScript kernels make them.
//
// A link U = [[u0 + i u3, u2 + i u1], [-u2 + i u1, u0 - i u3]] is read from its first row,
// (u0, u3, u2, u1) = (re U00, im U00, re U01, im U01); 64 bytes per link.

import { resetStream, setKey } from './philox';
import { draw0, draw1, draw2, draw3, sampleSU2 } from './sampler';

/** Bytes per SU(2) matrix. */
const MATRIX: usize = 64;

/** The staple's quaternion of the current site (globals: the staple function's result). */
let s0: f64 = 0;
let s1: f64 = 0;
let s2: f64 = 0;
let s3: f64 = 0;

/** [1, -1]. */
const FLIP_LANE1: v128 = f64x2(1.0, -1.0);
/** [-1, 1]. */
const FLIP_LANE0: v128 = f64x2(-1.0, 1.0);

/** [the f64 at a + offset, the f64 at b + offset]. */
// @ts-ignore: decorator
@inline
function pair(a: usize, b: usize, offset: usize): v128 {
  return f64x2(load<f64>(a + offset), load<f64>(b + offset));
}

/**
 * Sums the quaternion staple of U_mu(x) into s0..s3 (stapleQuaternionSU2). The upper and the
 * lower term of each direction have the same formula on different links: they run side by side
 * in the two lanes of a v128, each lane doing exactly the scalar code's operations in its order,
 * and are added to the sum one after the other, upper first, as the scalar code adds them.
 */
// @ts-ignore: decorator
@inline
function stapleSU2(links: usize, up: usize, down: usize, D: i32, x: i32, mu: i32): void {
  let a0: f64 = 0;
  let a1: f64 = 0;
  let a2: f64 = 0;
  let a3: f64 = 0;
  const xmu = load<i32>(up + (<usize>(x * D + mu) << 2));
  for (let nu = 0; nu < D; nu++) {
    if (nu == mu) continue;
    const xnu = load<i32>(up + (<usize>(x * D + nu) << 2));
    const xmnu = load<i32>(down + (<usize>(x * D + nu) << 2));
    const xpmu_mnu = load<i32>(down + (<usize>(xmu * D + nu) << 2));
    // lane 0, upper: t = U_nu(x+mu) U_mu(x+nu)^+, then A += t U_nu(x)^+
    // lane 1, lower: t = U_nu(x+mu-nu)^+ U_mu(x-nu)^+, then A += t U_nu(x-nu)
    const pu = links + <usize>(xmu * D + nu) * MATRIX;
    const qu = links + <usize>(xnu * D + mu) * MATRIX;
    const wu = links + <usize>(x * D + nu) * MATRIX;
    const pl = links + <usize>(xpmu_mnu * D + nu) * MATRIX;
    const ql = links + <usize>(xmnu * D + mu) * MATRIX;
    const wl = links + <usize>(xmnu * D + nu) * MATRIX;
    const p0 = pair(pu, pl, 0);
    const p1 = f64x2.mul(pair(pu, pl, 24), FLIP_LANE1);
    const p2 = f64x2.mul(pair(pu, pl, 16), FLIP_LANE1);
    const p3 = f64x2.mul(pair(pu, pl, 8), FLIP_LANE1);
    const q0 = pair(qu, ql, 0);
    const q1 = f64x2.neg(pair(qu, ql, 24));
    const q2 = f64x2.neg(pair(qu, ql, 16));
    const q3 = f64x2.neg(pair(qu, ql, 8));
    const t0 = f64x2.sub(
      f64x2.sub(f64x2.sub(f64x2.mul(p0, q0), f64x2.mul(p1, q1)), f64x2.mul(p2, q2)),
      f64x2.mul(p3, q3),
    );
    const t1 = f64x2.sub(
      f64x2.add(f64x2.mul(p0, q1), f64x2.mul(q0, p1)),
      f64x2.sub(f64x2.mul(p2, q3), f64x2.mul(p3, q2)),
    );
    const t2 = f64x2.sub(
      f64x2.add(f64x2.mul(p0, q2), f64x2.mul(q0, p2)),
      f64x2.sub(f64x2.mul(p3, q1), f64x2.mul(p1, q3)),
    );
    const t3 = f64x2.sub(
      f64x2.add(f64x2.mul(p0, q3), f64x2.mul(q0, p3)),
      f64x2.sub(f64x2.mul(p1, q2), f64x2.mul(p2, q1)),
    );
    const w0 = pair(wu, wl, 0);
    const w1 = f64x2.mul(pair(wu, wl, 24), FLIP_LANE0);
    const w2 = f64x2.mul(pair(wu, wl, 16), FLIP_LANE0);
    const w3 = f64x2.mul(pair(wu, wl, 8), FLIP_LANE0);
    const e0 = f64x2.sub(
      f64x2.sub(f64x2.sub(f64x2.mul(t0, w0), f64x2.mul(t1, w1)), f64x2.mul(t2, w2)),
      f64x2.mul(t3, w3),
    );
    const e1 = f64x2.sub(
      f64x2.add(f64x2.mul(t0, w1), f64x2.mul(w0, t1)),
      f64x2.sub(f64x2.mul(t2, w3), f64x2.mul(t3, w2)),
    );
    const e2 = f64x2.sub(
      f64x2.add(f64x2.mul(t0, w2), f64x2.mul(w0, t2)),
      f64x2.sub(f64x2.mul(t3, w1), f64x2.mul(t1, w3)),
    );
    const e3 = f64x2.sub(
      f64x2.add(f64x2.mul(t0, w3), f64x2.mul(w0, t3)),
      f64x2.sub(f64x2.mul(t1, w2), f64x2.mul(t2, w1)),
    );
    a0 = a0 + f64x2.extract_lane(e0, 0) + f64x2.extract_lane(e0, 1);
    a1 = a1 + f64x2.extract_lane(e1, 0) + f64x2.extract_lane(e1, 1);
    a2 = a2 + f64x2.extract_lane(e2, 0) + f64x2.extract_lane(e2, 1);
    a3 = a3 + f64x2.extract_lane(e3, 0) + f64x2.extract_lane(e3, 1);
  }
  s0 = a0;
  s1 = a1;
  s2 = a2;
  s3 = a3;
}

/** Writes the 2x2 matrix of the quaternion (v0, v1, v2, v3) at m (writeSU2 of heatbath.ts). */
// @ts-ignore: decorator
@inline
function writeSU2(m: usize, v0: f64, v1: f64, v2: f64, v3: f64): void {
  store<f64>(m, v0);
  store<f64>(m, v3, 8);
  store<f64>(m, v2, 16);
  store<f64>(m, v1, 24);
  store<f64>(m, -v2, 32);
  store<f64>(m, v1, 40);
  store<f64>(m, v0, 48);
  store<f64>(m, -v3, 56);
}

/** Writes the matrix of the quaternion product p q (writeQuaternionProduct of heatbath.ts). */
// @ts-ignore: decorator
@inline
function writeQuaternionProduct(
  m: usize,
  p0: f64,
  p1: f64,
  p2: f64,
  p3: f64,
  q0: f64,
  q1: f64,
  q2: f64,
  q3: f64,
): void {
  writeSU2(
    m,
    p0 * q0 - p1 * q1 - p2 * q2 - p3 * q3,
    p0 * q1 + q0 * p1 - (p2 * q3 - p3 * q2),
    p0 * q2 + q0 * p2 - (p3 * q1 - p1 * q3),
    p0 * q3 + q0 * p3 - (p1 * q2 - p2 * q1),
  );
}

/**
 * Applies the update to the links U_mu(x) of the sites x = sites[begin..end): heatbath (with the
 * random stream of each site: key (k0, k1), counters (block, x, sweep, word)) or
 * overrelaxation (draws nothing).
 */
export function passSU2(
  heatbath: bool,
  links: usize,
  up: usize,
  down: usize,
  D: i32,
  sites: usize,
  begin: i32,
  end: i32,
  mu: i32,
  beta: f64,
  sweep: u32,
  word: u32,
  k0: u32,
  k1: u32,
): void {
  setKey(k0, k1);
  for (let s = begin; s < end; s++) {
    const x = load<i32>(sites + (<usize>s << 2));
    const u = links + <usize>(x * D + mu) * MATRIX;
    stapleSU2(links, up, down, D, x, mu);
    const a0 = s0;
    const a1 = s1;
    const a2 = s2;
    const a3 = s3;
    const k = Math.sqrt(a0 * a0 + a1 * a1 + a2 * a2 + a3 * a3);
    if (heatbath) {
      // U = X a^+ / |a|, X from exp(beta |a| x0) dX (heatbathQuaternionSU2)
      resetStream(<u32>x, sweep, word);
      sampleSU2(beta * k);
      if (k > 1e-300) {
        const inv = 1 / k;
        writeQuaternionProduct(u, draw0, draw1, draw2, draw3, a0 * inv, -a1 * inv, -a2 * inv, -a3 * inv);
      } else {
        writeSU2(u, draw0, draw1, draw2, draw3);
      }
    } else {
      // U -> b U^+ b, b = a^+ / |a| (overrelaxQuaternionSU2)
      if (k < 1e-300) continue;
      const inv = 1 / k;
      const b0 = a0 * inv;
      const b1 = -a1 * inv;
      const b2 = -a2 * inv;
      const b3 = -a3 * inv;
      const u0 = load<f64>(u);
      const u1 = -load<f64>(u, 24);
      const u2 = -load<f64>(u, 16);
      const u3 = -load<f64>(u, 8);
      const t0 = b0 * u0 - b1 * u1 - b2 * u2 - b3 * u3;
      const t1 = b0 * u1 + u0 * b1 - (b2 * u3 - b3 * u2);
      const t2 = b0 * u2 + u0 * b2 - (b3 * u1 - b1 * u3);
      const t3 = b0 * u3 + u0 * b3 - (b1 * u2 - b2 * u1);
      writeQuaternionProduct(u, t0, t1, t2, t3, b0, b1, b2, b3);
    }
  }
}
