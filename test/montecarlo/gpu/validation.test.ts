/**
 * The GPU heatbath samples the Wilson action (DESIGN.md 7, with fixed seeds, at 4 sigma with
 * Gamma-method errors, measurements summed on the GPU):
 *
 * - 2D: the exact plaquette (./exact2d.ts) and W(1 x 2) = P^2, SU(2) and SU(3);
 * - 4D SU(3) at beta = 6 on 4^4: the CPU heatbath's plaquette on the same lattice;
 * - float32 links stay unitary within 1e-5 through 1,000 sweeps.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GaugeField } from '../../../src/lattice/gaugeField.js';
import { Lattice } from '../../../src/lattice/lattice.js';
import { averagePlaquette } from '../../../src/lattice/observables/plaquette.js';
import { monteCarloStep, type Algorithm } from '../../../src/montecarlo/algorithm.js';
import { exactPlaquette2d } from '../../../src/montecarlo/exact2d.js';
import { gammaAnalysis } from '../../../src/core/gamma.js';
import { requestGpu, type GpuContext } from '../../../src/montecarlo/gpu/adapter.js';
import { WebGpuSweeper } from '../../../src/montecarlo/gpu/webgpuSweeper.js';
import { SerialSweeper } from '../../../src/montecarlo/sweeper.js';

let context: GpuContext;
beforeAll(async () => {
  context = await requestGpu();
});
afterAll(() => context?.device.destroy());

const compound: Algorithm = { kind: 'heatbath', overrelaxation: 1 };

/** Plaquette (and optionally W(1 x 2)) series of a GPU chain from a cold start. */
async function gpuChain(
  N: number,
  dims: number[],
  beta: number,
  seed: number,
  thermalization: number,
  measurements: number,
  loop12: boolean,
): Promise<{ plaquette: number[]; loop12: number[] }> {
  const field = GaugeField.cold(new Lattice(dims), N);
  const sweeper = new WebGpuSweeper(context);
  const out = { plaquette: [] as number[], loop12: [] as number[] };
  for (let step = 0; step < thermalization + measurements; step++) {
    await monteCarloStep(field, compound, beta, seed, step, 0, sweeper);
    if (step < thermalization) continue;
    out.plaquette.push(await sweeper.plaquette(field));
    if (loop12) out.loop12.push(await sweeper.wilsonLoop(field, 1, 2));
  }
  await sweeper.close();
  return out;
}

describe('GPU heatbath against exact and CPU results', () => {
  it.each([
    [2, 2.0, 32],
    [3, 6.0, 16],
  ])(
    '2D SU(%d), beta %d, %d^2: the exact plaquette and W(1x2) = P^2 at 4 sigma',
    async (N, beta, L) => {
      const series = await gpuChain(N, [L, L], beta, 5, 50, 1500, true);
      const exact = exactPlaquette2d(N, beta);
      const p = gammaAnalysis(series.plaquette);
      const w = gammaAnalysis(series.loop12);
      expect(p.error).toBeLessThan(1.5e-3); // resolves what it checks
      expect(Math.abs(p.mean - exact)).toBeLessThan(4 * p.error);
      expect(Math.abs(w.mean - exact ** 2)).toBeLessThan(4 * w.error);
    },
  );

  it('4D SU(3), beta 6, 4^4: the CPU heatbath plaquette within errors', async () => {
    const dims = [4, 4, 4, 4];
    const thermalization = 100;
    const measurements = 1000;
    const gpu = gammaAnalysis(
      (await gpuChain(3, dims, 6, 11, thermalization, measurements, false)).plaquette,
    );
    const field = GaugeField.cold(new Lattice(dims), 3);
    const cpuSweeper = new SerialSweeper();
    const cpuSeries: number[] = [];
    for (let step = 0; step < thermalization + measurements; step++) {
      await monteCarloStep(field, compound, 6, 12, step, 0, cpuSweeper);
      if (step >= thermalization) cpuSeries.push(averagePlaquette(field));
    }
    const cpu = gammaAnalysis(cpuSeries);
    const sigma = Math.hypot(gpu.error, cpu.error);
    expect(sigma).toBeLessThan(1e-3);
    expect(Math.abs(gpu.mean - cpu.mean)).toBeLessThan(4 * sigma);
    // and both near the large-volume value 0.5937 (Boyd et al.; 4^4 sits a little above it)
    expect(gpu.mean).toBeGreaterThan(0.58);
    expect(gpu.mean).toBeLessThan(0.64);
  });

  it.each([
    [3, 6.0],
    [2, 2.3],
  ])(
    'SU(%d): float32 links stay unitary within 1e-5 after 1,000 sweeps (beta %d, 4^4)',
    async (N, beta) => {
      const field = GaugeField.cold(new Lattice([4, 4, 4, 4]), N);
      const sweeper = new WebGpuSweeper(context);
      // 500 compound steps: 500 heatbath and 500 overrelaxation sweeps
      for (let step = 0; step < 500; step++) {
        await monteCarloStep(field, compound, beta, 3, step, 0, sweeper);
      }
      await sweeper.download(field, { reunitarize: false });
      await sweeper.close();
      const violation = field.unitarityViolation();
      expect(violation).toBeLessThan(1e-5);
      expect(violation).toBeGreaterThan(0); // float32 links, as they were on the GPU
    },
  );
});
