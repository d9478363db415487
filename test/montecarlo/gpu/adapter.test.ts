/**
 * Adapter selection (src/montecarlo/gpu/adapter.ts): a WebGPU device is found on this machine,
 * through Vulkan on a GPU or OpenGL on Mesa's llvmpipe. Without one, this test and every GPU
 * test fail (never skip), in CI and out of it: CI installs Mesa's EGL and GL drivers.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_GPU_BACKENDS,
  dynamicLibraryProblem,
  requestGpu,
} from '../../../src/montecarlo/gpu/adapter.js';
import { requestBrowserGpu } from '../../../src/montecarlo/gpu/gpuContext.js';

describe('requestGpu', () => {
  it('finds a device, Vulkan first, then OpenGL, with at least the WebGPU storage-buffer limit', async () => {
    expect(DEFAULT_GPU_BACKENDS).toEqual(['vulkan', 'opengl']);
    const context = await requestGpu();
    try {
      expect(['vulkan', 'opengl']).toContain(context.backend);
      expect(context.description.length).toBeGreaterThan(0);
      // 128 MiB, the WebGPU default; the device was asked for the adapter's maximum
      expect(context.limits.maxStorageBufferBindingSize).toBeGreaterThanOrEqual(2 ** 27);
    } finally {
      context.device.destroy();
    }
  });

  it('passes over a backend whose system library does not load, saying why, before Dawn tries it', async () => {
    expect(dynamicLibraryProblem('libc.so.6')).toBeUndefined();
    expect(dynamicLibraryProblem('libEGL.so')).toBeUndefined(); // a requirement (README)
    expect(dynamicLibraryProblem('liblattice-gauge-absent.so.1')).toMatch(
      /^liblattice-gauge-absent\.so\.1: cannot open shared object file/,
    );
    const vulkan = dynamicLibraryProblem('libvulkan.so.1');
    const context = await requestGpu();
    try {
      if (vulkan !== undefined) {
        expect(context.backend).toBe('opengl');
        expect(context.passedOver).toEqual([`vulkan (core): not tried, ${vulkan}`]);
      } else if (context.backend === 'vulkan') {
        expect(context.passedOver).toEqual([]);
      }
    } finally {
      context.device.destroy();
    }
  });

  it('refuses an empty or unknown list of backends, naming it', async () => {
    await expect(requestGpu({ backends: [] })).rejects.toThrow(
      /requestGpu: invalid backends: expected a non-empty list of vulkan, opengl, got \[\]/,
    );
    await expect(requestGpu({ backends: ['metal' as 'vulkan'] })).rejects.toThrow(/got \[metal\]/);
  });
});

describe('requestBrowserGpu', () => {
  it('says why there is no device: no navigator.gpu, or no adapter', async () => {
    expect(await requestBrowserGpu(undefined)).toEqual({
      reason: 'this browser has no WebGPU (navigator.gpu is undefined)',
    });
    const noAdapter = { requestAdapter: async () => null } as unknown as GPU;
    expect(await requestBrowserGpu(noAdapter)).toEqual({
      reason: 'navigator.gpu.requestAdapter gave no adapter',
    });
  });
});
