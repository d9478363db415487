/**
 * An ensemble's errors on a dataset (./ensemble.ts): the evaluation of its mean prediction,
 * each member's MSE, and the members' spread (the standard deviation over members per value,
 * averaged over values), every member predicting each configuration once.
 *
 * @module
 */
import type { Dataset } from './dataset.js';
import { ensembleMean, ensembleSpread, type EnsembleModel } from './ensemble.js';
import { evaluatePredictor, type EvaluateOptions, type Evaluation } from './evaluation.js';
import { predict, type BatchSource } from './gradient.js';
import { checkCompatible } from './training/lcnn.js';

/** Every member's predictions for the given configurations (./gradient.ts `predict`). */
export function predictMembers(
  ensemble: EnsembleModel,
  dataset: BatchSource,
  indices: readonly number[],
  batchSize?: number,
): Float64Array[] {
  return ensemble.members.map((m) => predict(m, dataset, indices, batchSize));
}

/** An ensemble's errors: its mean's, each member's MSE, and the members' spread. */
export interface EnsembleEvaluation {
  /** The evaluation of the ensemble's mean prediction (as `evaluateModel` gives it). */
  mean: Evaluation;
  /** Number of members M. */
  members: number;
  /** Each member's MSE over the same values, in member order. */
  memberMse: number[];
  /** The members' spread (standard deviation over members, 1/M) averaged over all values. */
  spread: number;
}

/**
 * Evaluates an ensemble on the given configurations (all when omitted): its mean prediction as
 * `evaluateModel` would, each member's MSE, and the members' spread, predicting every member
 * once per configuration.
 */
export function evaluateEnsemble(
  ensemble: EnsembleModel,
  dataset: Dataset,
  indices?: readonly number[],
  options: EvaluateOptions = {},
): EnsembleEvaluation {
  checkCompatible('evaluateEnsemble', ensemble, dataset);
  const M = ensemble.size;
  const sse = new Float64Array(M);
  let spreadSum = 0;
  let values = 0;
  // the chunk's member predictions, read in order as evaluatePredictor reports each
  // configuration of the chunk right after predicting it
  let chunk: Float64Array[] = [];
  let cursor = 0;
  const mean = evaluatePredictor(
    (d, i) => {
      chunk = predictMembers(ensemble, d, i);
      cursor = 0;
      return ensembleMean(chunk);
    },
    dataset,
    indices,
    {
      ...options,
      onConfiguration: (index, prediction, target) => {
        const parts = chunk.map((c) => c.subarray(cursor, cursor + target.length));
        cursor += target.length;
        parts.forEach((p, k) => {
          for (let v = 0; v < target.length; v++) sse[k] += (p[v] - target[v]) ** 2;
        });
        const s = ensembleSpread(parts);
        for (const x of s.perValue) spreadSum += x;
        values += target.length;
        options.onConfiguration?.(index, prediction, target);
      },
    },
  );
  return {
    mean,
    members: M,
    memberMse: Array.from(sse, (s) => (values > 0 ? s / values : NaN)),
    spread: values > 0 ? spreadSum / values : NaN,
  };
}
