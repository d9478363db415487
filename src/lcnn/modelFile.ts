/**
 * Trained models on disk: one JSON file (./modelJson.ts) with the model spec, the weights, the
 * target it learned and how it was trained. Written atomically; never over an existing file
 * unless asked. Node only (files); a page parses the text with `modelFromJson`.
 *
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../core/atomicWrite.js';
import { FileError } from '../core/fileError.js';
import type { EnsembleModel } from './ensemble.js';
import type { Model } from './model.js';
import {
  modelFromJson,
  modelOrEnsembleFromJson,
  modelToJson,
  type ModelInfo,
} from './modelJson.js';

export { MODEL_FORMAT, type ModelInfo } from './modelJson.js';

/**
 * Writes a model file, or an ensemble's (format version 2, ./modelJson.ts); atomic; refuses an
 * existing path unless force.
 */
export async function saveModel(
  path: string,
  model: Model | EnsembleModel,
  info: ModelInfo,
  options: { force?: boolean } = {},
): Promise<void> {
  if (existsSync(path) && !options.force) {
    throw new FileError(
      `saveModel: ${path} already exists; pass { force: true } (lgt: --force) to replace it`,
    );
  }
  await writeFileAtomic(path, [new TextEncoder().encode(modelToJson(model, info))]);
}

/** Reads a single-model file (an ensemble's is refused); errors name the file and the field. */
export function loadModel(path: string): ReturnType<typeof modelFromJson> {
  if (!existsSync(path)) throw new FileError(`loadModel: ${path}: no such file`);
  return modelFromJson(readFileSync(path, 'utf8'), path, 'loadModel');
}

/** Reads a model file of either version: one model or an ensemble; errors name the file and the field. */
export function loadModelOrEnsemble(path: string): ReturnType<typeof modelOrEnsembleFromJson> {
  if (!existsSync(path)) throw new FileError(`loadModelOrEnsemble: ${path}: no such file`);
  return modelOrEnsembleFromJson(readFileSync(path, 'utf8'), path, 'loadModelOrEnsemble');
}
