/**
 * Training with the point group: augmented batches are the moved configurations with their
 * recomputed targets, augmented training does not depend on the worker count, a symmetric
 * model learns an exactly representable invariant target, and targets a symmetric model
 * cannot represent are refused with the reason.
 */
import { describe, expect, it } from 'vitest';
import { transformGaugeField } from '../../src/lattice/symmetryActions.js';
import { Dataset, splitDataset } from '../../src/lcnn/dataset.js';
import { Model, type ModelSpec } from '../../src/lcnn/model.js';
import { symmetryGroup } from '../../src/lcnn/symmetry.js';
import { computeTarget, parseTarget } from '../../src/lcnn/targets.js';
import { evaluate, trainModel } from '../../src/lcnn/training/lcnn.js';
import { roughField } from '../helpers.js';

function dataset(count: number, target: string, dims = [4, 4], N = 2) {
  const fields = Array.from({ length: count }, (_, i) =>
    roughField(dims, N, 100 + i, 0.5 + 0.1 * (i % 5)),
  );
  return Dataset.fromFields(
    fields,
    parseTarget(target),
    fields.map((_, i) => i % 2),
  );
}

const symmetric = (mean: boolean): ModelSpec => ({
  N: 2,
  D: 2,
  seed: 4,
  symmetry: 'rotations+reflections',
  mixOrientations: false,
  layers: [
    { type: 'lcb', out: 2, kernel: 1 },
    { type: 'trace' },
    { type: 'dense', out: 1 },
    ...(mean ? [{ type: 'mean' as const }] : []),
  ],
});

describe('training with the point group', () => {
  it('augmented batches hold R U and the targets of R U', () => {
    const data = dataset(3, 'wilson:1x2');
    const group = symmetryGroup(2, 'rotations+reflections');
    const elements = [5, 0, 3];
    const { gauge, target } = data.batch([2, 0, 1], {
      symmetry: 'rotations+reflections',
      elements,
    });
    [2, 0, 1].forEach((i, k) => {
      const moved = transformGaugeField(data.field(i), group.elements[elements[k]]);
      expect(Array.from(gauge.links.subarray(k * gauge.stride, (k + 1) * gauge.stride))).toEqual(
        Array.from(moved.links),
      );
      expect(Array.from(target.subarray(k * 16, (k + 1) * 16))).toEqual(
        Array.from(computeTarget(moved, data.target)),
      );
    });
    // the identity leaves the batch as it is
    const plain = data.batch([1]);
    const same = data.batch([1], { symmetry: 'rotations', elements: [0] });
    expect(Array.from(same.gauge.links)).toEqual(Array.from(plain.gauge.links));
  });

  it('gives the same weights on 1 and 2 worker threads with augmentation', async () => {
    const data = dataset(12, 'wilson:1x2');
    const split = splitDataset(data, { validation: 0.25, test: 0 }, 1);
    const spec: ModelSpec = {
      N: 2,
      D: 2,
      seed: 1,
      layers: [{ type: 'lcb', out: 2, kernel: 1 }, { type: 'trace' }, { type: 'dense', out: 1 }],
    };
    const models = [new Model(spec), new Model(spec)];
    for (const [k, workers] of [1, 2].entries()) {
      await trainModel(models[k], data, split, {
        epochs: 2,
        batchSize: 4,
        learningRate: 0.01,
        seed: 3,
        workers,
        augment: 'rotations+reflections',
      });
    }
    const [a, b] = models.map((m) => m.getWeights());
    let worst = 0;
    for (let k = 0; k < a.length; k++) worst = Math.max(worst, Math.abs(a[k] - b[k]));
    // as for plain training (./training.test.ts): Adam divides by sqrt(v), which magnifies the
    // rounding of sums taken in another order
    expect(worst).toBeLessThan(1e-10);
    // and augmentation changed the run: plain training ends elsewhere
    const plain = new Model(spec);
    await trainModel(plain, data, split, { epochs: 2, batchSize: 4, learningRate: 0.01, seed: 3 });
    const c = plain.getWeights();
    expect(Math.max(...a.map((v, k) => Math.abs(v - c[k])))).toBeGreaterThan(1e-6);
  });

  it('a symmetric L-CB model learns the lattice average of W(1x2) to MSE below 1e-6', async () => {
    const data = dataset(40, 'wilson:1x2:mean');
    const split = splitDataset(data, { validation: 0.2, test: 0.2 }, 2);
    const model = new Model(symmetric(true));
    const before = evaluate(model, data, split.test).mse;
    await trainModel(model, data, split, {
      epochs: 300,
      batchSize: 4,
      learningRate: 0.01,
      seed: 5,
    });
    const test = evaluate(model, data, split.test);
    expect(test.mse).toBeLessThan(1e-6);
    expect(test.mse).toBeLessThan(before / 1e5);
  });

  it('refuses targets a symmetric model cannot represent, saying why', async () => {
    const perSite = dataset(4, 'wilson:1x2');
    const split = { train: [0, 1], validation: [2], test: [3] };
    const options = { epochs: 1, batchSize: 2, learningRate: 0.01 };
    await expect(trainModel(new Model(symmetric(false)), perSite, split, options)).rejects.toThrow(
      /quadrant.*wilson:1x2:mean/,
    );
    const polyakov = dataset(4, 'polyakov:mean');
    await expect(trainModel(new Model(symmetric(true)), polyakov, split, options)).rejects.toThrow(
      /Polyakov loop runs along the last axis/,
    );
    const charge = dataset(4, 'charge:mean', [2, 2, 2, 2]);
    const scalar4d: ModelSpec = { ...symmetric(true), D: 4 };
    await expect(trainModel(new Model(scalar4d), charge, split, options)).rejects.toThrow(
      /parity "pseudoscalar" for the target charge:mean/,
    );
    const oblong = dataset(4, 'wilson:1x2:mean', [4, 6]);
    await expect(
      trainModel(new Model({ ...symmetric(true), symmetry: 'none' }), oblong, split, {
        ...options,
        augment: 'rotations',
      }),
    ).rejects.toThrow(/equal extents.*axis 1 has 6/);
  });
});
