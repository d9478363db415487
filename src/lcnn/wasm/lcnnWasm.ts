/**
 * The WebAssembly L-CNN kernels (assembly/lcnn.ts, SIMD) on one thread: the bilinear map of
 * L-Bilin and L-CB and the L-Conv transport, forward and backward, for SU(2) and SU(3). They do
 * the TypeScript layers' arithmetic in the same order (../layers/lbilin.ts, ../layers/lconv.ts):
 * the results, and so the trained weights, are the same to the last bit
 * (test/lcnn/wasm/lcnnWasm.test.ts).
 *
 * The module has its own memory, which grows as needed. Each call copies its operands in and
 * its results out (Float64Array.set, a few percent of the call's time: the work per matrix
 * copied is tens of products); the Wilson lines of a batch are copied once and kept while the
 * layers use the same TransportCache. One instance per thread: calls are synchronous.
 *
 * Browser-safe: the compiled module comes from the caller (./lcnnKernels.ts in Node).
 *
 * @module
 */
import type { WasmModule, WebAssemblyApi } from '../../core/webassembly.js';
import { WASM_PAGE_BYTES } from '../../core/webassembly.js';
import type { Lattice } from '../../lattice/lattice.js';
import { MatrixTensor } from '../tensors.js';
import type { TransportCache } from '../transportCache.js';

/** Bytes below which the memory belongs to the module's static data. */
const RESERVED_BYTES = 65536;

/** The exports of assembly/lcnn.ts. */
interface LcnnExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  staticDataEnd(): number;
  bilinearForward(...args: number[]): void;
  bilinearBackward(...args: number[]): void;
  lconvForward(...args: number[]): void;
  lconvBackward(...args: number[]): void;
}

/** The sites x + k mu of every site x, per transport term (t = 0: unused), by lattice. */
const shiftTables = new WeakMap<Lattice, Map<string, Int32Array>>();

function shiftTable(lattice: Lattice, terms: ReadonlyArray<readonly [number, number]>): Int32Array {
  let byTerms = shiftTables.get(lattice);
  if (byTerms === undefined) {
    byTerms = new Map();
    shiftTables.set(lattice, byTerms);
  }
  const key = terms.map(([mu, k]) => `${mu},${k}`).join(';');
  let table = byTerms.get(key);
  if (table === undefined) {
    const V = lattice.volume;
    table = new Int32Array(terms.length * V);
    terms.forEach(([mu, k], t) => {
      if (k !== 0) for (let x = 0; x < V; x++) table![t * V + x] = lattice.shift(x, mu, k);
    });
    byTerms.set(key, table);
  }
  return table;
}

/** A bump allocator over the module's memory for the operands of one call. */
class Arena {
  end: number;
  constructor(start: number) {
    this.end = start;
  }

  /** Reserves `bytes` (16-byte aligned); returns their offset. */
  take(bytes: number): number {
    const at = Math.ceil(this.end / 16) * 16;
    this.end = at + bytes;
    return at;
  }
}

/** An instance of the L-CNN module with its memory. */
export class LcnnWasm {
  private readonly exports: LcnnExports;
  private linesOf: TransportCache | undefined;
  private readonly lineOffsets = new Map<string, number>();
  private linesEnd = RESERVED_BYTES;

  constructor(api: WebAssemblyApi, module: WasmModule) {
    this.exports = new api.Instance(module, {}).exports as unknown as LcnnExports;
    const end = this.exports.staticDataEnd();
    if (end > RESERVED_BYTES) {
      throw new Error(
        `LcnnWasm: the module's static data end at byte ${end}, past the ${RESERVED_BYTES} reserved for it`,
      );
    }
  }

  /** True when the kernels handle matrices of SU(N): N = 2 and 3. */
  static supports(N: number): boolean {
    return N === 2 || N === 3;
  }

  /** Grows the memory to hold `end` bytes. */
  private ensure(end: number): void {
    const memory = this.exports.memory;
    const missing = end - memory.buffer.byteLength;
    if (missing > 0) memory.grow(Math.ceil(missing / WASM_PAGE_BYTES));
  }

  private f64(offset: number, length: number): Float64Array {
    return new Float64Array(this.exports.memory.buffer, offset, length);
  }

  private i32(offset: number, length: number): Int32Array {
    return new Int32Array(this.exports.memory.buffer, offset, length);
  }

  /** Copies `data` to `offset`. */
  private put(offset: number, data: Float64Array | Int32Array): void {
    if (data instanceof Float64Array) this.f64(offset, data.length).set(data);
    else this.i32(offset, data.length).set(data);
  }

