// The Monte Carlo kernels in WebAssembly (SIMD), built by `npm run build` into
// dist/wasm/montecarlo.wasm and driven by src/montecarlo/wasm/. The module imports a shared
// memory ("env" "memory") that holds the field, the lattice's neighbour tables and the site lists
// (src/montecarlo/wasm/wasmField.ts), and the host's Math.log, Math.cos, Math.exp ("host").
//
// Exports: the checkerboard passes (the hot loops), and single kernels for the tests that hold
// them to the TypeScript kernels (test/montecarlo/wasm/wasmKernels.test.ts).

import {
  adjointMultiply2,
  adjointMultiply3,
  multiply2,
  multiply3,
  multiplyAdjoint2,
  multiplyAdjoint3,
} from './common/matrices';
import { out0, out1, out2, out3, philoxBlock, resetStream, setKey, uniform } from './montecarlo/philox';
import { draw0, draw1, draw2, draw3, sampleSU2 } from './montecarlo/sampler';

export { passSU2 } from './montecarlo/passSU2';
export { passSU3 } from './montecarlo/passSU3';

/** End of the module's static data: the memory below it is the module's own. */
export function staticDataEnd(): usize {
  return __heap_base;
}

/** out[i] = a[i] b[i] for n SU(3) matrices (out may alias a or b). */
export function multiplyBatch3(out: usize, a: usize, b: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i * 144;
    multiply3(out + o, a + o, b + o);
  }
}

/** out[i] = a[i] b[i]^+ for n SU(3) matrices. */
export function multiplyAdjointBatch3(out: usize, a: usize, b: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i * 144;
    multiplyAdjoint3(out + o, a + o, b + o);
  }
}

/** out[i] = a[i]^+ b[i] for n SU(3) matrices. */
export function adjointMultiplyBatch3(out: usize, a: usize, b: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i * 144;
    adjointMultiply3(out + o, a + o, b + o);
  }
}

/** out[i] = a[i] b[i] for n SU(2) matrices. */
export function multiplyBatch2(out: usize, a: usize, b: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i * 64;
    multiply2(out + o, a + o, b + o);
  }
}

/** out[i] = a[i] b[i]^+ for n SU(2) matrices. */
export function multiplyAdjointBatch2(out: usize, a: usize, b: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i * 64;
    multiplyAdjoint2(out + o, a + o, b + o);
  }
}

/** out[i] = a[i]^+ b[i] for n SU(2) matrices. */
export function adjointMultiplyBatch2(out: usize, a: usize, b: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i * 64;
    adjointMultiply2(out + o, a + o, b + o);
  }
}

/** Writes the four words of one Philox4x32-10 block to out (u32). */
export function philox(out: usize, c0: u32, c1: u32, c2: u32, c3: u32, k0: u32, k1: u32): void {
  philoxBlock(c0, c1, c2, c3, k0, k1);
  store<u32>(out, out0);
  store<u32>(out, out1, 4);
  store<u32>(out, out2, 8);
  store<u32>(out, out3, 12);
}

/** Writes n uniform draws of one site's stream to out (f64), as SiteStream.uniform. */
export function uniforms(out: usize, n: i32, site: u32, sweep: u32, word: u32, k0: u32, k1: u32): void {
  setKey(k0, k1);
  resetStream(site, sweep, word);
  for (let i = 0; i < n; i++) store<f64>(out + (<usize>i << 3), uniform());
}

/**
 * Writes n SU(2) heatbath draws (quaternions, 4 f64 each) from one site's stream to out, as n
 * calls of sampleSU2 (src/montecarlo/su2Sampler.ts) on one SiteStream.
 */
export function sampleSU2Draws(
  out: usize,
  n: i32,
  alpha: f64,
  site: u32,
  sweep: u32,
  word: u32,
  k0: u32,
  k1: u32,
): void {
  setKey(k0, k1);
  resetStream(site, sweep, word);
  for (let i = 0; i < n; i++) {
    sampleSU2(alpha);
    const o = out + (<usize>i << 5);
    store<f64>(o, draw0);
    store<f64>(o, draw1, 8);
    store<f64>(o, draw2, 16);
    store<f64>(o, draw3, 24);
  }
}
