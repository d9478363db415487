/**
 * Ensembles (DESIGN.md 3-5): a run is a pure function of its specification. Same seed ->
 * identical files; 1 or 2 workers -> identical links; killed and resumed -> identical ensemble.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { testRunSpec } from '../helpers.js';
import { openEnsemble } from '../../src/io/ensembleReader.js';
import { averagePlaquette } from '../../src/lattice/observables/plaquette.js';
import { generateEnsemble, type RunSpec } from '../../src/montecarlo/generate.js';
import { readCheckpoint } from '../../src/montecarlo/checkpoint.js';
import { acquireLock } from '../../src/core/fileLock.js';
import { SerialSweeper, type Sweeper } from '../../src/montecarlo/sweeper.js';
import { MonteCarloWasm } from '../../src/montecarlo/wasm/monteCarloWasm.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'lgt-generate-'));
}

const spec: RunSpec = testRunSpec();

async function contents(path: string) {
  const e = await openEnsemble(path);
  try {
    const links = [];
    for (let i = 0; i < e.count; i++) links.push(e.configuration(i).links);
    return {
      count: e.count,
      beta: Array.from(e.beta),
      sweep: Array.from(e.sweep),
      observables: e.observables,
      links,
      metadata: e.metadata,
      diagnostics: e.diagnostics,
    };
  } finally {
    e.close();
  }
}

describe('generateEnsemble', () => {
  it('writes every configuration with its beta, sweep and measurements, and the spec as metadata', async () => {
    const output = join(tempDir(), 'run.h5');
    const progress: number[] = [];
    const summary = await generateEnsemble(spec, {
      output,
      onProgress: (p) => progress.push(p.done),
    });
    expect(summary).toMatchObject({ configurations: 6, finished: true });
    const c = await contents(output);
    expect(c.count).toBe(6);
    expect(c.beta).toEqual([2.2, 2.2, 2.2, 2.5, 2.5, 2.5]);
    expect(c.sweep).toEqual([5, 7, 9, 5, 7, 9]);
    expect(Object.keys(c.observables).sort()).toEqual([
      'plaquette',
      'polyakov_loop_im',
      'polyakov_loop_re',
      'topological_charge',
      'wilson_loop_1x2',
      'wilson_loop_2x2',
    ]);
    // the recorded plaquette is that of the stored links
    const e = await openEnsemble(output);
    expect(c.observables.plaquette[4]).toBe(averagePlaquette(e.configuration(4)));
    e.close();
    expect(c.metadata).toMatchObject({ N: 2, dims: [4, 4, 4, 4], seed: 77, betas: [2.2, 2.5] });
    expect(progress.at(-1)).toBe(18);
    expect(existsSync(`${output}.checkpoint`)).toBe(false);
    expect(existsSync(`${output}.partial`)).toBe(false);
  });

  it('gives bit-for-bit identical files for the same seed, and different ones for another', async () => {
    const dir = tempDir();
    await generateEnsemble(spec, { output: join(dir, 'a.h5') });
    await generateEnsemble(spec, { output: join(dir, 'b.h5') });
    await generateEnsemble({ ...spec, seed: 78 }, { output: join(dir, 'c.h5') });
    const a = await contents(join(dir, 'a.h5'));
    const b = await contents(join(dir, 'b.h5'));
    const c = await contents(join(dir, 'c.h5'));
    expect(b.links).toEqual(a.links);
    expect(b.observables).toEqual(a.observables);
    expect(c.observables.plaquette).not.toEqual(a.observables.plaquette);
  });

  it('gives identical files on 1 and 2 worker threads, with the WebAssembly or the TypeScript kernels', async () => {
    const dir = tempDir();
    const s = { ...spec, N: 3, betas: [5.8], configurations: 2 };
    const runs = [
      ['ts', 1],
      ['wasm', 1],
      ['wasm', 2],
      ['ts', 2],
    ] as const;
    const runPass = vi.spyOn(MonteCarloWasm.prototype, 'runPass');
    const passesInThisThread: number[] = [];
    try {
      for (const [kernels, workers] of runs) {
        await generateEnsemble(s, {
          output: join(dir, `${kernels}${workers}.h5`),
          workers,
          kernels,
        });
        passesInThisThread.push(runPass.mock.calls.length);
        runPass.mockClear();
      }
    } finally {
      runPass.mockRestore();
    }
    // the serial WebAssembly run ran its passes here: 7 steps x 3 sweeps x 8 passes
    expect(passesInThisThread).toEqual([0, 168, 0, 0]);
    const reference = await contents(join(dir, 'ts1.h5'));
    for (const [kernels, workers] of runs.slice(1)) {
      const c = await contents(join(dir, `${kernels}${workers}.h5`));
      expect(c.links).toEqual(reference.links);
      expect(c.observables).toEqual(reference.observables);
    }
  });

  it.each([
    ['heatbath', spec.algorithm, 3],
    ['metropolis', { kind: 'metropolis', hits: 3, step: 0.4 }, 3],
    ['hmc', { kind: 'hmc', tau: 0.5, steps: 4, integrator: 'omelyan' }, 3],
    // tuned in blocks of 10 over thermalisation: stops inside a block and in the warm-up
    ['metropolis, step auto', { kind: 'metropolis', hits: 3, step: 'auto' }, 24],
    [
      'hmc, steps auto, warm-up 2',
      { kind: 'hmc', tau: 0.5, steps: 'auto', integrator: 'omelyan', warmup: 2 },
      24,
    ],
  ] as Array<[string, RunSpec['algorithm'], number]>)(
    '%s: a run killed at any point and resumed equals the uninterrupted run, bit for bit',
    async (_, algorithm, thermalization) => {
      const dir = tempDir();
      const s = { ...spec, algorithm, thermalization };
      await generateEnsemble(s, { output: join(dir, 'whole.h5') });
      const output = join(dir, 'resumed.h5');
      // stop after 7 steps (mid-chain, between checkpoints), then after 6 more (into beta 2)
      let r = await generateEnsemble(s, { output, stopAfterSteps: 7, checkpointEvery: 2 });
      expect(r.finished).toBe(false);
      expect(existsSync(output)).toBe(false); // nothing under the final name yet
      r = await generateEnsemble(s, {
        output,
        resume: true,
        stopAfterSteps: 6,
        checkpointEvery: 2,
      });
      expect(r.finished).toBe(false);
      r = await generateEnsemble(s, { output, resume: true, checkpointEvery: 2 });
      expect(r.finished).toBe(true);
      const whole = await contents(join(dir, 'whole.h5'));
      const resumed = await contents(output);
      expect(resumed.count).toBe(whole.count);
      expect(resumed.links).toEqual(whole.links);
      expect(resumed.diagnostics).toEqual(whole.diagnostics);
      expect(resumed.observables).toEqual(whole.observables);
      expect(resumed.sweep).toEqual(whole.sweep);
    },
  );

  it('stops cleanly through its abort signal with a checkpoint of that very step, and resumes bit for bit', async () => {
    const dir = tempDir();
    const s = {
      ...spec,
      algorithm: { kind: 'hmc', tau: 0.5, steps: 'auto', integrator: 'omelyan', warmup: 2 },
      thermalization: 24,
    } as RunSpec;
    await generateEnsemble(s, { output: join(dir, 'whole.h5') });
    const output = join(dir, 'run.h5');
    const controller = new AbortController();
    const r = await generateEnsemble(s, {
      output,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done === 13) controller.abort(); // in the first tuning block of chain 1
      },
    });
    expect(r).toMatchObject({
      finished: false,
      interrupted: true,
      position: { betaIndex: 0, step: 13 },
    });
    expect(existsSync(`${output}.lock`)).toBe(false);
    const checkpoint = await readCheckpoint(`${output}.checkpoint`);
    expect(checkpoint).toMatchObject({ sweep: 13, betaIndex: 0, configsWritten: 0 });
    const done = await generateEnsemble(s, { output, resume: true });
    expect(done).toMatchObject({ finished: true, resumedFrom: 0 });
    const [whole, resumed] = [await contents(join(dir, 'whole.h5')), await contents(output)];
    expect(resumed.links).toEqual(whole.links);
    expect(resumed.diagnostics).toEqual(whole.diagnostics);
    // what the tuning chose: at least one integration step, fixed after thermalisation
    const chains = whole.diagnostics!.chains as Array<{
      parameters: { steps: number };
      warmup: number;
    }>;
    expect(chains.map((c) => c.warmup)).toEqual([2, 2]);
    expect(chains.every((c) => c.parameters.steps >= 1)).toBe(true);
  });

  it('is refused while another process writes the same output, naming it', async () => {
    const output = join(tempDir(), 'run.h5');
    const lock = acquireLock(`${output}.lock`, output, 'the other run');
    try {
      await expect(generateEnsemble(spec, { output })).rejects.toThrow(
        `${output} is being written by another process: the lock file ${output}.lock names process ${process.pid}`,
      );
      expect(existsSync(`${output}.partial`)).toBe(false);
    } finally {
      lock.release();
    }
  });

  it('reports a finished run as complete on --resume, and refuses a finished run of other parameters', async () => {
    const output = join(tempDir(), 'run.h5');
    await generateEnsemble(spec, { output });
    const notices: string[] = [];
    const r = await generateEnsemble(spec, {
      output,
      resume: true,
      onNotice: (m) => notices.push(m),
    });
    expect(r).toMatchObject({ finished: true, configurations: 6, resumedFrom: 6 });
    expect(notices).toEqual([`nothing to resume: ${output} is complete`]);
    await expect(generateEnsemble({ ...spec, seed: 78 }, { output, resume: true })).rejects.toThrow(
      `cannot resume: ${output}: metadata mismatch in seed: file has 77, run has 78`,
    );
  });

  it('refuses to start over an interrupted run without resume or force, saying how to go on', async () => {
    const output = join(tempDir(), 'run.h5');
    await generateEnsemble(spec, { output, stopAfterSteps: 6 });
    const partial = readFileSync(`${output}.partial`);
    await expect(generateEnsemble(spec, { output })).rejects.toThrow(
      `${output}.partial exists: an interrupted run of ${output}; continue it with { resume: true } (lgt: --resume), or start over with { force: true } (lgt: --force)`,
    );
    expect(readFileSync(`${output}.partial`).equals(partial)).toBe(true);
  });

  it('refuses to resume with a different specification, naming the field', async () => {
    const output = join(tempDir(), 'run.h5');
    await generateEnsemble(spec, { output, stopAfterSteps: 6 });
    await expect(
      generateEnsemble({ ...spec, betas: [2.2, 2.6] }, { output, resume: true }),
    ).rejects.toThrow(/metadata mismatch in betas\[1\]: checkpoint has 2.5, run has 2.6/);
  });

  it('refuses a corrupt checkpoint and leaves the partial file alone', async () => {
    const output = join(tempDir(), 'run.h5');
    await generateEnsemble(spec, { output, stopAfterSteps: 6 });
    const checkpoint = `${output}.checkpoint`;
    const bytes = readFileSync(checkpoint);
    bytes[bytes.length - 100] ^= 0xff;
    writeFileSync(checkpoint, bytes);
    const partial = readFileSync(`${output}.partial`);
    await expect(generateEnsemble(spec, { output, resume: true })).rejects.toThrow(
      /checkpoint .*run\.h5\.checkpoint/,
    );
    expect(readFileSync(`${output}.partial`).equals(partial)).toBe(true);
  });

  it('never overwrites an existing output without force', async () => {
    const output = join(tempDir(), 'run.h5');
    writeFileSync(output, 'precious');
    await expect(generateEnsemble(spec, { output })).rejects.toThrow(/run\.h5/);
    expect(readFileSync(output, 'utf8')).toBe('precious');
    await generateEnsemble(spec, { output, force: true });
    expect((await contents(output)).count).toBe(6);
  });

  it('closes a supplied sweeper when the run fails before it starts, and after a run', async () => {
    const output = join(tempDir(), 'run.h5');
    writeFileSync(output, 'precious');
    let closed = 0;
    const inner = new SerialSweeper();
    const sweeper: Sweeper = {
      sweep: (field, s) => inner.sweep(field, s),
      close: async () => {
        closed++;
      },
    };
    await expect(generateEnsemble(spec, { output, sweeper })).rejects.toThrow(/run\.h5/);
    expect(closed).toBe(1);
    await expect(
      generateEnsemble({ ...spec, betas: [-1] }, { output: `${output}.2`, sweeper }),
    ).rejects.toThrow(/invalid beta/);
    expect(closed).toBe(2);
    await generateEnsemble(spec, { output, sweeper, force: true });
    expect(closed).toBe(3);
  });

  it.each([
    [{ betas: [-1] }, /invalid beta: expected a positive finite number, got -1/],
    [{ betas: [] }, /invalid betas: expected a non-empty list of positive numbers/],
    [
      { dims: [4, 5] },
      /invalid dims: expected even extents for the checkerboard decomposition, got \[4, 5\]/,
    ],
    [{ N: 1 }, /invalid N: expected an integer in \[2, 16\], got 1/],
    [{ separation: 0 }, /invalid separation: expected an integer >= 1, got 0/],
    [{ algorithm: { kind: 'metropolis', hits: 0, step: 0.5 } }, /invalid algorithm.hits/],
    [
      { algorithm: { kind: 'gibbs' } },
      /invalid algorithm.kind: expected "heatbath", "metropolis" or "hmc", got gibbs/,
    ],
  ] as Array<[Partial<RunSpec>, RegExp]>)(
    'rejects a bad specification %j with a message naming it',
    async (change, message) => {
      const output = join(tempDir(), 'run.h5');
      await expect(generateEnsemble({ ...spec, ...change } as RunSpec, { output })).rejects.toThrow(
        message,
      );
      expect(existsSync(output)).toBe(false);
      expect(existsSync(`${output}.partial`)).toBe(false);
    },
  );
});
