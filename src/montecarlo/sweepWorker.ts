/**
 * The piscina worker of {@link WorkerSweeper}: applies one chunk of one checkerboard pass to
 * links shared through a SharedArrayBuffer. Lattices, site lists and scratch are built once
 * per worker and reused.
 *
 * @module
 */
import { GaugeField } from '../lattice/gaugeField.js';
import { Lattice } from '../lattice/lattice.js';
import { loadWasmModule } from '../io/wasmModule.js';
import { kernelsFor } from '../sun/group.js';
import { PassContext, sitesByParity, updatePassRange } from './checkerboard.js';
import type { PassTask } from './sweeper.js';
import { MonteCarloWasm } from './wasm/monteCarloWasm.js';
import type { WasmFieldLayout } from './wasm/wasmField.js';

interface Geometry {
  lattice: Lattice;
  sites: [Int32Array, Int32Array];
}

const geometries = new Map<string, Geometry>();
const contexts = new Map<number, PassContext>();
/** The instance on the memory of the last placed field this worker swept. */
let wasm: MonteCarloWasm | undefined;

/** This thread's instance of the WebAssembly kernels on the field's memory. */
function wasmFor(layout: WasmFieldLayout): MonteCarloWasm {
  if (wasm === undefined || wasm.layout.id !== layout.id) {
    const compiled = loadWasmModule('montecarlo');
    if ('reason' in compiled) {
      throw new Error(`sweep worker: the WebAssembly kernels cannot run here: ${compiled.reason}`);
    }
    wasm = new MonteCarloWasm(compiled.api, compiled.module, layout);
  }
  return wasm;
}

/** Runs one chunk; returns the number of accepted Metropolis proposals. */
export default function runPassChunk(task: PassTask): number {
  if (task.wasm !== undefined) {
    wasmFor(task.wasm).runPass(task.pass, task.N, task.begin, task.end);
    return 0;
  }
  const key = task.dims.join('x');
  let geometry = geometries.get(key);
  if (geometry === undefined) {
    const lattice = new Lattice(task.dims);
    geometry = { lattice, sites: sitesByParity(lattice) };
    geometries.set(key, geometry);
  }
  let ctx = contexts.get(task.N);
  if (ctx === undefined) {
    ctx = new PassContext(kernelsFor(task.N), task.pass.seed);
    contexts.set(task.N, ctx);
  }
  const field = new GaugeField(geometry.lattice, task.N, task.links);
  return updatePassRange(
    field,
    geometry.sites[task.pass.parity],
    task.begin,
    task.end,
    task.pass,
    ctx,
  );
}
