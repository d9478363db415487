/**
 * `lgt train --ensemble M` through the real `lgt` in child processes, as users meet it: data
 * from `lgt generate`, an ensemble of 2 trained with augmentation, `lgt eval --json` reporting
 * the members and their spread (and `--invariance` the invariance error), `lgt predict` on the
 * mean; bad ensemble sizes and the baseline CNN refused with one line naming the option.
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runLgt } from '../cliProcess.js';
import { MEAN_W11_MODEL, lgtTrainArgs } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'lgt-ensemble-cli-'));
const data = join(dir, 'su2-4x4.h5');

beforeAll(() => {
  const r = runLgt([
    'generate',
    '-o',
    data,
    '--dims',
    '4,4',
    '--beta',
    '1.5,3',
    '--configs',
    '10',
    '--separation',
    '2',
    '--thermalization',
    '10',
    '--no-progress',
  ]);
  expect(r.status, r.stderr).toBe(0);
});

const train = (output: string, extra: string[], env?: NodeJS.ProcessEnv) =>
  runLgt(lgtTrainArgs(data, output, ...MEAN_W11_MODEL, '--epochs', '3', ...extra), env);

describe('lgt train --ensemble', () => {
  it('trains 2 members into one file; lgt eval --json reports the members, their spread and MSEs, and the invariance error; lgt predict and lgt report take the file', () => {
    const model = join(dir, 'ensemble.json');
    const t = train(model, ['--ensemble', '2', '--augment', 'rotations+reflections', '--json']);
    expect(t.status, t.stderr).toBe(0);
    const file = JSON.parse(readFileSync(model, 'utf8'));
    expect(file).toMatchObject({ version: 2, ensemble: { members: 2 } });
    expect(file.members).toHaveLength(2);
    const e = runLgt(['eval', model, data, '--json', '--invariance', '3']);
    expect(e.status, e.stderr).toBe(0);
    const result = JSON.parse(e.stdout);
    expect(result.ensemble.members).toBe(2);
    expect(result.ensemble.spread).toBeGreaterThan(0);
    expect(result.ensemble.memberMse).toHaveLength(2);
    expect(result.invariance).toMatchObject({ configurations: 3, elements: 8 });
    // plain members: not invariant
    expect(result.invariance.max).toBeGreaterThan(1e-9);
    const p = runLgt(['predict', model, data, '-o', join(dir, 'p.json')]);
    expect(p.status, p.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'p.json'), 'utf8')).configurations).toHaveLength(20);
    const html = join(dir, 'report.html');
    const r = runLgt(['report', data, model, '-o', html]);
    expect(r.status, r.stderr).toBe(0);
    // both members' weights counted (45 each)
    expect(readFileSync(html, 'utf8')).toContain('90 weights');
  });

  it('killed in member 2 (SIGKILL, no --checkpoint), then --resume: member 1 kept, the model file and metrics log of an uninterrupted run', () => {
    const run = (name: string, extra: string[], env?: NodeJS.ProcessEnv) => {
      const model = join(dir, `${name}.json`);
      const metrics = join(dir, `${name}.jsonl`);
      const r = train(model, ['--ensemble', '2', '--metrics', metrics, ...extra], env);
      return { r, model, metrics };
    };
    const withoutTimes = (metrics: string) =>
      readFileSync(metrics, 'utf8')
        .trim()
        .split('\n')
        .map((line) => {
          const m = JSON.parse(line);
          delete m.seconds;
          return m;
        });
    const reference = run('reference', []);
    expect(reference.r.status, reference.r.stderr).toBe(0);
    // the fifth epoch logged is member 2's second (3 epochs each)
    const killed = run('killed', [], { ...process.env, LGT_TEST_KILL_AT: 'train:epoch-logged@5' });
    expect(killed.r.signal).toBe('SIGKILL');
    const member1 = `${killed.model}.checkpoint.member1`;
    const before = readFileSync(member1, 'utf8');
    const written = statSync(member1).mtimeMs;
    const resumed = run('killed', ['--resume', '--json']);
    expect(resumed.r.status, resumed.r.stderr).toBe(0);
    // member 1 was not trained again: its checkpoint is untouched
    expect(statSync(member1).mtimeMs).toBe(written);
    expect(readFileSync(member1, 'utf8')).toBe(before);
    expect(readFileSync(resumed.model, 'utf8').replaceAll('killed', 'reference')).toBe(
      readFileSync(reference.model, 'utf8'),
    );
    const log = withoutTimes(resumed.metrics);
    expect(log.map((m) => [m.member, m.epoch])).toEqual([
      [1, 1],
      [1, 2],
      [1, 3],
      [2, 1],
      [2, 2],
      [2, 3],
    ]);
    expect(log).toEqual(withoutTimes(reference.metrics));
  });

  it.each([
    ['0', /^lgt: invalid --ensemble "0": expected an integer in \[1, 4096\]/],
    ['1.5', /^lgt: invalid --ensemble "1\.5": expected an integer in \[1, 4096\]/],
  ])(
    'refuses --ensemble %s with one line naming the option and the value (exit 2)',
    (value, message) => {
      const r = train(join(dir, 'bad.json'), ['--ensemble', value]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    },
  );

  it('refuses --ensemble with the baseline CNN, saying why', () => {
    const r = train(join(dir, 'cnn.json'), ['--model', 'cnn', '--ensemble', '2']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /^lgt: invalid --ensemble 2 with --model cnn: expected 1 \(ensembles are of L-CNNs/,
    );
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
