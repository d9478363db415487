/**
 * The piscina worker of data-parallel L-CNN training: the gradient of one shard of a
 * mini-batch (../gradient.ts), for a model rebuilt from its spec once per worker and given the
 * current weights with every task. The dataset's links and targets are shared
 * (SharedArrayBuffer); the dataset is built once per worker and training run, recognised by
 * its key (a shared array arrives as a new object with every task).
 *
 * @module
 */
import { Lattice } from '../../lattice/lattice.js';
import { Dataset, type Augmentation } from '../dataset.js';
import { shardGradient } from '../gradient.js';
import { Model, type ModelSpec } from '../model.js';
import type { TargetSpec } from '../targets.js';
import type { KernelChoice } from '../../core/webassembly.js';
import { lcnnKernelsFor } from '../wasm/lcnnKernels.js';

/** One shard's task. */
export interface ShardTask {
  spec: ModelSpec;
  weights: Float64Array;
  /** Identifies the dataset within a pool (the same key: the same links and targets). */
  datasetKey: string;
  dims: number[];
  N: number;
  size: number;
  links: Float64Array;
  targets: Float64Array;
  target: TargetSpec;
  indices: number[];
  totalElements: number;
  augment?: Augmentation;
  /** The kernels of L-Conv and the bilinear maps (TrainOptions.kernels). */
  kernels: KernelChoice;
}

let cachedModel: { key: string; model: Model } | undefined;
let cachedData: { key: string; dataset: Dataset } | undefined;

/** Computes the shard's loss sum and gradient. */
export default function shardTask(task: ShardTask): { lossSum: number; grad: Float64Array } {
  const key = JSON.stringify(task.spec);
  if (cachedModel?.key !== key) cachedModel = { key, model: new Model(task.spec) };
  const model = cachedModel.model;
  model.setWeights(task.weights);
  model.useKernels(lcnnKernelsFor('train worker', task.kernels));
  if (cachedData?.key !== task.datasetKey) {
    const dataset = new Dataset(
      new Lattice(task.dims),
      task.N,
      task.size,
      task.links,
      task.targets,
      new Float64Array(task.size),
      task.target,
    );
    cachedData = { key: task.datasetKey, dataset };
  }
  return shardGradient(model, cachedData.dataset, task.indices, task.totalElements, task.augment);
}
