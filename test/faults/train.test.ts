/**
 * Faults as a user meets them, for `lgt train` (issue 19): the real CLI in child processes,
 * killed with SIGKILL after a seeded number of epochs, at an epoch logged but not yet
 * checkpointed, at a checkpoint written but not renamed and in the L-BFGS finish after the last
 * epoch, and stopped with SIGINT; the same
 * command with --resume gives the model file of an uninterrupted run byte for byte, and a
 * metrics log that holds every epoch exactly once, as the uninterrupted run's does (the
 * wall-clock `seconds` aside). A second `lgt train` into the same model is refused.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { twoDimensionalSpec } from '../helpers.js';
import { generateEnsemble } from '../../src/montecarlo/generate.js';
import { KillSchedule, runLgt, runWithKills, startLgt, waitUntil } from '../lgtProcess.js';

const EPOCHS = 12;
let dir: string;
let data: string;
let reference: { model: string; metrics: string };

/**
 * `lgt train` of a two-layer L-CNN for W(1x2) on 48 configurations of 8x8 (a fifth of a second
 * per epoch here), with per-epoch checkpoints, a metrics log, an optimiser restart, the L-BFGS
 * finish and the readout refit.
 */
function train(model: string, metrics: string): string[] {
  return [
    'train',
    '--data',
    data,
    '-o',
    model,
    '--target',
    'wilson:1x2',
    '--architecture',
    'lcb:4:1,lcb:4:2,trace,dense:1',
    '--epochs',
    String(EPOCHS),
    '--batch-size',
    '4',
    '--patience',
    '0',
    // kills land before and after the restart: a resume must go on with the fresh optimiser
    '--restart-optimizer',
    '5',
    // after the last epoch Levenberg-Marquardt, then L-BFGS refine the weights, then the
    // readout is refit: a resume of a run killed in any of them does them all again
    '--marquardt',
    '3',
    '--marquardt-configurations',
    '2',
    '--lbfgs',
    '20',
    '--refit-readout',
    '--checkpoint',
    '--metrics',
    metrics,
    '--no-progress',
  ];
}

/** Epochs in the metrics log (0 when there is none yet). */
function loggedEpochs(metrics: string): number {
  return existsSync(metrics) ? readFileSync(metrics, 'utf8').split('\n').length - 1 : 0;
}

/** The metrics log without the wall-clock times. */
function withoutTimes(metrics: string): unknown[] {
  return readFileSync(metrics, 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const metrics = JSON.parse(line) as Record<string, unknown>;
      delete metrics.seconds;
      return metrics;
    });
}

function expectSameAsReference(model: string, metrics: string): void {
  expect(readFileSync(model, 'utf8')).toBe(readFileSync(reference.model, 'utf8'));
  const log = withoutTimes(metrics);
  expect(log.map((m) => (m as { epoch: number }).epoch)).toEqual(
    Array.from({ length: EPOCHS }, (_, k) => k + 1),
  );
  expect(log).toEqual(withoutTimes(reference.metrics));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lgt-faults-train-'));
  data = join(dir, 'data.h5');
  await generateEnsemble(
    twoDimensionalSpec(8, 24, 5, {
      thermalization: 10,
      measurements: { wilsonLoops: 1, polyakovLoop: false, topologicalCharge: false },
    }),
    { output: data },
  );
  reference = { model: join(dir, 'reference.json'), metrics: join(dir, 'reference.jsonl') };
  const r = await runLgt(train(reference.model, reference.metrics));
  expect(r.code, r.stderr).toBe(0);
  // the refit ran and changed the readout, so the comparisons below cover it
  const info = (
    JSON.parse(readFileSync(reference.model, 'utf8')) as { info: Record<string, unknown> }
  ).info;
  expect(info.readoutRefit).toMatchObject({ kept: true });
  expect(info.marquardt).toMatchObject({ kept: true, iterations: 3 });
  expect(info.lbfgs).toMatchObject({ kept: true, iterations: 20 });
});

