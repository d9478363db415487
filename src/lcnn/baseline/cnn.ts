/**
 * The non-equivariant baseline of the L-CNN paper (Favoni, Ipp, Mueller, Schuh, PRL 128
 * (2022) 032003, doi:10.1103/PhysRevLett.128.032003): a plain CNN on the raw links and
 * plaquettes, as the paper's (src/lcnn/baseline/encoding.ts; `"input": "links"` for the links
 * alone), with circular padding so that it is translation equivariant and runs on any lattice
 * size, but NOT gauge invariant. Described by JSON:
 *
 * ```json
 * { "type": "cnn", "layers": [16, 16, 16], "kernel": 3, "input": "links+plaquettes" }
 * ```
 *
 *     h_0 = image of the links (and plaquettes), shape [B, L0, L1, C]
 *     h_l = ReLU(circularConv_k(h_(l-1)) + b_l),          l = 1..layers.length
 *     per site:          y(x) = s (w . h_n(x) + b) + m       (a final 1x1 conv)
 *     per configuration: y    = s (w . mean_x h_n(x) + b) + m  (global average pool, dense)
 *
 * with (m, s) = {@link BaselineCnn.targetScaling}, the mean and standard deviation of the
 * training targets (the network fits standardised targets; without this the small spread
 * of the plaquette around its mean stalled training at R^2 ~ 0).
 *
 * Built with TensorFlow.js ops (CPU backend, float32: tfjs has no float64); the circular
 * convolution is src/lcnn/baseline/circularConv2d.ts. Trained with tfjs' Adam (plain Adam:
 * tfjs has no AMSGrad, unlike the paper's AdamW/amsgrad) on the MSE, in the L-CNN's training
 * loop (src/lcnn/training/loop.ts: the same data, split, batch order, early stopping and
 * `onEpoch` metrics). Weights are drawn from a seeded xoshiro128** stream (He-normal for
 * the ReLU layers), and the tfjs CPU kernels are deterministic, so equal seeds give equal
 * models.
 *
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { writeFileAtomic } from '../../core/atomicWrite.js';
import { FileError } from '../../core/fileError.js';
import { Xoshiro128 } from '../../core/rng.js';
import { checkInteger, rangeError, typeError } from '../../core/validate.js';
import type { Dataset, Split } from '../dataset.js';
import { regressionMetrics } from '../metrics.js';
import type { ModelInfo } from '../modelFile.js';
import { parseTarget } from '../targets.js';
import type { LoopOptions, TrainResult } from '../training/learner.js';
import { trainLoop } from '../training/loop.js';
import { initTensorflow } from './backend.js';
import { BaselineLearner } from './learner.js';
import { circularConv2d } from './circularConv2d.js';
import {
  BASELINE_INPUTS,
  baselineChannels,
  checkIndices,
  checkTwoDimensional,
  encodeConfigurations,
  imageToSites,
  type BaselineInput,
} from './encoding.js';

/** The format tag of baseline CNN files. */
export const BASELINE_FORMAT = 'lattice-gauge-cnn';

/** The JSON description of a baseline CNN. */
export interface BaselineSpec {
  /** Always "cnn". */
  type: 'cnn';
  /** Output channels of each hidden Conv2D + ReLU layer, e.g. [16, 16, 16]. */
  layers: number[];
  /** Side of the square convolution kernels, e.g. 3. */
  kernel: number;
  /**
   * What the network sees per site: the links and the plaquettes (default, the paper's
   * baseline) or the links alone. Files written without this key are "links".
   */
  input?: BaselineInput;
}

/**
 * Hyper-parameters of {@link BaselineCnn.train}: the training loop's options (those of the
 * L-CNN less its optimiser's and workers; augmentation and checkpoints are refused).
 */
export interface BaselineTrainOptions extends LoopOptions {
  /**
   * Standardise the targets: set {@link BaselineCnn.targetScaling} to the mean and standard
   * deviation of the training targets before the first step (default true).
   */
  standardize?: boolean;
}

/** The affine map from the network's output to the target: y = std * output + mean. */
export interface TargetScaling {
  /** Added to the scaled output (the training targets' mean). */
  mean: number;
  /** Multiplies the output (the training targets' standard deviation). */
  std: number;
}

