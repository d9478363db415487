import { describe, expect, it } from 'vitest';
import { GaugeField } from '../../src/lattice/gaugeField.js';
import { Lattice } from '../../src/lattice/lattice.js';
import { cloverField } from '../../src/lattice/observables/clover.js';
import { averagePlaquette, sitePlaquette } from '../../src/lattice/observables/plaquette.js';
import { planeIndex, planes } from '../../src/lattice/observables/planes.js';
import { polyakovLoop } from '../../src/lattice/observables/polyakov.js';
import {
  topologicalCharge,
  topologicalChargeDensity,
} from '../../src/lattice/observables/topologicalCharge.js';
import { averageWilsonLoop, siteWilsonLoop } from '../../src/lattice/observables/wilsonLoops.js';
import {
  identityTransformation,
  pointGroup,
  PointTransformation,
  reflection,
  rotation,
} from '../../src/lattice/pointGroup.js';
import {
  transformGaugeField,
  transformMatrixField,
  transformSiteValues,
  translateGaugeField,
  translateMatrixField,
} from '../../src/lattice/symmetryActions.js';
import { maxAbsDifference, relativeDifference, roughField } from '../helpers.js';

function generators(D: number): Array<{ R: PointTransformation; order: number; name: string }> {
  const out = [];
  for (let mu = 0; mu < D; mu++) {
    out.push({ R: reflection(D, mu), order: 2, name: `reflection of axis ${mu}` });
    for (let nu = mu + 1; nu < D; nu++) {
      out.push({ R: rotation(D, mu, nu), order: 4, name: `rotation in plane (${mu}, ${nu})` });
    }
  }
  return out;
}

describe('the hypercubic point group', () => {
  it.each([
    [2, 8],
    [3, 48],
    [4, 384],
  ])('in D = %i has %i distinct elements, closed under composition and inverse', (D, order) => {
    const group = pointGroup(D);
    expect(group.length).toBe(order);
    const key = (R: PointTransformation) => `${R}`;
    const keys = new Set(group.map(key));
    expect(keys.size).toBe(order);
    expect(group[0].isIdentity()).toBe(true);
    const sample = D === 4 ? group.filter((_, i) => i % 17 === 0) : group;
    for (const A of sample) {
      expect(A.compose(A.inverse()).isIdentity()).toBe(true);
      expect(A.inverse().compose(A).isIdentity()).toBe(true);
      for (const B of sample) expect(keys.has(key(A.compose(B)))).toBe(true);
    }
  });

  it('composes as functions: (A . B) acts by B first', () => {
    const A = rotation(3, 0, 1);
    const B = reflection(3, 0);
    const AB = A.compose(B);
    // B: e0 -> -e0; then A: e0 -> e1, so AB e0 = -e1
    expect(AB.perm[0]).toBe(1);
    expect(AB.signs[0]).toBe(-1);
  });

  it('has determinant +1 on rotations and -1 on reflections, half of each', () => {
    expect(rotation(4, 1, 3).determinant).toBe(1);
    expect(reflection(4, 2).determinant).toBe(-1);
    expect(new PointTransformation([1, 0], [1, 1]).determinant).toBe(-1);
    const dets = pointGroup(3).map((R) => R.determinant);
    expect(dets.filter((d) => d === 1).length).toBe(24);
  });

  it('rejects bad permutations and signs', () => {
    expect(() => new PointTransformation([0, 0], [1, 1])).toThrow(
      /invalid perm: expected a permutation of 0..1, got \[0, 0\]/,
    );
    expect(() => new PointTransformation([0, 1], [1, 2])).toThrow(/invalid signs/);
    expect(() => rotation(3, 1, 1)).toThrow(/rotation: invalid nu/);
    expect(() => reflection(2, 2)).toThrow(
      /reflection: invalid axis: expected an integer in \[0, 1\], got 2/,
    );
  });
});

