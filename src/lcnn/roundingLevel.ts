/**
 * The rounding level of a model's fit: the mean squared change of its predictions when every
 * weight is changed by one unit in the last place (relative 2^-52, a random sign per weight),
 * averaged over a few draws. Weights stored in double precision are known to about that much,
 * so a fit whose MSE is at this level is exact as far as its float64 weights can say. The level
 * differs from model to model (1.2e-30 to 2.8e-30 per site for the W(4x4) seeds of
 * `npm run reproduce:4d`, 2e-35 to 2e-34 for its charge densities), and it is the scale on
 * which to compare fits that have reached it (README, "L-CNNs in 4D"). It does not see the
 * rounding of the forward pass's arithmetic, which a gauge transform of the input does.
 *
 * @module
 */
import { checkInteger } from '../core/validate.js';
import { Xoshiro128 } from '../core/rng.js';
import type { BatchSource } from './gradient.js';
import { predict } from './gradient.js';
import type { Model } from './model.js';

/** A fit's rounding levels in the two metrics of `lgt eval` (see {@link roundingLevels}). */
export interface RoundingLevels {
  /** The mean squared change of the predictions (every site of every configuration). */
  perSite: number;
  /**
   * The mean over configurations of the squared change of the configuration's mean prediction:
   * the level of the site-averaged MSE.
   */
  siteAveraged: number;
}

/**
 * The mean over `draws` draws (default 4) of the mean squared change of the predictions of
 * `model` on configurations `indices` when each weight w becomes w (1 +- 2^-52), the signs from
 * a Xoshiro128 stream of `seed`: per site, and of each configuration's mean prediction. The
 * model's weights are restored.
 *
 * A weight's rounding changes the model's function smoothly, so its changes at the sites of a
 * configuration are correlated and do not average out: the site-averaged level lies far above
 * the per-site one divided by the number of sites (for the QP seeds of `npm run reproduce:4d`,
 * 7e-36 to 6e-35 on 4x8^3 against 6e-35 to 1.7e-34 per site on 2048 sites). Fits at rounding
 * level differ from seed to seed by up to this much in the site-averaged MSE.
 */
export function roundingLevels(
  model: Model,
  dataset: BatchSource,
  indices: readonly number[],
  draws = 4,
  seed = 1,
): RoundingLevels {
  checkInteger('roundingLevels', 'draws', draws, 1, 1000);
  const weights = model.getWeights();
  const reference = predict(model, dataset, indices);
  const lengths = indices.map((i) => dataset.targetLength(i));
  const rng = new Xoshiro128(seed);
  let perSite = 0;
  let siteAveraged = 0;
  try {
    for (let d = 0; d < draws; d++) {
      model.setWeights(
        weights.map((w) => w * (1 + (rng.uniform() < 0.5 ? -1 : 1) * Number.EPSILON)),
      );
      const moved = predict(model, dataset, indices);
      let s = 0;
      for (let k = 0; k < moved.length; k++) s += (moved[k] - reference[k]) ** 2;
      perSite += s / moved.length;
      let a = 0;
      let o = 0;
      for (const n of lengths) {
        let m = 0;
        for (let k = o; k < o + n; k++) m += moved[k] - reference[k];
        a += (m / n) ** 2;
        o += n;
      }
      siteAveraged += a / lengths.length;
    }
  } finally {
    model.setWeights(weights);
  }
  return { perSite: perSite / draws, siteAveraged: siteAveraged / draws };
}

/** The per-site rounding level of {@link roundingLevels}. */
export function roundingLevel(
  model: Model,
  dataset: BatchSource,
  indices: readonly number[],
  draws = 4,
  seed = 1,
): number {
  return roundingLevels(model, dataset, indices, draws, seed).perSite;
}
