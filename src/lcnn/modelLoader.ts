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
import { loadModel, type ModelInfo } from './modelFile.js';
import { checkCompatible } from './training/lcnn.js';
import { parseTarget } from './targets.js';

/** A loaded model of either kind, as a predictor. */
export interface LoadedPredictor {
  /** Which kind of model the file holds. */
  kind: 'lcnn' | 'cnn';
  /** The file's info block, with the target parsed. */
  info: ModelInfo;
  /** The model's predictions (checked against the dataset's group and dimensions). */
  predictor: Predictor;
}

/** Loads an L-CNN or baseline CNN model file, by its format tag. */
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
    return { kind: 'cnn', info: { ...info, target }, predictor: (d, i) => model.predict(d, i) };
  }
  const { model, info } = loadModel(path);
  return {
    kind: 'lcnn',
    info,
    predictor: (d, i) => {
      checkCompatible(`model ${path}`, model, d);
      return predict(model, d, i);
    },
  };
}
