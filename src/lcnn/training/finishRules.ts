/**
 * What the finishes after training share (./lbfgsFinish.ts, ./marquardtFinish.ts): which
 * training configurations their objective holds, and the rule that keeps their weights.
 *
 * @module
 */
import type { Dataset, Split } from '../dataset.js';
import { evaluate } from '../gradient.js';
import type { Model } from '../model.js';

/** `count` configurations evenly spaced through `train` (all of them for count >= length). */
export function evenlySpaced(train: readonly number[], count: number): number[] {
  if (count >= train.length) return [...train];
  return Array.from(
    { length: count },
    (_, k) => train[Math.floor(((k + 0.5) * train.length) / count)],
  );
}

/**
 * Loads `refined` into the model and keeps it when its validation MSE is below
 * `validationLoss` (the model's at `start`), else restores `start`: the rule of every finish
 * (./lbfgsFinish.ts, ./marquardtFinish.ts). Returns the refined weights' validation MSE.
 */
export function keepIfValidationFalls(
  model: Model,
  dataset: Dataset,
  split: Split,
  start: Float64Array,
  refined: Float64Array,
  validationLoss: number,
): { refinedValidationLoss: number; kept: boolean } {
  model.setWeights(refined);
  const refinedValidationLoss = evaluate(model, dataset, split.validation).mse;
  const kept = refinedValidationLoss < validationLoss;
  if (!kept) model.setWeights(start);
  return { refinedValidationLoss, kept };
}
