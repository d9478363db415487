/**
 * The one-shot GPU check and benchmark for a machine with an NVIDIA GPU (bench/gpu/run.sh
 * starts it there; see bench/gpu/README.md), also runnable on Mesa with --small:
 *
 *   node dist/bench/gpu/oneShot.js [--small] [--json FILE] [--backends vulkan,opengl]
 *
 * 1. The adapter: backend, name and buffer limits.
 * 2. Correctness on that device: the Philox words equal the CPU's; one heatbath and one
 *    overrelaxation sweep equal the CPU's to float32 rounding; the 2D exact plaquettes
 *    (DESIGN.md 7) at 4 sigma; the 4D SU(3) plaquette at beta 6 on 16^4 against Boyd et al.'s
 *    0.593678(24) (hep-lat/9602007) at 4 sigma; unitarity within 1e-5 after 1,000 sweeps.
 * 3. Speed: ms per SU(3) heatbath (and overrelaxation) sweep on 32^4 in float32, against the
 *    bandwidth bound of the issue (one pass reading the 18 staple links and the link and
 *    writing it: 1440 bytes per link update, 4 x 32^4 updates, at 3.35 TB/s: 1.80 ms), and
 *    against the CPU path on the 2-core development machine (bench/RESULTS.md); plus the
 *    device-to-device copy bandwidth that WebGPU reaches on the same card.
 *
 * Every section catches its own failure, so one broken part still leaves the rest of the
 * table. The exit code is 1 when a check fails.
 *
 * @module
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { GaugeField } from '../../src/lattice/gaugeField.js';
import { Lattice } from '../../src/lattice/lattice.js';
import { monteCarloStep, type Algorithm } from '../../src/montecarlo/algorithm.js';
import { exactPlaquette2d } from '../../src/montecarlo/exact2d.js';
import { gammaAnalysis } from '../../src/core/gamma.js';
import { requestGpu, type GpuBackend } from '../../src/montecarlo/gpu/adapter.js';
import { gpuStreamDraws, type StreamCounters } from '../../src/montecarlo/gpu/gpuPhilox.js';
import { WebGpuSweeper } from '../../src/montecarlo/gpu/webgpuSweeper.js';
import { DrawKind, SiteStream } from '../../src/montecarlo/philox.js';
import { SerialSweeper } from '../../src/montecarlo/sweeper.js';
import { markdownTable, timeSweeps } from './sweepTiming.js';

// ---- options ----
const argv = process.argv.slice(2);
let small = false;
let jsonFile: string | undefined;
let backends: GpuBackend[] | undefined;
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--small') small = true;
  else if (argv[i] === '--json') jsonFile = argv[++i];
  else if (argv[i] === '--backends') backends = argv[++i].split(',') as GpuBackend[];
  else {
    console.error(
      `oneShot: unknown option ${argv[i]} (expected --small, --json FILE, --backends LIST)`,
    );
    process.exit(2);
  }
}

/** Bytes per SU(3) link update in float32: 18 staple links + the link read, the link written. */
const BYTES_PER_UPDATE = 1440;
/** H100 SXM HBM3 bandwidth of the issue's bound. */
const BANDWIDTH = 3.35e12;
/**
 * The CPU path on the 2-core development machine, SU(3) heatbath on 16^4 (bench/RESULTS.md,
 * "Monte Carlo on the CPU"): 2 worker threads 287 ms per sweep (04:01:58 run, with a second
 * core), serial 502 ms. A 32^4 sweep is 16 times the work.
 */
const CPU_2WORKERS_MS_16 = 287;
const CPU_SERIAL_MS_16 = 502;
/** Boyd et al., Nucl. Phys. B 469 (1996) 419 (hep-lat/9602007): SU(3), beta 6, 16^4. */
const BOYD_PLAQUETTE = 0.593678;
const BOYD_ERROR = 0.000024;

