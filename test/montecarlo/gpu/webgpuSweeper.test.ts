/**
 * The GPU sweeps do what the CPU sweeps do: from the same field, with the same Philox
 * counters, one heatbath or overrelaxation sweep on the GPU (float32) gives the CPU's
 * (float64) links to float32 rounding, link for link. Plaquettes and Wilson loops summed on
 * the GPU agree with the CPU's observables; links survive the trip up and down; bad input is
 * refused with messages that name the problem.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GaugeField } from '../../../src/lattice/gaugeField.js';
import { Lattice } from '../../../src/lattice/lattice.js';
import { averagePlaquette } from '../../../src/lattice/observables/plaquette.js';
import { averageWilsonLoop } from '../../../src/lattice/observables/wilsonLoops.js';
import { requestGpu, type GpuContext } from '../../../src/montecarlo/gpu/adapter.js';
import { WebGpuSweeper } from '../../../src/montecarlo/gpu/webgpuSweeper.js';
import { SerialSweeper, type SweepSpec } from '../../../src/montecarlo/sweeper.js';

let context: GpuContext;
beforeAll(async () => {
  context = await requestGpu();
});
afterAll(() => context?.device.destroy());

/** A field near equilibrium: cold, then three CPU heatbath sweeps. */
function thermalized(dims: number[], N: number, beta: number): GaugeField {
  const field = GaugeField.cold(new Lattice(dims), N);
  const cpu = new SerialSweeper();
  for (let sweep = 0; sweep < 3; sweep++) {
    cpu.sweepSync(field, { kind: 'heatbath', beta, seed: 1, sweep, stream: 0 });
  }
  return field;
}

/** Largest |difference| over the numbers of each link, sorted. */
function linkDifferences(a: GaugeField, b: GaugeField): number[] {
  const m = a.group.matrixSize;
  const out: number[] = [];
  for (let o = 0; o < a.links.length; o += m) {
    let worst = 0;
    for (let k = 0; k < m; k++) worst = Math.max(worst, Math.abs(a.links[o + k] - b.links[o + k]));
    out.push(worst);
  }
  return out.sort((x, y) => x - y);
}

