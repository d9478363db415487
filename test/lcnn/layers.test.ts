/**
 * The L-CNN engine's claims (DESIGN.md 6): gradients agree with central finite differences;
 * every layer is gauge equivariant (traces and model outputs invariant) and translation
 * equivariant to ~1e-12 in float64.
 */
import { describe, expect, it } from 'vitest';
import type { GaugeField } from '../../src/lattice/gaugeField.js';
import {
  gaugeTransform,
  randomGaugeTransformation,
} from '../../src/lattice/gaugeTransformation.js';
import { translateGaugeField } from '../../src/lattice/symmetryActions.js';
import { inputFeatures } from '../../src/lcnn/inputFeatures.js';
import { Dense } from '../../src/lcnn/layers/dense.js';
import { LAct } from '../../src/lcnn/layers/lact.js';
import type { BatchContext, Layer } from '../../src/lcnn/layers/layer.js';
import { LBilin } from '../../src/lcnn/layers/lbilin.js';
import { LCB } from '../../src/lcnn/layers/lcb.js';
import { LConv } from '../../src/lcnn/layers/lconv.js';
import { SiteMean } from '../../src/lcnn/layers/siteMean.js';
import { Trace } from '../../src/lcnn/layers/trace.js';
import { meanSquaredError, Model, type ModelSpec } from '../../src/lcnn/model.js';
import { FeatureTensor, GaugeBatch, MatrixTensor } from '../../src/lcnn/tensors.js';
import { TransportCache } from '../../src/lcnn/transportCache.js';
import { Xoshiro128 } from '../../src/core/rng.js';
import { polyakovLoopField } from '../../src/lattice/observables/polyakov.js';
import { wilsonLoopField } from '../../src/lattice/observables/wilsonLoops.js';
import { roughField } from '../helpers.js';
import { gradientCheck, maxDiff, transformTensor } from './layerChecks.js';

function batchOf(fields: GaugeField[]): { gauge: GaugeBatch; ctx: BatchContext; W: MatrixTensor } {
  const gauge = GaugeBatch.fromFields(fields);
  const transport = new TransportCache(gauge);
  return { gauge, ctx: { transport }, W: inputFeatures(gauge, transport) };
}

function fields(dims: number[], N: number, seed: number, count = 2): GaugeField[] {
  return Array.from({ length: count }, (_, i) => roughField(dims, N, seed + i, 0.8));
}

const cases: Array<[number, number[]]> = [
  [2, [4, 4]],
  [3, [3, 4]],
  [2, [3, 2, 2, 3]],
];

const matrixLayers = (C: number, D: number): Array<[string, () => Layer]> => [
  ['L-Conv (K = 2)', () => new LConv(C, 3, 2, D, new Xoshiro128(1))],
  ['L-Bilin', () => new LBilin(C, 2, new Xoshiro128(2))],
  ['L-CB (K = 1)', () => new LCB(C, 2, 1, D, new Xoshiro128(3))],
  ['L-Act (tanh)', () => new LAct('tanh')],
  ['L-Act (sigmoid)', () => new LAct('sigmoid')],
];

