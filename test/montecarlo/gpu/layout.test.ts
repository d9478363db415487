/**
 * The GPU layout (src/montecarlo/gpu/layout.ts): component c of U_mu(x) at
 * ((mu * 2 + parity) * C + c) * H + (x >> 1); SU(2) as the quaternion of the first row; the
 * float64 field survives the trip to float32 and back to float32 rounding; a lattice too
 * large for a limit is refused with a message naming the limit.
 */
import { describe, expect, it } from 'vitest';
import { GaugeField } from '../../../src/lattice/gaugeField.js';
import { Lattice } from '../../../src/lattice/lattice.js';
import {
  checkGpuLattice,
  gpuLinkBytes,
  packLinks,
  unpackLinks,
} from '../../../src/montecarlo/gpu/layout.js';
import { SiteStream } from '../../../src/montecarlo/philox.js';

function hot(dims: number[], N: number): GaugeField {
  return GaugeField.hot(new Lattice(dims), N, new SiteStream(3).reset(0, 0, 0, 0, 0));
}

describe('GPU link layout', () => {
  it('puts component c of U_mu(x) at ((mu 2 + parity) C + c) H + (x >> 1)', () => {
    const field = hot([4, 6, 2], 3);
    const gpu = packLinks(new Float32Array(gpuLinkBytes(3, [4, 6, 2]) / 4), field);
    const H = field.lattice.volume / 2;
    for (const [x, mu, c] of [
      [0, 0, 0],
      [13, 2, 17],
      [47, 1, 5],
      [30, 0, 9],
    ]) {
      const p = field.lattice.parity[x];
      expect(gpu[((mu * 2 + p) * 18 + c) * H + (x >> 1)]).toBe(
        Math.fround(field.links[field.offset(x, mu) + c]),
      );
    }
  });

  it('numbers each parity densely by site >> 1 (even extents)', () => {
    const lattice = new Lattice([4, 2, 6]);
    const seen = [new Set<number>(), new Set<number>()];
    for (let x = 0; x < lattice.volume; x++) seen[lattice.parity[x]].add(x >> 1);
    expect(seen[0].size).toBe(lattice.volume / 2);
    expect(seen[1].size).toBe(lattice.volume / 2);
  });

  it.each([2, 3])('gives back SU(%d) links to float32 rounding', (N) => {
    const field = hot([4, 4, 2, 2], N);
    const back = unpackLinks(
      new GaugeField(field.lattice, N),
      packLinks(new Float32Array(gpuLinkBytes(N, [4, 4, 2, 2]) / 4), field),
    );
    expect(back.equals(field, 1e-7)).toBe(true);
    expect(back.equals(field, 1e-9)).toBe(false); // float32 on the way
  });

  it('refuses a lattice over either buffer limit, naming the limit, its value and the bytes needed', () => {
    const limits = { maxStorageBufferBindingSize: 1 << 20, maxBufferSize: 1 << 22 };
    // 8^4 SU(3): 4096 sites x 4 links x 72 bytes = 1179648 bytes
    expect(() => checkGpuLattice('f', 3, [8, 8, 8, 8], limits)).toThrow(
      "f: invalid dims: expected links that fit the adapter's maxStorageBufferBindingSize of 1048576 bytes (1.0 MiB), got SU(3) on 8x8x8x8, whose links need 1179648 bytes (1.1 MiB) in float32",
    );
    expect(() =>
      checkGpuLattice('f', 3, [8, 8, 8, 8], {
        maxStorageBufferBindingSize: 1 << 30,
        maxBufferSize: 1 << 20,
      }),
    ).toThrow(/maxBufferSize of 1048576 bytes/);
    expect(() => checkGpuLattice('f', 2, [8, 8, 8, 8], limits)).not.toThrow(); // 16 bytes a link
    expect(() => checkGpuLattice('f', 3, [4, 5], limits)).toThrow(/even extents/);
    expect(() => checkGpuLattice('f', 5, [4, 4], limits)).toThrow(/expected 2 or 3/);
  });
});
