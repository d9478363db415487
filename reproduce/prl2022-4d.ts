/**
 * `npm run reproduce:4d`: the 3+1D study of the L-CNN paper's code (Favoni, Ipp, Mueller,
 * Schuh, PRL 128 (2022) 032003; lge-cnn `scripts/generate_4d.sh`, `train_D4_*.sh` and
 * `notebooks/Test all results.ipynb`), with this project's Monte Carlo and L-CNNs.
 *
 * SU(2), beta in linspace(0.1, 6.0, 10). Training data on 4x8^3 (time extent 4; stored as
 * dims 8,8,8,4, time last), test sets on 6x8^3, 8x16^3 and 12x32^3. Data from the heatbath
 * with one overrelaxation sweep per step (Kennedy-Pendleton/Creutz; exact, like the
 * reference's Metropolis). Targets, per site: the plaquette topological charge density QP
 * (charge:plaquette), the clover density QC (charge), and W(4x4) in the plane of axes 0, 1
 * (wilson:4x4@01, the reference's trW_4). Five seeds per model; every seed's test errors, per
 * value and site-averaged (the reference's metric), on every test lattice.
 *
 *   npm run reproduce:4d                    # reduced sizes, ~47 minutes on 2 cores (README)
 *   npm run reproduce:4d -- --large         # 2x the training data, larger test sets (~1.5 h)
 *   npm run reproduce:4d -- --full          # the reference's sizes (days on 2 cores)
 *   npm run reproduce:4d -- --quick         # a smoke test
 *   ... -- --only QP                        # one study (QP1, QP, QC, W44)
 *   ... -- --data                           # only generate the ensembles
 *   ... -- --seeds 1,2                      # only these seeds
 *   ... -- --jobs 1                         # one seed at a time on 2 workers (default: 2 jobs)
 *
 * The seeds are independent jobs: with --jobs 2 (the default on 2 or more cores) two run at
 * once, each in its own process on one thread, the longest studies first. On 2 cores that is
 * about 1.45x the training rate of one job on 2 worker threads (batch 2: one configuration per
 * worker and step, so the threads wait on each other every step; measured 27 against 37
 * configurations per second per job), and the evaluations run side by side too.
 *
 * Trained models and their scores are kept under data/reproduce/4d/<mode>/ (a rerun skips
 * what is there); the tables go to data/validation/reproduce-prl2022-4d[-large|-full].{md,json}
 * (not with --quick). At the end, `lgt report` (the real CLI, the README's command) draws the QC study's
 * best seed (lowest validation MSE) on 6x8^3 and the largest test lattice:
 * data/reproduce/4d/<mode>/report-QC/report.html and its charts under report-QC/svg (the
 * README's figure docs/img/qc-prediction-12x32x32x32.svg is the prediction chart there).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { openEnsemble } from '../src/io/ensembleReader.js';
import { parseArchitecture } from '../src/lcnn/architecture.js';
import { Dataset, splitDataset, type Split } from '../src/lcnn/dataset.js';
import { evaluateModel, type Evaluation } from '../src/lcnn/evaluation.js';
import { Model } from '../src/lcnn/model.js';
import { roundingLevels } from '../src/lcnn/roundingLevel.js';
import { loadModel, saveModel } from '../src/lcnn/modelFile.js';
import { parseTarget } from '../src/lcnn/targets.js';
import { trainModel } from '../src/lcnn/training/lcnn.js';
import type { StageResult } from '../src/lcnn/training/curriculum.js';
import { evenlySpaced } from '../src/lcnn/training/finishRules.js';
import type { LbfgsFinishResult } from '../src/lcnn/training/lbfgsFinish.js';
import type { MarquardtFinishResult } from '../src/lcnn/training/marquardtFinish.js';
import type { ReadoutRefitResult } from '../src/lcnn/training/readoutRefit.js';
import { finalValidationLoss, type EpochMetrics } from '../src/lcnn/training/learner.js';
import { lcnnKernelsFor } from '../src/lcnn/wasm/lcnnKernels.js';
import { generateEnsemble, type RunSpec } from '../src/montecarlo/generate.js';
import { everyTenPercent, log } from './progress.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const full = args.includes('--full');
const large = args.includes('--large');
const dataOnly = args.includes('--data');
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
/** Seeds trained at once, each in a child process (`--job KEY:SEED`) on one thread. */
const jobs = args.includes('--jobs')
  ? Number(args[args.indexOf('--jobs') + 1])
  : Math.max(1, Math.min(2, cpus().length));
if (!(Number.isInteger(jobs) && jobs >= 1)) {
  throw new Error(`--jobs ${args[args.indexOf('--jobs') + 1]}: expected an integer >= 1`);
}
/** In a child process: the one seed it trains (set by the parent). */
const job = args.includes('--job') ? args[args.indexOf('--job') + 1] : undefined;
/** Worker threads of one seed's training: all the cores when one seed runs at a time. */
const workers = job !== undefined || jobs > 1 ? 1 : Math.max(1, Math.min(2, cpus().length));
const mode = full ? 'full' : quick ? 'quick' : large ? 'large' : 'default';
const dir = join('data', 'reproduce', '4d', mode);
mkdirSync(join(dir, 'models'), { recursive: true });
const betas = Array.from({ length: 10 }, (_, i) => Number((0.1 + (i * 5.9) / 9).toFixed(4)));

/** One ensemble of the study: lattice, configurations per beta, Monte Carlo schedule. */
interface EnsemblePlan {
  name: string;
  dims: number[];
  perBeta: number;
  thermalization: number;
  separation: number;
  start: 'hot' | 'cold';
  seed: number;
  /** A subset of the betas (all when absent). */
  betas?: number[];
}

