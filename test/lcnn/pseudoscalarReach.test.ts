/**
 * The refusal of src/lcnn/reach.ts is sound: with the refusal switched off, the models it
 * refuses do output zero (rounding) for every configuration, while the accepted model at the
 * edge of the rule does not. This checks the reasoning, term by term cancellation of the
 * det-weighted orientation pool, rather than taking it on trust.
 */
import { describe, expect, it, vi } from 'vitest';
import type { LayerSpec } from '../../src/lcnn/layers/layer.js';
import { Model } from '../../src/lcnn/model.js';
import { GaugeBatch } from '../../src/lcnn/tensors.js';
import { roughField } from '../helpers.js';

vi.mock('../../src/lcnn/reach.js', async (original) => ({
  ...(await original<typeof import('../../src/lcnn/reach.js')>()),
  pseudoscalarOutOfReach: () => undefined,
}));

const lcb = (kernel: number): LayerSpec => ({ type: 'lcb', out: 2, kernel });
const linear: LayerSpec[] = [
  { type: 'trace' },
  { type: 'dense', out: 3 },
  { type: 'dense', out: 1 },
];
const tanh: LayerSpec[] = [
  { type: 'trace' },
  { type: 'dense', out: 3, activation: 'tanh' },
  { type: 'dense', out: 1 },
];

function largestOutput(N: number, D: number, layers: LayerSpec[], head: LayerSpec[]): number {
  const model = new Model({
    N,
    D,
    symmetry: 'rotations+reflections',
    parity: 'pseudoscalar',
    mixOrientations: false,
    seed: 9,
    layers: [...layers, ...head],
  });
  const dims = new Array<number>(D).fill(D === 4 ? 2 : 3);
  const out = model.forward(
    GaugeBatch.fromFields([roughField(dims, N, 1, 0.9), roughField(dims, N, 2, 0.6)]),
  ).data;
  return Math.max(...Array.from(out, Math.abs));
}

describe('the one-plane lifted input without mixing, refusal switched off', () => {
  it.each([
    ['lcb:2:0, linear head (reach 0)', 3, 4, [lcb(0)], linear],
    ['lcb:2:0, tanh head (reach 0)', 3, 4, [lcb(0)], tanh],
    ['lcb:2:1, linear head (reach 1)', 3, 4, [lcb(1)], linear],
    [
      'lcb:2:0, lbilin:2, linear head (reach 0)',
      3,
      4,
      [lcb(0), { type: 'lbilin', out: 2 }],
      linear,
    ],
    ['lbilin:2 in 3D (reach 0)', 3, 3, [{ type: 'lbilin', out: 2 }], tanh],
  ] as Array<[string, number, number, LayerSpec[], LayerSpec[]]>)(
    '%s: SU(%i), %iD, outputs zero',
    (_, N, D, layers, head) => {
      expect(largestOutput(N, D, layers, head)).toBeLessThan(1e-15);
    },
  );

  // a nonlinear head mixes terms with different axes: the term-by-term cancellation is gone
  it.each([
    ['lcb:2:1, tanh head (reach 2)', [lcb(1)], tanh],
    [
      'lcb:2:1, lact:relu, linear head (reach 2)',
      [lcb(1), { type: 'lact', activation: 'relu' }],
      linear,
    ],
    [
      'lconv:2:1, lbilin:2, linear head (reach 2)',
      [
        { type: 'lconv', out: 2, kernel: 1 },
        { type: 'lbilin', out: 2 },
      ],
      linear,
    ],
    ['lcb:2:1, lcb:2:1, linear head (reach 2)', [lcb(1), lcb(1)], linear],
  ] as Array<[string, LayerSpec[], LayerSpec[]]>)('%s: SU(3), 4D, does not', (_, layers, head) => {
    expect(largestOutput(3, 4, layers, head)).toBeGreaterThan(1e-6);
  });
});
