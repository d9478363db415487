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
 *   npm run reproduce:symmetry                  # 2D budgets 100 and 1,000, 3 seeds
 *   npm run reproduce:symmetry -- --full        # adds the 10,000-configuration budget
 *   npm run reproduce:symmetry -- --quick       # a smoke test
 *   npm run reproduce:symmetry -- --only 2d     # one part
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
import { Model } from '../src/lcnn/model.js';
import { symmetryGroup, type Symmetry } from '../src/lcnn/symmetry.js';
import { parseTarget } from '../src/lcnn/targets.js';
import { trainModel } from '../src/lcnn/training/lcnn.js';
import { generateEnsemble, type RunSpec } from '../src/montecarlo/generate.js';
import { Xoshiro128 } from '../src/core/rng.js';
import { writeFileAtomic } from '../src/core/atomicWrite.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const full = args.includes('--full');
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const workers = Math.max(1, Math.min(2, cpus().length));
const mode = full ? 'full' : quick ? 'quick' : 'default';
const dir = join('data', 'reproduce', 'symmetry', mode);
const rowsDir = join(dir, 'rows');
mkdirSync(rowsDir, { recursive: true });
const betas = Array.from({ length: 10 }, (_, i) => Number((0.1 + (i * 5.9) / 9).toFixed(4)));
const seeds = quick ? [1] : [1, 2, 3];

function log(text: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${text}\n`);
}

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

/** Configurations moved by seeded random elements of the full point group. */
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
    // patience in epochs: a fifth of the run, at least 10 epochs
    const patience = Math.max(10, Math.round(epochs / 5));
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
        const result = await trainModel(
          model,
          data,
          { train, validation: val, test: [] },
          {
            epochs,
            batchSize: BATCH,
            learningRate: 0.01,
            patience,
            seed,
            workers,
            augment: v.augment,
            // as lgt train does: the network fits targets of unit scale
            standardize: true,
          },
        );
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

function markdown(rows: Row[], minutes: number): string {
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
    '("moved"). Every model is trained alike: at most',
    `${MAX_STEPS} optimiser steps of batch ${BATCH} at every budget, learning rate 0.01 (AdamW,`,
    'AMSGrad), standardised targets, early stopping on the validation loss (patience a fifth of the epochs, at least',
    '10) with the best weights restored; 3 seeds each (weights and batch order). Spread: standard',
    'deviation of the predictions over the 8 rotated and reflected copies of a test',
    'configuration, mean over 50 configurations.',
    '',
    ...table2d(rows),
    '',
  ];
  return lines.join('\n');
}

function loadRows(): Row[] {
  return readdirSync(rowsDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(rowsDir, f), 'utf8')) as Row);
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const rows: Row[] = [];
  if (only === undefined || only === '2d') {
    for (const study of studies2d) await runStudy2d(study, rows);
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
      `${JSON.stringify({ minutes, rows: all }, null, 2)}\n`,
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
