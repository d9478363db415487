import { describe, expect, it } from 'vitest';
import {
  gaugeTransform,
  gaugeTransformMatrixField,
  randomGaugeTransformation,
} from '../../src/lattice/gaugeTransformation.js';
import { MatrixField } from '../../src/lattice/matrixField.js';
import { straightLines, transportField, wilsonLine } from '../../src/lattice/transport.js';
import { Xoshiro128 } from '../../src/core/rng.js';
import { roughField } from '../helpers.js';

describe('parallel transport', () => {
  it('walks a path forward with U and backward with U^dagger, returning the end site', () => {
    const field = roughField([4, 3], 2, 1);
    const g = field.group;
    const { lattice } = field;
    const line = new Float64Array(8);
    const expected = new Float64Array(8);
    const x = lattice.index([1, 1]);
    const end = wilsonLine(line, 0, field, x, [
      [0, 2],
      [1, -1],
    ]);
    expect(end).toBe(lattice.index([3, 0]));
    // U_0(1,1) U_0(2,1) U_1(3,0)^dagger
    g.multiply(
      expected,
      0,
      field.links,
      field.offset(x, 0),
      field.links,
      field.offset(lattice.index([2, 1]), 0),
    );
    g.multiplyAdjoint(
      expected,
      0,
      expected,
      0,
      field.links,
      field.offset(lattice.index([3, 0]), 1),
    );
    expect(g.equals(line, 0, expected, 0, 1e-15)).toBe(true);
  });

  it('builds straight lines of either sign that agree with wilsonLine', () => {
    const field = roughField([5, 3, 2], 3, 2);
    const g = field.group;
    const line = new Float64Array(18);
    for (const [mu, length] of [
      [0, 3],
      [1, -2],
      [2, 0],
      [0, -5],
    ]) {
      const L = straightLines(field, mu, length);
      for (let x = 0; x < field.lattice.volume; x++) {
        wilsonLine(line, 0, field, x, [[mu, length]]);
        expect(g.equals(line, 0, L.data, x * 18, 1e-14)).toBe(true);
      }
    }
  });

  it('transports a covariant field so that the result transforms at the base site', () => {
    // W(x) -> Omega(x) W(x) Omega(x)^+ and L(x) -> Omega(x) L(x) Omega(x + k mu)^+ give
    // L(x) W(x + k mu) L(x)^+ -> Omega(x) [...] Omega(x)^+ (PRL 128 (2022) 032003, eq. (5)).
    const field = roughField([4, 3, 3], 3, 3);
    const rng = new Xoshiro128(8);
    const W = new MatrixField(field.lattice, 3, 1);
    for (let k = 0; k < W.data.length; k++) W.data[k] = rng.normal();
    const omega = randomGaugeTransformation(field.lattice, 3, rng);
    const transformedField = gaugeTransform(field, omega);
    const transformedW = gaugeTransformMatrixField(W, omega);
    for (const [mu, hops] of [
      [0, 2],
      [2, -1],
    ]) {
      const out = transportField(
        new MatrixField(field.lattice, 3, 1),
        0,
        W,
        0,
        straightLines(field, mu, hops),
        mu,
        hops,
      );
      const outT = transportField(
        new MatrixField(field.lattice, 3, 1),
        0,
        transformedW,
        0,
        straightLines(transformedField, mu, hops),
        mu,
        hops,
      );
      expect(outT.maxDifference(gaugeTransformMatrixField(out, omega))).toBeLessThan(1e-13);
    }
  });

  it('rejects a direction out of range', () => {
    const field = roughField([4, 3], 2, 1);
    expect(() => straightLines(field, 2, 1)).toThrow(
      /straightLines: invalid mu: expected an integer in \[0, 1\], got 2/,
    );
  });
});
