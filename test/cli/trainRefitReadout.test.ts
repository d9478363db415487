/**
 * `lgt train --refit-readout` through the built CLI in child processes: the model is the
 * trained one with its readout (the last dense layer) replaced by the least-squares fit when
 * that lowers the validation loss, what the refit did is in --json, in the text output and in
 * the model file, a JSON config file gives the same model as the flag, and models it cannot
 * refit are refused in one line, exit 2, before any work.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectRefused, runLgt } from '../cliProcess.js';
import { readJson, roughEnsembleFixture, w12TrainArgs } from '../helpers.js';

const { dir, data } = roughEnsembleFixture('lgt-train-refit-', {
  seed: 40,
  epsilon: (k) => 0.5 + 0.1 * (k % 5),
});

function train(output: string, ...extra: string[]): ReturnType<typeof runLgt> {
  return runLgt(w12TrainArgs(data, output, '--epochs', '3', ...extra));
}

interface RefitRecord {
  validationLoss: number;
  refitValidationLoss: number;
  kept: boolean;
}

interface ModelFile {
  weights: number[];
  info: { training: { refitReadout?: boolean }; readoutRefit?: RefitRecord };
}

const read = (path: string): ModelFile => readJson<ModelFile>(path);

describe('lgt train --refit-readout', () => {
  it('replaces only the readout of the trained model, and says so in --json, the text and the model file', () => {
    const plain = join(dir, 'plain.json');
    const refit = join(dir, 'refit.json');
    const text = join(dir, 'text.json');
    const fromConfig = join(dir, 'config.json');
    const p = train(plain, '--json');
    expect(p.status, p.stderr).toBe(0);
    expect(JSON.parse(p.stdout)).not.toHaveProperty('readoutRefit');
    const r = train(refit, '--refit-readout', '--json');
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as {
      readoutRefit: RefitRecord;
      bestValidationLoss: number;
    };
    const record = summary.readoutRefit;
    expect(record).toEqual({
      validationLoss: summary.bestValidationLoss,
      refitValidationLoss: expect.any(Number),
      kept: true,
    });
    expect(record.refitValidationLoss).toBeLessThan(record.validationLoss);
    const [a, b] = [read(plain), read(refit)];
    expect(b.info.training.refitReadout).toBe(true);
    expect(a.info.training.refitReadout).toBeUndefined();
    expect(b.info.readoutRefit).toEqual(record);
    // the readout: 2 channels x (Re, Im) weights and a bias, the last 5 weights
    const n = a.weights.length;
    expect(b.weights.slice(0, n - 5)).toEqual(a.weights.slice(0, n - 5));
    expect(b.weights.slice(n - 5)).not.toEqual(a.weights.slice(n - 5));
    const t = train(text, '--refit-readout');
    expect(t.stdout).toMatch(
      /^readout refit: validation MSE \S+ -> \S+, kept\nmodel .*text\.json: /,
    );
    // the same option from a config file gives the same model
    const config = join(dir, 'refit.config.json');
    writeFileSync(config, JSON.stringify({ refitReadout: true }));
    expect(train(fromConfig, '--config', config).status).toBe(0);
    expect(read(fromConfig).weights).toEqual(b.weights);
  });

  it('refuses models without a dense:1 readout and the baseline CNN, before any work', () => {
    const cases: Array<[string[], RegExp]> = [
      [
        ['--refit-readout', '--architecture', 'lcb:2:1,trace,dense:1:tanh'],
        /invalid --refit-readout: expected a model whose last layer is dense:1 \(linear\), got \{"type":"dense","out":1,"activation":"tanh"\}/,
      ],
      [['--refit-readout', '--model', 'cnn'], /--refit-readout with --model cnn/],
      [
        ['--refit-readout', '--symmetry', 'rotations', '--target', 'wilson:1x2:clover'],
        /invalid --refit-readout with --symmetry rotations: expected --symmetry none/,
      ],
    ];
    for (const [extra, message] of cases) {
      const output = join(dir, 'refused.json');
      expectRefused(train(output, ...extra), message, output);
    }
  });
});