interface Row {
  section: string;
  check: string;
  value: string;
  target: string;
  status: 'PASS' | 'FAIL' | 'INFO';
}
const rows: Row[] = [];
const record: Record<string, unknown> = { small, started: new Date().toISOString() };
function row(section: string, check: string, value: string, target: string, pass?: boolean) {
  const status = pass === undefined ? 'INFO' : pass ? 'PASS' : 'FAIL';
  rows.push({ section, check, value, target, status });
  console.log(`[${status}] ${section}: ${check}: ${value} (${target})`);
}
async function section(name: string, body: () => Promise<void>) {
  const t0 = performance.now();
  try {
    await body();
  } catch (e) {
    row(name, 'ran', `threw ${(e as Error).stack ?? String(e)}`, 'no error', false);
  }
  console.log(`  (${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}

// ---- 1. adapter ----
const context = await requestGpu(backends === undefined ? {} : { backends });
const limits = context.limits;
record.adapter = {
  backend: context.backend,
  description: context.description,
  maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
  maxBufferSize: limits.maxBufferSize,
};
row('adapter', 'backend', context.backend, 'vulkan on NVIDIA');
row('adapter', 'device', context.description, '');
row(
  'adapter',
  'maxStorageBufferBindingSize',
  `${(limits.maxStorageBufferBindingSize / 2 ** 20).toFixed(0)} MiB`,
  '>= 288 MiB for 32^4 SU(3)',
  small ? undefined : limits.maxStorageBufferBindingSize >= 32 ** 4 * 4 * 72,
);

const compound = (overrelaxation: number): Algorithm => ({ kind: 'heatbath', overrelaxation });

// ---- 2. correctness ----
await section('philox', async () => {
  const streams: StreamCounters[] = [];
  for (let t = 0; t < 4096; t++) {
    streams.push({
      site: (t * 2654435761) >>> 0,
      sweep: t * 7,
      kind: DrawKind.heatbath,
      direction: t % 4,
      parity: t % 2,
      stream: t % 3,
    });
  }
  const seed = 2 ** 40 + 3;
  const draws = 11;
  const gpu = await gpuStreamDraws(context, seed, streams, draws);
  const rng = new SiteStream(seed);
  let mismatches = 0;
  streams.forEach((s, t) => {
    rng.reset(s.site, s.sweep, s.kind, s.direction, s.parity, s.stream);
    for (let k = 0; k < draws; k++) if (gpu.words[t * draws + k] !== rng.nextUint32()) mismatches++;
  });
  row(
    'philox',
    'GPU words differing from the CPU',
    `${mismatches} of ${streams.length * draws}`,
    '0',
    mismatches === 0,
  );
});

await section('one sweep', async () => {
  for (const kind of ['heatbath', 'overrelaxation'] as const) {
    const start = GaugeField.cold(new Lattice([8, 8, 8, 8]), 3);
    const cpuSweeper = new SerialSweeper();
    for (let s = 0; s < 3; s++)
      cpuSweeper.sweepSync(start, { kind: 'heatbath', beta: 6, seed: 1, sweep: s, stream: 0 });
    const cpu = start.clone();
    const gpuField = start.clone();
    const spec = { kind, beta: 6, seed: 9, sweep: 5, stream: 0 };
    cpuSweeper.sweepSync(cpu, spec);
    const sweeper = new WebGpuSweeper(context);
    await sweeper.sweep(gpuField, spec);
    await sweeper.download(gpuField);
    await sweeper.close();
    const d: number[] = [];
    for (let o = 0; o < cpu.links.length; o += 18) {
      let w = 0;
      for (let k = 0; k < 18; k++)
        w = Math.max(w, Math.abs(cpu.links[o + k] - gpuField.links[o + k]));
      d.push(w);
    }
    d.sort((a, b) => a - b);
    const p99 = d[Math.floor(0.99 * d.length)];
    const flips = d.filter((x) => x > 1e-4).length;
    row(
      'one sweep',
      `SU(3) ${kind} 8^4, GPU vs CPU links: 99th percentile of max abs diff; links over 1e-4`,
      `${p99.toExponential(2)}, ${flips}`,
      'p99 < 2e-5, <= 1%',
      p99 < 2e-5 && flips <= 0.01 * d.length,
    );
  }
});

async function gpuPlaquettes(
  N: number,
  dims: number[],
  beta: number,
  algorithm: Algorithm,
  therm: number,
  meas: number,
  seed: number,
) {
  const field = GaugeField.cold(new Lattice(dims), N);
  const sweeper = new WebGpuSweeper(context);
  const series: number[] = [];
  for (let step = 0; step < therm + meas; step++) {
    await monteCarloStep(field, algorithm, beta, seed, step, 0, sweeper);
    if (step >= therm) series.push(await sweeper.plaquette(field));
  }
  await sweeper.close();
  return gammaAnalysis(series);
}

await section('2D exact', async () => {
  for (const [N, beta, L] of [
    [2, 2, small ? 32 : 64],
    [3, 6, small ? 16 : 64],
  ]) {
    const g = await gpuPlaquettes(N, [L, L], beta, compound(1), 50, small ? 500 : 3000, 5);
    const exact = exactPlaquette2d(N, beta);
    const z = (g.mean - exact) / g.error;
    row(
      '2D exact',
      `SU(${N}) beta ${beta} ${L}^2 plaquette`,
      `${g.mean.toFixed(6)}(${Math.round(g.error * 1e6)}) vs ${exact.toFixed(6)}: ${z.toFixed(2)} sigma`,
      'abs(z) < 4',
      Math.abs(z) < 4,
    );
  }
});

await section('4D SU(3)', async () => {
  const L = small ? 8 : 16;
  const g = await gpuPlaquettes(
    3,
    [L, L, L, L],
    6,
    compound(4),
    small ? 50 : 300,
    small ? 100 : 1000,
    7,
  );
  const sigma = Math.hypot(g.error, BOYD_ERROR);
  const z = (g.mean - BOYD_PLAQUETTE) / sigma;
  record.plaquette4d = { L, mean: g.mean, error: g.error, tauInt: g.tauInt };
  row(
    '4D SU(3)',
    `beta 6 ${L}^4 plaquette (1 HB + 4 OR)`,
    `${g.mean.toFixed(6)}(${Math.round(g.error * 1e6)}), tau_int ${g.tauInt.toFixed(2)}: ${z.toFixed(2)} sigma from Boyd et al.`,
    small ? 'info (16^4 only)' : 'abs(z) < 4',
    small ? undefined : Math.abs(z) < 4,
  );
});

await section('unitarity', async () => {
  const field = GaugeField.cold(new Lattice([8, 8, 8, 8]), 3);
  const sweeper = new WebGpuSweeper(context);
  for (let step = 0; step < 500; step++)
    await monteCarloStep(field, compound(1), 6, 3, step, 0, sweeper);
  await sweeper.download(field, { reunitarize: false });
  await sweeper.close();
  const v = field.unitarityViolation();
  row(
    'unitarity',
    'max abs(U U^+ - 1) after 1,000 float32 sweeps, 8^4',
    v.toExponential(2),
    '< 1e-5',
    v < 1e-5,
  );
});

// ---- 3. speed ----
await section('speed', async () => {
  const L = small ? 8 : 32;
  const updates = 4 * L ** 4;
  const boundMs = ((BYTES_PER_UPDATE * updates) / BANDWIDTH) * 1000;
  const sweeper = new WebGpuSweeper(context);
  const options = small ? { rounds: 3, roundMs: 200 } : { rounds: 7, roundMs: 500 };
  const cpuScale = (L / 16) ** 4;
  for (const [N, kind] of [
    [3, 'heatbath'],
    [3, 'overrelaxation'],
    [2, 'heatbath'],
  ] as Array<[number, 'heatbath' | 'overrelaxation']>) {
    const t = await timeSweeps(
      sweeper,
      { N, dims: [L, L, L, L], kind, beta: N === 3 ? 6 : 2.3 },
      options,
      sweeper,
    );
    record[`su${N}_${kind}_${L}`] = t;
    const name = `SU(${N}) ${kind} ${L}^4`;
    if (N === 3) {
      const fraction = boundMs / t.msPerSweep;
      row(
        'speed',
        `${name}: ms per sweep (min)`,
        `${t.msPerSweep.toFixed(3)} (${t.minMsPerSweep.toFixed(3)})`,
        `bound ${boundMs.toPrecision(3)} ms at 3.35 TB/s; goal <= ${(2 * boundMs).toPrecision(3)}`,
        small ? undefined : t.msPerSweep <= 2 * boundMs,
      );
      row(
        'speed',
        `${name}: fraction of the bandwidth bound`,
        `${(100 * fraction).toFixed(1)}% (${((BYTES_PER_UPDATE * updates) / (t.msPerSweep / 1000) / 1e12).toFixed(2)} TB/s effective)`,
        '>= 50%',
      );
      if (kind === 'heatbath') {
        const vsWorkers = (CPU_2WORKERS_MS_16 * cpuScale) / t.msPerSweep;
        const vsSerial = (CPU_SERIAL_MS_16 * cpuScale) / t.msPerSweep;
        row(
          'speed',
          `${name}: speed-up over the 2-core CPU path (2 workers; serial)`,
          `${vsWorkers.toFixed(0)}x; ${vsSerial.toFixed(0)}x`,
          '>= 30x',
          small ? undefined : vsWorkers >= 30,
        );
      }
    } else {
      row(
        'speed',
        `${name}: ms per sweep (min)`,
        `${t.msPerSweep.toFixed(3)} (${t.minMsPerSweep.toFixed(3)})`,
        'info',
      );
    }
  }
  const field = GaugeField.cold(new Lattice([L, L, L, L]), 3);
  await sweeper.upload(field);
  await sweeper.plaquette(field);
  const t0 = performance.now();
  for (let k = 0; k < 5; k++) await sweeper.plaquette(field);
  row(
    'speed',
    `plaquette summed on the GPU, ${L}^4 SU(3)`,
    `${((performance.now() - t0) / 5).toFixed(2)} ms`,
    'info',
  );
  await sweeper.close();
});

await section('copy bandwidth', async () => {
  const device = context.device;
  const bytes = Math.min(2 ** 30, limits.maxBufferSize, small ? 2 ** 26 : 2 ** 30);
  const usage = GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
  const a = device.createBuffer({ size: bytes, usage });
  const b = device.createBuffer({ size: bytes, usage });
  const copy = (n: number) => {
    const e = device.createCommandEncoder();
    for (let k = 0; k < n; k++) e.copyBufferToBuffer(a, 0, b, 0, bytes);
    device.queue.submit([e.finish()]);
    return device.queue.onSubmittedWorkDone();
  };
  await copy(2);
  const n = 20;
  const t0 = performance.now();
  await copy(n);
  const s = (performance.now() - t0) / 1000;
  a.destroy();
  b.destroy();
  row(
    'copy bandwidth',
    `copyBufferToBuffer of ${bytes / 2 ** 20} MiB, read + written`,
    `${((2 * bytes * n) / s / 1e12).toFixed(2)} TB/s`,
    'info: what WebGPU reaches on this card',
  );
});

context.device.destroy();
record.rows = rows;
console.log(
  `\n${markdownTable(
    ['section', 'check', 'value', 'target', 'status'],
    rows.map((r) => [r.section, r.check, r.value, r.target, r.status]),
    [false, false, false, false, false],
  )}`,
);
if (jsonFile !== undefined) writeFileSync(jsonFile, `${JSON.stringify(record, null, 2)}\n`);
const failed = rows.filter((r) => r.status === 'FAIL').length;
console.log(`\n${failed === 0 ? 'all checks passed' : `${failed} check(s) FAILED`}`);
process.exitCode = failed === 0 ? 0 : 1;
