/**
 * The staple (S_loc = -(beta/N) Re tr(U A)) in its unrolled SU(2)/SU(3), generic and
 * quaternion forms equals the sum of the open plaquettes walked link by link through the
 * one transport primitive, and the local action it gives equals the Wilson action's change.
 */
import { describe, expect, it } from 'vitest';
import { wilsonAction } from '../../src/lattice/observables/actionDensity.js';
import { wilsonLine } from '../../src/lattice/transport.js';
import { staple, stapleQuaternionSU2 } from '../../src/lattice/staple.js';
import { extractSU2 } from '../../src/sun/subgroups.js';
import { roughField } from '../helpers.js';

describe('staples', () => {
  for (const N of [2, 3, 4]) {
    for (const dims of [
      [4, 4],
      [3, 4, 3, 4],
    ]) {
      it(`SU(${N}) D = ${dims.length}: equal the sum of the upper and lower open plaquettes (1e-14)`, () => {
        const field = roughField(dims, N, 7 * N + dims.length, 0.8);
        const g = field.group;
        const m = g.matrixSize;
        const A = new Float64Array(m);
        const expected = new Float64Array(m);
        const path = new Float64Array(m);
        const tmp = new Float64Array(2 * m);
        let worst = 0;
        for (let x = 0; x < field.lattice.volume; x++) {
          for (let mu = 0; mu < field.lattice.D; mu++) {
            staple(A, 0, field, x, mu, tmp);
            g.zero(expected, 0);
            const xmu = field.lattice.up[x * field.lattice.D + mu];
            for (let nu = 0; nu < field.lattice.D; nu++) {
              if (nu === mu) continue;
              wilsonLine(path, 0, field, xmu, [
                [nu, 1],
                [mu, -1],
                [nu, -1],
              ]);
              g.add(expected, 0, expected, 0, path, 0);
              wilsonLine(path, 0, field, xmu, [
                [nu, -1],
                [mu, -1],
                [nu, 1],
              ]);
              g.add(expected, 0, expected, 0, path, 0);
            }
            for (let k = 0; k < m; k++) worst = Math.max(worst, Math.abs(A[k] - expected[k]));
          }
        }
        expect(worst).toBeLessThan(1e-14);
      });
    }
  }

  it('SU(2): the quaternion staple is the projection of the matrix staple (to rounding of 12 terms, 1e-14)', () => {
    const field = roughField([4, 4, 4, 4], 2, 3, 0.9);
    const { D, up, down } = field.lattice;
    const A = new Float64Array(8);
    const q = new Float64Array(4);
    const qm = new Float64Array(4);
    const tmp = new Float64Array(16);
    let worst = 0;
    for (let x = 0; x < field.lattice.volume; x++) {
      for (let mu = 0; mu < D; mu++) {
        staple(A, 0, field, x, mu, tmp);
        extractSU2(qm, 0, A, 0, 2, 0, 1);
        stapleQuaternionSU2(q, 0, field.links, up, down, D, x, mu);
        for (let k = 0; k < 4; k++) worst = Math.max(worst, Math.abs(q[k] - qm[k]));
      }
    }
    expect(worst).toBeLessThan(1e-14);
  });

  it('give the change of the Wilson action when one link changes: dS = -(beta/N) Re tr(dU A)', () => {
    const field = roughField([4, 4, 4], 3, 11, 0.7);
    const g = field.group;
    const beta = 5.5;
    const x = 13;
    const mu = 2;
    const A = staple(new Float64Array(18), 0, field, x, mu, new Float64Array(36));
    const before = wilsonAction(field, beta);
    const old = field.links.slice(field.offset(x, mu), field.offset(x, mu) + 18);
    const changed = field.clone();
    const r = roughField([1, 1], 3, 5, 1.0); // one random SU(3) matrix in its links
    g.multiply(changed.links, changed.offset(x, mu), r.links, 0, old, 0);
    const predicted =
      -(beta / 3) *
      (g.reTraceMultiply(changed.links, changed.offset(x, mu), A, 0) -
        g.reTraceMultiply(old, 0, A, 0));
    expect(Math.abs(wilsonAction(changed, beta) - before - predicted)).toBeLessThan(1e-10);
  });
});
