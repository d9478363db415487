/**
 * Sweepers run checkerboard sweeps (./checkerboard.ts) over a gauge field: in this thread
 * (SerialSweeper, ./serialSweeper.ts, which runs in a browser too) or split over piscina
 * worker threads that share the links through a SharedArrayBuffer ({@link WorkerSweeper},
 * Node only). Both give bit-for-bit the same field.
 *
 * Kernels: a field whose links live in WebAssembly memory (toWasmMemory, ./wasm/wasmField.ts)
 * is swept by the WebAssembly kernels (./wasm/monteCarloWasm.ts, loaded from dist/wasm by
 * every thread) where they have the update (SU(2), SU(3) heatbath and overrelaxation) and run
 * on this host; otherwise, and with
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
import { checkCheckerboard, sweepPasses, type PassSpec } from './checkerboard.js';
import type { Sweeper, SweeperOptions, SweepSpec } from './serialSweeper.js';
import { MonteCarloWasm, monteCarloWasmFor, wasmHasPass } from './wasm/monteCarloWasm.js';
import type { WasmFieldLayout } from './wasm/wasmField.js';

export {
  SerialSweeper,
  type Sweeper,
  type SweeperOptions,
  type SweepSpec,
} from './serialSweeper.js';

/** The WebAssembly kernels for a sweep of `field`, or undefined (see SweeperOptions). */
function wasmForSweep(
  fn: string,
  field: GaugeField,
  kernels: KernelChoice,
  cached: MonteCarloWasm | undefined,
): MonteCarloWasm | undefined {
  return monteCarloWasmFor(fn, field, kernels, () => loadWasmModule('montecarlo'), cached);
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
