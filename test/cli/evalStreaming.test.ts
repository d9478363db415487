/**
 * `lgt eval` and `lgt predict` read the data configuration by configuration: a file larger
 * than a memory cap is scored within it (the peak resident memory of the real `lgt` in a child
 * process, against the same run on a one-configuration file); the site-averaged MSE they
 * report is the one recomputed from `lgt predict --per-site`; bad combinations of model, target
 * and data are refused before any work, naming the file, the field and what was expected.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnsembleWriter } from '../../src/io/ensembleWriter.js';
import { parseArchitecture } from '../../src/lcnn/architecture.js';
import { Model } from '../../src/lcnn/model.js';
import { saveModel } from '../../src/lcnn/modelFile.js';
import { parseTarget } from '../../src/lcnn/targets.js';
import { expectRefused, runLgt } from '../cliProcess.js';
import { roughField } from '../helpers.js';

const LGT = join(import.meta.dirname, '..', '..', 'dist', 'src', 'cli', 'lgt.js');
const dir = mkdtempSync(join(tmpdir(), 'lgt-eval-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes the peak resident memory of the process (kB) to stderr when it exits. */
const RSS_PROBE = join(dir, 'rss.mjs');

/** The memory a file of this size must be scored within, over the same run on one configuration. */
const CAP_MB = 200;

/** Runs the built `lgt`; exit code, output, and the peak resident memory in MB. */
function lgt(args: string[]): {
  status: number | null;
  stdout: string;
  stderr: string;
  rssMB: number;
} {
  const r = spawnSync(process.execPath, ['--import', RSS_PROBE, LGT, ...args], {
    encoding: 'utf8',
  });
  const m = /maxRSS (\d+)/.exec(r.stderr);
  return {
    status: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    rssMB: m ? Number(m[1]) / 1024 : NaN,
  };
}

/** An ensemble file of `count` copies of a rough SU(N) field (the reader does not care). */
async function writeCopies(name: string, N: number, dims: number[], count: number) {
  const path = join(dir, name);
  const links = roughField(dims, N, 7, 0.9).links;
  const writer = await EnsembleWriter.create(path, { N, dims, note: 'test copies' });
  for (let k = 0; k < count; k++) {
    writer.append({ links, beta: [1, 2][k % 2], sweep: k, observables: {} });
  }
  await writer.finalize();
  return path;
}

let big: string;
let one: string;
let small: string;
let su3: string;
let twoDimensional: string;
let model: string;

beforeAll(async () => {
  writeFileSync(
    RSS_PROBE,
    "process.on('exit', () => process.stderr.write(`maxRSS ${process.resourceUsage().maxRSS}\\n`));\n",
  );
  // 16^4 SU(2): 16.8 MB (16 MiB) of links per configuration; 26 of them, 436 MB (416 MiB):
  // more than twice the cap (24 copies, 384 MiB, were not)
  big = await writeCopies('big.h5', 2, [16, 16, 16, 16], 26);
  one = await writeCopies('one.h5', 2, [16, 16, 16, 16], 1);
  small = await writeCopies('small.h5', 2, [4, 4, 4, 2], 4);
  su3 = await writeCopies('su3.h5', 3, [4, 4, 4, 2], 1);
  twoDimensional = await writeCopies('two-d.h5', 2, [4, 4], 1);
  model = join(dir, 'model.json');
  const m = new Model({ N: 2, D: 4, layers: parseArchitecture('trace,dense:1'), seed: 1 });
  await saveModel(model, m, { target: parseTarget('wilson:1x1') });
}, 120_000);

describe('lgt eval on a file larger than memory', () => {
  it(`scores a 436 MB file within ${CAP_MB} MiB more than a one-configuration file`, () => {
    expect(statSync(big).size).toBeGreaterThan(2 * CAP_MB * 2 ** 20);
    const base = lgt(['eval', model, one, '--json']);
    expect(base.status).toBe(0);
    const run = lgt(['eval', model, big, '--json']);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ configurations: 26, n: 26 * 65536 });
    // loading the file would add at least its 416 MiB
    expect(run.rssMB - base.rssMB).toBeLessThan(CAP_MB);
  }, 300_000);
});

describe('lgt eval and lgt predict', () => {
  it('report the site-averaged MSE that lgt predict --per-site recomputes', () => {
    const e = lgt(['eval', model, small, '--json']);
    expect(e.status).toBe(0);
    const evaluation = JSON.parse(e.stdout);
    const out = join(dir, 'predictions.json');
    const predicted = lgt(['predict', model, small, '-o', out, '--per-site', '--json']);
    expect(predicted.status).toBe(0);
    // its summary carries the errors of the rows it wrote, those of lgt eval to the last bit
    const { mse, r2, n, siteAveraged: averaged } = evaluation;
    expect(JSON.parse(predicted.stdout)).toEqual({
      output: out,
      configurations: 4,
      mse,
      r2,
      n,
      siteAveraged: averaged,
    });
    const rows = JSON.parse(readFileSync(out, 'utf8')).configurations as Array<{
      beta: number;
      prediction: number[];
      target: number[];
    }>;
    expect(rows).toHaveLength(4);
    const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
    const siteAveraged = mean(rows.map((r) => (mean(r.prediction) - mean(r.target)) ** 2));
    const perSite = mean(rows.flatMap((r) => r.prediction.map((p, k) => (p - r.target[k]) ** 2)));
    expect(Math.abs(evaluation.siteAveraged.mse - siteAveraged)).toBeLessThan(1e-12 * siteAveraged);
    expect(Math.abs(evaluation.mse - perSite)).toBeLessThan(1e-12 * perSite);
    // the two metrics differ: averaging over sites first is not the per-site MSE
    expect(siteAveraged).toBeLessThan(0.5 * perSite);
    expect(evaluation.perBeta.map((b: { beta: number }) => b.beta)).toEqual([1, 2]);
  });

  it('refuse before any work, naming the file, the field and what was expected', () => {
    const su3Run = lgt(['eval', model, su3]);
    expect(su3Run.status).toBe(2);
    expect(su3Run.stderr).toContain(
      `lgt eval: ${su3}: invalid attribute N: expected 2 (SU(2), the group of the model ${model}), got 3`,
    );
    const mean = lgt(['eval', model, small, '--target', 'wilson:1x1:mean']);
    expect(mean.status).toBe(2);
    expect(mean.stderr).toContain(
      `lgt eval: ${model}: invalid target: expected a per-site target (the site-averaged errors are reported with the per-site ones), since the model predicts per site; got wilson:1x1:mean`,
    );
    const out = join(dir, 'x.json');
    const train = lgt(['train', '--data', small, su3, '-o', out, '--no-progress']);
    expect(train.status).toBe(2);
    expect(train.stderr).toContain(
      `lgt train: ${su3}: invalid attribute N: expected 2 (SU(2), like ${small}: one group per dataset), got 3`,
    );
    const twoD = lgt(['train', '--data', twoDimensional, '-o', out, '--target', 'charge']);
    expect(twoD.status).toBe(2);
    expect(twoD.stderr).toContain(
      `lgt train: ${twoDimensional}: invalid attribute dims: expected 4 dimensions for the target charge, got 2 (dims [4, 4])`,
    );
    expectRefused(
      runLgt(['train', '--data', small, '-o', out, '--model', 'cnn', '--no-progress']),
      `lgt train: ${small}: invalid attribute dims: expected 2 dimensions (the baseline CNN convolves 2D images; an L-CNN takes any D), got [4, 4, 4, 2]`,
      out,
    );
  });
});
