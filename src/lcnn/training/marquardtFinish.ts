/**
 * The Levenberg-Marquardt finish: after Adam (best epoch restored), every weight of an L-CNN
 * is refined by Levenberg-Marquardt on the squared errors of the per-site (or per-configuration)
 * predictions of a few training configurations (../../core/levenbergMarquardt.ts), and the
 * result kept when it lowers the validation MSE. For a target the model represents exactly the
 * residuals can vanish, and there the Gauss-Newton step converges quadratically: on the 3+1D
 * W(4x4) model of `npm run reproduce:4d`, whose seeds L-BFGS lowers each at its own linear rate
 * (1000 iterations: from 23x to 350,000x), it takes every seed to an exact fit (per-site MSE
 * 8.5e-31 to 1.3e-30, below each seed's rounding level) in 9 to 12 iterations, where it stops
 * by itself (README, "L-CNNs in 4D"). It runs before the L-BFGS finish, which then works from
 * there with exact gradients, or (`afterLbfgs`) after it: the charge density models, which
 * L-BFGS takes to a few times their rounding level, it then takes to that level in 1 to 3
 * iterations.
 *
 * The Jacobian of the predictions by the weights is taken by central differences, one weight at
 * a time, with the step h = u^(1/3) max(1, |w|) (u the unit round-off: the step that balances
 * the truncation error h^2 against rounding, Nocedal & Wright, Numerical Optimization, 2nd ed.
 * (2006), eq. 8.7 ff.) made exactly representable (Press et al., Numerical Recipes, 3rd ed.,
 * section 5.7); a column costs two passes through the layers from the weight's own layer on
 * (Model.forwardFrom). Relative error ~1e-10: each Gauss-Newton step then still contracts the
 * error by orders of magnitude. J^T J and J^T r are summed configuration by configuration, so
 * memory is bounded by one configuration's block of J; beyond 256 MB (a configuration of more
 * than ~59,000 sites at 565 weights) its columns are written once to a temporary file and read
 * back in row chunks of that size (../../core/columnSpill.ts), each pass still run once.
 * The passes run on the calling thread, in a fixed order: deterministic for a seed.
 *
 * @module
 */
import { ColumnSpill } from '../../core/columnSpill.js';
import { faultPoint } from '../../core/faultPoint.js';
import {
  minimizeLevenbergMarquardt,
  type MarquardtStop,
  type NormalEquations,
} from '../../core/levenbergMarquardt.js';
import { checkInteger, rangeError } from '../../core/validate.js';
import type { Dataset, Split } from '../dataset.js';
import { predict } from '../gradient.js';
import type { Model } from '../model.js';
import { evenlySpaced, keepIfValidationFalls } from './finishRules.js';

/** Options of the Levenberg-Marquardt finish (`TrainOptions.marquardt`). */
export interface MarquardtFinishOptions {
  /** The most iterations (each one Jacobian: two passes per weight and configuration). */
  iterations: number;
  /**
   * Training configurations in the objective, evenly spaced through the training split
   * (default: the fewest with at least 4 target values per weight, so that the Gauss-Newton
   * system is well over-determined: 2 configurations of 4x8^3 for a per-site model of 565
   * weights).
   */
  configurations?: number;
  /**
   * The configurations of the objective, instead of `configurations` evenly spaced training
   * ones: any of the dataset but those of the validation and test splits, e.g. one of each
   * lattice, or one of a lattice the training split does not hold (`npm run reproduce:4d`
   * adds an 8^4 configuration to W(4x4)'s, trained on 4x8^3, whose time extent 4 a model can
   * otherwise exploit).
   */
  indices?: readonly number[];
  /**
   * Stop when three iterations in a row each lower the training MSE by less than this fraction
   * of it (default 0.1), where the rounding-level stop does not end the run first (a fit that
   * is not exact): in a stall each Jacobian buys a few percent. Three, not one: far from the
   * fit a single step can gain little while the damping adapts, and the next ones much. 0:
   * only when no step lowers it.
   */
  minimumDecrease?: number;
  /**
   * Run after the L-BFGS finish, from its weights, instead of before it (default false). For
   * a model that L-BFGS alone takes close to an exact fit (the 3+1D charge densities of
   * `npm run reproduce:4d`): where L-BFGS stops ('no-progress') a few times above the rounding
   * level, the Gauss-Newton step there takes it down to that level in a few iterations, while
   * from Adam's weights Levenberg-Marquardt can converge only linearly for tens of iterations.
   */
  afterLbfgs?: boolean;
}