/** Accuracy of predictions, as `evaluate` of the L-CNN trainer reports it. */
export interface BaselineScore {
  /** Mean squared error. */
  mse: number;
  /** Coefficient of determination 1 - SS_res / SS_tot. */
  r2: number;
}

/** A model read from a file, with what the file says about it. */
export interface LoadedBaseline {
  /** The model with its saved weights and target scaling. */
  model: BaselineCnn;
  /** The file's info block (target, training lattice, ...). */
  info: ModelInfo;
}

/** Largest number of sites pushed through the network at once by predict/evaluate. */
const SITES_PER_CHUNK = 1 << 16;

/** A configuration-sized batch of configurations for inference on lattices of V sites. */
function chunkSize(volume: number): number {
  return Math.max(1, Math.floor(SITES_PER_CHUNK / volume));
}

function checkSpec(fn: string, spec: BaselineSpec): void {
  if (typeof spec !== 'object' || spec === null) {
    throw typeError(fn, 'spec', 'an object { type: "cnn", layers, kernel }', spec);
  }
  if (spec.type !== 'cnn') throw rangeError(fn, 'spec.type', '"cnn"', JSON.stringify(spec.type));
  if (!Array.isArray(spec.layers) || spec.layers.length === 0) {
    throw rangeError(fn, 'spec.layers', 'a non-empty list of channel counts', spec.layers);
  }
  spec.layers.forEach((c, l) => checkInteger(fn, `spec.layers[${l}]`, c, 1, 4096));
  checkInteger(fn, 'spec.kernel', spec.kernel, 1, 63);
  if (spec.input !== undefined && !BASELINE_INPUTS.includes(spec.input)) {
    throw rangeError(fn, 'spec.input', BASELINE_INPUTS.join(' or '), spec.input);
  }
}

/**
 * The mean and standard deviation of the targets of the configurations `train` (a standard
 * deviation of 0 becomes 1).
 */
function standardScaling(dataset: Dataset, train: readonly number[]): TargetScaling {
  let sum = 0;
  let sum2 = 0;
  for (const i of train) {
    for (const y of dataset.targetOf(i)) {
      sum += y;
      sum2 += y * y;
    }
  }
  const n = dataset.targetCount(train);
  const mean = sum / n;
  const std = Math.sqrt(Math.max(0, sum2 / n - mean * mean));
  return { mean, std: std > 0 ? std : 1 };
}

/** A circular-padded Conv2D network on the links of 2D SU(N) configurations. */
export class BaselineCnn {
  /** Input channels per site: M * 2 N^2 for M matrices (src/lcnn/baseline/encoding.ts). */
  readonly inputChannels: number;
  /** What the network sees per site. */
  readonly input: BaselineInput;
  /** The trainable tensors, in the order of {@link BaselineCnn.weightNames}. */
  private readonly variables: tf.Variable[];
  /**
   * The output map y = std * network + mean: {@link BaselineCnn.train} sets it from the
   * training targets (so the network fits standardised targets); saved with the weights.
   */
  targetScaling: TargetScaling = { mean: 0, std: 1 };
  /** Names of the weights: conv<l>.kernel, conv<l>.bias, ..., out.kernel, out.bias. */
  readonly weightNames: readonly string[];

