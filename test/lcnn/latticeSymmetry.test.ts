/**
 * The lattice's own point group ("lattice", "lattice-rotations"): the elements R of the
 * hypercubic group with dims[R.perm[mu]] = dims[mu]. Group tables as for the full group, the
 * element counts of L^3 x T (96 / 48), L^4 (384 / 192) and 8x4 (4 / 2), which lattices a group
 * accepts, and a symmetric model on 3x3x3x2 that is invariant (scalar) or flips with det
 * (pseudo-scalar) under all of its elements, with a model file that keeps its extents.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Lattice } from '../../src/lattice/lattice.js';
import { transformGaugeField, transformSiteValues } from '../../src/lattice/symmetryActions.js';
import { symmetricSpec } from '../../src/lcnn/architecture.js';
import { loadModel, saveModel } from '../../src/lcnn/modelFile.js';
import { Model, type ModelSpec } from '../../src/lcnn/model.js';
import {
  SymmetryGroup,
  latticeSymmetryDims,
  symmetryGroup,
  type Symmetry,
} from '../../src/lcnn/symmetry.js';
import { parseTarget } from '../../src/lcnn/targets.js';
import { GaugeBatch } from '../../src/lcnn/tensors.js';
import { Dataset } from '../../src/lcnn/dataset.js';
import { trainModel } from '../../src/lcnn/training/lcnn.js';
import { roughField } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'lgt-lattice-symmetry-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the lattice point group', () => {
  it.each([
    [[4, 8, 8, 8], 96, 48],
    [[8, 8, 8, 4], 96, 48],
    [[4, 4, 4, 4], 384, 192],
    [[4, 4, 8, 8], 64, 32],
    [[8, 4], 4, 2],
    [[4, 6, 8], 8, 4],
  ])(
    '%j: %i elements, %i rotations; closed, identity first, inverses, det',
    (dims, all, rotations) => {
      for (const [symmetry, order] of [
        ['lattice', all],
        ['lattice-rotations', rotations],
      ] as const) {
        const group = symmetryGroup(dims.length, symmetry, dims);
        expect(group.size).toBe(order);
        expect(group.elements[0].isIdentity()).toBe(true);
        for (let a = 0; a < group.size; a++) {
          const R = group.elements[a];
          expect(R.perm.every((p, mu) => dims[p] === dims[mu])).toBe(true);
          expect(group.det[a]).toBe(R.determinant);
          if (symmetry === 'lattice-rotations') expect(group.det[a]).toBe(1);
          expect(group.compose(a, group.inverse[a])).toBe(0);
          expect(group.compose(0, a)).toBe(a);
          // the table agrees with composing the elements themselves
          for (let b = 0; b < group.size; b += 5) {
            expect(group.elements[group.compose(a, b)].equals(R.compose(group.elements[b]))).toBe(
              true,
            );
          }
        }
        // a Latin square: every row is a permutation of the group (closure, no repeats)
        for (let a = 0; a < group.size; a += 3) {
          const row = new Set(Array.from({ length: group.size }, (_, b) => group.compose(a, b)));
          expect(row.size).toBe(group.size);
        }
      }
    },
  );

  it('on L^4 is the whole group, in the same order', () => {
    const full = symmetryGroup(4, 'rotations+reflections');
    const lattice = symmetryGroup(4, 'lattice', [6, 6, 6, 6]);
    expect(lattice.elements.every((R, r) => R.equals(full.elements[r]))).toBe(true);
  });

  it('is cached by extents and describes itself', () => {
    expect(symmetryGroup(4, 'lattice', [4, 8, 8, 8])).toBe(
      symmetryGroup(4, 'lattice', [4, 8, 8, 8]),
    );
    expect(`${symmetryGroup(4, 'lattice', [4, 8, 8, 8])}`).toBe(
      'lattice point group of 4x8x8x8 in 4D (96 elements)',
    );
    expect(`${symmetryGroup(4, 'lattice-rotations', [8, 8, 8, 4])}`).toBe(
      'lattice rotations of 8x8x8x4 in 4D (48 elements)',
    );
    expect(`${symmetryGroup(2, 'rotations+reflections')}`).toBe(
      'rotations+reflections in 2D (8 elements)',
    );
  });

  it('needs the extents', () => {
    expect(() => symmetryGroup(4, 'lattice')).toThrow(/dims.*4 lattice extents.*"lattice"/);
    expect(() => symmetryGroup(4, 'lattice-rotations', [4, 8])).toThrow(/4 lattice extents/);
    expect(() => new SymmetryGroup('lattice', 2, [4, 0])).toThrow(/2 lattice extents/);
    expect(() => symmetricSpec('lattice', parseTarget('charge'))).toThrow(/lattice extents/);
  });

  it('accepts the lattices its elements map onto themselves, refuses others naming the axes', () => {
    const group = symmetryGroup(4, 'lattice', [4, 8, 8, 8]);
    for (const dims of [
      [4, 8, 8, 8],
      [8, 16, 16, 16],
      [12, 32, 32, 32],
      [8, 8, 8, 8],
    ]) {
      expect(() => group.checkLattice('test', new Lattice(dims))).not.toThrow();
    }
    expect(() => group.checkLattice('test', new Lattice([8, 8, 8, 4]))).toThrow(
      /test: invalid lattice: .*lattice point group of 4x8x8x8.*equal extents along the axes \{0\}, \{1, 2, 3\}.*8x8x8x4.*axis \d \(\d sites\) onto axis 3 \(4 sites\)/,
    );
    // the full group keeps its refusal of unequal extents, naming them
    expect(() =>
      symmetryGroup(4, 'rotations+reflections').checkLattice('test', new Lattice([4, 8, 8, 8])),
    ).toThrow(/equal extents in every direction.*4x8x8x8.*axis 0 has 4 sites, axis 1 has 8/);
  });

  it('is chosen from training lattices that share one pattern of equal extents', () => {
    expect(
      latticeSymmetryDims('test', [{ dims: [4, 8, 8, 8] }, { dims: [8, 16, 16, 16] }]),
    ).toEqual([4, 8, 8, 8]);
    expect(() =>
      latticeSymmetryDims('test', [{ dims: [4, 8, 8, 8] }, { dims: [8, 8, 8, 8] }]),
    ).toThrow(
      /test: invalid lattices: expected one pattern of equal extents.*4x8x8x8 has equal axes \{0\}, \{1, 2, 3\}.*got 8x8x8x8 \(equal axes \{0, 1, 2, 3\}\)/,
    );
  });
});

describe('a symmetric model with the lattice point group', () => {
  const layers: ModelSpec['layers'] = [
    { type: 'lcb', out: 1, kernel: 1 },
    { type: 'trace' },
    { type: 'dense', out: 2, activation: 'tanh' },
    { type: 'dense', out: 1 },
  ];
  const dims = [3, 3, 3, 2];
  const field = roughField(dims, 2, 23, 0.9);

  /**
   * Largest |y[R U](R x) - c_R y[U](x)| over the model's group, for c_R = 1 (invariant) and
   * c_R = det R (odd), from one forward pass.
   */
  function deviations(model: Model): { invariant: number; odd: number } {
    const group = model.symmetry;
    const fields = [field, ...group.elements.map((R) => transformGaugeField(field, R))];
    const out = model.forward(GaugeBatch.fromFields(fields)).data;
    const V = model.perConfiguration ? 1 : field.lattice.volume;
    const base = out.subarray(0, V);
    let invariant = 0;
    let odd = 0;
    group.elements.forEach((R, r) => {
      const expected = model.perConfiguration
        ? Float64Array.of(base[0])
        : transformSiteValues(field.lattice, base, R);
      const got = out.subarray((r + 1) * V, (r + 2) * V);
      for (let x = 0; x < V; x++) {
        invariant = Math.max(invariant, Math.abs(got[x] - expected[x]));
        odd = Math.max(odd, Math.abs(got[x] - R.determinant * expected[x]));
      }
    });
    return { invariant, odd };
  }

  it('on 3x3x3x2 SU(2): invariant (scalar, lifted and tied) and det-odd (pseudo-scalar) under all 96 elements', () => {
    const base = {
      N: 2,
      D: 4,
      seed: 5,
      layers,
      mixOrientations: false,
      ...symmetricSpec('lattice', parseTarget('charge'), false, undefined, dims),
    };
    expect(base).toMatchObject({ symmetry: 'lattice', symmetryDims: dims, parity: 'pseudoscalar' });
    const pseudo = new Model(base);
    expect(pseudo.symmetry.size).toBe(96);
    const pseudoDeviation = deviations(pseudo);
    expect(pseudoDeviation.odd).toBeLessThan(1e-12);
    const scalar = new Model({ ...base, parity: 'scalar', layers: [...layers, { type: 'mean' }] });
    expect(deviations(scalar).invariant).toBeLessThan(1e-12);
    // can fail: the pseudo-scalar output is not invariant, so the scalar law does not hold for it
    expect(pseudoDeviation.invariant).toBeGreaterThan(1e-6);
    // the tied construction (invariant input, one weight per orbit of offsets) per site
    const tied = new Model({ ...base, parity: 'scalar', construction: 'tied' });
    const tiedDeviation = deviations(tied);
    expect(tiedDeviation.invariant).toBeLessThan(1e-12);
    expect(tiedDeviation.odd).toBeGreaterThan(1e-6);
    // with the frame input: the subgroup keeps the spatial and the time-like planes apart, so
    // their orbit averages differ (the full group refuses tied + frame: one orbit)
    const tiedFrame = new Model({
      ...base,
      parity: 'scalar',
      construction: 'tied',
      liftedInput: 'frame',
    });
    const tiedFrameDeviation = deviations(tiedFrame);
    expect(tiedFrameDeviation.invariant).toBeLessThan(1e-12);
    expect(tiedFrameDeviation.odd).toBeGreaterThan(1e-6);
  });

  it('a model file keeps the symmetry and its extents', async () => {
    const spec: ModelSpec = {
      N: 2,
      D: 4,
      seed: 9,
      layers: [...layers, { type: 'mean' }],
      ...symmetricSpec('lattice-rotations', parseTarget('energy:mean'), false, undefined, dims),
    };
    const model = new Model(spec);
    expect(model.symmetry.size).toBe(48);
    const path = join(dir, 'lattice-rotations.json');
    await saveModel(path, model, { target: parseTarget('energy:mean'), trainedOn: dims });
    const { model: loaded } = loadModel(path);
    expect(loaded.spec.symmetry).toBe('lattice-rotations');
    expect(loaded.spec.symmetryDims).toEqual(dims);
    expect(`${loaded.symmetry}`).toBe('lattice rotations of 3x3x3x2 in 4D (48 elements)');
    const batch = GaugeBatch.fromFields([field]);
    expect(Array.from(loaded.forward(batch).data)).toEqual(Array.from(model.forward(batch).data));
  });

  it('refuses a spec without extents and a pseudo-scalar head without reflections', () => {
    const base = { N: 2, D: 4, layers, symmetry: 'lattice' as Symmetry };
    expect(() => new Model(base)).toThrow(/spec.symmetryDims: expected the 4 lattice extents/);
    expect(
      () =>
        new Model({
          ...base,
          symmetry: 'lattice-rotations',
          symmetryDims: dims,
          parity: 'pseudoscalar',
        }),
    ).toThrow(/spec.parity: expected "scalar" unless symmetry is .*"lattice"/);
  });
});