describe('L-CNN layers', () => {
  for (const [N, dims] of cases) {
    const D = dims.length;
    const C = (D * (D - 1)) / 2;
    for (const [name, make] of matrixLayers(C, D)) {
      it(`SU(${N}) D=${D} ${name}: gradients match central differences`, () => {
        const { W, ctx } = batchOf(fields(dims, N, 10));
        expect(gradientCheck(make(), W, ctx, 5)).toBeLessThan(1e-7);
      });

      it(`SU(${N}) D=${D} ${name}: is gauge equivariant to 1e-12`, () => {
        const fs = fields(dims, N, 20);
        const omegas = fs.map((f, i) =>
          randomGaugeTransformation(f.lattice, N, new Xoshiro128(100 + i)),
        );
        const transformed = fs.map((f, i) => gaugeTransform(f, omegas[i]));
        const a = batchOf(fs);
        const b = batchOf(transformed);
        const layer = make();
        const expected = transformTensor(layer.forward(a.W, a.ctx) as MatrixTensor, omegas);
        const got = layer.forward(b.W, b.ctx) as MatrixTensor;
        expect(maxDiff(got, expected)).toBeLessThan(1e-12);
      });
    }

    it(`SU(${N}) D=${D}: the trace is gauge invariant, and Dense/mean have exact gradients`, () => {
      const fs = fields(dims, N, 30);
      const omegas = fs.map((f, i) =>
        randomGaugeTransformation(f.lattice, N, new Xoshiro128(200 + i)),
      );
      const a = batchOf(fs);
      const b = batchOf(fs.map((f, i) => gaugeTransform(f, omegas[i])));
      const trace = new Trace();
      const ta = trace.forward(a.W);
      expect(maxDiff(trace.forward(b.W), ta)).toBeLessThan(1e-12);
      expect(gradientCheck(new Trace(), a.W, a.ctx, 7)).toBeLessThan(1e-7);
      expect(
        gradientCheck(new Dense(ta.features, 3, 'tanh', new Xoshiro128(4)), ta, a.ctx, 8),
      ).toBeLessThan(1e-7);
      expect(gradientCheck(new SiteMean(), ta, a.ctx, 9)).toBeLessThan(1e-7);
    });
  }

  it('L-Act with ReLU has exact gradients away from the kink', () => {
    const { W, ctx } = batchOf(fields([4, 4], 2, 40));
    expect(gradientCheck(new LAct('relu'), W, ctx, 3)).toBeLessThan(1e-7);
  });

  it('can fail: convolving without the Wilson lines (links of another configuration) breaks equivariance', () => {
    const fs = fields([4, 4], 2, 50);
    const omegas = fs.map((f, i) =>
      randomGaugeTransformation(f.lattice, 2, new Xoshiro128(300 + i)),
    );
    const a = batchOf(fs);
    const b = batchOf(fs.map((f, i) => gaugeTransform(f, omegas[i])));
    const layer = new LConv(1, 2, 1, 2, new Xoshiro128(1));
    const expected = transformTensor(layer.forward(a.W, a.ctx) as MatrixTensor, omegas);
    // transported with the untransformed links: not covariant
    const got = layer.forward(b.W, a.ctx) as MatrixTensor;
    expect(maxDiff(got, expected)).toBeGreaterThan(1e-3);
  });

  it('L-Conv is translation equivariant: shifting the configuration shifts the output', () => {
    const f = roughField([4, 6], 3, 60, 0.8);
    const shift = [1, 4];
    const layer = new LCB(1, 2, 2, 2, new Xoshiro128(5));
    const a = batchOf([f]);
    const b = batchOf([translateGaugeField(f, shift)]);
    const ya = layer.forward(a.W, a.ctx) as MatrixTensor;
    const yb = layer.forward(b.W, b.ctx) as MatrixTensor;
    const lattice = f.lattice;
    let worst = 0;
    for (let x = 0; x < lattice.volume; x++) {
      const y = lattice.index(lattice.coordinates(x).map((v, mu) => v + shift[mu]));
      for (let c = 0; c < 2; c++) {
        for (let k = 0; k < ya.m; k++) {
          worst = Math.max(
            worst,
            Math.abs(yb.data[yb.offset(0, y, c) + k] - ya.data[ya.offset(0, x, c) + k]),
          );
        }
      }
    }
    expect(worst).toBeLessThan(1e-13);
  });
});

