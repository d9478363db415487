import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { twoDimensionalSpec } from '../helpers.js';
import { captureEachTest, cli } from '../cliOutput.js';
import { main } from '../../src/cli/program.js';
import { generateEnsemble, type RunSpec } from '../../src/montecarlo/generate.js';
import { loadModel } from '../../src/lcnn/modelFile.js';

let dir: string;
let train: string;
let test: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lgt-train-'));
  train = join(dir, 'train.h5');
  test = join(dir, 'test.h5');
  const spec = (L: number, n: number, seed: number): RunSpec =>
    twoDimensionalSpec(L, n, seed, {
      thermalization: 20,
      measurements: { wilsonLoops: 1, polyakovLoop: false, topologicalCharge: false },
    });
  await generateEnsemble(spec(6, 20, 1), { output: train });
  await generateEnsemble(spec(12, 4, 2), { output: test });
});

captureEachTest();

describe('lgt train, eval and predict', () => {
  it('train an L-CNN for W(1x2), write the metrics log, and evaluate it on a larger lattice per beta', async () => {
    const model = join(dir, 'w12.json');
    const metrics = join(dir, 'metrics.jsonl');
    const args = [
      'train',
      '--data',
      train,
      '-o',
      model,
      '--target',
      'wilson:1x2',
      '--architecture',
      'lcb:2:1,trace,dense:1',
    ];
    expect(
      await main([
        ...args,
        '--epochs',
        '150',
        '--patience',
        '0',
        '--lr',
        '0.02',
        '--metrics',
        metrics,
        '--json',
        '--no-progress',
      ]),
    ).toBe(0);
    const summary = JSON.parse(cli.stdout);
    expect(summary).toMatchObject({ output: model, parameters: 45, epochs: 150 });
    expect(summary.test.r2).toBeGreaterThan(0.999);
    const lines = readFileSync(metrics, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(150);
    expect(Object.keys(lines[0])).toEqual([
      'epoch',
      'trainLoss',
      'validationLoss',
      'validationR2',
      'learningRate',
      'seconds',
    ]);
    cli.stdout = '';
    expect(await main(['eval', model, test, '--json'])).toBe(0);
    const e = JSON.parse(cli.stdout);
    expect(e).toMatchObject({ target: 'wilson:1x2', lattice: [12, 12] });
    expect(e.perBeta.map((b: { beta: number }) => b.beta)).toEqual([1.5, 3]);
    expect(e.r2).toBeGreaterThan(0.999);
    cli.stdout = '';
    const out = join(dir, 'predictions.json');
    expect(await main(['predict', model, test, '-o', out, '--json'])).toBe(0);
    const predictions = JSON.parse(readFileSync(out, 'utf8'));
    expect(predictions.configurations).toHaveLength(8);
    expect(
      Math.abs(predictions.configurations[0].prediction - predictions.configurations[0].target),
    ).toBeLessThan(0.01);
  });

  it('print the site-averaged test MSE beside the per-site one, only for a per-site target', async () => {
    for (const target of ['wilson:1x1', 'wilson:1x1:mean']) {
      const name = target.replace(/:/g, '-');
      const args = ['train', '--data', train, '--target', target, '--epochs', '1'];
      const layers = target.endsWith(':mean')
        ? 'lcb:1:1,trace,dense:1,mean'
        : 'lcb:1:1,trace,dense:1';
      const run = [...args, '--architecture', layers, '--no-progress'];
      cli.stdout = '';
      expect(await main([...run, '-o', join(dir, `${name}.json`), '--json'])).toBe(0);
      const t = JSON.parse(cli.stdout).test;
      cli.stdout = '';
      expect(await main([...run, '-o', join(dir, `${name}-text.json`)])).toBe(0);
      const line = cli.stdout.trim().split('\n').at(-1);
      const perValue = `test: MSE ${t.mse.toExponential(3)}, R^2 ${t.r2.toFixed(6)} (${t.n} values)`;
      expect(line).toBe(
        target.endsWith(':mean')
          ? perValue
          : `${perValue}; site-averaged MSE ${t.siteAveraged.mse.toExponential(3)} (${t.siteAveraged.n} configurations)`,
      );
    }
  });

  it('train the baseline CNN through the same command with --model cnn', async () => {
    const model = join(dir, 'cnn.json');
    expect(
      await main([
        'train',
        '--data',
        train,
        '-o',
        model,
        '--model',
        'cnn',
        '--cnn-layers',
        '4',
        '--cnn-kernel',
        '2',
        '--epochs',
        '2',
        '--json',
        '--no-progress',
      ]),
    ).toBe(0);
    expect(JSON.parse(cli.stdout).output).toBe(model);
    cli.stdout = '';
    expect(await main(['eval', model, test, '--json'])).toBe(0);
    expect(JSON.parse(cli.stdout).lattice).toEqual([12, 12]);
  });

  it('train a symmetric L-CNN with augmentation, save its symmetry, evaluate it on a larger lattice', async () => {
    const model = join(dir, 'symmetric.json');
    expect(
      await main([
        'train',
        '--data',
        train,
        '-o',
        model,
        '--target',
        'wilson:1x2:mean',
        '--architecture',
        'lcb:1:1,trace,dense:1,mean',
        '--symmetry',
        'rotations+reflections',
        '--no-mix-orientations',
        '--augment',
        'rotations',
        '--epochs',
        '3',
        '--json',
        '--no-progress',
      ]),
    ).toBe(0);
    const saved = JSON.parse(readFileSync(model, 'utf8'));
    expect(saved.spec).toMatchObject({
      symmetry: 'rotations+reflections',
      parity: 'scalar',
      mixOrientations: false,
      liftedInput: 'frame', // the default of lgt train, the same as 'plane' in 2D
    });
    cli.stdout = '';
    expect(await main(['eval', model, test, '--json'])).toBe(0);
    expect(JSON.parse(cli.stdout).lattice).toEqual([12, 12]);
    cli.stderr = '';
    // a per-site Wilson loop is not invariant: refused with the reason and the alternative
    expect(
      await main([
        'train',
        '--data',
        train,
        '-o',
        join(dir, 'y.json'),
        '--target',
        'wilson:1x2',
        '--symmetry',
        'rotations',
      ]),
    ).toBe(2);
    expect(cli.stderr).toMatch(/quadrant.*use wilson:1x2:clover.*or wilson:1x2:mean/);
    cli.stderr = '';
    expect(
      await main(['train', '--data', train, '-o', join(dir, 'y.json'), '--symmetry', 'cubic']),
    ).toBe(2);
    expect(cli.stderr).toMatch(
      /invalid --symmetry "cubic": expected none, rotations, rotations\+reflections, lattice or lattice-rotations/,
    );
    cli.stderr = '';
    const sideways = ['--symmetry', 'rotations', '--lifted-input', 'sideways'];
    expect(await main(['train', '--data', train, '-o', join(dir, 'y.json'), ...sideways])).toBe(2);
    expect(cli.stderr).toMatch(/invalid --lifted-input "sideways": expected plane or frame/);
    expect(existsSync(join(dir, 'y.json'))).toBe(false);
  });

  it('train the same weights with --kernels ts and --kernels wasm', async () => {
    const weights: number[][] = [];
    for (const kernels of ['ts', 'wasm']) {
      const output = join(dir, `k-${kernels}.json`);
      const args = ['train', '--data', train, '-o', output, '--target', 'wilson:2x2'];
      const more = ['--architecture', 'lcb:2:1,lcb:2:2,trace,dense:1', '--epochs', '3'];
      const run = [...args, ...more, '--kernels', kernels, '--json', '--no-progress'];
      expect(await main(run)).toBe(0);
      weights.push(Array.from(loadModel(output).model.getWeights()));
    }
    expect(weights[1]).toEqual(weights[0]);
  });

  it('refuse bad input with messages that name it, and never overwrite a model', async () => {
    expect(
      await main(['train', '--data', train, '-o', join(dir, 'x.json'), '--target', 'wilson']),
    ).toBe(2);
    expect(cli.stderr).toMatch(
      /invalid --target "wilson": expected wilson:RxT, wilson:RxT@MN, wilson:RxT:clover, polyakov, charge, charge:plaquette or energy/,
    );
    cli.stderr = '';
    expect(
      await main([
        'train',
        '--data',
        train,
        '-o',
        join(dir, 'x.json'),
        '--architecture',
        'lcb:2:1,conv2d,trace',
      ]),
    ).toBe(2);
    expect(cli.stderr).toMatch(/conv2d/);
    cli.stderr = '';
    expect(await main(['train', '--data', train, '-o', join(dir, 'x.json'), '--lr', '-1'])).toBe(2);
    expect(cli.stderr).toMatch(/invalid --lr "-1": expected a positive number/);
    cli.stderr = '';
    expect(
      await main(['train', '--data', train, '-o', join(dir, 'x.json'), '--kernels', 'gpu']),
    ).toBe(2);
    expect(cli.stderr).toMatch(/invalid --kernels "gpu": expected one of ts, wasm, auto/);
    cli.stderr = '';
    expect(await main(['eval', join(dir, 'missing.json'), test])).toBe(2);
    expect(cli.stderr).toMatch(/missing\.json: no such file/);
    expect(existsSync(join(dir, 'x.json'))).toBe(false);
  });
});