describe('augmentation by the lattice point group', () => {
  const fields = (dims: number[], count: number) =>
    Array.from({ length: count }, (_, i) => roughField(dims, 2, 60 + i, 0.5 + 0.1 * (i % 3)));
  const spec: ModelSpec = {
    N: 2,
    D: 2,
    seed: 1,
    layers: [{ type: 'lcb', out: 2, kernel: 1 }, { type: 'trace' }, { type: 'dense', out: 1 }],
  };
  const options = { epochs: 2, batchSize: 2, learningRate: 0.01, seed: 3 };

  it('moves each configuration by an element of the group of its extents', async () => {
    const data = Dataset.fromFields(
      fields([4, 6], 8),
      parseTarget('wilson:1x2'),
      [0, 1, 0, 1, 0, 1, 0, 1],
    );
    const group = symmetryGroup(2, 'lattice', [4, 6]);
    expect(group.size).toBe(4);
    const { gauge } = data.batch([0, 1, 2], { symmetry: 'lattice', elements: [1, 2, 3] });
    [1, 2, 3].forEach((r, k) => {
      const moved = transformGaugeField(data.field(k), group.elements[r]);
      expect(Array.from(gauge.links.subarray(k * gauge.stride, (k + 1) * gauge.stride))).toEqual(
        Array.from(moved.links),
      );
    });
    const split = { train: [0, 1, 2, 3, 4, 5], validation: [6], test: [7] };
    const augmented = new Model(spec);
    await trainModel(augmented, data, split, { ...options, augment: 'lattice' });
    const plain = new Model(spec);
    await trainModel(plain, data, split, options);
    const [a, b] = [augmented.getWeights(), plain.getWeights()];
    expect(Math.max(...a.map((v, k) => Math.abs(v - b[k])))).toBeGreaterThan(1e-6);
    // the full group does not map 4x6 onto itself
    await expect(
      trainModel(new Model(spec), data, split, { ...options, augment: 'rotations+reflections' }),
    ).rejects.toThrow(/equal extents in every direction.*4x6/);
  });
});
