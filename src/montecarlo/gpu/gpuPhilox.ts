/**
 * The GPU's Philox streams, read back: for checking that the WGSL generator (./wgsl/philox.ts)
 * draws what the CPU's SiteStream draws (the tests, and bench/gpu on a new machine).
 *
 * @module
 */
import { checkInteger } from '../../core/validate.js';
import { philoxKey, streamCounterWord } from '../philox.js';
import type { GpuContext } from './adapter.js';
import { computePipeline, readBuffer } from './compute.js';
import { PHILOX_WGSL } from './wgsl/philox.js';

/** The counters of one stream, as SiteStream.reset takes them. */
export interface StreamCounters {
  /** Lexicographic site. */
  site: number;
  /** Sweep number. */
  sweep: number;
  /** DrawKind value. */
  kind: number;
  /** Direction. */
  direction: number;
  /** Parity. */
  parity: number;
  /** Stream (chain) index. */
  stream: number;
}

/** What {@link gpuStreamDraws} returns: `draws` values per stream, stream after stream. */
export interface GpuDraws {
  /** The 32-bit words. */
  words: Uint32Array;
  /** The float32 uniform draws the kernels use, from the same words. */
  uniforms: Float32Array;
}

const KERNEL = /* wgsl */ `
struct Params { k0: u32, k1: u32, draws: u32, streams: u32 }
@group(0) @binding(0) var<storage, read> counters: array<vec4u>;
@group(0) @binding(1) var<uniform> params: Params;
@group(0) @binding(2) var<storage, read_write> words: array<u32>;
@group(0) @binding(3) var<storage, read_write> uniforms: array<f32>;

@compute @workgroup_size(64)
fn draws(@builtin(global_invocation_id) gid: vec3u) {
  let t = gid.x;
  if (t >= params.streams) { return; }
  let c = counters[t];
  rngReset(c.x, c.y, c.z, params.k0, params.k1);
  for (var k = 0u; k < params.draws; k++) { words[t * params.draws + k] = rngNextU32(); }
  rngReset(c.x, c.y, c.z, params.k0, params.k1);
  for (var k = 0u; k < params.draws; k++) { uniforms[t * params.draws + k] = rngUniform(); }
}
`;

/** The first `draws` words and uniforms of each stream, computed on the GPU. */
export async function gpuStreamDraws(
  context: GpuContext,
  seed: number,
  streams: readonly StreamCounters[],
  draws: number,
): Promise<GpuDraws> {
  const fn = 'gpuStreamDraws';
  checkInteger(fn, 'seed', seed, 0);
  checkInteger(fn, 'draws', draws, 1, 1 << 16);
  checkInteger(fn, 'streams.length', streams.length, 1, 1 << 16);
  const device = context.device;
  const pipeline = await computePipeline(device, 'philox draws', PHILOX_WGSL + KERNEL, 'draws');
  const counters = new Uint32Array(4 * streams.length);
  streams.forEach((s, t) => {
    counters[4 * t] = s.site;
    counters[4 * t + 1] = s.sweep;
    counters[4 * t + 2] = streamCounterWord(s.kind, s.direction, s.parity, s.stream);
  });
  const params = new Uint32Array([...philoxKey(seed), draws, streams.length]);
  const bytes = 4 * draws * streams.length;
  const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
  const buffers = [
    device.createBuffer({ size: counters.byteLength, usage: storage }),
    device.createBuffer({ size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST }),
    device.createBuffer({ size: bytes, usage: storage }),
    device.createBuffer({ size: bytes, usage: storage }),
  ];
  try {
    device.queue.writeBuffer(buffers[0], 0, counters);
    device.queue.writeBuffer(buffers[1], 0, params);
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(
      0,
      device.createBindGroup({
        layout: pipeline.getBindGroupLayout(0),
        entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
      }),
    );
    pass.dispatchWorkgroups(Math.ceil(streams.length / 64));
    pass.end();
    device.queue.submit([encoder.finish()]);
    const words = new Uint32Array(await readBuffer(device, buffers[2], bytes));
    const uniforms = new Float32Array(await readBuffer(device, buffers[3], bytes));
    return { words, uniforms };
  } finally {
    for (const b of buffers) b.destroy();
  }
}
