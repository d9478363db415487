/**
 * The baseline CNN's training job (`lgt train --model cnn`): the job of
 * src/lcnn/training/job.ts (same data, split, targets, metrics log, evaluation and model-file
 * handling) with a {@link BaselineCnn} as the model.
 *
 * @module
 */
import { rangeError } from '../../core/validate.js';
import { runTrainingJob, type TrainingJob, type TrainSummary } from '../training/job.js';
import { BaselineCnn, type BaselineSpec } from './cnn.js';

/** A baseline training job: a training job whose model is a CNN spec. */
export interface BaselineJob extends TrainingJob {
  /** The CNN's layers and kernel size. */
  cnn: BaselineSpec;
}

/**
 * Trains, evaluates and saves a baseline CNN.
 *
 * @throws RangeError for options the baseline does not have: more than one worker, weight
 *   decay, augmentation, checkpoints (tfjs trains on one thread with plain Adam), ensembles.
 */
export async function runBaselineJob(job: BaselineJob): Promise<TrainSummary> {
  const fn = 'runBaselineJob';
  const { workers = 1, weightDecay = 0 } = job.train;
  if (workers !== 1) {
    throw rangeError(fn, 'train.workers', '1 (the baseline CNN trains on one thread)', workers);
  }
  if (weightDecay !== 0) {
    throw rangeError(fn, 'train.weightDecay', '0 (the baseline uses plain Adam)', weightDecay);
  }
  if ((job.ensemble ?? 1) !== 1) {
    throw rangeError(
      fn,
      'ensemble',
      '1 (ensembles are of L-CNNs; the baseline CNN cannot be resumed or averaged bit for bit)',
      job.ensemble,
    );
  }
  return runTrainingJob(job, (dataset) => {
    const { dims } = dataset.lattice;
    if (dims.length !== 2) {
      // named by the file and its attribute, as the dataset's own checks name them
      throw new RangeError(
        `${job.caller ?? fn}: ${job.data[0]}: invalid attribute dims: expected 2 dimensions ` +
          `(the baseline CNN convolves 2D images; an L-CNN takes any D), got [${dims.join(', ')}]`,
      );
    }
    return new BaselineCnn(job.cnn, dataset.N, dims.length, job.target.perSite, job.modelSeed);
  });
}
