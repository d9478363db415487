/**
 * Monte Carlo on the CPU, the second part of `npm run bench` (alone: `npm run bench --
 * --montecarlo`):
 *
 * 1. link updates per second, on one core, of the SU(2) and SU(3) heatbath and
 *    overrelaxation sweeps on 16^4 (SerialSweeper), side by side with bench/c/montecarlo.c,
 *    a straightforward C99 implementation of the same algorithms on the same data layout
 *    with the same random numbers, compiled at run time with gcc -O3 -march=native and driven
 *    over a pipe, so that both are measured in one run, sweep for sweep interleaved;
 * 2. time per sweep, flops per link update and the achieved GFLOP/s;
 * 3. the scaling of WorkerSweeper from 1 to 2 worker threads on 16^4 SU(3) heatbath.
 *
 * Both codes start cold with the same seed and, formula for formula, evaluate the same
 * arithmetic, so they walk the same Markov chain: their plaquettes are compared after the
 * thermalisation and after the timed sweeps (they agree to rounding), which shows that the
 * two columns time the same work.
 *
 * Ours is measured twice, with the TypeScript kernels and with the WebAssembly SIMD kernels
 * (assembly/, src/montecarlo/wasm; the field in WebAssembly memory), which walk the same Markov
 * chain bit for bit (checked after the timed sweeps).
 *
 * Targets: the issue "Monte Carlo on the CPU": the TypeScript kernels within 2x of C (C's rate /
 * ours <= 2) for each of the four updates; 2 workers at least 1.7x faster than 1. The issue
 * "WebAssembly SIMD kernels": the kernels ours runs by default ('auto': WebAssembly) within
 * 1.3x of C for each update.
 *
 * @module
 */
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { GaugeField } from '../src/lattice/gaugeField.js';
import { Lattice } from '../src/lattice/lattice.js';
import { averagePlaquette } from '../src/lattice/observables/plaquette.js';
import { SerialSweeper, WorkerSweeper, type SweepSpec } from '../src/montecarlo/sweeper.js';
import { toWasmMemory } from '../src/montecarlo/wasm/wasmField.js';
import { loadWasmModule } from '../src/io/wasmModule.js';
import { compareTimed, formatRatio, type ComparisonResult, type TimedVariant } from './timing.js';

/** Target: C's link updates per second over ours (TypeScript kernels), at most. */
export const MAX_C_OVER_OURS = 2;
/** Target: C's link updates per second over ours (default kernels: WebAssembly), at most. */
export const MAX_C_OVER_WASM = 1.3;
/** Target: 2 worker threads over 1, at least. */
export const MIN_WORKER_SCALING = 1.7;
/** A 2-thread sweep counts as one with a second core when the control got this much. */
const SECOND_CORE = 1.8;

/**
 * Flops per link update. SU(3): QUDA's cost model (ANCHORS.md: heatbath 3069 = 2268 staple +
 * 801 update, overrelaxation 3111). SU(2): counted on the code that runs (the same in
 * src/montecarlo and bench/c/montecarlo.c), every real addition, subtraction and
 * multiplication one flop; sign flips, divisions, square roots, logarithms, cosines and the
 * random number generator's integer work not counted:
 *
 * - staple (stapleQuaternionSU2): 3 directions x 2 terms x (quaternion product 28 + product
 *   and accumulate 32) = 360, a quaternion product being 16 multiplications and 12 additions;
 * - heatbath: |a|^2 7, alpha 1, the sampler about 42 (Kennedy-Pendleton, about 1.1 tries of
 *   15, plus Marsaglia's direction, about 1.3 tries of 11, and the scalings), normalisation 4,
 *   the quaternion product X a^+ 28: 82, in all 442;
 * - overrelaxation: |a|^2 7, normalisation 4, two quaternion products 56: 67, in all 427.
 *
 * The same counting applied to our SU(3) code gives 3372 for the heatbath (staple 2484, W = U A
 * 198, 3 subgroups x 174, W updates 2 x 84) and 3243 for overrelaxation, 10% and 4% above
 * QUDA's counts: the SU(2) numbers are on the same footing as the SU(3) ones.
 */
