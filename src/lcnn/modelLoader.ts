/**
 * Model files of either kind, by their format tag: an L-CNN (`lattice-gauge-lcnn`) or the
 * baseline CNN (`lattice-gauge-cnn`, loaded on demand so that whoever only uses L-CNNs does not
 * load TensorFlow.js), as a predictor for evaluation and reports.
 *
 * @module
 */
import { readFileSync, existsSync } from 'node:fs';
import { FileError } from '../core/fileError.js';
import type { Predictor } from './evaluation.js';
import { predict } from './gradient.js';
import { EnsembleModel } from './ensemble.js';
import type { ForwardModel } from './forwardModel.js';
import { loadModelOrEnsemble, type ModelInfo } from './modelFile.js';
import { checkCompatible } from './training/lcnn.js';
import { lcnnKernelsFor } from './wasm/lcnnKernels.js';
import { formatTarget, parseTarget, type TargetSpec } from './targets.js';

/** A loaded model of either kind, as a predictor. */
export interface LoadedPredictor {
  /** Which kind of model the file holds. */
  kind: 'lcnn' | 'cnn';
  /** The file's info block, with the target parsed. */
  info: ModelInfo;
  /** The model's predictions (checked against the dataset's group and dimensions). */
  predictor: Predictor;
  /** The group SU(N) of the configurations the model takes. */
  N: number;
  /** Their number of dimensions. */
  D: number;
  /** True when the model predicts per site, false when per configuration. */
  perSite: boolean;
  /** The L-CNN (one model, or an ensemble predicting its mean); undefined for the baseline. */
  model?: ForwardModel;
  /** The ensemble, when the file holds one (format version 2). */
  ensemble?: EnsembleModel;
}

/**
 * Checks that a model can be scored on a target (by default the one it was trained for): a
 * per-site model on per-site targets (its site-averaged errors are reported with them), a
 * per-configuration model on `:mean` targets.
 *
 * @throws FileError naming the model file, the field and what was expected.
 */
export function checkModelTarget(
  fn: string,
  path: string,
  loaded: LoadedPredictor,
  target: TargetSpec,
): void {
  if (target.perSite !== loaded.perSite) {
    const kind = loaded.perSite ? 'per site' : 'per configuration';
    const want = loaded.perSite
      ? 'a per-site target (the site-averaged errors are reported with the per-site ones)'
      : 'a :mean target';
    throw new FileError(
      `${fn}: ${path}: invalid target: expected ${want}, since the model predicts ${kind}; got ${formatTarget(target)}`,
    );
  }
}

/** Loads an L-CNN (one, or an ensemble) or baseline CNN model file, by its format tag. */
export async function loadPredictor(path: string): Promise<LoadedPredictor> {
  if (!existsSync(path)) throw new FileError(`${path}: no such file`);
  let format: unknown;
  try {
    format = (JSON.parse(readFileSync(path, 'utf8')) as { format?: unknown }).format;
  } catch (error) {
    throw new FileError(`${path}: not a JSON model file (${(error as Error).message})`);
  }
  if (format === 'lattice-gauge-cnn') {
    const { BaselineCnn } = await import('./baseline/cnn.js');
    const { model, info } = BaselineCnn.load(path);
    const target = typeof info.target === 'string' ? parseTarget(info.target) : info.target;
    return {
      kind: 'cnn',
      info: { ...info, target },
      predictor: (d, i) => model.predict(d, i),
      N: model.N,
      D: model.D,
      perSite: model.perSite,
    };
  }
  const { model, info } = loadModelOrEnsemble(path);
  // the WebAssembly kernels where they run: the same predictions bit for bit, twice as fast
  model.useKernels(lcnnKernelsFor('loadPredictor', 'auto'));
  return {
    kind: 'lcnn',
    info,
    model,
    ...(model instanceof EnsembleModel ? { ensemble: model } : {}),
    predictor: (d, i) => {
      checkCompatible(`model ${path}`, model, d);
      return predict(model, d, i);
    },
    N: model.spec.N,
    D: model.spec.D,
    perSite: !model.perConfiguration,
  };
}
