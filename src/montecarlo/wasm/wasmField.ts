/**
 * Gauge fields whose links live in a shared WebAssembly memory, so that the WebAssembly kernels
 * (./monteCarloWasm.ts) update them in place, without copies, on any number of threads.
 *
 * Layout of the memory (byte offsets, all recorded in {@link WasmFieldLayout}):
 *
 *     [0, 64 KiB)     the module's own static data (checked against its staticDataEnd export)
 *     up, down        the lattice's neighbour tables, int32 [site * D + direction]
 *     sites           the sites of each parity in increasing order, int32 (sitesByParity)
 *     links           GaugeField.links (DESIGN.md 2), 16-byte aligned
 *
 * The memory is shared, so its buffer is a SharedArrayBuffer: a field placed here is also a
 * shared field for WorkerSweeper, and the same links array works with the TypeScript kernels.
 * The memory never grows (a shared memory's buffer never moves, so views stay valid).
 *
 * @module
 */
import { GaugeField } from '../../lattice/gaugeField.js';
import {
  WASM_PAGE_BYTES,
  webAssemblyKernelSupport,
  type WasmMemory,
} from '../../core/webassembly.js';
import { sitesByParity } from '../checkerboard.js';

/** Bytes below which the memory belongs to the module itself. */
export const WASM_RESERVED_BYTES = 65536;

/** Where a field placed by {@link toWasmMemory} keeps its parts. */
export interface WasmFieldLayout {
  /** Tells placements apart (threads cache their module instance by it). */
  readonly id: number;
  /** The shared memory. */
  readonly memory: WasmMemory;
  /** The lattice's extents. */
  readonly dims: readonly number[];
  /** Number of dimensions D. */
  readonly D: number;
  /** Byte offset of the links. */
  readonly links: number;
  /** Byte offset of the forward neighbour table (Lattice.up). */
  readonly up: number;
  /** Byte offset of the backward neighbour table (Lattice.down). */
  readonly down: number;
  /** Byte offsets of the even and of the odd sites. */
  readonly sites: readonly [number, number];
}

/** The layouts of the placed fields, by the SharedArrayBuffer of their memory. */
const layouts = new WeakMap<object, WasmFieldLayout>();
let nextId = 1;

/**
 * A copy of `field` whose links live in a fresh shared WebAssembly memory, with the lattice's
 * tables beside them: the form the WebAssembly kernels update in place. Throws when the host has
 * no WebAssembly SIMD or shared memory (the reason is in the message).
 */
export function toWasmMemory(field: GaugeField): GaugeField {
  const support = webAssemblyKernelSupport();
  if ('reason' in support) throw new Error(`toWasmMemory: ${support.reason}`);
  const { lattice } = field;
  const { D, volume } = lattice;
  const [evenSites, oddSites] = sitesByParity(lattice);
  const tableBytes = volume * D * 4;
  const up = WASM_RESERVED_BYTES;
  const down = up + tableBytes;
  const even = down + tableBytes;
  const odd = even + evenSites.byteLength;
  const links = align16(odd + oddSites.byteLength);
  const bytes = links + field.links.byteLength;
  const pages = Math.ceil(bytes / WASM_PAGE_BYTES);
  const memory = new support.api.Memory({ initial: pages, maximum: pages, shared: true });
  const buffer = memory.buffer;
  new Int32Array(buffer, up, volume * D).set(lattice.up);
  new Int32Array(buffer, down, volume * D).set(lattice.down);
  new Int32Array(buffer, even, evenSites.length).set(evenSites);
  new Int32Array(buffer, odd, oddSites.length).set(oddSites);
  const view = new Float64Array(buffer, links, field.links.length);
  view.set(field.links);
  const dims = [...lattice.dims];
  layouts.set(buffer, { id: nextId++, memory, dims, D, links, up, down, sites: [even, odd] });
  return new GaugeField(lattice, field.group, view);
}

/** The layout of a field placed by {@link toWasmMemory}, or undefined for any other field. */
export function wasmLayoutOf(field: GaugeField): WasmFieldLayout | undefined {
  const layout = layouts.get(field.links.buffer);
  if (layout === undefined || layout.links !== field.links.byteOffset) return undefined;
  const dims = field.lattice.dims;
  return layout.D === dims.length && layout.dims.every((L, k) => L === dims[k])
    ? layout
    : undefined;
}

function align16(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}
