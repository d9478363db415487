/**
 * The piscina worker of data-parallel L-CNN training: the gradient of one shard of a
 * mini-batch (../gradient.ts), for a model rebuilt from its spec once per worker and given the
 * current weights with every task. The dataset is rebuilt once per worker and training run
 * from its descriptor, recognised by its key: in-memory links and the targets are shared
 * (SharedArrayBuffer), streaming sources are opened here and read configuration by
 * configuration, as in the main thread.
 *
 * @module
 */
import { Dataset, type Augmentation, type DatasetDescriptor } from '../dataset.js';
import { shardGradient } from '../gradient.js';
import { Model, type ModelSpec } from '../model.js';
import type { KernelChoice } from '../../core/webassembly.js';
import { lcnnKernelsFor } from '../wasm/lcnnKernels.js';

/** One shard's task. */
export interface ShardTask {
  spec: ModelSpec;
  weights: Float64Array;
  /** Identifies the dataset within a pool (the same key: the same configurations and targets). */
  datasetKey: string;
  dataset: DatasetDescriptor;
  indices: number[];
  totalElements: number;
  augment?: Augmentation;
  /** The kernels of L-Conv and the bilinear maps (TrainOptions.kernels). */
  kernels: KernelChoice;
}

let cachedModel: { key: string; model: Model } | undefined;
let cachedData: { key: string; dataset: Dataset } | undefined;

/** Computes the shard's loss sum and gradient. */
export default async function shardTask(
  task: ShardTask,
): Promise<{ lossSum: number; grad: Float64Array }> {
  const key = JSON.stringify(task.spec);
  if (cachedModel?.key !== key) cachedModel = { key, model: new Model(task.spec) };
  const model = cachedModel.model;
  model.setWeights(task.weights);
  model.useKernels(lcnnKernelsFor('train worker', task.kernels));
  if (cachedData?.key !== task.datasetKey) {
    cachedData?.dataset.close();
    cachedData = { key: task.datasetKey, dataset: await Dataset.fromDescriptor(task.dataset) };
  }
  return shardGradient(model, cachedData.dataset, task.indices, task.totalElements, task.augment);
}
