/**
 * Checks shared by the L-CNN layer tests: gradients against central differences, gauge
 * transformations of matrix tensors, and distances between activations.
 */
import type { MatrixField } from '../../src/lattice/matrixField.js';
import type { BatchContext, Layer } from '../../src/lcnn/layers/layer.js';
import type { Activation, MatrixTensor } from '../../src/lcnn/tensors.js';
import { Xoshiro128 } from '../../src/core/rng.js';

/** <R, layer(X)>: a scalar loss with a fixed random R, and its gradient R. */
export function randomLike(a: Activation, rng: Xoshiro128): Activation {
  const r = a.zerosLike();
  for (let k = 0; k < r.data.length; k++) r.data[k] = rng.normal();
  return r;
}
export function dot(a: Activation, b: Activation): number {
  let s = 0;
  for (let k = 0; k < a.data.length; k++) s += a.data[k] * b.data[k];
  return s;
}

/** Checks input and parameter gradients of a layer against central differences. */
export function gradientCheck(
  layer: Layer,
  input: Activation,
  ctx: BatchContext,
  seed: number,
): number {
  const rng = new Xoshiro128(seed);
  const R = randomLike(layer.forward(input, ctx), rng);
  const loss = () => dot(R, layer.forward(input, ctx));
  for (const p of layer.parameters) p.zeroGrad();
  layer.forward(input, ctx);
  const gradIn = layer.backward(R, ctx)!;
  const h = 1e-6;
  let worst = 0;
  const compare = (analytic: number, values: Float64Array, k: number) => {
    const v = values[k];
    values[k] = v + h;
    const up = loss();
    values[k] = v - h;
    const down = loss();
    values[k] = v;
    const numeric = (up - down) / (2 * h);
    worst = Math.max(worst, Math.abs(numeric - analytic) / Math.max(1, Math.abs(numeric)));
  };
  // a sample of input components and every parameter component (or a sample of them)
  for (let s = 0; s < 40; s++) {
    const k = Math.floor(rng.uniform() * input.data.length);
    compare(gradIn.data[k], input.data, k);
  }
  for (const p of layer.parameters) {
    const grad = p.grad.slice();
    const n = Math.min(p.value.length, 40);
    for (let s = 0; s < n; s++) {
      const k = p.value.length <= 40 ? s : Math.floor(rng.uniform() * p.value.length);
      compare(grad[k], p.value, k);
    }
  }
  return worst;
}

/** Omega(x) W(x) Omega(x)^+ for every configuration, site and channel of a tensor. */
export function transformTensor(W: MatrixTensor, omegas: MatrixField[]): MatrixTensor {
  const g = W.group;
  const out = W.zerosLike();
  const m = W.m;
  for (let b = 0; b < W.batch; b++) {
    for (let x = 0; x < W.volume; x++) {
      for (let c = 0; c < W.channels; c++) {
        const o = W.offset(b, x, c);
        g.multiply(out.data, o, omegas[b].data, x * m, W.data, o);
        g.multiplyAdjoint(out.data, o, out.data, o, omegas[b].data, x * m);
      }
    }
  }
  return out;
}

export function maxDiff(a: Activation, b: Activation): number {
  let d = 0;
  for (let k = 0; k < a.data.length; k++) d = Math.max(d, Math.abs(a.data[k] - b.data[k]));
  return d;
}
