/**
 * `lgt train --curriculum` through the built CLI in a child process: on nearly Haar-random
 * 2D SU(2) fields, W(2x2) per site with two L-CB layers is learned after a W(1x2) stage
 * (the first layer alone), and not at the same settings without it; the stages are reported
 * on stdout, in --json and in the model file; bad curricula are refused in one line, exit 2,
 * before any work.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectRefused, runLgt as lgt } from '../cliProcess.js';
import { Xoshiro128 } from '../../src/core/rng.js';
import { EnsembleWriter } from '../../src/io/ensembleWriter.js';
import { GaugeField } from '../../src/lattice/gaugeField.js';
import { Lattice } from '../../src/lattice/lattice.js';
import { randomNearIdentity } from '../../src/sun/random.js';

const dir = mkdtempSync(join(tmpdir(), 'lgt-train-curriculum-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let data: string;

beforeAll(async () => {
  // links exp(i 3 r.T): nearly Haar random, so W(2x2) is nearly uncorrelated with W(1x2)
  data = join(dir, 'rough-6x6.h5');
  const dims = [6, 6];
  const writer = await EnsembleWriter.create(data, { N: 2, dims, note: 'rough fields' });
  const rng = new Xoshiro128(7);
  for (let k = 0; k < 100; k++) {
    const f = new GaugeField(new Lattice(dims), 2);
    for (let j = 0; j < f.lattice.volume * 2; j++) {
      randomNearIdentity(f.links, j * 8, f.group, rng, 3);
    }
    writer.append({ links: f.links, beta: [1, 2][k % 2], sweep: k, observables: {} });
  }
  await writer.finalize();
});

/** W(2x2) with two L-CB layers at a step size where only a curriculum gets a signal. */
const common = [
  'train',
  '--target',
  'wilson:2x2',
  '--architecture',
  'lcb:4:1,lcb:4:1,trace,dense:1',
  '--lr',
  '0.003',
  '--lr-decay',
  '0.9',
  '--batch-size',
  '4',
  '--patience',
  '0',
  '--validation',
  '0.2',
  '--test',
  '0.2',
  '--no-progress',
];

describe('lgt train --curriculum', () => {
  it('learns W(2x2) after a W(1x2) stage, and reports the stage', () => {
    const model = join(dir, 'w22.json');
    const r = lgt([
      ...common,
      '--data',
      data,
      '-o',
      model,
      '--curriculum',
      'wilson:1x2@01',
      '--curriculum-epochs',
      '15',
      '--epochs',
      '20',
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.stdout) as {
      test: { r2: number };
      curriculum: Array<{ target: string; layers: number; validationR2: number }>;
    };
    expect(summary.curriculum).toHaveLength(1);
    expect(summary.curriculum[0]).toMatchObject({ target: 'wilson:1x2@01', layers: 1 });
    expect(summary.curriculum[0].validationR2).toBeGreaterThan(0.9999);
    expect(summary.test.r2).toBeGreaterThan(0.99);
    const file = JSON.parse(readFileSync(model, 'utf8')) as {
      info: { curriculumStages: unknown; training: { curriculum: { epochs: number } } };
    };
    expect(file.info.curriculumStages).toEqual(summary.curriculum);
    expect(file.info.training.curriculum.epochs).toBe(15);

    // the same settings without the stage (as many epochs in all): no signal
    const plain = lgt([...common, '--data', data, '-o', join(dir, 'plain.json'), '--epochs', '35']);
    expect(plain.status).toBe(0);
    expect(plain.stdout).not.toContain('curriculum stage');
    const r2 = Number(/R\^2 (-?[\d.]+)/.exec(plain.stdout)?.[1]);
    expect(r2).toBeLessThan(0.5);
  });

  it('refuses curricula it cannot run, before any work', () => {
    const cases: Array<[string[], string]> = [
      [
        ['--curriculum', 'wilson:1x2@01,wilson:2x2'],
        'invalid --curriculum "wilson:1x2@01,wilson:2x2": expected fewer stages than the model\'s 2 product layers',
      ],
      [['--curriculum', 'wilson:1x2@01,wilsn:2x2'], 'stage "wilsn:2x2": expected wilson:RxT'],
      [['--curriculum', 'wilson:1x2:mean'], 'expected targets per site like --target wilson:2x2'],
      [
        ['--curriculum', 'wilson:1x2@01', '--model', 'cnn'],
        'invalid --curriculum with --model cnn',
      ],
    ];
    for (const [extra, message] of cases) {
      const out = join(dir, 'refused.json');
      expectRefused(
        lgt([...common, '--data', data, '-o', out, '--epochs', '1', ...extra]),
        message,
        out,
      );
    }
  });
});
