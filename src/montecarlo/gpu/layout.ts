/**
 * The links on the GPU: float32, structure of arrays by direction, parity and component.
 *
 *     gpu[((mu * 2 + parity) * C + c) * H + i]
 *
 * with H = V / 2 and i = site >> 1 the index of the site within its parity (the even-odd
 * order: with L0 even each pair of sites (2h, 2h + 1) along x0 holds one site of each
 * parity, so site >> 1 numbers both sublattices densely). A thread updates one link of a
 * checkerboard pass, and consecutive threads read consecutive addresses of every component:
 * the loads are coalesced.
 *
 * Components per link: C = 18 for SU(3) (the matrix in DESIGN.md 2's order, re and im
 * interleaved, row-major); C = 4 for SU(2), the quaternion (u0, u1, u2, u3) of
 * U = [[u0 + i u3, u2 + i u1], [-u2 + i u1, u0 - i u3]] (src/sun/subgroups.ts), read from the
 * first row as the CPU's SU(2) staple does.
 *
 * The float64 GaugeField (DESIGN.md 2) is converted at the boundary: {@link packLinks} on the
 * way up, {@link unpackLinks} on the way down.
 *
 * @module
 */
import type { GaugeField } from '../../lattice/gaugeField.js';
import { rangeError } from '../../core/validate.js';

/** Numbers per link on the GPU, by N (the groups the GPU kernels support). */
export const GPU_COMPONENTS: Readonly<Record<number, number>> = { 2: 4, 3: 18 };

/** Largest number of dimensions the kernels are generated for. */
export const GPU_MAX_DIMENSIONS = 8;

/** Bytes of the links of an SU(N) field on `dims` in the GPU layout. */
export function gpuLinkBytes(N: number, dims: readonly number[]): number {
  const volume = dims.reduce((a, b) => a * b, 1);
  return volume * dims.length * GPU_COMPONENTS[N] * 4;
}

/**
 * Throws, before any buffer is made, when an SU(N) field on `dims` cannot run on a device with
 * these limits: a group other than SU(2) or SU(3), odd extents, more than
 * {@link GPU_MAX_DIMENSIONS} dimensions, or links larger than maxStorageBufferBindingSize or
 * maxBufferSize (the message names the limit, its value and the bytes needed).
 */
export function checkGpuLattice(
  fn: string,
  N: number,
  dims: readonly number[],
  limits: Pick<GPUSupportedLimits, 'maxStorageBufferBindingSize' | 'maxBufferSize'>,
): void {
  if (GPU_COMPONENTS[N] === undefined) {
    throw rangeError(fn, 'N', '2 or 3 (the GPU kernels are SU(2) and SU(3))', N);
  }
  if (dims.length < 2 || dims.length > GPU_MAX_DIMENSIONS) {
    throw rangeError(fn, 'dims', `2 to ${GPU_MAX_DIMENSIONS} extents`, [...dims]);
  }
  if (dims.some((L) => !Number.isInteger(L) || L < 2 || L % 2 !== 0)) {
    throw rangeError(fn, 'dims', 'even extents >= 2 (checkerboard)', [...dims]);
  }
  const bytes = gpuLinkBytes(N, dims);
  for (const limit of ['maxStorageBufferBindingSize', 'maxBufferSize'] as const) {
    if (bytes > limits[limit]) {
      const lattice = `SU(${N}) on ${dims.join('x')}`;
      throw rangeError(
        fn,
        'dims',
        `links that fit the adapter's ${limit} of ${limits[limit]} bytes (${mib(limits[limit])})`,
        `${lattice}, whose links need ${bytes} bytes (${mib(bytes)}) in float32`,
      );
    }
  }
}

function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}

/** Writes the float64 links of `field` into `out` (length V D C) in the GPU layout; returns out. */
export function packLinks<T extends Float32Array>(out: T, field: GaugeField): T {
  const { volume, D } = field.lattice;
  const H = volume / 2;
  const C = GPU_COMPONENTS[field.N];
  const m = field.group.matrixSize;
  const U = field.links;
  const parity = field.lattice.parity;
  for (let x = 0; x < volume; x++) {
    const p = parity[x];
    const i = x >> 1;
    for (let mu = 0; mu < D; mu++) {
      const o = (x * D + mu) * m;
      const base = (mu * 2 + p) * C * H + i;
      if (C === 4) {
        // (u0, u1, u2, u3) = (re U00, im U01, re U01, im U00)
        out[base] = U[o];
        out[base + H] = U[o + 3];
        out[base + 2 * H] = U[o + 2];
        out[base + 3 * H] = U[o + 1];
      } else {
        for (let c = 0; c < C; c++) out[base + c * H] = U[o + c];
      }
    }
  }
  return out;
}

/** Writes GPU-layout links `data` into `field`'s float64 links; returns the field. */
export function unpackLinks(field: GaugeField, data: Float32Array): GaugeField {
  const { volume, D } = field.lattice;
  const H = volume / 2;
  const C = GPU_COMPONENTS[field.N];
  const m = field.group.matrixSize;
  const U = field.links;
  const parity = field.lattice.parity;
  for (let x = 0; x < volume; x++) {
    const p = parity[x];
    const i = x >> 1;
    for (let mu = 0; mu < D; mu++) {
      const o = (x * D + mu) * m;
      const base = (mu * 2 + p) * C * H + i;
      if (C === 4) {
        // U = [[u0 + i u3, u2 + i u1], [-u2 + i u1, u0 - i u3]] (writeSU2 of ../heatbath.ts)
        const u0 = data[base];
        const u1 = data[base + H];
        const u2 = data[base + 2 * H];
        const u3 = data[base + 3 * H];
        U[o] = u0;
        U[o + 1] = u3;
        U[o + 2] = u2;
        U[o + 3] = u1;
        U[o + 4] = -u2;
        U[o + 5] = u1;
        U[o + 6] = u0;
        U[o + 7] = -u3;
      } else {
        for (let c = 0; c < C; c++) U[o + c] = data[base + c * H];
      }
    }
  }
  return field;
}
