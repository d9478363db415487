/**
 * `npm run reproduce:symmetry`: does knowing the lattice's rotations and reflections make an
 * L-CNN need less data? (Aronsson, Mueller & Schuh, arXiv:2303.11448.)
 *
 * 2D SU(2) on 8x8, beta in linspace(0.1, 6.0, 10) (the PRL 128 (2022) 032003 ensembles, here
 * from the heatbath), lattice averages of Wilson loops as targets (invariant under the point
 * group). For each budget of training configurations, the same architecture three ways:
 * plain L-CNN, plain L-CNN with data augmentation by random point elements, and the symmetric
 * L-CNN (rotations+reflections). Reported: test MSE on the original test set and on a copy in
 * which every configuration is moved by a random element of the group, and the spread (standard
 * deviation) of each model's predictions over the 8 transformed copies of a configuration. A 4D
 * part (SU(2) on 4^4, all 384 elements) does the same at a small size.
 *
 *   npm run reproduce:symmetry                 # budgets 100 and 1,000 (see README for the time)
 *   npm run reproduce:symmetry -- --full       # adds the 10,000-configuration budget
 *   npm run reproduce:symmetry -- --quick      # a smoke test
 *
 * Writes data/validation/reproduce-symmetry.{md,json} (not with --quick).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { GaugeField } from '../src/lattice/gaugeField.js';
import { transformGaugeField } from '../src/lattice/symmetryActions.js';
import { Dataset } from '../src/lcnn/dataset.js';
import { evaluateModel } from '../src/lcnn/evaluation.js';
import { parseArchitecture, symmetricSpec } from '../src/lcnn/architecture.js';
import { predict } from '../src/lcnn/gradient.js';
import { Model } from '../src/lcnn/model.js';
import { symmetryGroup, type Symmetry } from '../src/lcnn/symmetry.js';
import { parseTarget } from '../src/lcnn/targets.js';
import { trainModel } from '../src/lcnn/training/lcnn.js';
import { generateEnsemble, type RunSpec } from '../src/montecarlo/generate.js';
import { Xoshiro128 } from '../src/core/rng.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const full = args.includes('--full');
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const workers = Math.max(1, Math.min(2, cpus().length));
const budgets = quick ? [20] : full ? [100, 1000, 10000] : [100, 1000];
const betas = Array.from({ length: 10 }, (_, i) => Number((0.1 + (i * 5.9) / 9).toFixed(4)));
const dir = join('data', 'reproduce', 'symmetry', full ? 'full' : quick ? 'quick' : 'default');
mkdirSync(dir, { recursive: true });

function log(text: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${text}\n`);
}

async function ensemble(name: string, spec: RunSpec): Promise<string> {
  const output = join(dir, `${name}.h5`);
  if (existsSync(output)) return output;
  log(`generating ${output} (${spec.configurations} configurations per beta)`);
  await generateEnsemble(spec, { output, workers, resume: true });
  return output;
}

interface Study {
  name: string;
  dims: number[];
  target: string;
  architecture: string;
  budgets: number[];
  epochs: (budget: number) => number;
  mixOrientations: boolean;
  /** Validation configurations (early stopping). */
  validation: number;
  /** Test configurations. */
  test: number;
  /** Configurations whose |G| copies are predicted for the spread (|G| = 384 in 4D). */
  spreadCount: number;
}

interface Row {
  study: string;
  target: string;
  budget: number;
  model: string;
  parameters: number;
  epochs: number;
  seconds: number;
  mse: number;
  mseTransformed: number;
  spread: number;
}

const variants: Array<{ model: string; symmetry: Symmetry; augment: Symmetry }> = [
  { model: 'L-CNN', symmetry: 'none', augment: 'none' },
  { model: 'L-CNN + augmentation', symmetry: 'none', augment: 'rotations+reflections' },
  { model: 'symmetric L-CNN', symmetry: 'rotations+reflections', augment: 'none' },
];

