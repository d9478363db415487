/**
 * One option table per command: commander's flags, the defaults, the parse rules and the
 * config file all come from it. Run through the real `lgt` in child processes, as users do.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { expectRefused, runLgt as lgt } from '../cliProcess.js';
import { addOptions, keyOf, option, rules } from '../../src/cli/optionTable.js';
import { openEnsemble } from '../../src/io/ensembleReader.js';

describe('option tables', () => {
  it('derive the option key from the long flag as commander does', () => {
    expect(keyOf('-o, --output <file>')).toBe('output');
    expect(keyOf('--md-steps <n>')).toBe('mdSteps');
    expect(keyOf('--no-mix-orientations')).toBe('mixOrientations');
    expect(keyOf('--data <files...>')).toBe('data');
  });

  it('refuse a table whose key does not name its flag', () => {
    const table = { steps: option('--md-steps <n>', 'steps', rules.integer(1)) };
    expect(() => addOptions(new Command('x'), table)).toThrow(
      /key steps does not match the flags --md-steps <n>/,
    );
  });

  it('take a required option and kebab-case keys from the config file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lgt-options-'));
    const output = join(dir, 'hmc.h5');
    const config = join(dir, 'run.json');
    writeFileSync(
      config,
      JSON.stringify({
        output,
        dims: [4, 4],
        algorithm: 'hmc',
        'md-steps': 3,
        configs: 2,
        thermalization: 1,
        separation: 1,
        progress: false,
      }),
    );
    const run = lgt(['generate', '--config', config, '--json']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).configurations).toBe(2);
    const ensemble = await openEnsemble(output);
    try {
      expect(ensemble.metadata.algorithm).toMatchObject({ kind: 'hmc', steps: 3 });
    } finally {
      ensemble.close();
    }
  });

  it('take N of SU(N) as 3, su3 or SU(3), alone or in a list, and refuse other words', () => {
    const one = rules.colours(2, 16).schema;
    for (const typed of ['3', 'su3', 'SU3', 'SU(3)', ' su( 3 ) ', 3]) {
      expect(one.parse(typed), String(typed)).toBe(3);
    }
    for (const typed of ['su1', 'SU(17)', 'sp4', 'u3', 'su', '3.5', '', 'su(3', 'su3)', 'su3x']) {
      expect(one.safeParse(typed).success, typed).toBe(false);
    }
    const list = rules.colourList(2, 16).schema;
    expect(list.parse('su2,SU(3),4')).toEqual([2, 3, 4]);
    expect(list.parse([2, 'su3'])).toEqual([2, 3]);
    expect(list.parse(3)).toEqual([3]);
    for (const typed of ['su2,', 'su2,sp4', [], '1']) {
      expect(list.safeParse(typed).success, JSON.stringify(typed)).toBe(false);
    }
  });

  it('generate the same ensemble for --group SU(3) as for --group 3; refuse su1 naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lgt-group-'));
    const args = ['--dims', '4,4', '-n', '2', '--thermalization', '2', '--no-progress'];
    const links: Float64Array[] = [];
    for (const [name, group] of [
      ['digits', '3'],
      ['named', 'SU(3)'],
    ]) {
      const output = join(dir, `${name}.h5`);
      const run = lgt(['generate', '-g', group, '-o', output, ...args]);
      expect(run.status, run.stderr).toBe(0);
      const ensemble = await openEnsemble(output);
      try {
        expect(ensemble.metadata.N).toBe(3);
        links.push(ensemble.configuration(1).links);
      } finally {
        ensemble.close();
      }
    }
    expect(links[1]).toEqual(links[0]);
    expectRefused(
      lgt(['generate', '-g', 'su1', '-o', join(dir, 'su1.h5'), ...args]),
      'lgt: invalid --group "su1": expected an integer in [2, 16] (N of SU(N): 3, su3 or SU(3))',
      join(dir, 'su1.h5'),
    );
  });

  it('name a missing required option in one line, exit code 2', () => {
    const run = lgt(['generate', '--dims', '4,4']);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      'lgt: missing --output: expected a file path (on the command line or in the --config file)\n',
    );
  });

  it('refuse the baseline CNN options it does not have, before reading any data', () => {
    for (const [args, message] of [
      [['--checkpoint'], /invalid --checkpoint\/--resume with --model cnn/],
      [['--workers', '2'], /invalid --workers 2 with --model cnn: expected 1/],
      [['--weight-decay', '0.1'], /invalid --weight-decay 0.1 with --model cnn: expected 0/],
    ] as const) {
      const run = lgt(['train', '--data', 'missing.h5', '-o', 'x.json', '--model', 'cnn', ...args]);
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
