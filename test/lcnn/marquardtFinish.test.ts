/**
 * The Levenberg-Marquardt finish of L-CNN training (src/lcnn/training/marquardtFinish.ts): its
 * finite-difference Jacobian agrees with the model's exact gradient (J^T r against backprop)
 * and with columns from whole forward passes (Model.forwardFrom is the rest of Model.forward);
 * on a target one L-CB layer represents exactly (W(1x2) in 2D) it takes Adam's fit down to
 * rounding level; trainModel's `marquardt` is training followed by it, then the L-BFGS
 * finish; refined weights that do not lower the validation loss are dropped bit for bit; a stop
 * in the middle resumes to the uninterrupted run's weights bit for bit. There its error is at
 * the rounding level of its weights (src/lcnn/roundingLevel.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { predict, shardGradient } from '../../src/lcnn/gradient.js';
import { Model, type ModelSpec } from '../../src/lcnn/model.js';
import { evaluate, trainModel } from '../../src/lcnn/training/lcnn.js';
import { finalValidationLoss } from '../../src/lcnn/training/learner.js';
import {
  finishWithMarquardt,
  marquardtNormalEquations,
  MARQUARDT_MAX_WEIGHTS,
} from '../../src/lcnn/training/marquardtFinish.js';
import { roundingLevel } from '../../src/lcnn/roundingLevel.js';
import { adam, data, spec, split, variance } from './finishProblem.js';

// two product layers and a nonlinearity: the Jacobian test sees weights in every layer kind
const deepSpec: ModelSpec = {
  N: 2,
  D: 2,
  seed: 4,
  layers: [
    { type: 'lcb', out: 2, kernel: 1 },
    { type: 'lact', activation: 'tanh' },
    { type: 'lcb', out: 2, kernel: 2 },
    { type: 'trace' },
    { type: 'dense', out: 3, activation: 'tanh' },
    { type: 'dense', out: 1 },
  ],
};

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Residuals of the model's predictions on `indices`. */
function residuals(model: Model, indices: number[]): Float64Array {
  const y = data.targetsOf(indices);
  const p = predict(model, data, indices);
  return p.map((v, k) => v - y[k]);
}

