/**
 * Model files for the CLI: an L-CNN (`lattice-gauge-lcnn`) or the baseline CNN
 * (`lattice-gauge-cnn`, loaded on demand so that the L-CNN commands do not load TensorFlow.js).
 *
 * @module
 */
import { readFileSync, existsSync } from 'node:fs';
import { FileError } from '../core/fileError.js';
import type { Predictor } from '../lcnn/evaluation.js';
import { predict } from '../lcnn/gradient.js';
import { loadModel, type ModelInfo } from '../lcnn/modelFile.js';
import { checkCompatible } from '../lcnn/training/lcnn.js';
import { parseTarget } from '../lcnn/targets.js';

/** A loaded model of either kind, as a predictor. */
export interface LoadedPredictor {
  kind: 'lcnn' | 'cnn';
  info: ModelInfo;
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
    const { BaselineCnn } = await import('../lcnn/baseline/cnn.js');
    const { model, info } = BaselineCnn.load(path);
    const target = typeof info.target === 'string' ? parseTarget(info.target) : info.target;
    return { kind: 'cnn', info: { ...info, target }, predictor: (d, i) => model.predict(d, i) };
  }
  const { model, info } = loadModel(path);
  return {
    kind: 'lcnn',
    info,
    predictor: (d, i) => {
      checkCompatible('lgt', model, d);
      return predict(model, d, i);
    },
  };
}
