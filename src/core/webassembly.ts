/**
 * What the WebAssembly kernels (src/montecarlo/wasm, src/lcnn/wasm) need of the host: the
 * JavaScript WebAssembly API (typed here for the few calls we make, since the project compiles
 * without the DOM library), feature detection, and the switch between kernel sets.
 *
 * The kernels are built from AssemblyScript sources (assembly/) by `npm run build`; the
 * TypeScript kernels stay the reference and the fallback. Runs in Node and in browsers: no
 * `node:` module here (reading the .wasm file is src/io/wasmModule.ts's job in Node).
 *
 * @module
 */
import { rangeError } from './validate.js';

/** Which kernels run the hot loops: the TypeScript ones, the WebAssembly ones, or the faster. */
export type KernelChoice = 'ts' | 'wasm' | 'auto';

/** The values of {@link KernelChoice}. */
export const KERNEL_CHOICES: readonly KernelChoice[] = ['ts', 'wasm', 'auto'];

/** Checks a {@link KernelChoice} at a public API; returns it. */
export function checkKernelChoice(fn: string, arg: string, value: unknown): KernelChoice {
  if (!KERNEL_CHOICES.includes(value as KernelChoice)) {
    throw rangeError(fn, arg, `one of ${KERNEL_CHOICES.map((k) => `"${k}"`).join(', ')}`, value);
  }
  return value as KernelChoice;
}

/** A WebAssembly.Memory. */
export interface WasmMemory {
  /** Its bytes: a SharedArrayBuffer for a shared memory. */
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}

/** A compiled WebAssembly.Module (opaque). */
export type WasmModule = object;

/** A WebAssembly.Instance. */
export interface WasmInstance {
  /** Its exported functions (and memory). */
  readonly exports: Record<string, unknown>;
}

/** The part of the global `WebAssembly` object that the kernels use. */
export interface WebAssemblyApi {
  /** WebAssembly.Memory. */
  Memory: {
    /** A memory of `initial` pages, growable to `maximum`, shared between threads if `shared`. */
    new (descriptor: { initial: number; maximum?: number; shared?: boolean }): WasmMemory;
  };
  /** WebAssembly.Module. */
  Module: {
    /** Compiles a module synchronously. */
    new (bytes: Uint8Array): WasmModule;
  };
  /** WebAssembly.Instance. */
  Instance: {
    /** Instantiates a module synchronously with its imports. */
    new (module: WasmModule, imports: Record<string, Record<string, unknown>>): WasmInstance;
  };
  /** WebAssembly.validate. */
  validate(bytes: Uint8Array): boolean;
}

/** A host that runs the WebAssembly kernels. */
export interface WebAssemblyAvailable {
  /** Its WebAssembly API. */
  api: WebAssemblyApi;
}

/** Why the WebAssembly kernels cannot run. */
export interface WebAssemblyUnavailable {
  /** The reason, for messages. */
  reason: string;
}

/** A compiled kernel module with the API that instantiates it. */
export interface KernelModule extends WebAssemblyAvailable {
  /** The compiled module. */
  module: WasmModule;
}

/** A compiled kernel module, or why the kernels cannot run. */
export type CompiledKernels = KernelModule | WebAssemblyUnavailable;

/** Bytes of a WebAssembly page. */
export const WASM_PAGE_BYTES = 65536;

/**
 * The smallest module with a v128 value: (func (result v128) (i8x16.splat (i32.const 0)))
 * (the SIMD test of the wasm-feature-detect library).
 */
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15,
  253, 98, 11,
]);

/**
 * The host's WebAssembly API if it runs the kernels (fixed-width SIMD, and shared memories when
 * `sharedMemory`, which browsers offer only to cross-origin isolated pages); otherwise the
 * reason it does not.
 */
export function webAssemblyKernelSupport(
  sharedMemory = true,
): WebAssemblyAvailable | WebAssemblyUnavailable {
  const api = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  if (api === undefined) return { reason: 'no WebAssembly in this JavaScript engine' };
  if (!api.validate(SIMD_PROBE)) return { reason: 'no WebAssembly SIMD (v128) in this engine' };
  if (!sharedMemory) return { api };
  if (typeof SharedArrayBuffer === 'undefined') {
    return { reason: 'no SharedArrayBuffer (a browser page must be cross-origin isolated)' };
  }
  try {
    const probe = new api.Memory({ initial: 1, maximum: 1, shared: true });
    if (!(probe.buffer instanceof SharedArrayBuffer)) {
      return { reason: 'shared WebAssembly memories are not backed by a SharedArrayBuffer' };
    }
  } catch (e) {
    return { reason: `no shared WebAssembly memory: ${(e as Error).message}` };
  }
  return { api };
}