/** Per beta on 4x8^3: training, validation and test configurations. */
const split = full
  ? { train: 1000, validation: 100, test: 100 }
  : quick
    ? { train: 8, validation: 2, test: 2 }
    : large
      ? { train: 100, validation: 20, test: 20 }
      : { train: 50, validation: 10, test: 10 };

const trainPlan: EnsemblePlan = {
  name: 'su2-4x8x8x8',
  dims: [8, 8, 8, 4],
  perBeta: split.train + split.validation + split.test,
  thermalization: full ? 2000 : quick ? 20 : 200,
  separation: full ? 100 : quick ? 2 : 10,
  start: 'hot',
  seed: 1,
};

/**
 * Configurations with time extent 8 for W(4x4)'s Levenberg-Marquardt finish, besides one of
 * 4x8^3: with time extent 4 a model with transports of reach 2 in time can use that x + 2 and
 * x - 2 are the same time slice, and one seed of five did (exact on 4x8^3, 4e-6 per site on
 * every other lattice); an 8^4 configuration in the objective rules that out (README, "L-CNNs
 * in 4D"). Adam trains on 4x8^3 alone: with these in its training set too, the seeds it left
 * were farther from an exact fit (seed 2 stalled at 1.7e-6 per site).
 */
const extraTrainPlan: EnsemblePlan = {
  name: 'su2-8x8x8x8-train',
  dims: [8, 8, 8, 8],
  // one per beta: the finish fits one of them (the middle one, beta 3.378)
  perBeta: 1,
  thermalization: full ? 2000 : quick ? 10 : 200,
  separation: full ? 100 : 10,
  start: 'hot',
  seed: 5,
};

/** The test lattices beyond the training one (the 4x8^3 test split is the first). */
const testPlans: EnsemblePlan[] = [
  {
    name: 'su2-6x8x8x8',
    dims: [8, 8, 8, 6],
    perBeta: full ? 100 : quick ? 1 : large ? 10 : 5,
    thermalization: full ? 2000 : quick ? 10 : 200,
    separation: full ? 100 : 10,
    start: 'hot',
    seed: 2,
  },
  {
    name: 'su2-8x16x16x16',
    dims: [16, 16, 16, 8],
    perBeta: full ? 100 : large ? 2 : 1,
    thermalization: full ? 2000 : quick ? 5 : 30,
    separation: full ? 100 : 10,
    start: 'cold',
    seed: 3,
  },
  {
    name: 'su2-12x32x32x32',
    dims: [32, 32, 32, 12],
    perBeta: full ? 100 : 1,
    thermalization: full ? 2000 : quick ? 2 : 20,
    separation: full ? 100 : 10,
    start: 'cold',
    seed: 4,
    // one configuration at 4 of the 10 betas (0.1, 2.067, 4.033, 6.0) unless --full: the
    // Monte Carlo costs about 1.3 s per step here, the 4-layer model's prediction ~10 s
    ...(full ? {} : { betas: [0, 3, 6, 9].map((i) => betas[i]) }),
  },
];

/** A model to train five times, after the reference's scripts. */
interface Study {
  /** Short name (--only). */
  key: string;
  /** Row label. */
  name: string;
  target: string;
  architecture: string;
  learningRate: number;
  batchSize: number;
  epochs: number;
  patience: number;
  /** Standardise the targets (the model's output map). */
  standardize: boolean;
  /** The learning rate's factor per epoch. */
  learningRateDecay?: number;
  /** How the L-Conv weights start ("identity": a pass-through of the input plus noise). */
  convInit?: 'glorot' | 'identity';
  /**
   * Pretraining of the whole model on another target for a few epochs, with the study's step
   * schedule, before the target itself (QC: the energy density; README, "L-CNNs in 4D").
   */
  pretrain?: { target: string; epochs: number };
  /**
   * A curriculum by growth (trainModel's `curriculum`, src/lcnn/training/curriculum.ts): the
   * model cut after its first k product layers learns the k-th of these targets, growing by a
   * layer per stage, each stage `epochs` long at step `learningRate` (decay `learningRateDecay`
   * per epoch); then the whole model learns the target with the study's step.
   */
  curriculum?: {
    targets: string[];
    epochs: number;
    learningRate: number;
    learningRateDecay: number;
  };
  /**
   * Epochs of the last stage after which its optimiser starts afresh (trainModel's
   * `restartOptimizer`: Adam's moments forgotten, the step schedule kept). AMSGrad keeps the
   * largest second moment it has seen, so the large gradients of the stage's first epoch
   * shrink every later step for good.
   */
  restartOptimizer?: number[];
  /**
   * Iterations of the L-BFGS finish after Adam (trainModel's `lbfgs`), at most: the exact
   * targets' finish stops by itself at the rounding level.
   */
  lbfgsIterations: number;
  /**
   * Training configurations in the finish's objective, evenly spaced through the training
   * split. Each iteration is a pass over them; a target the model represents exactly is fixed
   * by few (5 of 4x8^3: 10,240 sites, 12 to 60 values per weight). W(4x4)'s validation MSE
   * stayed within 11% of its training MSE on 10 (README, "L-CNNs in 4D").
   */
  lbfgsConfigurations: number;
  /** Curvature pairs of the L-BFGS finish (trainModel's `lbfgs.memory`; default 20). */
  lbfgsMemory?: number;
  /**
   * The Levenberg-Marquardt finish before the L-BFGS one (trainModel's `marquardt`), at most
   * this many iterations (it stops by itself at the rounding level): on one training
   * configuration of each training lattice with `extraTraining`, else on its default (the
   * fewest evenly spaced training configurations with 4 values per weight).
   */
  marquardtIterations?: number;
  /** The Levenberg-Marquardt finish after the L-BFGS one instead (`marquardt.afterLbfgs`). */
  marquardtAfterLbfgs?: boolean;
  /** Fit an 8^4 configuration of {@link extraTrainPlan} in the Levenberg-Marquardt finish too. */
  extraTraining?: boolean;
  /** Relative time of one seed (the order in which --jobs starts them: longest first). */
  cost: number;
  /** The reference's best-of-5 test MSE (site-averaged, its normalisation), if reported. */
  reference?: { best: number; perSeed?: number[]; note: string };
}

