/**
 * Ensembles of L-CNNs (Gerken & Kessel, ICML 2024): the mean of M identical members is one
 * member exactly, the mean and spread of different members are what their formulas say, an
 * ensemble model file round-trips bit for bit (and old single-model files load as before), and
 * the training job trains member k as the single run with member k's seed, resuming an
 * interrupted ensemble to the same file.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Dataset } from '../../src/lcnn/dataset.js';
import { EnsembleModel, ensembleSpread } from '../../src/lcnn/ensemble.js';
import { evaluateEnsemble, predictMembers } from '../../src/lcnn/ensembleEvaluation.js';
import { evaluateModel } from '../../src/lcnn/evaluation.js';
import { predict } from '../../src/lcnn/gradient.js';
import { Model, type ModelSpec } from '../../src/lcnn/model.js';
import { loadModel, loadModelOrEnsemble } from '../../src/lcnn/modelFile.js';
import { modelFromJson, modelOrEnsembleFromJson, modelToJson } from '../../src/lcnn/modelJson.js';
import { parseTarget } from '../../src/lcnn/targets.js';
import { runTrainJob, type TrainJob } from '../../src/lcnn/training/job.js';
import { memberSeed } from '../../src/lcnn/training/seeds.js';
import { trainEnsemble } from '../../src/lcnn/training/ensembleJob.js';
import { trainModel } from '../../src/lcnn/training/lcnn.js';
import { GaugeBatch } from '../../src/lcnn/tensors.js';
import { generateEnsemble } from '../../src/montecarlo/generate.js';
import { roughField, twoDimensionalSpec } from '../helpers.js';

const spec = (seed: number): ModelSpec => ({
  N: 2,
  D: 2,
  seed,
  layers: [{ type: 'lcb', out: 2, kernel: 1 }, { type: 'trace' }, { type: 'dense', out: 1 }],
});

const fields = Array.from({ length: 6 }, (_, i) => roughField([4, 4], 2, 10 + i, 0.5 + 0.1 * i));
const gauge = GaugeBatch.fromFields(fields);
const target = parseTarget('wilson:1x2');
const data = Dataset.fromFields(
  fields,
  target,
  fields.map((_, i) => i % 2),
);
const all = fields.map((_, i) => i);

describe('EnsembleModel', () => {
  it('of M members with the same seed predicts exactly what one member predicts, with spread 0', () => {
    const one = new Model(spec(3)).forward(gauge).data;
    for (const M of [2, 3, 5, 7]) {
      const ensemble = new EnsembleModel(Array.from({ length: M }, () => new Model(spec(3))));
      expect(ensemble.forward(gauge).data).toEqual(one);
      expect(predict(ensemble, data, all)).toEqual(predict(new Model(spec(3)), data, all));
      expect(ensembleSpread(predictMembers(ensemble, data, all)).mean).toBe(0);
    }
  });

  it('of different members predicts their mean, with the standard deviation over members as spread', () => {
    const members = [1, 2, 3].map((s) => new Model(spec(s)));
    const outs = members.map((m) => m.forward(gauge).data);
    const ensemble = new EnsembleModel(members);
    const mean = ensemble.forward(gauge).data;
    const spread = ensembleSpread(outs).perValue;
    let largest = 0;
    for (let k = 0; k < mean.length; k++) {
      const m = (outs[0][k] + outs[1][k] + outs[2][k]) / 3;
      expect(Math.abs(mean[k] - m)).toBeLessThan(1e-15);
      const s = Math.sqrt(outs.reduce((a, o) => a + (o[k] - m) ** 2, 0) / 3);
      expect(Math.abs(spread[k] - s)).toBeLessThan(1e-15);
      largest = Math.max(largest, s);
    }
    // the members do differ: the test is not one of equal members
    expect(largest).toBeGreaterThan(1e-3);
  });

  it('is evaluated on its mean, with each member MSE and the spread', () => {
    const members = [1, 2].map((s) => new Model(spec(s)));
    const ensemble = new EnsembleModel(members);
    const e = evaluateEnsemble(ensemble, data);
    expect(e.mean).toEqual(evaluateModel(ensemble, data));
    expect(e.members).toBe(2);
    expect(e.memberMse).toEqual(members.map((m) => evaluateModel(m, data).mse));
    expect(e.spread).toBe(ensembleSpread(predictMembers(ensemble, data, all)).mean);
    expect(e.spread).toBeGreaterThan(1e-3);
  });

  it('refuses no members and members of different specs, naming the member', () => {
    expect(() => new EnsembleModel([])).toThrow(/EnsembleModel: invalid members/);
    const other = new Model({ ...spec(1), layers: [{ type: 'trace' }, { type: 'dense', out: 1 }] });
    expect(() => new EnsembleModel([new Model(spec(1)), other])).toThrow(
      /EnsembleModel: invalid members\[1\]: expected the spec of members\[0\] except seed and output/,
    );
  });
});

describe('trainEnsemble', () => {
  it('trains member k as trainModel does with seed memberSeed(seed, k), tagging its epochs', async () => {
    const split = { train: [0, 1, 2, 3], validation: [4, 5], test: [] };
    const options = { epochs: 2, batchSize: 2, learningRate: 0.02, seed: 4 };
    const members = [0, 1].map((k) => new Model(spec(memberSeed(4, k))));
    const result = await trainEnsemble(members, data, split, options);
    expect(result.history.map((m) => m.member)).toEqual([1, 1, 2, 2]);
    for (const k of [0, 1]) {
      const alone = new Model(spec(memberSeed(4, k)));
      await trainModel(alone, data, split, { ...options, seed: memberSeed(4, k) });
      expect(members[k].getWeights()).toEqual(alone.getWeights());
    }
  });
});

describe('ensemble model files', () => {
  const info = { target, note: 'test' };

  it('round-trip every member: weights and predictions bit for bit (format version 2)', () => {
    const ensemble = new EnsembleModel([1, 2, 3].map((s) => new Model(spec(s))));
    ensemble.members[1].setOutputScaling({ scale: 0.5, shift: 0.25 });
    const text = modelToJson(ensemble, info);
    expect(JSON.parse(text)).toMatchObject({ version: 2, ensemble: { members: 3 } });
    const { model: back, info: backInfo } = modelOrEnsembleFromJson(text, 'e.json');
    expect(back).toBeInstanceOf(EnsembleModel);
    const e = back as EnsembleModel;
    expect(e.size).toBe(3);
    e.members.forEach((m, k) => {
      expect(m.spec).toEqual(ensemble.members[k].spec);
      expect(m.getWeights()).toEqual(ensemble.members[k].getWeights());
    });
    expect(e.forward(gauge).data).toEqual(ensemble.forward(gauge).data);
    expect(backInfo).toEqual(info);
    // written again, the same text
    expect(modelToJson(e, backInfo)).toBe(text);
  });

  it('single-model files stay version 1 and load as before; the single-model reader refuses an ensemble', () => {
    const model = new Model(spec(4));
    const text = modelToJson(model, info);
    expect(JSON.parse(text).version).toBe(1);
    const { model: back } = modelOrEnsembleFromJson(text, 'm.json');
    expect(back).toBeInstanceOf(Model);
    expect((back as Model).getWeights()).toEqual(model.getWeights());
    const ensembleText = modelToJson(new EnsembleModel([model, new Model(spec(5))]), info);
    expect(() => modelFromJson(ensembleText, 'e.json', 'page')).toThrow(
      /^page: e\.json: an ensemble of 2 models \(lgt train --ensemble\), not one model/,
    );
    expect(() =>
      modelOrEnsembleFromJson(ensembleText.replace('"version": 2', '"version": 3'), 'e.json'),
    ).toThrow(/invalid version: expected 1 or 2/);
    const bad = ensembleText.replace('"weights": [', '"weights": [1,');
    expect(() => modelOrEnsembleFromJson(bad, 'e.json', 'page')).toThrow(
      /^page: e\.json: members\[0\]: invalid weights: expected \d+ numbers for this spec, got \d+/,
    );
  });
});

describe('lgt train --ensemble (the training job)', () => {
  let dir: string;
  let file: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lgt-ensemble-'));
    file = join(dir, 'data.h5');
    await generateEnsemble(
      twoDimensionalSpec(4, 12, 1, {
        thermalization: 10,
        measurements: { wilsonLoops: 1, polyakovLoop: false, topologicalCharge: false },
      }),
      { output: file },
    );
  });

  const job = (output: string, seed: number, ensemble?: number): TrainJob => ({
    data: [file],
    target,
    modelSeed: seed,
    validation: 0.2,
    test: 0.2,
    splitSeed: 1,
    train: {
      epochs: 4,
      batchSize: 4,
      learningRate: 0.02,
      seed,
      workers: 2,
      augment: 'rotations+reflections',
    },
    output,
    layers: spec(1).layers,
    ...(ensemble !== undefined ? { ensemble } : {}),
  });

  it('trains member k (on 2 worker threads) as the single run with seed memberSeed(seed, k), and saves all members in one file', async () => {
    const summary = await runTrainJob(job(join(dir, 'e.json'), 1, 3));
    expect(summary.history.map((m) => m.member)).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]);
    const { model, info } = loadModelOrEnsemble(join(dir, 'e.json'));
    const ensemble = model as EnsembleModel;
    expect(ensemble.size).toBe(3);
    expect(info.ensemble).toMatchObject({
      members: 3,
      seeds: [0, 1, 2].map((k) => memberSeed(1, k)),
    });
    for (const k of [0, 2]) {
      const alone = join(dir, `member${k}.json`);
      await runTrainJob(job(alone, memberSeed(1, k)));
      const single = loadModel(alone).model;
      expect(ensemble.members[k].getWeights()).toEqual(single.getWeights());
      expect(ensemble.members[k].spec).toEqual(single.spec);
    }
    // the members differ, and the ensemble's test MSE is that of the saved mean
    expect(ensemble.members[0].getWeights()).not.toEqual(ensemble.members[1].getWeights());
    expect(info.testMse).toBe(summary.test.mse);
  });

  it('an interrupted ensemble resumes, keeping the finished members, to the file of an uninterrupted run', async () => {
    const output = join(dir, 'resumed.json');
    const stop = new AbortController();
    const first = await runTrainJob({
      ...job(output, 1, 3),
      train: {
        ...job(output, 1, 3).train,
        signal: stop.signal,
        checkpointOnStop: `${output}.checkpoint`,
      },
      onEpoch: (m) => {
        if (m.member === 2 && m.epoch === 2) stop.abort();
      },
    });
    expect(first).toMatchObject({ interrupted: true, member: 2, checkpointEpoch: 2 });
    const epochs: Array<[number | undefined, number]> = [];
    const second = await runTrainJob({
      ...job(output, 1, 3),
      train: { ...job(output, 1, 3).train, checkpoint: `${output}.checkpoint`, resume: true },
      onEpoch: (m) => epochs.push([m.member, m.epoch]),
    });
    // member 1 is not trained again; member 2 goes on from epoch 3
    expect(epochs).toEqual([
      [2, 3],
      [2, 4],
      [3, 1],
      [3, 2],
      [3, 3],
      [3, 4],
    ]);
    expect(second.interrupted).toBe(false);
    const strip = (text: string): unknown => {
      const body = JSON.parse(text);
      delete body.info.data;
      return body;
    };
    expect(strip(readFileSync(output, 'utf8'))).toEqual(
      strip(readFileSync(join(dir, 'e.json'), 'utf8')),
    );
  });

  it('refuses to resume into a file that holds another number of members', async () => {
    const output = join(dir, 'e.json');
    await expect(
      runTrainJob({ ...job(output, 1, 2), train: { ...job(output, 1, 2).train, resume: true } }),
    ).rejects.toThrow(`cannot resume: ${output} exists and holds 3 model(s), this job trains 2`);
  });

  it('refuses an ensemble size that is not an integer >= 1', async () => {
    await expect(runTrainJob(job(join(dir, 'x.json'), 1, 0))).rejects.toThrow(
      /runTrainJob: invalid ensemble: expected an integer/,
    );
    await expect(runTrainJob(job(join(dir, 'x.json'), 1, 1.5))).rejects.toThrow(
      /runTrainJob: invalid ensemble/,
    );
  });
});