  /**
   * Builds a CNN with freshly initialised weights.
   *
   * @param spec - the architecture (module header).
   * @param N - number of colours.
   * @param D - number of dimensions; must be 2.
   * @param perSite - one output per site (final 1x1 conv) or per configuration (global
   *   average pool + dense).
   * @param seed - seed of the weight initialisation.
   * @throws RangeError or TypeError for a bad spec, N, seed or D != 2.
   */
  constructor(
    /** The architecture. */
    readonly spec: BaselineSpec,
    /** Number of colours. */
    readonly N: number,
    /** Number of dimensions (2). */
    readonly D: number,
    /** One output per site (true) or per configuration (false). */
    readonly perSite: boolean,
    /** Seed of the weight initialisation. */
    readonly seed = 0,
  ) {
    const fn = 'BaselineCnn';
    checkSpec(fn, spec);
    checkInteger(fn, 'N', N, 2, 16);
    checkInteger(fn, 'D', D, 2, 8);
    checkTwoDimensional(fn, D);
    if (typeof perSite !== 'boolean') throw typeError(fn, 'perSite', 'a boolean', perSite);
    checkInteger(fn, 'seed', seed, 0);
    this.input = spec.input ?? 'links+plaquettes';
    this.spec = { type: 'cnn', layers: [...spec.layers], kernel: spec.kernel, input: this.input };
    initTensorflow();
    const k = spec.kernel;
    this.inputChannels = baselineChannels(N, D, this.input);
    const rng = new Xoshiro128(seed);
    const normal = (shape: number[], std: number): tf.Variable => {
      const size = shape.reduce((a, b) => a * b, 1);
      const values = Float32Array.from({ length: size }, () => std * rng.normal());
      return tf.tidy(() => tf.variable(tf.tensor(values, shape, 'float32')));
    };
    const zeros = (shape: number[]): tf.Variable =>
      tf.tidy(() => tf.variable(tf.zeros(shape, 'float32')));
    this.variables = [];
    const names: string[] = [];
    let channels = this.inputChannels;
    spec.layers.forEach((out, l) => {
      this.variables.push(normal([k, k, channels, out], Math.sqrt(2 / (k * k * channels))));
      this.variables.push(zeros([out]));
      names.push(`conv${l}.kernel`, `conv${l}.bias`);
      channels = out;
    });
    const head = perSite ? [1, 1, channels, 1] : [channels, 1];
    this.variables.push(normal(head, Math.sqrt(1 / channels)), zeros([1]));
    names.push('out.kernel', 'out.bias');
    this.weightNames = Object.freeze(names);
  }

  /** Number of trainable numbers. */
  get parameterCount(): number {
    return this.variables.reduce((n, v) => n + v.size, 0);
  }

  /** Shapes of the weights, in the order of {@link BaselineCnn.weightNames}. */
  get weightShapes(): number[][] {
    return this.variables.map((v) => [...v.shape]);
  }

  /** Copies of the weights, in the order of {@link BaselineCnn.weightNames}. */
  getWeights(): Float32Array[] {
    return this.variables.map((v) => Float32Array.from(v.dataSync()));
  }

  /**
   * Replaces the weights (one array per tensor, in the order of
   * {@link BaselineCnn.weightNames}).
   *
   * @throws RangeError when the number of tensors or a length does not match.
   */
  setWeights(weights: readonly ArrayLike<number>[]): void {
    const fn = 'BaselineCnn.setWeights';
    if (weights.length !== this.variables.length) {
      throw rangeError(fn, 'weights', `${this.variables.length} tensors`, weights.length);
    }
    this.variables.forEach((v, k) => {
      if (weights[k].length !== v.size) {
        throw rangeError(
          fn,
          `weights[${k}] (${this.weightNames[k]})`,
          `${v.size} numbers`,
          `${weights[k].length}`,
        );
      }
    });
    this.variables.forEach((v, k) =>
      tf.tidy(() => v.assign(tf.tensor(Float32Array.from(weights[k]), v.shape, 'float32'))),
    );
  }

  /**
   * The network on an image batch [B, L0, L1, C] (any L0, L1; C = {@link inputChannels}): per
   * site [B, L0, L1, 1], per configuration [B, 1]. Differentiable; the caller owns the result.
   *
   * @throws RangeError when the channel count is not C.
   */
  apply(x: tf.Tensor4D): tf.Tensor {
    if (x.rank !== 4 || x.shape[3] !== this.inputChannels) {
      throw rangeError(
        'BaselineCnn.apply',
        'x',
        `shape [B, L0, L1, ${this.inputChannels}]`,
        `shape [${x.shape}]`,
      );
    }
    return tf.tidy(() => {
      let h: tf.Tensor4D = x;
      for (let l = 0; l < this.spec.layers.length; l++) {
        const w = this.variables[2 * l] as tf.Tensor4D;
        h = tf.relu(tf.add(circularConv2d(h, w), this.variables[2 * l + 1])) as tf.Tensor4D;
      }
      const [w, b] = this.variables.slice(-2);
      const y = this.perSite
        ? tf.add(circularConv2d(h, w as tf.Tensor4D), b)
        : tf.add(tf.matMul(tf.mean(h, [1, 2]), w), b);
      const { mean, std } = this.targetScaling;
      return mean === 0 && std === 1 ? y : tf.add(tf.mul(y, std), mean);
    });
  }