const epochScale = full ? 1 : quick ? 0.05 : 1;
const epochs = (n: number): number => Math.max(1, Math.round(n * epochScale));
/**
 * QP1, QP and QC at the default size take the optimiser steps of --large on its half as many
 * training configurations: twice the epochs, the step's decay per epoch the square root. With
 * the epochs of --large (half the steps) one QC seed in five stalled at R^2 0.947 (its QP stage
 * ended at validation MSE 2.6e-5 where the others reached 3e-6), and the QP1 seeds stopped
 * between 4e-19 and 5e-12 site-averaged instead of at rounding level (README, "L-CNNs in 4D").
 * W(4x4) keeps the epochs of --large: the time.
 */
const stretch = mode === 'default' ? 100 / split.train : 1;
const lbfgsIterations = (n: number): number => (quick ? 3 : n);
// one Jacobian in the smoke test: each costs a few hundred gradient passes
const marquardtIterations = (n: number): number => (quick ? 1 : n);
const qpReference = {
  best: 3.58e-9,
  perSeed: [5.4e-9, 6.4e-4, 3.1e-8, 3.6e-9, 3.8e-9],
  note: 'validation MSE per seed; test of the best seed 3.58e-9',
};
const studies: Study[] = [
  {
    key: 'QP1',
    name: 'QP, one L-Bilin layer',
    target: 'charge:plaquette',
    // the products of two plaquettes at x: the bilinear layer of the input with itself
    architecture: 'lbilin:1,trace,dense:1',
    learningRate: 1e-2,
    learningRateDecay: 0.5 ** (1 / stretch),
    batchSize: 2,
    epochs: epochs((full ? 10 : 8) * stretch),
    patience: 0,
    standardize: true,
    // until no lower value is left (the rounding level): QP is exact, fixed by few configurations
    lbfgsIterations: lbfgsIterations(1500),
    lbfgsConfigurations: 5,
    cost: 0.5 * stretch,
    reference: qpReference,
  },
  {
    key: 'QP',
    name: "QP, the reference's L-CB layer",
    target: 'charge:plaquette',
    // the reference: 1 L-CB layer, 4 channels, kernel 2 with both orientations (reach 1)
    architecture: 'lcb:4:1,trace,dense:1',
    convInit: 'identity',
    learningRate: 1e-2,
    learningRateDecay: 0.5 ** (1 / stretch),
    batchSize: 2,
    epochs: epochs((full ? 10 : 8) * stretch),
    // a fresh Adam after a quarter of the epochs: the seeds that stopped on a plateau (R^2
    // 0.99996, their steps shrunk by AMSGrad's memory of the first epoch's gradients) then
    // fall by three to four orders of magnitude (README, "L-CNNs in 4D")
    restartOptimizer: [epochs(2 * stretch)],
    patience: 0,
    standardize: true,
    lbfgsIterations: lbfgsIterations(1500),
    lbfgsConfigurations: 5,
    // then Levenberg-Marquardt from L-BFGS's weights: L-BFGS stopped seed 1 at 7.7x its
    // rounding level ('no-progress'), three Gauss-Newton steps took it to that level; from
    // Adam's weights instead it converged linearly, 20-40% per 10 s step (README)
    marquardtIterations: marquardtIterations(3),
    marquardtAfterLbfgs: true,
    cost: 1.1,
    reference: qpReference,
  },
  {
    key: 'QC',
    name: 'QC (clover charge density)',
    target: 'charge',
    // two L-Conv layers build the clover sum C_ab (the leaf at x - a - b needs two straight
    // transports), one bilinear layer forms the products of the F_ab: one channel per plane
    architecture: 'lconv:6:1,lconv:6:1,lbilin:1,trace,dense:1',
    convInit: 'identity',
    // first the plaquette charge density QP, which the model started as pass-throughs
    // represents at once (the bilinear layer of the plaquettes): it fixes the bilinear layer
    // on the epsilon pairing of the planes, one channel per plane, so that the convolutions
    // then only grow each plane's plaquette into its clover sum. Trained on QC directly,
    // seeds stall at R^2 0.6-0.84 with cross-plane terms in the convolutions; after the
    // clover energy density instead, two seeds in five still did, and with 12 channels one
    // (README, "L-CNNs in 4D")
    pretrain: { target: 'charge:plaquette', epochs: epochs(2 * stretch) },
    learningRate: 1e-2,
    learningRateDecay: 0.75 ** (1 / stretch),
    batchSize: 2,
    epochs: epochs((full ? 12 : 6) * stretch),
    patience: 0,
    standardize: true,
    // 100 pairs: on seed 4, 4x lower than 20 after 150 iterations (README, "L-CNNs in 4D");
    // until no lower value is left (the rounding level) on few configurations: QC is exact
    lbfgsMemory: 100,
    lbfgsIterations: lbfgsIterations(1500),
    lbfgsConfigurations: 5,
    // then Levenberg-Marquardt, as QP: L-BFGS left the seeds 2.6x to 21x above their rounding
    // levels; one Gauss-Newton step took the worst from 4.9e-34 to 3e-35, two more to 2.4e-35
    marquardtIterations: marquardtIterations(3),
    marquardtAfterLbfgs: true,
    cost: 1.1 * stretch,
  },
  {
    key: 'W44',
    name: 'W(4x4), plane (0,1)',
    target: 'wilson:4x4@01',
    // the reference's small model: 4 L-CB layers of 2 channels, kernels (2,2,3,3) = reach 1,1,2,2
    architecture: 'lcb:2:1,lcb:2:1,lcb:2:2,lcb:2:2,trace,dense:1',
    // Layer-wise growth: W(4x4) is uncorrelated with every product of fewer plaquettes, so from
    // a generic start no gradient points to it. Layer k first learns the loop it can build
    // (1x2, 2x2, 2x4 in the plane 01), then the next layer is added; the last stage at a
    // tenth of the step, so that Adam does not scramble the trained layers (README).
    curriculum: {
      targets: ['wilson:1x2@01', 'wilson:2x2@01', 'wilson:2x4@01'],
      epochs: epochs(2),
      learningRate: 1e-2,
      learningRateDecay: 0.8,
    },
    learningRate: 1e-3,
    learningRateDecay: 0.9,
    batchSize: 2,
    // 12 epochs in the last stage, the optimiser restarted after 6: straight through, the
    // seeds fell only 5-10% per epoch in the second half, one stayed 16x off the best; from a
    // fresh start of Adam at the same step the slowest seed fell 4x in 3 epochs (README)
    epochs: epochs(full ? 25 : 12),
    restartOptimizer: [epochs(full ? 12 : 6)],
    patience: 0,
    standardize: true,
    // Levenberg-Marquardt first (one 4x8^3 and one 8^4 configuration, 11 values per weight):
    // L-BFGS alone (1000 iterations, 100 pairs on 10 configurations) lowered the seeds at
    // their own linear rates, from 23x to 350,000x below Adam, 25,000x apart;
    // Levenberg-Marquardt converges quadratically near the exact fit (README, "L-CNNs in 4D").
    // L-BFGS then from its weights.
    marquardtIterations: marquardtIterations(40),
    extraTraining: true,
    lbfgsMemory: 100,
    lbfgsIterations: lbfgsIterations(300),
    lbfgsConfigurations: 10,
    cost: 1.2,
    reference: {
      best: 8.86e-8,
      perSeed: [3.98e-7, 2.27e-4, 8.7e-8, 1.29e-7, 5.0e-7],
      note: 'validation MSE per seed; test of the best seed 8.86e-8',
    },
  },
];
// --seeds 1,3: train only these seeds (the tables read every result on disk)
const seeds = args.includes('--seeds')
  ? args[args.indexOf('--seeds') + 1].split(',').map(Number)
  : [1, 2, 3, 4, 5];

