/**
 * Datasets (src/lcnn/dataset.ts): in memory or streamed from the HDF5 file, the training loop
 * and the evaluation see the same thing; files of several lattice sizes pool into one
 * dataset; bad combinations of files and targets are refused before any work, naming the
 * file, the attribute and what was expected.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EnsembleWriter } from '../../src/io/ensembleWriter.js';
import { parseArchitecture } from '../../src/lcnn/architecture.js';
import { Dataset, type Split } from '../../src/lcnn/dataset.js';
import { evaluateModel } from '../../src/lcnn/evaluation.js';
import { shardGradient } from '../../src/lcnn/gradient.js';
import { Model } from '../../src/lcnn/model.js';
import { parseTarget } from '../../src/lcnn/targets.js';
import { trainModel } from '../../src/lcnn/training/lcnn.js';
import { roughField } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'lgt-dataset-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An ensemble file of rough SU(N) fields (not a Markov chain: the reader does not care). */
async function writeFields(name: string, N: number, dims: number[], count: number, seed: number) {
  const path = join(dir, name);
  const writer = await EnsembleWriter.create(path, { N, dims, note: 'test fields' });
  for (let k = 0; k < count; k++) {
    writer.append({
      links: roughField(dims, N, seed + k, 0.9).links,
      beta: [1, 2][k % 2],
      sweep: k,
      observables: {},
    });
  }
  await writer.finalize();
  return path;
}

const w11 = parseTarget('wilson:1x1');
const layers = parseArchitecture('lcb:2:1,trace,dense:1');

describe('a dataset streamed from its file', () => {
  it('trains to bit-identical weights as the same data in memory, for 1 and 2 workers', async () => {
    const path = await writeFields('train.h5', 2, [4, 4], 12, 1);
    const split: Split = { train: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], validation: [10, 11], test: [] };
    for (const workers of [1, 2]) {
      const weights = [];
      for (const inMemory of [true, false]) {
        const data = await Dataset.open([path], w11, { inMemory });
        const model = new Model({ N: 2, D: 2, layers, seed: 3 });
        await trainModel(model, data, split, {
          epochs: 2,
          batchSize: 4,
          learningRate: 0.01,
          seed: 5,
          workers,
          standardize: true,
        });
        weights.push(model.getWeights());
        data.close();
      }
      expect(weights[1]).toEqual(weights[0]);
      // and training moved them: the comparison is not between two copies of the initial weights
      expect(weights[0]).not.toEqual(new Model({ N: 2, D: 2, layers, seed: 3 }).getWeights());
    }
  });

  it('pools files of different lattice sizes: the gradient is the sum over the lattices', async () => {
    const small = await writeFields('small.h5', 2, [4, 4], 3, 20);
    const large = await writeFields('large.h5', 2, [6, 4], 2, 30);
    const both = await Dataset.open([small, large], w11, { inMemory: false });
    expect(both.lattices.map(String)).toEqual(['4x4', '6x4']);
    expect(both.size).toBe(5);
    const model = new Model({ N: 2, D: 2, layers, seed: 1 });
    // one mixed batch against its two halves, each normalised by the whole batch's values
    const batch = [3, 0, 4, 1];
    const total = both.targetCount(batch);
    expect(total).toBe(2 * 16 + 2 * 24);
    const mixed = shardGradient(model, both, batch, total);
    const a = shardGradient(model, both, [0, 1], total);
    const b = shardGradient(model, both, [3, 4], total);
    expect(mixed.lossSum).toBeCloseTo(a.lossSum + b.lossSum, 12);
    for (let k = 0; k < mixed.grad.length; k++) {
      expect(Math.abs(mixed.grad[k] - (a.grad[k] + b.grad[k]))).toBeLessThan(1e-13);
    }
    const e = evaluateModel(model, both);
    expect(e.n).toBe(3 * 16 + 2 * 24);
    expect(e.siteAveraged.n).toBe(5);
    both.close();
  });
});

describe('a dataset refuses before any work', () => {
  it('files of another group or dimension, and a target the lattice cannot compute', async () => {
    const su2 = await writeFields('su2.h5', 2, [4, 4], 1, 40);
    const su3 = await writeFields('su3.h5', 3, [4, 4], 1, 41);
    const d3 = await writeFields('d3.h5', 2, [2, 2, 2], 1, 42);
    await expect(Dataset.open([su2, su3], w11)).rejects.toThrow(
      `Dataset.open: ${su3}: invalid attribute N: expected 2 (SU(2), like ${su2}: one group per dataset), got 3`,
    );
    await expect(Dataset.open([su2, d3], w11)).rejects.toThrow(
      `Dataset.open: ${d3}: invalid attribute dims: expected 2 dimensions (like ${su2}; lattice sizes may differ, dimensions may not), got [2, 2, 2]`,
    );
    await expect(Dataset.open([su2], parseTarget('charge:plaquette'))).rejects.toThrow(
      `Dataset.open: ${su2}: invalid attribute dims: expected 4 dimensions for the target charge:plaquette, got 2 (dims [4, 4])`,
    );
    await expect(Dataset.open([su2], parseTarget('wilson:5x5'))).rejects.toThrow(
      /su2\.h5: invalid attribute dims: expected extents of at least 5 for the loops of wilson:5x5/,
    );
    await expect(
      Dataset.open([su2], w11, { require: { N: 3, D: 2, by: 'the model m.json' } }),
    ).rejects.toThrow(
      `${su2}: invalid attribute N: expected 3 (SU(3), the group of the model m.json), got 2`,
    );
  });
});
