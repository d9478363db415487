import { describe, expect, it } from 'vitest';
import {
  embedSU2,
  extractSU2,
  multiplySU2Left,
  quaternionMultiply,
  subgroupPairs,
} from '../../src/sun/subgroups.js';
import { createSUNKernels } from '../../src/sun/sun.js';
import { haarRandom } from '../../src/sun/random.js';
import { Xoshiro128 } from '../../src/core/rng.js';

function randomQuaternion(rng: Xoshiro128): Float64Array {
  const q = Float64Array.from({ length: 4 }, () => rng.normal());
  const n = Math.hypot(...q);
  return q.map((v) => v / n);
}

describe('SU(2) subgroups', () => {
  it('enumerates the N(N-1)/2 pairs i < j', () => {
    expect(subgroupPairs(3)).toEqual([
      [0, 1],
      [0, 2],
      [1, 2],
    ]);
    expect(subgroupPairs(5).length).toBe(10);
  });

  for (const N of [2, 3, 4]) {
    it(`N = ${N}: embedded unit quaternions are SU(N) elements`, () => {
      const g = createSUNKernels(N);
      const rng = new Xoshiro128(N);
      const V = new Float64Array(g.matrixSize);
      const VV = new Float64Array(g.matrixSize);
      const one = g.identity(new Float64Array(g.matrixSize), 0);
      const det = [0, 0];
      for (const [i, j] of subgroupPairs(N)) {
        embedSU2(V, 0, randomQuaternion(rng), 0, N, i, j);
        g.multiplyAdjoint(VV, 0, V, 0, V, 0);
        expect(g.equals(VV, 0, one, 0, 1e-15)).toBe(true);
        g.det(det, 0, V, 0);
        expect(Math.abs(det[0] - 1) + Math.abs(det[1])).toBeLessThan(1e-15);
      }
    });

    it(`N = ${N}: extracting an embedded element returns its quaternion`, () => {
      const rng = new Xoshiro128(10 + N);
      const V = new Float64Array(2 * N * N);
      const q2 = new Float64Array(4);
      for (const [i, j] of subgroupPairs(N)) {
        const q = randomQuaternion(rng);
        extractSU2(q2, 0, embedSU2(V, 0, q, 0, N, i, j), 0, N, i, j);
        for (let k = 0; k < 4; k++) expect(Math.abs(q2[k] - q[k])).toBeLessThan(1e-15);
      }
    });

    it(`N = ${N}: left multiplication on rows i, j equals the full product with the embedding`, () => {
      const g = createSUNKernels(N);
      const rng = new Xoshiro128(20 + N);
      const A = haarRandom(new Float64Array(g.matrixSize), 0, g, rng);
      const V = new Float64Array(g.matrixSize);
      const expected = new Float64Array(g.matrixSize);
      const got = new Float64Array(g.matrixSize + 5);
      for (const [i, j] of subgroupPairs(N)) {
        const q = randomQuaternion(rng);
        g.multiply(expected, 0, embedSU2(V, 0, q, 0, N, i, j), 0, A, 0);
        expect(multiplySU2Left(got, 5, q, 0, A, 0, N, i, j)).toBe(got);
        expect(g.equals(got, 5, expected, 0, 1e-15)).toBe(true);
        // in place
        const B = A.slice();
        multiplySU2Left(B, 0, q, 0, B, 0, N, i, j);
        expect(g.equals(B, 0, expected, 0, 1e-15)).toBe(true);
      }
    });
  }

  it('extracts the quaternion a of a block w with Re tr(V(q) w) = 2 (q0 a0 - q.a)', () => {
    // The identity the heatbath relies on: the action seen by the subgroup element depends
    // on the staple only through its projected quaternion.
    const g = createSUNKernels(3);
    const rng = new Xoshiro128(3);
    const W = new Float64Array(18);
    for (let k = 0; k < 18; k++) W[k] = rng.normal();
    const a = extractSU2(new Float64Array(4), 0, W, 0, 3, 0, 2);
    const q = randomQuaternion(rng);
    const V = embedSU2(new Float64Array(18), 0, q, 0, 3, 0, 2);
    const VW = g.multiply(new Float64Array(18), 0, V, 0, W, 0);
    // the (0,2) block's contribution to Re tr(VW) is Re tr(VW) - W_11 (row 1 untouched)
    const block = g.reTrace(VW, 0) - W[2 * (1 * 3 + 1)];
    expect(
      Math.abs(block - 2 * (q[0] * a[0] - q[1] * a[1] - q[2] * a[2] - q[3] * a[3])),
    ).toBeLessThan(1e-14);
  });

  it('multiplies quaternions as SU(2) matrices', () => {
    const g = createSUNKernels(2);
    const rng = new Xoshiro128(4);
    const p = randomQuaternion(rng);
    const q = randomQuaternion(rng);
    const r = quaternionMultiply(new Float64Array(4), 0, p, 0, q, 0);
    const P = embedSU2(new Float64Array(8), 0, p, 0, 2, 0, 1);
    const Q = embedSU2(new Float64Array(8), 0, q, 0, 2, 0, 1);
    const PQ = g.multiply(new Float64Array(8), 0, P, 0, Q, 0);
    const Rm = embedSU2(new Float64Array(8), 0, r, 0, 2, 0, 1);
    expect(g.equals(PQ, 0, Rm, 0, 1e-15)).toBe(true);
    // aliasing
    quaternionMultiply(p, 0, p, 0, q, 0);
    for (let k = 0; k < 4; k++) expect(p[k]).toBe(r[k]);
  });
});