async function ensemble(plan: EnsemblePlan): Promise<string> {
  const output = join(dir, `${plan.name}.h5`);
  if (existsSync(output)) return output;
  const spec: RunSpec = {
    N: 2,
    dims: plan.dims,
    betas: plan.betas ?? betas,
    algorithm: { kind: 'heatbath', overrelaxation: 1 },
    thermalization: plan.thermalization,
    separation: plan.separation,
    configurations: plan.perBeta,
    seed: plan.seed,
    start: plan.start,
    reunitarizeEvery: 10,
    measurements: { wilsonLoops: 2, polyakovLoop: true, topologicalCharge: true },
  };
  log(`generating ${output} (${plan.perBeta} configurations per beta)`);
  const t0 = performance.now();
  await generateEnsemble(spec, {
    output,
    workers,
    resume: true,
    onProgress: everyTenPercent(output),
  });
  const seconds = (performance.now() - t0) / 1000;
  writeFileSync(`${output}.time.json`, JSON.stringify({ seconds }));
  log(`  ${output}: ${seconds.toFixed(0)} s`);
  return output;
}

/** One trained seed's scores. */
interface SeedResult {
  study: string;
  seed: number;
  parameters: number;
  epochs: number;
  bestEpoch: number;
  trainSeconds: number;
  validation: number;
  /**
   * The validation MSE that changing every weight by one unit in the last place causes
   * (src/lcnn/roundingLevel.ts): a fit at this level is exact as far as its float64 weights
   * can say.
   */
  roundingLevel?: number;
  /**
   * On the validation configurations: the site-averaged MSE and its rounding level (the
   * squared change of a configuration's mean prediction that the same one-ulp changes cause).
   */
  siteAveraged?: { validation: number; roundingLevel: number };
  /** Test lattice label -> evaluation (the 4x8^3 test split first). */
  tests: Record<string, Evaluation & { seconds: number }>;
  /** The curriculum's stages (target, layers, validation MSE and R^2), when it ran. */
  stages?: StageResult[];
  /** The Levenberg-Marquardt finish after Adam, then the L-BFGS finish. */
  marquardt?: MarquardtFinishResult;
  lbfgs?: LbfgsFinishResult;
  /** The readout refit after training (`validation` is the model's after it). */
  readoutRefit?: ReadoutRefitResult;
  /** Worker threads of its training, and how many seeds ran at once (its times depend on both). */
  workers?: number;
  jobs?: number;
}

const label = (dims: number[]): string =>
  `${dims.at(-1)}x${dims
    .slice(0, -1)
    .join('x')
    .replace(/(\d+)x\1x\1/, '$1^3')}`;

const resultPath = (study: Study, seed: number): string =>
  join(dir, 'models', `${study.key}-seed${seed}.result.json`);

/**
 * Trains the seeds `todo` lacks, `jobs` at a time, each in a child process of this script
 * (`--job KEY:SEED`, one thread), the longest studies first; fails at the end if any failed.
 */