describe('L-CNN models', () => {
  const spec: ModelSpec = {
    N: 2,
    D: 2,
    seed: 3,
    layers: [
      { type: 'lcb', out: 3, kernel: 1 },
      { type: 'lact', activation: 'tanh' },
      { type: 'lcb', out: 2, kernel: 1 },
      { type: 'trace' },
      { type: 'dense', out: 4, activation: 'tanh' },
      { type: 'dense', out: 1 },
    ],
  };

  it('have gradients that match central differences for every weight (MSE loss)', () => {
    const model = new Model(spec);
    const gauge = GaugeBatch.fromFields(fields([4, 4], 2, 70));
    const rng = new Xoshiro128(1);
    const target = Float64Array.from({ length: 2 * 16 }, () => rng.normal());
    const loss = () => meanSquaredError(model.forward(gauge), target).loss;
    model.zeroGrad();
    const { grad } = meanSquaredError(model.forward(gauge), target);
    model.backward(grad);
    const h = 1e-6;
    let worst = 0;
    for (const p of model.parameters) {
      for (let k = 0; k < p.value.length; k++) {
        const v = p.value[k];
        p.value[k] = v + h;
        const up = loss();
        p.value[k] = v - h;
        const down = loss();
        p.value[k] = v;
        const numeric = (up - down) / (2 * h);
        worst = Math.max(worst, Math.abs(numeric - p.grad[k]) / Math.max(1e-3, Math.abs(numeric)));
      }
    }
    expect(worst).toBeLessThan(1e-6);
  });

  it('read out real traces for SU(2): the channels stay quaternions, Im tr is emitted as exactly 0', () => {
    const deep: ModelSpec = {
      ...spec,
      D: 3,
      layers: [
        { type: 'lcb', out: 3, kernel: 1 },
        { type: 'lcb', out: 2, kernel: 1 },
        { type: 'lact', activation: 'tanh' },
        { type: 'lcb', out: 2, kernel: 2 },
        { type: 'trace' },
        { type: 'dense', out: 1 },
      ],
    };
    for (const N of [2, 3]) {
      const model = new Model({ ...deep, N });
      const gauge = GaugeBatch.fromFields(fields([3, 3, 3], N, 60));
      const traceAt = deep.layers.findIndex((l) => l.type === 'trace');
      const W = model.activationsBefore(gauge, traceAt, 'test') as MatrixTensor;
      const features = model.activationsBefore(gauge, traceAt + 1, 'test') as FeatureTensor;
      // computed: Im tr of SU(2) channels is rounding noise; of SU(3) channels, of their size
      let largest = 0;
      let imaginary = 0;
      for (let s = 0; s < W.batch * W.volume * W.channels; s++) {
        largest = Math.max(largest, Math.abs(W.group.reTrace(W.data, s * W.m)));
        imaginary = Math.max(imaginary, Math.abs(W.group.imTrace(W.data, s * W.m)));
      }
      const emitted = features.data.filter((_, k) => k % 2 === 1);
      if (N === 2) {
        expect(imaginary / largest).toBeLessThan(1e-14);
        expect(emitted.every((v) => v === 0)).toBe(true);
      } else {
        expect(imaginary / largest).toBeGreaterThan(1e-3);
        const direct = Array.from({ length: emitted.length }, (_, s) =>
          W.group.imTrace(W.data, s * W.m),
        );
        expect(Array.from(emitted)).toEqual(direct);
      }
      // so for SU(2) a readout weight on Im tr changes no prediction, not even in the last bit
      const before = Float64Array.from(model.forward(gauge).data);
      const readout = model.parameters.find(
        (p) => p.name.endsWith('.weight') && p.value.length === 4,
      )!;
      readout.value[1] += 1;
      readout.value[3] -= 1;
      const after = model.forward(gauge).data;
      expect(after.every((v, k) => v === before[k])).toBe(N === 2);
    }
  });

  it('predict the same for a gauge-transformed configuration (invariance to 1e-12)', () => {
    const model = new Model({ ...spec, N: 3, D: 4, layers: [...spec.layers, { type: 'mean' }] });
    const fs = fields([2, 3, 2, 2], 3, 80);
    const omegas = fs.map((f, i) =>
      randomGaugeTransformation(f.lattice, 3, new Xoshiro128(400 + i)),
    );
    const a = model.forward(GaugeBatch.fromFields(fs));
    const b = model.forward(GaugeBatch.fromFields(fs.map((f, i) => gaugeTransform(f, omegas[i]))));
    expect(a.volume).toBe(1);
    expect(maxDiff(a, b)).toBeLessThan(1e-12);
  });

  it('run unchanged on larger lattices than they were built for', () => {
    const model = new Model(spec);
    const small = model.forward(GaugeBatch.fromFields(fields([8, 8], 2, 90, 1)));
    const large = model.forward(GaugeBatch.fromFields(fields([32, 32], 2, 91, 1)));
    expect(small.volume).toBe(64);
    expect(large.volume).toBe(1024);
    expect(large.features).toBe(1);
  });

  it.each([
    [
      { layers: [{ type: 'conv2d' }] },
      /Model: invalid spec.layers\[0\].type: expected one of lconv, lbilin, lcb, lact, lexp, trace, dense, mean, got conv2d/,
    ],
    [
      { layers: [{ type: 'trace' }, { type: 'lcb', out: 2, kernel: 1 }] },
      /invalid spec.layers\[1\]: expected a real-valued layer after the trace/,
    ],
    [
      { layers: [{ type: 'dense', out: 1 }] },
      /invalid spec.layers\[0\]: expected a matrix layer or "trace" before dense/,
    ],
    [{ layers: [{ type: 'lcb', out: 2, kernel: 1 }] }, /expected a "trace" layer/],
    [
      { layers: [{ type: 'lcb', out: 0, kernel: 1 }, { type: 'trace' }] },
      /invalid spec.layers\[0\].out: expected an integer in \[1, 4096\], got 0/,
    ],
  ])('reject a bad spec %j with a message naming the layer', (change, message) => {
    expect(() => new Model({ ...spec, ...(change as Partial<ModelSpec>) })).toThrow(message);
  });

  it('reject configurations of another group or dimension', () => {
    const model = new Model(spec);
    expect(() => model.forward(GaugeBatch.fromFields(fields([4, 4], 3, 1, 1)))).toThrow(
      /Model.forward: invalid gauge: expected SU\(2\) configurations in 2 dimensions, got SU\(3\) in 2 dimensions/,
    );
  });

  it('round-trip their weights', () => {
    const a = new Model(spec);
    const b = new Model({ ...spec, seed: 99 });
    b.setWeights(a.getWeights());
    const gauge = GaugeBatch.fromFields(fields([4, 4], 2, 5, 1));
    expect(maxDiff(a.forward(gauge), b.forward(gauge))).toBe(0);
  });
});

