/**
 * Symmetric L-CNNs (Aronsson, Mueller & Schuh, arXiv:2303.11448): for every element R of the
 * point group, model(R U) = R model(U) to ~1e-12 (per-site outputs move with their sites;
 * lattice-wide scalars are invariant, pseudo-scalars flip sign under reflections); the plain
 * L-CNN fails the same test; gauge equivariance and gradients still hold.
 */
import { describe, expect, it } from 'vitest';
import type { GaugeField } from '../../src/lattice/gaugeField.js';
import {
  gaugeTransform,
  randomGaugeTransformation,
} from '../../src/lattice/gaugeTransformation.js';
import { Lattice } from '../../src/lattice/lattice.js';
import { MatrixField } from '../../src/lattice/matrixField.js';
import {
  transformGaugeField,
  transformSiteValues,
  translateGaugeField,
} from '../../src/lattice/symmetryActions.js';
import { GroupLConv } from '../../src/lcnn/layers/groupLConv.js';
import type { BatchContext } from '../../src/lcnn/layers/layer.js';
import { LCB } from '../../src/lcnn/layers/lcb.js';
import { LConv } from '../../src/lcnn/layers/lconv.js';
import { OrientationPool } from '../../src/lcnn/layers/orientationPool.js';
import { liftedInputFeatures } from '../../src/lcnn/liftedInput.js';
import { Model, type ModelSpec } from '../../src/lcnn/model.js';
import { symmetryGroup, transformLifted, type Symmetry } from '../../src/lcnn/symmetry.js';
import { FeatureTensor, GaugeBatch, MatrixTensor } from '../../src/lcnn/tensors.js';
import { TransportCache } from '../../src/lcnn/transportCache.js';
import { Xoshiro128 } from '../../src/core/rng.js';
import { roughField } from '../helpers.js';
import { gradientCheck, maxDiff, transformTensor } from './layerChecks.js';

function spec(N: number, D: number, symmetry: Symmetry, extra: Partial<ModelSpec> = {}): ModelSpec {
  return {
    N,
    D,
    symmetry,
    seed: 3,
    layers: [
      { type: 'lcb', out: 2, kernel: 1 },
      { type: 'lact', activation: 'tanh' },
      { type: 'lconv', out: 2, kernel: 1 },
      { type: 'lbilin', out: 2 },
      { type: 'trace' },
      { type: 'dense', out: 3, activation: 'tanh' },
      { type: 'dense', out: 1 },
    ],
    ...extra,
  };
}

/** Largest |model(R U)(R x) - c_R model(U)(x)| over the group, per-site outputs. */
function worstDeviation(model: Model, field: GaugeField, symmetry: Symmetry, parity = 1): number {
  const group = symmetryGroup(field.lattice.D, symmetry);
  const fields = [field, ...group.elements.map((R) => transformGaugeField(field, R))];
  const out = model.forward(GaugeBatch.fromFields(fields)).data;
  const V = model.perConfiguration ? 1 : field.lattice.volume;
  const base = out.subarray(0, V);
  let worst = 0;
  group.elements.forEach((R, r) => {
    const sign = parity < 0 ? R.determinant : 1;
    const expected = model.perConfiguration
      ? Float64Array.of(base[0])
      : transformSiteValues(field.lattice, base, R);
    const got = out.subarray((r + 1) * V, (r + 2) * V);
    for (let x = 0; x < V; x++) worst = Math.max(worst, Math.abs(got[x] - sign * expected[x]));
  });
  return worst;
}

describe('the symmetry groups of symmetric L-CNNs', () => {
  it.each([
    [2, 4, 8],
    [3, 24, 48],
    [4, 192, 384],
  ])(
    'D = %i: %i rotations, %i with reflections; closed, identity first, inverses',
    (D, rot, all) => {
      for (const [symmetry, order] of [
        ['rotations', rot],
        ['rotations+reflections', all],
      ] as const) {
        const group = symmetryGroup(D, symmetry);
        expect(group.size).toBe(order);
        expect(group.elements[0].isIdentity()).toBe(true);
        for (let a = 0; a < group.size; a++) {
          expect(group.compose(a, group.inverse[a])).toBe(0);
          expect(group.compose(0, a)).toBe(a);
          if (symmetry === 'rotations') expect(group.det[a]).toBe(1);
        }
        // the table is a Latin square: every row is a permutation of the group
        for (let a = 0; a < group.size; a += 7) {
          const row = new Set(Array.from({ length: group.size }, (_, b) => group.compose(a, b)));
          expect(row.size).toBe(group.size);
        }
      }
    },
  );

  it('refuses lattices whose rotated extents differ, naming them', () => {
    const group = symmetryGroup(2, 'rotations');
    expect(() => group.checkLattice('test', new Lattice([4, 8]))).toThrow(
      /equal extents.*axis 0 has 4 sites, axis 1 has 8/,
    );
    const model = new Model(spec(2, 2, 'rotations'));
    const field = roughField([4, 8], 2, 1);
    expect(() => model.forward(GaugeBatch.fromFields([field]))).toThrow(/4x8|axis 1 has 8/);
  });
});