async function runJobs(todo: Array<{ study: Study; seed: number }>): Promise<void> {
  const queue = [...todo].sort((a, b) => b.study.cost - a.study.cost || a.seed - b.seed);
  const modeFlags = args.filter((a) => ['--full', '--large', '--quick'].includes(a));
  const failed: string[] = [];
  const lane = async (): Promise<void> => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const name = `${next.study.key}:${next.seed}`;
      const script = process.argv[1];
      const code = await new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, [script, ...modeFlags, '--job', name], {
          stdio: ['ignore', 'inherit', 'inherit'],
        });
        child.on('exit', (c) => resolve(c));
        child.on('error', () => resolve(null));
      });
      if (code !== 0) failed.push(`${name} (exit ${code})`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, queue.length) }, lane));
  if (failed.length > 0) throw new Error(`reproduce:4d: seeds failed: ${failed.join(', ')}`);
}

async function runSeed(
  study: Study,
  seed: number,
  trainFile: string,
  extraTrainFile: string | undefined,
  testFiles: Array<{ file: string; dims: number[] }>,
): Promise<SeedResult> {
  const resultFile = resultPath(study, seed);
  const modelFile = join(dir, 'models', `${study.key}-seed${seed}.json`);
  const done = existsSync(resultFile)
    ? (JSON.parse(readFileSync(resultFile, 'utf8')) as SeedResult)
    : undefined;
  // a finished seed: its data opened only for rounding levels it lacks (older results)
  if (done !== undefined && (hasLevels(done) || !existsSync(modelFile))) return done;
  const target = parseTarget(study.target);
  const extra = study.extraTraining === true ? extraTrainFile : undefined;
  const data = await Dataset.open(extra === undefined ? [trainFile] : [trainFile, extra], target);
  // the split of the 4x8^3 file (its configurations come first); the 8^4 ones all train
  const own = trainPlan.perBeta * betas.length;
  const parts: Split = splitDataset(
    { size: own, beta: data.beta.slice(0, own) },
    {
      validation: split.validation / trainPlan.perBeta,
      test: split.test / trainPlan.perBeta,
    },
    1,
  );
  // the 8^4 configurations: only in the Levenberg-Marquardt objective (Adam on 4x8^3 alone)
  const extraIndices = Array.from({ length: data.size - own }, (_, k) => own + k);
  if (done !== undefined) {
    const model = loadModel(modelFile).model.useKernels(lcnnKernelsFor('reproduce:4d', 'auto'));
    Object.assign(done, fitLevels(model, data, parts.validation));
    writeFileSync(resultFile, JSON.stringify(done, null, 2));
    data.close();
    return done;
  }
  const model = new Model({
    N: 2,
    D: 4,
    layers: parseArchitecture(study.architecture),
    seed,
    ...(study.convInit ? { convInit: study.convInit } : {}),
  });
  log(
    `${study.key} seed ${seed}: training ${study.architecture} (${model.parameterCount} weights)`,
  );
  // the options the pretraining and the training share: the study's step schedule, batch, seed
  const shared = {
    learningRateDecay: study.learningRateDecay ?? 1,
    batchSize: study.batchSize,
    learningRate: study.learningRate,
    standardize: study.standardize,
    seed,
    workers,
  };
  const logEpochs =
    (tag: string) =>
    (m: EpochMetrics): void =>
      log(
        `  ${study.key} seed ${seed}${tag} epoch ${m.epoch}: train ${m.trainLoss.toExponential(2)} val ${m.validationLoss.toExponential(2)} (${m.seconds.toFixed(0)} s)`,
      );
  const t0 = performance.now();
  if (study.pretrain !== undefined) {
    const { target: pretarget, epochs: preEpochs } = study.pretrain;
    // shares the training file's sources: not closed here (data.close below closes them)
    const preData = data.withTarget(parseTarget(pretarget));
    await trainModel(model, preData, parts, {
      ...shared,
      epochs: preEpochs,
      onEpoch: logEpochs(` ${pretarget}`),
    });
  }
  const result = await trainModel(model, data, parts, {
    ...shared,
    ...(study.curriculum
      ? { curriculum: { ...study.curriculum, targets: study.curriculum.targets.map(parseTarget) } }
      : {}),
    // (--quick: no restart, its stages are one epoch long)
    restartOptimizer: (study.restartOptimizer ?? []).filter((e) => e < study.epochs),
    // L-BFGS on every weight, then the least-squares readout, each kept if it lowers the
    // validation MSE (README, "L-CNNs in 4D")
    ...(study.marquardtIterations !== undefined
      ? {
          marquardt: {
            iterations: study.marquardtIterations,
            ...(study.marquardtAfterLbfgs === true ? { afterLbfgs: true } : {}),
            // one configuration of each training lattice, from the middle of its list
            ...(extra !== undefined
              ? { indices: [...evenlySpaced(parts.train, 1), ...evenlySpaced(extraIndices, 1)] }
              : {}),
          },
        }
      : {}),
    lbfgs: {
      iterations: study.lbfgsIterations,
      configurations: study.lbfgsConfigurations,
      ...(study.lbfgsMemory !== undefined ? { memory: study.lbfgsMemory } : {}),
    },
    refitReadout: true,
    epochs: study.epochs,
    patience: study.patience,
    onEpoch: logEpochs(''),
    onMarquardtIteration: (i, trainLoss) =>
      log(
        `  ${study.key} seed ${seed} Levenberg-Marquardt ${i}: train ${trainLoss.toExponential(2)}`,
      ),
    onLbfgsIteration: (i, trainLoss) => {
      if (i % 50 === 0)
        log(`  ${study.key} seed ${seed} L-BFGS ${i}: train ${trainLoss.toExponential(2)}`);
    },
  });
  const { bestEpoch } = result;
  const trainedEpochs = result.history.length;
  const trainSeconds = (performance.now() - t0) / 1000;
  // predictions with the WebAssembly kernels: the TypeScript ones' bit for bit, twice as fast
  const kernels = lcnnKernelsFor('reproduce:4d', 'auto');
  model.useKernels(kernels);
  // the scale on which fits at rounding level compare (the table's "rounding level" columns)
  const levels = fitLevels(model, data, parts.validation);
  for (const st of result.curriculum ?? []) {
    log(
      `  ${study.key} seed ${seed} stage ${st.target} (${st.layers} layers): val ${st.validationLoss.toExponential(2)} R^2 ${st.validationR2.toFixed(6)}`,
    );
  }
  await saveModel(
    modelFile,
    model,
    { target, trainedOn: trainPlan.dims, bestEpoch },
    { force: true },
  );
  const tests: SeedResult['tests'] = {};
  let t1 = performance.now();
  tests[label(trainPlan.dims)] = {
    ...evaluateModel(model, data, parts.test),
    seconds: (performance.now() - t1) / 1000,
  };
  data.close();
  const saved = loadModel(modelFile).model.useKernels(kernels);
  for (const t of testFiles) {
    const d = await Dataset.open([t.file], target, { inMemory: false, cacheTargets: false });
    t1 = performance.now();
    tests[label(t.dims)] = { ...evaluateModel(saved, d), seconds: (performance.now() - t1) / 1000 };
    d.close();
  }
  const out: SeedResult = {
    study: study.key,
    seed,
    parameters: model.parameterCount,
    epochs: trainedEpochs,
    bestEpoch,
    trainSeconds,
    validation: finalValidationLoss(result),
    ...levels,
    tests,
    ...(result.curriculum ? { stages: result.curriculum } : {}),
    ...(result.marquardt ? { marquardt: result.marquardt } : {}),
    ...(result.lbfgs ? { lbfgs: result.lbfgs } : {}),
    ...(result.readoutRefit ? { readoutRefit: result.readoutRefit } : {}),
    workers,
    jobs,
  };
  writeFileSync(resultFile, JSON.stringify(out, null, 2));
  for (const [k, e] of Object.entries(tests)) {
    log(
      `  ${study.key} seed ${seed} ${k}: MSE ${e.mse.toExponential(2)} R^2 ${e.r2.toFixed(6)} site-averaged MSE ${e.siteAveraged.mse.toExponential(2)} (${e.seconds.toFixed(0)} s)`,
    );
  }
  return out;
}

