/**
 * The WebAssembly Monte Carlo kernels (assembly/montecarlo.ts, SIMD) on one thread: an instance
 * of the compiled module on the shared memory of a field placed by ./wasmField.ts, and the
 * checkerboard passes it runs in place of updatePassRange (../checkerboard.ts).
 *
 * The passes (SU(2) and SU(3) heatbath and overrelaxation) do the TypeScript kernels'
 * arithmetic in the same order with the same Philox words, and the host's own Math.log,
 * Math.cos and Math.exp: every link comes out bit for bit the same as with the TypeScript
 * kernels (test/montecarlo/wasm/), so ensembles do not depend on the kernel set, nor on the
 * number of threads. Metropolis and N > 3 have no WebAssembly kernel and run in TypeScript.
 *
 * Browser-safe: the compiled module comes from the caller (src/io/wasmModule.ts in Node).
 *
 * @module
 */
import type {
  CompiledKernels,
  KernelChoice,
  WasmModule,
  WebAssemblyApi,
} from '../../core/webassembly.js';
import { rangeError } from '../../core/validate.js';
import type { GaugeField } from '../../lattice/gaugeField.js';
import type { LocalUpdateKind, PassSpec } from '../checkerboard.js';
import { DrawKind, philoxKey, streamCounterWord } from '../philox.js';
import { WASM_RESERVED_BYTES, wasmLayoutOf, type WasmFieldLayout } from './wasmField.js';

/** The exports of assembly/montecarlo.ts that the passes use. */
interface MonteCarloExports {
  staticDataEnd(): number;
  passSU2: PassFunction;
  passSU3: PassFunction;
}

type PassFunction = (
  heatbath: number,
  links: number,
  up: number,
  down: number,
  D: number,
  sites: number,
  begin: number,
  end: number,
  mu: number,
  beta: number,
  sweep: number,
  word: number,
  k0: number,
  k1: number,
) => void;

/** True when the WebAssembly kernels have the pass: N = 2, 3, heatbath or overrelaxation. */
export function wasmHasPass(N: number, kind: LocalUpdateKind): boolean {
  return (N === 2 || N === 3) && (kind === 'heatbath' || kind === 'overrelaxation');
}

/**
 * The imports of the module: the shared memory, and the host's Math functions, which V8 calls
 * directly from WebAssembly (no JavaScript in between) and which give the TypeScript kernels'
 * bits.
 */
function imports(layout: WasmFieldLayout): Record<string, Record<string, unknown>> {
  return {
    env: { memory: layout.memory },
    host: { log: Math.log, cos: Math.cos, exp: Math.exp },
  };
}

/** An instance of the Monte Carlo module on the memory of one placed field. */
export class MonteCarloWasm {
  /** The layout of the field the instance works on. */
  readonly layout: WasmFieldLayout;
  private readonly exports: MonteCarloExports;

  constructor(api: WebAssemblyApi, module: WasmModule, layout: WasmFieldLayout) {
    this.layout = layout;
    this.exports = new api.Instance(module, imports(layout))
      .exports as unknown as MonteCarloExports;
    const end = this.exports.staticDataEnd();
    if (end > WASM_RESERVED_BYTES) {
      throw new Error(
        `MonteCarloWasm: the module's static data end at byte ${end}, past the ${WASM_RESERVED_BYTES} reserved for it`,
      );
    }
  }

  /**
   * Applies the pass to the sites [begin, end) of its parity (indices into the list of that
   * parity's sites), as updatePassRange does. Requires {@link wasmHasPass}.
   */
  runPass(pass: PassSpec, N: number, begin: number, end: number): void {
    const l = this.layout;
    const [k0, k1] = philoxKey(pass.seed);
    const word = streamCounterWord(DrawKind[pass.kind], pass.mu, pass.parity, pass.stream);
    const run = N === 3 ? this.exports.passSU3 : this.exports.passSU2;
    run(
      pass.kind === 'heatbath' ? 1 : 0,
      l.links,
      l.up,
      l.down,
      l.D,
      l.sites[pass.parity],
      begin,
      end,
      pass.mu,
      pass.beta,
      pass.sweep >>> 0,
      word,
      k0,
      k1,
    );
  }
}

/**
 * The WebAssembly kernels for the sweeps of `field`, or undefined for the TypeScript ones.
 * 'auto' takes them whenever the field lives in WebAssembly memory (./wasmField.ts) and the
 * module runs here; 'wasm' takes them or throws, saying why not; 'ts' never. `compiled` is
 * asked for the module only when it is needed; `cached` is the previous answer, reused while
 * it is for the same placement.
 */
export function monteCarloWasmFor(
  fn: string,
  field: GaugeField,
  kernels: KernelChoice,
  compiled: () => CompiledKernels,
  cached: MonteCarloWasm | undefined,
): MonteCarloWasm | undefined {
  if (kernels === 'ts') return undefined;
  const layout = wasmLayoutOf(field);
  if (layout === undefined) {
    if (kernels === 'auto') return undefined;
    throw rangeError(
      fn,
      'field',
      'links in WebAssembly memory (toWasmMemory) for kernels "wasm"',
      'links outside WebAssembly memory',
    );
  }
  if (cached !== undefined && cached.layout.id === layout.id) return cached;
  const kernelsHere = compiled();
  if ('reason' in kernelsHere) {
    if (kernels === 'auto') return undefined;
    throw new Error(`${fn}: the WebAssembly kernels cannot run here: ${kernelsHere.reason}`);
  }
  return new MonteCarloWasm(kernelsHere.api, kernelsHere.module, layout);
}
