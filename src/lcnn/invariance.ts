/**
 * The invariance error of a model under a point group: how much its predictions for the |G|
 * moved copies R U of a configuration U disagree, once each is brought back to U's frame.
 * Zero (to rounding) for an exactly symmetric L-CNN; for the mean of an ensemble trained with
 * data augmentation it falls with the ensemble size M (Gerken & Kessel, "Emergent
 * Equivariance in Deep Ensembles", ICML 2024, arXiv:2403.03103).
 *
 * For every configuration U and element R of G, with f the prediction and det R = +-1:
 *
 *     per configuration:  q_R     = (det R)^p f(R U)
 *     per site:           q_R(x)  = (det R)^p f(R U)(R x)
 *
 * (p = 1 for a pseudo-scalar such as the topological charge, 0 otherwise; the per-site law is
 * that of a site-centred field, W'(R x) = W(x) of src/lattice/symmetryActions.ts; a model
 * equivariant under G gives q_R = f(U) for all R; a per-site target anchored at a corner, such
 * as the per-site Wilson loop, does not move so, and even an exact model of it shows an error
 * here). With qbar the mean over R of q_R, per value:
 *
 *     largest deviation  e(U) = max over R and values of |q_R - qbar|,
 *     spread             s(U) = mean over values of sqrt((1/|G|) sum_R (q_R - qbar)^2).
 *
 * Reported: the maximum and the mean of e(U) over the configurations, and the same of s(U)
 * (the mean of s is the "spread over G" column that reproduce/symmetry.ts printed before this
 * measure existed).
 *
 * @module
 */
import { checkInteger, rangeError } from '../core/validate.js';
import type { GaugeField } from '../lattice/gaugeField.js';
import type { Lattice } from '../lattice/lattice.js';
import { pointSiteMap, transformGaugeField } from '../lattice/symmetryActions.js';
import type { ForwardModel } from './forwardModel.js';
import { symmetryGroup, type Parity, type SymmetryGroup } from './symmetry.js';
import { GaugeBatch } from './tensors.js';

/** Options of {@link invarianceError}. */
export interface InvarianceOptions {
  /** The group whose copies are compared (default: all rotations and reflections in D). */
  group?: SymmetryGroup;
  /**
   * How the predicted quantity transforms: "scalar" (invariant) or "pseudoscalar" (times
   * det R). Default: the model's `spec.parity`, else "scalar". A plain model predicting the
   * topological charge needs "pseudoscalar" here.
   */
  parity?: Parity;
  /** Copies per forward pass, at most (default 16). */
  batchSize?: number;
}

/** The invariance error over a set of configurations. */
export interface InvarianceError {
  /** The largest deviation e(U) from the mean over the copies, maximised over configurations. */
  max: number;
  /** e(U) averaged over configurations. */
  mean: number;
  /** The spread s(U) (standard deviation over copies), maximised over configurations. */
  stdMax: number;
  /** s(U) averaged over configurations. */
  stdMean: number;
  /** e(U) of every configuration, in the order given. */
  perConfiguration: Float64Array;
  /** Number of configurations. */
  configurations: number;
  /** |G|, the copies of each configuration. */
  elements: number;
}

/**
 * The invariance error of `model` under `options.group` on `fields` (the module header): the
 * model predicts all |G| moved copies of every configuration.
 *
 * @throws RangeError for no fields, a lattice the group does not map onto itself (naming the
 *   extents), or a model that does not take the fields' group and dimension.
 */
export function invarianceError(
  model: ForwardModel,
  fields: readonly GaugeField[],
  options: InvarianceOptions = {},
): InvarianceError {
  const fn = 'invarianceError';
  if (!Array.isArray(fields) || fields.length === 0) {
    throw rangeError(fn, 'fields', 'at least one gauge field', fields);
  }
  const group = options.group ?? symmetryGroup(fields[0].lattice.D, 'rotations+reflections');
  const parity = options.parity ?? model.spec.parity ?? 'scalar';
  if (parity !== 'scalar' && parity !== 'pseudoscalar') {
    throw rangeError(fn, 'parity', 'scalar or pseudoscalar', parity);
  }
  const batchSize = options.batchSize ?? 16;
  checkInteger(fn, 'batchSize', batchSize, 1);
  const G = group.size;
  const perConfiguration = new Float64Array(fields.length);
  let max = 0;
  let stdMax = 0;
  let stdSum = 0;
  const maps = new Map<Lattice, Int32Array[]>();
  fields.forEach((field, c) => {
    const lattice = field.lattice;
    group.checkLattice(fn, lattice);
    // q[R] holds the copy's prediction brought back to U's frame
    const q: Float64Array[] = [];
    for (let s = 0; s < G; s += batchSize) {
      const elements = group.elements.slice(s, s + batchSize);
      const out = model.forward(
        GaugeBatch.fromFields(elements.map((R) => transformGaugeField(field, R))),
      );
      const n = out.volume * out.features;
      elements.forEach((R, b) => {
        const p = out.data.subarray(b * n, (b + 1) * n);
        const sign = parity === 'pseudoscalar' ? R.determinant : 1;
        const back = new Float64Array(n);
        if (out.volume === 1) {
          for (let k = 0; k < n; k++) back[k] = sign * p[k];
        } else {
          if (out.volume !== lattice.volume) {
            throw rangeError(fn, 'model', 'one output per site or per configuration', out.volume);
          }
          let lm = maps.get(lattice);
          if (lm === undefined)
            maps.set(lattice, (lm = group.elements.map((g) => pointSiteMap(fn, lattice, g))));
          const map = lm[s + b];
          const F = out.features;
          for (let x = 0; x < out.volume; x++) {
            for (let f = 0; f < F; f++) back[x * F + f] = sign * p[map[x] * F + f];
          }
        }
        q.push(back);
      });
    }
    const n = q[0].length;
    let largest = 0;
    let spread = 0;
    for (let k = 0; k < n; k++) {
      let sum = 0;
      for (let r = 0; r < G; r++) sum += q[r][k];
      const mean = sum / G;
      let squares = 0;
      for (let r = 0; r < G; r++) {
        const d = q[r][k] - mean;
        largest = Math.max(largest, Math.abs(d));
        squares += d * d;
      }
      spread += Math.sqrt(squares / G);
    }
    spread /= n;
    perConfiguration[c] = largest;
    max = Math.max(max, largest);
    stdMax = Math.max(stdMax, spread);
    stdSum += spread;
  });
  const mean = perConfiguration.reduce((a, b) => a + b, 0) / fields.length;
  return {
    max,
    mean,
    stdMax,
    stdMean: stdSum / fields.length,
    perConfiguration,
    configurations: fields.length,
    elements: G,
  };
}
