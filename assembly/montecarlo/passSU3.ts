// One checkerboard pass of SU(3) heatbath or overrelaxation over a list of sites, the work of
// updatePassRange in src/montecarlo/checkerboard.ts for N = 3, with the same arithmetic in the
// same order: the staple of src/lattice/staple.ts (stapleSU3), W = U A, then Cabibbo-Marinari
// over the subgroups (0, 1), (0, 2), (1, 2) (heatbath.ts, heatbathSU3) or the microcanonical
// reflection in each (overrelaxation.ts, overrelaxSU3). Every link comes out bit for bit as the
// TypeScript kernels make it (../common/complex.ts), so both walk the same Markov chain.
//
// The staple and W stay in v128 locals (one complex number each, [re, im]); the links are read
// from and written to the field in memory. Memory layout (src/montecarlo/wasm/wasmField.ts):
// links as GaugeField.links (144 bytes per SU(3) link), the neighbour tables `up` and `down` of
// the Lattice (i32, site * D + direction) and the sites of the pass (i32).

import { conj, dot3, splatIm, splatRe, swapLanes, timesI, timesMinusI } from '../common/complex';
import { resetStream, setKey } from './philox';
import { draw0, draw1, draw2, draw3, sampleSU2 } from './sampler';

/** Bytes per SU(3) matrix. */
const MATRIX: usize = 144;

/**
 * Applies the update to the links U_mu(x) of the sites x = sites[begin..end): heatbath (with the
 * random stream of each site: key (k0, k1), counters (block, x, sweep, word)) or
 * overrelaxation (draws nothing).
 */
