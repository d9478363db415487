/**
 * The WebAssembly L-CNN kernels (assembly/lcnn.ts, src/lcnn/wasm) against the TypeScript
 * layers. They do the same arithmetic in the same order, so outputs, input gradients and
 * weight gradients are compared exactly, and so are the weights after training; the gradients
 * through them also match central differences. The module is the one `npm run build` writes to
 * dist/wasm (npm test builds first).
 */
import { describe, expect, it, vi } from 'vitest';
import { Xoshiro128 } from '../../../src/core/rng.js';
import type { GaugeField } from '../../../src/lattice/gaugeField.js';
import { splitDataset, Dataset } from '../../../src/lcnn/dataset.js';
import { inputFeatures } from '../../../src/lcnn/inputFeatures.js';
import type { BatchContext, Layer } from '../../../src/lcnn/layers/layer.js';
import { LBilin } from '../../../src/lcnn/layers/lbilin.js';
import { LCB } from '../../../src/lcnn/layers/lcb.js';
import { LConv } from '../../../src/lcnn/layers/lconv.js';
import { meanSquaredError, Model, type ModelSpec } from '../../../src/lcnn/model.js';
import { parseTarget } from '../../../src/lcnn/targets.js';
import { GaugeBatch, type MatrixTensor } from '../../../src/lcnn/tensors.js';
import { trainModel } from '../../../src/lcnn/training/lcnn.js';
import { TransportCache } from '../../../src/lcnn/transportCache.js';
import { lcnnKernelsFor } from '../../../src/lcnn/wasm/lcnnKernels.js';
import { LcnnWasm } from '../../../src/lcnn/wasm/lcnnWasm.js';
import { roughField } from '../../helpers.js';
import { gradientCheck, randomLike } from '../layerChecks.js';

const wasm = lcnnKernelsFor('test', 'wasm')!;

function fields(dims: number[], N: number, seed: number, count = 2): GaugeField[] {
  return Array.from({ length: count }, (_, i) => roughField(dims, N, seed + i, 0.8));
}

/** The input features of a batch, and a context with and one without the WebAssembly kernels. */
function batchOf(fs: GaugeField[]): { W: MatrixTensor; ts: BatchContext; wasm: BatchContext } {
  const gauge = GaugeBatch.fromFields(fs);
  const transport = new TransportCache(gauge);
  return { W: inputFeatures(gauge, transport), ts: { transport }, wasm: { transport, wasm } };
}

/** Forward and backward of a fresh layer: output, input gradient and parameter gradients. */
function run(
  make: () => Layer,
  W: MatrixTensor,
  ctx: BatchContext,
  seed: number,
  inputGradient = true,
) {
  const layer = make();
  const out = layer.forward(W, ctx);
  const R = randomLike(out, new Xoshiro128(seed));
  const gradIn = layer.backward(R, ctx, inputGradient);
  return {
    out: Array.from(out.data),
    gradIn: gradIn === undefined ? undefined : Array.from(gradIn.data),
    grads: layer.parameters.map((p) => Array.from(p.grad)),
  };
}

const cases: Array<[number, number[]]> = [
  [2, [4, 4]],
  [3, [4, 2]],
  [2, [2, 4, 2, 2]],
  [3, [2, 2, 2, 4]],
];

const layers = (C: number, D: number): Array<[string, () => Layer]> => [
  ['L-Conv (K = 2)', () => new LConv(C, 3, 2, D, new Xoshiro128(1))],
  ['L-Conv (K = 1, tied kernel)', () => new LConv(C, 2, 1, D, new Xoshiro128(4), 'c', true)],
  ['L-Bilin', () => new LBilin(C, 2, new Xoshiro128(2))],
  ['L-CB (K = 1)', () => new LCB(C, 3, 1, D, new Xoshiro128(3))],
];

