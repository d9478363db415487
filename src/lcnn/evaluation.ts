/**
 * Error measures of a trained model (an L-CNN, the baseline CNN, anything that predicts) on
 * configurations of a dataset, overall and per beta, in two metrics:
 *
 * - per value: the MSE and R^2 = 1 - SSE / SS_tot over every target value (every site of every
 *   configuration for per-site targets);
 * - site-averaged: prediction and target averaged over the sites of each configuration first,
 *   then MSE and R^2 over configurations: the metric of the L-CNN paper's code (lge-cnn
 *   `GCMConvNet.mse(global_average=True)`). For targets that are already one number per
 *   configuration (`:mean`) both metrics are the same.
 *
 * The configurations are read, predicted and scored a few at a time (at most about
 * {@link EvaluateOptions.batchBytes} of links), and only running sums are kept (Welford's
 * update for the variance of the targets), so the memory does not grow with the data:
 * a streaming dataset of 12x32^3 configurations (100 MB each) is scored within a few hundred
 * MB.
 *
 * @module
 */
import type { Dataset } from './dataset.js';
import { predict } from './gradient.js';
import type { ForwardModel } from './forwardModel.js';
import { checkCompatible } from './training/lcnn.js';

/** MSE and R^2 of a set of values. */
export interface Metrics {
  /** Mean squared error. */
  mse: number;
  /** Coefficient of determination R^2 (NaN when the targets are all equal). */
  r2: number;
  /** Number of values compared. */
  n: number;
}

/** Error measures of a model on a set of configurations. */
export interface Evaluation extends Metrics {
  /** MSE and R^2 after averaging prediction and target over each configuration's sites. */
  siteAveraged: Metrics;
  /** The same per beta value of the configurations, in increasing beta. */
  perBeta: Array<
    {
      /** The coupling beta (NaN when the ensemble did not record it). */
      beta: number;
      /** Site-averaged MSE and R^2 at this beta. */
      siteAveraged: Metrics;
    } & Metrics
  >;
}

/** Anything that predicts targets for configurations of a dataset (an L-CNN, the baseline). */
export type Predictor = (dataset: Dataset, indices: number[]) => Float64Array;

/** Running sums for MSE and R^2: Welford's mean and squared deviations of the targets. */
class RunningMetrics {
  private n = 0;
  private mean = 0;
  private m2 = 0;
  private sse = 0;

  add(prediction: number, target: number): void {
    this.n++;
    const delta = target - this.mean;
    this.mean += delta / this.n;
    this.m2 += delta * (target - this.mean);
    this.sse += (prediction - target) ** 2;
  }

  result(): Metrics {
    return {
      mse: this.n > 0 ? this.sse / this.n : NaN,
      r2: this.m2 > 0 ? 1 - this.sse / this.m2 : NaN,
      n: this.n,
    };
  }
}

/** Options of {@link evaluatePredictor}. */
export interface EvaluateOptions {
  /** Links read per prediction pass, at most (bytes; default 16 MiB, at least one configuration). */
  batchBytes?: number;
  /** Called with every configuration's predictions and targets (per site or one value). */
  onConfiguration?: (index: number, prediction: Float64Array, target: Float64Array) => void;
}

/** Evaluates a predictor on the given configurations of a dataset (all when omitted). */
export function evaluatePredictor(
  predictor: Predictor,
  dataset: Dataset,
  indices?: readonly number[],
  options: EvaluateOptions = {},
): Evaluation {
  const all = indices ?? Array.from({ length: dataset.size }, (_, i) => i);
  const overall = new RunningMetrics();
  const averaged = new RunningMetrics();
  const perBeta = new Map<number, { values: RunningMetrics; averaged: RunningMetrics }>();
  for (const chunk of dataset.passes(all, options.batchBytes)) {
    const prediction = predictor(dataset, chunk);
    let o = 0;
    for (const i of chunk) {
      const target = dataset.targetOf(i);
      const p = prediction.subarray(o, o + target.length);
      o += target.length;
      const beta = dataset.beta[i];
      let b = perBeta.get(beta);
      if (b === undefined) {
        perBeta.set(beta, (b = { values: new RunningMetrics(), averaged: new RunningMetrics() }));
      }
      let pSum = 0;
      let tSum = 0;
      for (let k = 0; k < target.length; k++) {
        overall.add(p[k], target[k]);
        b.values.add(p[k], target[k]);
        pSum += p[k];
        tSum += target[k];
      }
      averaged.add(pSum / target.length, tSum / target.length);
      b.averaged.add(pSum / target.length, tSum / target.length);
      options.onConfiguration?.(i, p, target);
    }
  }
  return {
    ...overall.result(),
    siteAveraged: averaged.result(),
    perBeta: [...perBeta.keys()]
      .sort((a, b) => a - b)
      .map((beta) => ({
        beta,
        ...perBeta.get(beta)!.values.result(),
        siteAveraged: perBeta.get(beta)!.averaged.result(),
      })),
  };
}

/**
 * Evaluates an L-CNN (or an ensemble of them, on its mean prediction: ./ensemble.ts) on the
 * given configurations of a dataset (all when omitted).
 */
export function evaluateModel(
  model: ForwardModel,
  dataset: Dataset,
  indices?: readonly number[],
  options?: EvaluateOptions,
): Evaluation {
  checkCompatible('evaluateModel', model, dataset);
  return evaluatePredictor((d, i) => predict(model, d, i), dataset, indices, options);
}
