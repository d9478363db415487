/**
 * Curriculum training of deep L-CNNs by growth: stage k trains the model cut after its first k
 * product layers (L-CB, L-Bilin, L-Conv) on a smaller target, the next stage starts from its
 * weights with one more layer, and the full model starts from the last stage's.
 *
 * Why (measured on the 1+1D W(4x4) per site, `npm run reproduce`, README "Reproducing the L-CNN
 * paper"): a Wilson loop of 16 plaquettes is uncorrelated with every product of fewer
 * plaquettes when they are nearly Haar random (strong coupling), so gradient descent from a
 * generic start gets no signal and predicts the mean. Each layer of a stack of bilinear layers
 * can double the loops of its input (1x1 -> 1x2 -> 2x2 -> 2x4 -> 4x4), so a stage whose target
 * is the loop its last layer can form has a signal at every step. The stack must grow: training
 * the full model on the smaller loops in turn ended at R^2 0.002 there. The stages' step size
 * may be large; the final training's must be small enough (1e-3 there, R^2 0 at 1e-2) for Adam
 * not to scramble the trained layers before the new one finds the product.
 *
 * @module
 */
import { rangeError } from '../../core/validate.js';
import type { Dataset } from '../dataset.js';
import type { LayerSpec } from '../layers/layer.js';
import { Model, type ModelSpec } from '../model.js';
import { formatTarget, type TargetSpec } from '../targets.js';

/** The stages of a curriculum, before the training of the full model. */
export interface CurriculumOptions {
  /** Stage k (from 1) fits `targets[k - 1]` with the model cut after its first k product layers. */
  targets: TargetSpec[];
  /** Epochs of every stage. */
  epochs: number;
  /** The stages' step size in their first epoch. */
  learningRate: number;
  /** The stages' step-size factor per epoch (default 1). */
  learningRateDecay?: number;
}

/** What one stage reached: its target and its validation error at the end. */
export interface StageResult {
  /** The stage's target, as text (`wilson:1x2@01`). */
  target: string;
  /** Product layers of the stage's model. */
  layers: number;
  /** Validation loss (mean squared error) of the best epoch. */
  validationLoss: number;
  /** Validation R^2 of the best epoch. */
  validationR2: number;
}

/** The layers that form products of matrices, the ones a curriculum counts. */
const PRODUCT_LAYERS = new Set(['lcb', 'lbilin', 'lconv']);

/** Number of product layers (L-CB, L-Bilin, L-Conv) of a model's layers. */
export function productLayerCount(layers: readonly LayerSpec[]): number {
  return layers.filter((l) => PRODUCT_LAYERS.has(l.type)).length;
}

/**
 * The layers cut after the first `k` product layers: the matrix layers up to the (k+1)-th
 * product layer, then the model's real-valued head from `trace` on.
 *
 * @throws RangeError unless 1 <= k < the number of product layers and the layers have a trace.
 */
export function truncatedLayers(layers: readonly LayerSpec[], k: number): LayerSpec[] {
  const products = productLayerCount(layers);
  const trace = layers.findIndex((l) => l.type === 'trace');
  if (trace < 0) {
    throw rangeError('truncatedLayers', 'layers', 'a "trace" layer', JSON.stringify(layers));
  }
  if (!(Number.isInteger(k) && k >= 1 && k < products)) {
    throw rangeError(
      'truncatedLayers',
      'k',
      `an integer from 1 to ${products - 1} (fewer than the model's ${products} product layers)`,
      k,
    );
  }
  let seen = 0;
  let end = 0;
  while (end < trace) {
    if (PRODUCT_LAYERS.has(layers[end].type)) {
      if (seen === k) break;
      seen++;
    }
    end++;
  }
  return [...layers.slice(0, end), ...layers.slice(trace)];
}

/**
 * Copies the weights of `from` into `to`, where `from`'s layers are `to`'s cut by
 * {@link truncatedLayers}: the matrix layers of `from` into the same layers of `to`, and the
 * head (the layers from the trace on) into `to`'s head where the shapes agree (the same number
 * of channels reaches the trace); a head that does not fit keeps its initial weights.
 *
 * @throws RangeError when a matrix layer's weights do not fit (not a truncation of `to`).
 */
export function growInto(from: Model, to: Model): void {
  const traceOf = (m: Model): number => m.spec.layers.findIndex((l) => l.type === 'trace');
  const [tf, tt] = [traceOf(from), traceOf(to)];
  for (let i = 0; i < tf; i++) {
    const [a, b] = [from.layers[i].parameters, to.layers[i].parameters];
    if (a.length !== b.length || a.some((p, k) => p.value.length !== b[k].value.length)) {
      throw rangeError(
        'growInto',
        'from',
        `a model whose layers begin those of the target model`,
        `layer ${i} (${from.spec.layers[i].type}) of another shape`,
      );
    }
    a.forEach((p, k) => b[k].value.set(p.value));
  }
  const headFrom = from.layers.slice(tf).flatMap((l) => l.parameters);
  const headTo = to.layers.slice(tt).flatMap((l) => l.parameters);
  const fits =
    headFrom.length === headTo.length &&
    headFrom.every((p, k) => p.value.length === headTo[k].value.length);
  if (fits) headFrom.forEach((p, k) => headTo[k].value.set(p.value));
}

/**
 * Runs the stages of `curriculum` for `model` and leaves the last stage's weights in it (its
 * first layers and, where it fits, its head). `train` trains one stage's model on one stage's
 * dataset and returns its best validation metrics, or undefined when stopped (then the model
 * is left as it was and undefined is returned).
 *
 * @throws RangeError for a symmetric model, too many stages, or what `train` throws.
 */
export async function runCurriculum(
  model: Model,
  dataset: Dataset,
  curriculum: CurriculumOptions,
  train: (
    stageModel: Model,
    stageData: Dataset,
  ) => Promise<{ validationLoss: number; validationR2: number } | undefined>,
): Promise<StageResult[] | undefined> {
  const fn = 'runCurriculum';
  if ((model.spec.symmetry ?? 'none') !== 'none') {
    throw rangeError(fn, 'model', 'a model without point-group symmetry', model.spec.symmetry);
  }
  const products = productLayerCount(model.spec.layers);
  if (curriculum.targets.length === 0 || curriculum.targets.length >= products) {
    throw rangeError(
      fn,
      'curriculum.targets',
      `1 to ${products - 1} stage targets (fewer than the model's ${products} product layers)`,
      curriculum.targets.map(formatTarget).join(','),
    );
  }
  const results: StageResult[] = [];
  let previous: Model | undefined;
  for (const [s, target] of curriculum.targets.entries()) {
    const spec: ModelSpec = { ...model.spec, layers: truncatedLayers(model.spec.layers, s + 1) };
    delete spec.output;
    const stageModel = new Model(spec);
    if (previous !== undefined) growInto(previous, stageModel);
    const r = await train(stageModel, dataset.withTarget(target));
    if (r === undefined) return undefined;
    results.push({ target: formatTarget(target), layers: s + 1, ...r });
    previous = stageModel;
  }
  growInto(previous!, model);
  return results;
}
