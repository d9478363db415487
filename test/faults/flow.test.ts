/**
 * Faults as a user meets them, for `lgt flow` (issue 19): the real CLI in child processes,
 * killed with SIGKILL at seeded random moments and at the named points of its write paths (a
 * checkpoint half written, written but not renamed, a configuration flushed but its checkpoint
 * not written, the final rename done but the checkpoint not removed), stopped with SIGINT and
 * SIGTERM, run twice at once, given a damaged checkpoint or partial file and changed
 * parameters. Whatever happened, the same command with --resume gives the flow file of an
 * uninterrupted run, bit for bit (or is refused with a message naming the file, and nothing is
 * lost).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KillSchedule, runLgt, runWithKills, startLgt, waitUntil } from '../lgtProcess.js';
import { flowDifference, flowedInCheckpoint } from './flowRun.js';

/** Configurations in the ensemble, all of them flowed. */
const COUNT = 10;

let dir: string;
let ensemble: string;
let reference: string;

/** `lgt flow` of the ensemble into `output`: 50 steps of 0.02 per configuration. */
function flowArgs(output: string, ...extra: string[]): string[] {
  return [
    'flow',
    ensemble,
    '-o',
    output,
    '--t-max',
    '1',
    '--epsilon',
    '0.02',
    '--measure-every',
    '0.25',
    '--no-progress',
    ...extra,
  ];
}

function fresh(name: string): string {
  return join(mkdtempSync(join(dir, `${name}-`)), 'run.flow.h5');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lgt-flow-faults-'));
  ensemble = join(dir, 'su2.h5');
  const g = await runLgt([
    'generate',
    '--dims',
    '4,4,4,4',
    '--beta',
    '2.3',
    '--configs',
    String(COUNT),
    '--separation',
    '1',
    '--thermalization',
    '5',
    '--seed',
    '7',
    '--no-progress',
    '-o',
    ensemble,
  ]);
  expect(g.code, g.stderr).toBe(0);
  reference = join(dir, 'reference.flow.h5');
  const r = await runLgt(flowArgs(reference));
  expect(r.code, r.stderr).toBe(0);
  // the comparison can fail: the last configuration flowed with other steps shows
  const other = join(dir, 'other.flow.h5');
  const o = await runLgt(flowArgs(other).map((a) => (a === '0.02' ? '0.025' : a)));
  expect(o.code, o.stderr).toBe(0);
  expect(await flowDifference(other, reference)).toMatch(/metadata|differs/);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('lgt flow, killed and resumed', () => {
  it('3 SIGKILLs at seeded random moments, then --resume: the uninterrupted flow file, bit for bit', async () => {
    const output = fresh('random');
    // each kill after a seeded number of flowed configurations, then within 100 ms (about one
    // configuration): anywhere in the run, whatever the speed of the machine
    const schedule = new KillSchedule(1915);
    const after = Array.from({ length: 3 }, () => schedule.below(COUNT)).sort((a, b) => a - b);
    const report = await runWithKills(flowArgs(output), {
      kills: 3,
      schedule,
      ready: (k) => flowedInCheckpoint(output) >= after[k],
      maxDelayMs: 100,
    });
    const last = report.runs.at(-1)!;
    expect(last.code, last.stderr).toBe(0);
    expect(report.killed).toBeGreaterThanOrEqual(1);
    expect(existsSync(`${output}.checkpoint`)).toBe(false);
    expect(existsSync(`${output}.lock`)).toBe(false);
    expect(await flowDifference(output, reference)).toBeUndefined();
  });

  it('is killed at each named point of its write paths and resumes bit for bit', async () => {
    const output = fresh('points');
    // one output, killed at six windows, resumed after each; the counts make every run
    // go further than the one before (the first checkpoint, of 0 configurations, is pass 1)
    const points = [
      'atomic-write:partial@1', // the first checkpoint half written: a .partial without rows
      'atomic-write:partial@3', // a checkpoint's temporary file half written
      'flow:flushed@2', // a configuration flushed to .partial, its checkpoint not written
      'atomic-write:before-rename@3', // a checkpoint written, not renamed
      'atomic-write:after-rename@2', // a checkpoint renamed, the directory not synced
      'flow:finalized', // renamed to its final name, the checkpoint not yet removed
    ];
    for (const [k, point] of points.entries()) {
      const args = k === 0 ? flowArgs(output) : flowArgs(output, '--resume');
      const r = await runLgt(args, { env: { LGT_TEST_KILL_AT: point } });
      expect(r.signal, `${point}: ${r.stderr}`).toBe('SIGKILL');
    }
    // the last kill came after the final rename: the output is complete, the checkpoint stale
    expect(existsSync(output)).toBe(true);
    expect(existsSync(`${output}.checkpoint`)).toBe(true);
    const r = await runLgt(flowArgs(output, '--resume'));
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(`${output}.checkpoint`)).toBe(false);
    expect(await flowDifference(output, reference)).toBeUndefined();
    // killed after removing its checkpoint, before it could report: --resume finds the run
    // complete (this run's file) and reports it; another run's parameters are refused
    const again = await runLgt(flowArgs(output, '--resume'));
    expect(again.code, again.stderr).toBe(0);
    expect(await flowDifference(output, reference)).toBeUndefined();
    const other = await runLgt(
      flowArgs(output, '--resume').map((a) => (a === '0.02' ? '0.025' : a)),
    );
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(
      /cannot resume: \S+run\.flow\.h5: metadata mismatch in integrator/,
    );
    expect(await flowDifference(output, reference)).toBeUndefined();
  });

  it('stops cleanly on SIGINT (exit 130) and SIGTERM (exit 143) after the current configuration, says how to resume, and resumes bit for bit', async () => {
    const output = fresh('signals');
    for (const [k, [signal, code]] of (
      [
        ['SIGINT', 130],
        ['SIGTERM', 143],
      ] as const
    ).entries()) {
      const before = flowedInCheckpoint(output);
      const child = startLgt(flowArgs(output, ...(k > 0 ? ['--resume'] : [])));
      // a configuration flowed by this run: well inside it
      expect(await waitUntil(child, () => flowedInCheckpoint(output) > Math.max(0, before))).toBe(
        true,
      );
      child.process.kill(signal);
      const r = await child.finished;
      expect(r.code, r.stderr).toBe(code);
      const done = flowedInCheckpoint(output);
      expect(done).toBeLessThan(COUNT);
      expect(r.stderr).toContain(
        `stopped by ${signal} after ${done} of ${COUNT} configurations; the checkpoint ${output}.checkpoint`,
      );
      expect(r.stderr).toMatch(
        /Resume with:\n {2}lgt flow \S+su2\.h5 -o \S+run\.flow\.h5 .* --no-progress --resume\n$/,
      );
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(`${output}.lock`)).toBe(false);
      expect(existsSync(`${output}.partial`)).toBe(true);
    }
    const resumed = await runLgt(flowArgs(output, '--resume'));
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(await flowDifference(output, reference)).toBeUndefined();
  });
});

