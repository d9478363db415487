/**
 * Geometry of a D-dimensional periodic hypercubic lattice.
 *
 * Sites are numbered lexicographically with x0 fastest (DESIGN.md 2):
 * `site = x0 + L0*(x1 + L1*(x2 + ...))`. The last axis is "time", matching the NERSC/ILDG
 * order x, y, z, t for D = 4. Parity of a site is (sum of its coordinates) mod 2.
 *
 * @module
 */
import { checkInteger, rangeError, typeError } from '../core/validate.js';

/** A periodic lattice with extents `dims` and precomputed neighbour tables. */
export class Lattice {
  /** Extents [L0, ..., L(D-1)]. */
  readonly dims: readonly number[];
  /** Number of dimensions D. */
  readonly D: number;
  /** Number of sites V = prod(L_mu). */
  readonly volume: number;
  /** strides[mu] = L0 * ... * L(mu-1): the index step of one hop along mu. */
  readonly strides: readonly number[];
  /** up[site*D + mu] = index of site + mu-hat (periodic). */
  readonly up: Int32Array;
  /** down[site*D + mu] = index of site - mu-hat (periodic). */
  readonly down: Int32Array;
  /** parity[site] = (sum of coordinates) mod 2. */
  readonly parity: Uint8Array;

  /**
   * @param dims - extents, D = dims.length >= 2, each an integer >= 1.
   * @throws RangeError naming the offending extent.
   */
  constructor(dims: readonly number[]) {
    if (!Array.isArray(dims)) throw typeError('Lattice', 'dims', 'an array of extents', dims);
    if (dims.length < 2) {
      throw rangeError('Lattice', 'dims', 'at least 2 dimensions (D >= 2)', dims);
    }
    dims.forEach((L, mu) => checkInteger('Lattice', `dims[${mu}]`, L, 1));
    this.dims = Object.freeze([...dims]);
    this.D = dims.length;
    const strides: number[] = [];
    let v = 1;
    for (const L of dims) {
      strides.push(v);
      v *= L;
    }
    if (v > 2 ** 31 - 1) throw rangeError('Lattice', 'dims', 'a volume below 2^31', dims);
    this.volume = v;
    this.strides = Object.freeze(strides);
    const D = this.D;
    this.up = new Int32Array(v * D);
    this.down = new Int32Array(v * D);
    this.parity = new Uint8Array(v);
    const x = new Array<number>(D).fill(0);
    for (let site = 0; site < v; site++) {
      let p = 0;
      for (let mu = 0; mu < D; mu++) {
        const L = dims[mu];
        const s = strides[mu];
        p += x[mu];
        this.up[site * D + mu] = x[mu] === L - 1 ? site - (L - 1) * s : site + s;
        this.down[site * D + mu] = x[mu] === 0 ? site + (L - 1) * s : site - s;
      }
      this.parity[site] = p & 1;
      // advance the coordinate odometer, x0 fastest
      for (let mu = 0; mu < D; mu++) {
        if (++x[mu] < dims[mu]) break;
        x[mu] = 0;
      }
    }
  }

  /** Site index of the coordinates x (taken modulo the extents, so any integers work). */
  index(x: ArrayLike<number>): number {
    if (x.length !== this.D) {
      throw rangeError('Lattice.index', 'x', `${this.D} coordinates`, Array.from(x));
    }
    let site = 0;
    for (let mu = this.D - 1; mu >= 0; mu--) {
      const L = this.dims[mu];
      site = site * L + (((x[mu] % L) + L) % L);
    }
    return site;
  }

  /** Coordinates of a site, written into `out` (allocated when omitted). */
  coordinates(site: number, out: number[] = new Array<number>(this.D)): number[] {
    let s = site;
    for (let mu = 0; mu < this.D; mu++) {
      const L = this.dims[mu];
      out[mu] = s % L;
      s = (s - out[mu]) / L;
    }
    return out;
  }

  /** The site reached from `site` by `hops` steps along mu (hops may be negative). */
  shift(site: number, mu: number, hops: number): number {
    const L = this.dims[mu];
    const s = this.strides[mu];
    const xmu = Math.floor(site / s) % L;
    const target = (((xmu + hops) % L) + L) % L;
    return site + (target - xmu) * s;
  }

  /** Checks that mu is a valid direction, naming the caller in the error. */
  checkDirection(fn: string, arg: string, mu: number): void {
    checkInteger(fn, arg, mu, 0, this.D - 1);
  }

  /** True when the two lattices have the same extents. */
  equals(other: Lattice): boolean {
    return this.D === other.D && this.dims.every((L, mu) => L === other.dims[mu]);
  }

  /** A short description, e.g. "8x8x8x16". */
  toString(): string {
    return this.dims.join('x');
  }
}
