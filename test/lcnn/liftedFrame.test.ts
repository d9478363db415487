/**
 * The "frame" lifted input and what the symmetric constructions can represent (issue 20,
 * section 3): the frame input obeys the regular-representation law under all 384 elements;
 * models that provably output zero for a pseudo-scalar target are refused, those at the edge
 * are accepted and non-zero; and for SU(2) the per-site clover charge density is exactly
 *
 *     q(x) = -(1 / (512 pi^2)) sum_g det g Re tr[P_{g e_0, g e_1}(x) P_{g e_2, g e_3}(x)],
 *
 * P_{a,b}(x) the plaquette from x along a then b: summing over the signs of g turns each
 * factor into a combination of the four clover leaves, and the permutations within a plane
 * into C - C^+ = 8 F (./../../src/lattice/observables/clover.ts), so the sum is
 * 2 * 64 * sum_pairings Re tr(F F) and q = -(1 / 4 pi^2) of the latter. A frame-input
 * `lbilin,trace,dense` model and a one-plane mixing `lconv:2:0,lbilin,trace,dense` model hold
 * it (direct construction, 1e-12), and the frame model learns it by least squares.
 */
import { describe, expect, it } from 'vitest';
import type { GaugeField } from '../../src/lattice/gaugeField.js';
import { MatrixField } from '../../src/lattice/matrixField.js';
import { topologicalChargeDensity } from '../../src/lattice/observables/topologicalCharge.js';
import { transformGaugeField, transformSiteValues } from '../../src/lattice/symmetryActions.js';
import { liftedInputChannels, liftedInputFeatures } from '../../src/lcnn/liftedInput.js';
import { Model, meanSquaredError, type ModelSpec } from '../../src/lcnn/model.js';
import { Adam } from '../../src/lcnn/optimizer.js';
import { liftedReach } from '../../src/lcnn/reach.js';
import { symmetryGroup, transformLifted } from '../../src/lcnn/symmetry.js';
import { GaugeBatch } from '../../src/lcnn/tensors.js';
import { TransportCache } from '../../src/lcnn/transportCache.js';
import type { LayerSpec } from '../../src/lcnn/layers/layer.js';
import { Dataset } from '../../src/lcnn/dataset.js';
import { parseTarget } from '../../src/lcnn/targets.js';
import { targetScaling } from '../../src/lcnn/training/lcnn.js';
import { abelianFluxField, roughField } from '../helpers.js';

const FLUXES: Array<Record<string, number>> = [
  { '0,1': 1, '2,3': 1 },
  { '0,1': 1, '2,3': -1 },
  { '0,2': 1, '1,3': 1 },
  { '0,3': 1, '1,2': 1, '0,1': 1 },
];

function pseudoscalar(D: number, layers: LayerSpec[], extra: Partial<ModelSpec> = {}): ModelSpec {
  return {
    N: 2,
    D,
    symmetry: 'rotations+reflections',
    parity: 'pseudoscalar',
    mixOrientations: false,
    seed: 5,
    layers,
    ...extra,
  };
}

const lcb = (kernel: number): LayerSpec => ({ type: 'lcb', out: 2, kernel });
const head: LayerSpec[] = [{ type: 'trace' }, { type: 'dense', out: 1 }];

/**
 * Largest |model(R U)(R x) - det R model(U)(x)| over the group's elements (every `step`-th, to
 * keep the costly models fast; the axis reflections always), and the largest |model(U)|.
 */
function parityDeviation(
  model: Model,
  field: GaugeField,
  step = 1,
): { worst: number; size: number } {
  const elements = model.symmetry.elements.filter(
    (R, r) => r % step === 0 || R.perm.every((p, mu) => p === mu),
  );
  const fields = [field, ...elements.map((R) => transformGaugeField(field, R))];
  const out = model.forward(GaugeBatch.fromFields(fields)).data;
  const V = field.lattice.volume;
  const base = out.subarray(0, V);
  let worst = 0;
  elements.forEach((R, r) => {
    const expected = transformSiteValues(field.lattice, base, R);
    const got = out.subarray((r + 1) * V, (r + 2) * V);
    for (let x = 0; x < V; x++) {
      worst = Math.max(worst, Math.abs(got[x] - R.determinant * expected[x]));
    }
  });
  return { worst, size: Math.max(...Array.from(base, Math.abs)) };
}

