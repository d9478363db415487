/**
 * Monte Carlo on the GPU through WebGPU (Dawn, the `webgpu` package): checkerboard heatbath
 * and overrelaxation of SU(2) and SU(3) in float32 with the CPU's Philox counters, and
 * plaquettes and Wilson loops summed on the GPU.
 *
 * @example
 * ```ts
 * import { createWebGpuSweeper } from 'lattice-gauge/montecarlo';
 * const sweeper = await createWebGpuSweeper(); // Node (Dawn)
 * // in a page: new WebGpuSweeper(await requestBrowserGpu(navigator.gpu), true), from lattice-gauge/browser
 * for (let sweep = 0; sweep < 100; sweep++) {
 *   await sweeper.sweep(field, { kind: 'heatbath', beta: 6, seed: 1, sweep, stream: 0 });
 * }
 * const plaquette = await sweeper.plaquette(field);
 * await sweeper.download(field); // field.links now hold the GPU's links
 * await sweeper.close();
 * ```
 *
 * @module
 */
export {
  requestGpu,
  createWebGpuSweeper,
  DEFAULT_GPU_BACKENDS,
  type GpuBackend,
  type RequestGpuOptions,
} from './adapter.js';
export {
  requestBrowserGpu,
  contextFromAdapter,
  describeAdapter,
  type GpuContext,
} from './gpuContext.js';
export {
  checkGpuLattice,
  gpuLinkBytes,
  packLinks,
  unpackLinks,
  GPU_COMPONENTS,
  GPU_MAX_DIMENSIONS,
} from './layout.js';
export { WebGpuSweeper } from './webgpuSweeper.js';
export { gpuStreamDraws, type StreamCounters, type GpuDraws } from './gpuPhilox.js';