  private checkDataset(fn: string, dataset: Dataset, indices: ArrayLike<number>): void {
    if (dataset.N !== this.N || dataset.D !== this.D) {
      throw rangeError(
        fn,
        'dataset',
        `SU(${this.N}) configurations in ${this.D} dimensions (the model's)`,
        `SU(${dataset.N}) in ${dataset.D} dimensions`,
      );
    }
    if (dataset.target.perSite !== this.perSite) {
      throw rangeError(
        fn,
        'dataset',
        `targets ${this.perSite ? 'per site' : 'per configuration'} (the model's output)`,
        `targets ${dataset.target.perSite ? 'per site' : 'per configuration'}`,
      );
    }
    checkIndices(fn, dataset, indices);
  }

  /**
   * Predictions for the given configurations, on the dataset's lattice (any size): per site
   * `out[k*V + site]` in lattice order, per configuration `out[k]`.
   *
   * @throws RangeError when the dataset does not match the model (N, D = 2, per-site
   *   targets) or an index is out of range.
   */
  predict(dataset: Dataset, indices: ArrayLike<number>): Float64Array {
    this.checkDataset('BaselineCnn.predict', dataset, indices);
    return this.predictUnchecked(dataset, indices);
  }

  private predictUnchecked(dataset: Dataset, indices: ArrayLike<number>): Float64Array {
    const all = Array.from(indices, Number);
    const offsets = new Float64Array(all.length + 1);
    all.forEach((i, k) => (offsets[k + 1] = offsets[k] + dataset.targetLength(i)));
    const out = new Float64Array(offsets[all.length]);
    for (const group of dataset.groups(all)) {
      const [L0, L1] = group.lattice.dims;
      const chunk = chunkSize(group.lattice.volume);
      for (let s = 0; s < group.indices.length; s += chunk) {
        const part = group.indices.slice(s, s + chunk);
        const y = tf.tidy(() => this.apply(encodeConfigurations(dataset, part, this.input)));
        const values = y.dataSync();
        y.dispose();
        const flat = this.perSite ? imageToSites(values, part.length, L0, L1) : values;
        const perConfig = flat.length / part.length;
        group.positions.slice(s, s + chunk).forEach((k, j) => {
          out.set(flat.subarray(j * perConfig, (j + 1) * perConfig), offsets[k]);
        });
      }
    }
    return out;
  }

  /** MSE and R^2 of the predictions on the given configurations (as `evaluate` of the L-CNN). */
  evaluate(dataset: Dataset, indices: ArrayLike<number>): BaselineScore {
    this.checkDataset('BaselineCnn.evaluate', dataset, indices);
    return this.evaluateUnchecked(dataset, indices);
  }

  private evaluateUnchecked(dataset: Dataset, indices: ArrayLike<number>): BaselineScore {
    const prediction = this.predictUnchecked(dataset, indices);
    const { mse, r2 } = regressionMetrics(prediction, dataset.targetsOf(indices));
    return { mse, r2 };
  }

  /**
   * Trains in place on `split.train` with Adam on the MSE, early-stopping on
   * `split.validation` (patience) and restoring the best weights: the training loop of the
   * L-CNN (src/lcnn/training/loop.ts: same batch order for the same seed, same metrics), with
   * the network behind {@link BaselineLearner}. Reports through `onEpoch`.
   *
   * @throws RangeError for a dataset that does not match, an empty split part, bad
   *   hyper-parameters, options the baseline does not have (augmentation, checkpoints) or a
   *   loss that is not finite.
   */
  async train(dataset: Dataset, split: Split, options: BaselineTrainOptions): Promise<TrainResult> {
    const fn = 'BaselineCnn.train';
    this.checkDataset(fn, dataset, split.train);
    this.checkDataset(fn, dataset, split.validation);
    if (!(options.learningRate > 0 && Number.isFinite(options.learningRate))) {
      throw rangeError(fn, 'learningRate', 'a finite number > 0', options.learningRate);
    }
    if ((options.augment ?? 'none') !== 'none') {
      throw rangeError(
        fn,
        'augment',
        '"none" (the baseline CNN has no augmentation)',
        options.augment,
      );
    }
    if (options.standardize ?? true) this.targetScaling = standardScaling(dataset, split.train);
    const learner = new BaselineLearner(this, this.variables, dataset, options.learningRate);
    return trainLoop(fn, learner, dataset, split, options);
  }

