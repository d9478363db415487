/**
 * `lgt train`: train an L-CNN on ensembles (a progress bar on stderr, a JSON-lines metrics
 * log, checkpoints and `--resume`), then save the model and print its test errors. Ctrl-C or
 * SIGTERM stop at the next mini-batch with the last finished epoch's checkpoint (exit
 * 130/143); a second `lgt train` into the same model file is refused while the first runs.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { z } from 'zod';
import type { LayerSpec } from '../../lcnn/layers/layer.js';
import { parseArchitecture } from '../../lcnn/architecture.js';
import { memberCheckpoint } from '../../lcnn/training/ensembleJob.js';
import { productLayerCount } from '../../lcnn/training/curriculum.js';
import { isRefittableReadout } from '../../lcnn/training/readoutRefit.js';
import { runTrainJob, type TrainJob } from '../../lcnn/training/job.js';
import { formatTarget, parseTarget, type TargetSpec } from '../../lcnn/targets.js';
import { refuseExisting, UserError } from '../errors.js';
import { InterruptedError, resumeCommand, shellCommand, stopOnSignals } from '../interrupt.js';
import {
  addOptions,
  forceOption,
  jsonOption,
  option,
  progressOption,
  readOptions,
  rules,
  type OptionValues,
} from '../optionTable.js';
import { splitDataset } from '../../lcnn/dataset.js';
import type { ModelSpec } from '../../lcnn/model.js';
import { symmetryGroup } from '../../lcnn/symmetry.js';

/** The options of `lgt train`. */
const trainOptions = {
  data: option(
    '--data <files...>',
    'ensemble HDF5 file(s) from lgt generate',
    rules.texts('one or more ensemble HDF5 files'),
    { required: true },
  ),
  output: option('-o, --output <file>', 'the trained model (JSON)', rules.text(), {
    required: true,
  }),
  target: option(
    '-t, --target <name>',
    'wilson:RxT (wilson:RxT@MN: the plane of axes M, N; wilson:RxT:clover: site-centred) | polyakov | charge | charge:plaquette | energy, optionally :mean',
    rules.anyText(
      'wilson:RxT, wilson:RxT@MN, wilson:RxT:clover, polyakov, charge, charge:plaquette or energy, optionally with :mean',
    ),
    { default: 'wilson:1x2' },
  ),
  stream: option(
    '--stream <when>',
    'read the configurations from the files as needed (on), hold them in memory (off), or on above 4 GiB of links (auto)',
    rules.choice(['auto', 'on', 'off'], 'auto, on or off'),
    { default: 'auto' },
  ),
  architecture: option(
    '--architecture <layers>',
    'layers, e.g. lcb:4:1,trace,dense:1 (see --help of the README)',
    rules.optional(rules.anyText('a layer list, e.g. lcb:4:1,trace,dense:1')),
  ),
  model: option(
    '--model <file|cnn>',
    'a JSON model spec with a "layers" list, or "cnn" for the baseline CNN',
    rules.optional(rules.anyText('a JSON model spec file, or cnn')),
  ),
  inputLoops: option(
    '--input-loops <list>',
    'extra L-CNN input channels: Wilson loops, e.g. 1x2,2x2',
    {
      schema: z.string().regex(/^(\d+x\d+(,\d+x\d+)*)?$/),
      expected: 'a comma-separated list of RxT loop sizes, e.g. 1x2,2x2',
    },
    { default: '' },
  ),
  inputPolyakov: option(
    '--input-polyakov',
    'extra L-CNN input channel: the Polyakov loop',
    rules.flag(),
    { default: false },
  ),
  cnnLayers: option(
    '--cnn-layers <list>',
    'baseline CNN: channels of its conv layers',
    {
      schema: z.string().regex(/^\d+(,\d+)*$/),
      expected: 'comma-separated channel counts, e.g. 16,16,16',
    },
    { default: '16,16,16' },
  ),
  cnnKernel: option('--cnn-kernel <k>', 'baseline CNN: kernel size', rules.integer(1, 63), {
    default: '3',
  }),
  cnnInput: option(
    '--cnn-input <what>',
    "baseline CNN: what it sees per site, links+plaquettes (the paper's) or links",
    rules.choice(['links+plaquettes', 'links'], 'links+plaquettes or links'),
    { default: 'links+plaquettes' },
  ),
  symmetry: option(
    '--symmetry <group>',
    'L-CNN equivariant under the point group too: none | rotations | rotations+reflections | lattice | lattice-rotations (lattice: the elements that map the training lattices onto themselves, e.g. 96 of 384 on L^3 x T)',
    rules.choice(
      ['none', 'rotations', 'rotations+reflections', 'lattice', 'lattice-rotations'],
      'none, rotations, rotations+reflections, lattice or lattice-rotations',
    ),
    { default: 'none' },
  ),
  mixOrientations: option(
    '--no-mix-orientations',
    'symmetric L-Conv: average the plain layer over the group instead of mixing orientations',
    rules.flag(),
    { default: true },
  ),
  liftedInput: option(
    '--lifted-input <what>',
    "symmetric L-CNN input per orientation g: frame (the loops of every plane of g's frame; needed for pseudo-scalars such as the charge without orientation mixing) or plane (the plane (g e0, g e1) only, as models before it); the same in 2D",
    rules.choice(['plane', 'frame'], 'plane or frame'),
    { default: 'frame' },
  ),
  augment: option(
    '--augment <group>',
    'move each training configuration by a random element of this group (none | rotations | rotations+reflections | lattice | lattice-rotations)',
    rules.choice(
      ['none', 'rotations', 'rotations+reflections', 'lattice', 'lattice-rotations'],
      'none, rotations, rotations+reflections, lattice or lattice-rotations',
    ),
    { default: 'none' },
  ),
  standardize: option(
    '--no-standardize',
    "fit the raw targets (default: the L-CNN's output is scaled by the training targets' standard deviation and shifted by their mean)",
    rules.flag(),
    { default: true },
  ),
  epochs: option('--epochs <n>', 'epochs', rules.integer(1), { default: '100' }),
  batchSize: option('--batch-size <n>', 'configurations per mini-batch', rules.integer(1), {
    default: '16',
  }),
  lr: option('--lr <rate>', 'AdamW learning rate', rules.positive(), { default: '0.01' }),
  lrDecay: option(
    '--lr-decay <factor>',
    'multiply the learning rate by this after every epoch (L-CNN; 1: constant)',
    { schema: rules.number(0, 1).schema.refine((x) => x > 0), expected: 'a factor in (0, 1]' },
    { default: '1' },
  ),
  restartOptimizer: option(
    '--restart-optimizer <epochs>',
    'L-CNN: start Adam afresh after these epochs (its moments forgotten, the --lr/--lr-decay schedule kept), e.g. 6 of --epochs 12: AMSGrad otherwise keeps every later step as small as the largest early gradients made it (see the README, "L-CNNs in 4D")',
    rules.optional(rules.numbers(z.number().int().min(1), 'epochs, comma-separated integers >= 1')),
  ),
  refitReadout: option(
    '--refit-readout',
    'L-CNN: after training, replace the last layer (dense:1) by the least-squares fit of the training targets on its input features, kept if it lowers the validation loss (a bias in the readout shows in full in site-averaged errors; see the README, "L-CNNs in 4D")',
    rules.flag(),
    { default: false },
  ),
  lbfgs: option(
    '--lbfgs <iterations>',
    'L-CNN: after training, refine every weight by full-batch L-BFGS on the training MSE for at most this many iterations (one gradient pass over --lbfgs-configurations each, mostly), kept if it lowers the validation loss: it takes a fit that Adam left at its step size down to rounding level where the model can represent the target (see the README, "L-CNNs in 4D")',
    rules.optional(rules.integer(1)),
  ),
  lbfgsConfigurations: option(
    '--lbfgs-configurations <n>',
    'training configurations in the L-BFGS objective, evenly spaced through the training split (default: all)',
    rules.optional(rules.integer(1)),
  ),
  lbfgsMemory: option(
    '--lbfgs-memory <pairs>',
    'curvature pairs the L-BFGS finish keeps (default 20; more can pay for models of a few hundred weights: see the README, "L-CNNs in 4D")',
    rules.optional(rules.integer(1, 1000)),
  ),
  marquardt: option(
    '--marquardt <iterations>',
    'L-CNN of at most 4000 weights: after training, refine every weight by Levenberg-Marquardt on the squared errors of --marquardt-configurations training configurations for at most this many iterations (each a finite-difference Jacobian: two passes per weight), kept if it lowers the validation loss; before --lbfgs (after it with --marquardt-after-lbfgs). Near an exact fit it converges quadratically where L-BFGS slows to a linear rate (see the README, "L-CNNs in 4D")',
    rules.optional(rules.integer(1)),
  ),
  marquardtConfigurations: option(
    '--marquardt-configurations <n>',
    'training configurations in the Levenberg-Marquardt objective, evenly spaced through the training split (default: the fewest with 4 target values per weight)',
    rules.optional(rules.integer(1)),
  ),
  marquardtAfterLbfgs: option(
    '--marquardt-after-lbfgs',
    'run the Levenberg-Marquardt finish after the L-BFGS one, from its weights, instead of before it: for models L-BFGS takes near an exact fit (the charge densities in 4D), which it then takes to their rounding level in a few iterations (see the README, "L-CNNs in 4D")',
    rules.flag(),
    { default: false },
  ),
  curriculum: option(
    '--curriculum <targets>',
    'L-CNN: train the model cut after its first k product layers (lcb, lbilin, lconv) on the k-th of these targets first, growing by a layer per stage, e.g. wilson:1x2@01,wilson:2x2,wilson:2x4@01 before wilson:4x4 with 4 L-CB layers (see the README)',
    rules.optional(rules.anyText('comma-separated targets, e.g. wilson:1x2@01,wilson:2x2')),
  ),
  curriculumEpochs: option(
    '--curriculum-epochs <n>',
    'epochs of every curriculum stage',
    rules.integer(1),
    { default: '10' },
  ),
  curriculumLr: option(
    '--curriculum-lr <rate>',
    "the curriculum stages' learning rate (--lr is the full model's)",
    rules.positive(),
    { default: '0.01' },
  ),
  curriculumLrDecay: option(
    '--curriculum-lr-decay <factor>',
    "the curriculum stages' learning-rate factor per epoch",
    { schema: rules.number(0, 1).schema.refine((x) => x > 0), expected: 'a factor in (0, 1]' },
    { default: '0.8' },
  ),
  weightDecay: option('--weight-decay <lambda>', 'AdamW decoupled weight decay', rules.number(0), {
    default: '0',
  }),
  patience: option(
    '--patience <n>',
    'early stopping: epochs without improvement',
    { schema: rules.integer(0).schema, expected: 'an integer >= 0 (0: no early stopping)' },
    { default: '20' },
  ),
  validation: option(
    '--validation <fraction>',
    'fraction of each beta for validation',
    { schema: rules.number(0, 0.9).schema, expected: 'a fraction in [0, 0.9]' },
    { default: '0.1' },
  ),
  test: option(
    '--test <fraction>',
    'fraction of each beta for the test',
    { schema: rules.number(0, 0.9).schema, expected: 'a fraction in [0, 0.9]' },
    { default: '0.1' },
  ),
  seed: option(
    '-s, --seed <int>',
    'seed of the weights, the split and the batch order',
    rules.integer(0),
    { default: '1' },
  ),
  ensemble: option(
    '--ensemble <M>',
    'train M L-CNNs with seeds derived from --seed, one after another, into one model file that predicts their mean',
    rules.integer(1, 4096),
    { default: '1' },
  ),
  workers: option('-w, --workers <n>', 'worker threads for the gradients', rules.integer(1, 256), {
    default: '1',
  }),
  kernels: option(
    '--kernels <name>',
    'ts | wasm | auto (L-CNN: WebAssembly SIMD for SU(2), SU(3) where it runs; same weights)',
    rules.choice(['ts', 'wasm', 'auto']),
    { default: 'auto' },
  ),
  metrics: option(
    '--metrics <file>',
    'JSON-lines metrics log, one line per epoch',
    rules.optional(rules.text()),
  ),
  checkpoint: option(
    '--checkpoint',
    'write OUTPUT.checkpoint after every epoch (Ctrl-C writes it anyway)',
    rules.flag(),
    { default: false },
  ),
  resume: option('--resume', 'continue from OUTPUT.checkpoint', rules.flag(), { default: false }),
  force: forceOption('replace an existing model file'),
  progress: progressOption(),
  json: jsonOption(),
  report: option(
    '--report <file>',
    'at the end, write an HTML report: the data, learning curves, test-split errors',
    rules.optional(rules.text()),
  ),
};

