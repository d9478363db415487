/**
 * `lgt train --restart-optimizer` through the built CLI in child processes: the restart changes
 * the weights (and only from its epoch on: the metrics of the epochs before it are those of the
 * run without), the model file records it, the JSON config file gives the same model as the
 * flag, and bad values are refused in one line, exit 2, before any work. Resuming across a
 * restart after SIGKILL is in test/faults/train.test.ts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectRefused, runLgt } from '../cliProcess.js';
import { readJson, roughEnsembleFixture, w12TrainArgs } from '../helpers.js';

const { dir, data } = roughEnsembleFixture('lgt-train-restart-', {
  seed: 11,
  epsilon: () => 1,
});

function train(output: string, ...extra: string[]): ReturnType<typeof runLgt> {
  return runLgt(w12TrainArgs(data, output, '--epochs', '4', '--lr-decay', '0.8', ...extra));
}

interface ModelFile {
  weights: number[];
  info: { training: { restartOptimizer?: number[] } };
}

const read = (path: string): ModelFile => readJson<ModelFile>(path);

/** Training and validation loss of every epoch, from a metrics log. */
const losses = (metrics: string): number[][] =>
  readFileSync(metrics, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { trainLoss: number; validationLoss: number })
    .map((m) => [m.trainLoss, m.validationLoss]);

describe('lgt train --restart-optimizer', () => {
  it('restarts Adam after the given epoch: other weights from it on, the same before it, recorded in the model file', () => {
    const plain = join(dir, 'plain.json');
    const restarted = join(dir, 'restarted.json');
    const fromConfig = join(dir, 'config.json');
    expect(train(plain, '--metrics', `${plain}l`).status).toBe(0);
    const r = train(restarted, '--restart-optimizer', '2', '--json', '--metrics', `${restarted}l`);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ bestEpoch: expect.any(Number) });
    const [a, b] = [read(plain), read(restarted)];
    expect(b.info.training.restartOptimizer).toEqual([2]);
    expect(a.info.training.restartOptimizer).toBeUndefined();
    // epochs 1 and 2 are the same run; the restart acts from epoch 3 on
    const [la, lb] = [losses(`${plain}l`), losses(`${restarted}l`)];
    expect(lb).toHaveLength(4);
    expect(lb.slice(0, 2)).toEqual(la.slice(0, 2));
    expect(lb[2]).not.toEqual(la[2]);
    expect(b.weights).not.toEqual(a.weights);
    // the same option from a config file gives the same model
    const config = join(dir, 'restart.config.json');
    writeFileSync(config, JSON.stringify({ restartOptimizer: [2] }));
    expect(train(fromConfig, '--config', config).status).toBe(0);
    expect(read(fromConfig).weights).toEqual(b.weights);
  });

  it('refuses restarts at or after the last epoch, non-integers and the baseline CNN, naming the value, before any work', () => {
    const cases: Array<[string[], RegExp]> = [
      [
        ['--restart-optimizer', '4'],
        /--restart-optimizer 4: expected epochs before the last \(--epochs 4\), got 4/,
      ],
      [['--restart-optimizer', '2,x'], /--restart-optimizer.*comma-separated integers >= 1/],
      [['--restart-optimizer', '0'], /--restart-optimizer.*comma-separated integers >= 1/],
      [['--restart-optimizer', '2', '--model', 'cnn'], /--restart-optimizer with --model cnn/],
    ];
    for (const [extra, message] of cases) {
      const output = join(dir, 'refused.json');
      expectRefused(train(output, ...extra), message, output);
    }
  });
});
