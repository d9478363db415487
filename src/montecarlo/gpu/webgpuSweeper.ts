/**
 * Checkerboard heatbath and overrelaxation sweeps of SU(2) and SU(3) on a WebGPU device, in
 * float32 (DESIGN.md 4): a {@link Sweeper} that keeps the links on the GPU.
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
import type { Sweeper, SweepSpec } from '../sweeper.js';
import { requestGpu, type GpuContext, type RequestGpuOptions } from './adapter.js';
import { computePipeline, gridFor, readBuffer } from './compute.js';
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
}

/** Checkerboard sweeps on a WebGPU device; see the module comment. */
export class WebGpuSweeper implements Sweeper {
  /** The device and what it is. */
  readonly context: GpuContext;
  private readonly ownsDevice: boolean;
  private resident: Resident | undefined;
  private inFlight = 0;

  /**
   * @param context - a device from {@link requestGpu}; the sweeper destroys it on close only
   *   when `ownsDevice` (as {@link WebGpuSweeper.create} sets).
   */
  constructor(context: GpuContext, ownsDevice = false) {
    this.context = context;
    this.ownsDevice = ownsDevice;
  }

  /** A sweeper on a device of its own, from the first backend that has one (./adapter.ts). */
  static async create(options: RequestGpuOptions = {}): Promise<WebGpuSweeper> {
    return new WebGpuSweeper(await requestGpu(options), true);
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
    const fn = 'WebGpuSweeper.wilsonLoop';
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
    const partial = new Float32Array(await readBuffer(device, r.partial, r.loopWorkgroups * 4));
    this.inFlight = 0;
    let sum = 0;
    for (let k = 0; k < partial.length; k++) sum += partial[k];
    const { D, volume } = field.lattice;
    const orientations = ((D * (D - 1)) / 2) * (R === T ? 1 : 2);
    return sum / (volume * orientations);
  }

  /** Releases the buffers, and the device when the sweeper made it. */
  async close(): Promise<void> {
    this.release();
    if (this.ownsDevice) this.context.device.destroy();
  }

  private release(): void {
    const r = this.resident;
    if (r === undefined) return;
    for (const b of [r.links, r.passes, r.loopSize, r.partial]) b.destroy();
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
    };
    return this.resident;
  }
}
