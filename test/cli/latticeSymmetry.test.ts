/**
 * `lgt train --symmetry lattice` through the built CLI (a child process): the group is chosen
 * from the training files' extents and saved with the model, which then evaluates on a larger
 * lattice of the same pattern; training files of different patterns (for the model's group
 * or for `--augment lattice`), the full group on
 * unequal extents and a corner-anchored per-site target are refused with exit code 2 and one
 * line that says why.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLgt as lgt } from '../cliProcess.js';
import { writeRoughEnsemble } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'lgt-lattice-symmetry-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An SU(2) ensemble file of `count` rough fields on `dims`. */
async function ensemble(name: string, dims: number[], count: number): Promise<string> {
  return writeRoughEnsemble(join(dir, name), dims, count, {
    seed: 50,
    epsilon: (k) => 0.4 + 0.1 * (k % 5),
  });
}

let oblong: string;
let larger: string;

beforeAll(async () => {
  oblong = await ensemble('4x8.h5', [4, 8], 12);
  larger = await ensemble('8x16.h5', [8, 16], 2);
  await ensemble('6x6.h5', [6, 6], 4);
});

describe('lgt train --symmetry lattice', () => {
  it('chooses the group from the training lattice, saves it, evaluates on 8x16', () => {
    const model = join(dir, 'lattice.json');
    const train = lgt([
      'train',
      '--data',
      oblong,
      '-o',
      model,
      '--target',
      'wilson:1x1:clover',
      '--architecture',
      'lcb:1:1,trace,dense:1',
      '--symmetry',
      'lattice',
      '--epochs',
      '2',
      '--no-progress',
    ]);
    expect(train.stderr).toBe('');
    expect(train.status).toBe(0);
    expect(train.stdout).toMatch(
      /weights, symmetric under lattice point group of 4x8 in 2D \(4 elements\), best epoch/,
    );
    const saved = JSON.parse(readFileSync(model, 'utf8'));
    expect(saved.spec).toMatchObject({
      symmetry: 'lattice',
      symmetryDims: [4, 8],
      parity: 'scalar',
    });
    const evaluated = lgt(['eval', model, larger, '--json']);
    expect(evaluated.status).toBe(0);
    expect(JSON.parse(evaluated.stdout).lattice).toEqual([8, 16]);
  });

  it.each([
    [
      'training files of different equal-extent patterns',
      ['--symmetry', 'lattice', '--target', 'wilson:1x1:clover', '--data', '4x8.h5', '6x6.h5'],
      /one pattern of equal extents.*4x8 has equal axes \{0\}, \{1\}.*got 6x6 \(equal axes \{0, 1\}\)/,
    ],
    [
      'augmentation over lattices of different equal-extent patterns',
      ['--augment', 'lattice', '--target', 'wilson:1x1', '--data', '4x8.h5', '6x6.h5'],
      /one pattern of equal extents.*4x8 has equal axes \{0\}, \{1\}.*got 6x6/,
    ],
    [
      'the full group on unequal extents',
      ['--symmetry', 'rotations+reflections', '--target', 'wilson:1x1:clover', '--data', '4x8.h5'],
      /equal extents in every direction.*4x8.*axis 0 has 4 sites, axis 1 has 8/,
    ],
    [
      'a corner-anchored per-site target',
      ['--symmetry', 'lattice', '--target', 'wilson:1x2', '--data', '4x8.h5'],
      /quadrant x \+ mu \+ nu.*use wilson:1x2:clover/,
    ],
  ])('refuses %s with exit code 2 and one line', (_, args, message) => {
    // the files are written before the tests run: named here, found in dir
    const files = args.map((a) => (a.endsWith('.h5') ? join(dir, a) : a));
    const r = lgt(['train', '-o', join(dir, 'refused.json'), '--epochs', '1', ...files]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
