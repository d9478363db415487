/**
 * The baseline CNN of the L-CNN paper (tfjs): circular padding and convolution agree with
 * tfjs' own ops and gradients, the network commutes with lattice translations, learns the
 * per-site plaquette, runs on larger lattices, saves and loads exactly, refuses D != 2, and
 * is not gauge invariant (the paper's point).
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { GaugeField } from '../../src/lattice/gaugeField.js';
import {
  gaugeTransform,
  randomGaugeTransformation,
} from '../../src/lattice/gaugeTransformation.js';
import { FileError } from '../../src/core/fileError.js';
import {
  BASELINE_FORMAT,
  BaselineCnn,
  type BaselineSpec,
  circularConv2d,
  circularPad,
  circularPadSlices,
  encodeConfigurations,
  initTensorflow,
} from '../../src/lcnn/baseline/index.js';
import { Dataset, splitDataset, type Split } from '../../src/lcnn/dataset.js';
import { plaquetteField } from '../../src/lattice/observables/plaquette.js';
import { parseTarget } from '../../src/lcnn/targets.js';
import { Xoshiro128 } from '../../src/core/rng.js';
import { maxAbsDifference, roughField } from '../helpers.js';

const plaquette = parseTarget('wilson:1x1');

function randomTensor(shape: [number, number, number, number], seed: number): tf.Tensor4D {
  const rng = new Xoshiro128(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor4d(
    Float32Array.from({ length: size }, () => rng.normal()),
    shape,
    'float32',
  );
}

function values(t: tf.Tensor): Float32Array {
  return t.dataSync() as Float32Array;
}

/** The field translated by a: U'_mu(x) = U_mu(x + a). */
function translate(field: GaugeField, a: number[]): GaugeField {
  const { lattice } = field;
  const out = new GaugeField(lattice, field.N);
  const siteSize = lattice.D * field.group.matrixSize;
  for (let x = 0; x < lattice.volume; x++) {
    const c = lattice.coordinates(x);
    const from = lattice.index(c.map((xi, mu) => xi + a[mu]));
    out.links.set(field.links.subarray(from * siteSize, (from + 1) * siteSize), x * siteSize);
  }
  return out;
}

function plaquetteData(count: number, dims: number[], seed: number): Dataset {
  const fields = Array.from({ length: count }, (_, i) => roughField(dims, 2, seed + i, 0.3));
  return Dataset.fromFields(fields, plaquette);
}

describe('circularPad', () => {
  beforeAll(initTensorflow);

  it('copies x[(i - top) mod L0, (j - left) mod L1] into every padded pixel', () => {
    const x = randomTensor([2, 3, 4, 2], 1);
    const padded = circularPad(x, [2, 1], [1, 3]);
    expect(padded.shape).toEqual([2, 6, 8, 2]);
    const xv = values(x);
    const pv = values(padded);
    for (let b = 0; b < 2; b++) {
      for (let i = 0; i < 6; i++) {
        for (let j = 0; j < 8; j++) {
          for (let c = 0; c < 2; c++) {
            const si = (((i - 2) % 3) + 3) % 3;
            const sj = (((j - 1) % 4) + 4) % 4;
            expect(pv[((b * 6 + i) * 8 + j) * 2 + c]).toBe(xv[((b * 3 + si) * 4 + sj) * 2 + c]);
          }
        }
      }
    }
  });

  it('equals the tf.slice/tf.concat form, pads longer than the image included', () => {
    const x = randomTensor([3, 4, 5, 3], 2);
    for (const [rows, columns] of [
      [
        [1, 1],
        [1, 1],
      ],
      [
        [0, 2],
        [3, 0],
      ],
      [
        [9, 5],
        [0, 11],
      ],
    ] as Array<[[number, number], [number, number]]>) {
      expect(values(circularPad(x, rows, columns))).toEqual(
        values(circularPadSlices(x, rows, columns)),
      );
    }
  });

  it('has the gradient tfjs derives for the slice/concat form (the fold back)', () => {
    const x = randomTensor([2, 4, 3, 2], 3);
    const weights = randomTensor([2, 4 + 3, 3 + 5, 2], 4);
    const loss = (pad: typeof circularPad) => (a: tf.Tensor) =>
      tf.sum(tf.mul(pad(a as tf.Tensor4D, [1, 2], [5, 0]), weights));
    const fast = values(tf.grad(loss(circularPad))(x));
    const reference = values(tf.grad(loss(circularPadSlices))(x));
    expect(maxAbsDifference(fast, reference)).toBeLessThan(1e-5);
  });

  it('rejects a negative pad and a tensor that is not rank 4', () => {
    const x = randomTensor([1, 2, 2, 1], 5);
    expect(() => circularPad(x, [-1, 0], [0, 0])).toThrow(/circularPad: invalid rows\[0\]/);
    expect(() => circularPad(tf.zeros([2, 2]) as unknown as tf.Tensor4D, [1, 1], [1, 1])).toThrow(
      /rank-4/,
    );
  });
});

