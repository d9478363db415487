/**
 * `npm run reproduce:symmetry`: does knowing the lattice's rotations and reflections make an
 * L-CNN need less data? (Aronsson, Mueller & Schuh, arXiv:2303.11448.)
 *
 * 2D part: SU(2) on 8x8, beta in linspace(0.1, 6.0, 10) (the PRL 128 (2022) 032003
 * ensembles, here from the heatbath), lattice averages of Wilson loops as targets (invariant
 * under the point group). For each budget of training configurations, the same architecture
 * three ways: plain L-CNN, plain L-CNN with data augmentation by random point elements, and
 * the symmetric L-CNN (rotations+reflections), each with several seeds, and every model
 * trained alike: the same number of optimiser steps at every budget (so 100 configurations see
 * ten times the epochs of 1,000), early stopping on the validation set with the best weights
 * restored. Tested on an independent ensemble (another Markov chain: heatbath without
 * overrelaxation, another seed) and on a copy of it moved by random point elements.
 *
 * Ensemble part (Gerken & Kessel, ICML 2024): the invariance error of the mean of M plain
 * networks, M = 1..16, trained with and without augmentation.
 *
 * 4D part: SU(2) on 4x8^3 with the lattice's own point group (96 elements): the per-site clover
 * charge density (plain, augmented, lifted frame model) and the W(1x2) average (plain,
 * augmented, tied), budgets 25, 100, 400 (and 1,600 with --full), tests on 4x8^3 and 8x16^3.
 *
 *   npm run reproduce:symmetry                  # 2D budgets 100 and 1,000, 3 seeds
 *   npm run reproduce:symmetry -- --full        # adds the 10,000-configuration budget
 *   npm run reproduce:symmetry -- --quick       # a smoke test
 *   npm run reproduce:symmetry -- --only 2d     # one part (2d, ensemble, 4d; --4d = --only 4d)
 *   npm run reproduce:symmetry -- --4d --target charge   # one 4D study
 *
 * Every trained model's row is kept in data/reproduce/symmetry/<mode>/rows/ (an interrupted
 * run continues where it stopped); the tables go to data/validation/reproduce-symmetry.{md,json}
 * (not with --quick).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { GaugeField } from '../src/lattice/gaugeField.js';
import { transformGaugeField } from '../src/lattice/symmetryActions.js';
import { Dataset } from '../src/lcnn/dataset.js';
import { evaluateModel } from '../src/lcnn/evaluation.js';
import { parseArchitecture, symmetricSpec } from '../src/lcnn/architecture.js';
import { invarianceError } from '../src/lcnn/invariance.js';
import { invarianceByEnsembleSize } from '../src/lcnn/ensembleSizes.js';
import { Model, type ModelSpec } from '../src/lcnn/model.js';
import { EnsembleModel } from '../src/lcnn/ensemble.js';
import { saveModel } from '../src/lcnn/modelFile.js';
import { memberSeed } from '../src/lcnn/training/seeds.js';
import { symmetryGroup, type Symmetry, type SymmetryGroup } from '../src/lcnn/symmetry.js';
import { parseTarget, targetParity } from '../src/lcnn/targets.js';
import { trainModel } from '../src/lcnn/training/lcnn.js';
import { generateEnsemble, type RunSpec } from '../src/montecarlo/generate.js';
import { Xoshiro128 } from '../src/core/rng.js';
import { writeFileAtomic } from '../src/core/atomicWrite.js';
import { log } from './progress.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const full = args.includes('--full');
/** `--only 2d|ensemble|4d` runs one part; `--4d` is `--only 4d`. */
const only = args.includes('--4d')
  ? '4d'
  : args.includes('--only')
    ? args[args.indexOf('--only') + 1]
    : undefined;
/** `--target T`: only the 4D study of this target (e.g. to run the two studies side by side). */
const onlyTarget = args.includes('--target') ? args[args.indexOf('--target') + 1] : undefined;
const workers = Math.max(1, Math.min(2, cpus().length));
const mode = full ? 'full' : quick ? 'quick' : 'default';
const dir = join('data', 'reproduce', 'symmetry', mode);
const rowsDir = join(dir, 'rows');
mkdirSync(rowsDir, { recursive: true });
const betas = Array.from({ length: 10 }, (_, i) => Number((0.1 + (i * 5.9) / 9).toFixed(4)));
const seeds = quick ? [1] : [1, 2, 3];

