/**
 * The ensemble-size curve (src/lcnn/ensembleSizes.ts): sizes 1, 2, 4, ... then M; each row is
 * invarianceError and evaluateModel of the first m members (nested sub-ensembles), exactly;
 * the invariance error is left out (null) without fields; a single model is refused.
 */
import { describe, expect, it } from 'vitest';
import { Dataset } from '../../src/lcnn/dataset.js';
import { EnsembleModel } from '../../src/lcnn/ensemble.js';
import { ensembleSizes, invarianceByEnsembleSize } from '../../src/lcnn/ensembleSizes.js';
import { evaluateModel } from '../../src/lcnn/evaluation.js';
import { invarianceError } from '../../src/lcnn/invariance.js';
import { Model } from '../../src/lcnn/model.js';
import { parseTarget } from '../../src/lcnn/targets.js';
import { roughField } from '../helpers.js';

const fields = Array.from({ length: 3 }, (_, i) => roughField([4, 4], 2, 40 + i, 0.5 + 0.1 * i));
const dataset = Dataset.fromFields(fields, parseTarget('wilson:1x1:mean'));
const member = (seed: number) =>
  new Model({
    N: 2,
    D: 2,
    seed,
    symmetry: 'none',
    layers: [
      { type: 'lcb', out: 2, kernel: 1 },
      { type: 'trace' },
      { type: 'dense', out: 1 },
      { type: 'mean' },
    ],
  });

describe('ensembleSizes', () => {
  it('gives the powers of two below M, then M', () => {
    expect(ensembleSizes(1)).toEqual([1]);
    expect(ensembleSizes(2)).toEqual([1, 2]);
    expect(ensembleSizes(5)).toEqual([1, 2, 4, 5]);
    expect(ensembleSizes(8)).toEqual([1, 2, 4, 8]);
    expect(() => ensembleSizes(0)).toThrow('ensembleSizes: invalid M: expected');
  });
});

describe('invarianceByEnsembleSize', () => {
  const ensemble = new EnsembleModel([1, 2, 3].map(member));

  it('is invarianceError and evaluateModel of the first m members, for m = 1, 2, 3', () => {
    const rows = invarianceByEnsembleSize(ensemble, dataset, { fields });
    expect(rows.map((r) => r.members)).toEqual([1, 2, 3]);
    for (const r of rows) {
      const sub = new EnsembleModel(ensemble.members.slice(0, r.members));
      const e = invarianceError(sub, fields);
      expect(r).toEqual({
        members: r.members,
        mean: e.mean,
        max: e.max,
        mse: evaluateModel(sub, dataset).mse,
      });
    }
    // plain members: not invariant, and the rows differ (the members are distinct)
    expect(rows[0].max).toBeGreaterThan(1e-6);
    expect(rows[1].mean).not.toBe(rows[0].mean);
  });

  it('leaves the invariance error out without fields and scores only the given configurations', () => {
    const rows = invarianceByEnsembleSize(ensemble, dataset, { indices: [0, 2] });
    for (const r of rows) {
      expect(r.mean).toBeNull();
      expect(r.max).toBeNull();
      const sub = new EnsembleModel(ensemble.members.slice(0, r.members));
      expect(r.mse).toBe(evaluateModel(sub, dataset, [0, 2]).mse);
    }
  });

  it('refuses an ensemble of one member', () => {
    expect(() => invarianceByEnsembleSize(new EnsembleModel([member(1)]), dataset)).toThrow(
      'invarianceByEnsembleSize: invalid ensemble: expected an ensemble of at least 2 members',
    );
  });
});
