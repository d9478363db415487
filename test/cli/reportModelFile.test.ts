/**
 * `lgt report` of a bare model file (no metrics log: what `npm run reproduce:4d` keeps per
 * seed, and the README's 4D chart), through the built CLI in a child process: the report has
 * no learning curves, its error table holds the numbers of `lgt eval --json`, every point of
 * its predicted-vs-true chart is a (prediction, target) pair of `lgt predict --per-site`, and
 * missing inputs are refused in one line with exit code 2.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectRefused, runLgt as lgt } from '../cliProcess.js';
import { parseArchitecture } from '../../src/lcnn/architecture.js';
import { Model } from '../../src/lcnn/model.js';
import { saveModel } from '../../src/lcnn/modelFile.js';
import { parseTarget } from '../../src/lcnn/targets.js';
import { writeRoughEnsemble } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'lgt-report-model-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A 4D SU(2) file of rough fields, two betas with `perBeta` configurations each. */
async function writeEnsemble(name: string, dims: number[], perBeta: number): Promise<string> {
  return writeRoughEnsemble(join(dir, name), dims, 2 * perBeta, {
    seed: 11,
    epsilon: () => 0.5,
    observables: (k) => ({ plaquette: 0.5 + k }),
  });
}

let small: string;
let larger: string;
let model: string;

beforeAll(async () => {
  small = await writeEnsemble('su2-2x2x2x2.h5', [2, 2, 2, 2], 2);
  larger = await writeEnsemble('su2-2x2x2x4.h5', [2, 2, 2, 4], 1);
  model = join(dir, 'qp.json');
  const m = new Model({ N: 2, D: 4, layers: parseArchitecture('lbilin:1,trace,dense:1'), seed: 5 });
  await saveModel(model, m, { target: parseTarget('charge:plaquette') });
});

describe('lgt report MODEL.json', () => {
  it('reports a bare model file: the errors of lgt eval, the points of lgt predict, no learning curves', () => {
    const svg = join(dir, 'svg');
    const html = join(dir, 'report.html');
    const r = lgt(['report', small, model, '--test', larger, '-o', html, '--svg', svg, '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.stdout) as {
      models: Array<{ file: string; evaluations: Array<Record<string, unknown>> }>;
    };
    expect(summary.models.map((m) => m.file)).toEqual([model]);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('no metrics log (a bare model file): no learning curves');
    expect(page).not.toContain('Learning curves');
    expect(existsSync(join(svg, 'model1-loss.svg'))).toBe(false);

    [small, larger].forEach((file, k) => {
      const e = lgt(['eval', model, file, '--json']);
      expect(e.status).toBe(0);
      const { label, lattice, ...evaluation } = summary.models[0].evaluations[k];
      expect(label).toBe(file);
      expect(lattice).toBeDefined();
      const expected = JSON.parse(e.stdout) as Record<string, unknown>;
      for (const key of ['mse', 'r2', 'n', 'siteAveraged', 'perBeta']) {
        expect(evaluation[key], key).toEqual(expected[key]);
      }

      const out = join(dir, `predictions-${k}.json`);
      expect(lgt(['predict', model, file, '-o', out, '--per-site']).status).toBe(0);
      const pairs = new Set(
        (
          JSON.parse(readFileSync(out, 'utf8')) as {
            configurations: Array<{ beta: number; prediction: number[]; target: number[] }>;
          }
        ).configurations.flatMap((c) =>
          c.prediction.map((p, s) => JSON.stringify([c.beta, p, c.target[s]])),
        ),
      );
      const name = `model1-model-prediction-${k + 1}-${file.endsWith('2x2x2x2.h5') ? 'su2-2x2x2x2-h5' : 'su2-2x2x2x4-h5'}`;
      const chart = JSON.parse(readFileSync(join(svg, `${name}.vl.json`), 'utf8')) as {
        layer: Array<{
          data: { values: Array<{ beta: number; predicted: number; truth: number }> };
        }>;
      };
      // the layers: the diagonal predicted = true, then the points
      const points = chart.layer[1].data.values;
      // few values: the chart draws every one (the decimation keeps up to 1500)
      expect(points.length).toBe(expected.n);
      for (const p of points) {
        expect(pairs.has(JSON.stringify([p.beta, p.predicted, p.truth]))).toBe(true);
      }
      expect(readFileSync(join(svg, `${name}.svg`), 'utf8')).toMatch(/^<svg/);
    });
  });

  it('refuses a missing model file, a file that is not a model and a missing --test file in one line, exit 2', () => {
    const missing = join(dir, 'none.json');
    const notJson = join(dir, 'notes.txt');
    writeFileSync(notJson, 'hello\n');
    const cases: Array<[string[], string]> = [
      [[small, missing], `${missing}: no such model file or directory`],
      [[small, notJson], `${notJson}: not a model: expected a model JSON file`],
      [[small, model, '--test', join(dir, 'none.h5')], join(dir, 'none.h5')],
    ];
    for (const [args, message] of cases) {
      const out = join(dir, 'refused.html');
      expectRefused(lgt(['report', ...args, '-o', out]), message, out);
    }
  });
});
