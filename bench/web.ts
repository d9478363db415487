/**
 * The web page's speed beside the Node paths, on the same lattices, in one run
 * (`npm run bench:web`):
 *
 * - the page on WebGPU (headless Chromium, SwiftShader's Vulkan: Chromium's software adapter),
 *   compound sweeps per second through its own frame loop (plaquette measured after every
 *   sweep, read back once per batch), and its frame times while sweeping;
 * - the page on its CPU path (the same Chromium without WebGPU);
 * - Node on WebGPU (Dawn on Mesa's llvmpipe, or whatever requestGpu finds), the same compound
 *   sweeps with the plaquette queued after each and read back every 50 sweeps;
 * - Node's serial CPU sweeper, TypeScript and WebAssembly kernels, with averagePlaquette after
 *   each sweep.
 *
 * A compound sweep is one heatbath and one overrelaxation sweep (the page's default).
 *
 * @module
 */
import os from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { build } from 'vite';
import { Xoshiro128 } from '../src/core/rng.js';
import { loadWasmModule } from '../src/io/wasmModule.js';
import { GaugeField } from '../src/lattice/gaugeField.js';
import { Lattice } from '../src/lattice/lattice.js';
import { averagePlaquette } from '../src/lattice/observables/plaquette.js';
import { monteCarloStep } from '../src/montecarlo/algorithm.js';
import { requestGpu } from '../src/montecarlo/gpu/adapter.js';
import { WebGpuSweeper } from '../src/montecarlo/gpu/webgpuSweeper.js';
import { SerialSweeper, type Sweeper } from '../src/montecarlo/serialSweeper.js';
import { toWasmMemory } from '../src/montecarlo/wasm/wasmField.js';
import type { PageApi } from '../web/pageApi.js';
import { chromiumExecutable, launchChromium } from '../test/browser.js';
import { serveStatic } from '../test/web/staticServer.js';

const root = resolve(import.meta.dirname, '..', '..');
const SECONDS = Number(process.argv.find((a) => a.startsWith('--seconds='))?.slice(10) ?? 6);
const WEBGPU_ARGS = [
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-webgpu-adapter=swiftshader',
];

interface Case {
  name: string;
  N: number;
  dims: number[];
  beta: number;
}
const CASES: Case[] = [
  { name: 'SU(2) 32x32', N: 2, dims: [32, 32], beta: 2 },
  { name: 'SU(3) 8^4', N: 3, dims: [8, 8, 8, 8], beta: 5.7 },
];

interface Row {
  path: string;
  rate: number;
  frames?: { median: number; p95: number; max: number; count: number };
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/**
 * Runs the page freely for SECONDS after 5 warm-up sweeps (which compile the kernels): the
 * sweeps done per second of wall time, and the intervals between frames meanwhile.
 */
async function pageRun(
  api: (call: string) => Promise<unknown>,
  c: Case,
): Promise<{ rate: number; frames: number[] }> {
  const settings = JSON.stringify({
    N: c.N,
    dims: c.dims,
    beta: c.beta,
    start: 'hot',
    seed: 1,
    overrelaxation: 1,
  });
  await api(`lgt.configure(${settings})`);
  await api('lgt.run(5)');
  const sweepsBefore = (await api('lgt.sweeps()')) as number;
  const t = performance.now();
  await api('lgt.setRunning(true)');
  await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
  const sweeps = ((await api('lgt.sweeps()')) as number) - sweepsBefore;
  const seconds = (performance.now() - t) / 1000;
  await api('lgt.setRunning(false)');
  const frames = ((await api('lgt.frameTimes()')) as number[]).slice(1);
  return { rate: sweeps / seconds, frames: frames.sort((a, b) => a - b) };
}

async function pageRows(gpu: boolean, origin: string): Promise<Map<string, Row>> {
  const browser = await launchChromium(gpu ? WEBGPU_ARGS : []);
  const rows = new Map<string, Row>();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
    await page.goto(`${origin}/?run=0`);
    await page.waitForFunction("document.body.dataset.ready === 'true'");
    const api = (call: string) =>
      page.evaluate(`(async () => { const lgt = window.lgt; return ${call}; })()`);
    const backend = (await api('lgt.backend()')) as ReturnType<PageApi['backend']>;
    const version = `Chromium ${browser.version()}`;
    const path = gpu
      ? `page, WebGPU (${version}, ${backend.detail})`
      : `page, CPU path (${version} without WebGPU)`;
    if ((backend.kind === 'webgpu') !== gpu)
      throw new Error(`bench/web: expected ${gpu ? 'WebGPU' : 'CPU'}, got ${backend.kind}`);
    for (const c of CASES) {
      const { rate, frames } = await pageRun(api, c);
      rows.set(c.name, {
        path,
        rate,
        frames: {
          median: quantile(frames, 0.5),
          p95: quantile(frames, 0.95),
          max: frames[frames.length - 1],
          count: frames.length,
        },
      });
    }
  } finally {
    await browser.close();
  }
  return rows;
}