  /** Zeroes `bytes` bytes at `offset`. */
  private zero(offset: number, bytes: number): void {
    new Uint8Array(this.exports.memory.buffer, offset, bytes).fill(0);
  }

  /**
   * The bilinear map of ../layers/lbilin.ts: out_i = sum_pq a_ipq Aext_p Bext_q, evaluated
   * as sum_p Aext_p Z_ip with Z_ip = sum_q a_ipq Bext_q, `a` the weights a[(i PA + p) PB + q].
   * B may be A.
   */
  bilinearForward(
    A: MatrixTensor,
    B: MatrixTensor,
    a: Float64Array,
    outChannels: number,
  ): MatrixTensor {
    const { batch, volume, m, group } = A;
    const mb = 8 * m;
    const PA = 2 * A.channels + 1;
    const PB = 2 * B.channels + 1;
    const out = new MatrixTensor(batch, volume, outChannels, group);
    const arena = new Arena(this.linesEnd);
    const pA = arena.take(A.data.byteLength);
    const pB = B === A ? pA : arena.take(B.data.byteLength);
    const pa = arena.take(a.byteLength);
    const pOut = arena.take(out.data.byteLength);
    const bExt = arena.take(PB * mb);
    const z = arena.take(outChannels * PA * mb);
    const tmp = arena.take(mb);
    this.ensure(arena.end);
    this.put(pA, A.data);
    if (pB !== pA) this.put(pB, B.data);
    this.put(pa, a);
    this.zero(pOut, out.data.byteLength);
    this.exports.bilinearForward(
      pOut,
      pA,
      pB,
      pa,
      batch * volume,
      A.channels,
      B.channels,
      outChannels,
      group.N,
      bExt,
      z,
      tmp,
    );
    out.data.set(this.f64(pOut, out.data.length));
    return out;
  }

  /**
   * The backward pass of {@link LcnnWasm.bilinearForward} for the output gradient G: returns
   * [G_A, G_B] (each undefined unless `wanted`) and adds dL/da to `ga`.
   */
  bilinearBackward(
    A: MatrixTensor,
    B: MatrixTensor,
    G: MatrixTensor,
    a: Float64Array,
    ga: Float64Array,
    wanted: { a: boolean; b: boolean } = { a: true, b: true },
  ): [MatrixTensor | undefined, MatrixTensor | undefined] {
    const { batch, volume, m, group } = A;
    const mb = 8 * m;
    const PA = 2 * A.channels + 1;
    const PB = 2 * B.channels + 1;
    const gradA = wanted.a ? A.zerosLike() : undefined;
    const gradB = wanted.b ? B.zerosLike() : undefined;
    const arena = new Arena(this.linesEnd);
    const pA = arena.take(A.data.byteLength);
    const pB = B === A ? pA : arena.take(B.data.byteLength);
    const pG = arena.take(G.data.byteLength);
    const pa = arena.take(a.byteLength);
    const pga = arena.take(ga.byteLength);
    const pgA = gradA === undefined ? 0 : arena.take(gradA.data.byteLength);
    const pgB = gradB === undefined ? 0 : arena.take(gradB.data.byteLength);
    const bExt = arena.take(PB * mb);
    const gbExt = arena.take(PB * mb);
    const z = arena.take(G.channels * PA * mb);
    const y = arena.take(mb);
    const tmp = arena.take(mb);
    this.ensure(arena.end);
    this.put(pA, A.data);
    if (pB !== pA) this.put(pB, B.data);
    this.put(pG, G.data);
    this.put(pa, a);
    this.put(pga, ga);
    if (gradA !== undefined) this.zero(pgA, gradA.data.byteLength);
    if (gradB !== undefined) this.zero(pgB, gradB.data.byteLength);
    this.exports.bilinearBackward(
      pgA,
      pgB,
      pga,
      pA,
      pB,
      pG,
      pa,
      batch * volume,
      A.channels,
      B.channels,
      G.channels,
      group.N,
      gradA === undefined ? 0 : 1,
      gradB === undefined ? 0 : 1,
      bExt,
      gbExt,
      z,
      y,
      tmp,
    );
    ga.set(this.f64(pga, ga.length));
    gradA?.data.set(this.f64(pgA, gradA.data.length));
    gradB?.data.set(this.f64(pgB, gradB.data.length));
    return [gradA, gradB];
  }