describe('WebAssembly L-CNN kernels', () => {
  for (const [N, dims] of cases) {
    const D = dims.length;
    const C = (D * (D - 1)) / 2;
    for (const [name, make] of layers(C, D)) {
      it(`SU(${N}) ${dims.join('x')} ${name}: output and gradients bit for bit as the TypeScript layer`, () => {
        const batch = batchOf(fields(dims, N, 10 + N));
        const viaTs = run(make, batch.W, batch.ts, 5);
        const viaWasm = run(make, batch.W, batch.wasm, 5);
        expect(viaWasm.out).toEqual(viaTs.out);
        expect(viaWasm.gradIn).toEqual(viaTs.gradIn);
        expect(viaWasm.grads).toEqual(viaTs.grads);
        expect(viaTs.out.some((v) => v !== 0)).toBe(true);
        // as the model's first layer (its input is data): no input gradient, the same weights'
        const firstTs = run(make, batch.W, batch.ts, 5, false);
        const firstWasm = run(make, batch.W, batch.wasm, 5, false);
        expect(firstWasm.gradIn).toBeUndefined();
        expect(firstTs.gradIn).toBeUndefined();
        expect(firstWasm.grads).toEqual(firstTs.grads);
        expect(firstWasm.grads).toEqual(viaTs.grads);
      });
    }
  }

  it.each([
    ['L-Conv (K = 2)', 2],
    ['L-Bilin', 2],
    ['L-CB (K = 1)', 3],
  ])('%s on SU(%i): gradients through the kernels match central differences', (name, N) => {
    const dims = [4, 2, 2, 2];
    const batch = batchOf(fields(dims, N, 30));
    const make = layers(6, 4).find(([n]) => n === name)![1];
    const bilinear = vi.spyOn(LcnnWasm.prototype, 'bilinearBackward');
    const conv = vi.spyOn(LcnnWasm.prototype, 'lconvBackward');
    try {
      expect(gradientCheck(make(), batch.W, batch.wasm, 7)).toBeLessThan(1e-7);
      expect(bilinear.mock.calls.length + conv.mock.calls.length).toBeGreaterThan(0);
    } finally {
      bilinear.mockRestore();
      conv.mockRestore();
    }
  });

  it('run a model with an L-Exp (lines as activations: L-Conv backward stays in TypeScript) to the same gradients', () => {
    const spec: ModelSpec = {
      N: 2,
      D: 2,
      seed: 3,
      layers: [
        { type: 'lcb', out: 2, kernel: 1 },
        { type: 'lexp' },
        { type: 'lcb', out: 2, kernel: 2 },
        { type: 'trace' },
        { type: 'dense', out: 1 },
      ],
    };
    const gauge = GaugeBatch.fromFields(fields([4, 4], 2, 50, 3));
    const gradients = [undefined, wasm].map((kernels) => {
      const model = new Model(spec).useKernels(kernels);
      const out = model.forward(gauge);
      model.zeroGrad();
      const targets = new Float64Array(out.data.length).fill(0.3);
      model.backward(meanSquaredError(out, targets).grad);
      return { out: Array.from(out.data), grads: model.parameters.map((p) => Array.from(p.grad)) };
    });
    expect(gradients[1]).toEqual(gradients[0]);
  });

  it('train to the same weights bit for bit as the TypeScript kernels, on 1 and 2 workers; ts forces the fallback', async () => {
    const spec: ModelSpec = {
      N: 2,
      D: 2,
      seed: 1,
      layers: [
        { type: 'lcb', out: 2, kernel: 1 },
        { type: 'lcb', out: 2, kernel: 2 },
        { type: 'trace' },
        { type: 'dense', out: 1 },
      ],
    };
    const fs = fields([6, 6], 2, 70, 24);
    const data = Dataset.fromFields(fs, parseTarget('wilson:2x2'));
    const split = splitDataset(data, { validation: 0.25, test: 0 }, 1);
    const forward = vi.spyOn(LcnnWasm.prototype, 'bilinearForward');
    const train = async (kernels: 'ts' | 'wasm' | 'auto', workers: number) => {
      forward.mockClear();
      const model = new Model(spec);
      const result = await trainModel(model, data, split, {
        epochs: 2,
        batchSize: 6,
        learningRate: 1e-2,
        seed: 4,
        workers,
        kernels,
      });
      expect(model.kernels).toBeUndefined(); // the caller's choice is restored
      return {
        weights: Array.from(model.getWeights()),
        losses: result.history.map((h) => [h.trainLoss, h.validationLoss]),
        callsHere: forward.mock.calls.length,
      };
    };
    try {
      const ts1 = await train('ts', 1);
      const wasm1 = await train('wasm', 1);
      const auto1 = await train('auto', 1);
      expect(ts1.callsHere).toBe(0);
      expect(wasm1.callsHere).toBeGreaterThan(0);
      expect(auto1.callsHere).toBe(wasm1.callsHere);
      expect(wasm1.weights).toEqual(ts1.weights);
      expect(auto1.weights).toEqual(ts1.weights);
      expect(wasm1.losses).toEqual(ts1.losses);
      const ts2 = await train('ts', 2);
      const wasm2 = await train('wasm', 2);
      expect(wasm2.weights).toEqual(ts2.weights);
      expect(wasm2.losses).toEqual(ts2.losses);
      // the weights moved
      expect(ts1.weights).not.toEqual(Array.from(new Model(spec).getWeights()));
    } finally {
      forward.mockRestore();
    }
  });

  it('refuse an unknown kernel choice, naming it', async () => {
    const fs = fields([4, 4], 2, 90, 4);
    const data = Dataset.fromFields(fs, parseTarget('wilson:1x1'));
    const model = new Model({
      N: 2,
      D: 2,
      seed: 1,
      layers: [{ type: 'lcb', out: 1, kernel: 1 }, { type: 'trace' }, { type: 'dense', out: 1 }],
    });
    await expect(
      trainModel(
        model,
        data,
        { train: [0, 1], validation: [2], test: [3] },
        { epochs: 1, batchSize: 2, learningRate: 1e-3, kernels: 'gpu' as 'ts' },
      ),
    ).rejects.toThrow('trainModel: invalid kernels: expected one of "ts", "wasm", "auto", got gpu');
  });
});
