import { describe, expect, it } from 'vitest';
import { philox4x32, SiteStream } from '../../src/montecarlo/philox.js';

describe('Philox4x32-10', () => {
  // Random123 tests/kat_vectors, the three "philox4x32 10" lines: counter, key -> output.
  it.each([
    [
      [0, 0, 0, 0],
      [0, 0],
      [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8],
    ],
    [
      [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff],
      [0xffffffff, 0xffffffff],
      [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd],
    ],
    [
      [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344],
      [0xa4093822, 0x299f31d0],
      [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1],
    ],
  ])('reproduces the Random123 known answer for counter %j, key %j', (c, k, expected) => {
    const out = philox4x32(new Uint32Array(4), 0, c[0], c[1], c[2], c[3], k[0], k[1]);
    expect(Array.from(out)).toEqual(expected);
  });
});

describe('SiteStream', () => {
  it('gives the same draws for the same (seed, site, sweep, kind, direction, parity)', () => {
    const a = new SiteStream(42).reset(17, 3, 1, 2, 1);
    const b = new SiteStream(42).reset(17, 3, 1, 2, 1);
    const xa = Array.from({ length: 10 }, () => a.uniform());
    expect(Array.from({ length: 10 }, () => b.uniform())).toEqual(xa);
  });

  it('gives different draws when any counter component or the seed changes', () => {
    const first = (s: SiteStream) => s.uniform();
    const base = first(new SiteStream(42).reset(17, 3, 1, 2, 1));
    expect(first(new SiteStream(43).reset(17, 3, 1, 2, 1))).not.toBe(base);
    expect(first(new SiteStream(42).reset(18, 3, 1, 2, 1))).not.toBe(base);
    expect(first(new SiteStream(42).reset(17, 4, 1, 2, 1))).not.toBe(base);
    expect(first(new SiteStream(42).reset(17, 3, 2, 2, 1))).not.toBe(base);
    expect(first(new SiteStream(42).reset(17, 3, 1, 3, 1))).not.toBe(base);
    expect(first(new SiteStream(42).reset(17, 3, 1, 2, 0))).not.toBe(base);
    expect(first(new SiteStream(42).reset(17, 3, 1, 2, 1, 1))).not.toBe(base);
    expect(first(new SiteStream(2 ** 40 + 42).reset(17, 3, 1, 2, 1))).not.toBe(base);
  });

  it('restarts from the first draw after reset', () => {
    const s = new SiteStream(1).reset(0, 0, 0, 0, 0);
    const x = [s.uniform(), s.uniform(), s.uniform(), s.uniform(), s.uniform()];
    s.reset(0, 0, 0, 0, 0);
    expect([s.uniform(), s.uniform(), s.uniform(), s.uniform(), s.uniform()]).toEqual(x);
  });

  it('draws uniforms in (0, 1) with mean 1/2 and variance 1/12 (5 sigma)', () => {
    const s = new SiteStream(7);
    const n = 100_000;
    let sum = 0;
    let sum2 = 0;
    for (let site = 0; site < n / 10; site++) {
      s.reset(site, 0, 1, 0, 0);
      for (let k = 0; k < 10; k++) {
        const u = s.uniform();
        expect(u > 0 && u < 1).toBe(true);
        sum += u;
        sum2 += u * u;
      }
    }
    const mean = sum / n;
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(sum2 / n - mean * mean - 1 / 12)).toBeLessThan(5 * Math.sqrt(1 / 180 / n));
  });

  it('draws normals with mean 0 and variance 1, and exponentials with mean 1 (5 sigma)', () => {
    const s = new SiteStream(8).reset(0, 0, 0, 0, 0);
    const n = 100_000;
    let z1 = 0;
    let z2 = 0;
    let e1 = 0;
    for (let i = 0; i < n; i++) {
      const z = s.normal();
      z1 += z;
      z2 += z * z;
      e1 += s.exponential();
    }
    expect(Math.abs(z1 / n)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(z2 / n - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(e1 / n - 1)).toBeLessThan(5 / Math.sqrt(n));
  });

  it('rejects a negative seed', () => {
    expect(() => new SiteStream(-3)).toThrow(
      /SiteStream: invalid seed: expected an integer >= 0, got -3/,
    );
  });
});
