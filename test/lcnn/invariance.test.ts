/**
 * The invariance error (src/lcnn/invariance.ts): zero to rounding for a symmetric L-CNN, per
 * configuration and per site, and clearly not zero for the plain L-CNN of the same layers (the
 * negative control), in 2D SU(2) on 4x4 under all 8 rotations and reflections; its spread is
 * the standard deviation over the copies that reproduce/symmetry.ts reported.
 */
import { describe, expect, it } from 'vitest';
import { transformGaugeField } from '../../src/lattice/symmetryActions.js';
import { EnsembleModel } from '../../src/lcnn/ensemble.js';
import { invarianceError } from '../../src/lcnn/invariance.js';
import { Model, type ModelSpec } from '../../src/lcnn/model.js';
import { symmetryGroup } from '../../src/lcnn/symmetry.js';
import { GaugeBatch } from '../../src/lcnn/tensors.js';
import { roughField } from '../helpers.js';

const fields = Array.from({ length: 4 }, (_, i) => roughField([4, 4], 2, 20 + i, 0.6 + 0.1 * i));
const layers: ModelSpec['layers'] = [
  { type: 'lcb', out: 2, kernel: 1 },
  { type: 'trace' },
  { type: 'dense', out: 1 },
];
const perConfiguration = (symmetry: ModelSpec['symmetry'], seed = 1) =>
  new Model({ N: 2, D: 2, seed, symmetry, layers: [...layers, { type: 'mean' }] });
const perSite = (symmetry: ModelSpec['symmetry'], seed = 1) =>
  new Model({ N: 2, D: 2, seed, symmetry, layers });

describe('invarianceError', () => {
  it('is below 1e-12 for a symmetric L-CNN (per configuration) whose predictions do vary, and above 1e-6 for the plain one', () => {
    const symmetric = perConfiguration('rotations+reflections');
    const predictions = symmetric.forward(GaugeBatch.fromFields(fields)).data;
    // not trivially invariant: the predictions differ between configurations
    expect(Math.max(...predictions) - Math.min(...predictions)).toBeGreaterThan(1e-3);
    const e = invarianceError(symmetric, fields);
    expect(e).toMatchObject({ configurations: 4, elements: 8 });
    expect(e.max).toBeLessThan(1e-12);
    expect(e.stdMax).toBeLessThan(1e-12);
    const plain = invarianceError(perConfiguration('none'), fields);
    expect(plain.max).toBeGreaterThan(1e-6);
    expect(plain.mean).toBeGreaterThan(1e-6);
    expect(plain.max).toBe(Math.max(...plain.perConfiguration));
  });

  it('compares per-site predictions at the moved sites: below 1e-12 for a symmetric model, above 1e-6 for the plain one', () => {
    expect(invarianceError(perSite('rotations+reflections'), fields).max).toBeLessThan(1e-12);
    expect(invarianceError(perSite('none'), fields).max).toBeGreaterThan(1e-6);
  });

  it('weights the copies by det g for a pseudo-scalar: a pseudo-scalar symmetric model is invariant so, and not as a scalar', () => {
    const model = new Model({
      N: 2,
      D: 2,
      seed: 1,
      symmetry: 'rotations+reflections',
      parity: 'pseudoscalar',
      layers: [...layers, { type: 'mean' }],
    });
    expect(invarianceError(model, fields).max).toBeLessThan(1e-12);
    // read as a scalar, its sign flips under reflections: the deviation is its own size
    const predictions = model.forward(GaugeBatch.fromFields(fields)).data;
    const asScalar = invarianceError(model, fields, { parity: 'scalar' });
    expect(asScalar.max).toBeGreaterThan(1e-6);
    expect(asScalar.max).toBeCloseTo(Math.max(...predictions.map(Math.abs)), 12);
  });

  it('measures an ensemble by its mean: an ensemble of symmetric members is invariant', () => {
    const ensemble = new EnsembleModel(
      [1, 2].map((s) => perConfiguration('rotations+reflections', s)),
    );
    expect(invarianceError(ensemble, fields).max).toBeLessThan(1e-12);
    const plain = new EnsembleModel([1, 2].map((s) => perConfiguration('none', s)));
    expect(invarianceError(plain, fields).max).toBeGreaterThan(1e-6);
  });

  it('has as mean spread the standard deviation over the copies that reproduce/symmetry.ts printed', () => {
    const model = perConfiguration('none');
    const group = symmetryGroup(2, 'rotations+reflections');
    let sum = 0;
    for (const field of fields) {
      const p = model.forward(
        GaugeBatch.fromFields(group.elements.map((R) => transformGaugeField(field, R))),
      ).data;
      const mean = p.reduce((a, b) => a + b, 0) / p.length;
      sum += Math.sqrt(p.reduce((a, b) => a + (b - mean) ** 2, 0) / p.length);
    }
    expect(invarianceError(model, fields).stdMean).toBeCloseTo(sum / fields.length, 15);
  });

  it('is exactly 0 for the trivial group, and refuses a lattice the group does not map onto itself', () => {
    const e = invarianceError(perConfiguration('none'), fields, {
      group: symmetryGroup(2, 'none'),
    });
    expect(e.max).toBe(0);
    expect(() => invarianceError(perConfiguration('none'), [roughField([4, 6], 2, 1)])).toThrow(
      /invarianceError: invalid lattice: expected equal extents/,
    );
    expect(() => invarianceError(perConfiguration('none'), [])).toThrow(
      /invarianceError: invalid fields: expected at least one gauge field/,
    );
  });
});
