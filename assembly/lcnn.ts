// The L-CNN kernels in WebAssembly (SIMD), built by `npm run build` into dist/wasm/lcnn.wasm and
// driven by src/lcnn/wasm/lcnnWasm.ts, which copies the operands into this module's own memory
// (exported, grown by the driver) and the results out. They do the TypeScript layers'
// arithmetic in the same order: the results agree to the last bit.

export { bilinearBackward, bilinearForward } from './lcnn/bilinear';
export { lconvBackward, lconvForward } from './lcnn/lconv';

/** End of the module's static data: the memory below it is the module's own. */
export function staticDataEnd(): usize {
  return __heap_base;
}