/** Whether a result has the rounding levels of {@link fitLevels} (older ones lack them). */
function hasLevels(r: SeedResult): boolean {
  return r.roundingLevel !== undefined && r.siteAveraged !== undefined;
}

/**
 * A fitted model's rounding levels on the validation configurations (src/lcnn/roundingLevel.ts)
 * and its site-averaged validation MSE, which the table compares with its level.
 */
function fitLevels(
  model: Model,
  data: Dataset,
  validation: number[],
): Pick<SeedResult, 'roundingLevel' | 'siteAveraged'> {
  const levels = roundingLevels(model, data, validation);
  return {
    roundingLevel: levels.perSite,
    siteAveraged: {
      validation: evaluateModel(model, data, validation).siteAveraged.mse,
      roundingLevel: levels.siteAveraged,
    },
  };
}

/**
 * The L-BFGS finish's effect on the validation MSE, its iterations, why it stopped (unless at
 * the limit) and its configurations: "x 1.2e-3 (825, no-progress; 5 configurations)" when
 * kept, "not kept (...)" else.
 */
function lbfgsNote(r: LbfgsFinishResult | undefined): string {
  if (r === undefined) return '-';
  const ratio = r.kept
    ? `x ${(r.lbfgsValidationLoss / r.validationLoss).toPrecision(2)}`
    : 'not kept';
  return `${ratio} (${r.iterations}${r.stop === 'iterations' ? '' : `, ${r.stop}`}; ${r.configurations} configurations)`;
}

/**
 * The Levenberg-Marquardt finish's effect on the validation MSE, like {@link lbfgsNote}:
 * "x 3.1e-20 (12, no-progress; 2 configurations)", "-" where it did not run.
 */
function marquardtNote(r: MarquardtFinishResult | undefined): string {
  if (r === undefined) return '-';
  const ratio = r.kept
    ? `x ${(r.marquardtValidationLoss / r.validationLoss).toPrecision(2)}`
    : 'not kept';
  return `${ratio} (${r.iterations}${r.stop === 'iterations' ? '' : `, ${r.stop}`}; ${r.configurations} configurations)`;
}

/** The readout refit's effect on the validation MSE: "x 0.997" when kept, "not kept" else. */
function refitNote(r: ReadoutRefitResult | undefined): string {
  if (r === undefined) return '-';
  return r.kept ? `x ${(r.refitValidationLoss / r.validationLoss).toPrecision(3)}` : 'not kept';
}

/** Minutes of training and evaluation per study, summed over its seeds on disk. */
function studyMinutes(results: SeedResult[]): string {
  return studies
    .map((study) => {
      const rs = results.filter((r) => r.study === study.key);
      const seconds = rs.reduce(
        (s, r) => s + r.trainSeconds + Object.values(r.tests).reduce((a, t) => a + t.seconds, 0),
        0,
      );
      return rs.length > 0
        ? `${study.key} ${(seconds / 60).toFixed(0)} min (${rs.length} seeds)`
        : '';
    })
    .filter((s) => s !== '')
    .join(', ');
}

/** How the seeds on disk ran: seeds at once and threads per seed (their times depend on both). */
function jobsNote(results: SeedResult[]): string {
  const kinds = new Set(
    results.map((r) =>
      r.jobs === undefined
        ? 'one seed at a time on 2 threads'
        : `${r.jobs} seed${r.jobs === 1 ? '' : 's'} at a time on ${r.workers} thread${r.workers === 1 ? '' : 's'} each`,
    ),
  );
  return [...kinds].join('; ');
}