describe('WebGpuSweeper', () => {
  const cases: Array<[string, number, number[], number]> = [
    ['SU(3) 4^4', 3, [4, 4, 4, 4], 5.7],
    ['SU(2) 6x4x4x4', 2, [6, 4, 4, 4], 2.3],
    ['SU(3) 8x8', 3, [8, 8], 3],
    ['SU(2) 8x6', 2, [8, 6], 1],
  ];
  for (const kind of ['heatbath', 'overrelaxation'] as const) {
    it.each(cases)(
      `one ${kind} sweep gives the CPU's links to float32 rounding (%s)`,
      async (_, N, dims, beta) => {
        const start = thermalized(dims, N, beta);
        const cpu = start.clone();
        const gpuField = start.clone();
        const spec: SweepSpec = { kind, beta, seed: 2 ** 33 + 5, sweep: 7, stream: 3 };
        new SerialSweeper().sweepSync(cpu, spec);
        const sweeper = new WebGpuSweeper(context);
        await sweeper.sweep(gpuField, spec);
        await sweeper.download(gpuField);
        await sweeper.close();
        const d = linkDifferences(cpu, gpuField);
        // Every link moved, and all but a few agree to float32 rounding; a link can differ when
        // a float32 value lands within rounding of an accept/reject boundary.
        expect(linkDifferences(start, cpu)[0]).toBeGreaterThan(1e-3);
        expect(d[Math.floor(0.99 * d.length)]).toBeLessThan(2e-5);
        expect(d.filter((x) => x > 1e-4).length).toBeLessThanOrEqual(0.01 * d.length);
      },
    );
  }

  it('sums plaquettes and Wilson loops on the GPU to the CPU values (float32 rounding)', async () => {
    for (const [N, dims, beta] of [
      [3, [4, 4, 6, 4], 5.7],
      [2, [8, 6], 2],
    ] as Array<[number, number[], number]>) {
      const field = thermalized(dims, N, beta);
      const sweeper = new WebGpuSweeper(context);
      expect(await sweeper.plaquette(field)).toBeCloseTo(averagePlaquette(field), 6);
      for (const [R, T] of [
        [1, 2],
        [2, 2],
        [2, 3],
      ]) {
        expect(await sweeper.wilsonLoop(field, R, T)).toBeCloseTo(
          averageWilsonLoop(field, R, T),
          6,
        );
      }
      await sweeper.close();
    }
  });

  it('queues measurements behind the sweeps and reads them back at once, as wilsonLoop gives them', async () => {
    const start = thermalized([8, 6], 2, 2);
    const queued = start.clone();
    const direct = start.clone();
    const queuing = new WebGpuSweeper(context);
    const waiting = new WebGpuSweeper(context);
    const expected: number[] = [];
    // 70 sweeps with a plaquette after each: the measurement buffer grows past its first 64 slots
    for (let sweep = 0; sweep < 70; sweep++) {
      const spec: SweepSpec = { kind: 'heatbath', beta: 2, seed: 3, sweep, stream: 0 };
      await queuing.sweep(queued, spec);
      await queuing.queueWilsonLoop(queued, 1, 1);
      await waiting.sweep(direct, spec);
      expected.push(await waiting.plaquette(direct));
    }
    await queuing.queueWilsonLoop(queued, 1, 2);
    expected.push(await waiting.wilsonLoop(direct, 1, 2));
    const values = await queuing.readQueued();
    expect(values).toEqual(expected); // the same float32 sums, summed in the same order
    expect(new Set(values).size).toBeGreaterThan(60); // they are 70 different measurements
    expect(await queuing.readQueued()).toEqual([]); // read once
    await queuing.download(queued);
    expect(values[69]).toBeCloseTo(averagePlaquette(queued), 6);
    await queuing.close();
    await waiting.close();
  });

  it('brings the links down as they went up, re-unitarised in float64', async () => {
    const field = thermalized([4, 4, 4, 4], 3, 6);
    const original = field.clone();
    const sweeper = new WebGpuSweeper(context);
    await sweeper.upload(field);
    await sweeper.download(field);
    await sweeper.close();
    expect(field.equals(original, 1e-6)).toBe(true);
    expect(field.unitarityViolation()).toBeLessThan(1e-14);
  });

  it('refuses Metropolis, naming what it runs', async () => {
    const sweeper = new WebGpuSweeper(context);
    const field = GaugeField.cold(new Lattice([4, 4]), 2);
    await expect(
      sweeper.sweep(field, {
        kind: 'metropolis',
        beta: 2,
        seed: 1,
        sweep: 0,
        stream: 0,
        metropolis: { hits: 1, step: 0.1 },
      }),
    ).rejects.toThrow(
      /invalid spec.kind: expected "heatbath" or "overrelaxation" on the GPU, got metropolis/,
    );
    await sweeper.close();
  });

  it('refuses a lattice too large for the adapter before making any buffer, naming the limit', () => {
    const sweeper = new WebGpuSweeper(context);
    const limit = context.limits.maxStorageBufferBindingSize;
    // SU(3) in 4D: 4 links of 18 float32 per site
    const L = 2 * Math.ceil(limit / (2 * 8 * 4 * 18 * 4)) + 2;
    expect(() => sweeper.checkLattice(3, [2, 2, 2, L])).toThrow(
      new RegExp(`maxStorageBufferBindingSize of ${limit} bytes .* SU\\(3\\) on 2x2x2x${L}`),
    );
    expect(() => sweeper.checkLattice(3, [4, 4, 4, 4])).not.toThrow();
    expect(() => sweeper.checkLattice(4, [4, 4])).toThrow(/expected 2 or 3/);
  });
});