function layersFrom(o: OptionValues<typeof trainOptions>, target: TargetSpec): LayerSpec[] {
  let layers: LayerSpec[];
  const where = o.model !== undefined ? `--model ${o.model}` : '--architecture';
  if (o.model !== undefined) {
    try {
      const spec = JSON.parse(readFileSync(o.model, 'utf8')) as { layers?: LayerSpec[] };
      if (!Array.isArray(spec.layers)) throw new Error('no "layers" list');
      layers = spec.layers;
    } catch (error) {
      throw new UserError(
        `invalid --model ${o.model}: expected a JSON file with a "layers" list (${(error as Error).message})`,
      );
    }
  } else layers = parseArchitecture(o.architecture ?? 'lcb:4:1,trace,dense:1');
  // a per-site model cannot learn a :mean target, nor a per-configuration one per-site targets
  const mean = layers.some((l) => (l as { type?: unknown }).type === 'mean');
  if (mean === target.perSite) {
    throw new UserError(
      `invalid ${where}: layers: expected ${
        target.perSite
          ? 'no "mean" layer for the per-site target'
          : 'a final "mean" layer for the per-configuration target'
      } ${formatTarget(target)}, got ${mean ? 'one' : 'none'}`,
    );
  }
  return layers;
}

/**
 * Refuses, before any work, what the baseline CNN does not have: ensembles, symmetry and
 * augmentation, checkpoints (tfjs' Adam cannot continue bit for bit), worker threads, weight
 * decay.
 */
