/**
 * Faults as a user meets them, for `lgt generate` on the CPU (issue 19): the real CLI in child
 * processes, killed with SIGKILL at seeded random moments and at the named points of its write
 * paths (a checkpoint half written, written but not renamed, a configuration appended but not
 * flushed, the final rename), stopped with SIGINT and SIGTERM, run twice at once, given a
 * damaged checkpoint or partial file, a full disk and changed parameters. Whatever happened,
 * the same command with --resume gives the ensemble of an uninterrupted run, bit for bit (or
 * is refused with a message that says why, and nothing is lost).
 *
 * The long version (hundreds of kills) is `npm run validate -- faults` (validate/faults.ts).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readCheckpoint } from '../../src/montecarlo/checkpoint.js';
import { KillSchedule, runLgt, runWithKills, startLgt, waitUntil } from '../lgtProcess.js';
import { ensembleDifference, savedInCheckpoint } from './ensembleRun.js';

/** Two chains of SU(2) on 4^4, 12 configurations each: a few seconds, mostly start-up. */
const RUN = [
  'generate',
  '--dims',
  '4,4,4,4',
  '--beta',
  '2.2,2.5',
  '--configs',
  '12',
  '--separation',
  '2',
  '--thermalization',
  '6',
  '--seed',
  '11',
  '--no-progress',
];

let dir: string;
let reference: string;

function fresh(name: string): string {
  return join(mkdtempSync(join(dir, `${name}-`)), 'run.h5');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lgt-faults-'));
  reference = join(dir, 'reference.h5');
  const r = await runLgt([...RUN, '-o', reference]);
  expect(r.code, r.stderr).toBe(0);
  // the comparison can fail: one other random number anywhere shows
  const other = join(dir, 'other.h5');
  const o = await runLgt([...RUN.map((a) => (a === '11' ? '12' : a)), '-o', other]);
  expect(o.code, o.stderr).toBe(0);
  expect(await ensembleDifference(other, reference)).toMatch(/differs|metadata/);
});

describe('lgt generate, killed and resumed', () => {
  it.each([
    ['serially', 3, [], 1901],
    ['on 2 worker threads', 2, ['--workers', '2'], 1902],
  ])(
    '%s: %i SIGKILLs at seeded random moments, then --resume: the uninterrupted ensemble, bit for bit',
    async (_, kills, extra, seed) => {
      const output = fresh('random');
      // each kill after a seeded number of saved configurations (of 24), then within 100 ms:
      // anywhere in the run, whatever the speed of the machine
      const schedule = new KillSchedule(seed);
      const after = Array.from({ length: kills }, () => schedule.below(24)).sort((a, b) => a - b);
      const report = await runWithKills([...RUN, ...extra, '-o', output], {
        kills,
        schedule,
        ready: (k) => savedInCheckpoint(output) >= after[k],
        maxDelayMs: 100,
      });
      const last = report.runs.at(-1)!;
      expect(last.code, last.stderr).toBe(0);
      expect(report.killed).toBeGreaterThanOrEqual(1);
      expect(await ensembleDifference(output, reference)).toBeUndefined();
    },
  );

  it('is killed at each named point of its write paths and resumes bit for bit', async () => {
    const output = fresh('points');
    // one output, killed six times at six windows, resumed after each
    const points = [
      'atomic-write:partial@2', // a checkpoint's temporary file half written
      'generate:appended@3', // a configuration appended to .partial, not flushed
      'generate:flushed@2', // .partial flushed, its checkpoint not written
      'atomic-write:before-rename@4', // a checkpoint written, not renamed
      'finalize:before-rename', // the complete .partial closed, not renamed
      'generate:finalized', // renamed to run.h5, the checkpoint not yet removed
    ];
    for (const [k, point] of points.entries()) {
      const args = k === 0 ? [...RUN, '-o', output] : [...RUN, '-o', output, '--resume'];
      const r = await runLgt(args, { env: { LGT_TEST_KILL_AT: point } });
      expect(r.signal, `${point}: ${r.stderr}`).toBe('SIGKILL');
    }
    // the last kill came after the final rename: the output is complete, the checkpoint stale
    expect(existsSync(output)).toBe(true);
    expect(existsSync(`${output}.checkpoint`)).toBe(true);
    const r = await runLgt([...RUN, '-o', output, '--resume']);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(`${output}.checkpoint`)).toBe(false);
    expect(await ensembleDifference(output, reference)).toBeUndefined();
  });

  it('stops cleanly on SIGINT (exit 130) and SIGTERM (exit 143) with a checkpoint, says how to resume, and resumes bit for bit', async () => {
    const output = fresh('signals');
    for (const [k, [signal, code]] of (
      [
        ['SIGINT', 130],
        ['SIGTERM', 143],
      ] as const
    ).entries()) {
      const before = savedInCheckpoint(output);
      const child = startLgt([...RUN, '-o', output, ...(k > 0 ? ['--resume'] : [])]);
      // a configuration saved by this run: well inside it
      expect(await waitUntil(child, () => savedInCheckpoint(output) > Math.max(0, before))).toBe(
        true,
      );
      child.process.kill(signal);
      const r = await child.finished;
      expect(r.code, r.stderr).toBe(code);
      expect(r.stderr).toMatch(new RegExp(`stopped by ${signal} at step \\d+ of beta`));
      expect(r.stderr).toMatch(
        /Resume with:\n {2}lgt generate .* --no-progress -o \S+run\.h5 --resume\n$/,
      );
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(`${output}.lock`)).toBe(false);
      expect((await readCheckpoint(`${output}.checkpoint`)).configsWritten).toBeGreaterThan(0);
    }
    const resumed = await runLgt([...RUN, '-o', output, '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(await ensembleDifference(output, reference)).toBeUndefined();
  });
});

