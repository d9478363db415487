/**
 * L-Exp, the gauge-covariant link update: the updated links are a gauge field again
 * (U' -> Omega(x) U' Omega(x+mu)^+ to 1e-12), the layers after it transport with them, and
 * gradients through the matrix exponential and through the Wilson lines of the updated links
 * agree with central differences.
 */
import { describe, expect, it } from 'vitest';
import { GaugeField } from '../../src/lattice/gaugeField.js';
import {
  gaugeTransform,
  randomGaugeTransformation,
} from '../../src/lattice/gaugeTransformation.js';
import { inputFeatures } from '../../src/lcnn/inputFeatures.js';
import type { BatchContext, Layer } from '../../src/lcnn/layers/layer.js';
import { LConv } from '../../src/lcnn/layers/lconv.js';
import { LExp } from '../../src/lcnn/layers/lexp.js';
import { Model, type ModelSpec } from '../../src/lcnn/model.js';
import { parseArchitecture } from '../../src/lcnn/architecture.js';
import { GaugeBatch, type Activation, type MatrixTensor } from '../../src/lcnn/tensors.js';
import { TransportCache } from '../../src/lcnn/transportCache.js';
import { Xoshiro128 } from '../../src/core/rng.js';
import { roughField } from '../helpers.js';
import { dot, gradientCheck, randomLike } from './layerChecks.js';

function setup(N: number): { gauge: GaugeBatch; W: MatrixTensor; fields: GaugeField[] } {
  const fields = [roughField([3, 4], N, 51, 0.8), roughField([3, 4], N, 52, 0.8)];
  const gauge = GaugeBatch.fromFields(fields);
  return { gauge, W: inputFeatures(gauge, new TransportCache(gauge)), fields };
}

/** L-Exp, then an L-Conv that transports with the updated links (K = 2: lines of two links). */
function chain(N: number, gauge: GaugeBatch): Layer {
  const lexp = new LExp(1, 2, new Xoshiro128(3));
  // steps large enough that exp(A) is far from 1 + A
  for (let k = 0; k < lexp.weight.value.length; k++) lexp.weight.value[k] *= 8;
  const conv = new LConv(1, 2, 2, 2, new Xoshiro128(4));
  return {
    spec: { type: 'lexp' },
    parameters: [...lexp.parameters, ...conv.parameters],
    // every forward starts from the data's links
    forward: (a: Activation, c: BatchContext) => {
      c.transport = new TransportCache(gauge);
      return conv.forward(lexp.forward(a, c), c);
    },
    backward: (g: Activation, c: BatchContext) => lexp.backward(conv.backward(g, c)!, c),
  };
}

describe('L-Exp', () => {
  for (const N of [2, 3]) {
    it(`SU(${N}): gradients through exp and the updated lines match central differences`, () => {
      const { gauge, W } = setup(N);
      const ctx = { transport: new TransportCache(gauge) };
      expect(gradientCheck(chain(N, gauge), W, ctx, 5)).toBeLessThan(1e-7);
    });

    it(`SU(${N}): the updated links transform as a gauge field, to 1e-12`, () => {
      const { gauge, W, fields } = setup(N);
      const lexp = new LExp(1, 2, new Xoshiro128(6));
      const ctx = { transport: new TransportCache(gauge) };
      lexp.forward(W, ctx);
      const updated = ctx.transport.gauge;
      const omegas = fields.map((f, b) =>
        randomGaugeTransformation(f.lattice, N, new Xoshiro128(60 + b)),
      );
      const moved = GaugeBatch.fromFields(fields.map((f, b) => gaugeTransform(f, omegas[b])));
      const ctx2 = { transport: new TransportCache(moved) };
      lexp.forward(inputFeatures(moved, ctx2.transport), ctx2);
      let worst = 0;
      fields.forEach((f, b) => {
        const links = updated.links.slice(b * updated.stride, (b + 1) * updated.stride);
        const want = gaugeTransform(new GaugeField(f.lattice, N, links), omegas[b]);
        const got = ctx2.transport.gauge.links.subarray(
          b * updated.stride,
          (b + 1) * updated.stride,
        );
        for (let k = 0; k < got.length; k++)
          worst = Math.max(worst, Math.abs(got[k] - want.links[k]));
      });
      expect(worst).toBeLessThan(1e-12);
      // and the update is a real one: the links changed
      let change = 0;
      for (let k = 0; k < gauge.links.length; k++) {
        change = Math.max(change, Math.abs(updated.links[k] - gauge.links[k]));
      }
      expect(change).toBeGreaterThan(1e-3);
    });
  }

  it('in a model: invariant outputs and whole-model gradients with two link updates', () => {
    const spec: ModelSpec = {
      N: 2,
      D: 2,
      seed: 9,
      layers: parseArchitecture('lcb:2:1,lexp,lconv:2:2,lexp,lcb:2:1,trace,dense:1'),
    };
    const model = new Model(spec);
    const { gauge, fields } = setup(2);
    const omega = randomGaugeTransformation(fields[0].lattice, 2, new Xoshiro128(70));
    const both = GaugeBatch.fromFields([fields[0], gaugeTransform(fields[0], omega)]);
    const out = model.forward(both).data;
    const V = 12;
    for (let x = 0; x < V; x++) expect(Math.abs(out[x] - out[V + x])).toBeLessThan(1e-12);
    // d(R . model(U))/dw against central differences for every weight
    const rng = new Xoshiro128(71);
    const R = randomLike(model.forward(gauge), rng);
    model.zeroGrad();
    model.forward(gauge);
    model.backward(R as never);
    const analytic = model.parameters.flatMap((p) => Array.from(p.grad));
    const weights = model.getWeights();
    const h = 1e-6;
    let worst = 0;
    for (let k = 0; k < weights.length; k++) {
      const w = weights[k];
      weights[k] = w + h;
      model.setWeights(weights);
      const up = dot(R, model.forward(gauge));
      weights[k] = w - h;
      model.setWeights(weights);
      const down = dot(R, model.forward(gauge));
      weights[k] = w;
      const numeric = (up - down) / (2 * h);
      worst = Math.max(worst, Math.abs(numeric - analytic[k]) / Math.max(1, Math.abs(numeric)));
    }
    expect(worst).toBeLessThan(1e-7);
  });

  it('is refused in symmetric models', () => {
    expect(
      () =>
        new Model({
          N: 2,
          D: 2,
          symmetry: 'rotations',
          layers: parseArchitecture('lcb:2:1,lexp,trace,dense:1'),
        }),
    ).toThrow(/no "lexp" in a symmetric model/);
  });
});
