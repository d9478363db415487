/**
 * The WebAssembly L-CNN kernels of this thread (./lcnnWasm.ts), loaded from dist/wasm (Node:
 * src/io/wasmModule.ts) on first use and kept for the thread's lifetime.
 *
 * @module
 */
import type { KernelChoice } from '../../core/webassembly.js';
import { loadWasmModule } from '../../io/wasmModule.js';
import { LcnnWasm } from './lcnnWasm.js';

let instance: LcnnWasm | undefined;

/**
 * The kernels a model should use for `kernels`: this thread's WebAssembly kernels for 'wasm'
 * and 'auto' (undefined, i.e. TypeScript, for 'auto' where they cannot run; 'wasm' throws,
 * saying why), none for 'ts'.
 */
export function lcnnKernelsFor(fn: string, kernels: KernelChoice): LcnnWasm | undefined {
  if (kernels === 'ts') return undefined;
  if (instance !== undefined) return instance;
  const compiled = loadWasmModule('lcnn');
  if ('reason' in compiled) {
    if (kernels === 'auto') return undefined;
    throw new Error(`${fn}: the WebAssembly kernels cannot run here: ${compiled.reason}`);
  }
  instance = new LcnnWasm(compiled.api, compiled.module);
  return instance;
}
