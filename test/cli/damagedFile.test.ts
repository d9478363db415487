/**
 * A truncated or damaged HDF5 file, through the real CLI in a child process: one line on
 * stderr that names the file and what HDF5 found, never the HDF5 library's own error stack
 * (src/io/hdf5.ts keeps it off the terminal).
 */
import fs from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateEnsemble } from '../../src/montecarlo/generate.js';
import { runLgt } from '../cliProcess.js';

let dir: string;
let whole: Buffer;

beforeAll(async () => {
  dir = fs.mkdtempSync(join(os.tmpdir(), 'lgt-damaged-'));
  const path = join(dir, 'whole.h5');
  await generateEnsemble(
    {
      N: 2,
      dims: [4, 4],
      betas: [2],
      algorithm: { kind: 'heatbath', overrelaxation: 1 },
      thermalization: 2,
      separation: 1,
      configurations: 3,
      seed: 1,
      start: 'cold',
      reunitarizeEvery: 10,
      measurements: { wilsonLoops: 1, polyakovLoop: false, topologicalCharge: false },
    },
    { output: path },
  );
  whole = fs.readFileSync(path);
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('lgt info and lgt measure on a damaged HDF5 file', () => {
  it('say in exactly one line of stderr that a truncated file is truncated, with exit code 2', () => {
    const cut = join(dir, 'cut.h5');
    fs.writeFileSync(cut, whole.subarray(0, 3000));
    for (const command of ['info', 'measure']) {
      const run = runLgt([command, cut]);
      expect(run.status, command).toBe(2);
      expect(run.stdout, command).toBe('');
      expect(run.stderr, command).toBe(
        `lgt: openEnsemble: ${cut}: HDF5 could not open the file (truncated file: eof = 3000, ` +
          `sblock->base_addr = 0, stored_eof = ${whole.length})\n`,
      );
    }
  });

  it('say in exactly one line of stderr what is wrong with a file whose metadata are overwritten', () => {
    const damaged = join(dir, 'damaged.h5');
    const bytes = Buffer.from(whole);
    for (let k = 200; k < 264; k++) bytes[k] ^= 0xff; // inside the root group's object header
    fs.writeFileSync(damaged, bytes);
    for (const command of ['info', 'measure']) {
      const run = runLgt([command, damaged]);
      expect(run.status, command).toBe(2);
      expect(run.stderr, command).toMatch(new RegExp(`^lgt: openEnsemble: ${damaged}: .+\\n$`));
      expect(run.stderr, command).not.toContain('HDF5-DIAG');
    }
  });
});