  /**
   * The lines of the terms in the module's memory (copied once per TransportCache); writes
   * their offsets (t >= 1) into an Int32Array of the terms' length.
   */
  private lines(transport: TransportCache, terms: ReadonlyArray<readonly [number, number]>) {
    if (this.linesOf !== transport) {
      this.linesOf = transport;
      this.lineOffsets.clear();
      this.linesEnd = RESERVED_BYTES;
    }
    const offsets = new Int32Array(terms.length);
    terms.forEach(([mu, k], t) => {
      if (k === 0) return;
      const key = `${mu},${k}`;
      let at = this.lineOffsets.get(key);
      if (at === undefined) {
        const line = transport.get(mu, k);
        const arena = new Arena(this.linesEnd);
        at = arena.take(line.byteLength);
        this.ensure(arena.end);
        this.put(at, line);
        this.linesEnd = arena.end;
        this.lineOffsets.set(key, at);
      }
      offsets[t] = at;
    });
    return offsets;
  }

  /**
   * L-Conv of ../layers/lconv.ts: out_o = sum_{t,i} w[(o Cin + i) T + t] T_t W_i, the terms
   * (mu, k) with (0, 0) first, the lines from `transport`.
   */
  lconvForward(
    W: MatrixTensor,
    terms: ReadonlyArray<readonly [number, number]>,
    transport: TransportCache,
    w: Float64Array,
    outChannels: number,
  ): MatrixTensor {
    const { batch, volume, m, group } = W;
    const lineOffsets = this.lines(transport, terms);
    const shifts = shiftTable(transport.gauge.lattice, terms);
    const out = new MatrixTensor(batch, volume, outChannels, group);
    const arena = new Arena(this.linesEnd);
    const pW = arena.take(W.data.byteLength);
    const pLines = arena.take(lineOffsets.byteLength);
    const pShifts = arena.take(shifts.byteLength);
    const pw = arena.take(w.byteLength);
    const pOut = arena.take(out.data.byteLength);
    const s = arena.take(8 * m);
    const v = arena.take(8 * m);
    const tmp = arena.take(8 * m);
    this.ensure(arena.end);
    this.put(pW, W.data);
    this.put(pLines, lineOffsets);
    this.put(pShifts, shifts);
    this.put(pw, w);
    this.zero(pOut, out.data.byteLength);
    this.exports.lconvForward(
      pOut,
      pW,
      pLines,
      pShifts,
      pw,
      batch,
      volume,
      W.channels,
      outChannels,
      terms.length,
      group.N,
      s,
      v,
      tmp,
    );
    out.data.set(this.f64(pOut, out.data.length));
    return out;
  }

  /**
   * The backward pass of {@link LcnnWasm.lconvForward} for the output gradient G (links as
   * data): returns G_W (undefined without `inputGradient`) and adds dL/dw to `gw`.
   */
  lconvBackward(
    W: MatrixTensor,
    G: MatrixTensor,
    terms: ReadonlyArray<readonly [number, number]>,
    transport: TransportCache,
    w: Float64Array,
    gw: Float64Array,
    inputGradient = true,
  ): MatrixTensor | undefined {
    const { batch, volume, m, group } = W;
    const lineOffsets = this.lines(transport, terms);
    const shifts = shiftTable(transport.gauge.lattice, terms);
    const gradIn = inputGradient ? W.zerosLike() : undefined;
    const arena = new Arena(this.linesEnd);
    const pW = arena.take(W.data.byteLength);
    const pG = arena.take(G.data.byteLength);
    const pLines = arena.take(lineOffsets.byteLength);
    const pShifts = arena.take(shifts.byteLength);
    const pw = arena.take(w.byteLength);
    const pgw = arena.take(gw.byteLength);
    const pIn = gradIn === undefined ? 0 : arena.take(gradIn.data.byteLength);
    const back = arena.take(G.channels * 8 * m);
    const tmp = arena.take(8 * m);
    this.ensure(arena.end);
    this.put(pW, W.data);
    this.put(pG, G.data);
    this.put(pLines, lineOffsets);
    this.put(pShifts, shifts);
    this.put(pw, w);
    this.put(pgw, gw);
    if (gradIn !== undefined) this.zero(pIn, gradIn.data.byteLength);
    this.exports.lconvBackward(
      pIn,
      pgw,
      pW,
      pG,
      pLines,
      pShifts,
      pw,
      batch,
      volume,
      W.channels,
      G.channels,
      terms.length,
      group.N,
      gradIn === undefined ? 0 : 1,
      back,
      tmp,
    );
    gw.set(this.f64(pgw, gw.length));
    gradIn?.data.set(this.f64(pIn, gradIn.data.length));
    return gradIn;
  }
}
