/**
 * Chains that go nowhere, as a user meets them (issue 19), through the real CLI in child
 * processes: the HMC run of the issue (SU(2) on 8^4 at beta 2.3, seed 3, a cold start, the
 * defaults) thermalises and gives the plaquette within 4 sigma (Gamma-method error) of
 * 0.6024; the same run with the old defaults (10 fixed Omelyan steps, no warm-up), whose every
 * trajectory from the cold start is rejected (dH = 4.6), is reported loudly before its data are
 * saved and flagged by lgt measure; deliberately bad step sizes of HMC and Metropolis produce
 * the warning with the number and the remedy.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runLgt } from '../lgtProcess.js';

/** The plaquette of SU(2) on 8^4 at beta 2.3: data/validation/hmc-cold-start.md. */
const PLAQUETTE_8x4_BETA_2_3 = 0.6024;

const ISSUE = ['--group', '2', '--dims', '8,8,8,8', '--beta', '2.3', '--algorithm', 'hmc'];

function output(name: string): string {
  return join(mkdtempSync(join(tmpdir(), 'lgt-chains-')), name);
}

describe('HMC from a cold start on 8^4 (the run of issue 19)', () => {
  it('with the defaults: thermalises, warns of nothing, and gives the plaquette within 4 sigma of 0.6024', async () => {
    const file = output('hmc.h5');
    const args = [...ISSUE, '--thermalization', '50', '--configs', '24', '--separation', '2'];
    const r = await runLgt([
      'generate',
      '-o',
      file,
      ...args,
      '--seed',
      '3',
      '--json',
      '--no-progress',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('WARNING');
    const summary = JSON.parse(r.stdout);
    expect(summary.warnings).toEqual([]);
    expect(summary.acceptance[0]).toBeGreaterThan(0.6);
    const m = await runLgt(['measure', file, '--json']);
    expect(m.code, m.stderr).toBe(0);
    const { mean, error } = JSON.parse(m.stdout).ensembles[0].observables.plaquette;
    expect(Math.abs(mean - PLAQUETTE_8x4_BETA_2_3) / error).toBeLessThan(4);
    expect(JSON.parse(m.stdout).warnings).toEqual([]);
  });

  it('with the old defaults (10 fixed steps, no warm-up): stuck at the cold start, said before the data are saved, flagged by lgt measure', async () => {
    const file = output('stuck.h5');
    const args = [...ISSUE, '--md-steps', '10', '--md-warmup', '0', '--thermalization', '12'];
    const r = await runLgt([
      'generate',
      '-o',
      file,
      ...args,
      '--configs',
      '4',
      '--separation',
      '2',
      '--seed',
      '3',
      '--no-progress',
    ]);
    expect(r.code, r.stderr).toBe(0);
    // the first warning comes before the first configuration is saved, with the numbers
    expect(r.stderr).toMatch(
      /^lgt: WARNING: beta 2\.3: HMC accepted none of the last 12 thermalisation trajectories \(rms dH 4\.\d+, 10 integration steps\): the chain has not moved/,
    );
    expect(r.stderr).toContain(
      'remedy: more integration steps per trajectory (lgt: --md-steps auto, or more than 10), trajectories without the Metropolis test first (--md-warmup 10), or a hot start (--start hot)',
    );
    expect(r.stderr).toContain(`lgt: WARNING: 2 problems with the Monte Carlo chains of ${file}`);
    const m = await runLgt(['measure', file]);
    expect(m.code).toBe(0);
    expect(m.stderr).toContain(
      `lgt: WARNING: suspect ensemble ${file}: beta 2.3: HMC accepted none`,
    );
  });
});

describe('deliberately bad step sizes', () => {
  it.each([
    [
      'HMC, one integration step over a trajectory of length 3',
      ['--algorithm', 'hmc', '--tau', '3', '--md-steps', '1'],
      // the last 10: the first 10 are the warm-up without the Metropolis test
      /lgt: WARNING: beta 2\.3: HMC accepted (none|\d+%) of the last 10 thermalisation trajectories \(rms dH \S+, 1 integration step\)/,
      'more integration steps per trajectory (lgt: --md-steps auto, or more than 1)',
    ],
    [
      'Metropolis, step 6',
      ['--algorithm', 'metropolis', '--step', '6', '--group', '3', '--beta', '6'],
      /lgt: WARNING: beta 6: Metropolis accepted \d\.\d+% of its proposals of the last 20 thermalisation sweeps \(step 6\.00; a sane range is 30-70%\)/,
      'a smaller step (lgt: --step auto, or below 6.00)',
    ],
  ])('%s: the warning names the acceptance and the remedy', async (_, bad, warning, remedy) => {
    const file = output('bad.h5');
    const r = await runLgt([
      'generate',
      '-o',
      file,
      '--dims',
      '4,4,4,4',
      '--beta',
      '2.3',
      '--thermalization',
      '20',
      '--configs',
      '4',
      '--separation',
      '1',
      '--seed',
      '5',
      '--no-progress',
      ...bad,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(warning);
    expect(r.stderr).toContain(remedy);
  });

  it('with the tuned defaults the same runs warn of nothing', async () => {
    for (const algorithm of ['hmc', 'metropolis']) {
      const r = await runLgt([
        'generate',
        '-o',
        output('good.h5'),
        '--dims',
        '4,4,4,4',
        '--group',
        '3',
        '--beta',
        '6',
        '--thermalization',
        '40',
        '--configs',
        '4',
        '--separation',
        '1',
        '--seed',
        '5',
        '--no-progress',
        '--algorithm',
        algorithm,
      ]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toContain('WARNING');
    }
  });
});
