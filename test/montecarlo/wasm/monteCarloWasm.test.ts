/**
 * The WebAssembly Monte Carlo kernels (assembly/montecarlo.ts, src/montecarlo/wasm) against the
 * TypeScript kernels they replace. They claim bit-for-bit agreement (same operations in the
 * same order, the same Philox words, the host's Math.log/cos/exp), so every comparison here is
 * exact: Philox blocks, uniform streams, SU(2) heatbath draws, the SU(2)/SU(3) products with
 * `out` aliasing an input, and whole heatbath and overrelaxation sweeps of random fields.
 * The module is the one `npm run build` writes to dist/wasm (npm test builds first).
 */
import { describe, expect, it, vi } from 'vitest';
import { Xoshiro128 } from '../../../src/core/rng.js';
import type { WebAssemblyApi } from '../../../src/core/webassembly.js';
import { loadWasmModule } from '../../../src/io/wasmModule.js';
import { GaugeField } from '../../../src/lattice/gaugeField.js';
import { Lattice } from '../../../src/lattice/lattice.js';
import { philox4x32, SiteStream } from '../../../src/montecarlo/philox.js';
import { sampleSU2 } from '../../../src/montecarlo/su2Sampler.js';
import { SerialSweeper, WorkerSweeper, type SweepSpec } from '../../../src/montecarlo/sweeper.js';
import {
  MonteCarloWasm,
  monteCarloWasmFor,
  wasmHasPass,
} from '../../../src/montecarlo/wasm/monteCarloWasm.js';
import {
  toWasmMemory,
  wasmLayoutOf,
  WASM_RESERVED_BYTES,
} from '../../../src/montecarlo/wasm/wasmField.js';
import { su2 } from '../../../src/sun/su2.js';
import { su3 } from '../../../src/sun/su3.js';
import type { SUNKernels } from '../../../src/sun/types.js';
import { roughField } from '../../helpers.js';

/** The compiled module; the tests require it (the build makes it, and Node 20 runs it). */
function compiled(): {
  api: WebAssemblyApi;
  module: ConstructorParameters<typeof MonteCarloWasm>[1];
} {
  const c = loadWasmModule('montecarlo');
  if ('reason' in c) throw new Error(`the WebAssembly kernels do not run here: ${c.reason}`);
  return c;
}

/** The test kernels of the module on a fresh memory of `pages` pages, from byte 65536 on. */
function testInstance(pages = 8) {
  const { api, module } = compiled();
  const memory = new api.Memory({ initial: pages, maximum: pages, shared: true });
  const instance = new api.Instance(module, {
    env: { memory },
    host: { log: Math.log, cos: Math.cos, exp: Math.exp },
  });
  return { exports: instance.exports as Record<string, (...args: number[]) => number>, memory };
}

/** Random complex matrices (not unitary: every entry standard normal). */
function randomMatrices(count: number, m: number, seed: number): Float64Array {
  const rng = new Xoshiro128(seed);
  const out = new Float64Array(count * m);
  for (let i = 0; i < out.length; i++) out[i] = 2 * rng.uniform() - 1;
  return out;
}

