/**
 * `lgt generate --backend webgpu`: the ensemble file of the CPU path (same measurements,
 * float64 links) with the backend in its metadata; runs the GPU cannot do are refused before
 * any work, with messages that name the option and, for a lattice too large, the limit.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureEachTest, cli } from '../../cliOutput.js';
import { main } from '../../../src/cli/program.js';
import { openEnsemble } from '../../../src/io/ensembleReader.js';

captureEachTest();

const small = ['--dims', '4,4,4,4', '--group', '3', '--beta', '5.8', '--configs', '3'];
const quick = ['--separation', '2', '--thermalization', '2', '--no-progress', '--no-charge'];

function output(): string {
  return join(mkdtempSync(join(tmpdir(), 'lgt-gpu-cli-')), 'run.h5');
}

describe('lgt generate --backend webgpu', () => {
  it('writes an ensemble like the CPU path, recording the backend', async () => {
    const file = output();
    expect(
      await main(['generate', '-o', file, ...small, ...quick, '--backend', 'webgpu', '--json']),
    ).toBe(0);
    expect(JSON.parse(cli.stdout)).toMatchObject({ output: file, configurations: 3 });
    const e = await openEnsemble(file);
    try {
      expect(e.count).toBe(3);
      expect(e.metadata).toMatchObject({ backend: 'webgpu', N: 3, dims: [4, 4, 4, 4] });
      expect(Object.keys(e.observables)).toContain('wilson_loop_2x2');
      expect(e.configuration(2).unitarityViolation()).toBeLessThan(1e-14);
    } finally {
      e.close();
    }
  });

  it.each([
    [
      ['--algorithm', 'metropolis'],
      /invalid --algorithm metropolis with --backend webgpu: expected heatbath/,
    ],
    [['--group', '4'], /invalid --group 4 with --backend webgpu: expected 2 or 3/],
    [
      ['--dims', '96,96,96,96'],
      /invalid --dims with --backend webgpu: .*maxStorageBufferBindingSize of \d+ bytes .* SU\(3\) on 96x96x96x96, whose links need 24461180928 bytes/,
    ],
    [['--backend', 'cuda'], /invalid --backend "cuda": expected one of cpu, webgpu/],
  ])('refuses %j before any work, naming the problem', async (args, message) => {
    const file = output();
    expect(
      await main(['generate', '-o', file, ...small, ...quick, '--backend', 'webgpu', ...args]),
    ).toBe(2);
    expect(cli.stderr).toMatch(message);
    expect(existsSync(file)).toBe(false);
    expect(existsSync(`${file}.partial`)).toBe(false);
  });
});