/** An ensemble of `perBeta` configurations per beta (made once, then reused). */
async function ensemble(name: string, spec: RunSpec): Promise<string> {
  const output = join(dir, `${name}.h5`);
  if (existsSync(output)) return output;
  log(`generating ${output} (${spec.configurations} configurations per beta)`);
  await generateEnsemble(spec, { output, workers, resume: true });
  return output;
}

/** The SU(2) run spec of the study's ensembles (training chain or independent test chain). */
function runSpec(dims: number[], configurations: number, independent: boolean): RunSpec {
  return {
    N: 2,
    dims,
    betas,
    // the test chain: another seed and no overrelaxation, so that nothing but the physics is
    // shared with the training data
    algorithm: { kind: 'heatbath', overrelaxation: independent ? 0 : 1 },
    thermalization: quick ? 20 : 200,
    separation: quick ? 2 : 10,
    configurations,
    seed: independent ? 1001 : 7,
    start: 'hot',
    reunitarizeEvery: 10,
    measurements: { wilsonLoops: 1, polyakovLoop: false, topologicalCharge: false },
  };
}

/** One model of the study: an architecture, a symmetry and an augmentation. */
interface Variant {
  model: string;
  symmetry: Symmetry;
  augment: Symmetry;
}

const variants2d: Variant[] = [
  { model: 'L-CNN', symmetry: 'none', augment: 'none' },
  { model: 'L-CNN + augmentation', symmetry: 'none', augment: 'rotations+reflections' },
  { model: 'symmetric L-CNN', symmetry: 'rotations+reflections', augment: 'none' },
];

/** One trained model's result. */
interface Row {
  part: string;
  lattice: string;
  target: string;
  budget: number;
  model: string;
  seed: number;
  parameters: number;
  /** Optimiser steps taken (to the last epoch run) and the cap. */
  steps: number;
  maxSteps: number;
  epochs: number;
  bestEpoch: number;
  seconds: number;
  mse: number;
  mseMoved: number;
  /** Standard deviation of the predictions over the |G| copies, mean over configurations. */
  spread: number;
}

/** Configurations moved by seeded random elements of a point group (default: all of it). */
function movedCopy(
  data: Dataset,
  seed: number,
  group: SymmetryGroup = symmetryGroup(data.lattice.D, 'rotations+reflections'),
): Dataset {
  const rng = new Xoshiro128(seed);
  const fields: GaugeField[] = [];
  for (let i = 0; i < data.size; i++) {
    const r = Math.floor(rng.uniform() * group.size);
    fields.push(transformGaugeField(data.field(i), group.elements[r]));
  }
  return Dataset.fromFields(fields, data.target, data.beta);
}

/**
 * Mean over configurations of the standard deviation of the predictions over all |G| copies:
 * the `stdMean` of the library's invariance error (src/lcnn/invariance.ts).
 */
function spread(model: Model, data: Dataset, count: number): number {
  const fields = Array.from({ length: count }, (_, i) => data.field(i));
  return invarianceError(model, fields).stdMean;
}

/** A seeded shuffle of 0..n-1. */
function shuffled(n: number, seed: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  const rng = new Xoshiro128(seed);
  for (let k = order.length - 1; k > 0; k--) {
    const j = Math.floor(rng.uniform() * (k + 1));
    [order[k], order[j]] = [order[j], order[k]];
  }
  return order;
}

function rowFile(key: string): string {
  return join(rowsDir, `${key.replace(/[^A-Za-z0-9.+-]+/g, '_')}.json`);
}

/** A 2D study of one target: budgets x variants x seeds. */
interface Study2d {
  dims: number[];
  target: string;
  architecture: string;
  mixOrientations: boolean;
  budgets: number[];
}

const BATCH = 16;
/** Optimiser steps per model, at every budget (the same training for every row). */
const MAX_STEPS = quick ? 20 : 1500;

/**
 * Trains a 2D model the way every 2D model of the study is trained: MAX_STEPS optimiser steps
 * of batch BATCH whatever the budget, early stopping with patience a fifth of the epochs (at
 * least 10), standardised targets (as lgt train does).
 */