  /**
   * Writes the model to a JSON file (format "lattice-gauge-cnn"; atomic; refuses an existing
   * path unless `force`).
   *
   * @throws FileError when the file exists and `force` is not set.
   */
  async save(path: string, info: ModelInfo, options: { force?: boolean } = {}): Promise<void> {
    if (existsSync(path) && !options.force) {
      throw new FileError(
        `BaselineCnn.save: ${path} already exists; pass { force: true } (lgt: --force) to replace it`,
      );
    }
    const weights = this.getWeights();
    const body = {
      format: BASELINE_FORMAT,
      version: 1,
      spec: this.spec,
      N: this.N,
      D: this.D,
      perSite: this.perSite,
      seed: this.seed,
      targetScaling: this.targetScaling,
      info,
      weights: this.weightNames.map((name, k) => ({
        name,
        shape: this.variables[k].shape,
        values: Array.from(weights[k]),
      })),
    };
    await writeFileAtomic(path, [new TextEncoder().encode(`${JSON.stringify(body)}\n`)]);
  }

  /**
   * Reads a model file written by {@link BaselineCnn.save}; the weights come back exactly
   * (float32 values survive JSON).
   *
   * @throws FileError naming the file and the field for a missing, unreadable or
   *   inconsistent file.
   */
  static load(path: string): LoadedBaseline {
    const where = `BaselineCnn.load: ${path}`;
    if (!existsSync(path)) throw new FileError(`${where}: no such file`);
    let body: {
      format?: unknown;
      spec?: BaselineSpec;
      N?: number;
      D?: number;
      perSite?: boolean;
      seed?: number;
      targetScaling?: { mean?: unknown; std?: unknown };
      info?: ModelInfo;
      weights?: Array<{ name?: unknown; shape?: unknown; values?: unknown }>;
    };
    try {
      body = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new FileError(`${where}: not a JSON model file (${(error as Error).message})`);
    }
    if (body.format !== BASELINE_FORMAT) {
      throw new FileError(
        `${where}: invalid format: expected ${BASELINE_FORMAT}, got ${JSON.stringify(body.format)}`,
      );
    }
    if (!Array.isArray(body.weights) || body.info?.target === undefined) {
      throw new FileError(`${where}: missing weights or info.target`);
    }
    let model: BaselineCnn;
    try {
      // files written before the plaquette input saw the links alone
      const spec = { input: 'links' as const, ...(body.spec as BaselineSpec) };
      model = new BaselineCnn(
        spec,
        body.N as number,
        body.D as number,
        body.perSite as boolean,
        body.seed ?? 0,
      );
    } catch (error) {
      throw new FileError(`${where}: invalid model (${(error as Error).message})`);
    }
    const weights = body.weights;
    if (weights.length !== model.weightNames.length) {
      throw new FileError(
        `${where}: invalid weights: expected ${model.weightNames.length} tensors, got ${weights.length}`,
      );
    }
    const shapes = model.weightShapes;
    const values = weights.map((w, k) => {
      const name = model.weightNames[k];
      if (w.name !== name || JSON.stringify(w.shape) !== JSON.stringify(shapes[k])) {
        throw new FileError(
          `${where}: invalid weights[${k}]: expected ${name} of shape [${shapes[k]}], got ${String(w.name)} of shape ${JSON.stringify(w.shape)}`,
        );
      }
      const size = shapes[k].reduce((a, b) => a * b, 1);
      if (
        !Array.isArray(w.values) ||
        w.values.length !== size ||
        !w.values.every((v) => typeof v === 'number' && Number.isFinite(v))
      ) {
        throw new FileError(`${where}: invalid weights[${k}] (${name}): expected ${size} numbers`);
      }
      return w.values as number[];
    });
    model.setWeights(values);
    const scaling = body.targetScaling ?? { mean: 0, std: 1 };
    const { mean, std } = scaling;
    if (typeof mean !== 'number' || typeof std !== 'number' || !Number.isFinite(mean + std)) {
      throw new FileError(
        `${where}: invalid targetScaling: expected finite { mean, std }, got ${JSON.stringify(scaling)}`,
      );
    }
    model.targetScaling = { mean, std };
    const target =
      typeof body.info.target === 'string' ? parseTarget(body.info.target) : body.info.target;
    return { model, info: { ...body.info, target } };
  }

  /** Frees the weights' memory; the model is unusable afterwards. */
  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}