describe('circularConv2d', () => {
  beforeAll(initTensorflow);

  it('equals tf.conv2d of the padded image, with tfjs-derived gradients, for k = 1..4', () => {
    const x = randomTensor([2, 5, 4, 3], 6);
    for (let k = 1; k <= 4; k++) {
      const w = randomTensor([k, k, 3, 2], 10 + k);
      const p0 = Math.floor((k - 1) / 2);
      const p1 = k - 1 - p0;
      const reference = (a: tf.Tensor4D, b: tf.Tensor4D) =>
        tf.conv2d(circularPadSlices(a, [p0, p1], [p0, p1]), b, 1, 'valid');
      expect(maxAbsDifference(values(circularConv2d(x, w)), values(reference(x, w)))).toBe(0);
      const dy = randomTensor([2, 5, 4, 2], 20 + k);
      const loss = (f: typeof reference) => (a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(f(a as tf.Tensor4D, b as tf.Tensor4D), dy));
      const [dx, dw] = tf.grads(loss(circularConv2d))([x, w]);
      const [rx, rw] = tf.grads(loss(reference))([x, w]);
      expect(maxAbsDifference(values(dx), values(rx))).toBeLessThan(1e-4);
      expect(maxAbsDifference(values(dw), values(rw))).toBeLessThan(1e-4);
    }
  });
});

describe('encodeConfigurations', () => {
  it('lays out each site as its D link matrices (re, im) in an image [B, L0, L1, D*2N^2]', () => {
    const data = plaquetteData(2, [3, 5], 30);
    const image = encodeConfigurations(data, [1, 0], 'links');
    expect(image.shape).toEqual([2, 3, 5, 16]);
    const v = values(image);
    const { lattice } = data;
    const links = data.field(1).links;
    for (let x = 0; x < lattice.volume; x++) {
      const [x0, x1] = lattice.coordinates(x);
      for (let c = 0; c < 16; c++) {
        expect(v[(x0 * 5 + x1) * 16 + c]).toBe(Math.fround(links[x * 16 + c]));
      }
    }
  });

  it("appends the plaquette U_01(x) (re, im) to the links by default, as the paper's baseline", () => {
    const data = plaquetteData(2, [3, 5], 31);
    const image = encodeConfigurations(data, [1, 0], 'links+plaquettes');
    expect(image.shape).toEqual([2, 3, 5, 24]);
    const v = values(image);
    const field = data.field(1);
    const P = plaquetteField(field);
    for (let x = 0; x < field.lattice.volume; x++) {
      const [x0, x1] = field.lattice.coordinates(x);
      for (let c = 0; c < 16; c++) {
        expect(v[(x0 * 5 + x1) * 24 + c]).toBe(Math.fround(field.links[x * 16 + c]));
      }
      for (let c = 0; c < 8; c++) {
        expect(v[(x0 * 5 + x1) * 24 + 16 + c]).toBe(Math.fround(P.data[x * 8 + c]));
      }
    }
    expect(new BaselineCnn({ type: 'cnn', layers: [4], kernel: 3 }, 2, 2, true).inputChannels).toBe(
      24,
    );
  });

  it('refuses D != 2 with a clear error', () => {
    const fields = [roughField([2, 2, 2], 2, 1)];
    const data = Dataset.fromFields(fields, plaquette);
    expect(() => encodeConfigurations(data, [0], 'links')).toThrow(
      /encodeConfigurations: invalid D: expected 2 .*got D = 3/,
    );
    expect(() => new BaselineCnn({ type: 'cnn', layers: [4], kernel: 3 }, 2, 3, true)).toThrow(
      RangeError,
    );
  });
});