function trainAlike(
  model: Model,
  data: Dataset,
  train: number[],
  validation: number[],
  seed: number,
  augment: Symmetry,
): ReturnType<typeof trainModel> {
  const epochs = Math.max(1, Math.round(MAX_STEPS / Math.ceil(train.length / BATCH)));
  return trainModel(
    model,
    data,
    { train, validation, test: [] },
    {
      epochs,
      batchSize: BATCH,
      learningRate: 0.01,
      patience: Math.max(10, Math.round(epochs / 5)),
      seed,
      workers,
      augment,
      standardize: true,
    },
  );
}

async function runStudy2d(study: Study2d, rows: Row[]): Promise<void> {
  const D = study.dims.length;
  const lattice = study.dims.join('x');
  const maxTrain = Math.max(...study.budgets);
  const validation = quick ? 10 : 100;
  const testCount = quick ? 10 : 200;
  const spreadCount = quick ? 4 : 50;
  const file = await ensemble(
    `su2-${lattice}`,
    runSpec(study.dims, Math.ceil((maxTrain + validation) / betas.length), false),
  );
  const testFile = await ensemble(
    `su2-${lattice}-test`,
    runSpec(study.dims, Math.ceil(testCount / betas.length), true),
  );
  const target = parseTarget(study.target);
  const data = await Dataset.fromEnsemble(file, target);
  const testSet = await Dataset.fromEnsemble(testFile, target);
  const movedTest = movedCopy(testSet, 11);
  // validation | training pool; larger budgets contain the smaller ones
  const order = shuffled(data.size, 3);
  const val = order.slice(0, validation);
  const pool = order.slice(validation);
  for (const budget of study.budgets) {
    const train = pool.slice(0, budget);
    const stepsPerEpoch = Math.ceil(budget / BATCH);
    const epochs = Math.max(1, Math.round(MAX_STEPS / stepsPerEpoch));
    for (const v of variants2d) {
      for (const seed of seeds) {
        const key = `2d-${lattice}-${study.target}-${budget}-${v.model}-seed${seed}`;
        const cached = rowFile(key);
        if (existsSync(cached)) {
          rows.push(JSON.parse(readFileSync(cached, 'utf8')) as Row);
          continue;
        }
        const model = new Model({
          N: 2,
          D,
          seed,
          layers: parseArchitecture(study.architecture),
          ...symmetricSpec(v.symmetry, target, study.mixOrientations),
        });
        const t0 = performance.now();
        const result = await trainAlike(model, data, train, val, seed, v.augment);
        const seconds = (performance.now() - t0) / 1000;
        const row: Row = {
          part: '2d',
          lattice,
          target: study.target,
          budget,
          model: v.model,
          seed,
          parameters: model.parameterCount,
          steps: result.history.length * stepsPerEpoch,
          maxSteps: epochs * stepsPerEpoch,
          epochs: result.history.length,
          bestEpoch: result.bestEpoch,
          seconds,
          mse: evaluateModel(model, testSet).mse,
          mseMoved: evaluateModel(model, movedTest).mse,
          spread: spread(model, testSet, spreadCount),
        };
        await writeFileAtomic(cached, [
          new TextEncoder().encode(`${JSON.stringify(row, null, 2)}\n`),
        ]);
        rows.push(row);
        log(
          `${key}: MSE ${row.mse.toExponential(2)} moved ${row.mseMoved.toExponential(2)} ` +
            `spread ${row.spread.toExponential(2)}, best epoch ${row.bestEpoch}/${row.epochs} ` +
            `(${seconds.toFixed(0)} s)`,
        );
      }
    }
  }
}

const budgets2d = quick ? [20] : full ? [100, 1000, 10000] : [100, 1000];
const studies2d: Study2d[] = [
  {
    dims: [8, 8],
    target: 'wilson:1x2:mean',
    architecture: 'lcb:2:1,trace,dense:1,mean',
    mixOrientations: true,
    budgets: budgets2d,
  },
  {
    dims: [8, 8],
    target: 'wilson:2x2:mean',
    architecture: 'lcb:4:1,lcb:4:2,trace,dense:1,mean',
    mixOrientations: false,
    budgets: budgets2d,
  },
];

/** Median, smallest and largest of some numbers. */
function summary(values: number[]): { median: number; min: number; max: number } {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s[s.length - 1] };
}

const e = (x: number, digits = 2): string => x.toExponential(digits);