/** (32 pi^2)^2: from our normalisation of q to the reference notebook's (see the README). */
const QP_REFERENCE_SCALE = (32 * Math.PI * Math.PI) ** 2;

const e2 = (x: number): string => x.toExponential(2);
const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);

function table(results: SeedResult[], lattices: string[]): string[] {
  const lines = [
    '| target | test lattice | per-site MSE best / median / worst | per-site R^2 worst | site-averaged MSE best / median / worst | site-averaged, reference units | reference best (its units) |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const study of studies) {
    const rs = results.filter((r) => r.study === study.key);
    if (rs.length === 0) continue;
    for (const lat of lattices) {
      const per = sorted(rs.map((r) => r.tests[lat]?.mse ?? NaN));
      const r2 = Math.min(...rs.map((r) => r.tests[lat]?.r2 ?? NaN));
      const avg = sorted(rs.map((r) => r.tests[lat]?.siteAveraged.mse ?? NaN));
      const scale = study.target.startsWith('charge') ? QP_REFERENCE_SCALE : 1;
      const med = (xs: number[]) => xs[Math.floor(xs.length / 2)];
      lines.push(
        `| ${study.name} | ${lat} | ${e2(per[0])} / ${e2(med(per))} / ${e2(per.at(-1)!)} | ${r2.toFixed(6)} | ${e2(avg[0])} / ${e2(med(avg))} / ${e2(avg.at(-1)!)} | ${e2(avg[0] * scale)} / ${e2(med(avg) * scale)} / ${e2(avg.at(-1)! * scale)} | ${lat === lattices[0] && study.reference ? e2(study.reference.best) : '-'} |`,
      );
    }
  }
  return lines;
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const trainFile = await ensemble(trainPlan);
  const extraTrainFile = studies.some((s) => s.extraTraining === true)
    ? await ensemble(extraTrainPlan)
    : undefined;
  const testFiles: Array<{ file: string; dims: number[] }> = [];
  for (const plan of testPlans) testFiles.push({ file: await ensemble(plan), dims: plan.dims });
  if (dataOnly) return;
  if (job !== undefined) {
    // a child of runJobs: one seed, then out (the parent writes the tables)
    const [key, seed] = job.split(':');
    const study = studies.find((s) => s.key === key);
    if (study === undefined) throw new Error(`--job ${job}: no study ${key}`);
    await runSeed(study, Number(seed), trainFile, extraTrainFile, testFiles);
    return;
  }
  const todo = studies
    .filter((study) => only === undefined || study.key === only)
    .flatMap((study) => seeds.map((seed) => ({ study, seed })))
    .filter(({ study, seed }) => !existsSync(resultPath(study, seed)));
  if (jobs > 1) await runJobs(todo);
  else
    for (const { study, seed } of todo)
      await runSeed(study, seed, trainFile, extraTrainFile, testFiles);
  // results of before the rounding-level columns get them here (runSeed reads their model files)
  for (const study of studies) {
    for (const seed of seeds) {
      const file = resultPath(study, seed);
      if (!existsSync(file)) continue;
      const r = JSON.parse(readFileSync(file, 'utf8')) as SeedResult;
      if (!hasLevels(r)) {
        await runSeed(study, seed, trainFile, extraTrainFile, testFiles);
      }
    }
  }
  // every result on disk, also those of earlier runs with --only
  const all = readdirSync(join(dir, 'models'))
    .filter((f) => f.endsWith('.result.json'))
    .map((f) => JSON.parse(readFileSync(join(dir, 'models', f), 'utf8')) as SeedResult);
  const lattices = [trainPlan, ...testPlans].map((p) => label(p.dims));
  const plaquettes: string[] = [];
  const plans = [trainPlan, extraTrainPlan, ...testPlans].filter((p) =>
    existsSync(join(dir, `${p.name}.h5`)),
  );
  for (const p of plans) {
    const e = await openEnsemble(join(dir, `${p.name}.h5`));
    const byBeta = betas.map((b) => {
      const v = e.observables.plaquette.filter((_, i) => e.beta[i] === b);
      return v.length > 0 ? (v.reduce((a, c) => a + c, 0) / v.length).toFixed(4) : '-';
    });
    plaquettes.push(`| ${label(p.dims)} | ${byBeta.join(' | ')} |`);
    e.close();
  }
  const minutes = (performance.now() - t0) / 60000;
  const command = `npm run reproduce:4d${args.length ? ` -- ${args.join(' ')}` : ''}`;
  const seconds = (f: string): number =>
    existsSync(`${f}.time.json`)
      ? (JSON.parse(readFileSync(`${f}.time.json`, 'utf8')) as { seconds: number }).seconds
      : NaN;
  const dataSeconds = plans.reduce((s, p) => s + seconds(join(dir, `${p.name}.h5`)), 0);
  const lines = [
    '# Reproduction: PRL 128 (2022) 032003, 3+1D SU(2) (lge-cnn)',
    '',
    `Command: \`${command}\` on ${cpus().length} cores, ${cpus()[0]?.model ?? ''}, Node ${process.version}. Wall time of the results on disk (the sum of their parts, which earlier calls with --only or --seeds may have made): Monte Carlo ${(dataSeconds / 60).toFixed(0)} min on ${Math.min(2, cpus().length)} worker threads; training and evaluation of the seeds, each seed's own time summed (${jobsNote(all)}): ${studyMinutes(all)}; this call ${minutes.toFixed(0)} min.`,
    '',
    `Data: heatbath + 1 overrelaxation sweep per step, beta = linspace(0.1, 6.0, 10); 4x8^3: ${split.train} training, ${split.validation} validation, ${split.test} test configurations per beta, ${trainPlan.thermalization} steps of thermalisation, ${trainPlan.separation} between configurations; test lattices ${testPlans.map((p) => `${label(p.dims)} ${p.perBeta} per beta (${p.start} start, ${p.thermalization} + ${p.separation})`).join(', ')}; for W(4x4)'s Levenberg-Marquardt finish one more on 8^4 (of ${extraTrainPlan.perBeta} per beta, ${extraTrainPlan.start} start, ${extraTrainPlan.thermalization} + ${extraTrainPlan.separation}: the one at beta ${betas[Math.floor(betas.length / 2)].toFixed(3)}).`,
    '',
    'Metrics on the test configurations: per-site MSE and R^2, and the site-averaged MSE (prediction and target averaged over the sites of each configuration first: the reference notebook`s `mse(global_average=True)`). "reference units": for the charge densities, times (32 pi^2)^2, the notebook`s normalisation (see the README).',
    '',
    `After Adam (best epoch restored), the weights of W(4x4) are refined by Levenberg-Marquardt on the squared errors of one training configuration of 4x8^3 and the one of 8^4 (\`lgt train --marquardt N\`, here with trainModel's \`marquardt.indices\`; column "Levenberg-Marquardt", as the next), then every weight of every model by full-batch L-BFGS on the training MSE of some training configurations, evenly spaced (\`lgt train --lbfgs N --lbfgs-configurations M\`; column "L-BFGS": the validation MSE after / before, the iterations N and the configurations M), then those of QP and QC by Levenberg-Marquardt from there, on its default objective (\`--marquardt N --marquardt-after-lbfgs\`), then its readout (its last layer, dense:1) is replaced by the least-squares fit of the training targets on the features entering it (\`lgt train --refit-readout\`; column "readout refit": the validation MSE after / before); each is kept when it lowers the validation MSE. Column "rounding level": the validation MSE that changing every weight by one unit in the last place (relative 2^-52, random signs, mean of 4 draws) causes (src/lcnn/roundingLevel.ts): a validation MSE at that level is as exact as the model's float64 weights can say. Columns "site-averaged": the validation MSE after averaging prediction and target over the sites of each configuration, and its rounding level, the squared change of a configuration's mean prediction that the same changes of the weights cause (they move the predictions at all sites together, so it lies far above the per-site level divided by the sites).`,
    '',
    ...table(all, lattices),
    '',
    '| study | seed | weights | epochs (best) | train s | validation MSE | rounding level | site-averaged: validation MSE | rounding level | Levenberg-Marquardt | L-BFGS | readout refit | ' +
      lattices.map((l) => `${l} eval s`).join(' | ') +
      ' |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | ' +
      lattices.map(() => '---').join(' | ') +
      ' |',
    ...all
      .sort((a, b) => a.study.localeCompare(b.study) || a.seed - b.seed)
      .map(
        (r) =>
          `| ${r.study} | ${r.seed} | ${r.parameters} | ${r.epochs} (${r.bestEpoch}) | ${r.trainSeconds.toFixed(0)} | ${e2(r.validation)} | ${r.roundingLevel === undefined ? '-' : e2(r.roundingLevel)} | ${r.siteAveraged === undefined ? '- | -' : `${e2(r.siteAveraged.validation)} | ${e2(r.siteAveraged.roundingLevel)}`} | ${marquardtNote(r.marquardt)} | ${lbfgsNote(r.lbfgs)} | ${refitNote(r.readoutRefit)} | ${lattices.map((l) => (r.tests[l]?.seconds ?? NaN).toFixed(0)).join(' | ')} |`,
      ),
    '',
    'Plaquette per beta (thermalisation check):',
    '',
    `| lattice | ${betas.join(' | ')} |`,
    `| --- | ${betas.map(() => '---').join(' | ')} |`,
    ...plaquettes,
  ];
  const text = `${lines.join('\n')}\n`;
  process.stdout.write(text);
  if (!quick) {
    mkdirSync('data/validation', { recursive: true });
    const name = `reproduce-prl2022-4d${full ? '-full' : large ? '-large' : ''}`;
    writeFileSync(`data/validation/${name}.md`, text);
    writeFileSync(
      `data/validation/${name}.json`,
      JSON.stringify({ command, split, trainPlan, testPlans, results: all }, null, 2),
    );
  }
  // the report's ensemble section needs two configurations per beta: the first test lattice
  // that has them (6x8^3 unless --quick), else the training file
  const shown = [...testPlans, trainPlan].find((p) => p.perBeta >= 2)!;
  reportBestQc(all, join(dir, `${shown.name}.h5`), join(dir, `${testPlans.at(-1)!.name}.h5`));
}

/**
 * The README's chart: `lgt report` of the QC study's best seed (by validation MSE, the
 * selection a user could make without the test data) on the largest test lattice, through
 * the real CLI, so the figure is what the README's command gives. The report's ensemble is a
 * lattice with two configurations per beta (its section needs them; the largest lattice has
 * one at the default size), the largest one is its `--test` file.
 */
function reportBestQc(results: SeedResult[], ensemble: string, largest: string): void {
  const qc = results.filter((r) => r.study === 'QC');
  if (qc.length === 0) return;
  const best = qc.reduce((a, b) => (b.validation < a.validation ? b : a));
  const model = join(dir, 'models', `QC-seed${best.seed}.json`);
  const out = join(dir, 'report-QC');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const command = ['dist/src/cli/lgt.js', 'report', ensemble, model, '--test', largest];
  command.push('-o', join(out, 'report.html'), '--svg', join(out, 'svg'));
  process.stderr.write(`reproduce:4d: node ${command.join(' ')}\n`);
  execFileSync(process.execPath, command, { stdio: ['ignore', 'inherit', 'inherit'] });
}

await main();
