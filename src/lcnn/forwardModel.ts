/**
 * What prediction and evaluation need of a model: a forward pass and the description that the
 * compatibility checks read. A {@link Model} is one; so is an ensemble of models
 * (./ensemble.ts), whose forward pass is the mean of its members'.
 *
 * @module
 */
import type { Model } from './model.js';

/** A model as prediction (./gradient.ts `predict`) and evaluation (./evaluation.ts) use it. */
export type ForwardModel = Pick<
  Model,
  'spec' | 'outputFeatures' | 'perConfiguration' | 'symmetry' | 'forward'
>;