/** The per-site clover charge of each field, concatenated. */
function charges(fields: GaugeField[]): Float64Array {
  const out = new Float64Array(fields.length * fields[0].lattice.volume);
  fields.forEach((f, b) => out.set(topologicalChargeDensity(f), b * f.lattice.volume));
  return out;
}

const CHARGE_WEIGHT = -1 / (512 * Math.PI * Math.PI);

/**
 * Frame-input model whose only product is P_{g e0, g e1} P_{g e2, g e3} (channels 0 and 5 of
 * the frame planes (0,1), (0,2), (0,3), (1,2), (1,3), (2,3)), read out by the dense head with
 * the weight that turns the det-weighted orientation average into q(x).
 */
function chargeFrameModel(): Model {
  const model = new Model(
    pseudoscalar(4, [{ type: 'lbilin', out: 1 }, ...head], { liftedInput: 'frame' }),
  );
  const [bilinear, dense, bias] = model.parameters;
  bilinear.value.fill(0);
  bilinear.value[0 * 13 + 5] = 1; // (i = 0, p = A_0, q = B_5) of PA = PB = 13
  dense.value.set([CHARGE_WEIGHT * model.symmetry.size, 0]);
  bias.value[0] = 0;
  return model;
}

describe('the frame lifted input', () => {
  it('has planes x rectangles (+1) channels per orientation, and equals "plane" in 2D', () => {
    const input = { loops: [[1, 2]] as Array<[number, number]>, polyakov: true };
    expect(liftedInputChannels(input, 4, 'frame')).toBe(6 * 3 + 1);
    expect(liftedInputChannels(input, 4, 'plane')).toBe(3 + 1);
    const group = symmetryGroup(2, 'rotations+reflections');
    const gauge = GaugeBatch.fromFields([roughField([3, 3], 2, 4)]);
    const t = new TransportCache(gauge);
    const frame = liftedInputFeatures(gauge, t, input, group, 'frame');
    expect(frame.data).toEqual(liftedInputFeatures(gauge, t, input, group, 'plane').data);
  });

  it.each([
    [4, [2, 2, 2, 2], {}],
    [3, [3, 3, 3], { loops: [[1, 2]] as Array<[number, number]>, polyakov: true }],
  ])(
    '%iD: F[R U]_{c,g}(R x) = F[U]_{c,R^-1 g}(x) under every element (1e-12)',
    (D, dims, input) => {
      const group = symmetryGroup(D, 'rotations+reflections');
      const field = roughField(dims, 2, 11, 0.9);
      const lift = (f: GaugeField): MatrixField => {
        const gauge = GaugeBatch.fromFields([f]);
        const t = liftedInputFeatures(gauge, new TransportCache(gauge), input, group, 'frame');
        const out = new MatrixField(f.lattice, f.group, t.channels);
        out.data.set(t.data);
        return out;
      };
      const F = lift(field);
      expect(F.components).toBe(group.size * liftedInputChannels(input, D, 'frame'));
      let worst = 0;
      group.elements.forEach((R, r) => {
        const moved = transformLifted(F, group, r);
        const direct = lift(transformGaugeField(field, R));
        for (let k = 0; k < moved.data.length; k++) {
          worst = Math.max(worst, Math.abs(moved.data[k] - direct.data[k]));
        }
      });
      expect(worst).toBeLessThan(1e-12);
    },
  );
});

