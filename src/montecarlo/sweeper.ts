/**
 * Sweepers run checkerboard sweeps (./checkerboard.ts) over a gauge field: in this thread
 * ({@link SerialSweeper}) or split over piscina worker threads that share the links through a
 * SharedArrayBuffer ({@link WorkerSweeper}). Both give bit-for-bit the same field.
 *
 * Kernels: a field whose links live in WebAssembly memory (toWasmMemory, ./wasm/wasmField.ts)
 * is swept by the WebAssembly kernels (./wasm/monteCarloWasm.ts) where they have the update
 * (SU(2), SU(3) heatbath and overrelaxation) and run on this host; otherwise, and with
 * `kernels: 'ts'`, by the TypeScript ones. Both give bit-for-bit the same field.
 *
 * @module
 */
import { workerFile } from '../core/workerFile.js';
import { Piscina } from 'piscina';
import type { GaugeField } from '../lattice/gaugeField.js';
import { checkInteger, rangeError } from '../core/validate.js';
import { checkKernelChoice, type KernelChoice } from '../core/webassembly.js';
import { loadWasmModule } from '../io/wasmModule.js';
import {
  checkCheckerboard,
  PassContext,
  sitesByParity,
  sweepPasses,
  updatePassRange,
  type PassSpec,
} from './checkerboard.js';
import { MonteCarloWasm, monteCarloWasmFor, wasmHasPass } from './wasm/monteCarloWasm.js';
import type { WasmFieldLayout } from './wasm/wasmField.js';

/** A sweep: the same update applied in every (direction, parity) pass. */
export type SweepSpec = Omit<PassSpec, 'mu' | 'parity'>;

/**
 * Runs sweeps over a field. A sweeper that keeps its own copy of the links between sweeps
 * (the GPU's, ./gpu/webgpuSweeper.ts) also implements `upload`, `download` and `reunitarize`;
 * generateEnsemble calls them wherever the links are used or changed outside the sweeps.
 */
export interface Sweeper {
  /** One sweep of 2D passes; resolves to the number of accepted Metropolis proposals. */
  sweep(field: GaugeField, spec: SweepSpec): Promise<number>;
  /** Releases threads. */
  close(): Promise<void>;
  /** Takes field.links, which changed outside the sweeper (a start field, a checkpoint). */
  upload?(field: GaugeField): Promise<void>;
  /** Makes field.links current (before measuring, saving or checkpointing). */
  download?(field: GaugeField): Promise<void>;
  /** Re-unitarises the links where they are (instead of field.reunitarize()). */
  reunitarize?(field: GaugeField): Promise<void>;
}

/** How a sweeper runs (the result does not depend on it). */
export interface SweeperOptions {
  /**
   * The kernels of the link updates (default 'auto': WebAssembly for fields in WebAssembly
   * memory where it runs, else TypeScript; 'wasm' fails where it cannot be used).
   */
  kernels?: KernelChoice;
}

/** The WebAssembly kernels for a sweep of `field`, or undefined (see {@link SweeperOptions}). */
function wasmForSweep(
  fn: string,
  field: GaugeField,
  kernels: KernelChoice,
  cached: MonteCarloWasm | undefined,
): MonteCarloWasm | undefined {
  return monteCarloWasmFor(fn, field, kernels, () => loadWasmModule('montecarlo'), cached);
}

/** Sweeps in the calling thread. */
export class SerialSweeper implements Sweeper {
  /** The kernels asked for. */
  readonly kernels: KernelChoice;
  private ctx: PassContext | undefined;
  private sites: [Int32Array, Int32Array] | undefined;
  private forField: GaugeField | undefined;
  private wasm: MonteCarloWasm | undefined;

  constructor(options: SweeperOptions = {}) {
    this.kernels = checkKernelChoice('SerialSweeper', 'options.kernels', options.kernels ?? 'auto');
  }

  async sweep(field: GaugeField, spec: SweepSpec): Promise<number> {
    return this.sweepSync(field, spec);
  }

