/**
 * `lgt train --lbfgs` through the built CLI in child processes: after Adam, L-BFGS takes a
 * target the model represents exactly (W(1x2) with one L-CB layer) to rounding level; what it
 * did is in --json, in the text output and in the model file; a config file gives the same
 * model as the flags; bad uses are refused in one line, exit 2, before any work. (A kill in the
 * finish and the resume: test/faults/train.test.ts.)
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectRefused, runLgt } from '../cliProcess.js';
import type { LbfgsFinishResult } from '../../src/lcnn/training/lbfgsFinish.js';
import { readJson, roughEnsembleFixture, w12TrainArgs } from '../helpers.js';

const { dir, data } = roughEnsembleFixture('lgt-train-lbfgs-', {
  seed: 41,
  epsilon: (k) => 0.5 + 0.1 * (k % 5),
});

const trainArgs = (output: string, ...extra: string[]): string[] =>
  w12TrainArgs(data, output, '--epochs', '2', ...extra);

type LbfgsRecord = LbfgsFinishResult;

interface ModelFile {
  weights: number[];
  info: { training: { lbfgs?: unknown }; lbfgs?: LbfgsRecord };
}

const read = (path: string): ModelFile => readJson<ModelFile>(path);

describe('lgt train --lbfgs', () => {
  it('refines the trained model to rounding level, and says so in --json, the text and the model file', () => {
    const flags = join(dir, 'flags.json');
    const r = runLgt(
      trainArgs(
        flags,
        '--lbfgs',
        '300',
        '--lbfgs-configurations',
        '10',
        '--lbfgs-memory',
        '30',
        '--json',
      ),
    );
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { lbfgs: LbfgsRecord; bestValidationLoss: number };
    const l = summary.lbfgs;
    expect(Object.keys(l).sort()).toEqual(
      [
        'configurations',
        'evaluations',
        'iterations',
        'kept',
        'lbfgsTrainLoss',
        'lbfgsValidationLoss',
        'stop',
        'trainLoss',
        'validationLoss',
      ].sort(),
    );
    expect(l.configurations).toBe(10);
    expect(l.validationLoss).toBe(summary.bestValidationLoss);
    expect(l.kept).toBe(true);
    expect(l.lbfgsValidationLoss).toBeLessThan(1e-20);
    expect(l.validationLoss).toBeGreaterThan(1e8 * l.lbfgsValidationLoss);
    const file = read(flags);
    expect(file.info.lbfgs).toEqual(l);
    expect(file.info.training.lbfgs).toEqual({ iterations: 300, configurations: 10, memory: 30 });

    const config = join(dir, 'lbfgs.config.json');
    writeFileSync(config, JSON.stringify({ lbfgs: 300, lbfgsConfigurations: 10, lbfgsMemory: 30 }));
    const text = join(dir, 'text.json');
    const t = runLgt(trainArgs(text, '--config', config));
    expect(t.status, t.stderr).toBe(0);
    expect(t.stdout).toMatch(
      /^L-BFGS finish: \d+ iterations on 10 training configurations \((no-progress|stationary|iterations)\), train MSE \S+ -> \S+, validation MSE \S+ -> \S+, kept\nmodel /,
    );
    expect(read(text).weights).toEqual(file.weights);
  });

  it('refuses bad uses before any work', () => {
    const cases: Array<[string[], RegExp]> = [
      [['--lbfgs', '5', '--model', 'cnn'], /invalid --lbfgs with --model cnn/],
      [
        ['--lbfgs-configurations', '5'],
        /invalid --lbfgs-configurations 5: expected it only with --lbfgs <iterations>/,
      ],
      [['--lbfgs', '0'], /--lbfgs/],
      [
        ['--lbfgs-memory', '50'],
        /invalid --lbfgs-memory 50: expected it only with --lbfgs <iterations>/,
      ],
    ];
    for (const [extra, message] of cases) {
      const output = join(dir, 'refused.json');
      expectRefused(runLgt(trainArgs(output, ...extra)), message, output);
    }
  });
});
