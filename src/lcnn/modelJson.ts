/**
 * The JSON of a trained model (what `lgt train -o` writes): the format tag, the model spec,
 * the weights, the target it learned and how it was trained. Text in, text out: no files, so
 * that a page can load a model it fetched (./modelFile.ts reads and writes the files in Node).
 *
 * Two versions, one format tag:
 *
 * - version 1, one model: `{ "format", "version": 1, "spec", "info", "weights": [...] }`;
 * - version 2, an ensemble of M models (./ensemble.ts, `lgt train --ensemble M`):
 *   `{ "format", "version": 2, "spec", "info", "ensemble": { "members": M },
 *   "members": [{ "spec", "weights" }, ...] }`, where the top-level spec is the first
 *   member's (for a quick look) and each member has its own spec (its seed) and weights. It
 *   has no top-level `weights`, so that a reader of version 1 refuses it instead of loading
 *   one member.
 *
 * Single models are still written as version 1, so files stay readable by older versions.
 *
 * @module
 */
import { FileError } from '../core/fileError.js';
import { EnsembleModel } from './ensemble.js';
import { Model, type ModelSpec } from './model.js';
import { parseTarget, type TargetSpec } from './targets.js';

/** The format tag of model files. */
export const MODEL_FORMAT = 'lattice-gauge-lcnn';

/** The newest version of the model-file format this code reads (2: ensembles). */
export const MODEL_FORMAT_VERSION = 2;

/** What a model file holds besides the weights. */
export interface ModelInfo {
  /** The observable the model predicts. */
  target: TargetSpec;
  /** Lattice extents of the training data. */
  trainedOn?: number[];
  /** Anything else worth keeping (hyper-parameters, metrics). */
  [key: string]: unknown;
}

/**
 * The text of a model file for `model` (or an ensemble of models) and `info` (one JSON
 * object, newline-terminated).
 */
export function modelToJson(model: Model | EnsembleModel, info: ModelInfo): string {
  const body =
    model instanceof EnsembleModel
      ? {
          format: MODEL_FORMAT,
          version: 2,
          spec: model.spec,
          info,
          ensemble: { members: model.size },
          members: model.members.map((m) => ({
            spec: m.spec,
            weights: Array.from(m.getWeights()),
          })),
        }
      : {
          format: MODEL_FORMAT,
          version: 1,
          spec: model.spec,
          info,
          weights: Array.from(model.getWeights()),
        };
  return `${JSON.stringify(body, null, 1)}\n`;
}

/** A model built from its spec with its saved weights, or a FileError naming `where`. */
function restore(fn: string, where: string, spec: ModelSpec, weights: unknown): Model {
  if (spec === undefined || !Array.isArray(weights)) {
    throw new FileError(`${fn}: ${where}: missing spec or weights`);
  }
  const model = new Model(spec);
  if (weights.length !== model.parameterCount) {
    throw new FileError(
      `${fn}: ${where}: invalid weights: expected ${model.parameterCount} numbers for this spec, got ${weights.length}`,
    );
  }
  model.setWeights(weights as number[]);
  return model;
}

/**
 * The model (or ensemble) and info of a model file's text, either version; errors are
 * FileErrors that start with `fn: source:` (the caller's name and where the text came from: a
 * file name, a URL) and name the field.
 */
export function modelOrEnsembleFromJson(
  text: string,
  source: string,
  fn = 'modelOrEnsembleFromJson',
): {
  /** The model with its saved weights, or the ensemble of them (version 2). */
  model: Model | EnsembleModel;
  /** The file's info, with `target` parsed to a {@link TargetSpec}. */
  info: ModelInfo;
} {
  let body: {
    format?: unknown;
    version?: unknown;
    spec?: ModelSpec;
    info?: ModelInfo;
    weights?: number[];
    members?: Array<{ spec?: ModelSpec; weights?: unknown }>;
  };
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
  const version = body.version ?? 1;
  if (version !== 1 && version !== 2) {
    throw new FileError(
      `${fn}: ${source}: invalid version: expected 1 or 2 (this lattice-gauge reads up to ${MODEL_FORMAT_VERSION}), got ${JSON.stringify(body.version)}`,
    );
  }
  const parsedInfo = (): ModelInfo => {
    const target =
      typeof body.info!.target === 'string' ? parseTarget(body.info!.target) : body.info!.target;
    return { ...body.info!, target };
  };
  if (body.members !== undefined) {
    if (body.info?.target === undefined) {
      throw new FileError(`${fn}: ${source}: missing info.target`);
    }
    const info = parsedInfo();
    if (!Array.isArray(body.members) || body.members.length === 0) {
      throw new FileError(`${fn}: ${source}: invalid members: expected a non-empty list`);
    }
    const members = body.members.map((m, k) =>
      restore(fn, `${source}: members[${k}]`, m?.spec as ModelSpec, m?.weights),
    );
    try {
      return { model: new EnsembleModel(members), info };
    } catch (error) {
      throw new FileError(`${fn}: ${source}: ${(error as Error).message}`);
    }
  }
  if (body.spec === undefined || !Array.isArray(body.weights) || body.info?.target === undefined) {
    throw new FileError(`${fn}: ${source}: missing spec, weights or info.target`);
  }
  const model = restore(fn, source, body.spec, body.weights);
  return { model, info: parsedInfo() };
}

/**
 * The model and info of a single-model file's text (an ensemble's file is refused: read it
 * with {@link modelOrEnsembleFromJson}); errors are FileErrors that start with
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
  const { model, info } = modelOrEnsembleFromJson(text, source, fn);
  if (model instanceof EnsembleModel) {
    throw new FileError(
      `${fn}: ${source}: an ensemble of ${model.size} models (lgt train --ensemble), not one model: read it with modelOrEnsembleFromJson (lgt eval and lgt predict take it)`,
    );
  }
  return { model, info };
}
