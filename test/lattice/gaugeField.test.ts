import { describe, expect, it } from 'vitest';
import { GaugeField } from '../../src/lattice/gaugeField.js';
import {
  gaugeTransform,
  gaugeTransformMatrixField,
  randomGaugeTransformation,
} from '../../src/lattice/gaugeTransformation.js';
import { Lattice } from '../../src/lattice/lattice.js';
import { MatrixField } from '../../src/lattice/matrixField.js';
import { averagePlaquette } from '../../src/lattice/observables/plaquette.js';
import { Xoshiro128 } from '../../src/core/rng.js';
import { kernelsFor } from '../../src/sun/group.js';
import { roughField } from '../helpers.js';

describe('GaugeField', () => {
  it('stores U_mu(x) at ((site*D + mu)*N*N)*2', () => {
    const lattice = new Lattice([3, 4]);
    const field = new GaugeField(lattice, 3);
    expect(field.links.length).toBe(12 * 2 * 18);
    expect(field.offset(5, 1)).toBe((5 * 2 + 1) * 18);
  });

  it('starts cold with identity links and hot with Haar-random SU(N) links', () => {
    const lattice = new Lattice([4, 4, 4]);
    const cold = GaugeField.cold(lattice, 3);
    const g = cold.group;
    const one = g.identity(new Float64Array(18), 0);
    for (let k = 0; k < lattice.volume * 3; k++)
      expect(g.exactEquals(cold.links, k * 18, one, 0)).toBe(true);
    const hot = GaugeField.hot(lattice, 3, new Xoshiro128(5));
    expect(hot.unitarityViolation()).toBeLessThan(1e-14);
    // a hot start has plaquette 0 up to fluctuations of order 1/sqrt(#plaquettes)
    expect(Math.abs(averagePlaquette(hot))).toBeLessThan(4 * Math.sqrt(1 / (2 * 9 * 192)));
  });

  it('is reproducible: equal seeds give bit-for-bit equal hot starts', () => {
    const lattice = new Lattice([4, 4]);
    const a = GaugeField.hot(lattice, 2, new Xoshiro128(9));
    const b = GaugeField.hot(lattice, 2, new Xoshiro128(9));
    const c = GaugeField.hot(lattice, 2, new Xoshiro128(10));
    expect(a.equals(b, 0)).toBe(true);
    expect(a.equals(c, 1e-3)).toBe(false);
  });

  it('clones deeply and copies from a compatible field', () => {
    const field = roughField([3, 3], 2, 1);
    const copy = field.clone();
    expect(copy.equals(field, 0)).toBe(true);
    copy.links[0] += 1;
    expect(copy.equals(field, 0)).toBe(false);
    expect(copy.copyFrom(field).equals(field, 0)).toBe(true);
    expect(() => copy.copyFrom(roughField([3, 4], 2, 1))).toThrow(
      /GaugeField.copyFrom: invalid other: expected a field on 3x3 with N = 2, got a field on 3x4 with N = 2/,
    );
  });

  it('compares within a tolerance and never equals a field on another lattice or group', () => {
    const field = roughField([3, 3], 2, 1);
    const nudged = field.clone();
    nudged.links[3] += 1e-13;
    expect(nudged.equals(field, 1e-12)).toBe(true);
    expect(nudged.equals(field, 1e-14)).toBe(false);
    expect(
      GaugeField.cold(new Lattice([3, 3]), 3).equals(GaugeField.cold(new Lattice([3, 3]), 2)),
    ).toBe(false);
  });

  it('re-unitarises drifted links back onto SU(N)', () => {
    const field = roughField([3, 3, 3], 3, 2);
    for (let k = 0; k < field.links.length; k++) field.links[k] *= 1 + 1e-6 * Math.sin(k);
    expect(field.unitarityViolation()).toBeGreaterThan(1e-7);
    expect(field.reunitarize().unitarityViolation()).toBeLessThan(1e-14);
  });

  it('rejects N < 2 and link arrays of the wrong length, naming both lengths', () => {
    const lattice = new Lattice([2, 2]);
    expect(() => new GaugeField(lattice, 1)).toThrow(
      /kernelsFor: invalid N: expected an integer >= 2, got 1/,
    );
    expect(() => new GaugeField(lattice, 2, new Float64Array(63))).toThrow(
      /GaugeField: invalid links: expected length 64, got length 63/,
    );
    expect(() => new GaugeField(lattice, 2, [1, 2] as unknown as Float64Array)).toThrow(TypeError);
    expect(() => new GaugeField({} as Lattice, 2)).toThrow(
      /GaugeField: invalid lattice: expected a Lattice/,
    );
  });
});

describe('MatrixField', () => {
  it('stores component k at a site at ((site*components + k)*N*N)*2', () => {
    const W = new MatrixField(new Lattice([2, 3]), 2, 3);
    expect(W.data.length).toBe(6 * 3 * 8);
    expect(W.offset(4, 2)).toBe((4 * 3 + 2) * 8);
  });

  it('rejects zero components and data of the wrong length', () => {
    const lattice = new Lattice([2, 2]);
    expect(() => new MatrixField(lattice, 2, 0)).toThrow(
      /MatrixField: invalid components: expected an integer >= 1, got 0/,
    );
    expect(() => new MatrixField(lattice, 3, 1, new Float64Array(10))).toThrow(
      /MatrixField: invalid data: expected length 72, got length 10/,
    );
  });
});

describe('gauge transformations', () => {
  it('compose: transforming by Omega1 then Omega2 equals transforming by Omega2 Omega1', () => {
    const field = roughField([3, 4], 3, 3);
    const rng = new Xoshiro128(4);
    const o1 = randomGaugeTransformation(field.lattice, 3, rng);
    const o2 = randomGaugeTransformation(field.lattice, 3, rng);
    const g = kernelsFor(3);
    const o21 = new MatrixField(field.lattice, 3, 1);
    for (let x = 0; x < field.lattice.volume; x++)
      g.multiply(o21.data, x * 18, o2.data, x * 18, o1.data, x * 18);
    const twice = gaugeTransform(gaugeTransform(field, o1), o2);
    expect(twice.equals(gaugeTransform(field, o21), 1e-14)).toBe(true);
  });

  it('the identity transformation changes nothing, bit for bit', () => {
    const field = roughField([3, 3], 2, 6);
    const one = new MatrixField(field.lattice, 2, 1);
    for (let x = 0; x < 9; x++) one.group.identity(one.data, x * 8);
    expect(gaugeTransform(field, one).equals(field, 0)).toBe(true);
  });

  it('rejects an Omega on another lattice, group or with several components', () => {
    const field = roughField([3, 3], 2, 6);
    const wrong = randomGaugeTransformation(new Lattice([3, 4]), 2, new Xoshiro128(1));
    expect(() => gaugeTransform(field, wrong)).toThrow(
      /gaugeTransform: invalid omega: expected one SU\(2\) matrix per site of 3x3, got 1 SU\(2\) matrices per site of 3x4/,
    );
    expect(() =>
      gaugeTransformMatrixField(
        new MatrixField(field.lattice, 2, 1),
        new MatrixField(field.lattice, 2, 2),
      ),
    ).toThrow(/invalid omega/);
  });
});