describe('BaselineCnn', () => {
  const spec: BaselineSpec = { type: 'cnn', layers: [16, 16], kernel: 2 };
  let data: Dataset;
  let split: Split;
  let model: BaselineCnn;
  let history: Array<{ validationR2: number }>;
  let speed: number;

  beforeAll(async () => {
    data = plaquetteData(200, [8, 8], 100);
    split = splitDataset(data, { validation: 0.1, test: 0.1 }, 1);
    model = new BaselineCnn(spec, 2, 2, true, 1);
    const t0 = performance.now();
    const result = await model.train(data, split, {
      epochs: 15,
      batchSize: 4,
      learningRate: 0.005,
      patience: 5,
      seed: 1,
    });
    speed = (split.train.length * result.history.length) / ((performance.now() - t0) / 1000);
    history = result.history;
  });

  it('rejects a bad spec', () => {
    expect(() => new BaselineCnn({ ...spec, type: 'mlp' as 'cnn' }, 2, 2, true)).toThrow(
      /spec.type/,
    );
    expect(() => new BaselineCnn({ ...spec, layers: [] }, 2, 2, true)).toThrow(/spec.layers/);
    expect(() => new BaselineCnn({ ...spec, kernel: 0 }, 2, 2, true)).toThrow(/spec.kernel/);
  });

  it('commutes with lattice translations, to float32 rounding', () => {
    const cnn = new BaselineCnn({ type: 'cnn', layers: [4, 4], kernel: 3 }, 2, 2, true, 7);
    const field = roughField([6, 5], 2, 40, 0.7);
    const a = [2, 3];
    const both = Dataset.fromFields([field, translate(field, a)], plaquette);
    const out = cnn.predict(both, [0, 1]);
    const { lattice } = both;
    let worst = 0;
    for (let x = 0; x < lattice.volume; x++) {
      const shifted = lattice.index(lattice.coordinates(x).map((xi, mu) => xi + a[mu]));
      worst = Math.max(worst, Math.abs(out[lattice.volume + x] - out[shifted]));
    }
    expect(worst).toBeLessThan(1e-6);
    cnn.dispose();
  });

  it('learns the per-site plaquette of 2D SU(2) on 8x8 to R^2 > 0.9', () => {
    const test = model.evaluate(data, split.test);
    // measured: R^2 = 0.92 on the test configurations after 15 epochs
    expect(test.r2).toBeGreaterThan(0.9);
    expect(history.at(-1)!.validationR2).toBeGreaterThan(0.85);
    expect(speed).toBeGreaterThan(0);
  });

  it('runs on 16x16 with one output per site and keeps its accuracy there', () => {
    const large = plaquetteData(4, [16, 16], 500);
    const out = model.predict(large, [0, 1, 2, 3]);
    expect(out.length).toBe(4 * 256);
    expect(out.every(Number.isFinite)).toBe(true);
    expect(model.evaluate(large, [0, 1, 2, 3]).r2).toBeGreaterThan(0.85);
  });

  it('is not gauge invariant: a gauge transformation changes its prediction, not the target', () => {
    const rng = new Xoshiro128(9);
    const fields = split.test.slice(0, 5).map((i) => data.field(i));
    const transformed = fields.map((f) =>
      gaugeTransform(f, randomGaugeTransformation(f.lattice, 2, rng)),
    );
    const original = Dataset.fromFields(fields, plaquette);
    const gauged = Dataset.fromFields(transformed, plaquette);
    const all = [0, 1, 2, 3, 4];
    expect(maxAbsDifference(original.targetsOf(all), gauged.targetsOf(all))).toBeLessThan(1e-12);
    const change = maxAbsDifference(model.predict(original, all), model.predict(gauged, all));
    expect(change).toBeGreaterThan(0.1);
    // on gauge-transformed links the learned map is far off
    expect(model.evaluate(gauged, all).r2).toBeLessThan(0.5);
  });

  it('saves and loads exactly, and refuses to overwrite without force', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lgt-cnn-'));
    const path = join(dir, 'cnn.json');
    await model.save(path, { target: plaquette, trainedOn: [8, 8] });
    const body = JSON.parse(readFileSync(path, 'utf8'));
    expect(body.format).toBe(BASELINE_FORMAT);
    const { model: loaded, info } = BaselineCnn.load(path);
    expect(info.target).toEqual(plaquette);
    expect(loaded.spec).toEqual({ ...spec, input: 'links+plaquettes' }); // the default input, written out
    expect(loaded.targetScaling).toEqual(model.targetScaling);
    expect(loaded.predict(data, split.test)).toEqual(model.predict(data, split.test));
    await expect(model.save(path, { target: plaquette })).rejects.toThrow(/already exists/);
    await model.save(path, { target: plaquette }, { force: true });
    expect(existsSync(path)).toBe(true);
    writeFileSync(path, JSON.stringify({ ...body, format: 'lattice-gauge-lcnn' }));
    expect(() => BaselineCnn.load(path)).toThrow(FileError);
    loaded.dispose();
  });

  it('predicts per configuration with a global average pool, and checks the target kind', async () => {
    const fields = Array.from({ length: 12 }, (_, i) => roughField([4, 4], 2, 70 + i, 0.5));
    const mean = Dataset.fromFields(fields, parseTarget('wilson:1x1:mean'));
    const cnn = new BaselineCnn({ type: 'cnn', layers: [4], kernel: 3 }, 2, 2, false, 3);
    const result = await cnn.train(
      mean,
      { train: [0, 1, 2, 3, 4, 5, 6, 7], validation: [8, 9], test: [] },
      {
        epochs: 2,
        batchSize: 4,
        learningRate: 0.01,
      },
    );
    expect(result.history).toHaveLength(2);
    expect(cnn.predict(mean, [10, 11]).length).toBe(2);
    expect(() => model.predict(mean, [0])).toThrow(/targets per site/);
    cnn.dispose();
  });

  it('trains reproducibly from a seed, without leaking tensors', async () => {
    const small = {
      train: split.train.slice(0, 8),
      validation: split.validation.slice(0, 2),
      test: [],
    };
    const run = async () => {
      const cnn = new BaselineCnn({ type: 'cnn', layers: [4], kernel: 3 }, 2, 2, true, 5);
      await cnn.train(data, small, { epochs: 2, batchSize: 4, learningRate: 0.01, seed: 3 });
      const weights = cnn.getWeights();
      cnn.dispose();
      return weights;
    };
    const before = tf.memory().numTensors;
    const first = await run();
    expect(tf.memory().numTensors).toBe(before);
    expect(await run()).toEqual(first);
  });
});
