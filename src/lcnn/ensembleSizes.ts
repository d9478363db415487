/**
 * The invariance error and the error of an ensemble's mean as the ensemble grows: for m = 1,
 * 2, 4, ... (powers of two below M, then M itself) the sub-ensemble of the first m members,
 * its invariance error under a point group (./invariance.ts) and its mean squared error on a
 * dataset (./evaluation.ts). Gerken & Kessel, "Emergent Equivariance in Deep Ensembles", ICML
 * 2024 (arXiv:2403.03103), predict that under full data augmentation the invariance error of
 * the mean falls with m (and, in the infinite-width limit, vanishes), and not without it.
 *
 * The sub-ensembles are nested (first m members), as `lgt train --ensemble M` numbers them, so
 * that the curve shows what adding members does, not a new draw of seeds at every m.
 *
 * @module
 */
import { checkInteger, rangeError } from '../core/validate.js';
import type { GaugeField } from '../lattice/gaugeField.js';
import type { Dataset } from './dataset.js';
import { EnsembleModel } from './ensemble.js';
import { evaluateModel } from './evaluation.js';
import { invarianceError, type InvarianceOptions } from './invariance.js';

/**
 * The sub-ensemble sizes of the curve: 1, 2, 4, ..., the powers of two below M, then M.
 * @throws RangeError unless M is an integer >= 1.
 */
export function ensembleSizes(M: number): number[] {
  checkInteger('ensembleSizes', 'M', M, 1);
  const sizes: number[] = [];
  for (let m = 1; m < M; m *= 2) sizes.push(m);
  sizes.push(M);
  return sizes;
}

/** One point of the curve: the first `members` members of the ensemble. */
export interface EnsembleSizeRow {
  /** m, the members of the sub-ensemble (the first m). */
  members: number;
  /**
   * The invariance error's mean over configurations of the largest deviation e(U)
   * (InvarianceError.mean); null when it was not measured.
   */
  mean: number | null;
  /** The largest deviation e(U), maximised over configurations (InvarianceError.max); null when not measured. */
  max: number | null;
  /** Mean squared error of the sub-ensemble's mean prediction on the dataset. */
  mse: number;
}

/** What {@link invarianceByEnsembleSize} measures on. */
export interface EnsembleSizeOptions extends InvarianceOptions {
  /**
   * The configurations whose moved copies are compared; omit (or pass an empty list) to
   * measure only the errors (e.g. on a lattice the group does not map onto itself).
   */
  fields?: readonly GaugeField[];
  /** The configurations of the dataset whose errors are reported (default: all). */
  indices?: readonly number[];
}

/**
 * For each size m of {@link ensembleSizes}(M): the invariance error of the mean of the first m
 * members on `options.fields` (invarianceError with `options`' group, parity and batch size)
 * and the mean squared error of that mean on `dataset` (evaluateModel).
 *
 * @throws RangeError when the ensemble has fewer than 2 members, and as invarianceError and
 *   evaluateModel do.
 */
export function invarianceByEnsembleSize(
  ensemble: EnsembleModel,
  dataset: Dataset,
  options: EnsembleSizeOptions = {},
): EnsembleSizeRow[] {
  const fn = 'invarianceByEnsembleSize';
  if (!(ensemble instanceof EnsembleModel) || ensemble.size < 2) {
    throw rangeError(fn, 'ensemble', 'an ensemble of at least 2 members', ensemble?.size);
  }
  const { fields, indices, ...invariance } = options;
  const measured = fields !== undefined && fields.length > 0;
  return ensembleSizes(ensemble.size).map((m) => {
    const sub = new EnsembleModel(ensemble.members.slice(0, m));
    const inv = measured ? invarianceError(sub, fields, invariance) : undefined;
    return {
      members: m,
      mean: inv ? inv.mean : null,
      max: inv ? inv.max : null,
      mse: evaluateModel(sub, dataset, indices).mse,
    };
  });
}
