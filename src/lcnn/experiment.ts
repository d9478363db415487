/**
 * The whole training job, as `lgt train`, the demo and the reproduction run it: read an
 * ensemble, compute the targets, split by configuration, build the model from its spec,
 * train with a JSON-lines metrics log, evaluate on the test split (overall and per beta),
 * and save the model. Evaluation of a saved model on any ensemble and lattice size too.
 *
 * @module
 */
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { FileError } from '../core/fileError.js';
import { rangeError } from '../core/validate.js';
import { Dataset, splitDataset } from './dataset.js';
import { predict } from './gradient.js';
import type { InputSpec } from './inputFeatures.js';
import type { LayerSpec } from './layers/layer.js';
import { regressionMetrics } from './metrics.js';
import { Model, type ModelSpec } from './model.js';
import { saveModel } from './modelFile.js';
import type { Symmetry } from './symmetry.js';
import { formatTarget, targetParity, type TargetSpec } from './targets.js';
import { checkCompatible, trainModel, type EpochMetrics, type TrainOptions } from './trainer.js';

/** Error measures of a model on a set of configurations. */
export interface Evaluation {
  /** Mean squared error over all target values. */
  mse: number;
  /** Coefficient of determination R^2. */
  r2: number;
  /** Target values compared. */
  n: number;
  /** The same per beta value of the configurations. */
  perBeta: Array<{
    /** The coupling beta (NaN when the ensemble did not record it). */
    beta: number;
    /** Mean squared error over this beta's target values. */
    mse: number;
    /** Coefficient of determination R^2 at this beta. */
    r2: number;
    /** Target values compared at this beta. */
    n: number;
  }>;
}

/** Anything that predicts targets for configurations of a dataset (an L-CNN, the baseline). */
export type Predictor = (dataset: Dataset, indices: number[]) => Float64Array;

/** Evaluates a predictor on the given configurations of a dataset (all when omitted). */
export function evaluatePredictor(
  predictor: Predictor,
  dataset: Dataset,
  indices?: number[],
): Evaluation {
  const all = indices ?? Array.from({ length: dataset.size }, (_, i) => i);
  const stride = dataset.targetStride;
  const prediction = predictor(dataset, all);
  const target = dataset.targetsOf(all);
  const overall = regressionMetrics(prediction, target);
  const betas = [...new Set(all.map((i) => dataset.beta[i]))].sort((a, b) => a - b);
  const perBeta = betas.map((beta) => {
    const ks = all.map((i, k) => (Object.is(dataset.beta[i], beta) ? k : -1)).filter((k) => k >= 0);
    const p = new Float64Array(ks.length * stride);
    const t = new Float64Array(ks.length * stride);
    ks.forEach((k, j) => {
      p.set(prediction.subarray(k * stride, (k + 1) * stride), j * stride);
      t.set(target.subarray(k * stride, (k + 1) * stride), j * stride);
    });
    return { beta, ...regressionMetrics(p, t) };
  });
  return { ...overall, perBeta };
}

/** Evaluates an L-CNN on the given configurations of a dataset (all when omitted). */
export function evaluateModel(model: Model, dataset: Dataset, indices?: number[]): Evaluation {
  checkCompatible('evaluateModel', model, dataset);
  return evaluatePredictor((d, i) => predict(model, d, i), dataset, indices);
}

/**
 * Parses the shorthand "lcb:4:2,lact:tanh,trace,dense:1,mean" into layer specs
 * (lcb/lconv: out and kernel; lbilin/dense: out; lact: activation; lexp, trace, mean: none).
 */
export function parseArchitecture(text: string): LayerSpec[] {
  return text.split(',').map((part, index): LayerSpec => {
    const [type, a, b] = part.trim().split(':');
    const int = (v: string | undefined, what: string): number => {
      const n = Number(v);
      if (!Number.isInteger(n)) {
        throw rangeError('parseArchitecture', `layer ${index} (${part})`, `${type}:${what}`, part);
      }
      return n;
    };
    switch (type) {
      case 'lcb':
        return { type, out: int(a, 'OUT:KERNEL'), kernel: int(b, 'OUT:KERNEL') };
      case 'lconv':
        return { type, out: int(a, 'OUT:KERNEL'), kernel: int(b, 'OUT:KERNEL') };
      case 'lbilin':
        return { type, out: int(a, 'OUT') };
      case 'dense':
        return { type, out: int(a, 'OUT'), ...(b ? { activation: b as 'relu' } : {}) };
      case 'lact':
        return { type, activation: (a ?? 'relu') as 'relu' };
      case 'trace':
      case 'mean':
      case 'lexp':
        return { type };
      default:
        throw rangeError(
          'parseArchitecture',
          `layer ${index}`,
          'one of lconv:OUT:K, lbilin:OUT, lcb:OUT:K, lact:ACT, lexp, trace, dense:OUT[:ACT], mean',
          part,
        );
    }
  });
}