/** The 2D table: one line per (target, budget, model), median [min, max] over the seeds. */
function table2d(rows: Row[]): string[] {
  const groups = new Map<string, Row[]>();
  for (const r of rows.filter((r) => r.part === '2d')) {
    const key = `${r.target}|${r.budget}|${r.model}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const lines = [
    '| target | train configs | model | weights | seeds | steps (best epoch / epochs) | time per model (s) | test MSE: median [min, max] | moved test MSE (median) | spread over the 8 copies (median) |',
    '|---|---:|---|---:|---:|---|---:|---|---:|---:|',
  ];
  for (const group of groups.values()) {
    const r0 = group[0];
    const mse = summary(group.map((r) => r.mse));
    const epochs = group.map((r) => `${r.bestEpoch}/${r.epochs}`).join(', ');
    lines.push(
      `| ${r0.target} | ${r0.budget} | ${r0.model} | ${r0.parameters} | ${group.length} | ` +
        `${r0.maxSteps} max (${epochs}) | ${summary(group.map((r) => r.seconds)).median.toFixed(0)} | ` +
        `${e(mse.median)} [${e(mse.min, 1)}, ${e(mse.max, 1)}] | ` +
        `${e(summary(group.map((r) => r.mseMoved)).median)} | ` +
        `${e(summary(group.map((r) => r.spread)).median, 1)} |`,
    );
  }
  return lines;
}

/** One 4D model: a variant of the study with its own architecture and training. */
interface Variant4d extends Variant {
  architecture: string;
  construction?: 'lifted' | 'tied';
  liftedInput?: 'plane' | 'frame';
  convInit?: 'glorot' | 'identity';
  batchSize: number;
  learningRateDecay?: number;
  /** Configuration passes at most (epochs x budget), at every budget. */
  passes: number;
  /** The budgets this variant is trained at (its cost rules out the others). */
  budgets: number[];
  /** Test configurations whose |G| copies give the invariance error. */
  invarianceCount: number;
  /** Test configurations per test set at most (the lifted model's predictions cost 96 plain ones). */
  testLimit?: number;
}

/** A 4D study of one target on 4x8^3 (time last), tested on 4x8^3 and 8x16^3. */
interface Study4d {
  target: string;
  variants: Variant4d[];
}

const dims4d = [8, 8, 8, 4];
const dims4dLarge = [16, 16, 16, 8];
const budgets4d = quick ? [4] : full ? [25, 100, 400, 1600] : [25, 100, 400];
const passes = (n: number): number => (quick ? 8 : n);
/** The charge model of issue 18 (QC): two L-Conv layers build the clover sums C_ab, one
 * bilinear their products. */
const qcArchitecture = 'lconv:6:1,lconv:6:1,lbilin:1,trace,dense:1';

const studies4d: Study4d[] = [
  {
    target: 'charge',
    variants: [
      {
        model: 'L-CNN',
        symmetry: 'none',
        augment: 'none',
        architecture: qcArchitecture,
        convInit: 'identity',
        batchSize: 2,
        passes: passes(1600),
        budgets: budgets4d,
        invarianceCount: 2,
      },
      {
        model: 'L-CNN + augmentation',
        symmetry: 'none',
        augment: 'lattice',
        architecture: qcArchitecture,
        convInit: 'identity',
        batchSize: 2,
        passes: passes(1600),
        budgets: budgets4d,
        invarianceCount: 2,
      },
      {
        // the four clover leaves of every plane at x are lifted-input plaquettes of four
        // orientations: one bilinear layer of the frame input forms q(x) exactly for SU(2)
        // (README, "What each construction can represent"); |G| = 96 times a plain bilinear
        model: 'symmetric L-CNN (lifted, frame input)',
        symmetry: 'lattice',
        augment: 'none',
        architecture: 'lbilin:1,trace,dense:1',
        construction: 'lifted',
        liftedInput: 'frame',
        batchSize: 1,
        learningRateDecay: 0.7,
        passes: passes(200),
        budgets: budgets4d.filter((b) => b <= 100),
        invarianceCount: 1,
        testLimit: 40,
      },
    ],
  },
  {
    target: 'wilson:1x2:mean',
    variants: [
      {
        model: 'L-CNN',
        symmetry: 'none',
        augment: 'none',
        architecture: 'lcb:2:1,trace,dense:1,mean',
        batchSize: 4,
        passes: passes(1600),
        budgets: budgets4d,
        invarianceCount: 4,
      },
      {
        model: 'L-CNN + augmentation',
        symmetry: 'none',
        augment: 'lattice',
        architecture: 'lcb:2:1,trace,dense:1,mean',
        batchSize: 4,
        passes: passes(1600),
        budgets: budgets4d,
        invarianceCount: 4,
      },
      {
        // frame input: the lattice group keeps the spatial and the time-like planes apart
        model: 'symmetric L-CNN (tied, frame input)',
        symmetry: 'lattice',
        augment: 'none',
        architecture: 'lcb:2:1,trace,dense:1,mean',
        construction: 'tied',
        liftedInput: 'frame',
        batchSize: 4,
        passes: passes(1600),
        budgets: budgets4d,
        invarianceCount: 4,
      },
    ],
  },
];

/** One trained 4D model's result. */
interface Row4d {
  part: '4d';
  target: string;
  budget: number;
  model: string;
  seed: number;
  parameters: number;
  steps: number;
  epochs: number;
  bestEpoch: number;
  seconds: number;
  /** Seconds per configuration pass (forward + backward), from the training time. */
  secondsPerPass: number;
  /** Test MSE (per site or per configuration, as the target) on each test set. */
  tests: Record<string, { mse: number; r2: number; mseMoved: number }>;
  /** Test configurations used per test set. */
  testConfigurations: Record<string, number>;
  /** Largest deviation over the copies (invarianceError max) on invarianceCount configurations. */
  invariance: number;
  invarianceConfigurations: number;
}

async function runStudy4d(study: Study4d, rows: Row4d[]): Promise<void> {
  const validation = quick ? 4 : 40;
  const maxTrain = Math.max(...budgets4d);
  const trainFile = await ensemble(
    'su2-4x8x8x8',
    runSpec(dims4d, Math.ceil((maxTrain + validation) / betas.length), false),
  );
  const testFiles: Array<[string, string]> = [
    ['4x8^3', await ensemble('su2-4x8x8x8-test', runSpec(dims4d, quick ? 1 : 10, true))],
    ['8x16^3', await ensemble('su2-8x16x16x16-test', runSpec(dims4dLarge, 1, true))],
  ];
  const target = parseTarget(study.target);
  const data = await Dataset.fromEnsemble(trainFile, target);
  const tests = await Promise.all(
    testFiles.map(async ([name, file]) => {
      const set = await Dataset.fromEnsemble(file, target);
      const group = symmetryGroup(4, 'lattice', set.lattice.dims);
      return { name, set, moved: movedCopy(set, 11, group) };
    }),
  );
  const order = shuffled(data.size, 3);
  const val = order.slice(0, validation);
  const pool = order.slice(validation);
  const seed = 1;
  for (const v of study.variants) {
    for (const budget of v.budgets) {
      const key = `4d-${study.target}-${budget}-${v.model}-seed${seed}`;
      const cached = rowFile(key);
      if (existsSync(cached)) {
        rows.push(JSON.parse(readFileSync(cached, 'utf8')) as Row4d);
        continue;
      }
      const train = pool.slice(0, budget);
      const spec: ModelSpec = {
        N: 2,
        D: 4,
        seed,
        layers: parseArchitecture(v.architecture),
        ...(v.convInit ? { convInit: v.convInit } : {}),
        ...symmetricSpec(v.symmetry, target, false, v.liftedInput, dims4d),
        ...(v.construction === 'tied' ? { construction: 'tied' as const } : {}),
      };
      const model = new Model(spec);
      const epochs = Math.max(1, Math.round(v.passes / budget));
      log(`${key}: training ${v.architecture} (${model.parameterCount} weights, ${epochs} epochs)`);
      const t0 = performance.now();
      const result = await trainModel(
        model,
        data,
        { train, validation: val, test: [] },
        {
          epochs,
          batchSize: v.batchSize,
          learningRate: 1e-2,
          learningRateDecay: v.learningRateDecay ?? 1,
          patience: Math.max(10, Math.round(epochs / 5)),
          seed,
          workers,
          augment: v.augment,
          standardize: true,
        },
      );
      const seconds = (performance.now() - t0) / 1000;
      const row: Row4d = {
        part: '4d',
        target: study.target,
        budget,
        model: v.model,
        seed,
        parameters: model.parameterCount,
        steps: result.history.length * Math.ceil(budget / v.batchSize),
        epochs: result.history.length,
        bestEpoch: result.bestEpoch,
        seconds,
        secondsPerPass: seconds / (result.history.length * (budget + validation)),
        tests: {},
        testConfigurations: {},
        invariance: 0,
        invarianceConfigurations: 0,
      };
      for (const t of tests) {
        // the first testLimit configurations: test sets are in beta order, so take every k-th
        const n = t.set.size;
        const step = v.testLimit === undefined ? 1 : Math.max(1, Math.ceil(n / v.testLimit));
        const indices = Array.from({ length: Math.ceil(n / step) }, (_, i) => i * step);
        const ev = evaluateModel(model, t.set, indices);
        row.tests[t.name] = {
          mse: ev.mse,
          r2: ev.r2,
          mseMoved: evaluateModel(model, t.moved, indices).mse,
        };
        row.testConfigurations[t.name] = indices.length;
      }
      const first = tests[0].set;
      const count = quick ? 1 : v.invarianceCount;
      row.invariance = invarianceError(
        model,
        Array.from({ length: count }, (_, i) => first.field(i)),
        {
          group: symmetryGroup(4, 'lattice', dims4d),
          parity: targetParity(target),
          // a lifted model's input is 96 x 6 matrices per site: few copies per pass
          batchSize: v.testLimit === undefined ? 16 : 2,
        },
      ).max;
      row.invarianceConfigurations = count;
      await writeFileAtomic(cached, [
        new TextEncoder().encode(`${JSON.stringify(row, null, 2)}\n`),
      ]);
      rows.push(row);
      log(
        `${key}: ` +
          Object.entries(row.tests)
            .map(([n, m]) => `${n} MSE ${e(m.mse)} (moved ${e(m.mseMoved)})`)
            .join(', ') +
          `, invariance ${e(row.invariance, 1)}, best epoch ${row.bestEpoch}/${row.epochs} (${seconds.toFixed(0)} s)`,
      );
    }
  }
}

/** The 4D table, one line per (target, budget, model). */
function table4d(rows: Row4d[]): string[] {
  const sorted = [...rows].sort((a, b) => a.target.localeCompare(b.target) || a.budget - b.budget);
  const lines = [
    '| target | train configs | model | weights | steps (best epoch / epochs) | time (s) | ms per configuration pass | 4x8^3: MSE (R^2) | moved | 8x16^3: MSE (R^2) | moved | invariance error |',
    '|---|---:|---|---:|---|---:|---:|---|---:|---|---:|---:|',
  ];
  for (const r of sorted) {
    const t = (name: string): string => {
      const m = r.tests[name];
      return m ? `${e(m.mse)} (${m.r2.toFixed(5)}) | ${e(m.mseMoved)}` : '- | -';
    };
    lines.push(
      `| ${r.target} | ${r.budget} | ${r.model} | ${r.parameters} | ${r.steps} (${r.bestEpoch}/${r.epochs}) | ` +
        `${r.seconds.toFixed(0)} | ${(1000 * r.secondsPerPass).toFixed(1)} | ${t('4x8^3')} | ${t('8x16^3')} | ` +
        `${e(r.invariance, 1)} |`,
    );
  }
  return lines;
}

/** One ensemble size's result: the mean of the first M members. */
interface EnsembleRow {
  part: 'ensemble';
  lattice: string;
  target: string;
  augment: Symmetry;
  members: number;
  mse: number;
  invarianceMax: number;
  invarianceMean: number;
  secondsPerMember: number;
}

/** Members of the largest ensemble; the sizes 1, 2, 4, ..., M are the library's ensembleSizes. */
const ENSEMBLE_MEMBERS = quick ? 2 : 16;

/**
 * Gerken & Kessel (ICML 2024): the mean of M plain networks trained with data augmentation
 * becomes invariant as M grows. 2D 8x8, W(1x2) lattice average, 100 training configurations;
 * members trained alike (the 2D study's steps), with and without augmentation; the symmetric
 * model as the exact reference.
 */
async function runEnsembleStudy(rows: EnsembleRow[]): Promise<void> {
  const dims = [8, 8];
  const targetText = 'wilson:1x2:mean';
  const architecture = 'lcb:2:1,trace,dense:1,mean';
  const budget = quick ? 20 : 100;
  const validation = quick ? 10 : 100;
  const file = await ensemble(
    'su2-8x8',
    runSpec(dims, Math.ceil((1000 + validation) / betas.length), false),
  );
  const testFile = await ensemble('su2-8x8-test', runSpec(dims, quick ? 1 : 20, true));
  const target = parseTarget(targetText);
  const data = await Dataset.fromEnsemble(file, target);
  const testSet = await Dataset.fromEnsemble(testFile, target);
  const order = shuffled(data.size, 3);
  const val = order.slice(0, validation);
  const train = order.slice(validation, validation + budget);
  const fields = Array.from({ length: quick ? 4 : 50 }, (_, i) => testSet.field(i));
  const epochs = Math.max(1, Math.round(MAX_STEPS / Math.ceil(budget / BATCH)));
  for (const augment of ['none', 'rotations+reflections'] as Symmetry[]) {
    const key = `ensemble-8x8-${targetText}-${augment}`;
    if (existsSync(rowFile(key))) {
      rows.push(...(JSON.parse(readFileSync(rowFile(key), 'utf8')) as EnsembleRow[]));
      continue;
    }
    const M = ENSEMBLE_MEMBERS;
    const members: Model[] = [];
    const t0 = performance.now();
    for (let k = 0; k < M; k++) {
      const seed = memberSeed(1, k);
      const member = new Model({ N: 2, D: 2, seed, layers: parseArchitecture(architecture) });
      await trainAlike(member, data, train, val, seed, augment);
      members.push(member);
      log(`${key}: member ${k + 1} of ${M} trained`);
    }
    const secondsPerMember = (performance.now() - t0) / 1000 / M;
    const ens = new EnsembleModel(members);
    await saveModel(
      join(dir, `ensemble-${augment === 'none' ? 'plain' : 'augmented'}.json`),
      ens,
      { target, trainedOn: dims, budget, epochs, augment },
      { force: true },
    );
    const out: EnsembleRow[] = invarianceByEnsembleSize(ens, testSet, { fields }).map((r) => ({
      part: 'ensemble',
      lattice: '8x8',
      target: targetText,
      augment,
      members: r.members,
      mse: r.mse,
      invarianceMax: r.max!,
      invarianceMean: r.mean!,
      secondsPerMember,
    }));
    for (const r of out) {
      log(
        `${key} M=${r.members}: MSE ${e(r.mse)}, invariance error mean ${e(r.invarianceMean)} max ${e(r.invarianceMax)}`,
      );
    }
    await writeFileAtomic(rowFile(key), [
      new TextEncoder().encode(`${JSON.stringify(out, null, 2)}\n`),
    ]);
    rows.push(...out);
  }
}

/** log-log slope of the mean invariance error against M (least squares). */
function slope(rows: EnsembleRow[]): number {
  const xs = rows.map((r) => Math.log(r.members));
  const ys = rows.map((r) => Math.log(r.invarianceMean));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  xs.forEach((x, i) => {
    sxy += (x - mx) * (ys[i] - my);
    sxx += (x - mx) ** 2;
  });
  return sxy / sxx;
}

function tableEnsemble(rows: EnsembleRow[]): string[] {
  const lines = [
    '| members M | augmentation | test MSE of the mean | invariance error: mean | max | train time per member (s) |',
    '|---:|---|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.members} | ${r.augment === 'none' ? 'none' : r.augment} | ${e(r.mse)} | ${e(r.invarianceMean)} | ${e(r.invarianceMax)} | ${r.secondsPerMember.toFixed(0)} |`,
    );
  }
  for (const augment of ['none', 'rotations+reflections']) {
    const part = rows.filter((r) => r.augment === augment);
    if (part.length > 1) {
      lines.push(
        '',
        `Slope of log(mean invariance error) against log M, augmentation ${augment}: ${slope(part).toFixed(2)}.`,
      );
    }
  }
  return lines;
}

