/**
 * The JSON of a trained model (what `lgt train -o` writes): the format tag, the model spec,
 * the weights, the target it learned and how it was trained. Text in, text out: no files, so
 * that a page can load a model it fetched (./modelFile.ts reads and writes the files in Node).
 *
 * @module
 */
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

/** The text of a model file for `model` and `info` (one JSON object, newline-terminated). */
export function modelToJson(model: Model, info: ModelInfo): string {
  const body = {
    format: MODEL_FORMAT,
    version: 1,
    spec: model.spec,
    info,
    weights: Array.from(model.getWeights()),
  };
  return `${JSON.stringify(body, null, 1)}\n`;
}

/**
 * The model and info of a model file's text; errors are FileErrors that start with
 * `fn: source:` (the caller's name and where the text came from: a file name, a URL) and name
 * the field.
 */
export function modelFromJson(
  text: string,
  source: string,
  fn = 'modelFromJson',
): {
  /** The model, with its saved weights. */
  model: Model;
  /** The file's info, with `target` parsed to a {@link TargetSpec}. */
  info: ModelInfo;
} {
  let body: { format?: unknown; spec?: ModelSpec; info?: ModelInfo; weights?: number[] };
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new FileError(`${fn}: ${source}: not a JSON model file (${(error as Error).message})`);
  }
  if (body.format !== MODEL_FORMAT) {
    throw new FileError(
      `${fn}: ${source}: invalid format: expected ${MODEL_FORMAT}, got ${JSON.stringify(body.format)}`,
    );
  }
  if (body.spec === undefined || !Array.isArray(body.weights) || body.info?.target === undefined) {
    throw new FileError(`${fn}: ${source}: missing spec, weights or info.target`);
  }
  const model = new Model(body.spec);
  if (body.weights.length !== model.parameterCount) {
    throw new FileError(
      `${fn}: ${source}: invalid weights: expected ${model.parameterCount} numbers for this spec, got ${body.weights.length}`,
    );
  }
  model.setWeights(body.weights);
  const target =
    typeof body.info.target === 'string' ? parseTarget(body.info.target) : body.info.target;
  return { model, info: { ...body.info, target } };
}
