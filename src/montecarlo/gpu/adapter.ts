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
 * @module
 */
import { rangeError } from '../../core/validate.js';

/** A Dawn backend and the WebGPU feature level requested from it. */
export type GpuBackend = 'vulkan' | 'opengl';

/** The default order: Vulkan first (real GPUs), then OpenGL (Mesa). */
export const DEFAULT_GPU_BACKENDS: readonly GpuBackend[] = ['vulkan', 'opengl'];

/** The feature level each backend is asked for: OpenGL ES/GL runs WebGPU in compatibility mode. */
const FEATURE_LEVEL: Record<GpuBackend, 'core' | 'compatibility'> = {
  vulkan: 'core',
  opengl: 'compatibility',
};

/** A device and what it is. */
export interface GpuContext {
  /** The WebGPU device. */
  readonly device: GPUDevice;
  /** The backend that gave it. */
  readonly backend: GpuBackend;
  /** The adapter in words, e.g. "llvmpipe (LLVM 15.0.6, 256 bits) (OpenGL 4.5 Mesa 22.3.6)". */
  readonly description: string;
  /** The device's limits (the adapter's maxima, which were requested). */
  readonly limits: GPUSupportedLimits;
}

/** Options of {@link requestGpu}. */
export interface RequestGpuOptions {
  /** Backends to try, in order (default {@link DEFAULT_GPU_BACKENDS}). */
  backends?: readonly GpuBackend[];
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

function describeAdapter(adapter: GPUAdapter): string {
  const i = adapter.info;
  const parts = [i.vendor, i.architecture, i.device, i.description].filter((s) => s !== '');
  return parts.length > 0 ? parts.join(' / ') : 'unnamed adapter';
}

/**
 * Requests a device from the first backend in `options.backends` that has an adapter, with
 * the adapter's largest storage-buffer limits (the lattice lives in one storage buffer).
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
  for (const backend of backends) {
    const featureLevel = FEATURE_LEVEL[backend];
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
    const L = adapter.limits;
    const device = await adapter.requestDevice({
      requiredLimits: {
        maxStorageBufferBindingSize: L.maxStorageBufferBindingSize,
        maxBufferSize: L.maxBufferSize,
        maxComputeWorkgroupsPerDimension: L.maxComputeWorkgroupsPerDimension,
      },
    });
    return { device, backend, description: describeAdapter(adapter), limits: device.limits };
  }
  throw new Error(
    `requestGpu: no WebGPU adapter found; tried ${tried.join('; ')}. ` +
      'On a machine without a GPU, Dawn needs Mesa through EGL (Debian: libegl-dev libegl-mesa0 ' +
      'libgl1-mesa-dri libgles2); on NVIDIA, the Vulkan loader (libvulkan1) and the driver ICD.',
  );
}
