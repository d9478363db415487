/**
 * `lgt train`: train an L-CNN on ensembles (a progress bar on stderr, a JSON-lines metrics
 * log, checkpoints and `--resume`), then save the model and print its test errors.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { z } from 'zod';
import type { LayerSpec } from '../../lcnn/layers/layer.js';
import { parseArchitecture } from '../../lcnn/architecture.js';
import { runTrainJob, type TrainJob } from '../../lcnn/training/job.js';
import { parseTarget } from '../../lcnn/targets.js';
import { UserError } from '../errors.js';
import { optionsWithConfig } from '../options.js';
import { parseOptions } from '../validation.js';
import { splitDataset } from '../../lcnn/dataset.js';
import { refuseExisting, writeReport } from './report.js';

const schema = z.object({
  data: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  target: z.string(),
  architecture: z.string().optional(),
  model: z.string().optional(),
  inputLoops: z.string().regex(/^(\d+x\d+(,\d+x\d+)*)?$/),
  inputPolyakov: z.boolean(),
  cnnLayers: z.string().regex(/^\d+(,\d+)*$/),
  cnnKernel: z.coerce.number().int().min(1).max(63),
  epochs: z.coerce.number().int().min(1),
  batchSize: z.coerce.number().int().min(1),
  lr: z.coerce.number().positive().finite(),
  weightDecay: z.coerce.number().min(0).finite(),
  patience: z.coerce.number().int().min(0),
  validation: z.coerce.number().min(0).max(0.9),
  test: z.coerce.number().min(0).max(0.9),
  seed: z.coerce.number().int().min(0),
  workers: z.coerce.number().int().min(1).max(256),
  output: z.string().min(1),
  metrics: z.string().optional(),
  checkpoint: z.boolean(),
  resume: z.boolean(),
  force: z.boolean(),
  json: z.boolean(),
  progress: z.boolean(),
  config: z.string().optional(),
  report: z.string().min(1).optional(),
  symmetry: z.enum(['none', 'rotations', 'rotations+reflections']),
  augment: z.enum(['none', 'rotations', 'rotations+reflections']),
  mixOrientations: z.boolean(),
});

const expected: Record<string, string> = {
  inputLoops: 'a comma-separated list of RxT loop sizes, e.g. 1x2,2x2',
  cnnLayers: 'comma-separated channel counts, e.g. 16,16,16',
  cnnKernel: 'an integer in [1, 63]',
  data: 'one or more ensemble HDF5 files',
  target: 'wilson:RxT, polyakov or charge, optionally with :mean',
  epochs: 'an integer >= 1',
  batchSize: 'an integer >= 1',
  lr: 'a positive number',
  weightDecay: 'a number >= 0',
  patience: 'an integer >= 0 (0: no early stopping)',
  validation: 'a fraction in [0, 0.9]',
  test: 'a fraction in [0, 0.9]',
  workers: 'an integer in [1, 256]',
  symmetry: 'none, rotations or rotations+reflections',
  augment: 'none, rotations or rotations+reflections',
};

function layersFrom(o: z.infer<typeof schema>): LayerSpec[] {
  if (o.model !== undefined) {
    try {
      const spec = JSON.parse(readFileSync(o.model, 'utf8')) as { layers?: LayerSpec[] };
      if (!Array.isArray(spec.layers)) throw new Error('no "layers" list');
      return spec.layers;
    } catch (error) {
      throw new UserError(
        `invalid --model ${o.model}: expected a JSON file with a "layers" list (${(error as Error).message})`,
      );
    }
  }
  return parseArchitecture(o.architecture ?? 'lcb:4:1,trace,dense:1');
}

/** Registers `lgt train`. */
export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train an L-CNN to predict an observable from gauge configurations')
    .requiredOption('--data <files...>', 'ensemble HDF5 file(s) from lgt generate')
    .requiredOption('-o, --output <file>', 'the trained model (JSON)')
    .option('-t, --target <name>', 'wilson:RxT | polyakov | charge, optionally :mean', 'wilson:1x2')
    .option(
      '--architecture <layers>',
      'layers, e.g. lcb:4:1,trace,dense:1 (see --help of the README)',
    )
    .option(
      '--model <file|cnn>',
      'a JSON model spec with a "layers" list, or "cnn" for the baseline CNN',
    )
    .option('--input-loops <list>', 'extra L-CNN input channels: Wilson loops, e.g. 1x2,2x2', '')
    .option('--input-polyakov', 'extra L-CNN input channel: the Polyakov loop', false)
    .option('--cnn-layers <list>', 'baseline CNN: channels of its conv layers', '16,16,16')
    .option('--cnn-kernel <k>', 'baseline CNN: kernel size', '3')
    .option(
      '--symmetry <group>',
      'L-CNN equivariant under the point group too: none | rotations | rotations+reflections',
      'none',
    )
    .option(
      '--no-mix-orientations',
      'symmetric L-Conv: average the plain layer over the group instead of mixing orientations',
    )
    .option(
      '--augment <group>',
      'move each training configuration by a random element of this group (none | rotations | rotations+reflections)',
      'none',
    )
    .option('--epochs <n>', 'epochs', '100')
    .option('--batch-size <n>', 'configurations per mini-batch', '16')
    .option('--lr <rate>', 'AdamW learning rate', '0.01')
    .option('--weight-decay <lambda>', 'AdamW decoupled weight decay', '0')
    .option('--patience <n>', 'early stopping: epochs without improvement', '20')
    .option('--validation <fraction>', 'fraction of each beta for validation', '0.1')
    .option('--test <fraction>', 'fraction of each beta for the test', '0.1')
    .option('-s, --seed <int>', 'seed of the weights, the split and the batch order', '1')
    .option('-w, --workers <n>', 'worker threads for the gradients', '1')
    .option('--metrics <file>', 'JSON-lines metrics log, one line per epoch')
    .option('--checkpoint', 'write OUTPUT.checkpoint after every epoch', false)
    .option('--resume', 'continue from OUTPUT.checkpoint', false)
    .option('--force', 'replace an existing model file', false)
    .option('--no-progress', 'no progress bar')
    .option('--json', 'print a JSON summary on stdout', false)
    .option('--config <file>', 'read options from a JSON file (command-line options win)')
    .option(
      '--report <file>',
      'at the end, write an HTML report: the data, learning curves, test-split errors',
    )
    .action(async function (this: Command) {
      const raw = optionsWithConfig(this);
      const o = parseOptions(schema, raw, expected);
      // Refuse before training, not after it.
      if (o.report !== undefined) refuseExisting(o.report, o.force, '--report');
      let target;
      try {
        target = parseTarget(o.target);
      } catch {
        throw new UserError(
          `invalid --target ${JSON.stringify(o.target)}: expected ${expected.target}`,
        );
      }
      if (o.model === 'cnn' && (o.symmetry !== 'none' || o.augment !== 'none')) {
        throw new UserError(
          'invalid --symmetry/--augment with --model cnn: expected none (the baseline CNN has neither)',
        );
      }
      const bar = new SingleBar({
        format:
          'train |{bar}| epoch {value}/{total} | train {train} | val {val} | ETA {eta_formatted}',
        stream: process.stderr,
        hideCursor: true,
      });
      const showProgress = o.progress && !o.json;
      if (showProgress) bar.start(o.epochs, 0, { train: '-', val: '-' });
      const common: Omit<TrainJob, 'layers'> = {
        data: Array.isArray(o.data) ? o.data : [o.data],
        target,
        modelSeed: o.seed,
        validation: o.validation,
        test: o.test,
        splitSeed: o.seed,
        train: {
          epochs: o.epochs,
          batchSize: o.batchSize,
          learningRate: o.lr,
          weightDecay: o.weightDecay,
          patience: o.patience,
          seed: o.seed,
          workers: o.workers,
          checkpoint: o.checkpoint || o.resume ? `${o.output}.checkpoint` : undefined,
          resume: o.resume,
          augment: o.augment,
        },
        output: o.output,
        force: o.force,
        metricsLog: o.metrics,
        onEpoch: (m) => {
          if (showProgress) {
            bar.update(m.epoch, {
              train: m.trainLoss.toExponential(2),
              val: m.validationLoss.toExponential(2),
            });
          }
        },
      };
      const summary =
        o.model === 'cnn'
          ? await (
              await import('../../lcnn/baseline/job.js')
            ).runBaselineJob({
              ...common,
              cnn: { type: 'cnn', layers: o.cnnLayers.split(',').map(Number), kernel: o.cnnKernel },
            })
          : await runTrainJob({
              ...common,
              layers: layersFrom(o),
              symmetry: o.symmetry,
              mixOrientations: o.mixOrientations,
              input: {
                polyakov: o.inputPolyakov,
                loops: o.inputLoops
                  .split(',')
                  .filter((v) => v !== '')
                  .map((v) => v.split('x').map(Number) as [number, number]),
              },
            });
      if (showProgress) bar.stop();
      if (o.report !== undefined) {
        const data = common.data;
        await writeReport({
          ensembles: data,
          models: [
            {
              title: `Model ${o.output}`,
              runs: [{ file: o.output, history: summary.history }],
              sets: [
                {
                  label: `${data.join(', ')} (test split)`,
                  paths: data,
                  // The split of the training job: same fractions, same seed.
                  indices: (d) => {
                    const s = splitDataset(d, { validation: o.validation, test: o.test }, o.seed);
                    return s.test.length > 0 ? s.test : s.validation;
                  },
                  note: `the configurations held out from training (--test ${o.test}, --seed ${o.seed}; the validation split when empty)`,
                },
              ],
            },
          ],
          skip: 0,
          output: o.report,
          force: o.force,
          command: `lgt train -o ${o.output} --report ${o.report}`,
        });
        if (!o.json) process.stderr.write(`wrote the report ${o.report}\n`);
      }
      const { history, ...rest } = summary;
      if (o.json) {
        process.stdout.write(`${JSON.stringify({ ...rest, lastEpoch: history.at(-1) ?? null })}\n`);
      } else {
        process.stdout.write(
          `model ${summary.output}: ${summary.parameters} weights, best epoch ${summary.bestEpoch} of ${summary.epochs}\n` +
            `test: MSE ${summary.test.mse.toExponential(3)}, R^2 ${summary.test.r2.toFixed(6)} (${summary.test.n} values)\n`,
        );
      }
    });
}
