/**
 * The baseline CNN's training job, the counterpart of `runTrainJob` (../experiment.ts) for
 * `lgt train --model cnn`: same data, split, targets, metrics log and model-file handling.
 *
 * @module
 */
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { FileError } from '../../core/fileError.js';
import { splitDataset } from '../dataset.js';
import { evaluatePredictor, loadDataset, type TrainJob, type TrainSummary } from '../experiment.js';
import { formatTarget } from '../targets.js';
import { BaselineCnn, type BaselineSpec } from './cnn.js';

/** A baseline training job: a TrainJob whose model is a CNN spec instead of L-CNN layers. */
export type BaselineJob = Omit<TrainJob, 'layers'> & {
  /** The CNN's layers and kernel size. */
  cnn: BaselineSpec;
};

/** Trains, evaluates and saves a baseline CNN. */
export async function runBaselineJob(job: BaselineJob): Promise<TrainSummary> {
  if (existsSync(job.output) && !job.force) {
    throw new FileError(
      `${job.output} already exists; pass { force: true } (lgt: --force) to replace it`,
    );
  }
  const dataset = await loadDataset(job.data, job.target);
  const cnn = new BaselineCnn(
    job.cnn,
    dataset.N,
    dataset.lattice.D,
    job.target.perSite,
    job.modelSeed,
  );
  try {
    const split = splitDataset(
      dataset,
      { validation: job.validation, test: job.test },
      job.splitSeed,
    );
    if (job.metricsLog !== undefined) writeFileSync(job.metricsLog, '');
    const result = await cnn.train(dataset, split, {
      epochs: job.train.epochs,
      batchSize: job.train.batchSize,
      learningRate: job.train.learningRate,
      patience: job.train.patience,
      seed: job.train.seed,
      onEpoch: (m) => {
        if (job.metricsLog !== undefined) appendFileSync(job.metricsLog, `${JSON.stringify(m)}\n`);
        job.onEpoch?.(m);
      },
    });
    const test = evaluatePredictor(
      (d, i) => cnn.predict(d, i),
      dataset,
      split.test.length > 0 ? split.test : split.validation,
    );
    await cnn.save(
      job.output,
      {
        target: job.target,
        targetName: formatTarget(job.target),
        trainedOn: [...dataset.lattice.dims],
        data: job.data,
        bestEpoch: result.bestEpoch,
        testMse: test.mse,
        testR2: test.r2,
      },
      { force: job.force },
    );
    return {
      output: job.output,
      parameters: cnn.parameterCount,
      epochs: result.history.length,
      bestEpoch: result.bestEpoch,
      bestValidationLoss: result.bestValidationLoss,
      test,
      history: result.history,
    };
  } finally {
    cnn.dispose();
  }
}