/** Test configurations moved by seeded random elements of the full point group. */
function movedCopy(data: Dataset, seed: number): Dataset {
  const group = symmetryGroup(data.lattice.D, 'rotations+reflections');
  const rng = new Xoshiro128(seed);
  const fields: GaugeField[] = [];
  for (let i = 0; i < data.size; i++) {
    const r = Math.floor(rng.uniform() * group.size);
    fields.push(transformGaugeField(data.field(i), group.elements[r]));
  }
  return Dataset.fromFields(fields, data.target, data.beta);
}

/** Mean over configurations of the standard deviation of the predictions over all |G| copies. */
function spread(model: Model, data: Dataset, count: number): number {
  const group = symmetryGroup(data.lattice.D, 'rotations+reflections');
  let sum = 0;
  for (let i = 0; i < count; i++) {
    const copies = Dataset.fromFields(
      group.elements.map((R) => transformGaugeField(data.field(i), R)),
      data.target,
    );
    const p = predict(
      model,
      copies,
      group.elements.map((_, k) => k),
    );
    const mean = p.reduce((a, b) => a + b, 0) / p.length;
    sum += Math.sqrt(p.reduce((a, b) => a + (b - mean) ** 2, 0) / p.length);
  }
  return sum / count;
}

async function runStudy(study: Study, rows: Row[]): Promise<void> {
  const D = study.dims.length;
  const maxTrain = Math.max(...study.budgets);
  const { validation, test: testCount } = study;
  const perBeta = Math.ceil((maxTrain + validation + testCount) / betas.length);
  const file = await ensemble(`su2-${study.dims.join('x')}`, {
    N: 2,
    dims: study.dims,
    betas,
    algorithm: { kind: 'heatbath', overrelaxation: 1 },
    thermalization: quick ? 20 : 200,
    separation: quick ? 2 : 10,
    configurations: perBeta,
    seed: 7,
    start: 'hot',
    reunitarizeEvery: 10,
    measurements: { wilsonLoops: 1, polyakovLoop: false, topologicalCharge: false },
  });
  const target = parseTarget(study.target);
  const data = await Dataset.fromEnsemble(file, target);
  // a seeded shuffle, then test | validation | training pool: every budget sees the same
  // test and validation configurations, and larger budgets contain the smaller ones
  const order = Array.from({ length: data.size }, (_, i) => i);
  const rng = new Xoshiro128(3);
  for (let k = order.length - 1; k > 0; k--) {
    const j = Math.floor(rng.uniform() * (k + 1));
    [order[k], order[j]] = [order[j], order[k]];
  }
  const test = order.slice(0, testCount);
  const val = order.slice(testCount, testCount + validation);
  const pool = order.slice(testCount + validation);
  const testSet = Dataset.fromFields(
    test.map((i) => data.field(i)),
    target,
    test.map((i) => data.beta[i]),
  );
  const movedTest = movedCopy(testSet, 11);
  for (const budget of study.budgets) {
    const train = pool.slice(0, budget);
    for (const v of variants) {
      const spec = {
        N: 2,
        D,
        seed: 1,
        layers: parseArchitecture(study.architecture),
        ...symmetricSpec(v.symmetry, target, study.mixOrientations),
      };
      const model = new Model(spec);
      const epochs = study.epochs(budget);
      const t0 = performance.now();
      const result = await trainModel(
        model,
        data,
        { train, validation: val, test: [] },
        {
          epochs,
          batchSize: 16,
          learningRate: 0.01,
          patience: 10,
          seed: 1,
          workers,
          augment: v.augment,
        },
      );
      const seconds = (performance.now() - t0) / 1000;
      const row: Row = {
        study: study.name,
        target: study.target,
        budget,
        model: v.model,
        parameters: model.parameterCount,
        epochs: result.history.length,
        seconds,
        mse: evaluateModel(model, testSet).mse,
        mseTransformed: evaluateModel(model, movedTest).mse,
        spread: spread(model, testSet, study.spreadCount),
      };
      rows.push(row);
      log(
        `${study.name} ${study.target} ${String(budget).padStart(5)} ${v.model.padEnd(22)} ` +
          `MSE ${row.mse.toExponential(2)} moved ${row.mseTransformed.toExponential(2)} ` +
          `spread ${row.spread.toExponential(2)} (${seconds.toFixed(0)} s)`,
      );
    }
  }
}

