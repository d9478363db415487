/**
 * A WebGPU device and what it is, from any WebGPU implementation: a browser's `navigator.gpu`
 * ({@link requestBrowserGpu}) or Dawn in Node (./adapter.ts, `requestGpu`). The sweeper
 * (./webgpuSweeper.ts) takes a {@link GpuContext} and does not care where it came from, so it
 * runs in a page with the same WGSL kernels and Philox counters as in Node.
 *
 * @module
 */

/** A device and what it is. */
export interface GpuContext {
  /** The WebGPU device. */
  readonly device: GPUDevice;
  /** What gave it: a Dawn backend in Node (`vulkan`, `opengl`), `browser` in a page. */
  readonly backend: string;
  /** The adapter in words, e.g. "llvmpipe (LLVM 15.0.6, 256 bits) (OpenGL 4.5 Mesa 22.3.6)". */
  readonly description: string;
  /** The device's limits (the adapter's maxima, which were requested). */
  readonly limits: GPUSupportedLimits;
  /** The backends tried before this one, each with why it gave no adapter. */
  readonly passedOver: readonly string[];
}

/** The adapter in words: vendor, architecture, device and description, where given. */
export function describeAdapter(adapter: GPUAdapter): string {
  const i = adapter.info;
  const parts = [i.vendor, i.architecture, i.device, i.description].filter((s) => s !== '');
  return parts.length > 0 ? parts.join(' / ') : 'unnamed adapter';
}

/**
 * Requests a device from `adapter` with the adapter's largest storage-buffer limits (the
 * lattice lives in one storage buffer) and returns it with its description.
 */
export async function contextFromAdapter(
  adapter: GPUAdapter,
  backend: string,
  passedOver: readonly string[] = [],
): Promise<GpuContext> {
  const L = adapter.limits;
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: L.maxStorageBufferBindingSize,
      maxBufferSize: L.maxBufferSize,
      maxComputeWorkgroupsPerDimension: L.maxComputeWorkgroupsPerDimension,
    },
  });
  return {
    device,
    backend,
    description: describeAdapter(adapter),
    limits: device.limits,
    passedOver,
  };
}

/**
 * A device from a browser's WebGPU (`navigator.gpu`, passed in so that this module needs no
 * DOM), or undefined with the reason when the browser has none: no `navigator.gpu` (WebGPU
 * disabled or unsupported) or no adapter (blocklisted GPU, no software fallback).
 */
export async function requestBrowserGpu(gpu: GPU | undefined): Promise<
  | GpuContext
  | {
      /** Why there is no device, in words for the page. */
      reason: string;
    }
> {
  if (gpu === undefined || gpu === null) {
    return { reason: 'this browser has no WebGPU (navigator.gpu is undefined)' };
  }
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    return { reason: `navigator.gpu.requestAdapter failed: ${(e as Error).message}` };
  }
  if (adapter === null) return { reason: 'navigator.gpu.requestAdapter gave no adapter' };
  return contextFromAdapter(adapter, 'browser');
}
