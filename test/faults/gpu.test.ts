/**
 * Faults as a user meets them, for `lgt generate --backend webgpu` (issue 19): the real CLI in
 * child processes on the GPU (Dawn: Vulkan on a GPU, Mesa's llvmpipe through OpenGL without
 * one; a machine without any adapter fails this test, as every GPU test, rather than skipping
 * it), killed with SIGKILL at seeded random moments and at a checkpoint written but not
 * renamed, and stopped with SIGINT; --resume gives the uninterrupted ensemble bit for bit on
 * the same device (the GPU continues from links it sent down exactly: a checkpoint between
 * saves takes the float32 links as they are).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { KillSchedule, runLgt, runWithKills, startLgt, waitUntil } from '../lgtProcess.js';
import { ensembleDifference, savedInCheckpoint } from './ensembleRun.js';

/** SU(3) on 4^4, heatbath + 4 overrelaxation sweeps on the GPU, two chains. */
const RUN = [
  'generate',
  '--backend',
  'webgpu',
  '--group',
  '3',
  '--dims',
  '4,4,4,4',
  '--beta',
  '5.7,6.0',
  '--configs',
  '8',
  '--separation',
  '2',
  '--thermalization',
  '5',
  '--seed',
  '23',
  '--no-charge',
  '--no-progress',
];

let dir: string;
let reference: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lgt-faults-gpu-'));
  reference = join(dir, 'reference.h5');
  const r = await runLgt([...RUN, '-o', reference]);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr).toMatch(/^webgpu: (vulkan|opengl), /m);
});

describe('lgt generate --backend webgpu, killed and resumed', () => {
  it('two SIGKILLs at seeded random moments, then --resume: bit for bit', async () => {
    const output = join(mkdtempSync(join(dir, 'kills-')), 'run.h5');
    // each kill after a seeded number of saved configurations (of 16), then within 100 ms
    const schedule = new KillSchedule(1903);
    const after = [schedule.below(16), schedule.below(16)].sort((a, b) => a - b);
    const report = await runWithKills([...RUN, '-o', output], {
      kills: 2,
      schedule,
      ready: (k) => savedInCheckpoint(output) >= after[k],
      maxDelayMs: 100,
    });
    const last = report.runs.at(-1)!;
    expect(last.code, last.stderr).toBe(0);
    expect(report.killed).toBeGreaterThanOrEqual(1);
    expect(await ensembleDifference(output, reference)).toBeUndefined();
  });

  it('a SIGKILL with a checkpoint written but not renamed, then SIGINT (exit 130) between saves: bit for bit', async () => {
    const output = join(mkdtempSync(join(dir, 'points-')), 'run.h5');
    const killed = await runLgt([...RUN, '-o', output], {
      env: { LGT_TEST_KILL_AT: 'atomic-write:before-rename@4' },
    });
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    const before = savedInCheckpoint(output);
    const child = startLgt([...RUN, '-o', output, '--resume']);
    expect(await waitUntil(child, () => savedInCheckpoint(output) > before)).toBe(true);
    child.process.kill('SIGINT');
    const stopped = await child.finished;
    expect(stopped.code, stopped.stderr).toBe(130);
    expect(stopped.stderr).toContain('Resume with:');
    const r = await runLgt([...RUN, '-o', output, '--resume']);
    expect(r.code, r.stderr).toBe(0);
    expect(await ensembleDifference(output, reference)).toBeUndefined();
  });
});