describe('pseudo-scalar models that provably output zero are refused', () => {
  it('counts the reach of the one-plane lifted input by the rules of src/lcnn/reach.ts', () => {
    expect(liftedReach(4, [lcb(0), ...head])).toBe(0);
    expect(liftedReach(4, [lcb(1), ...head])).toBe(1);
    expect(liftedReach(4, [lcb(1), lcb(1), ...head])).toBe(2);
    expect(liftedReach(5, [lcb(1), lcb(1), ...head])).toBe(3);
    // a nonlinearity mixes the terms: after a kernel >= 1 every further axis is in reach
    expect(liftedReach(4, [lcb(1), { type: 'lact', activation: 'relu' }, ...head])).toBe(2);
    expect(liftedReach(4, [lcb(0), { type: 'lact', activation: 'relu' }, ...head])).toBe(0);
    expect(
      liftedReach(4, [lcb(1), { type: 'trace' }, { type: 'dense', out: 2, activation: 'tanh' }]),
    ).toBe(2);
    expect(
      liftedReach(4, [
        { type: 'lconv', out: 2, kernel: 2 },
        { type: 'lbilin', out: 2 },
      ]),
    ).toBe(2);
  });

  it.each([
    ['lcb:2:0', 4, [lcb(0)]],
    ['lcb:2:1', 4, [lcb(1)]],
    ['lbilin:2', 4, [{ type: 'lbilin', out: 2 } as LayerSpec]],
    ['lbilin:2 (3D)', 3, [{ type: 'lbilin', out: 2 } as LayerSpec]],
  ])('%s, one-plane input, no mixing, %iD: refused with the cause and the fix', (_, D, layers) => {
    expect(() => new Model(pseudoscalar(D, [...layers, ...head]))).toThrow(
      /outputs exactly zero.*one plane.*liftedInput: "frame" \(lgt train --lifted-input frame\) or mixOrientations: true/,
    );
  });

  it('the tied construction refuses pseudo-scalars and the frame input', () => {
    expect(() => new Model(pseudoscalar(4, [lcb(1), ...head], { construction: 'tied' }))).toThrow(
      /"scalar" for the tied construction/,
    );
    expect(
      () =>
        new Model({
          N: 2,
          D: 4,
          symmetry: 'rotations',
          construction: 'tied',
          liftedInput: 'frame',
          layers: [lcb(1), ...head],
        }),
    ).toThrow(/which maps every plane onto every other/);
  });

  // SU(3) in 3D: an SU(2) trace is real and cannot tell a plaquette from its reverse, which
  // cancels this one-loop model as well (the reach rule is sufficient, not necessary, for zero)
  it.each([
    ['two lcb:2:1, one-plane input (reach 2)', 4, 2, [lcb(1), lcb(1)], {}],
    [
      'lconv:2:1, one-plane input, 3D SU(3) (reach 1)',
      3,
      3,
      [{ type: 'lconv', out: 2, kernel: 1 }],
      {},
    ],
    ['lcb:2:0, frame input', 4, 2, [lcb(0)], { liftedInput: 'frame' as const }],
  ])('%s: accepted, non-zero and odd under reflections', (_, D, N, layers, extra) => {
    const model = new Model({
      ...pseudoscalar(D, [...(layers as LayerSpec[]), ...head], extra),
      N,
    });
    const field = roughField(new Array<number>(D).fill(D === 4 ? 2 : 3), N, 3, 0.9);
    const { worst, size } = parityDeviation(model, field, 'mixOrientations' in extra ? 97 : 16);
    expect(size).toBeGreaterThan(1e-6);
    expect(worst).toBeLessThan(1e-12 * Math.max(1, size));
  });
});

/**
 * One-plane input with mixing: the kernel-0 group convolution copies P_{g e0, g e1} into
 * channel 0 and P_{g h e0, g h e1} = P_{g e2, g e3} into channel 1 (h maps e0, e1 to e2, e3),
 * and the bilinear multiplies them: the same sum as {@link chargeFrameModel}.
 */
function chargeMixingModel(): Model {
  const model = new Model(
    pseudoscalar(4, [{ type: 'lconv', out: 2, kernel: 0 }, { type: 'lbilin', out: 1 }, ...head], {
      mixOrientations: true,
    }),
  );
  const G = model.symmetry.size;
  const h = model.symmetry.elements.findIndex(
    (R) => R.perm[0] === 2 && R.perm[1] === 3 && R.signs[0] === 1 && R.signs[1] === 1,
  );
  const [conv, bilinear, dense, bias] = model.parameters;
  conv.value.fill(0);
  conv.value[0] = 1; // w[((o Cin + i) S + u) T + t]: o = 0, u = identity
  conv.value[1 * G + h] = 1; // o = 1, u = h
  bilinear.value.fill(0);
  bilinear.value[0 * 5 + 1] = 1; // (i = 0, p = A_0, q = B_1) of PA = PB = 5
  dense.value.set([CHARGE_WEIGHT * G, 0]);
  bias.value[0] = 0;
  return model;
}