const studies: Study[] = [
  {
    name: '2D 8x8',
    dims: [8, 8],
    target: 'wilson:1x2:mean',
    architecture: 'lcb:2:1,trace,dense:1,mean',
    budgets,
    epochs: (b) => (b <= 100 ? 60 : b <= 1000 ? 20 : 8),
    mixOrientations: true,
    validation: quick ? 10 : 100,
    test: quick ? 10 : 200,
    spreadCount: quick ? 4 : 50,
  },
  {
    name: '2D 8x8',
    dims: [8, 8],
    target: 'wilson:2x2:mean',
    architecture: 'lcb:4:1,lcb:4:2,trace,dense:1,mean',
    budgets: budgets.filter((b) => b <= 1000),
    epochs: (b) => (b <= 100 ? 60 : 10),
    mixOrientations: false,
    validation: quick ? 10 : 100,
    test: quick ? 10 : 200,
    spreadCount: quick ? 4 : 50,
  },
  {
    name: '4D 4^4',
    dims: [4, 4, 4, 4],
    target: 'wilson:1x1:mean',
    architecture: 'lcb:1:1,trace,dense:1,mean',
    budgets: quick ? [4] : [20],
    epochs: () => (quick ? 1 : 40),
    mixOrientations: false,
    validation: quick ? 4 : 20,
    test: quick ? 4 : 40,
    spreadCount: quick ? 1 : 2,
  },
];

function markdown(rows: Row[], minutes: number): string {
  const lines = [
    '# Symmetric L-CNNs: data efficiency and invariance',
    '',
    `Made by \`npm run reproduce:symmetry${full ? ' -- --full' : ''}\` in ${minutes.toFixed(0)} min on ${workers} worker threads (${new Date().toISOString().slice(0, 10)}).`,
    'SU(2), beta in linspace(0.1, 6, 10), heatbath + overrelaxation; test set of',
    '200 configurations in 2D and 40 in 4D (the "moved" column: each moved by a random element of the',
    'point group, targets recomputed); spread: standard deviation of the predictions over the',
    '|G| transformed copies of a configuration (8 in 2D, 384 in 4D), averaged over 50 test',
    'configurations in 2D and 2 in 4D.',
    '',
    '| lattice | target | train configs | model | weights | epochs | time (s) | test MSE | moved test MSE | spread over G |',
    '|---|---|---:|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.study} | ${r.target} | ${r.budget} | ${r.model} | ${r.parameters} | ${r.epochs} | ${r.seconds.toFixed(0)} | ${r.mse.toExponential(2)} | ${r.mseTransformed.toExponential(2)} | ${r.spread.toExponential(1)} |`,
    ),
    '',
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const rows: Row[] = [];
  for (const study of studies) {
    if (only === '2d' && study.dims.length !== 2) continue;
    if (only === '4d' && study.dims.length !== 4) continue;
    await runStudy(study, rows);
  }
  const minutes = (performance.now() - t0) / 60000;
  const md = markdown(rows, minutes);
  process.stdout.write(md);
  if (!quick) {
    mkdirSync(join('data', 'validation'), { recursive: true });
    const suffix = only ? `-${only}` : '';
    writeFileSync(join('data', 'validation', `reproduce-symmetry${suffix}.md`), md);
    writeFileSync(
      join('data', 'validation', `reproduce-symmetry${suffix}.json`),
      `${JSON.stringify({ minutes, rows }, null, 2)}\n`,
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