describe('L-CNN input channels', () => {
  it('add Wilson loops and the Polyakov loop that equal the lattice observables and transform covariantly', () => {
    const f = roughField([4, 6], 3, 120, 0.8);
    const gauge = GaugeBatch.fromFields([f]);
    const transport = new TransportCache(gauge);
    const W = inputFeatures(gauge, transport, { loops: [[1, 2]], polyakov: true });
    expect(W.channels).toBe(1 + 2 + 1);
    const g = f.group;
    const w12 = wilsonLoopField(f, 0, 1, 1, 2);
    const w21 = wilsonLoopField(f, 0, 1, 2, 1);
    const p = polyakovLoopField(f);
    let worst = 0;
    for (let x = 0; x < f.lattice.volume; x++) {
      for (let k = 0; k < g.matrixSize; k++) {
        worst = Math.max(
          worst,
          Math.abs(W.data[W.offset(0, x, 1) + k] - w12.data[x * g.matrixSize + k]),
        );
        worst = Math.max(
          worst,
          Math.abs(W.data[W.offset(0, x, 2) + k] - w21.data[x * g.matrixSize + k]),
        );
        worst = Math.max(
          worst,
          Math.abs(W.data[W.offset(0, x, 3) + k] - p.data[x * g.matrixSize + k]),
        );
      }
    }
    expect(worst).toBeLessThan(1e-14);
    const omega = randomGaugeTransformation(f.lattice, 3, new Xoshiro128(9));
    const t = GaugeBatch.fromFields([gaugeTransform(f, omega)]);
    const Wt = inputFeatures(t, new TransportCache(t), { loops: [[1, 2]], polyakov: true });
    expect(maxDiff(Wt, transformTensor(W, [omega]))).toBeLessThan(1e-12);
  });
});