/** Everything `lgt train` needs. */
export interface TrainJob {
  /** Ensemble files (their configurations are pooled; all on one lattice). */
  data: string[];
  /** The observable to learn. */
  target: TargetSpec;
  /** Model layers (N and D are taken from the data). */
  layers: LayerSpec[];
  /** Input channels besides the plaquettes (Wilson loops, the Polyakov loop). */
  input?: InputSpec;
  /** Weight-initialisation seed. */
  modelSeed: number;
  /** Point-group symmetry of the model (default "none"); the parity follows the target. */
  symmetry?: Symmetry;
  /** Symmetric L-Conv layers sum over all input orientations (default true). */
  mixOrientations?: boolean;
  /** Fraction of the configurations (per beta) held out for validation. */
  validation: number;
  /** Fraction of the configurations (per beta) held out for testing. */
  test: number;
  /** Seed of the train/validation/test split. */
  splitSeed: number;
  /** Training hyper-parameters and run options. */
  train: Omit<TrainOptions, 'onEpoch'>;
  /** Output model file. */
  output: string;
  /** Replace an existing output file. */
  force?: boolean;
  /** JSON-lines metrics log (one object per epoch). */
  metricsLog?: string;
  /** Called after every epoch (after the metrics log line is written). */
  onEpoch?: (metrics: EpochMetrics) => void;
}

/** The result of a training job. */
export interface TrainSummary {
  /** Path of the saved model file. */
  output: string;
  /** Number of trainable weights of the model. */
  parameters: number;
  /** Number of epochs trained (the length of `history`). */
  epochs: number;
  /** The epoch with the lowest validation loss, from 1. */
  bestEpoch: number;
  /** The lowest validation loss (mean squared error). */
  bestValidationLoss: number;
  /** Evaluation of the saved model on the test split (the validation split if it is empty). */
  test: Evaluation;
  /** Metrics of every epoch. */
  history: EpochMetrics[];
}

/** Loads one dataset from several ensemble files on the same lattice. */
export async function loadDataset(paths: string[], target: TargetSpec): Promise<Dataset> {
  if (paths.length === 0) throw rangeError('loadDataset', 'paths', 'at least one ensemble file', 0);
  const parts = await Promise.all(paths.map((p) => Dataset.fromEnsemble(p, target)));
  if (parts.length === 1) return parts[0];
  const first = parts[0];
  parts.forEach((d, i) => {
    if (!d.lattice.equals(first.lattice) || d.N !== first.N) {
      throw new FileError(
        `loadDataset: ${paths[i]}: invalid lattice: expected SU(${first.N}) on ${first.lattice} like ${paths[0]}, got SU(${d.N}) on ${d.lattice}`,
      );
    }
  });
  const size = parts.reduce((n, d) => n + d.size, 0);
  const links = new Float64Array(new SharedArrayBuffer(8 * size * first.linkStride));
  const targets = new Float64Array(new SharedArrayBuffer(8 * size * first.targetStride));
  const beta = new Float64Array(size);
  let o = 0;
  for (const d of parts) {
    links.set(d.links, o * first.linkStride);
    targets.set(d.targets, o * first.targetStride);
    beta.set(d.beta, o);
    o += d.size;
  }
  return new Dataset(first.lattice, first.N, size, links, targets, beta, target);
}

/** The symmetry keys of a model spec for a target (none for plain models). */
export function symmetricSpec(
  symmetry: Symmetry,
  target: TargetSpec,
  mixOrientations?: boolean,
): Pick<ModelSpec, 'symmetry' | 'parity' | 'mixOrientations'> {
  if (symmetry === 'none') return {};
  return {
    symmetry,
    ...(symmetry === 'rotations+reflections' ? { parity: targetParity(target) } : {}),
    ...(mixOrientations === undefined ? {} : { mixOrientations }),
  };
}

/** Runs a training job end to end. */
export async function runTrainJob(job: TrainJob): Promise<TrainSummary> {
  if (existsSync(job.output) && !job.force) {
    throw new FileError(
      `${job.output} already exists; pass { force: true } (lgt: --force) to replace it`,
    );
  }
  const dataset = await loadDataset(job.data, job.target);
  const spec: ModelSpec = {
    N: dataset.N,
    D: dataset.lattice.D,
    layers: job.layers,
    seed: job.modelSeed,
    ...(job.input ? { input: job.input } : {}),
    ...symmetricSpec(job.symmetry ?? 'none', job.target, job.mixOrientations),
  };
  const model = new Model(spec);
  const split = splitDataset(
    dataset,
    { validation: job.validation, test: job.test },
    job.splitSeed,
  );
  if (job.metricsLog !== undefined) writeFileSync(job.metricsLog, '');
  const result = await trainModel(model, dataset, split, {
    ...job.train,
    onEpoch: (m) => {
      if (job.metricsLog !== undefined) appendFileSync(job.metricsLog, `${JSON.stringify(m)}\n`);
      job.onEpoch?.(m);
    },
  });
  const test = evaluateModel(model, dataset, split.test.length > 0 ? split.test : split.validation);
  await saveModel(
    job.output,
    model,
    {
      target: job.target,
      targetName: formatTarget(job.target),
      trainedOn: [...dataset.lattice.dims],
      data: job.data,
      training: {
        ...job.train,
        validation: job.validation,
        test: job.test,
        splitSeed: job.splitSeed,
      },
      bestEpoch: result.bestEpoch,
      bestValidationLoss: result.bestValidationLoss,
      testMse: test.mse,
      testR2: test.r2,
    },
    { force: job.force },
  );
  return {
    output: job.output,
    parameters: model.parameterCount,
    epochs: result.history.length,
    bestEpoch: result.bestEpoch,
    bestValidationLoss: result.bestValidationLoss,
    test,
    history: result.history,
  };
}
