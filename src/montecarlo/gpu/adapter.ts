/**
 * Finding a WebGPU device in Node through the `webgpu` package (Google's Dawn, prebuilt).
 *
 * Dawn's backends are tried in order until one gives an adapter: by default Vulkan at the
 * core feature level (NVIDIA and AMD drivers, also Mesa's lavapipe where installed), then
 * OpenGL through EGL at the compatibility feature level (Mesa's llvmpipe on a machine
 * without a GPU: CI and this project's development machines). For OpenGL without a display,
 * EGL needs `EGL_PLATFORM=surfaceless`; it is set for this process when unset, since Dawn
 * reads it when it loads libEGL. When nothing works, the error names every backend tried and
 * why it failed.
 *
 * Dawn reports a backend whose system library is missing (no Vulkan loader on a machine
 * without a GPU driver) by printing a warning, with the path of its C++ source, straight to
 * the process's stderr: the webgpu package gives no way to redirect it. So on Linux each
 * backend's library is first asked of the dynamic loader, as Dawn would load it
 * (`libvulkan.so.1`, `libEGL.so`), and a backend whose library does not load is passed over
 * with the loader's reason, without asking Dawn; `probeLibraries: false` lets Dawn try (and
 * print). Warnings Dawn prints about an adapter it found (limits it lowers, on Mesa) are not
 * covered: they come from the same printing, and the adapter is used.
 *
 * @module
 */
import { rangeError } from '../../core/validate.js';
import { contextFromAdapter, type GpuContext } from './gpuContext.js';
import { WebGpuSweeper } from './webgpuSweeper.js';

export type { GpuContext } from './gpuContext.js';

/** A Dawn backend and the WebGPU feature level requested from it. */
export type GpuBackend = 'vulkan' | 'opengl';

/** The default order: Vulkan first (real GPUs), then OpenGL (Mesa). */
export const DEFAULT_GPU_BACKENDS: readonly GpuBackend[] = ['vulkan', 'opengl'];

/** The feature level each backend is asked for: OpenGL ES/GL runs WebGPU in compatibility mode. */
const FEATURE_LEVEL: Record<GpuBackend, 'core' | 'compatibility'> = {
  vulkan: 'core',
  opengl: 'compatibility',
};

/** The system library Dawn loads for each backend on Linux: Vulkan's loader; EGL, which loads Mesa. */
const SYSTEM_LIBRARY: Record<GpuBackend, string> = {
  vulkan: 'libvulkan.so.1',
  opengl: 'libEGL.so',
};

/**
 * Why the dynamic loader cannot load the shared library `library` (a file name such as
 * `libvulkan.so.1`, looked up as dlopen does), or undefined when it can. process.dlopen loads
 * it and, since it is no Node addon, unloads it again and throws "Module did not
 * self-register": that answer means the library is there.
 */
export function dynamicLibraryProblem(library: string): string | undefined {
  try {
    process.dlopen({ exports: {} }, library);
  } catch (e) {
    const message = (e as Error).message;
    return message.includes('did not self-register') ? undefined : message;
  }
  return undefined;
}

/** Options of {@link requestGpu}. */
export interface RequestGpuOptions {
  /** Backends to try, in order (default {@link DEFAULT_GPU_BACKENDS}). */
  backends?: readonly GpuBackend[];
  /**
   * On Linux, pass over a backend whose system library the dynamic loader cannot load before
   * Dawn tries it (default true); false lets Dawn try every backend and print its warnings.
   */
  probeLibraries?: boolean;
}

/** One `create` per backend and process: Dawn instances are costly and never released. */
const instances = new Map<GpuBackend, GPU>();

async function loadDawn(): Promise<typeof import('webgpu')> {
  // Loaded on first use only: importing it starts nothing, but it loads a 20 MB native module.
  let dawn: typeof import('webgpu');
  try {
    dawn = await import('webgpu');
  } catch (e) {
    throw new Error(
      `requestGpu: the webgpu package's Dawn binary for ${process.platform}-${process.arch} ` +
        `could not be loaded: ${(e as Error).message}`,
      { cause: e },
    );
  }
  Object.assign(globalThis, dawn.globals);
  return dawn;
}

/**
 * Requests a device from the first backend in `options.backends` that has an adapter, with
 * the adapter's largest storage-buffer limits (the lattice lives in one storage buffer;
 * ./gpuContext.ts). Node only: it loads Dawn; a page uses `requestBrowserGpu`.
 *
 * @throws Error naming every backend tried and what each answered, when none has an adapter.
 */
export async function requestGpu(options: RequestGpuOptions = {}): Promise<GpuContext> {
  const backends = options.backends ?? DEFAULT_GPU_BACKENDS;
  if (backends.length === 0 || backends.some((b) => !(b in FEATURE_LEVEL))) {
    throw rangeError('requestGpu', 'backends', 'a non-empty list of vulkan, opengl', backends);
  }
  process.env.EGL_PLATFORM ??= 'surfaceless';
  const dawn = await loadDawn();
  const tried: string[] = [];
  const probe = (options.probeLibraries ?? true) && process.platform === 'linux';
  for (const backend of backends) {
    const featureLevel = FEATURE_LEVEL[backend];
    const missing = probe ? dynamicLibraryProblem(SYSTEM_LIBRARY[backend]) : undefined;
    if (missing !== undefined) {
      tried.push(`${backend} (${featureLevel}): not tried, ${missing}`);
      continue;
    }
    let adapter: GPUAdapter | null;
    try {
      let gpu = instances.get(backend);
      if (gpu === undefined) {
        gpu = dawn.create([`backend=${backend}`]);
        instances.set(backend, gpu);
      }
      adapter = await gpu.requestAdapter({ featureLevel, powerPreference: 'high-performance' });
    } catch (e) {
      tried.push(`${backend} (${featureLevel}): ${(e as Error).message}`);
      continue;
    }
    if (adapter === null) {
      tried.push(`${backend} (${featureLevel}): no adapter`);
      continue;
    }
    return contextFromAdapter(adapter, backend, tried);
  }
  throw new Error(
    `requestGpu: no WebGPU adapter found; tried ${tried.join('; ')}. ` +
      'On a machine without a GPU, Dawn needs Mesa through EGL (Debian: libegl-dev libegl-mesa0 ' +
      'libgl1-mesa-dri libgles2); on NVIDIA, the Vulkan loader (libvulkan1) and the driver ICD.',
  );
}

/**
 * A sweeper on a device of its own (destroyed when the sweeper closes), from the first backend
 * that has one ({@link requestGpu}). Node only; in a page:
 * `new WebGpuSweeper(await requestBrowserGpu(navigator.gpu), true)`.
 */
export async function createWebGpuSweeper(options: RequestGpuOptions = {}): Promise<WebGpuSweeper> {
  return new WebGpuSweeper(await requestGpu(options), true);
}
