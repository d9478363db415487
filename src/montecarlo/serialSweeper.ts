/**
 * The sweeper interface, and sweeps in the calling thread ({@link SerialSweeper}); threads
 * are in ./sweeper.ts (WorkerSweeper, Node), the GPU in ./gpu/webgpuSweeper.ts. This file
 * imports nothing from Node: it runs in a page too (the web page's CPU path).
 *
 * Kernels: a field whose links live in WebAssembly memory (toWasmMemory, ./wasm/wasmField.ts)
 * is swept by the WebAssembly kernels (./wasm/monteCarloWasm.ts) where they have the update
 * (SU(2), SU(3) heatbath and overrelaxation), run on this host and were handed in
 * ({@link SweeperOptions.wasmModule}: in Node `loadWasmModule('montecarlo')` of
 * lattice-gauge/io, in a page a module compiled from the fetched file); otherwise, and with
 * `kernels: 'ts'`, by the TypeScript ones. Both give bit-for-bit the same field.
 *
 * @module
 */
import type { GaugeField } from '../lattice/gaugeField.js';
import { checkKernelChoice, type CompiledKernels, type KernelChoice } from '../core/webassembly.js';
import {
  checkCheckerboard,
  PassContext,
  sitesByParity,
  sweepPasses,
  updatePassRange,
  type PassSpec,
} from './checkerboard.js';
import { MonteCarloWasm, monteCarloWasmFor, wasmHasPass } from './wasm/monteCarloWasm.js';

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
  /**
   * Makes field.links current (before measuring, saving or checkpointing). With
   * `reunitarize: false` the sweeper's own links stay exactly as they are (a look at the field
   * between saves, or a checkpoint from which the same chain continues); otherwise the sweeper
   * may also take back a cleaned-up copy (the GPU: re-unitarised in float64).
   */
  download?(field: GaugeField, options?: { reunitarize?: boolean }): Promise<void>;
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
  /**
   * The compiled Monte Carlo kernels (assembly/montecarlo.ts), asked for on the first sweep of
   * a field in WebAssembly memory: in Node `() => loadWasmModule('montecarlo')`
   * (lattice-gauge/io), which generateEnsemble passes. Without it the serial sweeper runs the
   * TypeScript kernels (`kernels: 'wasm'` then fails and says so); WorkerSweeper's threads
   * load the module themselves.
   */
  wasmModule?: () => CompiledKernels;
}

/** What {@link SweeperOptions.wasmModule} gives when it is not set. */
function noWasmModule(): CompiledKernels {
  return { reason: 'no WebAssembly module was handed in (SweeperOptions.wasmModule)' };
}

/** Sweeps in the calling thread. */
export class SerialSweeper implements Sweeper {
  /** The kernels asked for. */
  readonly kernels: KernelChoice;
  private ctx: PassContext | undefined;
  private sites: [Int32Array, Int32Array] | undefined;
  private forField: GaugeField | undefined;
  private wasm: MonteCarloWasm | undefined;
  private readonly wasmModule: () => CompiledKernels;

  constructor(options: SweeperOptions = {}) {
    this.kernels = checkKernelChoice('SerialSweeper', 'options.kernels', options.kernels ?? 'auto');
    this.wasmModule = options.wasmModule ?? noWasmModule;
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
    const fn = 'SerialSweeper.sweep';
    const wasm = monteCarloWasmFor(fn, field, this.kernels, this.wasmModule, this.wasm);
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
