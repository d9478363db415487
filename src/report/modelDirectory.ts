/**
 * Model directories, what `lgt report` reads for a trained model:
 *
 * | file                     | what                                                              |
 * | ------------------------ | ----------------------------------------------------------------- |
 * | `model.json`             | the model (`lgt train -o DIR/model.json`), L-CNN or CNN           |
 * | `metrics.jsonl`          | its metrics log (`lgt train --metrics DIR/metrics.jsonl`)         |
 * | `cnn.json`               | optional: the baseline CNN on the same data (`--model cnn`)       |
 * | `cnn.metrics.jsonl`      | its metrics log, required when `cnn.json` is there                |
 *
 * A metrics log has one JSON object per line and epoch, with the keys of
 * {@link EpochMetrics} (`epoch`, `trainLoss`, `validationLoss`, ...), as the trainers write it.
 * Every missing or malformed piece is reported by name: a report never draws empty charts.
 *
 * A bare model file (a `lgt train -o` JSON, or a per-seed model of `npm run reproduce:4d`) is
 * read by {@link readModelSource} too: it has no metrics log, so its report has no learning
 * curves, only the predictions and errors.
 *
 * @module
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FileError } from '../core/fileError.js';
import type { EpochMetrics } from '../lcnn/training/learner.js';

/** File names inside a model directory. */
export const MODEL_DIRECTORY_FILES = {
  /** The main model. */
  model: 'model.json',
  /** Its metrics log. */
  metrics: 'metrics.jsonl',
  /** The optional baseline CNN. */
  baseline: 'cnn.json',
  /** The baseline's metrics log. */
  baselineMetrics: 'cnn.metrics.jsonl',
} as const;

/** A model file with its training history. */
export interface TrainedModelFiles {
  /** Path of the model file. */
  model: string;
  /** Path of its metrics log; absent for a bare model file. */
  metrics?: string;
  /** The metrics log, one entry per epoch; empty for a bare model file. */
  history: EpochMetrics[];
}

/** A model directory's content. */
export interface ModelDirectory {
  /** The directory. */
  directory: string;
  /** The main model. */
  model: TrainedModelFiles;
  /** The baseline CNN, when the directory has one. */
  baseline?: TrainedModelFiles;
}

/**
 * Reads a JSON-lines metrics log and checks every line.
 *
 * @throws FileError naming the file (and line, key and value) when it is missing, empty, or
 *   a line is not a JSON object with a positive integer `epoch` and finite numbers
 *   `trainLoss` and `validationLoss`.
 */
export function readMetricsLog(path: string): EpochMetrics[] {
  if (!existsSync(path)) throw new FileError(`${path}: no such metrics log`);
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .map((line, i) => ({ line: line.trim(), number: i + 1 }))
    .filter((l) => l.line !== '');
  if (lines.length === 0) {
    throw new FileError(
      `${path}: the metrics log is empty: expected one JSON line per trained epoch`,
    );
  }
  return lines.map(({ line, number }) => {
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch (error) {
      throw new FileError(`${path}: line ${number}: not JSON (${(error as Error).message})`);
    }
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      throw new FileError(
        `${path}: line ${number}: expected a JSON object, got ${line.slice(0, 80)}`,
      );
    }
    if (!Number.isInteger(entry.epoch) || (entry.epoch as number) < 1) {
      throw new FileError(
        `${path}: line ${number}: invalid epoch: expected an integer >= 1, got ${JSON.stringify(entry.epoch)}`,
      );
    }
    for (const key of ['trainLoss', 'validationLoss']) {
      if (typeof entry[key] !== 'number' || !Number.isFinite(entry[key])) {
        throw new FileError(
          `${path}: line ${number}: invalid ${key}: expected a finite number, got ${JSON.stringify(entry[key])}`,
        );
      }
    }
    return entry as unknown as EpochMetrics;
  });
}

/**
 * Reads a model directory (layout in the module header): the model file must be there with
 * its metrics log, and a baseline CNN file, when present, with its own.
 *
 * @throws FileError naming the directory and the missing file, or the bad metrics line.
 */
export function readModelDirectory(directory: string): ModelDirectory {
  const f = MODEL_DIRECTORY_FILES;
  if (!existsSync(directory)) throw new FileError(`${directory}: no such model directory`);
  if (!statSync(directory).isDirectory()) {
    throw new FileError(
      `${directory}: not a directory: expected a model directory with ${f.model} and ${f.metrics} ` +
        `(lgt train -o DIR/${f.model} --metrics DIR/${f.metrics})`,
    );
  }
  const entry = (modelName: string, metricsName: string): TrainedModelFiles => {
    const model = join(directory, modelName);
    const metrics = join(directory, metricsName);
    if (!existsSync(model)) {
      throw new FileError(
        `${directory}: missing the model file ${modelName} (lgt train -o ${model})`,
      );
    }
    if (!existsSync(metrics)) {
      throw new FileError(
        `${directory}: missing the metrics log ${metricsName} of ${modelName}: the learning curves ` +
          `need it (lgt train --metrics ${metrics})`,
      );
    }
    return { model, metrics, history: readMetricsLog(metrics) };
  };
  const result: ModelDirectory = { directory, model: entry(f.model, f.metrics) };
  if (existsSync(join(directory, f.baseline)))
    result.baseline = entry(f.baseline, f.baselineMetrics);
  return result;
}

/**
 * Reads what `lgt report` is given for a model: a model directory ({@link readModelDirectory})
 * or a bare model file (a `.json` file), which comes without a metrics log (empty history)
 * and without a baseline.
 *
 * @throws FileError naming the path when it does not exist or is a file that is not `.json`,
 *   and as readModelDirectory for a directory.
 */
export function readModelSource(path: string): ModelDirectory {
  if (!existsSync(path)) {
    throw new FileError(
      `${path}: no such model file or directory: expected a model JSON file or a directory with ` +
        `${MODEL_DIRECTORY_FILES.model} and ${MODEL_DIRECTORY_FILES.metrics}`,
    );
  }
  if (statSync(path).isDirectory()) return readModelDirectory(path);
  if (!path.endsWith('.json')) {
    throw new FileError(
      `${path}: not a model: expected a model JSON file (lgt train -o FILE.json) or a model directory`,
    );
  }
  return { directory: dirname(path), model: { model: path, history: [] } };
}
