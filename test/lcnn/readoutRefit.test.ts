/**
 * The readout refit (src/lcnn/training/readoutRefit.ts): the least-squares readout is a minimum
 * of the training loss (its gradient with respect to the dense layer vanishes, found by the
 * backward pass, an independent code path), gives no weight to features that are always zero,
 * is kept only when the validation loss falls, and trainModel's `refitReadout` is training
 * followed by it.
 */
import { describe, expect, it } from 'vitest';
import { Dataset, splitDataset } from '../../src/lcnn/dataset.js';
import { shardGradient } from '../../src/lcnn/gradient.js';
import type { Dense } from '../../src/lcnn/layers/dense.js';
import { Model, type ModelSpec } from '../../src/lcnn/model.js';
import { parseTarget } from '../../src/lcnn/targets.js';
import { evaluate, trainModel } from '../../src/lcnn/training/lcnn.js';
import { fitReadout, refitReadout } from '../../src/lcnn/training/readoutRefit.js';
import { maxAbsDifference, roughField } from '../helpers.js';

// W(2x2) is out of reach of one L-CB layer: a residual that the readout cannot remove
const spec: ModelSpec = {
  N: 2,
  D: 2,
  seed: 4,
  layers: [{ type: 'lcb', out: 2, kernel: 1 }, { type: 'trace' }, { type: 'dense', out: 1 }],
};

function dataset(count: number): Dataset {
  const fields = Array.from({ length: count }, (_, i) =>
    roughField([6, 6], 2, 30 + i, 0.5 + 0.1 * (i % 5)),
  );
  return Dataset.fromFields(
    fields,
    parseTarget('wilson:2x2'),
    fields.map((_, i) => i % 2),
  );
}

const data = dataset(30);
const split = splitDataset(data, { validation: 0.2, test: 0.2 }, 1);
const readout = (model: Model): Dense => model.layers.at(-1) as Dense;
const readoutWeights = (model: Model): number[] => [
  ...readout(model).weight.value,
  ...readout(model).bias.value,
];

async function trained(options: { refitReadout?: boolean } = {}) {
  const model = new Model(spec);
  const result = await trainModel(model, data, split, {
    epochs: 3,
    batchSize: 6,
    learningRate: 0.01,
    standardize: true,
    seed: 2,
    ...options,
  });
  return { model, result };
}

/** The gradient of the training MSE with respect to the readout (weights, then bias). */
function readoutGradient(model: Model): number[] {
  const { grad } = shardGradient(model, data, split.train, data.targetCount(split.train));
  const n = readout(model).weight.value.length + 1;
  return Array.from(grad.subarray(grad.length - n));
}

describe('the readout refit', () => {
  it("is a minimum of the training loss: the backward pass's gradient for the readout vanishes", async () => {
    const { model } = await trained();
    const before = readoutGradient(model);
    const loss = evaluate(model, data, split.train).mse;
    const fit = fitReadout(model, data, split.train);
    readout(model).weight.value.set(fit.weight);
    readout(model).bias.value[0] = fit.bias;
    const after = readoutGradient(model);
    const scale = Math.max(...before.map(Math.abs));
    expect(scale).toBeGreaterThan(1e-4); // Adam had not found it
    expect(Math.max(...after.map(Math.abs))).toBeLessThan(1e-12 * Math.max(1, scale));
    const refitLoss = evaluate(model, data, split.train).mse;
    expect(refitLoss).toBeLessThan(loss);
    // and moving a readout weight of a feature that is not always zero (Re tr of the two
    // channels) or the bias raises the loss
    const w = readoutWeights(model);
    for (const k of [0, 2, 4]) {
      for (const step of [-1e-3, 1e-3]) {
        const moved = w.slice();
        moved[k] += step;
        readout(model).weight.value.set(moved.slice(0, -1));
        readout(model).bias.value[0] = moved.at(-1)!;
        expect(evaluate(model, data, split.train).mse).toBeGreaterThan(refitLoss);
      }
    }
  });

  it('gives no weight to the features that are always zero (Im tr of SU(2) matrices)', async () => {
    const { model } = await trained();
    // trace gives (Re, Im) per channel: Im tr of the SU(2)-covariant L-CB output is 0
    const fit = fitReadout(model, data, split.train);
    expect(Math.abs(readout(model).weight.value[1])).toBeGreaterThan(1e-3);
    expect(Math.abs(fit.weight[1])).toBeLessThan(1e-9);
    expect(Math.abs(fit.weight[3])).toBeLessThan(1e-9);
    // a second fit from the first changes nothing beyond rounding
    readout(model).weight.value.set(fit.weight);
    readout(model).bias.value[0] = fit.bias;
    const again = fitReadout(model, data, split.train);
    expect(maxAbsDifference([...again.weight, again.bias], [...fit.weight, fit.bias])).toBeLessThan(
      1e-12,
    );
  });

  it('is kept only when it lowers the validation loss', async () => {
    const { model } = await trained();
    const weights = model.getWeights();
    const fit = fitReadout(model, data, split.train);
    // told the trained model was perfect on the validation set: not kept, the weights as they were
    const refused = refitReadout(model, data, split, 0);
    expect(refused.kept).toBe(false);
    expect(model.getWeights()).toEqual(weights);
    const accepted = refitReadout(model, data, split, Infinity);
    expect(accepted.kept).toBe(true);
    expect(readoutWeights(model)).toEqual([...fit.weight, fit.bias]);
    expect(accepted.refitValidationLoss).toBe(evaluate(model, data, split.validation).mse);
  });

  it("trainModel's refitReadout: the trained weights, then the refit, reported", async () => {
    const plain = await trained();
    const refit = await trained({ refitReadout: true });
    const expected = refitReadout(plain.model, data, split, plain.result.bestValidationLoss);
    expect(refit.result.readoutRefit).toEqual(expected);
    expect(refit.model.getWeights()).toEqual(plain.model.getWeights());
    expect(expected.validationLoss).toBe(plain.result.bestValidationLoss);
  });

  it('refuses a model that does not end in dense:1, before training', async () => {
    const model = new Model({
      ...spec,
      layers: [...spec.layers.slice(0, 2), { type: 'dense', out: 1, activation: 'tanh' }],
    });
    await expect(
      trainModel(model, data, split, {
        epochs: 1,
        batchSize: 6,
        learningRate: 0.01,
        refitReadout: true,
      }),
    ).rejects.toThrow(
      'trainModel: invalid refitReadout: expected a model ending in a linear dense layer with one output (dense:1), got a last layer {"type":"dense","out":1,"activation":"tanh"}',
    );
    // a symmetric model averages over orientations after its dense layers
    const symmetric = new Model({ ...spec, symmetry: 'rotations' });
    expect(() => fitReadout(symmetric, data, split.train)).toThrow(
      'got the orientation average of a symmetric model (its dense layers act before it)',
    );
  });
});
