/**
 * The readout refit: after gradient training, the last layer of an L-CNN (dense, linear, one
 * output) is replaced by the exact least-squares fit of the training targets on the features
 * that enter it. With the layers before it fixed the training loss is a quadratic function of
 * the readout's weights, whose minimum the normal equations give in closed form; Adam only
 * approaches it, and a small error in the readout's scale or offset is a bias common to every
 * site of a configuration, which the site-averaged MSE (the L-CNN paper's metric) sees in
 * full. Measured on the 3+1D W(4x4) models of `npm run reproduce:4d` (README, "L-CNNs in 4D").
 *
 * The fit is kept only when it lowers the validation loss, so that it never undoes the early
 * stopping's choice. One pass over the training set on this thread, in batches of bounded
 * memory; deterministic (no dependence on worker threads).
 *
 * @module
 */
import { pseudoInverseSolve } from '../../core/symmetricEigen.js';
import { rangeError } from '../../core/validate.js';
import type { Dataset, Split } from '../dataset.js';
import { evaluate } from '../gradient.js';
import { Dense } from '../layers/dense.js';
import type { LayerSpec } from '../layers/layer.js';
import { OrientationPool } from '../layers/orientationPool.js';
import type { Model } from '../model.js';
import { FeatureTensor } from '../tensors.js';

/** What {@link refitReadout} did. */
export interface ReadoutRefitResult {
  /** Validation MSE of the trained model. */
  validationLoss: number;
  /** Validation MSE with the least-squares readout. */
  refitValidationLoss: number;
  /** Whether the refit readout was kept (it lowered the validation MSE). */
  kept: boolean;
}

/** A readout: the weights of the dense layer's inputs and its bias. */
export interface ReadoutFit {
  /** One weight per feature entering the readout. */
  weight: Float64Array;
  /** The bias. */
  bias: number;
}

/** True for the layer spec of a readout the refit can fit: `dense:1`, linear. */
export function isRefittableReadout(spec: LayerSpec | undefined): boolean {
  return spec?.type === 'dense' && spec.out === 1 && (spec.activation ?? 'linear') === 'linear';
}

/** The model's readout, or a RangeError naming why it has none the refit can fit. */
export function readoutLayer(fn: string, model: Model): Dense {
  const last = model.layers.at(-1);
  if (!(last instanceof Dense) || !isRefittableReadout(last.spec)) {
    throw rangeError(
      fn,
      'refitReadout',
      'a model ending in a linear dense layer with one output (dense:1)',
      last === undefined
        ? 'no layers'
        : last instanceof OrientationPool
          ? 'the orientation average of a symmetric model (its dense layers act before it)'
          : `a last layer ${JSON.stringify(last.spec)}`,
    );
  }
  return last;
}

/**
 * The least-squares readout of `model` on the configurations `indices`: the weights w and bias
 * c minimising sum (w . x + c - t)^2 over every target value, x the features entering the last
 * layer and t the target in the units of the network's output (before the output map).
 * Minimum-norm solution (features that are always zero get weight 0). (A pseudo-scalar
 * symmetric model, whose bias would spoil the sign flip under reflections, never ends in a
 * dense layer: Model refuses one after its orientation pool.)
 */
export function fitReadout(model: Model, dataset: Dataset, indices: readonly number[]): ReadoutFit {
  const fn = 'fitReadout';
  const dense = readoutLayer(fn, model);
  const I = dense.inFeatures;
  const map = model.spec.output ?? { scale: 1, shift: 0 };
  // Sums of the features and targets less a reference (the first rows' values), so that
  // the covariances below do not cancel digits when the means are large against the spreads
  // (the shifted-data algorithm; Chan, Golub, LeVeque, Am. Stat. 37 (1983) 242).
  let reference: Float64Array | undefined;
  let referenceTarget = 0;
  let n = 0;
  const sx = new Float64Array(I);
  const sxx = new Float64Array(I * I);
  let st = 0;
  const sxt = new Float64Array(I);
  const x = new Float64Array(I);
  for (const chunk of dataset.passes(indices)) {
    const features = model.activationsBefore(dataset.gaugeBatch(chunk), model.layers.length - 1);
    if (!(features instanceof FeatureTensor) || features.features !== I) {
      throw rangeError(fn, 'model', `${I} real features entering the readout`, 'another input');
    }
    const targets = dataset.targetsOf(chunk);
    if (targets.length * I !== features.data.length) {
      throw rangeError(fn, 'dataset', 'one target value per output', targets.length);
    }
    if (reference === undefined) {
      reference = features.data.slice(0, I);
      referenceTarget = (targets[0] - map.shift) / map.scale;
    }
    for (let r = 0; r < targets.length; r++) {
      for (let i = 0; i < I; i++) x[i] = features.data[r * I + i] - reference[i];
      const t = (targets[r] - map.shift) / map.scale - referenceTarget;
      n++;
      st += t;
      for (let i = 0; i < I; i++) {
        sx[i] += x[i];
        sxt[i] += x[i] * t;
        for (let j = 0; j <= i; j++) sxx[i * I + j] += x[i] * x[j];
      }
    }
  }
  if (reference === undefined || n === 0) {
    throw rangeError(fn, 'indices', 'at least one configuration', 0);
  }
  // the normal equations of the centred data: covariance w = cross-covariance
  const gram = new Float64Array(I * I);
  const right = new Float64Array(I);
  for (let i = 0; i < I; i++) {
    for (let j = 0; j <= i; j++) {
      const g = sxx[i * I + j] / n - (sx[i] / n) * (sx[j] / n);
      gram[i * I + j] = g;
      gram[j * I + i] = g;
    }
    right[i] = sxt[i] / n - (sx[i] / n) * (st / n);
  }
  const weight = pseudoInverseSolve(gram, right, I);
  // c = mean(t) - w . mean(x), both means restored from their references
  let bias = referenceTarget + st / n;
  for (let i = 0; i < I; i++) bias -= weight[i] * (reference[i] + sx[i] / n);
  return { weight, bias };
}

/**
 * Replaces the readout of `model` by its least-squares fit on `split.train` when that lowers
 * the MSE on `split.validation`; otherwise leaves the model as it was.
 *
 * @param validationLoss - the trained model's validation MSE, if known (else computed).
 */
export function refitReadout(
  model: Model,
  dataset: Dataset,
  split: Split,
  validationLoss?: number,
): ReadoutRefitResult {
  const dense = readoutLayer('refitReadout', model);
  const loss = (): number => evaluate(model, dataset, split.validation).mse;
  const before = validationLoss ?? loss();
  const weight = dense.weight.value.slice();
  const bias = dense.bias.value[0];
  const fit = fitReadout(model, dataset, split.train);
  dense.weight.value.set(fit.weight);
  dense.bias.value[0] = fit.bias;
  const after = loss();
  const kept = after < before;
  if (!kept) {
    dense.weight.value.set(weight);
    dense.bias.value[0] = bias;
  }
  return { validationLoss: before, refitValidationLoss: after, kept };
}