export const FLOPS_PER_LINK_UPDATE = {
  'SU(2) heatbath': 442,
  'SU(2) overrelaxation': 427,
  'SU(3) heatbath': 3069,
  'SU(3) overrelaxation': 3111,
} as const;

/** Couplings of the comparison (ANCHORS.md's: SU(2) at 2.3, SU(3) at 6.0). */
const BETA: Record<2 | 3, number> = { 2: 2.3, 3: 6.0 };
const SEED = 1;

/** Settings of the Monte Carlo benchmark. */
export interface MonteCarloOptions {
  /** Fewer rounds (3 instead of 7) and one thermalisation sweep instead of two. */
  quick: boolean;
  /** Lattice extent L of L^4 (16 for the targets). */
  L: number;
  /** Where the tables go. */
  log: (line?: string) => void;
}

/** One row of the main table. */
export interface UpdateResult {
  update: keyof typeof FLOPS_PER_LINK_UPDATE;
  oursUpdatesPerSecond: number;
  cUpdatesPerSecond: number | null;
  /** C's rate over ours (target <= MAX_C_OVER_OURS); null without C. */
  cOverOurs: number | null;
  pass: boolean | null;
  /** Ours with the WebAssembly kernels; null where they do not run. */
  wasmUpdatesPerSecond: number | null;
  /** C's rate over that (target <= MAX_C_OVER_WASM); null without C or WebAssembly. */
  cOverWasm: number | null;
  wasmPass: boolean | null;
  wasmMsPerSweep: number | null;
  wasmGflops: number | null;
  /** The WebAssembly field equals the TypeScript one bit for bit after the timed sweeps. */
  wasmIdentical: boolean | null;
  oursMsPerSweep: number;
  cMsPerSweep: number | null;
  flopsPerLinkUpdate: number;
  oursGflops: number;
  cGflops: number | null;
  /** |plaquette ours - plaquette C| after the timed sweeps. */
  plaquetteDifference: number | null;
  comparison: ComparisonResult;
}

/** What the Monte Carlo benchmark measured. */
export interface MonteCarloReport {
  L: number;
  rounds: number;
  compiler: string | null;
  cSkipped: string | null;
  /** Why the WebAssembly kernels did not run, if they did not. */
  wasmSkipped: string | null;
  check: { cPlaquette: number; oursPlaquette: number; pass: boolean } | null;
  updates: UpdateResult[];
  scaling: {
    comparison: ComparisonResult;
    speedup: number;
    pass: boolean;
    identical: boolean;
    /** The floating-point loop: one share on 1 thread, and 2 threads around each sweep, ms. */
    control: { oneThreadMs: number; twoThreadBracketsMs: Array<[number, number]> };
    /** Throughput of 2 threads over 1 in the control: 2 is a whole second core. */
    machineCapacity: number;
    /** Per 2-thread sweep: the machine's capacity around it, ours, its time (ns per link). */
    rounds: Array<{ capacity: number; speedup: number; w2: number }>;
    /** 2 threads over 1 over the rounds whose control had a second core; null if none. */
    speedupWithSecondCore: number | null;
    passWithSecondCore: boolean;
  };
  loadAverage: { start: number; end: number };
  seconds: number;
}

/** A running `montecarlo serve`: one command per line, one JSON answer per line. */
class CProcess {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending: Array<(line: string) => void> = [];
  private readonly lines: string[] = [];

  constructor(executable: string) {
    this.child = spawn(executable, ['serve'], { stdio: ['pipe', 'pipe', 'pipe'] });
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const waiter = this.pending.shift();
      if (waiter === undefined) this.lines.push(line);
      else waiter(line);
    });
  }

  async ask(command: string): Promise<Record<string, number | boolean | string>> {
    const answer = new Promise<string>((resolve) => {
      const ready = this.lines.shift();
      if (ready === undefined) this.pending.push(resolve);
      else resolve(ready);
    });
    this.child.stdin.write(`${command}\n`);
    const parsed = JSON.parse(await answer) as Record<string, number | boolean | string>;
    if ('error' in parsed) throw new Error(`bench/c/montecarlo: ${parsed.error} (${command})`);
    return parsed;
  }

  async close(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin.end('quit\n');
    await exited;
  }
}