describe('lgt train, killed and resumed', () => {
  it('SIGKILLs after seeded numbers of epochs, then --resume: the same model file, every epoch logged once', async () => {
    const out = mkdtempSync(join(dir, 'random-'));
    const [model, metrics] = [join(out, 'm.json'), join(out, 'm.jsonl')];
    const schedule = new KillSchedule(1904);
    const after = [schedule.below(EPOCHS), schedule.below(EPOCHS)].sort((a, b) => a - b);
    const report = await runWithKills(train(model, metrics), {
      kills: 2,
      schedule,
      ready: (k) => loggedEpochs(metrics) >= after[k],
      maxDelayMs: 100,
    });
    const last = report.runs.at(-1)!;
    expect(last.code, last.stderr).toBe(0);
    expect(report.killed).toBeGreaterThanOrEqual(1);
    expectSameAsReference(model, metrics);
  });

  it('killed between an epoch logged and its checkpoint, and while a checkpoint is renamed, then SIGINT (exit 130): the same model, every epoch once', async () => {
    const out = mkdtempSync(join(dir, 'points-'));
    const [model, metrics] = [join(out, 'm.json'), join(out, 'm.jsonl')];
    const args = train(model, metrics);
    let r = await runLgt(args, { env: { LGT_TEST_KILL_AT: 'train:epoch-logged@3' } });
    expect(r.signal, r.stderr).toBe('SIGKILL');
    expect(loggedEpochs(metrics)).toBe(3); // the third epoch is logged, not checkpointed
    r = await runLgt([...args, '--resume'], {
      env: { LGT_TEST_KILL_AT: 'atomic-write:before-rename@2' },
    });
    expect(r.signal, r.stderr).toBe('SIGKILL');

    const child = startLgt([...args, '--resume']);
    const logged = loggedEpochs(metrics);
    expect(await waitUntil(child, () => loggedEpochs(metrics) > Math.max(logged, 4))).toBe(true);
    child.process.kill('SIGINT');
    r = await child.finished;
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(
      /stopped by SIGINT after \d+ finished epochs; the checkpoint \S+ holds epochs 1-\d+\. Resume with:\n {2}lgt train .* --resume\n$/,
    );

    r = await runLgt([...args, '--resume']);
    expect(r.code, r.stderr).toBe(0);
    expectSameAsReference(model, metrics);
  });

  it('killed in the L-BFGS finish after the last epoch, then --resume: the same model file', async () => {
    const out = mkdtempSync(join(dir, 'lbfgs-'));
    const [model, metrics] = [join(out, 'm.json'), join(out, 'm.jsonl')];
    const args = train(model, metrics);
    let r = await runLgt(args, { env: { LGT_TEST_KILL_AT: 'train:lbfgs-iteration@7' } });
    expect(r.signal, r.stderr).toBe('SIGKILL');
    expect(loggedEpochs(metrics)).toBe(EPOCHS);
    expect(existsSync(model)).toBe(false);
    r = await runLgt([...args, '--resume']);
    expect(r.code, r.stderr).toBe(0);
    expectSameAsReference(model, metrics);
  });

  it('killed in the Levenberg-Marquardt finish after the last epoch, then --resume: the same model file', async () => {
    const out = mkdtempSync(join(dir, 'marquardt-'));
    const [model, metrics] = [join(out, 'm.json'), join(out, 'm.jsonl')];
    const args = train(model, metrics);
    let r = await runLgt(args, { env: { LGT_TEST_KILL_AT: 'train:marquardt-iteration@2' } });
    expect(r.signal, r.stderr).toBe('SIGKILL');
    expect(loggedEpochs(metrics)).toBe(EPOCHS);
    expect(existsSync(model)).toBe(false);
    r = await runLgt([...args, '--resume']);
    expect(r.code, r.stderr).toBe(0);
    expectSameAsReference(model, metrics);
  });

  it('without --checkpoint, SIGINT still writes the last finished epoch for --resume', async () => {
    const out = mkdtempSync(join(dir, 'nocheckpoint-'));
    const [model, metrics] = [join(out, 'm.json'), join(out, 'm.jsonl')];
    const args = train(model, metrics).filter((a) => a !== '--checkpoint');
    const child = startLgt(args);
    expect(await waitUntil(child, () => loggedEpochs(metrics) >= 3)).toBe(true);
    child.process.kill('SIGINT');
    const r = await child.finished;
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain(`the checkpoint ${model}.checkpoint holds epochs 1-`);
    expect(existsSync(`${model}.checkpoint`)).toBe(true);
    const resumed = await runLgt([...args, '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expectSameAsReference(model, metrics);
  });

  it('refuses a second lgt train into the same model while the first runs, naming it', async () => {
    const out = mkdtempSync(join(dir, 'lock-'));
    const [model, metrics] = [join(out, 'm.json'), join(out, 'm.jsonl')];
    const first = startLgt(train(model, metrics));
    expect(await waitUntil(first, () => existsSync(`${model}.lock`))).toBe(true);
    const second = await runLgt(train(model, join(out, 'other.jsonl')));
    first.process.kill('SIGKILL');
    await first.finished;
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(
      `${model} is being written by another process: the lock file ${model}.lock names process ${first.process.pid}`,
    );
  });
});
