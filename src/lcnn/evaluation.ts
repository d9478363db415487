/**
 * Error measures of a trained model (an L-CNN, the baseline CNN, anything that predicts) on
 * configurations of a dataset: MSE and R^2 overall and per beta.
 *
 * @module
 */
import type { Dataset } from './dataset.js';
import { predict } from './gradient.js';
import { regressionMetrics } from './metrics.js';
import type { Model } from './model.js';
import { checkCompatible } from './training/lcnn.js';

/** Error measures of a model on a set of configurations. */
export interface Evaluation {
  /** Mean squared error over all target values. */
  mse: number;
  /** Coefficient of determination R^2. */
  r2: number;
  /** Target values compared. */
  n: number;
  /** The same per beta value of the configurations. */
  perBeta: Array<{
    /** The coupling beta (NaN when the ensemble did not record it). */
    beta: number;
    /** Mean squared error over this beta's target values. */
    mse: number;
    /** Coefficient of determination R^2 at this beta. */
    r2: number;
    /** Target values compared at this beta. */
    n: number;
  }>;
}

/** Anything that predicts targets for configurations of a dataset (an L-CNN, the baseline). */
export type Predictor = (dataset: Dataset, indices: number[]) => Float64Array;

/** Evaluates a predictor on the given configurations of a dataset (all when omitted). */
export function evaluatePredictor(
  predictor: Predictor,
  dataset: Dataset,
  indices?: number[],
): Evaluation {
  const all = indices ?? Array.from({ length: dataset.size }, (_, i) => i);
  const stride = dataset.targetStride;
  const prediction = predictor(dataset, all);
  const target = dataset.targetsOf(all);
  const overall = regressionMetrics(prediction, target);
  const betas = [...new Set(all.map((i) => dataset.beta[i]))].sort((a, b) => a - b);
  const perBeta = betas.map((beta) => {
    const ks = all.map((i, k) => (Object.is(dataset.beta[i], beta) ? k : -1)).filter((k) => k >= 0);
    const p = new Float64Array(ks.length * stride);
    const t = new Float64Array(ks.length * stride);
    ks.forEach((k, j) => {
      p.set(prediction.subarray(k * stride, (k + 1) * stride), j * stride);
      t.set(target.subarray(k * stride, (k + 1) * stride), j * stride);
    });
    return { beta, ...regressionMetrics(p, t) };
  });
  return { ...overall, perBeta };
}

/** Evaluates an L-CNN on the given configurations of a dataset (all when omitted). */
export function evaluateModel(model: Model, dataset: Dataset, indices?: number[]): Evaluation {
  checkCompatible('evaluateModel', model, dataset);
  return evaluatePredictor((d, i) => predict(model, d, i), dataset, indices);
}
