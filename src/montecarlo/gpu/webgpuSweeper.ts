/**
 * Checkerboard heatbath and overrelaxation sweeps of SU(2) and SU(3) on a WebGPU device, in
 * float32 (DESIGN.md 4): a {@link Sweeper} that keeps the links on the GPU. It runs wherever
 * WebGPU does: on a device from Dawn in Node (./adapter.ts) or from a browser's
 * `navigator.gpu` (./gpuContext.ts), and imports nothing from Node.
 *
 * A sweep is the 2D passes (mu, parity) of ../checkerboard.ts, one kernel launch each
 * (./wgsl/update.ts), all in one command buffer: the queue orders them, and WebGPU makes the
 * writes of one launch visible to the next. Every site draws from the Philox stream the CPU
 * would use (./wgsl/philox.ts), so GPU and CPU make the same choices up to float32 rounding.
 *
 * Residency: the links live on the GPU between sweeps, in the layout of ./layout.ts.
 * {@link WebGpuSweeper.upload} takes a field's links there; {@link WebGpuSweeper.download}
 * brings them back as float64, re-unitarised in float64, and sends that back up, so that the
 * chain continues from exactly what was saved: a run resumed from a checkpoint continues as
 * the uninterrupted run did. generateEnsemble calls both where the CPU uses the links.
 * Plaquettes and Wilson loops are summed on the GPU ({@link WebGpuSweeper.wilsonLoop}), with
 * only the partial sums copied back.
 *
 * @module
 */
import type { GaugeField } from '../../lattice/gaugeField.js';
import { checkInteger, rangeError } from '../../core/validate.js';
import { DrawKind, philoxKey, streamCounterWord } from '../philox.js';
import type { Sweeper, SweepSpec } from '../serialSweeper.js';
import { computePipeline, gridFor, readBuffer } from './compute.js';
import type { GpuContext } from './gpuContext.js';
import { checkGpuLattice, GPU_COMPONENTS, packLinks, unpackLinks } from './layout.js';
import { latticeWgsl } from './wgsl/lattice.js';
import { LOOP_WORKGROUP, LOOPS_WGSL } from './wgsl/loops.js';
import { PHILOX_WGSL } from './wgsl/philox.js';
import { SU2_WGSL } from './wgsl/su2.js';
import { SU2_SAMPLER_WGSL } from './wgsl/su2Sampler.js';
import { SU3_WGSL } from './wgsl/su3.js';
import { PASS_WORDS, UPDATE_WGSL } from './wgsl/update.js';

/** Threads per workgroup of the update kernel (its @workgroup_size). */
const UPDATE_WORKGROUP = 64;
/** Byte stride of the per-pass uniform blocks: the largest minUniformBufferOffsetAlignment. */
const PASS_STRIDE = 256;
/** Sweeps submitted before waiting for the queue, so that the CPU runs at most this far ahead. */
const MAX_SWEEPS_IN_FLIGHT = 4;

/** The GPU objects of one field. */
interface Resident {
  field: GaugeField;
  links: GPUBuffer;
  bytes: number;
  passes: GPUBuffer;
  update: GPUComputePipeline;
  updateGroup: GPUBindGroup;
  updateGrid: [number, number];
  loopSize: GPUBuffer;
  partial: GPUBuffer;
  loopWorkgroups: number;
  loops: GPUComputePipeline;
  loopGroup: GPUBindGroup;
  loopGrid: [number, number];
  /** Queued measurements: their partial sums, slot after slot (queueWilsonLoop). */
  queue: GPUBuffer | undefined;
  /** Slots of `queue`. */
  queueSlots: number;
  /** Loops summed by each queued measurement (its divisor), in queue order. */
  queued: number[];
}

/** The number of R x T loops averageWilsonLoop averages: every plane and site, both orientations when R != T. */
function loopCount(field: GaugeField, R: number, T: number): number {
  const { D, volume } = field.lattice;
  return volume * ((D * (D - 1)) / 2) * (R === T ? 1 : 2);
}

/** The float64 sum of `count` partial sums from `offset`. */
function sumPartial(partial: Float32Array, offset: number, count: number): number {
  let sum = 0;
  for (let k = offset; k < offset + count; k++) sum += partial[k];
  return sum;
}

