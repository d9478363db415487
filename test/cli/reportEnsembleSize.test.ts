/**
 * `lgt report` of an ensemble model file, through the real `lgt` in child processes: the
 * model's section has the invariance error and MSE of its first m = 1, 2, 4 members, the same
 * numbers as invarianceError and evaluateModel of those sub-ensembles computed here through the
 * library; `--json` gives them under models[i].ensemble.invarianceByMembers; the log-log chart
 * is written with --svg and is byte-identical on a rerun; an ensemble of symmetric members is
 * invariant to rounding while plain members are not (the negative control); on a test lattice
 * with unequal extents (the first --test file) the group is the lattice's own point group.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/lcnn/dataset.js';
import { EnsembleModel } from '../../src/lcnn/ensemble.js';
import { evaluateModel } from '../../src/lcnn/evaluation.js';
import { invarianceError } from '../../src/lcnn/invariance.js';
import { loadModelOrEnsemble } from '../../src/lcnn/modelFile.js';
import { symmetryGroup } from '../../src/lcnn/symmetry.js';
import { parseTarget } from '../../src/lcnn/targets.js';
import { runLgt } from '../cliProcess.js';
import { MEAN_W11_MODEL, lgtTrainArgs } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'lgt-report-ensemble-size-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const data = join(dir, 'su2-4x4.h5');
const plain = join(dir, 'plain.json');
const symmetric = join(dir, 'symmetric.json');

const generate = (output: string, dims: string) => {
  const r = runLgt([
    'generate',
    '-o',
    output,
    '--dims',
    dims,
    '--beta',
    '1.5,3',
    '--configs',
    '6',
    '--separation',
    '2',
    '--thermalization',
    '10',
    '--no-progress',
  ]);
  expect(r.status, r.stderr).toBe(0);
};

const train = (output: string, extra: string[]) => {
  const r = runLgt(lgtTrainArgs(data, output, ...MEAN_W11_MODEL, '--epochs', '1', ...extra));

  expect(r.status, r.stderr).toBe(0);
};

interface Row {
  members: number;
  mean: number | null;
  max: number | null;
  mse: number;
}

beforeAll(() => {
  generate(data, '4,4');
  train(plain, ['--ensemble', '4']);
  train(symmetric, ['--ensemble', '2', '--symmetry', 'rotations+reflections']);
});

describe('lgt report of an ensemble: invariance error against ensemble size', () => {
  it('tabulates m = 1, 2, 4 with the numbers of invarianceError and evaluateModel of the first m members, and draws the log-log chart deterministically', async () => {
    const html = join(dir, 'report.html');
    const svg = join(dir, 'svg');
    const r = runLgt(['report', data, plain, symmetric, '-o', html, '--svg', svg, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    const [p, s] = summary.models;
    expect(p.ensemble).toMatchObject({
      members: 4,
      data,
      configurations: 12,
      scored: 12,
      group: 'rotations+reflections in 2D (8 elements)',
    });
    const rows = p.ensemble.invarianceByMembers as Row[];
    expect(rows.map((row) => row.members)).toEqual([1, 2, 4]);

    const target = parseTarget('wilson:1x1:mean');
    const dataset = await loadDataset([data], target);
    const fields = Array.from({ length: 12 }, (_, i) => dataset.field(i));
    const { model } = loadModelOrEnsemble(plain);
    expect(model).toBeInstanceOf(EnsembleModel);
    const members = (model as EnsembleModel).members;
    for (const row of rows) {
      const sub = new EnsembleModel(members.slice(0, row.members));
      const direct = invarianceError(sub, fields);
      expect(row.mean).toBe(direct.mean);
      expect(row.max).toBe(direct.max);
      expect(row.mse).toBe(evaluateModel(sub, dataset).mse);
    }
    // plain members are not invariant (the negative control of the symmetric ensemble below)
    expect(rows[0].max).toBeGreaterThan(1e-6);
    expect(rows[2].mean).toBeGreaterThan(1e-6);
    // the full ensemble's MSE is the one of the evaluation table
    expect(rows[2].mse).toBe(p.evaluations[0].mse);

    const symmetricRows = s.ensemble.invarianceByMembers as Row[];
    expect(symmetricRows.map((row) => row.members)).toEqual([1, 2]);
    for (const row of symmetricRows) expect(row.max).toBeLessThan(1e-12);

    const page = readFileSync(html, 'utf8');
    expect(page).toContain('invariance error against ensemble size');
    expect(page).toContain(`data-key="${plain}/ensemble/m=4/mean" data-value="${rows[2].mean}"`);
    const chart = join(svg, 'model1-model-invariance-by-members.svg');
    expect(existsSync(chart)).toBe(true);
    expect(existsSync(join(svg, 'model2-model-invariance-by-members.svg'))).toBe(true);
    const spec = JSON.parse(
      readFileSync(join(svg, 'model1-model-invariance-by-members.vl.json'), 'utf8'),
    );
    expect(spec.encoding.x.scale.type).toBe('log');
    expect(spec.encoding.y.scale.type).toBe('log');
    expect(spec.data.values).toHaveLength(6);

    const again = join(dir, 'svg-again');
    const r2 = runLgt(['report', data, plain, '-o', join(dir, 'again.html'), '--svg', again]);
    expect(r2.status, r2.stderr).toBe(0);
    expect(readFileSync(join(again, 'model1-model-invariance-by-members.svg'), 'utf8')).toBe(
      readFileSync(chart, 'utf8'),
    );
  });

  it('measures on the first --test file; on a lattice with unequal extents under its own point group', async () => {
    const wide = join(dir, 'su2-4x6.h5');
    generate(wide, '4,6');
    const svg = join(dir, 'svg-wide');
    const r = runLgt([
      'report',
      data,
      plain,
      '--test',
      wide,
      '-o',
      join(dir, 'wide.html'),
      '--svg',
      svg,
      '--json',
    ]);
    expect(r.status, r.stderr).toBe(0);
    const model = JSON.parse(r.stdout).models[0];
    const e = model.ensemble;
    const group = symmetryGroup(2, 'lattice', [4, 6]);
    expect(group.size).toBe(4);
    expect(e).toMatchObject({
      members: 4,
      data: wide,
      configurations: 12,
      scored: 12,
      group: group.toString(),
    });
    const dataset = await loadDataset([wide], parseTarget('wilson:1x1:mean'));
    const fields = Array.from({ length: 12 }, (_, i) => dataset.field(i));
    const members = (loadModelOrEnsemble(plain).model as EnsembleModel).members;
    for (const row of e.invarianceByMembers as Row[]) {
      const sub = new EnsembleModel(members.slice(0, row.members));
      const direct = invarianceError(sub, fields, { group });
      expect(row.mean).toBe(direct.mean);
      expect(row.max).toBe(direct.max);
      expect(row.mse).toBe(evaluateModel(sub, dataset).mse);
    }
    expect(e.invarianceByMembers[2].mse).toBe(model.evaluations[1].mse);
    expect(existsSync(join(svg, 'model1-model-invariance-by-members.svg'))).toBe(true);
  });
});
