/**
 * Site-centred per-site targets for symmetric models: the clover charge density q(x), the
 * clover energy density E(x) and the site-centred loop average wilson:RxT:clover move under
 * every point element R about x as t[R U](R x) = c_R t[U](x) (c_R = det R for the charge, 1
 * otherwise) to 1e-12, with the site map x -> R x fixed at the origin; corner-anchored targets
 * do not, and symmetric models refuse them naming the site-centred alternative.
 */
import { describe, expect, it } from 'vitest';
import type { GaugeField } from '../../src/lattice/gaugeField.js';
import type { Lattice } from '../../src/lattice/lattice.js';
import type { PointTransformation } from '../../src/lattice/pointGroup.js';
import { transformGaugeField } from '../../src/lattice/symmetryActions.js';
import { Dataset } from '../../src/lcnn/dataset.js';
import { Model } from '../../src/lcnn/model.js';
import { parseArchitecture, symmetricSpec } from '../../src/lcnn/architecture.js';
import { symmetryGroup, type Symmetry } from '../../src/lcnn/symmetry.js';
import {
  checkTargetSymmetry,
  computeTarget,
  formatTarget,
  parseTarget,
  targetMismatch,
  targetParity,
} from '../../src/lcnn/targets.js';
import { GaugeBatch } from '../../src/lcnn/tensors.js';
import { targetSymbol } from '../../src/report/modelSection.js';
import { checkCompatible } from '../../src/lcnn/training/lcnn.js';
import { abelianFluxField, roughField } from '../helpers.js';

/**
 * The site R x, written out here rather than taken from the library: (R x)_perm[mu] =
 * signs[mu] x_mu mod L, the fixed point the origin. `offset` moves the fixed point of the
 * reflected axes to -1/2 (x -> -x - 1), the wrong convention for site-centred fields.
 */
function image(lattice: Lattice, site: number, R: PointTransformation, offset = 0): number {
  const x = lattice.coordinates(site);
  const y = new Array<number>(lattice.D);
  for (let mu = 0; mu < lattice.D; mu++) {
    y[R.perm[mu]] = R.signs[mu] * x[mu] - (R.signs[mu] < 0 ? offset : 0);
  }
  return lattice.index(y);
}

/** Largest |t[R U](R x) - c_R t[U](x)| over the elements, x and c_R as described above. */
function worstDeviation(
  field: GaugeField,
  target: string,
  elements: readonly PointTransformation[],
  offset = 0,
): number {
  const spec = parseTarget(target);
  const pseudo = targetParity(spec) === 'pseudoscalar';
  const base = computeTarget(field, spec);
  let worst = 0;
  for (const R of elements) {
    const moved = computeTarget(transformGaugeField(field, R), spec);
    const sign = pseudo ? R.determinant : 1;
    for (let x = 0; x < base.length; x++) {
      const d = moved[image(field.lattice, x, R, offset)] - sign * base[x];
      worst = Math.max(worst, Math.abs(d));
    }
  }
  return worst;
}

const all4D = symmetryGroup(4, 'rotations+reflections').elements;

describe('site-centred targets', () => {
  const rough = roughField([4, 4, 4, 4], 2, 31, 0.9);
  const fluxes = [
    abelianFluxField([4, 4, 4, 4], { '0,1': 1, '2,3': 1 }),
    abelianFluxField([4, 4, 4, 4], { '0,2': 2, '1,3': -1, '0,1': 1 }),
  ];

  it('parse, format and fit', () => {
    for (const text of ['energy', 'energy:mean', 'wilson:2x1:clover', 'wilson:2x2:clover:mean']) {
      expect(formatTarget(parseTarget(text))).toBe(text);
    }
    expect(parseTarget('wilson:2x1:clover')).toEqual({
      kind: 'wilson',
      R: 2,
      T: 1,
      clover: true,
      perSite: true,
    });
    expect(() => parseTarget('wilson:2x1@01:clover')).toThrow(/wilson:RxT:clover/);
    expect(() => parseTarget('energy:clover')).toThrow(/energy/);
    expect(targetParity(parseTarget('energy'))).toBe('scalar');
    expect(targetParity(parseTarget('wilson:2x2:clover'))).toBe('scalar');
    expect(targetMismatch(parseTarget('energy'), [4, 6])).toBeUndefined();
    expect(targetSymbol('wilson:2x2:clover:mean')).toBe('W(2×2) clover (lattice mean)');
    expect(targetSymbol('energy')).toBe('E(x)');
    expect(targetSymbol('charge:plaquette:mean')).toBe('q(x) (lattice mean)');
    expect(targetMismatch(parseTarget('wilson:3x1:clover'), [4, 2])).toMatch(
      /extents of at least 3/,
    );
  });

  it('the clover charge density: q[R U](R x) = det R q[U](x) for all 384 elements, to 1e-12', () => {
    for (const field of [rough, ...fluxes]) {
      expect(worstDeviation(field, 'charge', all4D)).toBeLessThan(1e-12);
    }
    // not trivially: the flux fields have |q| of order 1e-2 and the rough field varies
    const q = computeTarget(fluxes[0], parseTarget('charge'));
    expect(Math.abs(q[0])).toBeGreaterThan(1e-3);
  });

  it('the energy density and the site-centred loops are invariant under all 384 elements', () => {
    for (const field of [rough, fluxes[1]]) {
      expect(worstDeviation(field, 'energy', all4D)).toBeLessThan(1e-12);
      expect(worstDeviation(field, 'wilson:2x1:clover', all4D)).toBeLessThan(1e-12);
    }
  });

  it('can fail: a site map fixed at -1/2, and the corner-anchored loops, break the law', () => {
    const reflections = all4D.filter((R) => R.signs.some((s) => s < 0));
    for (const target of ['charge', 'energy', 'wilson:2x1:clover']) {
      expect(worstDeviation(rough, target, reflections, 1)).toBeGreaterThan(1e-3);
    }
    expect(worstDeviation(rough, 'wilson:2x1', all4D)).toBeGreaterThan(1e-3);
    expect(worstDeviation(rough, 'charge:plaquette', all4D)).toBeGreaterThan(1e-3);
    // and the charge is odd: the scalar law fails for it under reflections
    const spec = parseTarget('charge');
    const R = reflections[0];
    const moved = computeTarget(transformGaugeField(rough, R), spec);
    const base = computeTarget(rough, spec);
    const x = 5;
    expect(Math.abs(moved[image(rough.lattice, x, R)] - base[x])).toBeGreaterThan(1e-4);
  });

  it('2D: wilson:1x1:clover is invariant under all 8 elements, wilson:1x1 is not', () => {
    const field = roughField([5, 5], 3, 8, 0.9);
    const group = symmetryGroup(2, 'rotations+reflections').elements;
    expect(worstDeviation(field, 'wilson:1x1:clover', group)).toBeLessThan(1e-12);
    expect(worstDeviation(field, 'wilson:2x1:clover', group)).toBeLessThan(1e-12);
    expect(worstDeviation(field, 'wilson:1x1', group)).toBeGreaterThan(1e-3);
  });
});