export function passSU3(
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
  const coupling = (2 * beta) / 3;
  for (let s = begin; s < end; s++) {
    const x = load<i32>(sites + (<usize>s << 2));
    const xmu = load<i32>(up + (<usize>(x * D + mu) << 2));
    // A = staple (stapleSU3): sum over nu != mu of the upper and the lower term
    let S00 = f64x2.splat(0);
    let S01 = f64x2.splat(0);
    let S02 = f64x2.splat(0);
    let S10 = f64x2.splat(0);
    let S11 = f64x2.splat(0);
    let S12 = f64x2.splat(0);
    let S20 = f64x2.splat(0);
    let S21 = f64x2.splat(0);
    let S22 = f64x2.splat(0);
    for (let nu = 0; nu < D; nu++) {
      if (nu == mu) continue;
      const xnu = load<i32>(up + (<usize>(x * D + nu) << 2));
      const xmnu = load<i32>(down + (<usize>(x * D + nu) << 2));
      const xpmu_mnu = load<i32>(down + (<usize>(xmu * D + nu) << 2));
      {
        // upper: T = U_nu(x+mu) U_mu(x+nu)^+ (su3.multiplyAdjoint), A += T U_nu(x)^+
        const p = links + <usize>(xmu * D + nu) * MATRIX;
        const q = links + <usize>(xnu * D + mu) * MATRIX;
        const u = links + <usize>(x * D + nu) * MATRIX;
        const pr00 = v128.load64_splat(p, 0);
        const pi00 = v128.load64_splat(p, 8);
        const pr01 = v128.load64_splat(p, 16);
        const pi01 = v128.load64_splat(p, 24);
        const pr02 = v128.load64_splat(p, 32);
        const pi02 = v128.load64_splat(p, 40);
        const pr10 = v128.load64_splat(p, 48);
        const pi10 = v128.load64_splat(p, 56);
        const pr11 = v128.load64_splat(p, 64);
        const pi11 = v128.load64_splat(p, 72);
        const pr12 = v128.load64_splat(p, 80);
        const pi12 = v128.load64_splat(p, 88);
        const pr20 = v128.load64_splat(p, 96);
        const pi20 = v128.load64_splat(p, 104);
        const pr21 = v128.load64_splat(p, 112);
        const pi21 = v128.load64_splat(p, 120);
        const pr22 = v128.load64_splat(p, 128);
        const pi22 = v128.load64_splat(p, 136);
        const q00 = v128.load(q, 0);
        const qc00 = conj(q00);
        const qs00 = swapLanes(q00);
        const q01 = v128.load(q, 16);
        const qc01 = conj(q01);
        const qs01 = swapLanes(q01);
        const q02 = v128.load(q, 32);
        const qc02 = conj(q02);
        const qs02 = swapLanes(q02);
        const q10 = v128.load(q, 48);
        const qc10 = conj(q10);
        const qs10 = swapLanes(q10);
        const q11 = v128.load(q, 64);
        const qc11 = conj(q11);
        const qs11 = swapLanes(q11);
        const q12 = v128.load(q, 80);
        const qc12 = conj(q12);
        const qs12 = swapLanes(q12);
        const q20 = v128.load(q, 96);
        const qc20 = conj(q20);
        const qs20 = swapLanes(q20);
        const q21 = v128.load(q, 112);
        const qc21 = conj(q21);
        const qs21 = swapLanes(q21);
        const q22 = v128.load(q, 128);
        const qc22 = conj(q22);
        const qs22 = swapLanes(q22);
        const T00 = dot3(pr00, pi00, qc00, qs00, pr01, pi01, qc01, qs01, pr02, pi02, qc02, qs02);
        const T01 = dot3(pr00, pi00, qc10, qs10, pr01, pi01, qc11, qs11, pr02, pi02, qc12, qs12);
        const T02 = dot3(pr00, pi00, qc20, qs20, pr01, pi01, qc21, qs21, pr02, pi02, qc22, qs22);
        const T10 = dot3(pr10, pi10, qc00, qs00, pr11, pi11, qc01, qs01, pr12, pi12, qc02, qs02);
        const T11 = dot3(pr10, pi10, qc10, qs10, pr11, pi11, qc11, qs11, pr12, pi12, qc12, qs12);
        const T12 = dot3(pr10, pi10, qc20, qs20, pr11, pi11, qc21, qs21, pr12, pi12, qc22, qs22);
        const T20 = dot3(pr20, pi20, qc00, qs00, pr21, pi21, qc01, qs01, pr22, pi22, qc02, qs02);
        const T21 = dot3(pr20, pi20, qc10, qs10, pr21, pi21, qc11, qs11, pr22, pi22, qc12, qs12);
        const T22 = dot3(pr20, pi20, qc20, qs20, pr21, pi21, qc21, qs21, pr22, pi22, qc22, qs22);
        const u00 = v128.load(u, 0);
        const uc00 = conj(u00);
        const us00 = swapLanes(u00);
        const u01 = v128.load(u, 16);
        const uc01 = conj(u01);
        const us01 = swapLanes(u01);
        const u02 = v128.load(u, 32);
        const uc02 = conj(u02);
        const us02 = swapLanes(u02);
        const u10 = v128.load(u, 48);
        const uc10 = conj(u10);
        const us10 = swapLanes(u10);
        const u11 = v128.load(u, 64);
        const uc11 = conj(u11);
        const us11 = swapLanes(u11);
        const u12 = v128.load(u, 80);
        const uc12 = conj(u12);
        const us12 = swapLanes(u12);
        const u20 = v128.load(u, 96);
        const uc20 = conj(u20);
        const us20 = swapLanes(u20);
        const u21 = v128.load(u, 112);
        const uc21 = conj(u21);
        const us21 = swapLanes(u21);
        const u22 = v128.load(u, 128);
        const uc22 = conj(u22);
        const us22 = swapLanes(u22);
        const tr00 = splatRe(T00);
        const ti00 = splatIm(T00);
        const tr01 = splatRe(T01);
        const ti01 = splatIm(T01);
        const tr02 = splatRe(T02);
        const ti02 = splatIm(T02);
        const tr10 = splatRe(T10);
        const ti10 = splatIm(T10);
        const tr11 = splatRe(T11);
        const ti11 = splatIm(T11);
        const tr12 = splatRe(T12);
        const ti12 = splatIm(T12);
        const tr20 = splatRe(T20);
        const ti20 = splatIm(T20);
        const tr21 = splatRe(T21);
        const ti21 = splatIm(T21);
        const tr22 = splatRe(T22);
        const ti22 = splatIm(T22);
        S00 = f64x2.add(S00, dot3(tr00, ti00, uc00, us00, tr01, ti01, uc01, us01, tr02, ti02, uc02, us02));
        S01 = f64x2.add(S01, dot3(tr00, ti00, uc10, us10, tr01, ti01, uc11, us11, tr02, ti02, uc12, us12));
        S02 = f64x2.add(S02, dot3(tr00, ti00, uc20, us20, tr01, ti01, uc21, us21, tr02, ti02, uc22, us22));
        S10 = f64x2.add(S10, dot3(tr10, ti10, uc00, us00, tr11, ti11, uc01, us01, tr12, ti12, uc02, us02));
        S11 = f64x2.add(S11, dot3(tr10, ti10, uc10, us10, tr11, ti11, uc11, us11, tr12, ti12, uc12, us12));
        S12 = f64x2.add(S12, dot3(tr10, ti10, uc20, us20, tr11, ti11, uc21, us21, tr12, ti12, uc22, us22));
        S20 = f64x2.add(S20, dot3(tr20, ti20, uc00, us00, tr21, ti21, uc01, us01, tr22, ti22, uc02, us02));
        S21 = f64x2.add(S21, dot3(tr20, ti20, uc10, us10, tr21, ti21, uc11, us11, tr22, ti22, uc12, us12));
        S22 = f64x2.add(S22, dot3(tr20, ti20, uc20, us20, tr21, ti21, uc21, us21, tr22, ti22, uc22, us22));
      }
      {
        // lower: T = U_mu(x-nu) U_nu(x+mu-nu) (su3.multiply), A += T^+ U_nu(x-nu)
        const p = links + <usize>(xmnu * D + mu) * MATRIX;
        const q = links + <usize>(xpmu_mnu * D + nu) * MATRIX;
        const u = links + <usize>(xmnu * D + nu) * MATRIX;
        const pr00 = v128.load64_splat(p, 0);
        const pi00 = v128.load64_splat(p, 8);
        const pr01 = v128.load64_splat(p, 16);
        const pi01 = v128.load64_splat(p, 24);
        const pr02 = v128.load64_splat(p, 32);
        const pi02 = v128.load64_splat(p, 40);
        const pr10 = v128.load64_splat(p, 48);
        const pi10 = v128.load64_splat(p, 56);
        const pr11 = v128.load64_splat(p, 64);
        const pi11 = v128.load64_splat(p, 72);
        const pr12 = v128.load64_splat(p, 80);
        const pi12 = v128.load64_splat(p, 88);
        const pr20 = v128.load64_splat(p, 96);
        const pi20 = v128.load64_splat(p, 104);
        const pr21 = v128.load64_splat(p, 112);
        const pi21 = v128.load64_splat(p, 120);
        const pr22 = v128.load64_splat(p, 128);
        const pi22 = v128.load64_splat(p, 136);
        const q00 = v128.load(q, 0);
        const qi00 = timesI(q00);
        const q01 = v128.load(q, 16);
        const qi01 = timesI(q01);
        const q02 = v128.load(q, 32);
        const qi02 = timesI(q02);
        const q10 = v128.load(q, 48);
        const qi10 = timesI(q10);
        const q11 = v128.load(q, 64);
        const qi11 = timesI(q11);
        const q12 = v128.load(q, 80);
        const qi12 = timesI(q12);
        const q20 = v128.load(q, 96);
        const qi20 = timesI(q20);
        const q21 = v128.load(q, 112);
        const qi21 = timesI(q21);
        const q22 = v128.load(q, 128);
        const qi22 = timesI(q22);
        const T00 = dot3(pr00, pi00, q00, qi00, pr01, pi01, q10, qi10, pr02, pi02, q20, qi20);
        const T01 = dot3(pr00, pi00, q01, qi01, pr01, pi01, q11, qi11, pr02, pi02, q21, qi21);
        const T02 = dot3(pr00, pi00, q02, qi02, pr01, pi01, q12, qi12, pr02, pi02, q22, qi22);
        const T10 = dot3(pr10, pi10, q00, qi00, pr11, pi11, q10, qi10, pr12, pi12, q20, qi20);
        const T11 = dot3(pr10, pi10, q01, qi01, pr11, pi11, q11, qi11, pr12, pi12, q21, qi21);
        const T12 = dot3(pr10, pi10, q02, qi02, pr11, pi11, q12, qi12, pr12, pi12, q22, qi22);
        const T20 = dot3(pr20, pi20, q00, qi00, pr21, pi21, q10, qi10, pr22, pi22, q20, qi20);
        const T21 = dot3(pr20, pi20, q01, qi01, pr21, pi21, q11, qi11, pr22, pi22, q21, qi21);
        const T22 = dot3(pr20, pi20, q02, qi02, pr21, pi21, q12, qi12, pr22, pi22, q22, qi22);
        const u00 = v128.load(u, 0);
        const um00 = timesMinusI(u00);
        const u01 = v128.load(u, 16);
        const um01 = timesMinusI(u01);
        const u02 = v128.load(u, 32);
        const um02 = timesMinusI(u02);
        const u10 = v128.load(u, 48);
        const um10 = timesMinusI(u10);
        const u11 = v128.load(u, 64);
        const um11 = timesMinusI(u11);
        const u12 = v128.load(u, 80);
        const um12 = timesMinusI(u12);
        const u20 = v128.load(u, 96);
        const um20 = timesMinusI(u20);
        const u21 = v128.load(u, 112);
        const um21 = timesMinusI(u21);
        const u22 = v128.load(u, 128);
        const um22 = timesMinusI(u22);
        const tr00 = splatRe(T00);
        const ti00 = splatIm(T00);
        const tr01 = splatRe(T01);
        const ti01 = splatIm(T01);
        const tr02 = splatRe(T02);
        const ti02 = splatIm(T02);
        const tr10 = splatRe(T10);
        const ti10 = splatIm(T10);
        const tr11 = splatRe(T11);
        const ti11 = splatIm(T11);
        const tr12 = splatRe(T12);
        const ti12 = splatIm(T12);
        const tr20 = splatRe(T20);
        const ti20 = splatIm(T20);
        const tr21 = splatRe(T21);
        const ti21 = splatIm(T21);
        const tr22 = splatRe(T22);
        const ti22 = splatIm(T22);
        S00 = f64x2.add(S00, dot3(tr00, ti00, u00, um00, tr10, ti10, u10, um10, tr20, ti20, u20, um20));
        S01 = f64x2.add(S01, dot3(tr00, ti00, u01, um01, tr10, ti10, u11, um11, tr20, ti20, u21, um21));
        S02 = f64x2.add(S02, dot3(tr00, ti00, u02, um02, tr10, ti10, u12, um12, tr20, ti20, u22, um22));
        S10 = f64x2.add(S10, dot3(tr01, ti01, u00, um00, tr11, ti11, u10, um10, tr21, ti21, u20, um20));
        S11 = f64x2.add(S11, dot3(tr01, ti01, u01, um01, tr11, ti11, u11, um11, tr21, ti21, u21, um21));
        S12 = f64x2.add(S12, dot3(tr01, ti01, u02, um02, tr11, ti11, u12, um12, tr21, ti21, u22, um22));
        S20 = f64x2.add(S20, dot3(tr02, ti02, u00, um00, tr12, ti12, u10, um10, tr22, ti22, u20, um20));
        S21 = f64x2.add(S21, dot3(tr02, ti02, u01, um01, tr12, ti12, u11, um11, tr22, ti22, u21, um21));
        S22 = f64x2.add(S22, dot3(tr02, ti02, u02, um02, tr12, ti12, u12, um12, tr22, ti22, u22, um22));
      }
    }
    // W = U A (su3.multiply)
    const u = links + <usize>(x * D + mu) * MATRIX;
    const ur00 = v128.load64_splat(u, 0);
    const ui00 = v128.load64_splat(u, 8);
    const ur01 = v128.load64_splat(u, 16);
    const ui01 = v128.load64_splat(u, 24);
    const ur02 = v128.load64_splat(u, 32);
    const ui02 = v128.load64_splat(u, 40);
    const ur10 = v128.load64_splat(u, 48);
    const ui10 = v128.load64_splat(u, 56);
    const ur11 = v128.load64_splat(u, 64);
    const ui11 = v128.load64_splat(u, 72);
    const ur12 = v128.load64_splat(u, 80);
    const ui12 = v128.load64_splat(u, 88);
    const ur20 = v128.load64_splat(u, 96);
    const ui20 = v128.load64_splat(u, 104);
    const ur21 = v128.load64_splat(u, 112);
    const ui21 = v128.load64_splat(u, 120);
    const ur22 = v128.load64_splat(u, 128);
    const ui22 = v128.load64_splat(u, 136);
    const Si00 = timesI(S00);
    const Si01 = timesI(S01);
    const Si02 = timesI(S02);
    const Si10 = timesI(S10);
    const Si11 = timesI(S11);
    const Si12 = timesI(S12);
    const Si20 = timesI(S20);
    const Si21 = timesI(S21);
    const Si22 = timesI(S22);
    let W00 = dot3(ur00, ui00, S00, Si00, ur01, ui01, S10, Si10, ur02, ui02, S20, Si20);
    let W01 = dot3(ur00, ui00, S01, Si01, ur01, ui01, S11, Si11, ur02, ui02, S21, Si21);
    let W02 = dot3(ur00, ui00, S02, Si02, ur01, ui01, S12, Si12, ur02, ui02, S22, Si22);
    let W10 = dot3(ur10, ui10, S00, Si00, ur11, ui11, S10, Si10, ur12, ui12, S20, Si20);
    let W11 = dot3(ur10, ui10, S01, Si01, ur11, ui11, S11, Si11, ur12, ui12, S21, Si21);
    let W12 = dot3(ur10, ui10, S02, Si02, ur11, ui11, S12, Si12, ur12, ui12, S22, Si22);
    let W20 = dot3(ur20, ui20, S00, Si00, ur21, ui21, S10, Si10, ur22, ui22, S20, Si20);
    let W21 = dot3(ur20, ui20, S01, Si01, ur21, ui21, S11, Si11, ur22, ui22, S21, Si21);
    let W22 = dot3(ur20, ui20, S02, Si02, ur21, ui21, S12, Si12, ur22, ui22, S22, Si22);
    if (heatbath) resetStream(<u32>x, sweep, word);
    {
      // subgroup (0, 1): a = the SU(2) part of W's (0, 1) block
      const a0 = 0.5 * (f64x2.extract_lane(W00, 0) + f64x2.extract_lane(W11, 0));
      const a1 = 0.5 * (f64x2.extract_lane(W01, 1) + f64x2.extract_lane(W10, 1));
      const a2 = 0.5 * (f64x2.extract_lane(W01, 0) - f64x2.extract_lane(W10, 0));
      const a3 = 0.5 * (f64x2.extract_lane(W00, 1) - f64x2.extract_lane(W11, 1));
      const k = Math.sqrt(a0 * a0 + a1 * a1 + a2 * a2 + a3 * a3);
      let v0: f64 = 1;
      let v1: f64 = 0;
      let v2: f64 = 0;
      let v3: f64 = 0;
      let rotate = true;
      if (heatbath) {
        // X from exp((2 beta k / 3) x0) dX, V = X (a/k)^+ (subgroupHeatbathSU3)
        sampleSU2(coupling * k);
        v0 = draw0;
        v1 = draw1;
        v2 = draw2;
        v3 = draw3;
        if (k > 1e-300) {
          const inv = 1 / k;
          const b0 = a0 * inv;
          const b1 = -a1 * inv;
          const b2 = -a2 * inv;
          const b3 = -a3 * inv;
          const x0 = v0;
          const x1 = v1;
          const x2 = v2;
          const x3 = v3;
          v0 = x0 * b0 - x1 * b1 - x2 * b2 - x3 * b3;
          v1 = x0 * b1 + b0 * x1 - (x2 * b3 - x3 * b2);
          v2 = x0 * b2 + b0 * x2 - (x3 * b1 - x1 * b3);
          v3 = x0 * b3 + b0 * x3 - (x1 * b2 - x2 * b1);
        }
      } else if (k < 1e-300) {
        rotate = false;
      } else {
        // V = (a/k)^+ (a/k)^+ (subgroupOverrelaxSU3)
        const inv = 1 / k;
        const b0 = a0 * inv;
        const b1 = -a1 * inv;
        const b2 = -a2 * inv;
        const b3 = -a3 * inv;
        v0 = b0 * b0 - b1 * b1 - b2 * b2 - b3 * b3;
        v1 = b0 * b1 + b0 * b1 - (b2 * b3 - b3 * b2);
        v2 = b0 * b2 + b0 * b2 - (b3 * b1 - b1 * b3);
        v3 = b0 * b3 + b0 * b3 - (b1 * b2 - b2 * b1);
      }
      if (rotate) {
        // rows 0 and 1 <- V(v) times them (rotateRowsSU3), of U and, but for the last subgroup, of W
        const sv0 = f64x2.splat(v0);
        const sv1 = f64x2.splat(v1);
        const sv2 = f64x2.splat(v2);
        const sv3 = f64x2.splat(v3);
        const smv2 = f64x2.splat(-v2);
        rotateRows(u + 0, u + 48, sv0, sv1, sv2, sv3, smv2);
        rotateRows(u + 16, u + 64, sv0, sv1, sv2, sv3, smv2);
        rotateRows(u + 32, u + 80, sv0, sv1, sv2, sv3, smv2);
        const x0 = W00;
        const y0 = W10;
        W00 = rowI(x0, y0, sv0, sv1, sv2, sv3);
        W10 = rowJ(x0, y0, sv0, sv1, smv2, sv3);
        const x1 = W01;
        const y1 = W11;
        W01 = rowI(x1, y1, sv0, sv1, sv2, sv3);
        W11 = rowJ(x1, y1, sv0, sv1, smv2, sv3);
        const x2 = W02;
        const y2 = W12;
        W02 = rowI(x2, y2, sv0, sv1, sv2, sv3);
        W12 = rowJ(x2, y2, sv0, sv1, smv2, sv3);
      }
    }
    {
      // subgroup (0, 2): a = the SU(2) part of W's (0, 2) block
      const a0 = 0.5 * (f64x2.extract_lane(W00, 0) + f64x2.extract_lane(W22, 0));
      const a1 = 0.5 * (f64x2.extract_lane(W02, 1) + f64x2.extract_lane(W20, 1));
      const a2 = 0.5 * (f64x2.extract_lane(W02, 0) - f64x2.extract_lane(W20, 0));
      const a3 = 0.5 * (f64x2.extract_lane(W00, 1) - f64x2.extract_lane(W22, 1));
      const k = Math.sqrt(a0 * a0 + a1 * a1 + a2 * a2 + a3 * a3);
      let v0: f64 = 1;
      let v1: f64 = 0;
      let v2: f64 = 0;
      let v3: f64 = 0;
      let rotate = true;
      if (heatbath) {
        // X from exp((2 beta k / 3) x0) dX, V = X (a/k)^+ (subgroupHeatbathSU3)
        sampleSU2(coupling * k);
        v0 = draw0;
        v1 = draw1;
        v2 = draw2;
        v3 = draw3;
        if (k > 1e-300) {
          const inv = 1 / k;
          const b0 = a0 * inv;
          const b1 = -a1 * inv;
          const b2 = -a2 * inv;
          const b3 = -a3 * inv;
          const x0 = v0;
          const x1 = v1;
          const x2 = v2;
          const x3 = v3;
          v0 = x0 * b0 - x1 * b1 - x2 * b2 - x3 * b3;
          v1 = x0 * b1 + b0 * x1 - (x2 * b3 - x3 * b2);
          v2 = x0 * b2 + b0 * x2 - (x3 * b1 - x1 * b3);
          v3 = x0 * b3 + b0 * x3 - (x1 * b2 - x2 * b1);
        }
      } else if (k < 1e-300) {
        rotate = false;
      } else {
        // V = (a/k)^+ (a/k)^+ (subgroupOverrelaxSU3)
        const inv = 1 / k;
        const b0 = a0 * inv;
        const b1 = -a1 * inv;
        const b2 = -a2 * inv;
        const b3 = -a3 * inv;
        v0 = b0 * b0 - b1 * b1 - b2 * b2 - b3 * b3;
        v1 = b0 * b1 + b0 * b1 - (b2 * b3 - b3 * b2);
        v2 = b0 * b2 + b0 * b2 - (b3 * b1 - b1 * b3);
        v3 = b0 * b3 + b0 * b3 - (b1 * b2 - b2 * b1);
      }
      if (rotate) {
        // rows 0 and 2 <- V(v) times them (rotateRowsSU3), of U and, but for the last subgroup, of W
        const sv0 = f64x2.splat(v0);
        const sv1 = f64x2.splat(v1);
        const sv2 = f64x2.splat(v2);
        const sv3 = f64x2.splat(v3);
        const smv2 = f64x2.splat(-v2);
        rotateRows(u + 0, u + 96, sv0, sv1, sv2, sv3, smv2);
        rotateRows(u + 16, u + 112, sv0, sv1, sv2, sv3, smv2);
        rotateRows(u + 32, u + 128, sv0, sv1, sv2, sv3, smv2);
        const x0 = W00;
        const y0 = W20;
        W00 = rowI(x0, y0, sv0, sv1, sv2, sv3);
        W20 = rowJ(x0, y0, sv0, sv1, smv2, sv3);
        const x1 = W01;
        const y1 = W21;
        W01 = rowI(x1, y1, sv0, sv1, sv2, sv3);
        W21 = rowJ(x1, y1, sv0, sv1, smv2, sv3);
        const x2 = W02;
        const y2 = W22;
        W02 = rowI(x2, y2, sv0, sv1, sv2, sv3);
        W22 = rowJ(x2, y2, sv0, sv1, smv2, sv3);
      }
    }
    {
      // subgroup (1, 2): a = the SU(2) part of W's (1, 2) block
      const a0 = 0.5 * (f64x2.extract_lane(W11, 0) + f64x2.extract_lane(W22, 0));
      const a1 = 0.5 * (f64x2.extract_lane(W12, 1) + f64x2.extract_lane(W21, 1));
      const a2 = 0.5 * (f64x2.extract_lane(W12, 0) - f64x2.extract_lane(W21, 0));
      const a3 = 0.5 * (f64x2.extract_lane(W11, 1) - f64x2.extract_lane(W22, 1));
      const k = Math.sqrt(a0 * a0 + a1 * a1 + a2 * a2 + a3 * a3);
      let v0: f64 = 1;
      let v1: f64 = 0;
      let v2: f64 = 0;
      let v3: f64 = 0;
      let rotate = true;
      if (heatbath) {
        // X from exp((2 beta k / 3) x0) dX, V = X (a/k)^+ (subgroupHeatbathSU3)
        sampleSU2(coupling * k);
        v0 = draw0;
        v1 = draw1;
        v2 = draw2;
        v3 = draw3;
        if (k > 1e-300) {
          const inv = 1 / k;
          const b0 = a0 * inv;
          const b1 = -a1 * inv;
          const b2 = -a2 * inv;
          const b3 = -a3 * inv;
          const x0 = v0;
          const x1 = v1;
          const x2 = v2;
          const x3 = v3;
          v0 = x0 * b0 - x1 * b1 - x2 * b2 - x3 * b3;
          v1 = x0 * b1 + b0 * x1 - (x2 * b3 - x3 * b2);
          v2 = x0 * b2 + b0 * x2 - (x3 * b1 - x1 * b3);
          v3 = x0 * b3 + b0 * x3 - (x1 * b2 - x2 * b1);
        }
      } else if (k < 1e-300) {
        rotate = false;
      } else {
        // V = (a/k)^+ (a/k)^+ (subgroupOverrelaxSU3)
        const inv = 1 / k;
        const b0 = a0 * inv;
        const b1 = -a1 * inv;
        const b2 = -a2 * inv;
        const b3 = -a3 * inv;
        v0 = b0 * b0 - b1 * b1 - b2 * b2 - b3 * b3;
        v1 = b0 * b1 + b0 * b1 - (b2 * b3 - b3 * b2);
        v2 = b0 * b2 + b0 * b2 - (b3 * b1 - b1 * b3);
        v3 = b0 * b3 + b0 * b3 - (b1 * b2 - b2 * b1);
      }
      if (rotate) {
        // rows 1 and 2 <- V(v) times them (rotateRowsSU3), of U and, but for the last subgroup, of W
        const sv0 = f64x2.splat(v0);
        const sv1 = f64x2.splat(v1);
        const sv2 = f64x2.splat(v2);
        const sv3 = f64x2.splat(v3);
        const smv2 = f64x2.splat(-v2);
        rotateRows(u + 48, u + 96, sv0, sv1, sv2, sv3, smv2);
        rotateRows(u + 64, u + 112, sv0, sv1, sv2, sv3, smv2);
        rotateRows(u + 80, u + 128, sv0, sv1, sv2, sv3, smv2);
      }
    }
  }
}