/** What the Levenberg-Marquardt finish did. */
export interface MarquardtFinishResult {
  /** Iterations done (accepted steps). */
  iterations: number;
  /**
   * Why it stopped: 'rounding-level' (the training MSE at or below what one unit in the last
   * place of every weight changes it by: exact as far as float64 weights can say),
   * 'iterations' (the limit), 'small-decrease' (three iterations in a row each gained less
   * than `minimumDecrease`), 'no-progress' (no damping gave a lower value), 'stationary'
   * (J^T r zero) or 'aborted'.
   */
  stop: MarquardtStop;
  /** Jacobians taken (each two passes per weight over the configurations). */
  jacobians: number;
  /** Training configurations in the objective. */
  configurations: number;
  /** The objective (training MSE of those configurations) before. */
  trainLoss: number;
  /** The objective after. */
  marquardtTrainLoss: number;
  /** Validation MSE before. */
  validationLoss: number;
  /** Validation MSE after (of the refined weights, kept or not). */
  marquardtValidationLoss: number;
  /** Whether the refined weights were kept (they lowered the validation MSE). */
  kept: boolean;
}

/**
 * The most weights: the normal equations are a dense system of the weights (memory n^2, a
 * Cholesky factorisation n^3 / 3 per trial step).
 */
export const MARQUARDT_MAX_WEIGHTS = 4000;

/** Bytes of the Jacobian block held in memory at once (rows of one configuration). */
const BLOCK_BYTES = 256 * 2 ** 20;

/** Target values per weight of the default objective. */
const VALUES_PER_WEIGHT = 4;

/** Checks the options (before any training). */
export function checkMarquardtFinish(
  fn: string,
  options: MarquardtFinishOptions,
  model: Model,
): void {
  checkInteger(fn, 'marquardt.iterations', options.iterations, 1, 1e6);
  if (options.configurations !== undefined) {
    checkInteger(fn, 'marquardt.configurations', options.configurations, 1, 1e9);
  }
  if (options.indices !== undefined && options.indices.length === 0) {
    throw rangeError(fn, 'marquardt.indices', 'at least one configuration', '[]');
  }
  if (options.afterLbfgs !== undefined && typeof options.afterLbfgs !== 'boolean') {
    throw rangeError(fn, 'marquardt.afterLbfgs', 'true or false', options.afterLbfgs);
  }
  const d = options.minimumDecrease;
  if (d !== undefined && !(d >= 0 && d < 1)) {
    throw rangeError(fn, 'marquardt.minimumDecrease', 'a fraction in [0, 1)', d);
  }
  if (model.parameterCount > MARQUARDT_MAX_WEIGHTS) {
    throw rangeError(
      fn,
      'marquardt',
      `a model of at most ${MARQUARDT_MAX_WEIGHTS} weights (the normal equations are dense in them; use the L-BFGS finish)`,
      `${model.parameterCount} weights`,
    );
  }
}

/** The default objective's configurations: the fewest with 4 target values per weight. */
function defaultConfigurations(model: Model, dataset: Dataset, train: readonly number[]): number {
  const needed = VALUES_PER_WEIGHT * model.parameterCount;
  let values = 0;
  let count = 0;
  // evenly spaced picks of growing count: the first count whose targets suffice
  while (count < train.length && values < needed) {
    count++;
    values = dataset.targetCount(evenlySpaced(train, count));
  }
  return Math.max(count, 1);
}

class Aborted extends Error {}

/** The layer that owns each weight, and the weight's index within the model. */
function weightsByLayer(model: Model): Array<{ layer: number; from: number; to: number }> {
  const out: Array<{ layer: number; from: number; to: number }> = [];
  let o = 0;
  model.layers.forEach((layer, k) => {
    const n = layer.parameters.reduce((s, p) => s + p.value.length, 0);
    if (n > 0) out.push({ layer: k, from: o, to: o + n });
    o += n;
  });
  return out;
}

/**
 * J^T J and J^T r of the predictions of configurations `indices` at the model's current
 * weights, the residuals `r` given (in the order of `indices`, as {@link predict}), the Jacobian
 * by central differences (see the module comment). `blockBytes` bounds the block of J held in
 * memory (default 256 MB); the result does not depend on it but for the row chunks' order of
 * summation, which depends only on it and the number of weights.
 */