/** Checkerboard sweeps on a WebGPU device; see the module comment. */
export class WebGpuSweeper implements Sweeper {
  /** The device and what it is. */
  readonly context: GpuContext;
  private readonly ownsDevice: boolean;
  private resident: Resident | undefined;
  private inFlight = 0;
  /** Measurement buffers outgrown while values were queued: destroyed at the next read. */
  private readonly retired: GPUBuffer[] = [];

  /**
   * @param context - a device and what it is: from `requestGpu` in Node (Dawn, ./adapter.ts)
   *   or `requestBrowserGpu(navigator.gpu)` in a page (./gpuContext.ts); the sweeper destroys
   *   the device on close only when `ownsDevice`.
   */
  constructor(context: GpuContext, ownsDevice = false) {
    this.context = context;
    this.ownsDevice = ownsDevice;
  }

  /**
   * Throws unless an SU(N) field on `dims` can run on this device (group, extents, and the
   * adapter's buffer limits, named in the message); allocates nothing.
   */
  checkLattice(N: number, dims: readonly number[]): void {
    checkGpuLattice('WebGpuSweeper', N, dims, this.context.limits);
  }

  /** Takes the field's links to the GPU (after they changed on the CPU). */
  async upload(field: GaugeField): Promise<void> {
    const r = await this.residentFor(field);
    const data = packLinks(new Float32Array(r.bytes / 4), field);
    this.context.device.queue.writeBuffer(r.links, 0, data);
  }

  /**
   * Makes field.links the GPU's links: float32 to float64, re-unitarised in float64, which
   * is sent back up so that GPU and CPU hold the same field. With `reunitarize: false` the
   * float32 links come down as they are (to inspect them; nothing goes back up). No-op for a
   * field the sweeper does not hold (its links are current).
   */
  async download(field: GaugeField, options: { reunitarize?: boolean } = {}): Promise<void> {
    const r = this.resident;
    if (r === undefined || r.field !== field) return;
    const data = new Float32Array(await readBuffer(this.context.device, r.links, r.bytes));
    this.inFlight = 0;
    unpackLinks(field, data);
    if (options.reunitarize === false) return;
    field.reunitarize();
    this.context.device.queue.writeBuffer(r.links, 0, packLinks(data, field));
  }

  /** Nothing to do: the kernels re-unitarise every link they write, in float32. */
  async reunitarize(_field: GaugeField): Promise<void> {}

  /**
   * Queues one sweep of 2D passes; resolves once queued (the queue orders the sweeps; the
   * caller waits at {@link WebGpuSweeper.download} or a measurement). A field the sweeper
   * does not hold yet is uploaded first. Resolves to 0 (no Metropolis on the GPU).
   */
  async sweep(field: GaugeField, spec: SweepSpec): Promise<number> {
    const fn = 'WebGpuSweeper.sweep';
    if (spec.kind !== 'heatbath' && spec.kind !== 'overrelaxation') {
      throw rangeError(fn, 'spec.kind', '"heatbath" or "overrelaxation" on the GPU', spec.kind);
    }
    if (!(spec.beta > 0 && Number.isFinite(spec.beta))) {
      throw rangeError(fn, 'spec.beta', 'a positive finite number', spec.beta);
    }
    checkInteger(fn, 'spec.seed', spec.seed, 0);
    checkInteger(fn, 'spec.sweep', spec.sweep, 0, 0xffffffff);
    checkInteger(fn, 'spec.stream', spec.stream, 0, 0xffff);
    if (this.resident?.field !== field) await this.upload(field);
    const r = this.resident!;
    const device = this.context.device;
    const D = field.lattice.D;
    const kind = DrawKind[spec.kind];
    const words = new Uint32Array((2 * D * PASS_STRIDE) / 4);
    const floats = new Float32Array(words.buffer);
    for (let mu = 0; mu < D; mu++) {
      for (let parity = 0; parity < 2; parity++) {
        const o = ((mu * 2 + parity) * PASS_STRIDE) / 4;
        words[o] = mu;
        words[o + 1] = parity;
        words[o + 2] = spec.sweep;
        // SiteStream.reset's c3 and key (../philox.ts)
        words[o + 3] = streamCounterWord(kind, mu, parity, spec.stream);
        [words[o + 4], words[o + 5]] = philoxKey(spec.seed);
        floats[o + 6] = spec.beta;
        words[o + 7] = kind;
      }
    }
    device.queue.writeBuffer(r.passes, 0, words);
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(r.update);
    for (let k = 0; k < 2 * D; k++) {
      pass.setBindGroup(0, r.updateGroup, [k * PASS_STRIDE]);
      pass.dispatchWorkgroups(r.updateGrid[0], r.updateGrid[1]);
    }
    pass.end();
    device.queue.submit([encoder.finish()]);
    if (++this.inFlight >= MAX_SWEEPS_IN_FLIGHT) {
      await device.queue.onSubmittedWorkDone();
      this.inFlight = 0;
    }
    return 0;
  }

