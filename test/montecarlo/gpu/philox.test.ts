/**
 * DESIGN.md 3: the GPU kernels use the CPU's generator with the same counters. The WGSL
 * Philox4x32-10 gives the same 32-bit words as SiteStream for the same (seed, site, sweep,
 * kind, direction, parity, stream), and float32 uniforms within 2^-24 of the CPU's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestGpu, type GpuContext } from '../../../src/montecarlo/gpu/adapter.js';
import { gpuStreamDraws, type StreamCounters } from '../../../src/montecarlo/gpu/gpuPhilox.js';
import { DrawKind, SiteStream } from '../../../src/montecarlo/philox.js';

let context: GpuContext;
beforeAll(async () => {
  context = await requestGpu();
});
afterAll(() => context?.device.destroy());

const DRAWS = 11; // crosses two block boundaries

function cpuDraws(seed: number, s: StreamCounters): { words: number[]; uniforms: number[] } {
  const rng = new SiteStream(seed);
  rng.reset(s.site, s.sweep, s.kind, s.direction, s.parity, s.stream);
  const words = Array.from({ length: DRAWS }, () => rng.nextUint32());
  rng.reset(s.site, s.sweep, s.kind, s.direction, s.parity, s.stream);
  const uniforms = Array.from({ length: DRAWS }, () => rng.uniform());
  return { words, uniforms };
}

describe('Philox on the GPU', () => {
  // seeds above 2^32 use both key words; sites, sweeps and streams near their ranges' ends
  const seeds = [0, 1, 12345, 2 ** 40 + 77, Number.MAX_SAFE_INTEGER];
  const streams: StreamCounters[] = [];
  for (let k = 0; k < 200; k++) {
    streams.push({
      site: (k * 2654435761) % 2 ** 32,
      sweep: k === 199 ? 2 ** 32 - 1 : k * 37,
      kind: [DrawKind.heatbath, DrawKind.start, DrawKind.metropolis][k % 3],
      direction: k % 4,
      parity: k % 2,
      stream: k === 198 ? 65535 : k % 5,
    });
  }

  it.each(seeds)('draws the CPU words, exactly, for seed %d', async (seed) => {
    const gpu = await gpuStreamDraws(context, seed, streams, DRAWS);
    let worstUniform = 0;
    streams.forEach((s, t) => {
      const cpu = cpuDraws(seed, s);
      expect(Array.from(gpu.words.subarray(t * DRAWS, (t + 1) * DRAWS))).toEqual(cpu.words);
      for (let k = 0; k < DRAWS; k++) {
        const u = gpu.uniforms[t * DRAWS + k];
        expect(u).toBeGreaterThan(0);
        expect(u).toBeLessThan(1);
        worstUniform = Math.max(worstUniform, Math.abs(u - cpu.uniforms[k]));
      }
    });
    expect(worstUniform).toBeLessThan(2 ** -24);
  });

  it('draws different words for a different seed', async () => {
    const a = await gpuStreamDraws(context, 5, streams.slice(0, 4), DRAWS);
    const b = await gpuStreamDraws(context, 6, streams.slice(0, 4), DRAWS);
    expect(Array.from(a.words)).not.toEqual(Array.from(b.words));
  });
});