/** Every row on disk, by part. */
interface AllRows {
  rows2d: Row[];
  rows4d: Row4d[];
  ensembles: EnsembleRow[];
}

function loadRows(): AllRows {
  const all = readdirSync(rowsDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((f) => {
      const parsed = JSON.parse(readFileSync(join(rowsDir, f), 'utf8')) as unknown;
      return (Array.isArray(parsed) ? parsed : [parsed]) as Array<{ part: string }>;
    });
  return {
    rows2d: all.filter((r) => r.part === '2d') as Row[],
    rows4d: all.filter((r) => r.part === '4d') as Row4d[],
    ensembles: all.filter((r) => r.part === 'ensemble') as EnsembleRow[],
  };
}

function markdown(all: AllRows, minutes: number): string {
  const lines = [
    '# Symmetric L-CNNs: data efficiency and invariance',
    '',
    `Made by \`npm run reproduce:symmetry${full ? ' -- --full' : ''}\` (${minutes.toFixed(0)} min of this run on ${workers} worker threads; rows computed earlier are reused from ${rowsDir}), ${new Date().toISOString().slice(0, 10)}, ${cpus()[0]?.model ?? 'unknown CPU'}.`,
    '',
    '## 2D: 8x8 SU(2), lattice averages of Wilson loops',
    '',
    'beta in linspace(0.1, 6, 10), heatbath + overrelaxation for training and validation',
    '(100 configurations); tests on 200 configurations of an independent chain (heatbath only,',
    'another seed), and on a copy in which each is moved by a random element of the point group',
    `("moved"). Every model is trained alike: at most ${MAX_STEPS} optimiser steps of batch ${BATCH}`,
    'at every budget, learning rate 0.01 (AdamW, AMSGrad), standardised targets, early stopping',
    'on the validation loss (patience a fifth of the epochs, at least 10) with the best weights',
    'restored; 3 seeds each (weights and batch order). Time: wall seconds per model (median over',
    'the seeds) on 2 worker threads. Spread: standard deviation of the predictions over the 8',
    'rotated and reflected copies of a test configuration, mean over 50 configurations.',
    '',
    ...table2d(all.rows2d),
    '',
  ];
  if (all.rows4d.length > 0) {
    lines.push(
      '## 4D: 4x8^3 SU(2), the per-site clover charge density and a loop average',
      '',
      'dims 8,8,8,4 (time last), beta in linspace(0.1, 6, 10), heatbath + overrelaxation;',
      'validation 40 configurations; tests on independent chains: 100 configurations of 4x8^3 and',
      '10 of 8x16^3 (the lifted model: every 3rd of 4x8^3, all of 8x16^3), and copies moved by random elements of the lattice point group (96 elements:',
      'the spatial rotations and reflections times the time reflection; `--symmetry lattice`).',
      'One seed per model. Each model has a cap of configuration passes (epochs x budget): 1,600',
      'for the plain and tied models, 200 for the lifted ones, whose pass',
      'costs 96 plain ones; learning rate 0.01, standardised targets, early stopping as in 2D.',
      'Invariance error: the largest deviation of a prediction over the 96 copies of a test',
      'configuration (per site, the charge moved with det g), on 1-4 configurations. The tied',
      'construction cannot represent the charge (its features are invariant; refused).',
      '',
      ...table4d(all.rows4d),
      '',
    );
  }
  if (all.ensembles.length > 0) {
    lines.push(
      '## Ensembles: emergent invariance (Gerken & Kessel, ICML 2024)',
      '',
      '2D 8x8, W(1x2) lattice average, `lcb:2:1,trace,dense:1,mean`, 100 training configurations,',
      `each member trained like the 2D models (at most ${MAX_STEPS} steps, early stopping), member k`,
      'seeded memberSeed(1, k); the mean of the first M members. Invariance error: the largest',
      'deviation of the prediction over the 8 copies of a test configuration from their mean;',
      'mean and max over 50 test configurations. The symmetric model: below 1e-15 (2D table).',
      '',
      ...tableEnsemble(all.ensembles),
      '',
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const t0 = performance.now();
  if (only === undefined || only === '2d') {
    for (const study of studies2d) await runStudy2d(study, []);
  }
  if (only === undefined || only === 'ensemble') await runEnsembleStudy([]);
  if (only === undefined || only === '4d') {
    for (const study of studies4d) {
      if (onlyTarget === undefined || study.target === onlyTarget) await runStudy4d(study, []);
    }
  }
  const minutes = (performance.now() - t0) / 60000;
  const all = loadRows();
  const md = markdown(all, minutes);
  process.stdout.write(md);
  if (!quick) {
    mkdirSync(join('data', 'validation'), { recursive: true });
    writeFileSync(join('data', 'validation', 'reproduce-symmetry.md'), md);
    writeFileSync(
      join('data', 'validation', 'reproduce-symmetry.json'),
      `${JSON.stringify({ minutes, ...all }, null, 2)}\n`,
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