/**
 * Least squares by modified Gram-Schmidt on the columns of J (rows x cols, row-major), columns
 * that add nothing (below 1e-9 of their norm) dropped: the weights that fit t best.
 */
function leastSquares(J: Float64Array[], t: Float64Array): Float64Array {
  const cols = J[0].length;
  const n = J.length;
  const Q: Float64Array[] = [];
  const kept: number[] = [];
  const R: number[][] = []; // R[k][l] for kept columns, upper triangular
  for (let j = 0; j < cols; j++) {
    const v = Float64Array.from(J, (row) => row[j]);
    const norm0 = Math.hypot(...v);
    if (norm0 === 0) continue;
    const r = new Array<number>(Q.length).fill(0);
    for (let pass = 0; pass < 2; pass++) {
      Q.forEach((q, k) => {
        let d = 0;
        for (let i = 0; i < n; i++) d += q[i] * v[i];
        r[k] += d;
        for (let i = 0; i < n; i++) v[i] -= d * q[i];
      });
    }
    const norm = Math.hypot(...v);
    if (norm < 1e-9 * norm0) continue;
    for (let i = 0; i < n; i++) v[i] /= norm;
    R.push([...r, norm]);
    Q.push(v);
    kept.push(j);
  }
  // R a = Q^T t, R stored by columns: R[l][k] is the coefficient of q_k in column l
  const b = Q.map((q) => q.reduce((s, qi, i) => s + qi * t[i], 0));
  const a = new Float64Array(kept.length);
  for (let k = kept.length - 1; k >= 0; k--) {
    let s = b[k];
    for (let l = k + 1; l < kept.length; l++) s -= R[l][k] * a[l];
    a[k] = s / R[k][k];
  }
  const out = new Float64Array(cols);
  kept.forEach((j, k) => (out[j] = a[k]));
  return out;
}

