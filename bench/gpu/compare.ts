/**
 * Sweeps per second of the WebGPU sweeper against the CPU sweepers on the same machine
 * (bench/RESULTS.md, "Monte Carlo on the GPU"). Here that is Mesa's llvmpipe, a software
 * rasteriser that runs the WGSL kernels on the CPU's cores, so the comparison says what the
 * GPU path costs where there is no GPU, not what a GPU gives (./oneShot.ts measures that).
 *
 *   npm run build && node dist/bench/gpu/compare.js           # about two minutes on 2 cores
 *   npm run build && node dist/bench/gpu/compare.js --quick   # fewer rounds, 8^4 only
 *
 * Rows: SU(2) and SU(3), heatbath and overrelaxation, on 8^4 and 16^4; columns: GPU
 * (float32), SerialSweeper and WorkerSweeper(2) (float64), ms per sweep (median of rounds)
 * and the GPU's speed-up over each.
 *
 * @module
 */
import os from 'node:os';
import { createWebGpuSweeper } from '../../src/montecarlo/gpu/adapter.js';
import { SerialSweeper, WorkerSweeper } from '../../src/montecarlo/sweeper.js';
import { markdownTable, timeSweeps, type SweepCase } from './sweepTiming.js';

const args = new Set(process.argv.slice(2));
for (const a of args) {
  if (a !== '--quick') {
    console.error(`bench/gpu/compare: unknown option ${a} (expected --quick)`);
    process.exit(2);
  }
}
const quick = args.has('--quick');
const options = quick ? { rounds: 3, roundMs: 200 } : { rounds: 5, roundMs: 600 };
const extents = quick ? [8] : [8, 16];

const gpu = await createWebGpuSweeper();
const workers = new WorkerSweeper(2);
const serial = new SerialSweeper();
const started = new Date().toISOString();
console.log(`bench/gpu/compare ${quick ? '--quick ' : ''}started ${started}`);
console.log(`GPU: ${gpu.context.backend}, ${gpu.context.description}`);
console.log(
  `CPU: ${os.cpus()[0]?.model ?? 'unknown'}, ${os.cpus().length} cores; Node ${process.version}`,
);
console.log(`1-minute load average at the start: ${os.loadavg()[0].toFixed(2)}\n`);

const rows: string[][] = [];
for (const L of extents) {
  for (const [N, beta] of [
    [2, 2.3],
    [3, 6.0],
  ]) {
    for (const kind of ['heatbath', 'overrelaxation'] as const) {
      const c: SweepCase = { N, dims: [L, L, L, L], kind, beta };
      const g = await timeSweeps(gpu, c, options, gpu);
      const s = await timeSweeps(serial, c, options);
      const w = await timeSweeps(workers, c, options);
      rows.push([
        `SU(${N}) ${kind}, ${L}^4`,
        g.msPerSweep.toFixed(2),
        s.msPerSweep.toFixed(2),
        w.msPerSweep.toFixed(2),
        `${(s.msPerSweep / g.msPerSweep).toFixed(2)}x`,
        `${(w.msPerSweep / g.msPerSweep).toFixed(2)}x`,
        g.linkUpdatesPerSecond.toExponential(2),
      ]);
      console.log(rows.at(-1)!.join('  '));
    }
  }
}
console.log(`\nfinished; 1-minute load average ${os.loadavg()[0].toFixed(2)}\n`);
console.log(
  markdownTable(
    [
      'sweep',
      'GPU ms',
      'serial ms',
      '2 workers ms',
      'GPU vs serial',
      'GPU vs 2 workers',
      'GPU link updates/s',
    ],
    rows,
  ),
);
await gpu.close();
await workers.close();