describe('lgt flow refuses what it cannot do safely, and loses nothing', () => {
  it('refuses a second run on the same output, naming the first; takes over its lock once it is gone', async () => {
    const output = fresh('lock');
    const first = startLgt(flowArgs(output));
    expect(await waitUntil(first, () => flowedInCheckpoint(output) >= 1)).toBe(true);
    // held still while the second tries, whatever the speed of the machine
    first.process.kill('SIGSTOP');
    const second = await runLgt(flowArgs(output, '--resume'));
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`${output} is being written by another process`);
    expect(second.stderr).toContain(
      `the lock file ${output}.lock names process ${first.process.pid}`,
    );
    expect(second.stderr).toContain(': lgt flow ');
    first.process.kill('SIGKILL');
    await first.finished;
    expect(existsSync(`${output}.lock`)).toBe(true); // a SIGKILL releases nothing
    const third = await runLgt(flowArgs(output, '--resume'));
    expect(third.code, third.stderr).toBe(0);
    expect(third.stderr).toContain(
      `took over the stale lock ${output}.lock of process ${first.process.pid}`,
    );
    expect(await flowDifference(output, reference)).toBeUndefined();
  });

  it('refuses a damaged or emptied checkpoint, a truncated partial file, a deleted checkpoint and changed parameters, naming the file, touching neither; no restart from zero', async () => {
    const output = fresh('damaged');
    const killed = await runLgt(flowArgs(output), {
      env: { LGT_TEST_KILL_AT: 'flow:flushed@4' },
    });
    expect(killed.signal).toBe('SIGKILL');
    const checkpoint = `${output}.checkpoint`;
    const partial = `${output}.partial`;
    const good = { checkpoint: readFileSync(checkpoint), partial: readFileSync(partial) };
    expect(flowedInCheckpoint(output)).toBe(3);
    const resume = flowArgs(output, '--resume');
    const untouched = (): void => {
      expect(existsSync(output)).toBe(false);
      expect(readFileSync(partial).equals(good.partial)).toBe(true);
    };

    const damaged = Buffer.from(good.checkpoint);
    damaged[3] ^= 0x10; // in the format line
    writeFileSync(checkpoint, damaged);
    let r = await runLgt(resume);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`checkpoint ${checkpoint}: not a flow checkpoint`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    untouched();

    writeFileSync(checkpoint, ''); // a checkpoint that lost its content
    r = await runLgt(resume);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`checkpoint ${checkpoint}: not a flow checkpoint`);
    untouched();

    writeFileSync(checkpoint, good.checkpoint);
    writeFileSync(partial, good.partial.subarray(0, 3000));
    r = await runLgt(resume);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(partial);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(checkpoint).equals(good.checkpoint)).toBe(true);
    expect(existsSync(output)).toBe(false);

    writeFileSync(partial, good.partial);
    rmSync(checkpoint); // a checkpoint deleted by hand
    r = await runLgt(resume);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `cannot resume: ${partial} exists but its checkpoint ${checkpoint} is missing`,
    );
    untouched();

    writeFileSync(checkpoint, good.checkpoint);
    r = await runLgt(resume.map((a) => (a === '0.02' ? '0.025' : a)));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `checkpoint ${checkpoint}: mismatch in metadata.integrator.epsilon: checkpoint has 0.02, run has 0.025`,
    );
    untouched();

    r = await runLgt(resume);
    expect(r.code, r.stderr).toBe(0);
    expect(await flowDifference(output, reference)).toBeUndefined();
  });
});