/** Compound sweeps per second of `sweeper` with `measure` after each, for about SECONDS. */
async function nodeRate(
  c: Case,
  field: GaugeField,
  sweeper: Sweeper,
  measure: (f: GaugeField, k: number) => Promise<void> | void,
): Promise<number> {
  const algorithm = { kind: 'heatbath', overrelaxation: 1 } as const;
  let sweep = 0;
  const run = async (count: number) => {
    for (let k = 0; k < count; k++) {
      await monteCarloStep(field, algorithm, c.beta, 1, sweep++, 0, sweeper);
      await measure(field, k);
    }
    await measure(field, -1);
  };
  await run(5); // compiles the kernels, fills the caches
  let t = performance.now();
  await run(10);
  const probe = 10 / ((performance.now() - t) / 1000);
  const count = Math.max(10, Math.round(probe * SECONDS));
  t = performance.now();
  await run(count);
  return count / ((performance.now() - t) / 1000);
}

async function main(): Promise<void> {
  const started = new Date().toISOString();
  const chromium = await chromiumExecutable();
  console.log(`bench/web started ${started} (--seconds=${SECONDS} per measurement)`);
  console.log(
    `CPU: ${os.cpus()[0]?.model ?? 'unknown'}, ${os.cpus().length} cores, load ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}; Node ${process.version}`,
  );
  console.log(`Chromium: ${chromium.source} (${chromium.path})`);
  const outDir = join(root, 'dist-web');
  await build({
    configFile: join(root, 'web', 'vite.config.ts'),
    logLevel: 'error',
    build: { outDir },
  });
  const server = await serveStatic(outDir);
  const table = new Map<string, Row[]>(CASES.map((c) => [c.name, []]));
  try {
    for (const gpu of [true, false]) {
      for (const [name, row] of await pageRows(gpu, server.origin)) table.get(name)!.push(row);
    }
  } finally {
    await server.close();
  }

  const context = await requestGpu();
  const wasm = loadWasmModule('montecarlo');
  for (const c of CASES) {
    const start = GaugeField.hot(new Lattice(c.dims), c.N, new Xoshiro128(1));
    const gpu = new WebGpuSweeper(context);
    const rate = await nodeRate(c, start.clone(), gpu, async (f, k) => {
      if (k >= 0) await gpu.queueWilsonLoop(f, 1, 1);
      if (k < 0 || k % 50 === 49) await gpu.readQueued();
    });
    await gpu.close();
    table
      .get(c.name)!
      .push({ path: `Node, WebGPU (Dawn, ${context.backend}: ${context.description})`, rate });
    const plaquette = (f: GaugeField) => void averagePlaquette(f);
    table.get(c.name)!.push({
      path: 'Node, SerialSweeper, TypeScript kernels',
      rate: await nodeRate(c, start.clone(), new SerialSweeper({ kernels: 'ts' }), plaquette),
    });
    if (!('reason' in wasm)) {
      table.get(c.name)!.push({
        path: 'Node, SerialSweeper, WebAssembly kernels',
        rate: await nodeRate(
          c,
          toWasmMemory(start.clone()),
          new SerialSweeper({ kernels: 'wasm', wasmModule: () => wasm }),
          plaquette,
        ),
      });
    }
  }
  context.device.destroy();

  for (const c of CASES) {
    console.log(
      `\n### ${c.name}, beta ${c.beta}: compound sweeps (heatbath + overrelaxation) per second, plaquette after each\n`,
    );
    console.log('| path | sweeps/s | frame time median / 95% / max (ms, frames) |');
    console.log('| --- | ---: | --- |');
    for (const row of table.get(c.name)!) {
      const f = row.frames;
      const frames =
        f === undefined
          ? ''
          : `${f.median.toFixed(1)} / ${f.p95.toFixed(1)} / ${f.max.toFixed(1)} (${f.count})`;
      console.log(`| ${row.path} | ${row.rate.toFixed(1)} | ${frames} |`);
    }
  }
}

await main();
