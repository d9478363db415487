/**
 * `lgt train --marquardt` through the built CLI in child processes: after Adam,
 * Levenberg-Marquardt takes a target the model represents exactly (W(1x2) with one L-CB layer)
 * to rounding level, and the L-BFGS finish runs after it (or before it, with
 * --marquardt-after-lbfgs); what each did is in --json, in the
 * text output and in the model file; a config file gives the same model as the flags; bad uses
 * are refused in one line, exit 2, before any work.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectRefused, runLgt } from '../cliProcess.js';
import type { LbfgsFinishResult } from '../../src/lcnn/training/lbfgsFinish.js';
import type { MarquardtFinishResult } from '../../src/lcnn/training/marquardtFinish.js';
import { readJson, roughEnsembleFixture, w12TrainArgs } from '../helpers.js';

const { dir, data } = roughEnsembleFixture('lgt-train-marquardt-', {
  seed: 43,
  epsilon: (k) => 0.5 + 0.1 * (k % 5),
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

  it('runs after the L-BFGS finish, from its weights, with --marquardt-after-lbfgs', () => {
    const after = [
      ...['--lbfgs', '5', '--marquardt', '30', '--marquardt-configurations', '6'],
      '--marquardt-after-lbfgs',
    ];
    const output = join(dir, 'after.json');
    const r = runLgt(trainArgs(output, ...after, '--json'));
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as {
      marquardt: MarquardtFinishResult;
      lbfgs: LbfgsFinishResult;
      bestValidationLoss: number;
    };
    const { marquardt: m, lbfgs: l } = summary;
    // L-BFGS starts from Adam's best epoch, Levenberg-Marquardt where L-BFGS left off
    expect(l.validationLoss).toBe(summary.bestValidationLoss);
    expect(l.kept).toBe(true);
    expect(m.validationLoss).toBe(l.lbfgsValidationLoss);
    expect(m.kept).toBe(true);
    expect(m.marquardtValidationLoss).toBeLessThan(1e-24);
    const file = read(output);
    expect(file.info.training.marquardt).toEqual({
      iterations: 30,
      configurations: 6,
      afterLbfgs: true,
    });
    // the text says the finishes in the order they ran
    const t = runLgt(trainArgs(join(dir, 'after-text.json'), ...after));
    expect(t.status, t.stderr).toBe(0);
    expect(t.stdout).toMatch(/^L-BFGS finish: .*\nLevenberg-Marquardt finish: .*, kept\n/);
    expect(read(join(dir, 'after-text.json')).weights).toEqual(file.weights);
  });

  it('refuses bad uses before any work', () => {
    const cases: Array<[string[], RegExp]> = [
      [['--marquardt', '5', '--model', 'cnn'], /invalid --marquardt with --model cnn/],
      [
        ['--marquardt-configurations', '5'],
        /invalid --marquardt-configurations 5: expected it only with --marquardt <iterations>/,
      ],
      [['--marquardt', '0'], /--marquardt/],
      [
        ['--marquardt', '5', '--marquardt-after-lbfgs'],
        /invalid --marquardt-after-lbfgs: expected it only with both --marquardt <iterations> and --lbfgs <iterations>, got no --lbfgs/,
      ],
    ];
    for (const [extra, message] of cases) {
      const output = join(dir, 'refused.json');
      expectRefused(runLgt(trainArgs(output, ...extra)), message, output);
    }
  });
});
