/**
 * Trained models on disk: one JSON file with the model spec, the weights, the target it
 * learned and how it was trained. Written atomically; never over an existing file unless
 * asked.
 *
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../core/atomicWrite.js';
import { FileError } from '../core/fileError.js';
import { Model, type ModelSpec } from './model.js';
import { parseTarget, type TargetSpec } from './targets.js';

/** The format tag of model files. */
export const MODEL_FORMAT = 'lattice-gauge-lcnn';

/** What a model file holds besides the weights. */
export interface ModelInfo {
  /** The observable the model predicts. */
  target: TargetSpec;
  /** Lattice extents of the training data. */
  trainedOn?: number[];
  /** Anything else worth keeping (hyper-parameters, metrics). */
  [key: string]: unknown;
}

/** Writes a model file (atomic; refuses an existing path unless force). */
export async function saveModel(
  path: string,
  model: Model,
  info: ModelInfo,
  options: { force?: boolean } = {},
): Promise<void> {
  if (existsSync(path) && !options.force) {
    throw new FileError(
      `saveModel: ${path} already exists; pass { force: true } (lgt: --force) to replace it`,
    );
  }
  const body = {
    format: MODEL_FORMAT,
    version: 1,
    spec: model.spec,
    info,
    weights: Array.from(model.getWeights()),
  };
  await writeFileAtomic(path, [new TextEncoder().encode(`${JSON.stringify(body, null, 1)}\n`)]);
}

/** Reads a model file; errors name the file and the field. */
export function loadModel(path: string): {
  /** The model, with its saved weights. */
  model: Model;
  /** The file's info, with `target` parsed to a {@link TargetSpec}. */
  info: ModelInfo;
} {
  if (!existsSync(path)) throw new FileError(`loadModel: ${path}: no such file`);
  let body: { format?: unknown; spec?: ModelSpec; info?: ModelInfo; weights?: number[] };
  try {
    body = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new FileError(`loadModel: ${path}: not a JSON model file (${(error as Error).message})`);
  }
  if (body.format !== MODEL_FORMAT) {
    throw new FileError(
      `loadModel: ${path}: invalid format: expected ${MODEL_FORMAT}, got ${JSON.stringify(body.format)}`,
    );
  }
  if (body.spec === undefined || !Array.isArray(body.weights) || body.info?.target === undefined) {
    throw new FileError(`loadModel: ${path}: missing spec, weights or info.target`);
  }
  const model = new Model(body.spec);
  if (body.weights.length !== model.parameterCount) {
    throw new FileError(
      `loadModel: ${path}: invalid weights: expected ${model.parameterCount} numbers for this spec, got ${body.weights.length}`,
    );
  }
  model.setWeights(body.weights);
  const target =
    typeof body.info.target === 'string' ? parseTarget(body.info.target) : body.info.target;
  return { model, info: { ...body.info, target } };
}