describe('point transformations of gauge fields', () => {
  for (const [N, dims] of [
    [2, [4, 4]],
    [3, [3, 3, 3]],
    [2, [3, 3, 3, 3]],
  ] as Array<[number, number[]]>) {
    const D = dims.length;
    for (const { R, order, name } of generators(D)) {
      it(`SU(${N}) D = ${D}: the ${name} applied ${order} times is the identity`, () => {
        const field = roughField(dims, N, 17 + D);
        let t = field;
        for (let k = 0; k < order; k++) {
          t = transformGaugeField(t, R);
          if (k < order - 1) expect(t.equals(field, 1e-3)).toBe(false);
        }
        expect(t.equals(field, 0)).toBe(true);
      });
    }

    it(`SU(${N}) D = ${D}: plaquette and Wilson loop averages are invariant under the whole group`, () => {
      const field = roughField(dims, N, 23);
      const before = [
        averagePlaquette(field),
        averageWilsonLoop(field, 1, 2),
        averageWilsonLoop(field, 2, 2),
      ];
      const group = pointGroup(D);
      for (const R of D === 4 ? group.filter((_, i) => i % 7 === 0) : group) {
        const t = transformGaugeField(field, R);
        const after = [averagePlaquette(t), averageWilsonLoop(t, 1, 2), averageWilsonLoop(t, 2, 2)];
        for (let i = 0; i < before.length; i++) {
          expect(relativeDifference(before[i], after[i])).toBeLessThan(1e-13);
        }
      }
    });

    it(`SU(${N}) D = ${D}: per-site Wilson loop fields do not simply move with the sites under a reflection`, () => {
      // The plaquette based at x is a leaf of the clover at R x, not the plaquette at R x:
      // siteWilsonLoop is invariant only on average. This is why clover quantities are used
      // for per-site covariance below (and why the test can fail).
      const field = roughField(dims, N, 29);
      const R = reflection(D, 0);
      const moved = transformSiteValues(field.lattice, sitePlaquette(field), R);
      expect(maxAbsDifference(moved, sitePlaquette(transformGaugeField(field, R)))).toBeGreaterThan(
        1e-3,
      );
    });
  }

  it('the clover field strength moves with the sites: F_{R mu, R nu}(R x) = sign F_mu,nu(x)', () => {
    const field = roughField([3, 3, 3, 3], 3, 37);
    const F = cloverField(field);
    const group = pointGroup(4);
    for (const R of group.filter((_, i) => i % 5 === 0)) {
      const Ft = cloverField(transformGaugeField(field, R));
      const moved = transformMatrixField(F, R);
      const g = field.group;
      for (const [mu, nu] of planes(4)) {
        const { mu: a, nu: b, sign } = R.mapPlane(mu, nu);
        const p = planeIndex(4, mu, nu);
        const q = planeIndex(4, a, b);
        let worst = 0;
        for (let x = 0; x < field.lattice.volume; x++) {
          const o = moved.offset(x, p);
          const t = Ft.offset(x, q);
          for (let k = 0; k < g.matrixSize; k++) {
            worst = Math.max(worst, Math.abs(Ft.data[t + k] - sign * moved.data[o + k]));
          }
        }
        expect(worst).toBeLessThan(1e-14);
      }
    }
  });

  it('the topological charge density is a pseudo-scalar: q(R x) = det(R) q(x)', () => {
    const field = roughField([3, 3, 3, 3], 2, 41);
    const q = topologicalChargeDensity(field);
    const Q = topologicalCharge(field);
    expect(Math.abs(Q)).toBeGreaterThan(1e-3);
    for (const R of [
      reflection(4, 0),
      reflection(4, 3),
      rotation(4, 0, 2),
      rotation(4, 1, 3).compose(reflection(4, 1)),
    ]) {
      const t = transformGaugeField(field, R);
      const moved = transformSiteValues(field.lattice, q, R);
      for (let x = 0; x < q.length; x++) moved[x] *= R.determinant;
      expect(maxAbsDifference(topologicalChargeDensity(t), moved)).toBeLessThan(1e-14);
      expect(Math.abs(topologicalCharge(t) - R.determinant * Q)).toBeLessThan(1e-12);
    }
  });

  it('a Polyakov loop along a reflected axis becomes its complex conjugate', () => {
    const field = roughField([4, 3, 5], 3, 43);
    const p = polyakovLoop(field, 2);
    const t = polyakovLoop(transformGaugeField(field, reflection(3, 2)), 2);
    expect(Math.abs(t.re - p.re)).toBeLessThan(1e-14);
    expect(Math.abs(t.im + p.im)).toBeLessThan(1e-14);
    expect(Math.abs(p.im)).toBeGreaterThan(1e-4);
  });

  it('rejects a rotation between axes of different extent', () => {
    const field = GaugeField.cold(new Lattice([4, 6]), 2);
    expect(() => transformGaugeField(field, rotation(2, 0, 1))).toThrow(
      /transformGaugeField: invalid R: expected a transformation that maps axes onto axes of equal extent/,
    );
  });

  it('the identity element changes nothing', () => {
    const field = roughField([3, 3], 2, 1);
    expect(transformGaugeField(field, identityTransformation(2)).equals(field, 0)).toBe(true);
  });
});

describe('translations', () => {
  it('move per-site observables with the sites and keep averages', () => {
    const field = roughField([4, 3, 5], 3, 47);
    const shift = [1, -1, 7];
    const t = translateGaugeField(field, shift);
    const lattice = field.lattice;
    const before = siteWilsonLoop(field, 1, 2);
    const after = siteWilsonLoop(t, 1, 2);
    for (let x = 0; x < lattice.volume; x++) {
      const y = lattice.index(lattice.coordinates(x).map((v, mu) => v + shift[mu]));
      expect(Math.abs(after[y] - before[x])).toBeLessThan(1e-15);
    }
    const F = cloverField(field);
    expect(cloverField(t).maxDifference(translateMatrixField(F, shift))).toBe(0);
  });

  it('by a full period is the identity', () => {
    const field = roughField([4, 3], 2, 5);
    expect(translateGaugeField(field, [4, -3]).equals(field, 0)).toBe(true);
  });

  it('reject a shift with the wrong number of components', () => {
    const field = GaugeField.cold(new Lattice([4, 4]), 2);
    expect(() => translateGaugeField(field, [1])).toThrow(
      /translateGaugeField: invalid shift: expected 2 integers, got \[1\]/,
    );
  });
});