describe('symmetric models and per-site targets', () => {
  it('accept the site-centred targets, refuse corner-anchored ones naming the alternative', () => {
    const symmetries: Symmetry[] = ['rotations', 'rotations+reflections', 'lattice'];
    for (const symmetry of symmetries) {
      for (const target of ['charge', 'energy', 'wilson:2x2:clover', 'wilson:2x1:clover:mean']) {
        expect(() => checkTargetSymmetry('test', parseTarget(target), symmetry)).not.toThrow();
      }
      const refused: Array<[string, RegExp]> = [
        ['wilson:2x1', /quadrant x \+ mu \+ nu.*use wilson:2x1:clover/],
        ['wilson:2x2@01', /one plane.*use wilson:2x2:clover/],
        ['charge:plaquette', /quadrant x \+ mu \+ nu.*use charge \(the clover density/],
        ['polyakov', /Polyakov loop runs along the last axis/],
      ];
      for (const [target, reason] of refused) {
        expect(() => checkTargetSymmetry('test', parseTarget(target), symmetry)).toThrow(reason);
      }
    }
  });

  it('the Polyakov loop: accepted for a lattice group that keeps the last axis, invariant', () => {
    const target = parseTarget('polyakov');
    const timeLast = symmetryGroup(4, 'lattice', [3, 3, 3, 4]);
    expect(() => checkTargetSymmetry('test', target, 'lattice', timeLast)).not.toThrow();
    const field = roughField([3, 3, 3, 4], 2, 12, 0.9);
    expect(worstDeviation(field, 'polyakov', timeLast.elements)).toBeLessThan(1e-12);
    // on 4x8x8x8 the last axis is rotated into the others: refused, and indeed not invariant
    const timeFirst = symmetryGroup(4, 'lattice', [2, 3, 3, 3]);
    expect(() => checkTargetSymmetry('test', target, 'lattice', timeFirst)).toThrow(
      /Polyakov loop runs along the last axis.*"lattice" on lattices whose last extent differs/,
    );
    const other = roughField([2, 3, 3, 3], 2, 12, 0.9);
    expect(worstDeviation(other, 'polyakov', timeFirst.elements)).toBeGreaterThan(1e-3);
  });

  it('lifted per-site models for charge and energy: accepted, move with det g / invariant', () => {
    // the lattice group of 3x3x2x4: 32 elements, with reflections, cheap to test
    const dims = [3, 3, 2, 4];
    const fields = [roughField(dims, 2, 41, 0.9), roughField(dims, 2, 42, 0.9)];
    const field = fields[0];
    const V = field.lattice.volume;
    for (const text of ['charge', 'energy']) {
      const target = parseTarget(text);
      const model = new Model({
        N: 2,
        D: 4,
        seed: 7,
        layers: parseArchitecture('lcb:2:1,trace,dense:1'),
        // the frame input (every plane of g's frame): the one-plane input cannot form a
        // pseudo-scalar without mixing, and this group never moves the plane (0, 1) elsewhere
        ...symmetricSpec('lattice', target, false, 'frame', dims),
      });
      expect(model.spec.parity).toBe(text === 'charge' ? 'pseudoscalar' : 'scalar');
      expect(model.symmetry.size).toBe(32);
      const data = Dataset.fromFields(fields, target, [1, 1]);
      expect(() => checkCompatible('test', model, data)).not.toThrow();
      const elements = model.symmetry.elements;
      const out = model.forward(
        GaugeBatch.fromFields([field, ...elements.map((R) => transformGaugeField(field, R))]),
      ).data;
      let worst = 0;
      let largest = 0;
      elements.forEach((R, r) => {
        const sign = text === 'charge' ? R.determinant : 1;
        for (let x = 0; x < V; x++) {
          const got = out[(r + 1) * V + image(field.lattice, x, R)];
          worst = Math.max(worst, Math.abs(got - sign * out[x]));
          largest = Math.max(largest, Math.abs(out[x]));
        }
      });
      expect(worst).toBeLessThan(1e-12);
      // not the trivial solution y = 0
      expect(largest).toBeGreaterThan(1e-6);
    }
  });
});
