/**
 * `npm run reproduce`: the 1+1D study of Favoni, Ipp, Mueller, Schuh, "Lattice gauge
 * equivariant convolutional neural networks", PRL 128 (2022) 032003 (arXiv:2012.12901).
 *
 * SU(2), beta in linspace(0.1, 6.0, 10), Metropolis with 10 hits of step 0.5 (the paper's
 * data); train on 8x8, test on 16x16, 32x32, 64x64; targets the per-site Wilson loops
 * W(1x1), W(1x2), W(2x2), W(4x4); L-CNNs of stacked L-CB layers against the baseline CNN.
 *
 *   npm run reproduce                 # reduced sizes (see the README for the run time)
 *   npm run reproduce -- --full       # the paper's sizes (1000/100/100 per beta; hours)
 *   npm run reproduce -- --quick      # a smoke test
 *
 * Writes data/validation/reproduce-prl2022.{md,json} (not with --quick).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Dataset, splitDataset } from '../src/lcnn/dataset.js';
import { evaluateModel } from '../src/lcnn/evaluation.js';
import { parseArchitecture } from '../src/lcnn/architecture.js';
import { Model } from '../src/lcnn/model.js';
import { parseTarget } from '../src/lcnn/targets.js';
import { trainModel } from '../src/lcnn/training/lcnn.js';
import { generateEnsemble, type RunSpec } from '../src/montecarlo/generate.js';
import { BaselineCnn } from '../src/lcnn/baseline/index.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const full = args.includes('--full');
const workers = Math.max(1, Math.min(2, cpus().length));
const sizes = full
  ? {
      train: 1000,
      validation: 100,
      test: 100,
      thermalization: 2000,
      separation: 100,
      epochs: 100,
      testLattices: [16, 32, 64],
    }
  : quick
    ? {
        train: 10,
        validation: 4,
        test: 4,
        thermalization: 50,
        separation: 5,
        epochs: 2,
        testLattices: [16],
      }
    : {
        train: 100,
        validation: 20,
        test: 20,
        thermalization: 500,
        separation: 20,
        epochs: 40,
        testLattices: [16, 32, 64],
      };
const betas = Array.from({ length: 10 }, (_, i) => Number((0.1 + (i * 5.9) / 9).toFixed(4)));
const dir = join('data', 'reproduce', full ? 'full' : quick ? 'quick' : 'default');
mkdirSync(dir, { recursive: true });

function log(text: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${text}\n`);
}

async function ensemble(L: number, perBeta: number, seed: number): Promise<string> {
  const output = join(dir, `su2-${L}x${L}.h5`);
  if (existsSync(output)) return output;
  const spec: RunSpec = {
    N: 2,
    dims: [L, L],
    betas,
    algorithm: { kind: 'metropolis', hits: 10, step: 0.5 },
    thermalization: sizes.thermalization,
    separation: sizes.separation,
    configurations: perBeta,
    seed,
    start: 'hot',
    reunitarizeEvery: 10,
    measurements: { wilsonLoops: 2, polyakovLoop: false, topologicalCharge: false },
  };
  log(`generating ${output} (${perBeta} configurations per beta)`);
  let last = 0;
  await generateEnsemble(spec, {
    output,
    workers,
    resume: true,
    onProgress: (p) => {
      const pct = Math.floor((100 * p.done) / p.total);
      if (pct >= last + 10) {
        last = pct;
        log(`  ${output}: ${pct}%`);
      }
    },
  });
  return output;
}

/** L-CNN architectures after the paper: 1, 1, 2, 4 L-CB layers for 1x1, 1x2, 2x2, 4x4. */
const targets: Array<{ name: string; target: string; architecture: string }> = [
  { name: 'W(1x1)', target: 'wilson:1x1', architecture: 'lcb:2:1,trace,dense:1' },
  { name: 'W(1x2)', target: 'wilson:1x2', architecture: 'lcb:4:1,trace,dense:1' },
  { name: 'W(2x2)', target: 'wilson:2x2', architecture: 'lcb:4:1,lcb:4:2,trace,dense:1' },
  {
    name: 'W(4x4)',
    target: 'wilson:4x4',
    architecture: 'lcb:4:1,lcb:4:1,lcb:4:2,lcb:4:2,trace,dense:1',
  },
];