function refuseForBaseline(o: OptionValues<typeof trainOptions>): void {
  if (o.ensemble !== 1) {
    throw new UserError(
      `invalid --ensemble ${o.ensemble} with --model cnn: expected 1 (ensembles are of L-CNNs; ` +
        "the baseline CNN's tfjs training cannot be checkpointed, so an ensemble of it could not be resumed)",
    );
  }
  if (o.symmetry !== 'none' || o.augment !== 'none') {
    throw new UserError(
      'invalid --symmetry/--augment with --model cnn: expected none (the baseline CNN has neither)',
    );
  }
  if (o.checkpoint || o.resume) {
    throw new UserError(
      'invalid --checkpoint/--resume with --model cnn: the baseline CNN writes no checkpoints ' +
        "(tfjs' Adam cannot continue bit for bit from one)",
    );
  }
  if (o.workers !== 1) {
    throw new UserError(
      `invalid --workers ${o.workers} with --model cnn: expected 1 (tfjs trains on one thread)`,
    );
  }
  if (o.weightDecay !== 0) {
    throw new UserError(
      `invalid --weight-decay ${o.weightDecay} with --model cnn: expected 0 (the baseline uses plain Adam)`,
    );
  }
  if (o.restartOptimizer !== undefined) {
    throw new UserError(
      "invalid --restart-optimizer with --model cnn: expected none (tfjs' Adam cannot restart)",
    );
  }
  if (o.refitReadout) {
    throw new UserError(
      'invalid --refit-readout with --model cnn: expected none (it refits the dense readout of an L-CNN)',
    );
  }
  if (o.lbfgs !== undefined) {
    throw new UserError(
      'invalid --lbfgs with --model cnn: expected none (the L-BFGS finish refines the weights of an L-CNN)',
    );
  }
  if (o.marquardt !== undefined) {
    throw new UserError(
      'invalid --marquardt with --model cnn: expected none (the Levenberg-Marquardt finish refines the weights of an L-CNN)',
    );
  }
  if (o.curriculum !== undefined) {
    throw new UserError(
      'invalid --curriculum with --model cnn: expected none (a curriculum grows an L-CNN by its product layers)',
    );
  }
}