describe('the per-site clover charge of SU(2) in the symmetric constructions', () => {
  const fields = [
    ...FLUXES.map((flux) => abelianFluxField([3, 3, 3, 3], flux)),
    roughField([3, 3, 3, 3], 2, 21, 0.8),
  ];

  it('frame input, no mixing: lbilin:1,trace,dense:1 equals q(x) exactly and flips under reflections', () => {
    const model = chargeFrameModel();
    const q = charges(fields);
    const out = model.forward(GaugeBatch.fromFields(fields)).data;
    let worst = 0;
    for (let k = 0; k < q.length; k++) worst = Math.max(worst, Math.abs(out[k] - q[k]));
    expect(Math.max(...Array.from(q, Math.abs))).toBeGreaterThan(1e-2);
    expect(worst).toBeLessThan(1e-12);
    const { worst: parity } = parityDeviation(model, roughField([2, 2, 2, 2], 2, 8, 0.9), 16);
    expect(parity).toBeLessThan(1e-12);
  });

  it('one-plane input with mixing: lconv:2:0,lbilin:1,trace,dense:1 equals q(x) exactly and flips under reflections', () => {
    const model = chargeMixingModel();
    const some = [
      abelianFluxField([2, 2, 2, 2], FLUXES[0]),
      abelianFluxField([2, 2, 2, 2], FLUXES[3]),
      roughField([2, 2, 2, 2], 2, 22, 0.8),
    ];
    const q = charges(some);
    const out = model.forward(GaugeBatch.fromFields(some)).data;
    let worst = 0;
    for (let k = 0; k < q.length; k++) worst = Math.max(worst, Math.abs(out[k] - q[k]));
    expect(worst).toBeLessThan(1e-12);
    const { worst: parity } = parityDeviation(model, roughField([2, 2, 2, 2], 2, 8, 0.9), 97);
    expect(parity).toBeLessThan(1e-12);
  });

  it('frame input: the bilinear weights learnt by least squares on a rough field reach MSE < 1e-8 on the flux fields', () => {
    const model = new Model(
      pseudoscalar(4, [{ type: 'lbilin', out: 1 }, ...head], { liftedInput: 'frame' }),
    );
    const [bilinear, dense, bias] = model.parameters;
    dense.value.set([1, 0]); // the head reads Re tr; the output is then linear in the bilinear
    bias.value[0] = 0;
    const train = [roughField([3, 3, 3, 3], 2, 31, 0.8)];
    const target = charges(train);
    // the rows of the Jacobian d output(b, x) / d bilinear: one backward pass each
    const prediction = model.forward(GaugeBatch.fromFields(train));
    const J = Array.from(target, (_, row) => {
      const grad = prediction.zerosLike();
      grad.data[row] = 1;
      model.zeroGrad();
      model.backward(grad);
      return Float64Array.from(bilinear.grad);
    });
    bilinear.value.set(leastSquares(J, target));
    const test = [...FLUXES.map((flux) => abelianFluxField([3, 3, 3, 3], flux)), fields[4]];
    for (const set of [train, test]) {
      const q = charges(set);
      const out = model.forward(GaugeBatch.fromFields(set)).data;
      let mse = 0;
      for (let k = 0; k < q.length; k++) mse += (out[k] - q[k]) ** 2 / q.length;
      expect(mse).toBeLessThan(1e-8);
    }
    const { worst: parity } = parityDeviation(model, roughField([2, 2, 2, 2], 2, 8, 0.9), 16);
    expect(parity).toBeLessThan(1e-12);
  });

  it('frame input: trained by Adam from its initialisation on two 2^4 fields, MSE < 1e-8 on held-out 3^4 flux fields', () => {
    const model = new Model(
      pseudoscalar(4, [{ type: 'lbilin', out: 1 }, ...head], { liftedInput: 'frame', seed: 1 }),
    );
    const train = [
      roughField([2, 2, 2, 2], 2, 41, 0.8),
      abelianFluxField([2, 2, 2, 2], { '0,1': 1, '2,3': 1 }),
    ];
    const gauge = GaugeBatch.fromFields(train);
    const target = charges(train);
    const adam = new Adam(model.parameters, { learningRate: 0.01 });
    for (let step = 0; step < 175; step++) {
      const { grad } = meanSquaredError(model.forward(gauge), target);
      model.zeroGrad();
      model.backward(grad);
      adam.update();
      if (step === 100) adam.setLearningRate(0.003);
    }
    const test = [fields[2], fields[3], roughField([3, 3, 3, 3], 2, 43, 0.7)];
    expect(meanSquaredError(model.forward(gauge), target).loss).toBeLessThan(1e-8);
    const { loss } = meanSquaredError(model.forward(GaugeBatch.fromFields(test)), charges(test));
    expect(loss).toBeLessThan(1e-8);
  }, 120_000);
});

describe('the output map of a pseudo-scalar symmetric model', () => {
  const bilinearHead: LayerSpec[] = [
    { type: 'lbilin', out: 1 },
    { type: 'trace' },
    { type: 'dense', out: 1 },
  ];

  it('refuses a shift (it would spoil the sign flip) and keeps a pure scale', () => {
    const spec = pseudoscalar(4, bilinearHead, { liftedInput: 'frame' });
    expect(() => new Model({ ...spec, output: { scale: 2, shift: 1e-5 } })).toThrow(
      /shift 0 for a pseudo-scalar symmetric model/,
    );
    const model = new Model(spec);
    expect(() => model.setOutputScaling({ scale: 2, shift: 0.5 })).toThrow(/spoils the sign flip/);
    model.setOutputScaling({ scale: 2, shift: 0 });
    expect(model.spec.output).toEqual({ scale: 2, shift: 0 });
  });

  it('standardising its training targets scales by their root mean square, without a shift', () => {
    const fields = [FLUXES[0], FLUXES[3]].map((flux) => abelianFluxField([2, 2, 2, 2], flux));
    const data = Dataset.fromFields(fields, parseTarget('charge'));
    const values = fields.flatMap((f) => Array.from(topologicalChargeDensity(f)));
    const rms = Math.sqrt(values.reduce((a, y) => a + y * y, 0) / values.length);
    const mean = values.reduce((a, y) => a + y, 0) / values.length;
    // can fail: the flux fields' charge density has a non-zero mean, so a centred map shifts
    expect(Math.abs(mean)).toBeGreaterThan(1e-6);
    expect(targetScaling(data, [0, 1], false)).toEqual({ scale: rms, shift: 0 });
    expect(targetScaling(data, [0, 1]).shift).toBeCloseTo(mean, 15);
  });
});
