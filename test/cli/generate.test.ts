import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureEachTest, cli } from '../cliOutput.js';
import { main } from '../../src/cli/program.js';
import { openEnsemble } from '../../src/io/ensembleReader.js';

captureEachTest();

const small = [
  '--dims',
  '4,4',
  '--beta',
  '1.5,2.5',
  '--configs',
  '8',
  '--separation',
  '2',
  '--thermalization',
  '5',
  '--no-progress',
];

describe('lgt generate and lgt measure', () => {
  it('generate writes an ensemble and prints a JSON summary; measure reads it back', async () => {
    const output = join(mkdtempSync(join(tmpdir(), 'lgt-cli-')), 'e.h5');
    expect(await main(['generate', '-o', output, ...small, '--json'])).toBe(0);
    expect(JSON.parse(cli.stdout)).toEqual({
      output,
      configurations: 16,
      acceptance: [1, 1],
      resumedFrom: null,
      warnings: [],
    });
    cli.stdout = '';
    expect(await main(['measure', output, '--json'])).toBe(0);
    const result = JSON.parse(cli.stdout);
    expect(result.ensembles.map((e: { beta: number }) => e.beta)).toEqual([1.5, 2.5]);
    const plaquette = result.ensembles[1].observables.plaquette;
    expect(Object.keys(plaquette)).toEqual(['mean', 'error', 'tauInt', 'tauIntError', 'n']);
    expect(plaquette.n).toBe(8);
    // higher beta, more order
    expect(plaquette.mean).toBeGreaterThan(result.ensembles[0].observables.plaquette.mean);
    cli.stdout = '';
    expect(await main(['measure', output, '--skip', '2'])).toBe(0);
    expect(cli.stdout).toMatch(/beta = 2.5 {3}configurations = 6/);
    expect(cli.stdout).toMatch(/plaquette\s+0\.\d+\(\d+\)/);
  });

  it('takes options from a JSON config file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lgt-cli-'));
    const config = join(dir, 'run.json');
    writeFileSync(
      config,
      JSON.stringify({
        dims: '4,4',
        beta: [2],
        configs: 3,
        thermalization: 2,
        algorithm: 'metropolis',
        progress: false,
      }),
    );
    const output = join(dir, 'm.h5');
    expect(await main(['generate', '-o', output, '--config', config, '--json'])).toBe(0);
    const summary = JSON.parse(cli.stdout);
    expect(summary.configurations).toBe(3);
    expect(summary.acceptance[0]).toBeLessThan(1); // Metropolis, from the file
  });

  it.each([
    [
      ['--beta', '2,abc'],
      /invalid --beta "2,abc": expected a comma-separated list of positive numbers/,
    ],
    [['--beta', '-1'], /invalid --beta "-1": expected a comma-separated list of positive numbers/],
    [['--dims', '4,5'], /invalid --dims "4,5": expected even extents/],
    [
      ['--algorithm', 'gibbs'],
      /invalid --algorithm "gibbs": expected one of heatbath, metropolis, hmc/,
    ],
    [['--workers', '0'], /invalid --workers "0": expected an integer in \[1, 256\]/],
    [['--kernels', 'simd'], /invalid --kernels "simd": expected one of ts, wasm, auto/],
  ])('rejects %j with exit code 2 and a message naming the option', async (args, message) => {
    const output = join(mkdtempSync(join(tmpdir(), 'lgt-cli-')), 'bad.h5');
    expect(await main(['generate', '-o', output, ...small, ...args])).toBe(2);
    expect(cli.stderr).toMatch(message);
    expect(existsSync(output)).toBe(false);
  });

  it('writes the same ensemble with --kernels ts and --kernels wasm (SU(3), 2 workers)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lgt-cli-'));
    const args = ['--group', '3', '--dims', '4,4,4,4', '--beta', '5.7', '--configs', '2'];
    const runs = ['ts', 'wasm'].map((k) => join(dir, `${k}.h5`));
    for (const [k, output] of [
      ['ts', runs[0]],
      ['wasm', runs[1]],
    ]) {
      const more = ['--thermalization', '2', '--separation', '1', '--workers', '2'];
      expect(await main(['generate', '-o', output, ...args, ...more, '--kernels', k])).toBe(0);
    }
    const [a, b] = await Promise.all(runs.map((f) => openEnsemble(f)));
    try {
      expect(b.count).toBe(2);
      for (let i = 0; i < 2; i++) {
        expect(Array.from(b.configuration(i).links)).toEqual(Array.from(a.configuration(i).links));
      }
    } finally {
      a.close();
      b.close();
    }
  });

  it('refuses an existing output and an unwritable path without a stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lgt-cli-'));
    const output = join(dir, 'x.h5');
    writeFileSync(output, 'keep me');
    expect(await main(['generate', '-o', output, ...small])).toBe(2);
    expect(cli.stderr).toContain(`${output} already exists`);
    cli.stderr = '';
    expect(await main(['generate', '-o', join(dir, 'missing', 'x.h5'), ...small])).toBe(2);
    expect(cli.stderr).toMatch(/does not exist/);
    expect(cli.stderr).not.toMatch(/\n\s+at /);
  });

  it('measure says plainly what is wrong with a file that is not an ensemble', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lgt-cli-'));
    writeFileSync(join(dir, 'junk.h5'), 'not hdf5');
    expect(await main(['measure', join(dir, 'junk.h5')])).toBe(2);
    expect(cli.stderr).toMatch(/junk\.h5: not an HDF5 file/);
    cli.stderr = '';
    expect(await main(['measure', join(dir, 'none.h5')])).toBe(2);
    expect(cli.stderr).toMatch(/none\.h5: no such file/);
  });
});