/** The C source, from dist/bench (compiled) or bench/ (sources). */
function cSource(): string {
  for (const rel of ['../../bench/c/montecarlo.c', './c/montecarlo.c']) {
    const file = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(file)) return file;
  }
  throw new Error('bench/c/montecarlo.c not found');
}

/** Compiles the C code; returns [executable, compiler description] or the reason it can't. */
function compileC(dir: string): { executable: string; compiler: string } | { skipped: string } {
  let version: string;
  try {
    version = execFileSync('gcc', ['--version'], { encoding: 'utf8' }).split('\n')[0];
  } catch {
    return { skipped: 'gcc not found on PATH: the C column is skipped (install gcc to get it)' };
  }
  let march = '';
  try {
    const target = execFileSync('gcc', ['-march=native', '-Q', '--help=target'], {
      encoding: 'utf8',
    });
    march = /-march=\s+(\S+)/.exec(target)?.[1] ?? '';
  } catch {
    // only descriptive
  }
  const executable = path.join(dir, 'montecarlo');
  const args = ['-O3', '-march=native', '-std=c99', '-o', executable, cSource(), '-lm'];
  try {
    execFileSync('gcc', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const stderr = (e as { stderr?: string }).stderr ?? String(e);
    return { skipped: `gcc ${args.join(' ')} failed, the C column is skipped:\n${stderr}` };
  }
  const flags = `-O3 -march=native${march === '' ? '' : ` (${march})`} -std=c99`;
  return { executable, compiler: `${version}, ${flags}` };
}

/** A sweep of ours in this thread, timed. */
function serialVariant(
  name: string,
  field: GaugeField,
  sweeper: SerialSweeper,
  spec: Omit<SweepSpec, 'sweep'>,
  firstSweep: number,
): TimedVariant {
  let sweep = firstSweep;
  return {
    name,
    opsPerCall: field.lattice.volume * field.lattice.D,
    async sample() {
      const t0 = performance.now();
      sweeper.sweepSync(field, { ...spec, sweep: sweep++ });
      return performance.now() - t0;
    },
  };
}

/** A sweep of the C code, timed by the C code itself (the pipe round trip excluded). */
function cVariant(
  name: string,
  c: CProcess,
  N: 2 | 3,
  volumeLinks: number,
  spec: Omit<SweepSpec, 'sweep'>,
  firstSweep: number,
): TimedVariant {
  let sweep = firstSweep;
  return {
    name,
    opsPerCall: volumeLinks,
    async sample() {
      const answer = await c.ask(`sweep ${N} ${spec.kind} ${spec.beta} ${spec.seed} ${sweep++} 1`);
      return (answer.seconds as number) * 1000;
    },
  };
}

/** A sweep on worker threads, timed from dispatch to the last chunk's return. */
function workerVariant(
  name: string,
  field: GaugeField,
  sweeper: WorkerSweeper,
  spec: Omit<SweepSpec, 'sweep'>,
  firstSweep: number,
): TimedVariant {
  let sweep = firstSweep;
  return {
    name,
    opsPerCall: field.lattice.volume * field.lattice.D,
    async sample() {
      const t0 = performance.now();
      await sweeper.sweep(field, { ...spec, sweep: sweep++ });
      return performance.now() - t0;
    },
  };
}

/**
 * The control of the scaling measurement: a pure floating-point loop (no memory traffic, no
 * shared data) on one and on two worker threads. Two threads doing twice the work in the same
 * time is what the machine offers; less means that something else (other processes, or two
 * virtual CPUs that share a physical core) takes the second core's time. It runs just before
 * and just after each timed 2-thread sweep, so it sees the conditions of that sweep: on the
 * bench machine the second core comes and goes within seconds.
 */
class SpinControl {
  private readonly workers: Worker[];
  private iterations = 1;

  constructor() {
    const code = `
      const { parentPort } = require('node:worker_threads');
      parentPort.on('message', (n) => {
        let x = 1;
        for (let i = 0; i < n; i++) x = x * 1.0000001 + 1e-9;
        parentPort.postMessage(x);
      });`;
    this.workers = [new Worker(code, { eval: true }), new Worker(code, { eval: true })];
  }

  private run(worker: Worker, n: number): Promise<number> {
    return new Promise((resolve) => {
      worker.once('message', (x: number) => resolve(x));
      worker.postMessage(n);
    });
  }

  /** Sizes the loop so that one thread's share takes about `ms` (once the loop is compiled). */
  async calibrate(ms: number): Promise<void> {
    let n = 1 << 20;
    for (let pass = 0; pass < 4; pass++) {
      const t0 = performance.now();
      await Promise.all(this.workers.map((w) => this.run(w, n)));
      const dt = Math.max(performance.now() - t0, 1e-3);
      n = Math.max(1, Math.round(Math.min((n * ms) / dt, 16 * n)));
    }
    this.iterations = n;
  }

  /** One sample on `threads` threads, each doing one share; milliseconds. */
  async sample(threads: 1 | 2): Promise<number> {
    const t0 = performance.now();
    await Promise.all(this.workers.slice(0, threads).map((w) => this.run(w, this.iterations)));
    return performance.now() - t0;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** The check of the C code alone: SU(3) at beta 6 on 8^4, 5 compound sweeps from cold. */
function checkC(executable: string): NonNullable<MonteCarloReport['check']> {
  const answer = JSON.parse(execFileSync(executable, ['check'], { encoding: 'utf8' })) as {
    plaquette: number;
  };
  const field = GaugeField.cold(new Lattice([8, 8, 8, 8]), 3);
  const sweeper = new SerialSweeper();
  for (let k = 0; k < 5; k++) {
    const base = { beta: 6, seed: SEED, sweep: k, stream: 0 };
    sweeper.sweepSync(field, { ...base, kind: 'heatbath' });
    for (let o = 0; o < 4; o++) sweeper.sweepSync(field, { ...base, kind: 'overrelaxation' });
  }
  const ours = averagePlaquette(field);
  const pass = answer.plaquette > 0.58 && answer.plaquette < 0.61;
  return { cPlaquette: answer.plaquette, oursPlaquette: ours, pass };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 === 1 ? s[h] : (s[h - 1] + s[h]) / 2;
}

function fmtRate(r: number | null): string {
  return r === null ? '-' : r.toExponential(2).replace('e+', 'e');
}

function fmtMs(ms: number | null): string {
  return ms === null ? '-' : ms >= 100 ? ms.toFixed(0) : ms.toFixed(1);
}

function fmtG(g: number | null): string {
  return g === null ? '-' : g.toFixed(2);
}

/** A Markdown table with right-aligned numeric columns (all but the first). */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((s, j) => (j === 0 ? s.padEnd(widths[j]) : s.padStart(widths[j]))).join(' | ')} |`;
  const rule = `|${widths.map((w, j) => (j === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** Runs the Monte Carlo benchmark; logs its tables and returns the numbers. */
export async function runMonteCarloBench(opts: MonteCarloOptions): Promise<MonteCarloReport> {
  const { log, L } = opts;
  const t0 = performance.now();
  const rounds = opts.quick ? 3 : 7;
  const thermalization = opts.quick ? 1 : 2;
  const loadStart = os.loadavg()[0];
  const lattice = new Lattice([L, L, L, L]);
  const links = lattice.volume * lattice.D;

  log(`## Monte Carlo on ${lattice} (one core unless stated)`);
  log();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lattice-gauge-bench-'));
  const compiled = compileC(dir);
  const c = 'executable' in compiled ? new CProcess(compiled.executable) : null;
  try {
    let check: MonteCarloReport['check'] = null;
    if ('skipped' in compiled) {
      log(`C reference: SKIPPED. ${compiled.skipped}`);
    } else {
      log(`C reference: bench/c/montecarlo.c, ${compiled.compiler}`);
      const ok = checkC(compiled.executable);
      check = ok;
      log(
        `C check: SU(3), beta 6, 8^4, 5 x (1 heatbath + 4 overrelaxation) sweeps from cold: ` +
          `plaquette ${ok.cPlaquette.toFixed(6)} (expected 0.58-0.61: ${ok.pass ? 'ok' : 'WRONG'}); ` +
          `ours ${ok.oursPlaquette.toFixed(6)}, |difference| ${Math.abs(ok.cPlaquette - ok.oursPlaquette).toExponential(1)}`,
      );
    }
    log(
      `load      ${loadStart.toFixed(2)} (1-minute average at the start of this part; ` +
        `${os.cpus().length} cores)`,
    );
    log(
      `method    cold start, ${thermalization} heatbath sweep(s), then ${rounds} rounds of one ` +
        `sweep of each code (heatbath, then overrelaxation), interleaved, median reported`,
    );
    log();

    const compiledWasm = loadWasmModule('montecarlo');
    const wasmSkipped = 'reason' in compiledWasm ? compiledWasm.reason : null;
    log(
      wasmSkipped === null
        ? 'WebAssembly kernels: dist/wasm/montecarlo.wasm (SIMD), field in a shared WebAssembly memory'
        : `WebAssembly kernels: SKIPPED (${wasmSkipped})`,
    );
    log();

    const updates: UpdateResult[] = [];
    let su3Field: GaugeField | undefined;
    let su3Next = 0;
    for (const N of [2, 3] as const) {
      const beta = BETA[N];
      const field = GaugeField.cold(lattice, N);
      const sweeper = new SerialSweeper({ kernels: 'ts' });
      const wasmField = wasmSkipped === null ? toWasmMemory(field) : null;
      const wasmSweeper = new SerialSweeper({
        kernels: 'wasm',
        wasmModule: () => loadWasmModule('montecarlo'),
      });
      const hb = { kind: 'heatbath', beta, seed: SEED, stream: 0 } as const;
      const or = { kind: 'overrelaxation', beta, seed: SEED, stream: 0 } as const;
      for (let t = 0; t < thermalization; t++) {
        sweeper.sweepSync(field, { ...hb, sweep: t });
        if (wasmField !== null) wasmSweeper.sweepSync(wasmField, { ...hb, sweep: t });
      }
      if (c !== null) {
        await c.ask(`field ${N} ${L}`);
        await c.ask(`sweep ${N} heatbath ${beta} ${SEED} 0 ${thermalization}`);
      }
      const plaquetteDifference = async (): Promise<number | null> =>
        c === null
          ? null
          : Math.abs(
              averagePlaquette(field) - ((await c.ask(`plaquette ${N}`)).plaquette as number),
            );
      const afterThermalization = await plaquetteDifference();

      for (const spec of [hb, or]) {
        const update = `SU(${N}) ${spec.kind}` as keyof typeof FLOPS_PER_LINK_UPDATE;
        const variants: TimedVariant[] = [
          serialVariant(`ours, TypeScript: ${update}`, field, sweeper, spec, thermalization),
        ];
        if (c !== null) {
          variants.push(cVariant(`C: ${update}`, c, N, links, spec, thermalization));
        }
        if (wasmField !== null) {
          variants.push(
            serialVariant(
              `ours, WebAssembly: ${update}`,
              wasmField,
              wasmSweeper,
              spec,
              thermalization,
            ),
          );
        }
        // The heatbath was warmed up by the thermalisation; overrelaxation gets one sweep.
        const warmup = spec.kind === 'heatbath' ? 0 : 1;
        const comparison = await compareTimed(update, variants, rounds, warmup);
        const ours = comparison.variants[0];
        const cRow = comparison.variants.find((v) => v.name.startsWith('C:'));
        const wasmRow = comparison.variants.find((v) => v.name.startsWith('ours, WebAssembly'));
        const flops = FLOPS_PER_LINK_UPDATE[update];
        const oursRate = 1e9 / ours.nsPerOp;
        const cRate = cRow === undefined ? null : 1e9 / cRow.nsPerOp;
        const wasmRate = wasmRow === undefined ? null : 1e9 / wasmRow.nsPerOp;
        const cOverOurs = cRate === null ? null : cRate / oursRate;
        const cOverWasm = cRate === null || wasmRate === null ? null : cRate / wasmRate;
        updates.push({
          update,
          oursUpdatesPerSecond: oursRate,
          cUpdatesPerSecond: cRate,
          cOverOurs,
          pass: cOverOurs === null ? null : cOverOurs <= MAX_C_OVER_OURS,
          wasmUpdatesPerSecond: wasmRate,
          cOverWasm,
          wasmPass: cOverWasm === null ? null : cOverWasm <= MAX_C_OVER_WASM,
          wasmMsPerSweep: wasmRow === undefined ? null : (wasmRow.nsPerOp * links) / 1e6,
          wasmGflops: wasmRate === null ? null : (wasmRate * flops) / 1e9,
          wasmIdentical: null,
          oursMsPerSweep: (ours.nsPerOp * links) / 1e6,
          cMsPerSweep: cRow === undefined ? null : (cRow.nsPerOp * links) / 1e6,
          flopsPerLinkUpdate: flops,
          oursGflops: (oursRate * flops) / 1e9,
          cGflops: cRate === null ? null : (cRate * flops) / 1e9,
          plaquetteDifference: null,
          comparison,
        });
      }
      const afterTimed = await plaquetteDifference();
      const wasmIdentical = wasmField === null ? null : wasmField.equals(field, 0);
      for (const u of updates.slice(-2)) {
        u.plaquetteDifference = afterTimed;
        u.wasmIdentical = wasmIdentical;
      }
      if (afterThermalization !== null && afterTimed !== null) {
        log(
          `SU(${N}) at beta ${beta}: plaquette ${averagePlaquette(field).toFixed(6)}; ` +
            `|ours - C| ${afterThermalization.toExponential(1)} after thermalisation, ` +
            `${afterTimed.toExponential(1)} after the timed sweeps (the same Markov chain)`,
        );
      }
      if (wasmIdentical !== null) {
        log(
          `SU(${N}): the WebAssembly and the TypeScript kernels' fields after the timed sweeps are ` +
            `${wasmIdentical ? 'bit-for-bit identical' : 'DIFFERENT'}`,
        );
      }
      if (N === 3) {
        su3Field = field;
        su3Next = thermalization + rounds;
      }
    }
    log();

    const rows = updates.map((u) => {
      const iqr = (name: string): string => {
        const v = u.comparison.variants.find((r) => r.name.startsWith(name));
        return v === undefined ? '-' : `${(100 * v.relativeIqr).toFixed(0)}%`;
      };
      const verdict = (pass: boolean | null): string =>
        pass === null ? 'no C' : pass ? 'PASS' : 'FAIL';
      return [
        u.update,
        fmtRate(u.oursUpdatesPerSecond),
        fmtRate(u.wasmUpdatesPerSecond),
        fmtRate(u.cUpdatesPerSecond),
        u.cOverOurs === null ? '-' : formatRatio(u.cOverOurs),
        verdict(u.pass),
        u.cOverWasm === null ? '-' : formatRatio(u.cOverWasm),
        u.wasmUpdatesPerSecond === null ? 'no wasm' : verdict(u.wasmPass),
        fmtMs(u.oursMsPerSweep),
        fmtMs(u.wasmMsPerSweep),
        fmtMs(u.cMsPerSweep),
        String(u.flopsPerLinkUpdate),
        fmtG(u.oursGflops),
        fmtG(u.wasmGflops),
        fmtG(u.cGflops),
        `${iqr('ours, TypeScript')} / ${iqr('ours, WebAssembly')} / ${iqr('C:')}`,
      ];
    });
    log(
      `### Link updates per second on ${lattice}, one core: ours (SerialSweeper, TypeScript ` +
        `and WebAssembly kernels) and C`,
    );
    log();
    log(
      table(
        [
          'update',
          'TS /s',
          'wasm /s',
          'C /s',
          'C / TS',
          `<= ${MAX_C_OVER_OURS}x`,
          'C / wasm',
          `<= ${MAX_C_OVER_WASM}x`,
          'TS ms/sweep',
          'wasm ms/sweep',
          'C ms/sweep',
          'flops/update',
          'TS GFLOP/s',
          'wasm GFLOP/s',
          'C GFLOP/s',
          'IQR TS / wasm / C',
        ],
        rows,
      ),
    );
    log();
    log(
      'flops/update: SU(3) QUDA cost model (3069 heatbath, 3111 overrelaxation); SU(2) counted on ' +
        'the code that runs, quaternion staple included (FLOPS_PER_LINK_UPDATE in bench/montecarlo.ts)',
    );
    log();

    // Scaling from 1 to 2 worker threads (SU(3) heatbath) with the default kernels (WebAssembly
    // where it runs, the fields in WebAssembly memory, as generateEnsemble places them), and the
    // TypeScript kernels in this thread as the reference.
    const base = su3Field!;
    const serialField = new GaugeField(lattice, 3, base.links.slice());
    const oneField = wasmSkipped === null ? toWasmMemory(base) : base.toShared();
    const twoField = wasmSkipped === null ? toWasmMemory(base) : base.toShared();
    const one = new WorkerSweeper(1);
    const two = new WorkerSweeper(2);
    const hb3 = { kind: 'heatbath', beta: BETA[3], seed: SEED, stream: 0 } as const;
    const control = new SpinControl();
    let scalingComparison: ComparisonResult;
    /** One share of the control on one thread, ms (median of 3). */
    let controlOne = 0;
    /** The control on two threads just before and just after each 2-thread sweep, ms. */
    const brackets: Array<[number, number]> = [];
    try {
      await control.calibrate(100);
      controlOne = median([
        await control.sample(1),
        await control.sample(1),
        await control.sample(1),
      ]);
      const twoRaw = workerVariant('WorkerSweeper(2)', twoField, two, hb3, su3Next);
      scalingComparison = await compareTimed(
        `SU(3) heatbath on ${lattice}: worker threads`,
        [
          workerVariant('WorkerSweeper(1)', oneField, one, hb3, su3Next),
          {
            ...twoRaw,
            async sample() {
              const before = await control.sample(2);
              const ms = await twoRaw.sample();
              brackets.push([before, await control.sample(2)]);
              return ms;
            },
          },
          serialVariant(
            'SerialSweeper, TypeScript kernels',
            serialField,
            new SerialSweeper({ kernels: 'ts' }),
            hb3,
            su3Next,
          ),
        ],
        rounds,
        1,
      );
    } finally {
      await one.close();
      await two.close();
      await control.close();
    }
    const identical = oneField.equals(twoField, 0) && serialField.equals(twoField, 0);
    const [w1, w2, serial] = scalingComparison.variants;
    const speedup = w1.nsPerOp / w2.nsPerOp;
    // What the machine offered to 2 threads around each timed 2-thread sweep (2 = a whole
    // second core; two threads did twice the work of one): the worse of the two brackets.
    const timedBrackets = brackets.slice(-rounds);
    const capacities = timedBrackets.map(([b, a]) => (2 * controlOne) / Math.max(b, a));
    const capacity = median(capacities);
    const w1Median = w1.nsPerOp;
    const perRound = w2.samplesNs.map((w2ns, r) => ({
      capacity: capacities[r],
      speedup: w1Median / w2ns,
      w2: w2ns,
    }));
    const twoCoreRounds = perRound.filter((r) => r.capacity >= SECOND_CORE);
    const speedupTwoCores =
      twoCoreRounds.length === 0 ? null : w1Median / median(twoCoreRounds.map((r) => r.w2));
    const scalingPass = speedup >= MIN_WORKER_SCALING;
    const scalingPassTwoCores = speedupTwoCores !== null && speedupTwoCores >= MIN_WORKER_SCALING;
    const loadEnd = os.loadavg()[0];
    log(
      `### Scaling: SU(3) heatbath on ${lattice}, WorkerSweeper with 1 and 2 threads ` +
        `(${wasmSkipped === null ? 'WebAssembly' : 'TypeScript'} kernels)`,
    );
    log();
    log(
      table(
        ['sweeper', 'link updates/s', 'ms/sweep', 'speed-up vs 1 thread', 'IQR'],
        [w1, w2, serial].map((v) => [
          v.name,
          fmtRate(1e9 / v.nsPerOp),
          fmtMs((v.nsPerOp * links) / 1e6),
          formatRatio(w1.nsPerOp / v.nsPerOp),
          `${(100 * v.relativeIqr).toFixed(0)}%`,
        ]),
      ),
    );
    log();
    log(
      `2 threads / 1 thread = ${speedup.toFixed(2)}x (target >= ${MIN_WORKER_SCALING}): ` +
        `${scalingPass ? 'PASS' : 'FAIL'}; fastest samples ` +
        `${(w1.minNsPerOp / w2.minNsPerOp).toFixed(2)}x. Fields after the timed sweeps ` +
        `bit-for-bit identical on 1 thread, 2 threads and serially (TypeScript): ` +
        `${identical ? 'yes' : 'NO'}.`,
    );
    log(
      `control   a floating-point loop on 2 threads just before and after each 2-thread sweep ` +
        `(one share on 1 thread: ${fmtMs(controlOne)} ms): the machine gave 2 threads ` +
        `${capacity.toFixed(2)}x of one core (median); ours reached ` +
        `${((100 * speedup) / capacity).toFixed(0)}% of that.`,
    );
    log(
      `rounds    machine ${perRound.map((r) => r.capacity.toFixed(2)).join(' ')}; ` +
        `ours (median 1 thread / this 2-thread sweep) ` +
        `${perRound.map((r) => r.speedup.toFixed(2)).join(' ')}`,
    );
    log(
      speedupTwoCores === null
        ? `          no 2-thread sweep had a second core (control >= ${SECOND_CORE}x on both ` +
            `sides): the scaling target cannot be judged on this machine now`
        : `          over the ${twoCoreRounds.length} 2-thread sweep(s) with a second core ` +
            `(control >= ${SECOND_CORE}x on both sides): 2 threads / 1 thread = ` +
            `${speedupTwoCores.toFixed(2)}x: ${scalingPassTwoCores ? 'PASS' : 'FAIL'}`,
    );
    log(
      `load      ${loadEnd.toFixed(2)} at the end (1-minute average, this run included; ` +
        `${os.cpus().length} cores)`,
    );
    const wasmTargets =
      wasmSkipped === null
        ? updates.every((u) => u.wasmPass !== false && u.wasmIdentical !== false)
        : false;
    log(
      `WebAssembly kernels (the default): C / ours <= ${MAX_C_OVER_WASM} for every update: ` +
        (wasmSkipped !== null
          ? 'not measured (no WebAssembly kernels here)'
          : c === null
            ? 'not judged (no C)'
            : `${wasmTargets ? 'PASS' : 'FAIL'} (${updates.map((u) => `${u.update} ${u.cOverWasm?.toFixed(2)}x`).join(', ')})`),
    );
    const onOneCore = updates.every((u) => u.pass !== false) && identical && wasmTargets;
    const verdict = !onOneCore
      ? 'FAIL'
      : scalingPass
        ? 'PASS'
        : scalingPassTwoCores
          ? `PASS on one core; scaling PASS in the ${twoCoreRounds.length} round(s) where the ` +
            `machine gave a second core, FAIL over all rounds (machine-limited)`
          : 'FAIL (scaling)';
    log(
      `MONTE CARLO TARGETS: ${verdict}` +
        (c === null ? ' (without gcc the C targets were not judged)' : ''),
    );
    log();
    return {
      L,
      rounds,
      compiler: 'compiler' in compiled ? compiled.compiler : null,
      cSkipped: 'skipped' in compiled ? compiled.skipped : null,
      wasmSkipped,
      check,
      updates,
      scaling: {
        comparison: scalingComparison,
        speedup,
        pass: speedup >= MIN_WORKER_SCALING,
        identical,
        control: { oneThreadMs: controlOne, twoThreadBracketsMs: timedBrackets },
        machineCapacity: capacity,
        rounds: perRound,
        speedupWithSecondCore: speedupTwoCores,
        passWithSecondCore: scalingPassTwoCores,
      },
      loadAverage: { start: loadStart, end: loadEnd },
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    if (c !== null) await c.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