export function marquardtNormalEquations(
  model: Model,
  dataset: Dataset,
  indices: readonly number[],
  r: Float64Array,
  signal?: AbortSignal,
  blockBytes = BLOCK_BYTES,
): NormalEquations {
  const n = model.parameterCount;
  const jtj = new Float64Array(n * n);
  const jtr = new Float64Array(n);
  const layers = weightsByLayer(model);
  // each weight's array and position in it, in model order
  const slots: Array<{ value: Float64Array; at: number }> = [];
  for (const p of model.parameters) {
    for (let e = 0; e < p.value.length; e++) slots.push({ value: p.value, at: e });
  }
  const cubeRootEps = Math.cbrt(Number.EPSILON);
  const chunk = Math.max(1, Math.floor(blockBytes / (8 * n)));
  let offset = 0;
  for (const index of indices) {
    const rows = dataset.targetLength(index);
    const gauge = dataset.gaugeBatch([index]);
    // rows beyond the budget: the columns go to a file once, and come back a row chunk at a time
    const spill = rows > chunk ? new ColumnSpill(rows, n) : undefined;
    try {
      // column-major block of J: rows lo..hi of this configuration, one column per weight
      const block = new Float64Array(Math.min(rows, chunk) * n);
      const column = spill === undefined ? undefined : new Float64Array(rows);
      for (const { layer, from, to } of layers) {
        if (signal?.aborted === true) throw new Aborted();
        const a = model.activationsBefore(gauge, layer, 'marquardtNormalEquations');
        for (let j = from; j < to; j++) {
          const { value, at } = slots[j];
          const w = value[at];
          const h = cubeRootEps * Math.max(1, Math.abs(w));
          const up = w + h;
          const down = w - h;
          value[at] = up;
          const plus = model.forwardFrom(a, layer).data;
          value[at] = down;
          const minus = model.forwardFrom(a, layer).data;
          value[at] = w;
          const width = up - down;
          const out = column ?? block.subarray(j * rows, (j + 1) * rows);
          for (let k = 0; k < rows; k++) out[k] = (plus[k] - minus[k]) / width;
          spill?.write(j, out);
        }
      }
      for (let lo = 0; lo < rows; lo += chunk) {
        const hi = Math.min(rows, lo + chunk);
        const m = hi - lo;
        if (spill !== undefined) {
          for (let j = 0; j < n; j++) spill.read(j, lo, block.subarray(j * m, (j + 1) * m));
        }
        // the lower triangle of J^T J and J^T r, by offsets into the block (no views per pair)
        const ro = offset + lo;
        for (let a = 0; a < n; a++) {
          const ca = a * m;
          let g = 0;
          for (let k = 0; k < m; k++) g += block[ca + k] * r[ro + k];
          jtr[a] += g;
          for (let b = 0; b <= a; b++) {
            const cb = b * m;
            let s = 0;
            for (let k = 0; k < m; k++) s += block[ca + k] * block[cb + k];
            jtj[a * n + b] += s;
          }
        }
      }
    } finally {
      spill?.close();
    }
    offset += rows;
  }
  for (let a = 0; a < n; a++) for (let b = 0; b < a; b++) jtj[b * n + a] = jtj[a * n + b];
  return { jtj, jtr };
}

/**
 * Refines the weights of `model` by Levenberg-Marquardt on the training squared errors,
 * keeping them when they lower the validation MSE below `validationLoss` (the model's at the
 * start) and restoring the start otherwise. Returns undefined, the start restored, when
 * `signal` stops it.
 */
export async function finishWithMarquardt(
  model: Model,
  dataset: Dataset,
  split: Split,
  options: MarquardtFinishOptions,
  validationLoss: number,
  signal?: AbortSignal,
  onIteration?: (iteration: number, trainLoss: number) => void,
): Promise<MarquardtFinishResult | undefined> {
  checkMarquardtFinish('finishWithMarquardt', options, model);
  const indices =
    options.indices !== undefined
      ? [...options.indices]
      : evenlySpaced(
          split.train,
          options.configurations ?? defaultConfigurations(model, dataset, split.train),
        );
  const heldOut = new Set([...split.validation, ...split.test]);
  const outside = indices.find((i) => heldOut.has(i) || !(i >= 0 && i < dataset.size));
  if (outside !== undefined) {
    throw rangeError(
      'finishWithMarquardt',
      'marquardt.indices',
      'configurations of the dataset outside the validation and test splits',
      outside,
    );
  }
  const targets = dataset.targetsOf(indices);
  const start = model.getWeights();
  const problem = {
    residuals: (x: Float64Array): Float64Array => {
      model.setWeights(x);
      const p = predict(model, dataset, indices);
      for (let k = 0; k < p.length; k++) p[k] -= targets[k];
      return p;
    },
    normalEquations: (x: Float64Array, r: Float64Array): NormalEquations => {
      model.setWeights(x);
      return marquardtNormalEquations(model, dataset, indices, r, signal);
    },
  };
  let result;
  try {
    result = await minimizeLevenbergMarquardt(problem, start, {
      iterations: options.iterations,
      minimumDecrease: options.minimumDecrease ?? 0.1,
      smallDecreases: 3,
      stopAtRoundingLevel: true,
      ...(signal !== undefined ? { signal } : {}),
      onIteration: (k, value) => {
        faultPoint('train:marquardt-iteration');
        onIteration?.(k, value);
      },
    });
  } catch (error) {
    if (!(error instanceof Aborted)) throw error;
    result = undefined;
  }
  if (result === undefined || result.stop === 'aborted') {
    model.setWeights(start);
    return undefined;
  }
  const { refinedValidationLoss: marquardtValidationLoss, kept } = keepIfValidationFalls(
    model,
    dataset,
    split,
    start,
    result.x,
    validationLoss,
  );
  return {
    iterations: result.iterations,
    stop: result.stop,
    jacobians: result.jacobians,
    configurations: indices.length,
    trainLoss: result.initialValue,
    marquardtTrainLoss: result.value,
    validationLoss,
    marquardtValidationLoss,
    kept,
  };
}
