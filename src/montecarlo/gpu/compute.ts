/**
 * Small helpers shared by the GPU kernels: compiling WGSL with readable errors, and splitting a
 * 1D launch over two grid dimensions when it exceeds maxComputeWorkgroupsPerDimension (the
 * kernels rebuild the linear index from `num_workgroups`).
 *
 * @module
 */

/**
 * Compiles `code` into a compute pipeline with entry point `entryPoint`; a WGSL error becomes
 * an Error that names the kernel and quotes the compiler's messages with line numbers.
 */
export async function computePipeline(
  device: GPUDevice,
  label: string,
  code: string,
  entryPoint: string,
  layout: GPUPipelineLayout | 'auto' = 'auto',
): Promise<GPUComputePipeline> {
  const module = device.createShaderModule({ label, code });
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((m) => m.type === 'error');
  if (errors.length > 0) {
    const lines = code.split('\n');
    const text = errors
      .map((m) => `  line ${m.lineNum}: ${m.message}\n    ${lines[m.lineNum - 1]?.trim() ?? ''}`)
      .join('\n');
    throw new Error(`${label}: the WGSL kernel does not compile:\n${text}`);
  }
  return device.createComputePipelineAsync({ label, layout, compute: { module, entryPoint } });
}

/** Workgroup counts (x, y) covering `workgroups` groups with x <= maxPerDimension. */
export function gridFor(workgroups: number, maxPerDimension: number): [number, number] {
  const x = Math.min(Math.max(workgroups, 1), maxPerDimension);
  return [x, Math.ceil(workgroups / x)];
}

/** Copies `size` bytes of `source` into a fresh mappable buffer and returns them. */
export async function readBuffer(
  device: GPUDevice,
  source: GPUBuffer,
  size: number,
): Promise<ArrayBuffer> {
  const staging = device.createBuffer({
    size,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  try {
    const encoder = device.createCommandEncoder();
    encoder.copyBufferToBuffer(source, 0, staging, 0, size);
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    return staging.getMappedRange().slice(0);
  } finally {
    staging.destroy();
  }
}
