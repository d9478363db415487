/**
 * Loads the WebAssembly kernels that `npm run build` compiles from assembly/ into dist/wasm/
 * (Node only: it reads the file). Browser code gets the same modules by other means (fetch and
 * WebAssembly.compileStreaming) and hands them to the same kernel wrappers, which take a
 * compiled module and import nothing from Node.
 *
 * Each module is compiled once per thread, synchronously (allowed in Node for any size), and
 * cached; when it cannot be (no SIMD, no shared memory, the file missing), the reason is
 * cached instead and the callers fall back to the TypeScript kernels.
 *
 * @module
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { webAssemblyKernelSupport, type CompiledKernels } from '../core/webassembly.js';

/** The WebAssembly modules the build makes. */
export type WasmModuleName = 'montecarlo' | 'lcnn';

const loaded = new Map<WasmModuleName, CompiledKernels>();

/** The module's file: dist/wasm/NAME.wasm, from the compiled code or from the sources (tests). */
export function wasmModuleFile(name: WasmModuleName): string | undefined {
  for (const rel of [`../../wasm/${name}.wasm`, `../../dist/wasm/${name}.wasm`]) {
    const file = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(file)) return file;
  }
  return undefined;
}

/**
 * When this runs from the sources (tests), the newest AssemblyScript source that is newer than
 * the module `file` built from them, if any: the module would be stale (as src/core/workerFile.ts
 * refuses stale workers). From dist/ (no assembly/ beside it) there is nothing to compare.
 */
function newerSource(file: string): string | undefined {
  const sources = fileURLToPath(new URL('../../assembly', import.meta.url));
  if (!existsSync(sources)) return undefined;
  const builtAt = statSync(file).mtimeMs;
  for (const entry of readdirSync(sources, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const path = join(entry.parentPath, entry.name);
    if (statSync(path).mtimeMs > builtAt) return path;
  }
  return undefined;
}

/** The compiled module `name` (cached per thread), or the reason it cannot run here. */
export function loadWasmModule(name: WasmModuleName): CompiledKernels {
  let result = loaded.get(name);
  if (result === undefined) {
    result = compile(name);
    loaded.set(name, result);
  }
  return result;
}

function compile(name: WasmModuleName): CompiledKernels {
  // the Monte Carlo kernels work on a memory shared between threads; the L-CNN kernels on their own
  const support = webAssemblyKernelSupport(name === 'montecarlo');
  if ('reason' in support) return support;
  const file = wasmModuleFile(name);
  if (file === undefined) {
    return { reason: `dist/wasm/${name}.wasm not found: run npm run build` };
  }
  const newer = newerSource(file);
  if (newer !== undefined) {
    return { reason: `${file} is older than ${newer}: run npm run build` };
  }
  try {
    return { api: support.api, module: new support.api.Module(readFileSync(file)) };
  } catch (e) {
    return { reason: `${file} does not compile here: ${(e as Error).message}` };
  }
}