/**
 * Row i of V(v) (x, y): (v0 + i v3) x + (v2 + i v1) y, in rotateRowsSU3's order:
 * re = v0 xr - v3 xi + v2 yr - v1 yi, im = v0 xi + v3 xr + v2 yi + v1 yr.
 */
// @ts-ignore: decorator
@inline
function rowI(x: v128, y: v128, v0: v128, v1: v128, v2: v128, v3: v128): v128 {
  let p = f64x2.mul(v0, x);
  p = f64x2.add(p, f64x2.mul(v3, timesI(x)));
  p = f64x2.add(p, f64x2.mul(v2, y));
  return f64x2.add(p, f64x2.mul(v1, timesI(y)));
}

/**
 * Row j of V(v) (x, y): (-v2 + i v1) x + (v0 - i v3) y, in rotateRowsSU3's order:
 * re = -v2 xr - v1 xi + v0 yr + v3 yi, im = -v2 xi + v1 xr + v0 yi - v3 yr.
 */
// @ts-ignore: decorator
@inline
function rowJ(x: v128, y: v128, v0: v128, v1: v128, mv2: v128, v3: v128): v128 {
  let p = f64x2.mul(mv2, x);
  p = f64x2.add(p, f64x2.mul(v1, timesI(x)));
  p = f64x2.add(p, f64x2.mul(v0, y));
  return f64x2.add(p, f64x2.mul(v3, timesMinusI(y)));
}

/** The elements x at px and y at py (memory) <- rows i and j of V(v) (x, y). */
// @ts-ignore: decorator
@inline
function rotateRows(px: usize, py: usize, v0: v128, v1: v128, v2: v128, v3: v128, mv2: v128): void {
  const x = v128.load(px);
  const y = v128.load(py);
  v128.store(px, rowI(x, y, v0, v1, v2, v3));
  v128.store(py, rowJ(x, y, v0, v1, mv2, v3));
}
