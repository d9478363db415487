/**
 * The growth of a curriculum (src/lcnn/training/curriculum.ts): which layers a stage keeps, and
 * that the grown model starts with the stage's weights. Training through it is tested through
 * the CLI (test/cli/trainCurriculum.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { parseArchitecture } from '../../src/lcnn/architecture.js';
import { Model } from '../../src/lcnn/model.js';
import { Dataset } from '../../src/lcnn/dataset.js';
import { parseTarget } from '../../src/lcnn/targets.js';
import {
  growInto,
  productLayerCount,
  runCurriculum,
  truncatedLayers,
} from '../../src/lcnn/training/curriculum.js';
import { roughField } from '../helpers.js';

const types = (text: string, k: number): string[] =>
  truncatedLayers(parseArchitecture(text), k).map((l) => l.type);

describe('curriculum growth', () => {
  it('cuts after the k-th product layer, keeping what follows it up to the next and the head', () => {
    const arch = 'lcb:4:1,lact:tanh,lcb:4:1,lbilin:4,lcb:4:2,trace,dense:8:relu,dense:1';
    expect(productLayerCount(parseArchitecture(arch))).toBe(4);
    expect(types(arch, 1)).toEqual(['lcb', 'lact', 'trace', 'dense', 'dense']);
    expect(types(arch, 3)).toEqual(['lcb', 'lact', 'lcb', 'lbilin', 'trace', 'dense', 'dense']);
    expect(() => types(arch, 4)).toThrow(/k: expected an integer from 1 to 3/);
    expect(() => types('lcb:4:1,lcb:4:1,dense:1', 1)).toThrow(/a "trace" layer/);
  });

  it('grows: the first layers and the head start with the stage model weights', () => {
    const full = new Model({
      N: 2,
      D: 2,
      layers: parseArchitecture('lcb:3:1,lcb:3:2,trace,dense:1'),
      seed: 4,
    });
    const stage = new Model({
      N: 2,
      D: 2,
      layers: parseArchitecture('lcb:3:1,trace,dense:1'),
      seed: 9,
    });
    const second = full.layers[1].parameters.map((p) => Float64Array.from(p.value));
    growInto(stage, full);
    const values = (m: Model, i: number): number[][] =>
      m.layers[i].parameters.map((p) => Array.from(p.value));
    expect(values(full, 0)).toEqual(values(stage, 0));
    expect(values(full, 3)).toEqual(values(stage, 2)); // dense after the trace
    expect(full.layers[1].parameters.map((p) => p.value)).toEqual(second);
    // a stage whose layers are not the model's first ones
    const other = new Model({ N: 2, D: 2, layers: parseArchitecture('lcb:2:1,trace,dense:1') });
    expect(() => growInto(other, full)).toThrow(/growInto: invalid from/);
  });

  it('refuses as many stages as product layers, and symmetric models', async () => {
    const data = Dataset.fromFields([roughField([4, 4], 2, 1)], parseTarget('wilson:2x2'));
    const stages = {
      targets: [parseTarget('wilson:1x2'), parseTarget('wilson:1x2')],
      epochs: 1,
      learningRate: 0.01,
    };
    const model = new Model({
      N: 2,
      D: 2,
      layers: parseArchitecture('lcb:2:1,lcb:2:1,trace,dense:1'),
    });
    await expect(runCurriculum(model, data, stages, async () => undefined)).rejects.toThrow(
      /1 to 1 stage targets/,
    );
    const symmetric = new Model({
      N: 2,
      D: 2,
      symmetry: 'rotations',
      layers: parseArchitecture('lcb:2:1,lcb:2:1,trace,dense:1'),
    });
    const one = { ...stages, targets: [parseTarget('wilson:1x2:clover')] };
    await expect(runCurriculum(symmetric, data, one, async () => undefined)).rejects.toThrow(
      /a model without point-group symmetry/,
    );
  });
});
