/**
 * Timing of checkerboard sweeps for the GPU benchmarks (./compare.ts on Mesa, ./oneShot.ts on
 * an NVIDIA machine): milliseconds per sweep, the median over rounds, each round a batch of
 * sweeps long enough to dwarf the cost of waiting for the queue. Every sweeper starts from
 * the same cold field and gets two untimed heatbath sweeps first (the kernels' first launch
 * also compiles them: llvmpipe compiles a shader at its first dispatch).
 *
 * @module
 */
import { performance } from 'node:perf_hooks';
import { GaugeField } from '../../src/lattice/gaugeField.js';
import { Lattice } from '../../src/lattice/lattice.js';
import type { WebGpuSweeper } from '../../src/montecarlo/gpu/webgpuSweeper.js';
import { WorkerSweeper, type Sweeper } from '../../src/montecarlo/sweeper.js';

/** What is timed. */
export interface SweepCase {
  /** Number of colours (2 or 3). */
  N: number;
  /** Lattice extents. */
  dims: number[];
  /** Update. */
  kind: 'heatbath' | 'overrelaxation';
  /** Coupling. */
  beta: number;
}

/** One timed row. */
export interface SweepTiming {
  /** Median ms per sweep. */
  msPerSweep: number;
  /** Fastest round's ms per sweep. */
  minMsPerSweep: number;
  /** Link updates per second at the median. */
  linkUpdatesPerSecond: number;
  /** Sweeps timed in all. */
  sweeps: number;
}

/** Options of {@link timeSweeps}. */
export interface SweepTimingOptions {
  /** Rounds (the median is reported). */
  rounds: number;
  /** A round runs at least this long (ms), in whole sweeps. */
  roundMs: number;
}

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  return s[s.length >> 1];
}

/**
 * Times `sweeper` on `c`. For a WebGpuSweeper pass it as `gpu` too: each round waits for the
 * queue to drain before the clock stops (sweeps are queued, not run, when `sweep` resolves).
 */
export async function timeSweeps(
  sweeper: Sweeper,
  c: SweepCase,
  options: SweepTimingOptions,
  gpu?: WebGpuSweeper,
): Promise<SweepTiming> {
  let field = GaugeField.cold(new Lattice(c.dims), c.N);
  if (sweeper instanceof WorkerSweeper) field = field.toShared();
  let sweep = 0;
  const spec = (kind: SweepCase['kind']) => ({
    kind,
    beta: c.beta,
    seed: 1,
    sweep: sweep++,
    stream: 0,
  });
  for (let k = 0; k < 2; k++) await sweeper.sweep(field, spec('heatbath'));
  await gpu?.finish();
  // size a round from one sweep
  let t0 = performance.now();
  await sweeper.sweep(field, spec(c.kind));
  await gpu?.finish();
  const perRound = Math.max(1, Math.ceil(options.roundMs / Math.max(performance.now() - t0, 1e-3)));
  const samples: number[] = [];
  for (let r = 0; r < options.rounds; r++) {
    t0 = performance.now();
    for (let k = 0; k < perRound; k++) await sweeper.sweep(field, spec(c.kind));
    await gpu?.finish();
    samples.push((performance.now() - t0) / perRound);
  }
  const ms = median(samples);
  return {
    msPerSweep: ms,
    minMsPerSweep: Math.min(...samples),
    linkUpdatesPerSecond: (field.lattice.volume * c.dims.length) / (ms / 1000),
    sweeps: perRound * options.rounds,
  };
}

/**
 * A markdown table from a header and rows of cells; `rightAligned` marks the numeric columns
 * (default: every column but the first).
 */
export function markdownTable(
  header: string[],
  rows: string[][],
  rightAligned: boolean[] = header.map((_, i) => i > 0),
): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    `| ${cells.map((s, i) => (rightAligned[i] ? s.padStart(widths[i]) : s.padEnd(widths[i]))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (rightAligned[i] ? '-'.repeat(w - 1) + ':' : '-'.repeat(w))).join(' | ')} |`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}