describe('WebAssembly Monte Carlo kernels', () => {
  it('compute the Philox4x32-10 words of philox4x32', () => {
    const { exports, memory } = testInstance();
    const words = new Uint32Array(memory.buffer, WASM_RESERVED_BYTES, 4);
    const expected = new Uint32Array(4);
    const rng = new Xoshiro128(11);
    const word = (): number => Math.floor(rng.uniform() * 4294967296) >>> 0;
    for (let t = 0; t < 500; t++) {
      const c = [word(), word(), word(), word(), word(), word()];
      philox4x32(expected, 0, c[0], c[1], c[2], c[3], c[4], c[5]);
      exports.philox(WASM_RESERVED_BYTES, c[0], c[1], c[2], c[3], c[4], c[5]);
      expect(Array.from(words)).toEqual(Array.from(expected));
    }
    // the known-answer vector of Random123 (kat_vectors: philox4x32_10, all counters and keys 0)
    philox4x32(expected, 0, 0, 0, 0, 0, 0, 0);
    exports.philox(WASM_RESERVED_BYTES, 0, 0, 0, 0, 0, 0);
    expect(Array.from(words)).toEqual([0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]);
  });

  it('draw the uniform numbers of SiteStream, site by site', () => {
    const { exports, memory } = testInstance();
    const n = 41;
    const out = new Float64Array(memory.buffer, WASM_RESERVED_BYTES, n);
    const seed = 2 ** 40 + 12345;
    const stream = new SiteStream(seed);
    for (const [site, sweep, parity] of [
      [0, 0, 0],
      [17, 3, 1],
      [4095, 2 ** 31 + 7, 0],
    ]) {
      stream.reset(site, sweep, 1, 2, parity, 3);
      const word = (3 * 65536 + 1 * 256 + 2 * 2 + parity) >>> 0;
      exports.uniforms(WASM_RESERVED_BYTES, n, site, sweep, word, seed >>> 0, 2 ** 8);
      for (let i = 0; i < n; i++) expect(out[i]).toBe(stream.uniform());
    }
  });

  it('draw the SU(2) heatbath quaternions of sampleSU2 on every branch of the sampler', () => {
    const { exports, memory } = testInstance();
    const n = 200;
    const out = new Float64Array(memory.buffer, WASM_RESERVED_BYTES, 4 * n);
    const q = new Float64Array(4);
    const stream = new SiteStream(99);
    // alpha 0 and 1e-9: Haar (box rejection); 0.3, 1.9: Creutz; 2, 4.6, 40: Kennedy-Pendleton
    for (const alpha of [0, 1e-9, 0.3, 1.9, 2, 4.6, 40]) {
      stream.reset(7, 5, 1, 3, 1, 0);
      exports.sampleSU2Draws(WASM_RESERVED_BYTES, n, alpha, 7, 5, 0x107, 99, 0);
      for (let i = 0; i < n; i++) {
        sampleSU2(q, 0, alpha, stream);
        expect(Array.from(out.subarray(4 * i, 4 * i + 4))).toEqual(Array.from(q));
      }
    }
  });

  const products: Array<[string, keyof SUNKernels, SUNKernels, number]> = [];
  for (const [name, g] of [
    ['SU(2)', su2],
    ['SU(3)', su3],
  ] as const) {
    for (const verb of ['multiply', 'multiplyAdjoint', 'adjointMultiply'] as const) {
      products.push([name, verb, g, g.N]);
    }
  }
  it.each(products)(
    'give the %s %s of src/sun to the last bit, also with out aliasing a or b',
    (_name, verb, g, N) => {
      const { exports, memory } = testInstance();
      const m = g.matrixSize;
      const count = 64;
      const bytes = count * m * 8;
      const [A, B, O] = [0, 1, 2].map(
        (k) => new Float64Array(memory.buffer, WASM_RESERVED_BYTES + k * bytes, count * m),
      );
      const a = randomMatrices(count, m, 5);
      const b = randomMatrices(count, m, 6);
      const expected = new Float64Array(count * m);
      const kernel = g[verb] as (...args: unknown[]) => Float64Array;
      for (let i = 0; i < count; i++) kernel(expected, i * m, a, i * m, b, i * m);
      const batch = exports[`${verb}Batch${N}`];
      const [pa, pb, po] = [0, 1, 2].map((k) => WASM_RESERVED_BYTES + k * bytes);
      A.set(a);
      B.set(b);
      batch(po, pa, pb, count);
      expect(Array.from(O)).toEqual(Array.from(expected));
      // out = a
      batch(pa, pa, pb, count);
      expect(Array.from(A)).toEqual(Array.from(expected));
      // out = b
      A.set(a);
      batch(pb, pa, pb, count);
      expect(Array.from(B)).toEqual(Array.from(expected));
    },
  );

  it('place a field in WebAssembly memory with its links and the lattice tables', () => {
    const field = roughField([4, 2, 6, 4], 3, 8);
    const placed = toWasmMemory(field);
    expect(placed.links.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(placed.equals(field, 0)).toBe(true);
    const layout = wasmLayoutOf(placed)!;
    expect(layout.links % 16).toBe(0);
    expect(layout.links).toBeGreaterThanOrEqual(WASM_RESERVED_BYTES);
    const { volume, D } = field.lattice;
    expect(Array.from(new Int32Array(layout.memory.buffer, layout.up, volume * D))).toEqual(
      Array.from(field.lattice.up),
    );
    expect(Array.from(new Int32Array(layout.memory.buffer, layout.down, volume * D))).toEqual(
      Array.from(field.lattice.down),
    );
    // a field not in WebAssembly memory, or on another lattice with the same number of links
    expect(wasmLayoutOf(field)).toBeUndefined();
    expect(wasmLayoutOf(field.toShared())).toBeUndefined();
    const other = new GaugeField(new Lattice([2, 4, 6, 4]), 3, placed.links);
    expect(wasmLayoutOf(other)).toBeUndefined();
  });

  // Random (rough) fields on lattices of 2, 3 and 4 dimensions, not all extents equal: every
  // pass of a sweep bit for bit as the TypeScript kernels make it, several sweeps in a row.
  const sweeps: Array<[number, number[], number]> = [
    [2, [4, 6], 2.2],
    [2, [4, 2, 6, 4], 2.3],
    [3, [6, 4], 6],
    [3, [4, 4, 2], 5.5],
    [3, [4, 2, 6, 4], 6],
  ];
  it.each(sweeps)(
    'sweep SU(%i) on %j (beta %f) bit for bit as the TypeScript kernels, heatbath and overrelaxation',
    (N, dims, beta) => {
      const ts = roughField(dims, N, 21 + N + dims.length);
      const wasm = toWasmMemory(ts);
      const tsSweeper = new SerialSweeper({ kernels: 'ts' });
      const wasmSweeper = new SerialSweeper({ kernels: 'wasm', wasmModule: compiled });
      const start = ts.clone();
      for (let sweep = 0; sweep < 3; sweep++) {
        for (const kind of ['heatbath', 'overrelaxation'] as const) {
          const spec: SweepSpec = { kind, beta, seed: 2 ** 33 + 5, sweep, stream: 1 };
          tsSweeper.sweepSync(ts, spec);
          wasmSweeper.sweepSync(wasm, spec);
          expect(wasm.equals(ts, 0)).toBe(true);
        }
      }
      expect(ts.equals(start, 1e-3)).toBe(false); // it moved
    },
  );

  it('run through the sweepers by default (auto) for fields in WebAssembly memory only', () => {
    const runPass = vi.spyOn(MonteCarloWasm.prototype, 'runPass');
    try {
      const spec: SweepSpec = { kind: 'heatbath', beta: 2, seed: 1, sweep: 0, stream: 0 };
      const plain = GaugeField.cold(new Lattice([4, 4]), 2);
      new SerialSweeper().sweepSync(plain, spec);
      expect(runPass).not.toHaveBeenCalled();
      const placed = toWasmMemory(GaugeField.cold(new Lattice([4, 4]), 2));
      new SerialSweeper({ kernels: 'ts', wasmModule: compiled }).sweepSync(placed, spec);
      expect(runPass).not.toHaveBeenCalled();
      // no module handed in (as in a page that did not fetch one): TypeScript
      new SerialSweeper().sweepSync(placed, spec);
      expect(runPass).not.toHaveBeenCalled();
      new SerialSweeper({ wasmModule: compiled }).sweepSync(placed, spec);
      expect(runPass).toHaveBeenCalledTimes(4); // 2 directions x 2 parities
    } finally {
      runPass.mockRestore();
    }
  });

  it('fall back to the TypeScript kernels when the module cannot run here (auto), or say why (wasm)', () => {
    const placed = toWasmMemory(GaugeField.cold(new Lattice([4, 4]), 3));
    const unavailable = () => ({ reason: 'no WebAssembly SIMD (v128) in this engine' });
    expect(monteCarloWasmFor('f', placed, 'auto', unavailable, undefined)).toBeUndefined();
    expect(() => monteCarloWasmFor('f', placed, 'wasm', unavailable, undefined)).toThrow(
      'f: the WebAssembly kernels cannot run here: no WebAssembly SIMD (v128) in this engine',
    );
    expect(monteCarloWasmFor('f', placed, 'auto', compiled, undefined)).toBeInstanceOf(
      MonteCarloWasm,
    );
    // the TypeScript path on the same placed field: the same links as the WebAssembly path
    const viaTs = toWasmMemory(placed);
    const spec: SweepSpec = { kind: 'heatbath', beta: 5.5, seed: 4, sweep: 0, stream: 0 };
    new SerialSweeper({ kernels: 'ts' }).sweepSync(viaTs, spec);
    new SerialSweeper({ kernels: 'wasm', wasmModule: compiled }).sweepSync(placed, spec);
    expect(viaTs.equals(placed, 0)).toBe(true);
  });

  it('are used only for the updates they have; Metropolis and N = 4 stay in TypeScript', () => {
    expect(wasmHasPass(2, 'heatbath')).toBe(true);
    expect(wasmHasPass(3, 'overrelaxation')).toBe(true);
    expect(wasmHasPass(3, 'metropolis')).toBe(false);
    expect(wasmHasPass(4, 'heatbath')).toBe(false);
    const spec: SweepSpec = {
      kind: 'metropolis',
      beta: 5,
      seed: 3,
      sweep: 0,
      stream: 0,
      metropolis: { hits: 2, step: 0.4 },
    };
    const ts = roughField([4, 4], 3, 2);
    const wasm = toWasmMemory(ts);
    const acceptedTs = new SerialSweeper({ kernels: 'ts' }).sweepSync(ts, spec);
    const acceptedWasm = new SerialSweeper({ kernels: 'wasm', wasmModule: compiled }).sweepSync(
      wasm,
      spec,
    );
    expect(acceptedWasm).toBe(acceptedTs);
    expect(wasm.equals(ts, 0)).toBe(true);
  });

  it('refuse kernels "wasm" for a field outside WebAssembly memory, and unknown kernel names', () => {
    const spec: SweepSpec = { kind: 'heatbath', beta: 2, seed: 1, sweep: 0, stream: 0 };
    expect(() =>
      new SerialSweeper({ kernels: 'wasm', wasmModule: compiled }).sweepSync(
        GaugeField.cold(new Lattice([4, 4]), 2),
        spec,
      ),
    ).toThrow(
      'SerialSweeper.sweep: invalid field: expected links in WebAssembly memory (toWasmMemory) for kernels "wasm", got links outside WebAssembly memory',
    );
    expect(() =>
      new SerialSweeper({ kernels: 'wasm' }).sweepSync(
        toWasmMemory(GaugeField.cold(new Lattice([4, 4]), 2)),
        spec,
      ),
    ).toThrow(
      'SerialSweeper.sweep: the WebAssembly kernels cannot run here: no WebAssembly module was handed in (SweeperOptions.wasmModule)',
    );
    expect(() => new SerialSweeper({ kernels: 'simd' as 'wasm' })).toThrow(
      'SerialSweeper: invalid options.kernels: expected one of "ts", "wasm", "auto", got simd',
    );
  });

  it('give the same links on 1 and 2 worker threads as the TypeScript kernels serially', async () => {
    const specs: SweepSpec[] = [
      { kind: 'heatbath', beta: 5.7, seed: 3, sweep: 0, stream: 0 },
      { kind: 'overrelaxation', beta: 5.7, seed: 3, sweep: 0, stream: 0 },
      {
        kind: 'metropolis',
        beta: 5.7,
        seed: 3,
        sweep: 1,
        stream: 0,
        metropolis: { hits: 2, step: 0.4 },
      },
      { kind: 'heatbath', beta: 5.7, seed: 3, sweep: 2, stream: 1 },
    ];
    const serial = roughField([4, 4, 4, 4], 3, 5);
    const fields = [toWasmMemory(serial), toWasmMemory(serial)];
    const sweepers = [
      new WorkerSweeper(1, { kernels: 'wasm' }),
      new WorkerSweeper(2, { kernels: 'wasm' }),
    ];
    const runPass = vi.spyOn(MonteCarloWasm.prototype, 'runPass');
    try {
      const tsSweeper = new SerialSweeper({ kernels: 'ts' });
      for (const spec of specs) {
        const accepted = tsSweeper.sweepSync(serial, spec);
        for (let k = 0; k < 2; k++) {
          expect(await sweepers[k].sweep(fields[k], spec)).toBe(accepted);
        }
      }
      expect(fields[0].equals(serial, 0)).toBe(true);
      expect(fields[1].equals(serial, 0)).toBe(true);
      // the workers ran the passes; this thread only decided (it never ran one)
      expect(runPass).not.toHaveBeenCalled();
    } finally {
      runPass.mockRestore();
      await Promise.all(sweepers.map((s) => s.close()));
    }
  });
});