describe('the Levenberg-Marquardt finish', () => {
  it("has a Jacobian whose J^T r is backprop's gradient and whose columns are whole passes'", () => {
    const model = new Model(deepSpec);
    const indices = split.train.slice(0, 3);
    const r = residuals(model, indices);
    const { jtj, jtr } = marquardtNormalEquations(model, data, indices, r);
    // the gradient of the MSE is 2 J^T r / (values)
    const { grad } = shardGradient(model, data, indices, r.length);
    const scale = Math.max(...Array.from(grad, Math.abs));
    for (let j = 0; j < jtr.length; j++) {
      expect(Math.abs((2 * jtr[j]) / r.length - grad[j]) / scale).toBeLessThan(1e-9);
    }
    // the same central differences through whole forward passes give the same J^T J
    const n = model.parameterCount;
    const w = model.getWeights();
    const columns: Float64Array[] = [];
    for (let j = 0; j < n; j++) {
      const h = Math.cbrt(Number.EPSILON) * Math.max(1, Math.abs(w[j]));
      const x = Float64Array.from(w);
      x[j] = w[j] + h;
      model.setWeights(x);
      const plus = predict(model, data, indices);
      x[j] = w[j] - h;
      model.setWeights(x);
      const minus = predict(model, data, indices);
      columns.push(plus.map((v, k) => (v - minus[k]) / (w[j] + h - (w[j] - h))));
    }
    model.setWeights(w);
    let worst = 0;
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < n; b++) {
        let s = 0;
        for (let k = 0; k < r.length; k++) s += columns[a][k] * columns[b][k];
        const norm = Math.sqrt(jtj[a * n + a] * jtj[b * n + b]) || 1;
        worst = Math.max(worst, Math.abs(s - jtj[a * n + b]) / norm);
      }
    }
    expect(worst).toBeLessThan(1e-12);
  });

  it('runs each pass once whatever its memory budget: row chunks of a spilled block', () => {
    const model = new Model(deepSpec);
    const indices = split.train.slice(0, 2); // 36 rows each
    const r = residuals(model, indices);
    const n = model.parameterCount;
    const passes = model.forwardFrom.bind(model);
    let calls = 0;
    model.forwardFrom = (...args: Parameters<Model['forwardFrom']>) => {
      calls++;
      return passes(...args);
    };
    const whole = marquardtNormalEquations(model, data, indices, r);
    expect(calls).toBe(2 * n * indices.length);
    calls = 0;
    // 10 rows of n doubles: each 36-row configuration in chunks of 10, 10, 10, 6
    const chunked = marquardtNormalEquations(model, data, indices, r, undefined, 10 * 8 * n);
    expect(calls).toBe(2 * n * indices.length); // repeated per chunk, it was 4 times this
    // the same sums in another order: equal to rounding
    const scale = Math.max(...Array.from(whole.jtj, Math.abs));
    for (let k = 0; k < n * n; k++) {
      expect(Math.abs(chunked.jtj[k] - whole.jtj[k])).toBeLessThan(1e-14 * scale);
    }
    const gScale = Math.max(...Array.from(whole.jtr, Math.abs));
    for (let k = 0; k < n; k++) {
      expect(Math.abs(chunked.jtr[k] - whole.jtr[k])).toBeLessThan(1e-14 * gScale);
    }
    // and one row at a time: each row's products summed alone
    const rows = marquardtNormalEquations(model, data, indices, r, undefined, 8 * n);
    expect(Array.from(rows.jtj).every((v, k) => Math.abs(v - whole.jtj[k]) < 1e-14 * scale)).toBe(
      true,
    );
  });

  it('continues a pass from any layer exactly as the whole pass (Model.forwardFrom)', () => {
    const model = new Model(deepSpec);
    const gauge = data.gaugeBatch([0, 1]);
    const whole = Array.from(model.forward(gauge).data);
    for (let k = 0; k <= model.layers.length; k++) {
      const a = model.activationsBefore(gauge, k);
      expect(Array.from(model.forwardFrom(a, k).data)).toEqual(whole);
      // twice from the same activations: the layers leave their input as it was
      expect(Array.from(model.forwardFrom(a, k).data)).toEqual(whole);
    }
  });

  it('takes a target the model represents exactly from Adam to rounding level', async () => {
    const model = new Model(spec);
    const values: number[] = [];
    const result = await trainModel(model, data, split, {
      ...adam,
      marquardt: { iterations: 40 },
      onMarquardtIteration: (_, v) => values.push(v),
    });
    const m = result.marquardt;
    expect(m).toBeDefined();
    if (m === undefined) return;
    expect(m.validationLoss / variance).toBeGreaterThan(1e-6);
    expect(m.marquardtTrainLoss / variance).toBeLessThan(1e-26);
    expect(m.marquardtValidationLoss / variance).toBeLessThan(1e-26);
    expect(m.kept).toBe(true);
    expect(m.stop).not.toBe('iterations');
    // few iterations: the Gauss-Newton step's quadratic convergence
    expect(m.iterations).toBeLessThan(25);
    expect(values).toHaveLength(m.iterations);
    // by default the fewest configurations with 4 target values (36 sites each) per weight
    const needed = Math.ceil((4 * model.parameterCount) / 36);
    expect(m.configurations).toBe(needed);
    expect(evaluate(model, data, split.validation).mse).toBe(m.marquardtValidationLoss);
    expect(finalValidationLoss(result)).toBe(m.marquardtValidationLoss);
    // at the rounding level of its weights: one unit in the last place of every weight moves
    // the predictions about as much as the fit's whole error (restored afterwards)
    const weights = Array.from(model.getWeights());
    const level = roundingLevel(model, data, split.validation);
    expect(Array.from(model.getWeights())).toEqual(weights);
    expect(level).toBeGreaterThan(0);
    expect(level / variance).toBeLessThan(1e-28);
    expect(m.marquardtValidationLoss).toBeLessThan(10 * level);
    expect(roundingLevel(model, data, split.validation)).toBe(level);
  });

  it("is trainModel's option, before the L-BFGS finish: training, then each", async () => {
    const marquardt = { iterations: 3, configurations: 5 };
    const lbfgs = { iterations: 20 };
    const a = new Model(spec);
    const ra = await trainModel(a, data, split, { ...adam, marquardt, lbfgs });
    const b = new Model(spec);
    const rb = await trainModel(b, data, split, adam);
    const mb = await finishWithMarquardt(b, data, split, marquardt, rb.bestValidationLoss);
    expect(ra.marquardt).toEqual(mb);
    expect(ra.marquardt?.configurations).toBe(5);
    expect(ra.marquardt?.iterations).toBe(3);
    // the L-BFGS finish starts from the kept weights and their validation loss
    expect(ra.lbfgs?.validationLoss).toBe(mb?.marquardtValidationLoss);
    expect(finalValidationLoss(ra)).toBe(
      ra.lbfgs?.kept === true
        ? ra.lbfgs.lbfgsValidationLoss
        : ra.marquardt?.marquardtValidationLoss,
    );
  });

  it('runs after the L-BFGS finish with afterLbfgs, from its weights; stopped there, resumes to the same', async () => {
    const marquardt = { iterations: 4, configurations: 5, minimumDecrease: 0, afterLbfgs: true };
    const lbfgs = { iterations: 5 };
    const a = new Model(spec);
    const ra = await trainModel(a, data, split, { ...adam, marquardt, lbfgs });
    const b = new Model(spec);
    const rb = await trainModel(b, data, split, { ...adam, lbfgs });
    expect(ra.lbfgs).toEqual(rb.lbfgs);
    expect(rb.lbfgs?.kept).toBe(true);
    const mb = await finishWithMarquardt(b, data, split, marquardt, finalValidationLoss(rb));
    expect(ra.marquardt).toEqual(mb);
    expect(ra.marquardt?.validationLoss).toBe(rb.lbfgs?.lbfgsValidationLoss);
    expect(ra.marquardt?.kept).toBe(true);
    // the loss of the weights left is the second finish's
    expect(finalValidationLoss(ra)).toBe(ra.marquardt?.marquardtValidationLoss);
    expect(Array.from(a.getWeights())).toEqual(Array.from(b.getWeights()));

    // stopped in the second finish: the best epoch's weights in the checkpoint, both finishes
    // run again on resume
    const dir = mkdtempSync(join(tmpdir(), 'lgt-marquardt-after-'));
    dirs.push(dir);
    const checkpoint = join(dir, 'run.checkpoint');
    const controller = new AbortController();
    const first = await trainModel(new Model(spec), data, split, {
      ...adam,
      marquardt,
      lbfgs,
      checkpoint,
      signal: controller.signal,
      onMarquardtIteration: (k) => {
        if (k === 1) controller.abort();
      },
    });
    expect(first.interrupted).toBe(true);
    expect(first.lbfgs).toBeUndefined();
    const resumed = new Model(spec);
    const second = await trainModel(resumed, data, split, {
      ...adam,
      marquardt,
      lbfgs,
      checkpoint,
      resume: true,
    });
    expect(second.lbfgs).toEqual(ra.lbfgs);
    expect(second.marquardt).toEqual(ra.marquardt);
    expect(Array.from(resumed.getWeights())).toEqual(Array.from(a.getWeights()));
  });

  it('fits the configurations it is given', async () => {
    const model = new Model(spec);
    await trainModel(model, data, split, adam);
    const indices = [split.train[2], split.train[7]];
    const r = await finishWithMarquardt(model, data, split, { iterations: 2, indices }, Infinity);
    expect(r?.configurations).toBe(2);
    // its starting objective is the MSE of exactly those configurations
    const before = new Model(spec);
    await trainModel(before, data, split, adam);
    expect(r?.trainLoss).toBe(evaluate(before, data, indices).mse);
  });

  it('drops refined weights that do not lower the validation loss, bit for bit', async () => {
    const model = new Model(spec);
    await trainModel(model, data, split, adam);
    const before = model.getWeights();
    const r = await finishWithMarquardt(model, data, split, { iterations: 3 }, 0);
    expect(r?.kept).toBe(false);
    expect(r?.marquardtTrainLoss).toBeLessThan(r?.trainLoss ?? 0);
    expect(Array.from(model.getWeights())).toEqual(Array.from(before));
  });

  it('resumes a run stopped in the finish to the weights of an uninterrupted one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lgt-marquardt-'));
    dirs.push(dir);
    // no stop for a small gain: the run goes on past the stop below
    const marquardt = { iterations: 6, configurations: 4, minimumDecrease: 0 };
    const reference = new Model(spec);
    const full = await trainModel(reference, data, split, { ...adam, marquardt });

    const checkpoint = join(dir, 'run.checkpoint');
    const controller = new AbortController();
    const stopped = new Model(spec);
    const first = await trainModel(stopped, data, split, {
      ...adam,
      marquardt,
      checkpoint,
      signal: controller.signal,
      onMarquardtIteration: (k) => {
        if (k === 2) controller.abort();
      },
    });
    expect(first.interrupted).toBe(true);
    expect(first.checkpointEpoch).toBe(adam.epochs);
    expect(first.marquardt).toBeUndefined();
    const resumed = new Model(spec);
    const second = await trainModel(resumed, data, split, {
      ...adam,
      marquardt,
      checkpoint,
      resume: true,
    });
    expect(second.finished).toBe(true);
    expect(second.marquardt).toEqual(full.marquardt);
    expect(Array.from(resumed.getWeights())).toEqual(Array.from(reference.getWeights()));
  });

  it('refuses bad options and models too large for dense normal equations, before any training', async () => {
    await expect(
      trainModel(new Model(spec), data, split, { ...adam, marquardt: { iterations: 0 } }),
    ).rejects.toThrow(/marquardt\.iterations/);
    await expect(
      trainModel(new Model(spec), data, split, {
        ...adam,
        marquardt: { iterations: 5, configurations: 0 },
      }),
    ).rejects.toThrow(/marquardt\.configurations/);
    await expect(
      trainModel(new Model(spec), data, split, {
        ...adam,
        marquardt: { iterations: 5, indices: [] },
      }),
    ).rejects.toThrow(/marquardt\.indices: expected at least one configuration/);
    await expect(
      trainModel(new Model(spec), data, split, {
        ...adam,
        marquardt: { iterations: 5, afterLbfgs: 'yes' as unknown as boolean },
      }),
    ).rejects.toThrow(/marquardt\.afterLbfgs: expected true or false, got "?yes"?/);
    const start = new Model(spec);
    await expect(
      finishWithMarquardt(start, data, split, { iterations: 2, indices: [split.validation[0]] }, 1),
    ).rejects.toThrow(
      new RegExp(
        `marquardt\\.indices: expected configurations of the dataset outside the validation and test splits, got ${split.validation[0]}`,
      ),
    );
    const large = new Model({
      ...spec,
      layers: [
        { type: 'lcb', out: 2, kernel: 1 },
        { type: 'trace' },
        { type: 'dense', out: 64 },
        { type: 'dense', out: 64 },
        { type: 'dense', out: 1 },
      ],
    });
    expect(large.parameterCount).toBeGreaterThan(MARQUARDT_MAX_WEIGHTS);
    const onEpoch = (): void => {
      throw new Error('trained');
    };
    await expect(
      trainModel(large, data, split, { ...adam, marquardt: { iterations: 5 }, onEpoch }),
    ).rejects.toThrow(/marquardt: expected a model of at most 4000 weights .*, got \d+ weights/);
  });
});