  /** Waits until every queued sweep has run (for timing). */
  async finish(): Promise<void> {
    await this.context.device.queue.onSubmittedWorkDone();
    this.inFlight = 0;
  }

  /** The average plaquette <(1/N) Re tr U_P> of the GPU's links of `field`. */
  async plaquette(field: GaugeField): Promise<number> {
    return this.wilsonLoop(field, 1, 1);
  }

  /**
   * The average R x T Wilson loop of the GPU's links of `field` (averageWilsonLoop of
   * src/lattice/observables/wilsonLoops.ts: every plane, both orientations when R != T),
   * summed on the GPU (./wgsl/loops.ts).
   */
  async wilsonLoop(field: GaugeField, R: number, T: number): Promise<number> {
    const r = await this.dispatchLoops('WebGpuSweeper.wilsonLoop', field, R, T);
    const device = this.context.device;
    const partial = new Float32Array(await readBuffer(device, r.partial, r.loopWorkgroups * 4));
    this.inFlight = 0;
    return sumPartial(partial, 0, partial.length) / loopCount(field, R, T);
  }

  /**
   * Queues the average R x T Wilson loop of the GPU's links of `field` as they will be after
   * everything queued before it (sweeps, other measurements), without waiting for it: the
   * partial sums stay on the GPU until {@link WebGpuSweeper.readQueued} brings every queued
   * measurement back in one transfer. So a page can measure after every sweep and wait for
   * the GPU once per frame (each read-back costs a round trip, milliseconds in a browser).
   */
  async queueWilsonLoop(field: GaugeField, R: number, T: number): Promise<void> {
    const r = await this.dispatchLoops('WebGpuSweeper.queueWilsonLoop', field, R, T);
    const slotBytes = r.loopWorkgroups * 4;
    const device = this.context.device;
    const encoder = device.createCommandEncoder();
    if (r.queued.length === r.queueSlots) {
      // grow: the values queued so far move to a buffer twice the size, in queue order
      const slots = Math.max(64, 2 * r.queueSlots);
      const grown = device.createBuffer({
        size: slots * slotBytes,
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
      });
      if (r.queue !== undefined) {
        encoder.copyBufferToBuffer(r.queue, 0, grown, 0, r.queued.length * slotBytes);
      }
      const old = r.queue;
      r.queue = grown;
      r.queueSlots = slots;
      if (old !== undefined) this.retired.push(old);
    }
    encoder.copyBufferToBuffer(r.partial, 0, r.queue!, r.queued.length * slotBytes, slotBytes);
    device.queue.submit([encoder.finish()]);
    r.queued.push(loopCount(field, R, T));
  }

  /** The values of the measurements queued since the last read, in the order queued. */
  async readQueued(): Promise<number[]> {
    const r = this.resident;
    if (r === undefined || r.queued.length === 0) return [];
    const counts = r.queued;
    r.queued = [];
    const slotFloats = r.loopWorkgroups;
    const device = this.context.device;
    const data = new Float32Array(
      await readBuffer(device, r.queue!, counts.length * slotFloats * 4),
    );
    this.inFlight = 0;
    for (const b of this.retired.splice(0)) b.destroy();
    return counts.map((count, k) => sumPartial(data, k * slotFloats, slotFloats) / count);
  }

