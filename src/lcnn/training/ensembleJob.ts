/**
 * Training an ensemble of L-CNNs (`lgt train --ensemble M`; ../ensemble.ts, after Gerken &
 * Kessel, ICML 2024, arXiv:2403.03103) as one model of the training job (./job.ts): the
 * members are trained one after another by the one training loop, each exactly as a single
 * model would be with its own seed (../training/seeds.ts `memberSeed`: its weights, batch
 * order and augmentation draws) on the job's split, so that each member is bit for bit the
 * model that `runTrainJob` trains alone with that seed (and the job's split seed).
 *
 * Checkpoints: member k (from 1) keeps its own checkpoint `CHECKPOINT.member<k>`, written
 * after every epoch whenever the run has a checkpoint path (`checkpoint` or
 * `checkpointOnStop`), so that a resumed run keeps the members already finished (their
 * checkpoints hold their last epoch: the loop restores their best weights without training)
 * and continues the one that was stopped.
 *
 * @module
 */
import { predict } from '../gradient.js';
import { EnsembleModel } from '../ensemble.js';
import { regressionMetrics } from '../metrics.js';
import type { Model } from '../model.js';
import { saveModel } from '../modelFile.js';
import type { EpochMetrics, TrainResult } from './learner.js';
import type { TrainableModel } from './job.js';
import { trainModel, type TrainOptions } from './lcnn.js';
import type { Dataset, Split } from '../dataset.js';
import { memberSeed } from './seeds.js';

/** The checkpoint file of member `member` (from 1) of an ensemble whose run checkpoints at `path`. */
export function memberCheckpoint(path: string, member: number): string {
  return `${path}.member${member}`;
}

/**
 * An ensemble of freshly built members (member k's spec seeded with `memberSeed(seed, k)`) as
 * a training job sees it. After training, its `bestValidationLoss` is the validation MSE of
 * the ensemble's mean and its `bestEpoch` the latest of the members' best epochs; the model
 * file's info records each member's seed, best epoch and best validation loss under
 * `ensemble`.
 */
export function trainableEnsemble(members: readonly Model[]): TrainableModel {
  const ensemble = new EnsembleModel(members);
  const record: {
    seeds: number[];
    bestEpochs: number[];
    bestValidationLosses: number[];
  } = { seeds: [], bestEpochs: [], bestValidationLosses: [] };
  return {
    parameterCount: ensemble.parameterCount,
    spec: ensemble.spec,
    predict: (dataset, indices) => predict(ensemble, dataset, indices),
    save: (path, info, options) =>
      saveModel(
        path,
        ensemble,
        { ...info, ensemble: { members: ensemble.size, ...record } },
        options,
      ),
    dispose: () => {},
    train: async (dataset, split, options): Promise<TrainResult> => {
      const seed = options.seed ?? 0;
      const base = options.checkpoint ?? options.checkpointOnStop;
      const done: EpochMetrics[] = [];
      const tag =
        (member: number) =>
        (m: EpochMetrics): EpochMetrics => ({ ...m, member });
      record.seeds = [];
      record.bestEpochs = [];
      record.bestValidationLosses = [];
      for (let k = 0; k < members.length; k++) {
        const member = k + 1;
        const result = await trainModel(members[k], dataset, split, {
          ...options,
          seed: memberSeed(seed, k),
          checkpoint: base === undefined ? undefined : memberCheckpoint(base, member),
          checkpointOnStop: undefined,
          onStart: (history) => options.onStart?.([...done, ...history.map(tag(member))]),
          onEpoch: (m) => options.onEpoch?.(tag(member)(m)),
        });
        const history = [...done, ...result.history.map(tag(member))];
        if (!result.finished) {
          return { ...result, history, member };
        }
        done.push(...result.history.map(tag(member)));
        record.seeds.push(members[k].spec.seed ?? 0);
        record.bestEpochs.push(result.bestEpoch);
        record.bestValidationLosses.push(result.bestValidationLoss);
      }
      const validation = regressionMetrics(
        predict(ensemble, dataset, split.validation),
        dataset.targetsOf(split.validation),
      );
      return {
        history: done,
        bestEpoch: Math.max(...record.bestEpochs),
        bestValidationLoss: validation.mse,
        finished: true,
      };
    },
  };
}

/**
 * Trains the members of an ensemble in place, one after another, member k with the loop seed
 * `memberSeed(options.seed, k)` and its own checkpoint (module header); returns what
 * {@link trainableEnsemble}'s `train` returns. For scripts (reproduce/symmetry.ts): build the
 * members with `seed: memberSeed(seed, k)` in their specs, train them here, and predict with
 * `new EnsembleModel(members)`.
 */
export function trainEnsemble(
  members: readonly Model[],
  dataset: Dataset,
  split: Split,
  options: TrainOptions,
): Promise<TrainResult> {
  return trainableEnsemble(members).train(dataset, split, options);
}

/** The seeds of the members of an ensemble of `size` built from a job with model seed `seed`. */
export function memberSeeds(seed: number, size: number): number[] {
  return Array.from({ length: size }, (_, k) => memberSeed(seed, k));
}