interface Row {
  target: string;
  model: string;
  parameters: number;
  lattice: string;
  mse: number;
  r2: number;
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const trainFile = await ensemble(8, sizes.train + sizes.validation, 1);
  const testFiles = new Map<number, string>();
  for (const [k, L] of sizes.testLattices.entries())
    testFiles.set(L, await ensemble(L, sizes.test, 10 + k));
  const rows: Row[] = [];
  for (const t of targets) {
    const target = parseTarget(t.target);
    const data = await Dataset.fromEnsemble(trainFile, target);
    const split = splitDataset(
      data,
      { validation: sizes.validation / (sizes.train + sizes.validation), test: 0 },
      1,
    );
    const tests = new Map<number, Dataset>();
    for (const [L, file] of testFiles) tests.set(L, await Dataset.fromEnsemble(file, target));

    log(`training the L-CNN ${t.architecture} on ${t.name}`);
    const model = new Model({ N: 2, D: 2, layers: parseArchitecture(t.architecture), seed: 1 });
    await trainModel(model, data, split, {
      epochs: sizes.epochs,
      batchSize: 16,
      learningRate: 0.01,
      patience: 10,
      seed: 1,
      workers,
    });
    const train = evaluateModel(model, data, split.validation);
    rows.push({
      target: t.name,
      model: 'L-CNN',
      parameters: model.parameterCount,
      lattice: '8x8 (validation)',
      mse: train.mse,
      r2: train.r2,
    });
    for (const [L, d] of tests) {
      const e = evaluateModel(model, d);
      rows.push({
        target: t.name,
        model: 'L-CNN',
        parameters: model.parameterCount,
        lattice: `${L}x${L}`,
        mse: e.mse,
        r2: e.r2,
      });
    }

    log(`training the baseline CNN on ${t.name}`);
    const cnn = new BaselineCnn({ type: 'cnn', layers: [16, 16, 16], kernel: 3 }, 2, 2, true, 1);
    await cnn.train(data, split, {
      epochs: sizes.epochs,
      batchSize: 16,
      learningRate: 0.003,
      patience: 10,
      seed: 1,
    });
    const cnnTrain = cnn.evaluate(data, split.validation);
    rows.push({
      target: t.name,
      model: 'CNN',
      parameters: cnn.parameterCount,
      lattice: '8x8 (validation)',
      mse: cnnTrain.mse,
      r2: cnnTrain.r2,
    });
    for (const [L, d] of tests) {
      const all = Array.from({ length: d.size }, (_, i) => i);
      const e = cnn.evaluate(d, all);
      rows.push({
        target: t.name,
        model: 'CNN',
        parameters: cnn.parameterCount,
        lattice: `${L}x${L}`,
        mse: e.mse,
        r2: e.r2,
      });
    }
    for (const r of rows.filter((r) => r.target === t.name)) {
      log(
        `  ${r.model.padEnd(6)} ${r.lattice.padEnd(17)} MSE ${r.mse.toExponential(2)}  R^2 ${r.r2.toFixed(5)}`,
      );
    }
  }
  const minutes = (performance.now() - t0) / 60000;
  const command = `npm run reproduce${args.length ? ` -- ${args.join(' ')}` : ''}`;
  const lines = [
    '# Reproduction: PRL 128 (2022) 032003, 1+1D SU(2)',
    '',
    `Command: \`${command}\` (${minutes.toFixed(0)} minutes on ${cpus().length} cores, ${cpus()[0]?.model ?? ''}, Node ${process.version}).`,
    '',
    `Data: Metropolis, 10 hits of step 0.5, beta = linspace(0.1, 6.0, 10); per beta ${sizes.train} training and ${sizes.validation} validation configurations on 8x8 and ${sizes.test} test configurations per test lattice; ${sizes.thermalization} sweeps of thermalisation, ${sizes.separation} between configurations. Targets: per-site (1/N) Re tr W(RxT), averaged over orientations. Training: AdamW (AMSGrad), batch 16, up to ${sizes.epochs} epochs with early stopping on the validation loss.`,
    '',
    '| target | model | weights | lattice | MSE | R^2 |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.target} | ${r.model} | ${r.parameters} | ${r.lattice} | ${r.mse.toExponential(2)} | ${r.r2.toFixed(5)} |`,
    ),
  ];
  const text = `${lines.join('\n')}\n`;
  process.stdout.write(text);
  if (!quick) {
    mkdirSync('data/validation', { recursive: true });
    writeFileSync(`data/validation/reproduce-prl2022${full ? '-full' : ''}.md`, text);
    writeFileSync(
      `data/validation/reproduce-prl2022${full ? '-full' : ''}.json`,
      JSON.stringify({ command, sizes, rows }, null, 2),
    );
  }
}

await main();