describe('lifted features', () => {
  it.each([2, 3])('SU(%i): the lifted input of R U is the lifted input of U moved by R', (N) => {
    const group = symmetryGroup(2, 'rotations+reflections');
    const field = roughField([4, 4], N, 7, 0.9);
    const input = { loops: [[1, 2]] as Array<[number, number]>, polyakov: true };
    const lift = (f: GaugeField): MatrixField => {
      const gauge = GaugeBatch.fromFields([f]);
      const t = liftedInputFeatures(gauge, new TransportCache(gauge), input, group);
      const out = new MatrixField(f.lattice, f.group, t.channels);
      out.data.set(t.data);
      return out;
    };
    const F = lift(field);
    expect(F.components).toBe(8 * 4);
    let worst = 0;
    group.elements.forEach((R, r) => {
      const moved = transformLifted(F, group, r);
      const direct = lift(transformGaugeField(field, R));
      for (let k = 0; k < moved.data.length; k++) {
        worst = Math.max(worst, Math.abs(moved.data[k] - direct.data[k]));
      }
    });
    expect(worst).toBeLessThan(1e-13);
  });
});

describe('symmetric L-CNN models', () => {
  for (const N of [2, 3]) {
    it(`SU(${N}) 2D: model(R U) = R model(U) for all 8 elements, per site, to 1e-12`, () => {
      const field = roughField([4, 4], N, 11, 0.9);
      for (const mixOrientations of [true, false]) {
        const model = new Model(spec(N, 2, 'rotations+reflections', { mixOrientations }));
        expect(worstDeviation(model, field, 'rotations+reflections')).toBeLessThan(1e-12);
      }
      const rotations = new Model(spec(N, 2, 'rotations'));
      expect(worstDeviation(rotations, field, 'rotations')).toBeLessThan(1e-12);
    });
  }

  it('can fail: the plain L-CNN and the rotations-only model are not reflection equivariant', () => {
    const field = roughField([4, 4], 2, 11, 0.9);
    const plain = new Model(spec(2, 2, 'none'));
    expect(worstDeviation(plain, field, 'rotations+reflections')).toBeGreaterThan(1e-4);
    expect(worstDeviation(plain, field, 'rotations')).toBeGreaterThan(1e-4);
    const rotations = new Model(spec(2, 2, 'rotations'));
    expect(worstDeviation(rotations, field, 'rotations+reflections')).toBeGreaterThan(1e-4);
  });

  it('pseudo-scalar heads flip sign under reflections, per site and after the mean', () => {
    const field = roughField([4, 4], 2, 13, 0.9);
    const pseudo = spec(2, 2, 'rotations+reflections', { parity: 'pseudoscalar' });
    const perSite = new Model(pseudo);
    expect(worstDeviation(perSite, field, 'rotations+reflections', -1)).toBeLessThan(1e-12);
    // and is not merely zero: a reflection changes the sign of a non-zero output
    const out = perSite.forward(GaugeBatch.fromFields([field])).data;
    expect(Math.max(...out.map(Math.abs))).toBeGreaterThan(1e-4);
    const mean = new Model({ ...pseudo, layers: [...pseudo.layers, { type: 'mean' }] });
    expect(worstDeviation(mean, field, 'rotations+reflections', -1)).toBeLessThan(1e-12);
    // the scalar head does not flip sign: the same check fails for it
    const scalar = new Model(spec(2, 2, 'rotations+reflections'));
    expect(worstDeviation(scalar, field, 'rotations+reflections', -1)).toBeGreaterThan(1e-4);
  });

  it.each([2, 3])(
    'SU(%i) 4D: all 384 elements, per site (pseudo-scalar) and after the mean, to 1e-12',
    (N) => {
      const field = roughField([2, 2, 2, 2], N, 17, 0.9);
      const layers: ModelSpec['layers'] = [
        { type: 'lcb', out: 1, kernel: 1 },
        { type: 'trace' },
        { type: 'dense', out: 2, activation: 'tanh' },
        { type: 'dense', out: 1 },
      ];
      const base = { N, D: 4, seed: 5, symmetry: 'rotations+reflections' as const, layers };
      // per site and pseudo-scalar: y[R U](R x) = det R y[U](x), the strictest form of the law
      const pseudo = new Model({ ...base, mixOrientations: false, parity: 'pseudoscalar' });
      expect(worstDeviation(pseudo, field, 'rotations+reflections', -1)).toBeLessThan(1e-12);
      if (N === 2) {
        const scalar = new Model({
          ...base,
          mixOrientations: false,
          layers: [...layers, { type: 'mean' }],
        });
        expect(worstDeviation(scalar, field, 'rotations+reflections')).toBeLessThan(1e-12);
      }
    },
  );

  it('4D with orientation mixing: equivariant under generators of the group and their products', () => {
    const field = roughField([2, 2, 2, 2], 2, 19, 0.9);
    const model = new Model({
      N: 2,
      D: 4,
      seed: 6,
      symmetry: 'rotations+reflections',
      layers: [{ type: 'lconv', out: 1, kernel: 1 }, { type: 'trace' }, { type: 'dense', out: 1 }],
    });
    const group = symmetryGroup(4, 'rotations+reflections');
    const picks = [1, 2, 7, 50, 127, 200, 383];
    const fields = [field, ...picks.map((r) => transformGaugeField(field, group.elements[r]))];
    const out = model.forward(GaugeBatch.fromFields(fields)).data;
    const V = 16;
    const base = out.subarray(0, V);
    picks.forEach((r, k) => {
      const expected = transformSiteValues(field.lattice, base, group.elements[r]);
      expect(
        maxDiff(
          new FeatureTensor(1, V, 1, out.slice((k + 1) * V, (k + 2) * V)),
          new FeatureTensor(1, V, 1, expected),
        ),
      ).toBeLessThan(1e-12);
    });
  });

  it('tied ("mu-independent") construction: invariant for every element, 2D and all 384 in 4D', () => {
    for (const N of [2, 3]) {
      const field = roughField([4, 4], N, 37, 0.9);
      for (const symmetry of ['rotations', 'rotations+reflections'] as const) {
        const model = new Model(spec(N, 2, symmetry, { construction: 'tied' }));
        expect(worstDeviation(model, field, symmetry)).toBeLessThan(1e-12);
        // and it is a plain-sized model: no orientation index
        expect(model.parameterCount).toBeLessThan(new Model(spec(N, 2, 'none')).parameterCount);
      }
    }
    const field4 = roughField([2, 2, 2, 2], 3, 41, 0.9);
    const model4 = new Model(spec(3, 4, 'rotations+reflections', { construction: 'tied' }));
    expect(worstDeviation(model4, field4, 'rotations+reflections')).toBeLessThan(1e-12);
    // can fail: the rotation-invariant input keeps the orientation, which reflections reverse
    const rotationsOnly = new Model(spec(3, 2, 'rotations', { construction: 'tied' }));
    const field = roughField([4, 4], 3, 37, 0.9);
    expect(worstDeviation(rotationsOnly, field, 'rotations+reflections')).toBeGreaterThan(1e-4);
  });

  it('stay gauge invariant and translation equivariant', () => {
    const field = roughField([4, 4], 3, 23, 0.9);
    const model = new Model(spec(3, 2, 'rotations+reflections'));
    const omega = randomGaugeTransformation(field.lattice, 3, new Xoshiro128(4));
    const shifted = translateGaugeField(field, [1, 3]);
    const out = model.forward(
      GaugeBatch.fromFields([field, gaugeTransform(field, omega), shifted]),
    ).data;
    let worst = 0;
    for (let x = 0; x < 16; x++) worst = Math.max(worst, Math.abs(out[x] - out[16 + x]));
    expect(worst).toBeLessThan(1e-12);
    const y = field.lattice.index([1, 3]);
    expect(Math.abs(out[32 + y] - out[0])).toBeLessThan(1e-12);
  });

  it('reject a pseudo-scalar head without reflections and layers after its mean', () => {
    expect(() => new Model(spec(2, 2, 'rotations', { parity: 'pseudoscalar' }))).toThrow(
      /spec.parity.*only reflections/,
    );
    const pseudo = spec(2, 2, 'rotations+reflections', { parity: 'pseudoscalar' });
    expect(
      () =>
        new Model({
          ...pseudo,
          layers: [...pseudo.layers, { type: 'mean' }, { type: 'dense', out: 1 }],
        }),
    ).toThrow(/no layer after "mean" in a pseudo-scalar model/);
    expect(() => new Model(spec(2, 2, 'cubic' as Symmetry))).toThrow(/spec.symmetry/);
    expect(
      () =>
        new Model(
          spec(2, 2, 'rotations+reflections', { construction: 'tied', parity: 'pseudoscalar' }),
        ),
    ).toThrow(/tied construction/);
  });
});

