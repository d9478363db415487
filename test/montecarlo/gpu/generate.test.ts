/**
 * Ensembles on the GPU (generateEnsemble with a WebGpuSweeper): configurations are written
 * in float64 like the CPU's, re-unitarised, with the measurements of their stored links; a run
 * killed and resumed equals the uninterrupted run bit for bit (the GPU continues from what
 * was saved); HMC, which runs on the CPU links, is refused.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testRunSpec } from '../../helpers.js';
import { openEnsemble } from '../../../src/io/ensembleReader.js';
import { averagePlaquette } from '../../../src/lattice/observables/plaquette.js';
import { generateEnsemble, type RunSpec } from '../../../src/montecarlo/generate.js';
import { requestGpu, type GpuContext } from '../../../src/montecarlo/gpu/adapter.js';
import { WebGpuSweeper } from '../../../src/montecarlo/gpu/webgpuSweeper.js';

let context: GpuContext;
beforeAll(async () => {
  context = await requestGpu();
});
afterAll(() => context?.device.destroy());

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'lgt-gpu-generate-'));
}

const spec: RunSpec = testRunSpec({
  N: 3,
  betas: [5.7, 6.0],
  measurements: { wilsonLoops: 2, polyakovLoop: true, topologicalCharge: false },
});

async function contents(path: string) {
  const e = await openEnsemble(path);
  try {
    const links = [];
    for (let i = 0; i < e.count; i++) links.push(e.configuration(i));
    return { count: e.count, sweep: Array.from(e.sweep), observables: e.observables, links };
  } finally {
    e.close();
  }
}

describe('generateEnsemble on the GPU', () => {
  it('writes float64 configurations, unitary to rounding, with the measurements of their links', async () => {
    const output = join(tempDir(), 'gpu.h5');
    const progress: number[] = [];
    const summary = await generateEnsemble(spec, {
      output,
      sweeper: new WebGpuSweeper(context),
      onProgress: (p) => progress.push(p.done),
    });
    expect(summary).toMatchObject({ configurations: 6, finished: true });
    const c = await contents(output);
    expect(c.sweep).toEqual([5, 7, 9, 5, 7, 9]);
    expect(progress.at(-1)).toBe(18);
    for (let i = 0; i < c.count; i++) {
      expect(c.links[i].unitarityViolation()).toBeLessThan(1e-14);
      expect(c.observables.plaquette[i]).toBe(averagePlaquette(c.links[i]));
    }
    // the chain moved away from its hot start towards the beta = 6 plaquette
    expect(c.observables.plaquette[5]).toBeGreaterThan(0.3);
    expect(existsSync(`${output}.checkpoint`)).toBe(false);
  });

  it('gives a run killed twice and resumed equal to the uninterrupted run, bit for bit', async () => {
    const dir = tempDir();
    await generateEnsemble(spec, {
      output: join(dir, 'whole.h5'),
      sweeper: new WebGpuSweeper(context),
    });
    const output = join(dir, 'resumed.h5');
    const options = { output, checkpointEvery: 2 };
    let r = await generateEnsemble(spec, {
      ...options,
      stopAfterSteps: 7,
      sweeper: new WebGpuSweeper(context),
    });
    expect(r.finished).toBe(false);
    r = await generateEnsemble(spec, {
      ...options,
      resume: true,
      stopAfterSteps: 6,
      sweeper: new WebGpuSweeper(context),
    });
    expect(r.finished).toBe(false);
    r = await generateEnsemble(spec, {
      ...options,
      resume: true,
      sweeper: new WebGpuSweeper(context),
    });
    expect(r.finished).toBe(true);
    const whole = await contents(join(dir, 'whole.h5'));
    const resumed = await contents(output);
    expect(resumed.count).toBe(whole.count);
    for (let i = 0; i < whole.count; i++) {
      expect(resumed.links[i].equals(whole.links[i], 0)).toBe(true);
    }
    expect(resumed.observables).toEqual(whole.observables);
  });

  it('refuses HMC, whose trajectories run on the CPU links, before writing anything', async () => {
    const output = join(tempDir(), 'hmc.h5');
    await expect(
      generateEnsemble(
        { ...spec, algorithm: { kind: 'hmc', tau: 1, steps: 4, integrator: 'omelyan' } },
        { output, sweeper: new WebGpuSweeper(context) },
      ),
    ).rejects.toThrow(/invalid options.sweeper: expected none for HMC/);
    expect(existsSync(`${output}.partial`)).toBe(false);
  });
});
