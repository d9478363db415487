/**
 * The L-BFGS finish of L-CNN training (src/lcnn/training/lbfgsFinish.ts): on a target one
 * L-CB layer represents exactly (W(1x2) in 2D) it takes Adam's fit down to rounding level;
 * trainModel's `lbfgs` is training followed by it; refined weights that do not lower the
 * validation loss are dropped bit for bit; a stop in the middle resumes to the uninterrupted
 * run's weights bit for bit.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { shardGradient } from '../../src/lcnn/gradient.js';
import { Model } from '../../src/lcnn/model.js';
import { evaluate, trainModel } from '../../src/lcnn/training/lcnn.js';
import { evenlySpaced } from '../../src/lcnn/training/finishRules.js';
import { finishWithLbfgs, type GradientPass } from '../../src/lcnn/training/lbfgsFinish.js';
import { adam, data, spec, split, variance } from './finishProblem.js';

const gradientOf =
  (model: Model): GradientPass =>
  (indices) =>
    Promise.resolve(shardGradient(model, data, indices, data.targetCount(indices)));

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('the L-BFGS finish', () => {
  it('takes a target the model represents exactly from Adam to rounding level', async () => {
    const model = new Model(spec);
    const result = await trainModel(model, data, split, {
      ...adam,
      lbfgs: { iterations: 400 },
    });
    const l = result.lbfgs;
    expect(l).toBeDefined();
    if (l === undefined) return;
    // Adam's two epochs leave a relative error far above rounding; L-BFGS removes it
    expect(l.validationLoss / variance).toBeGreaterThan(1e-6);
    expect(l.lbfgsTrainLoss / variance).toBeLessThan(1e-24);
    expect(l.lbfgsValidationLoss / variance).toBeLessThan(1e-24);
    expect(l.kept).toBe(true);
    expect(l.configurations).toBe(split.train.length);
    expect(l.evaluations).toBeGreaterThan(l.iterations);
    // the model holds the refined weights
    expect(evaluate(model, data, split.validation).mse).toBe(l.lbfgsValidationLoss);
  });

  it("is trainModel's option: the same weights as training, then finishWithLbfgs", async () => {
    const options = { iterations: 30, configurations: 10 };
    const a = new Model(spec);
    const ra = await trainModel(a, data, split, { ...adam, lbfgs: options });
    const b = new Model(spec);
    const rb = await trainModel(b, data, split, adam);
    const fb = await finishWithLbfgs(b, data, split, options, gradientOf(b), rb.bestValidationLoss);
    expect(Array.from(a.getWeights())).toEqual(Array.from(b.getWeights()));
    expect(ra.lbfgs).toEqual(fb);
    expect(ra.lbfgs?.configurations).toBe(10);
  });

  it('drops refined weights that do not lower the validation loss, bit for bit', async () => {
    const model = new Model(spec);
    await trainModel(model, data, split, adam);
    const before = model.getWeights();
    // no validation loss is below 0
    const r = await finishWithLbfgs(model, data, split, { iterations: 20 }, gradientOf(model), 0);
    expect(r?.kept).toBe(false);
    expect(r?.lbfgsTrainLoss).toBeLessThan(r?.trainLoss ?? 0);
    expect(Array.from(model.getWeights())).toEqual(Array.from(before));
  });

  it('resumes a run stopped in the finish to the weights of an uninterrupted one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lgt-lbfgs-'));
    dirs.push(dir);
    const lbfgs = { iterations: 40 };
    const reference = new Model(spec);
    const full = await trainModel(reference, data, split, { ...adam, lbfgs });

    const checkpoint = join(dir, 'run.checkpoint');
    const controller = new AbortController();
    const stopped = new Model(spec);
    const first = await trainModel(stopped, data, split, {
      ...adam,
      lbfgs,
      checkpoint,
      signal: controller.signal,
      onLbfgsIteration: (k) => {
        if (k === 5) controller.abort();
      },
    });
    expect(first.interrupted).toBe(true);
    expect(first.finished).toBe(false);
    expect(first.checkpointEpoch).toBe(adam.epochs);
    expect(first.lbfgs).toBeUndefined();
    const resumed = new Model(spec);
    const second = await trainModel(resumed, data, split, {
      ...adam,
      lbfgs,
      checkpoint,
      resume: true,
    });
    expect(second.finished).toBe(true);
    expect(second.lbfgs).toEqual(full.lbfgs);
    expect(Array.from(resumed.getWeights())).toEqual(Array.from(reference.getWeights()));
  });

  it('spreads its configurations evenly through the training split', () => {
    // one from the middle of each of 4 equal blocks
    expect(evenlySpaced([10, 11, 12, 13, 14, 15, 16, 17], 4)).toEqual([11, 13, 15, 17]);
    expect(evenlySpaced([10, 11, 12], 5)).toEqual([10, 11, 12]);
  });

  it('refuses bad options before any training', async () => {
    await expect(
      trainModel(new Model(spec), data, split, { ...adam, lbfgs: { iterations: 0 } }),
    ).rejects.toThrow(/lbfgs\.iterations/);
    await expect(
      trainModel(new Model(spec), data, split, {
        ...adam,
        lbfgs: { iterations: 5, configurations: 0.5 },
      }),
    ).rejects.toThrow(/lbfgs\.configurations/);
    await expect(
      trainModel(new Model(spec), data, split, {
        ...adam,
        lbfgs: { iterations: 5, memory: 0 },
      }),
    ).rejects.toThrow(/lbfgs\.memory/);
  });

  it('keeps as many curvature pairs as asked', async () => {
    const start = new Model(spec);
    await trainModel(start, data, split, adam);
    const runs = await Promise.all(
      [1, 20].map(async (memory) => {
        const model = new Model(spec);
        model.setWeights(start.getWeights());
        const r = await finishWithLbfgs(
          model,
          data,
          split,
          { iterations: 40, memory },
          gradientOf(model),
          Infinity,
        );
        return r?.lbfgsTrainLoss ?? NaN;
      }),
    );
    // one pair is little more than scaled steepest descent: after 40 iterations twenty pairs
    // are ~90x lower (measured), and equal if the option were not passed on
    expect(runs[1]).toBeLessThan(0.1 * runs[0]);
  });
});
