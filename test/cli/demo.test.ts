import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureEachTest, cli } from '../cliOutput.js';
import { runDemo } from '../../src/cli/commands/demo.js';
import { main } from '../../src/cli/program.js';

captureEachTest();

describe('lgt demo', () => {
  it('finds every observable invariant under gauge transformations and lattice symmetries', () => {
    const result = runDemo({ group: 2, dims: [4, 4, 4, 4], seed: 1, epsilon: 0.5 });
    expect(Object.keys(result.maxRelativeChange)).toHaveLength(4);
    for (const change of Object.values(result.maxRelativeChange))
      expect(change).toBeLessThan(1e-12);
    // the topological charge flips sign under the reflection: the demo compares with -Q
    const Q = result.observables.topologicalCharge;
    expect(result.transformed['reflection of axis 0'].topologicalCharge).toBeCloseTo(-Q, 12);
  });

  it('in 2D rotates no plane, since that would move the time axis of the Polyakov loop', () => {
    const result = runDemo({ group: 2, dims: [3, 3], seed: 1, epsilon: 0.5 });
    expect(Object.keys(result.maxRelativeChange)).toEqual([
      'random gauge transformation',
      'translation by (1, 2, ...)',
      'reflection of axis 0',
    ]);
    for (const change of Object.values(result.maxRelativeChange))
      expect(change).toBeLessThan(1e-12);
  });

  it('prints stable JSON keys with --json and exits 0', async () => {
    const code = await main([
      'demo',
      '--group',
      '3',
      '--dims',
      '4,4,4',
      '--configs',
      '40',
      '--json',
    ]);
    expect(code).toBe(0);
    const { montecarlo, symmetries: result } = JSON.parse(cli.stdout);
    expect(montecarlo).toHaveLength(9);
    expect(Object.keys(montecarlo[0])).toEqual([
      'beta',
      'observable',
      'mean',
      'error',
      'tauInt',
      'exact',
      'deviation',
    ]);
    for (const row of montecarlo) expect(row.error).toBeGreaterThan(0);
    expect(result.group).toBe('SU(3)');
    expect(result.dims).toEqual([4, 4, 4]);
    expect(Object.keys(result.observables)).toEqual([
      'plaquette',
      'wilsonLoop1x2',
      'wilsonLoop2x2',
      'polyakovLoopRe',
      'polyakovLoopIm',
      'wilsonActionPerBeta',
    ]);
  });

  it('takes options from a JSON config file, command-line options winning', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lgt-'));
    const config = join(dir, 'demo.json');
    writeFileSync(config, JSON.stringify({ dims: '3,3', group: 4 }));
    expect(
      await main(['demo', '--config', config, '--group', '2', '--configs', '20', '--json']),
    ).toBe(0);
    const result = JSON.parse(cli.stdout).symmetries;
    expect(result.dims).toEqual([3, 3]);
    expect(result.group).toBe('SU(2)');
  });

  it('rejects bad options with a message naming the option and the value, exit code 2', async () => {
    expect(await main(['demo', '--dims', '4,0'])).toBe(2);
    expect(cli.stderr).toMatch(
      /lgt: invalid --dims "4,0": expected at least two positive integer extents/,
    );
    expect(cli.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
    cli.stderr = '';
    expect(await main(['demo', '--group', '1'])).toBe(2);
    expect(cli.stderr).toMatch(/invalid --group "1": expected an integer in \[2, 16\]/);
  });

  it('rejects unknown keys in a config file, naming the file and the key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lgt-'));
    const config = join(dir, 'bad.json');
    writeFileSync(config, JSON.stringify({ colours: 3 }));
    expect(await main(['demo', '--config', config])).toBe(2);
    expect(cli.stderr).toContain(`config file ${config}: unknown option "colours"`);
  });

  it('has --help', async () => {
    expect(await main(['demo', '--help'])).toBe(0);
    expect(cli.stdout).toMatch(/Usage: lgt demo \[options\]/);
  });
});