/**
 * The stage targets of `--curriculum`, checked against the model before any work: fewer stages
 * than product layers, targets of the model's kind (per site or :mean), no point-group symmetry.
 */
function curriculumFrom(
  o: OptionValues<typeof trainOptions>,
  layers: LayerSpec[],
  target: TargetSpec,
): TargetSpec[] | undefined {
  if (o.curriculum === undefined) return undefined;
  const text = o.curriculum;
  const targets = text.split(',').map((t) => {
    try {
      return parseTarget(t);
    } catch {
      throw new UserError(
        `invalid --curriculum ${JSON.stringify(text)}: stage ${JSON.stringify(t)}: expected ${trainOptions.target.expected}`,
      );
    }
  });
  const products = productLayerCount(layers);
  if (targets.length >= products) {
    throw new UserError(
      `invalid --curriculum ${JSON.stringify(text)}: expected fewer stages than the model's ${products} product layers (lcb, lbilin, lconv; stage k trains the first k), got ${targets.length}`,
    );
  }
  const odd = targets.find((t) => t.perSite !== target.perSite);
  if (odd !== undefined) {
    throw new UserError(
      `invalid --curriculum ${JSON.stringify(text)}: expected targets ${target.perSite ? 'per site' : 'with :mean'} like --target ${formatTarget(target)}, got ${formatTarget(odd)}`,
    );
  }
  if (o.symmetry !== 'none') {
    throw new UserError(
      `invalid --curriculum with --symmetry ${o.symmetry}: expected --symmetry none (curricula grow plain L-CNNs)`,
    );
  }
  return targets;
}

