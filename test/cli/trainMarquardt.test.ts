/**
 * `lgt train --marquardt` through the built CLI in child processes: after Adam,
 * Levenberg-Marquardt takes a target the model represents exactly (W(1x2) with one L-CB layer)
 * to rounding level, and the L-BFGS finish runs after it; what each did is in --json, in the
 * text output and in the model file; a config file gives the same model as the flags; bad uses
 * are refused in one line, exit 2, before any work.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLgt } from '../cliProcess.js';
import type { LbfgsFinishResult } from '../../src/lcnn/training/lbfgsFinish.js';
import type { MarquardtFinishResult } from '../../src/lcnn/training/marquardtFinish.js';
import { readJson, w12TrainArgs, writeRoughEnsemble } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'lgt-train-marquardt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let data: string;

beforeAll(async () => {
  data = await writeRoughEnsemble(join(dir, 'rough-6x6.h5'), [6, 6], 24, {
    seed: 43,
    epsilon: (k) => 0.5 + 0.1 * (k % 5),
  });
});

const trainArgs = (output: string, ...extra: string[]): string[] =>
  w12TrainArgs(data, output, '--epochs', '2', ...extra);

interface ModelFile {
  weights: number[];
  info: {
    training: { marquardt?: unknown };
    marquardt?: MarquardtFinishResult;
    lbfgs?: LbfgsFinishResult;
  };
}

const read = (path: string): ModelFile => readJson<ModelFile>(path);

describe('lgt train --marquardt', () => {
  it('refines the trained model to rounding level, and says so in --json, the text and the model file', () => {
    const flags = join(dir, 'flags.json');
    const r = runLgt(
      trainArgs(
        flags,
        '--marquardt',
        '30',
        '--marquardt-configurations',
        '6',
        '--lbfgs',
        '20',
        '--json',
      ),
    );
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as {
      marquardt: MarquardtFinishResult;
      lbfgs: LbfgsFinishResult;
      bestValidationLoss: number;
    };
    const m = summary.marquardt;
    expect(Object.keys(m).sort()).toEqual(
      [
        'configurations',
        'iterations',
        'jacobians',
        'kept',
        'marquardtTrainLoss',
        'marquardtValidationLoss',
        'stop',
        'trainLoss',
        'validationLoss',
      ].sort(),
    );
    expect(m.configurations).toBe(6);
    expect(m.validationLoss).toBe(summary.bestValidationLoss);
    expect(m.kept).toBe(true);
    expect(m.marquardtValidationLoss).toBeLessThan(1e-24);
    expect(m.validationLoss).toBeGreaterThan(1e10 * m.marquardtValidationLoss);
    // L-BFGS starts where Levenberg-Marquardt left off
    expect(summary.lbfgs.validationLoss).toBe(m.marquardtValidationLoss);
    const file = read(flags);
    expect(file.info.marquardt).toEqual(m);
    expect(file.info.lbfgs).toEqual(summary.lbfgs);
    expect(file.info.training.marquardt).toEqual({ iterations: 30, configurations: 6 });

    const config = join(dir, 'marquardt.config.json');
    writeFileSync(config, JSON.stringify({ marquardt: 30, marquardtConfigurations: 6, lbfgs: 20 }));
    const text = join(dir, 'text.json');
    const t = runLgt(trainArgs(text, '--config', config));
    expect(t.status, t.stderr).toBe(0);
    expect(t.stdout).toMatch(
      /^Levenberg-Marquardt finish: \d+ iterations on 6 training configurations \((rounding-level|small-decrease|no-progress|stationary|iterations)\), train MSE \S+ -> \S+, validation MSE \S+ -> \S+, kept\nL-BFGS finish: /,
    );
    expect(read(text).weights).toEqual(file.weights);
  });

  it('refuses bad uses before any work', () => {
    const cases: Array<[string[], RegExp]> = [
      [['--marquardt', '5', '--model', 'cnn'], /invalid --marquardt with --model cnn/],
      [
        ['--marquardt-configurations', '5'],
        /invalid --marquardt-configurations 5: expected it only with --marquardt <iterations>/,
      ],
      [['--marquardt', '0'], /--marquardt/],
    ];
    for (const [extra, message] of cases) {
      const output = join(dir, 'refused.json');
      const r = runLgt(trainArgs(output, ...extra));
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(existsSync(output)).toBe(false);
    }
  });
});