  /** The same sweep, synchronously. */
  sweepSync(field: GaugeField, spec: SweepSpec): number {
    if (this.forField !== field) {
      checkCheckerboard('SerialSweeper.sweep', field.lattice);
      this.ctx = new PassContext(field.group, spec.seed);
      this.sites = sitesByParity(field.lattice);
      this.forField = field;
    }
    const wasm = wasmForSweep('SerialSweeper.sweep', field, this.kernels, this.wasm);
    this.wasm = wasm;
    let accepted = 0;
    for (const pass of sweepPasses(field.lattice.D, spec)) {
      const sites = this.sites![pass.parity];
      if (wasm !== undefined && wasmHasPass(field.N, pass.kind)) {
        wasm.runPass(pass, field.N, 0, sites.length);
      } else {
        accepted += updatePassRange(field, sites, 0, sites.length, pass, this.ctx!);
      }
    }
    return accepted;
  }

  async close(): Promise<void> {}
}

/** What a worker receives for one chunk of one pass. */
export interface PassTask {
  /** The links, backed by a SharedArrayBuffer. */
  links: Float64Array;
  /** Lattice extents. */
  dims: number[];
  /** Number of colours. */
  N: number;
  /** The pass. */
  pass: PassSpec;
  /** First index into the pass's list of sites of one parity. */
  begin: number;
  /** One past the last index. */
  end: number;
  /** Present when the WebAssembly kernels run the pass: where the field lives in their memory. */
  wasm?: WasmFieldLayout;
}

/**
 * Sweeps with `workers` threads: every pass is split into `workers` contiguous chunks of its
 * sites. The field's links must live in a SharedArrayBuffer (GaugeField.toShared).
 */
export class WorkerSweeper implements Sweeper {
  private readonly pool: Piscina;
  /** Number of worker threads. */
  readonly workers: number;
  /** The kernels asked for. */
  readonly kernels: KernelChoice;
  private wasm: MonteCarloWasm | undefined;

  constructor(workers: number, options: SweeperOptions = {}) {
    checkInteger('WorkerSweeper', 'workers', workers, 1, 256);
    this.workers = workers;
    this.kernels = checkKernelChoice('WorkerSweeper', 'options.kernels', options.kernels ?? 'auto');
    this.pool = new Piscina({
      filename: workerFile(import.meta.url, 'sweepWorker'),
      minThreads: workers,
      maxThreads: workers,
      idleTimeout: 60_000,
    });
  }

  async sweep(field: GaugeField, spec: SweepSpec): Promise<number> {
    if (!(field.links.buffer instanceof SharedArrayBuffer)) {
      throw rangeError(
        'WorkerSweeper.sweep',
        'field',
        'links in a SharedArrayBuffer (see GaugeField.toShared)',
        'links in an ArrayBuffer',
      );
    }
    checkCheckerboard('WorkerSweeper.sweep', field.lattice);
    // decided here, once per sweep: the workers run what they are told
    this.wasm = wasmForSweep('WorkerSweeper.sweep', field, this.kernels, this.wasm);
    const half = field.lattice.volume / 2;
    let accepted = 0;
    for (const pass of sweepPasses(field.lattice.D, spec)) {
      const chunks: Array<Promise<number>> = [];
      for (let w = 0; w < this.workers; w++) {
        const begin = Math.floor((w * half) / this.workers);
        const end = Math.floor(((w + 1) * half) / this.workers);
        if (end > begin) {
          const task: PassTask = {
            links: field.links,
            dims: [...field.lattice.dims],
            N: field.N,
            pass,
            begin,
            end,
          };
          if (this.wasm !== undefined && wasmHasPass(field.N, pass.kind)) {
            task.wasm = this.wasm.layout;
          }
          chunks.push(this.pool.run(task));
        }
      }
      for (const a of await Promise.all(chunks)) accepted += a;
    }
    return accepted;
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
