/**
 * The problem of the finishes' tests (lbfgsFinish.test.ts, marquardtFinish.test.ts): W(1x2) in
 * 2D, which one L-CB layer represents exactly, on 24 rough 6x6 SU(2) fields in three classes,
 * a quarter for validation; Adam's two epochs on it leave the fit far above rounding level.
 */
import { Dataset, splitDataset } from '../../src/lcnn/dataset.js';
import type { ModelSpec } from '../../src/lcnn/model.js';
import { parseTarget } from '../../src/lcnn/targets.js';
import type { TrainOptions } from '../../src/lcnn/training/lcnn.js';
import { roughField } from '../helpers.js';

/** One L-CB layer, its trace and a linear readout. */
export const spec: ModelSpec = {
  N: 2,
  D: 2,
  seed: 3,
  layers: [{ type: 'lcb', out: 2, kernel: 1 }, { type: 'trace' }, { type: 'dense', out: 1 }],
};
const fields = Array.from({ length: 24 }, (_, i) =>
  roughField([6, 6], 2, 70 + i, 0.4 + 0.1 * (i % 6)),
);
export const data = Dataset.fromFields(
  fields,
  parseTarget('wilson:1x2'),
  fields.map((_, i) => i % 3),
);
export const split = splitDataset(data, { validation: 0.25, test: 0 }, 1);
/** The variance of the validation targets (the scale of "rounding level"). */
export const variance = (() => {
  const y = data.targetsOf(split.validation);
  const mean = y.reduce((a, b) => a + b, 0) / y.length;
  return y.reduce((a, b) => a + (b - mean) ** 2, 0) / y.length;
})();
/** Adam's training before a finish: two epochs, standardised targets. */
export const adam: TrainOptions = {
  epochs: 2,
  batchSize: 4,
  learningRate: 0.01,
  standardize: true,
  seed: 5,
};