  /** Runs the loop kernel for (R, T) on `field`'s links into the partial sums. */
  private async dispatchLoops(
    fn: string,
    field: GaugeField,
    R: number,
    T: number,
  ): Promise<Resident> {
    const maxExtent = Math.min(...field.lattice.dims);
    checkInteger(fn, 'R', R, 1, maxExtent);
    checkInteger(fn, 'T', T, 1, maxExtent);
    if (this.resident?.field !== field) await this.upload(field);
    const r = this.resident!;
    const device = this.context.device;
    device.queue.writeBuffer(r.loopSize, 0, new Uint32Array([R, T, 0, 0]));
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(r.loops);
    pass.setBindGroup(0, r.loopGroup);
    pass.dispatchWorkgroups(r.loopGrid[0], r.loopGrid[1]);
    pass.end();
    device.queue.submit([encoder.finish()]);
    return r;
  }

  /** Releases the buffers, and the device when the sweeper made it. */
  async close(): Promise<void> {
    this.release();
    if (this.ownsDevice) this.context.device.destroy();
  }

  private release(): void {
    const r = this.resident;
    if (r === undefined) return;
    for (const b of [
      r.links,
      r.passes,
      r.loopSize,
      r.partial,
      r.queue,
      ...this.retired.splice(0),
    ]) {
      b?.destroy();
    }
    this.resident = undefined;
  }

  /** The GPU objects for `field`, made (kernels compiled for its shape) on first use. */
  private async residentFor(field: GaugeField): Promise<Resident> {
    if (this.resident?.field === field) return this.resident;
    const { dims, D, volume } = field.lattice;
    this.checkLattice(field.N, dims);
    const previous = this.resident;
    if (previous !== undefined && previous.field.lattice.equals(field.lattice)) {
      if (previous.field.N === field.N) {
        // same shape: keep the kernels and buffers, the links are overwritten by the caller
        previous.field = field;
        return previous;
      }
    }
    this.release();
    const device = this.context.device;
    const maxPerDim = this.context.limits.maxComputeWorkgroupsPerDimension;
    const bytes = volume * D * GPU_COMPONENTS[field.N] * 4;
    const group = field.N === 3 ? SU3_WGSL : SU2_WGSL;
    const lattice = latticeWgsl(dims);
    const label = `SU(${field.N}) ${dims.join('x')}`;
    const updateLayout = device.createBindGroupLayout({
      entries: [
        { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
        {
          binding: 1,
          visibility: GPUShaderStage.COMPUTE,
          buffer: { type: 'uniform', hasDynamicOffset: true, minBindingSize: PASS_WORDS * 4 },
        },
      ],
    });
    const [update, loops] = await Promise.all([
      computePipeline(
        device,
        `update ${label}`,
        [lattice, PHILOX_WGSL, SU2_SAMPLER_WGSL, group, UPDATE_WGSL].join('\n'),
        'update',
        device.createPipelineLayout({ bindGroupLayouts: [updateLayout] }),
      ),
      computePipeline(
        device,
        `loops ${label}`,
        [lattice, PHILOX_WGSL, SU2_SAMPLER_WGSL, group, LOOPS_WGSL].join('\n'),
        'loops',
      ),
    ]);
    const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    const links = device.createBuffer({ label: `links ${label}`, size: bytes, usage: storage });
    const passes = device.createBuffer({
      size: 2 * D * PASS_STRIDE,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    const loopSize = device.createBuffer({
      size: 16,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    const loopWorkgroups = Math.ceil(volume / LOOP_WORKGROUP);
    const partial = device.createBuffer({ size: loopWorkgroups * 4, usage: storage });
    this.resident = {
      field,
      links,
      bytes,
      passes,
      update,
      updateGroup: device.createBindGroup({
        layout: updateLayout,
        entries: [
          { binding: 0, resource: { buffer: links } },
          { binding: 1, resource: { buffer: passes, size: PASS_WORDS * 4 } },
        ],
      }),
      updateGrid: gridFor(Math.ceil(volume / 2 / UPDATE_WORKGROUP), maxPerDim),
      loopSize,
      partial,
      loopWorkgroups,
      loops,
      loopGroup: device.createBindGroup({
        layout: loops.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: links } },
          { binding: 1, resource: { buffer: loopSize } },
          { binding: 2, resource: { buffer: partial } },
        ],
      }),
      loopGrid: gridFor(loopWorkgroups, maxPerDim),
      queue: undefined,
      queueSlots: 0,
      queued: [],
    };
    return this.resident;
  }
}