/** Registers `lgt train`; `argv` is repeated in the command that resumes an interrupted run. */
export function registerTrain(program: Command, argv: readonly string[] = []): void {
  const command = program
    .command('train')
    .description('train an L-CNN to predict an observable from gauge configurations');
  addOptions(command, trainOptions).action(async function (this: Command) {
    const o = readOptions(this, trainOptions);
    // Refuse before training, not after it.
    if (o.report !== undefined) refuseExisting(o.report, o.force, '--report');
    let target: TargetSpec;
    try {
      target = parseTarget(o.target);
    } catch {
      throw new UserError(
        `invalid --target ${JSON.stringify(o.target)}: expected ${trainOptions.target.expected}`,
      );
    }
    if (o.model === 'cnn') refuseForBaseline(o);
    const layers = o.model === 'cnn' ? [] : layersFrom(o, target);
    const curriculum = o.model === 'cnn' ? undefined : curriculumFrom(o, layers, target);
    if (o.refitReadout && o.symmetry !== 'none') {
      throw new UserError(
        `invalid --refit-readout with --symmetry ${o.symmetry}: expected --symmetry none (a symmetric model averages over orientations after its dense layers: its last layer is that average, not a dense readout)`,
      );
    }
    const readout = layers.at(-1);
    if (o.refitReadout && !isRefittableReadout(readout)) {
      throw new UserError(
        `invalid --refit-readout: expected a model whose last layer is dense:1 (linear), got ${readout === undefined ? 'no layers' : JSON.stringify(readout)}`,
      );
    }
    if (o.lbfgsConfigurations !== undefined && o.lbfgs === undefined) {
      throw new UserError(
        `invalid --lbfgs-configurations ${o.lbfgsConfigurations}: expected it only with --lbfgs <iterations>`,
      );
    }
    if (o.marquardtConfigurations !== undefined && o.marquardt === undefined) {
      throw new UserError(
        `invalid --marquardt-configurations ${o.marquardtConfigurations}: expected it only with --marquardt <iterations>`,
      );
    }
    if (o.marquardtAfterLbfgs && (o.marquardt === undefined || o.lbfgs === undefined)) {
      throw new UserError(
        `invalid --marquardt-after-lbfgs: expected it only with both --marquardt <iterations> and --lbfgs <iterations>, got ${o.marquardt === undefined ? 'no --marquardt' : 'no --lbfgs'}`,
      );
    }
    if (o.lbfgsMemory !== undefined && o.lbfgs === undefined) {
      throw new UserError(
        `invalid --lbfgs-memory ${o.lbfgsMemory}: expected it only with --lbfgs <iterations>`,
      );
    }
    const late = (o.restartOptimizer ?? []).find((e) => e >= o.epochs);
    if (late !== undefined) {
      throw new UserError(
        `invalid --restart-optimizer ${o.restartOptimizer?.join(',')}: expected epochs before the last (--epochs ${o.epochs}), got ${late}`,
      );
    }
    const ensemble = o.ensemble > 1;
    const bar = new SingleBar({
      format: `train |{bar}| ${ensemble ? 'member {member} | ' : ''}epoch {value}/{total} | train {train} | val {val} | ETA {eta_formatted}`,
      stream: process.stderr,
      hideCursor: true,
    });
    const showProgress = o.progress && !o.json;
    if (showProgress) {
      bar.start(o.epochs, 0, { train: '-', val: '-', member: `1 of ${o.ensemble}` });
    }
    // the finishes' own bars, after the epochs' (a single model: an ensemble's members
    // alternate epochs and finishes); the one shown last is stopped at the end
    let shownBar = bar;
    const finishProgress = (name: string, iterations: number) => {
      const finishBar = new SingleBar({
        format: `${name} |{bar}| iteration {value}/{total} | train {train}`,
        stream: process.stderr,
        hideCursor: true,
      });
      return (iteration: number, trainLoss: number): void => {
        if (!showProgress || ensemble) return;
        if (shownBar !== finishBar) {
          shownBar.stop();
          finishBar.start(iterations, 0, { train: '-' });
          shownBar = finishBar;
        }
        finishBar.update(iteration, { train: trainLoss.toExponential(2) });
      };
    };
    const onMarquardtIteration = finishProgress('marquardt', o.marquardt ?? 0);
    const onLbfgsIteration = finishProgress('lbfgs', o.lbfgs ?? 0);
    const stop = stopOnSignals(() =>
      o.model === 'cnn'
        ? 'stopping at the next mini-batch (the baseline CNN writes no checkpoint)'
        : 'stopping at the next mini-batch, with the checkpoint of the last finished epoch',
    );
    const checkpointPath = `${o.output}.checkpoint`;
    const common: Omit<TrainJob, 'layers'> = {
      data: o.data,
      stream: o.stream,
      target,
      modelSeed: o.seed,
      validation: o.validation,
      test: o.test,
      splitSeed: o.seed,
      train: {
        epochs: o.epochs,
        batchSize: o.batchSize,
        learningRate: o.lr,
        learningRateDecay: o.lrDecay,
        ...(o.restartOptimizer !== undefined ? { restartOptimizer: o.restartOptimizer } : {}),
        ...(o.refitReadout ? { refitReadout: true } : {}),
        ...(o.marquardt !== undefined
          ? {
              marquardt: {
                iterations: o.marquardt,
                ...(o.marquardtConfigurations !== undefined
                  ? { configurations: o.marquardtConfigurations }
                  : {}),
                ...(o.marquardtAfterLbfgs ? { afterLbfgs: true } : {}),
              },
              onMarquardtIteration,
            }
          : {}),
        ...(o.lbfgs !== undefined
          ? {
              lbfgs: {
                iterations: o.lbfgs,
                ...(o.lbfgsConfigurations !== undefined
                  ? { configurations: o.lbfgsConfigurations }
                  : {}),
                ...(o.lbfgsMemory !== undefined ? { memory: o.lbfgsMemory } : {}),
              },
              onLbfgsIteration,
            }
          : {}),
        weightDecay: o.weightDecay,
        patience: o.patience,
        seed: o.seed,
        workers: o.workers,
        kernels: o.kernels,
        checkpoint: o.checkpoint || o.resume ? checkpointPath : undefined,
        resume: o.resume,
        augment: o.augment,
        signal: stop.signal,
        checkpointOnStop: o.model === 'cnn' ? undefined : checkpointPath,
        standardize: o.standardize,
        ...(curriculum !== undefined
          ? {
              curriculum: {
                targets: curriculum,
                epochs: o.curriculumEpochs,
                learningRate: o.curriculumLr,
                learningRateDecay: o.curriculumLrDecay,
              },
            }
          : {}),
      },
      output: o.output,
      force: o.force,
      ensemble: o.ensemble,
      metricsLog: o.metrics,
      command: `lgt ${shellCommand(argv)}`,
      caller: 'lgt train',
      onNotice: (message) => process.stderr.write(`lgt: ${message}\n`),
      onEpoch: (m) => {
        if (showProgress) {
          bar.update(m.epoch, {
            train: m.trainLoss.toExponential(2),
            val: m.validationLoss.toExponential(2),
            member: `${m.member ?? 1} of ${o.ensemble}`,
          });
        }
      },
    };
    let summary;
    try {
      summary =
        o.model === 'cnn'
          ? await (
              await import('../../lcnn/baseline/job.js')
            ).runBaselineJob({
              ...common,
              cnn: {
                type: 'cnn',
                layers: o.cnnLayers.split(',').map(Number),
                kernel: o.cnnKernel,
                input: o.cnnInput,
              },
            })
          : await runTrainJob({
              ...common,
              layers,
              symmetry: o.symmetry,
              mixOrientations: o.mixOrientations,
              liftedInput: o.liftedInput,
              input: {
                polyakov: o.inputPolyakov,
                loops: o.inputLoops
                  .split(',')
                  .filter((v) => v !== '')
                  .map((v) => v.split('x').map(Number) as [number, number]),
              },
            });
    } finally {
      if (showProgress) shownBar.stop();
      stop.dispose();
    }
    if (summary.interrupted) {
      const signal = stop.received ?? 'SIGINT';
      const epoch = summary.checkpointEpoch ?? 0;
      const where =
        o.model === 'cnn'
          ? 'the baseline CNN writes no checkpoint: run the command again to train it'
          : summary.member !== undefined
            ? `member ${summary.member} of ${o.ensemble} was training (members before it are finished); ` +
              `its checkpoint ${memberCheckpoint(checkpointPath, summary.member)} holds epochs 1-${epoch}. Resume with:\n  ${resumeCommand(argv)}`
            : epoch === 0
              ? 'no epoch had finished, so there is nothing to resume: run the command again'
              : `the checkpoint ${checkpointPath} holds epochs 1-${epoch}. Resume with:\n  ${resumeCommand(argv)}`;
      throw new InterruptedError(
        `stopped by ${signal} after ${summary.epochs} finished epoch${summary.epochs === 1 ? '' : 's'}; ${where}`,
        signal,
      );
    }
    if (o.report !== undefined) {
      const data = common.data;
      // loaded when asked for: vega takes half a second to import
      const { writeReport } = await import('../../report/writeReport.js');
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
      const trained = ensemble
        ? `an ensemble of ${o.ensemble}, ${summary.parameters} weights in all, ${summary.epochs} epochs in all (test: of the members' mean)`
        : `${summary.parameters} weights${symmetryNote(summary.output)}, best epoch ${summary.bestEpoch} of ${summary.epochs}`;
      const stages = (summary.curriculum ?? []).map(
        (st, k) =>
          `curriculum stage ${k + 1}: ${st.target} with ${st.layers} product layer${st.layers === 1 ? '' : 's'}, validation MSE ${st.validationLoss.toExponential(3)}, R^2 ${st.validationR2.toFixed(6)}\n`,
      );
      const m = summary.marquardt;
      const marquardt =
        m === undefined
          ? ''
          : `Levenberg-Marquardt finish: ${m.iterations} iterations on ${m.configurations} training configurations (${m.stop}), train MSE ${m.trainLoss.toExponential(3)} -> ${m.marquardtTrainLoss.toExponential(3)}, validation MSE ${m.validationLoss.toExponential(3)} -> ${m.marquardtValidationLoss.toExponential(3)}, ${m.kept ? 'kept' : 'not kept (no better)'}\n`;
      const l = summary.lbfgs;
      const lbfgs =
        l === undefined
          ? ''
          : `L-BFGS finish: ${l.iterations} iterations on ${l.configurations} training configurations (${l.stop}), train MSE ${l.trainLoss.toExponential(3)} -> ${l.lbfgsTrainLoss.toExponential(3)}, validation MSE ${l.validationLoss.toExponential(3)} -> ${l.lbfgsValidationLoss.toExponential(3)}, ${l.kept ? 'kept' : 'not kept (no better)'}\n`;
      const r = summary.readoutRefit;
      const refit =
        r === undefined
          ? ''
          : `readout refit: validation MSE ${r.validationLoss.toExponential(3)} -> ${r.refitValidationLoss.toExponential(3)}, ${r.kept ? 'kept' : 'not kept (no better)'}\n`;
      // the finishes in the order they ran
      const finishes = o.marquardtAfterLbfgs ? lbfgs + marquardt : marquardt + lbfgs;
      const t = summary.test;
      // per-site targets: the site-averaged MSE too (the L-CNN paper's code's metric)
      const averaged =
        t.siteAveraged.n < t.n
          ? `; site-averaged MSE ${t.siteAveraged.mse.toExponential(3)} (${t.siteAveraged.n} configurations)`
          : '';
      process.stdout.write(
        stages.join('') +
          finishes +
          refit +
          `model ${summary.output}: ${trained}\n` +
          `test: MSE ${t.mse.toExponential(3)}, R^2 ${t.r2.toFixed(6)} (${t.n} values)${averaged}\n`,
      );
    }
  });
}

/**
 * ", symmetric under lattice point group of 4x8x8x8 in 4D (96 elements)" for a saved symmetric
 * L-CNN (its spec says which group), "" for plain models and the baseline CNN.
 */
function symmetryNote(modelFile: string): string {
  const spec = (JSON.parse(readFileSync(modelFile, 'utf8')) as { spec?: Partial<ModelSpec> }).spec;
  if (spec?.symmetry === undefined || spec.symmetry === 'none' || spec.D === undefined) return '';
  return `, symmetric under ${symmetryGroup(spec.D, spec.symmetry, spec.symmetryDims)}`;
}