describe('lgt generate refuses what it cannot do safely, and loses nothing', () => {
  it('refuses a second run on the same output, naming the first; takes over its lock once it is gone', async () => {
    const output = fresh('lock');
    const first = startLgt([...RUN, '--configs', '400', '-o', output]);
    expect(await waitUntil(first, () => existsSync(`${output}.partial`))).toBe(true);
    const second = await runLgt([...RUN, '--configs', '400', '-o', output, '--resume']);
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`${output} is being written by another process`);
    expect(second.stderr).toContain(
      `the lock file ${output}.lock names process ${first.process.pid}`,
    );
    first.process.kill('SIGKILL');
    await first.finished;
    expect(existsSync(`${output}.lock`)).toBe(true); // a SIGKILL releases nothing
    const third = await runLgt([...RUN, '--configs', '400', '-o', output, '--resume'], {
      env: { LGT_TEST_KILL_AT: 'generate:flushed@1' }, // far enough to have taken the lock
    });
    expect(third.signal, third.stderr).toBe('SIGKILL');
    expect(third.stderr).toContain(
      `took over the stale lock ${output}.lock of process ${first.process.pid}`,
    );
  });

  it('refuses a damaged, emptied or deleted checkpoint, a damaged partial file and changed parameters (naming the field and both values), touching neither; no restart from zero', async () => {
    const output = fresh('damaged');
    const killed = await runLgt([...RUN, '-o', output], {
      env: { LGT_TEST_KILL_AT: 'generate:flushed@5' },
    });
    expect(killed.signal).toBe('SIGKILL');
    const checkpoint = `${output}.checkpoint`;
    const partial = `${output}.partial`;
    const good = { checkpoint: readFileSync(checkpoint), partial: readFileSync(partial) };
    const resume = [...RUN, '-o', output, '--resume'];

    const flipped = Buffer.from(good.checkpoint);
    flipped[flipped.length - 40] ^= 0x10;
    writeFileSync(checkpoint, flipped);
    let r = await runLgt(resume);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(`\nlgt: checkpoint ${checkpoint}: damaged links: checksum mismatch`),
    );
    expect(readFileSync(partial).equals(good.partial)).toBe(true);

    writeFileSync(checkpoint, good.checkpoint);
    writeFileSync(partial, good.partial.subarray(0, 3000));
    r = await runLgt(resume);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(partial);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(checkpoint).equals(good.checkpoint)).toBe(true);

    writeFileSync(partial, good.partial);
    writeFileSync(checkpoint, ''); // a checkpoint that lost its content
    r = await runLgt(resume);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`checkpoint ${checkpoint}: truncated`);

    rmSync(checkpoint); // a checkpoint deleted by hand
    r = await runLgt(resume);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `cannot resume: ${partial} holds configurations but its checkpoint ${checkpoint} is missing`,
    );
    expect(readFileSync(partial).equals(good.partial)).toBe(true);

    writeFileSync(checkpoint, good.checkpoint);
    const changed = resume.map((a) => (a === '2.2,2.5' ? '2.2,2.6' : a));
    r = await runLgt(changed);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('metadata mismatch in betas[1]: checkpoint has 2.5, run has 2.6');

    r = await runLgt(resume);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(output)).toBe(true);
    expect(await ensembleDifference(output, reference)).toBeUndefined();
  });

  it('on a full disk (a file-size limit) names the file, keeps the last checkpoint, and resumes bit for bit', async () => {
    const output = fresh('full');
    // 4^4 SU(2) configurations are 64 KiB each: 1.5 MB fill up in the second chain
    const r = await runLgt([...RUN, '-o', output], { fileSizeLimitBytes: 1_500_000 });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(`^lgt: EnsembleWriter.append: ${output}.partial: cannot grow by .*EFBIG`),
    );
    expect(r.stderr).toContain('nothing already written is lost');
    expect(r.stderr).toContain(`resume with:\n  lgt generate`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const state = await readCheckpoint(`${output}.checkpoint`);
    expect(state.configsWritten).toBeGreaterThan(0);
    const resumed = await runLgt([...RUN, '-o', output, '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(await ensembleDifference(output, reference)).toBeUndefined();
  });
});