describe('symmetric layers', () => {
  const group = symmetryGroup(2, 'rotations+reflections');
  const setup = (N: number): { ctx: BatchContext; W: MatrixTensor; fields: GaugeField[] } => {
    const fields = [roughField([3, 3], N, 29, 0.8), roughField([3, 3], N, 30, 0.8)];
    const gauge = GaugeBatch.fromFields(fields);
    const transport = new TransportCache(gauge);
    return { ctx: { transport }, W: liftedInputFeatures(gauge, transport, {}, group), fields };
  };

  for (const N of [2, 3]) {
    for (const mix of [true, false]) {
      it(`SU(${N}) lifted L-Conv and L-CB (mixing ${mix}): gradients and gauge equivariance`, () => {
        const { ctx, W, fields } = setup(N);
        const conv = new GroupLConv(1, 2, 1, group, mix, new Xoshiro128(8));
        const lcb = new LCB(1, 2, 1, 2, new Xoshiro128(9), 'lcb', { group, mix });
        for (const layer of [conv, lcb]) {
          expect(gradientCheck(layer, W, ctx, 31)).toBeLessThan(1e-7);
          // Omega W Omega^+ in, Omega W' Omega^+ out
          const omegas = fields.map((f, b) =>
            randomGaugeTransformation(f.lattice, N, new Xoshiro128(40 + b)),
          );
          const out = layer.forward(W, ctx) as MatrixTensor;
          const moved = GaugeBatch.fromFields(fields.map((f, b) => gaugeTransform(f, omegas[b])));
          const t2 = new TransportCache(moved);
          const out2 = layer.forward(liftedInputFeatures(moved, t2, {}, group), { transport: t2 });
          expect(maxDiff(out2, transformTensor(out as MatrixTensor, omegas))).toBeLessThan(1e-12);
        }
      });
    }
  }

  it.each([2, 3])('SU(%i) tied L-Conv: gradients match central differences', (N) => {
    const fields = [roughField([3, 3], N, 29, 0.8), roughField([3, 3], N, 30, 0.8)];
    const gauge = GaugeBatch.fromFields(fields);
    const transport = new TransportCache(gauge);
    const W = liftedInputFeatures(gauge, transport, {}, group);
    const conv = new LConv(8, 2, 2, 2, new Xoshiro128(3), 'tied', true);
    expect(conv.weight.value.length).toBe(2 * 8 * 3);
    expect(gradientCheck(conv, W, { transport }, 33)).toBeLessThan(1e-7);
  });

  it('the orientation average has exact gradients for both parities', () => {
    const { ctx } = setup(2);
    const input = new FeatureTensor(2, 9, 8 * 3);
    const rng = new Xoshiro128(5);
    for (let k = 0; k < input.data.length; k++) input.data[k] = rng.normal();
    for (const parity of ['scalar', 'pseudoscalar'] as const) {
      expect(gradientCheck(new OrientationPool(group, parity), input, ctx, 6)).toBeLessThan(1e-9);
    }
  });

  it('a whole symmetric model has gradients that match central differences', () => {
    const { ctx, W } = setup(2);
    const model = new Model(spec(2, 2, 'rotations+reflections'));
    // the model's layers after the input, as one chain
    const chain = {
      spec: { type: 'trace' as const },
      parameters: model.parameters,
      forward: (a: MatrixTensor | FeatureTensor, c: BatchContext) =>
        model.layers.reduce((x, l) => l.forward(x, c), a),
      backward: (g: MatrixTensor | FeatureTensor, c: BatchContext) =>
        model.layers.reduceRight((x, l) => l.backward(x, c)!, g),
    };
    expect(gradientCheck(chain, W, ctx, 12)).toBeLessThan(1e-7);
  });
});
