import { describe, expect, it } from 'vitest';
import { Lattice } from '../../src/lattice/lattice.js';

describe('Lattice', () => {
  it('numbers sites lexicographically with x0 fastest', () => {
    const lattice = new Lattice([3, 4, 5]);
    expect(lattice.volume).toBe(60);
    expect(lattice.index([1, 0, 0])).toBe(1);
    expect(lattice.index([0, 1, 0])).toBe(3);
    expect(lattice.index([0, 0, 1])).toBe(12);
    expect(lattice.index([2, 3, 4])).toBe(59);
  });

  it('maps coordinates to indices and back for every site', () => {
    const lattice = new Lattice([2, 3, 4, 5]);
    for (let site = 0; site < lattice.volume; site++) {
      expect(lattice.index(lattice.coordinates(site))).toBe(site);
    }
  });

  it('wraps coordinates periodically, negative ones included', () => {
    const lattice = new Lattice([4, 6]);
    expect(lattice.index([-1, 0])).toBe(lattice.index([3, 0]));
    expect(lattice.index([5, -7])).toBe(lattice.index([1, 5]));
  });

  it('has neighbour tables that agree with coordinate arithmetic', () => {
    const lattice = new Lattice([3, 2, 4]);
    for (let site = 0; site < lattice.volume; site++) {
      const x = lattice.coordinates(site);
      for (let mu = 0; mu < lattice.D; mu++) {
        const fwd = [...x];
        fwd[mu] += 1;
        const bwd = [...x];
        bwd[mu] -= 1;
        expect(lattice.up[site * lattice.D + mu]).toBe(lattice.index(fwd));
        expect(lattice.down[site * lattice.D + mu]).toBe(lattice.index(bwd));
        expect(lattice.shift(site, mu, 5)).toBe(
          lattice.index(fwd.map((v, i) => (i === mu ? v + 4 : v))),
        );
        expect(lattice.shift(site, mu, -3)).toBe(
          lattice.index(x.map((v, i) => (i === mu ? v - 3 : v))),
        );
      }
    }
  });

  it('gives each site the parity of its coordinate sum, half of them even', () => {
    const lattice = new Lattice([4, 4, 2]);
    let even = 0;
    for (let site = 0; site < lattice.volume; site++) {
      const x = lattice.coordinates(site);
      expect(lattice.parity[site]).toBe(x.reduce((a, b) => a + b, 0) % 2);
      if (lattice.parity[site] === 0) even++;
      // every neighbour has the other parity on an even lattice
      for (let mu = 0; mu < lattice.D; mu++) {
        expect(lattice.parity[lattice.up[site * lattice.D + mu]]).toBe(1 - lattice.parity[site]);
      }
    }
    expect(even).toBe(lattice.volume / 2);
  });

  it('rejects fewer than two dimensions, naming the argument and the value', () => {
    expect(() => new Lattice([8])).toThrow(
      /Lattice: invalid dims: expected at least 2 dimensions \(D >= 2\), got \[8\]/,
    );
    expect(() => new Lattice([])).toThrow(RangeError);
  });

  it('rejects zero, negative and fractional extents, naming which one', () => {
    expect(() => new Lattice([4, 0])).toThrow(/invalid dims\[1\]: expected an integer >= 1, got 0/);
    expect(() => new Lattice([-2, 4])).toThrow(
      /invalid dims\[0\]: expected an integer >= 1, got -2/,
    );
    expect(() => new Lattice([4, 2.5])).toThrow(/invalid dims\[1\].*got 2.5/);
  });

  it('rejects an out-of-range direction with the allowed range', () => {
    const lattice = new Lattice([4, 4]);
    expect(() => lattice.checkDirection('f', 'mu', 2)).toThrow(
      /f: invalid mu: expected an integer in \[0, 1\], got 2/,
    );
  });

  it('rejects coordinates of the wrong length', () => {
    expect(() => new Lattice([4, 4]).index([1, 2, 3])).toThrow(/expected 2 coordinates/);
  });
});
