/**
 * SU(N) gauge fields on a periodic lattice.
 *
 * Layout (DESIGN.md 2): `links[((site*D + mu)*N*N + r*N + c)*2 + {0: re, 1: im}]`, site-major,
 * direction inside, then the matrix in the layout of src/sun/types.ts. U_mu(x) is the link
 * from x to x + mu-hat; under a gauge transformation U_mu(x) -> Omega(x) U_mu(x) Omega(x+mu)^dagger.
 *
 * @module
 */
import { kernelsFor } from '../sun/group.js';
import { haarRandom } from '../sun/random.js';
import type { SUNKernels, UniformRandom } from '../sun/types.js';
import { checkLength, rangeError, typeError } from '../core/validate.js';
import { Lattice } from './lattice.js';

/** A gauge field: one SU(N) matrix per link of a lattice. */
export class GaugeField {
  /** The lattice the field lives on. */
  readonly lattice: Lattice;
  /** The kernels of its group; `group.N` is the number of colours. */
  readonly group: SUNKernels;
  /** The link matrices, in the layout of this module's header. */
  readonly links: Float64Array;

  /**
   * Wraps (does not copy) an array of links.
   *
   * @throws RangeError when `links` does not hold V*D matrices of size 2*N*N.
   */
  constructor(lattice: Lattice, group: SUNKernels | number, links?: Float64Array) {
    if (!(lattice instanceof Lattice))
      throw typeError('GaugeField', 'lattice', 'a Lattice', lattice);
    this.lattice = lattice;
    this.group = typeof group === 'number' ? kernelsFor(group) : group;
    const length = lattice.volume * lattice.D * this.group.matrixSize;
    if (links === undefined) {
      this.links = new Float64Array(length);
    } else {
      checkLength('GaugeField', 'links', links, length);
      this.links = links;
    }
  }

  /** Number of colours N. */
  get N(): number {
    return this.group.N;
  }

  /** Offset of U_mu(site) in `links`. */
  offset(site: number, mu: number): number {
    return (site * this.lattice.D + mu) * this.group.matrixSize;
  }

  /** A cold start: every link is the identity (plaquette 1). */
  static cold(lattice: Lattice, N: number): GaugeField {
    const field = new GaugeField(lattice, N);
    const g = field.group;
    for (let k = 0; k < lattice.volume * lattice.D; k++) g.identity(field.links, k * g.matrixSize);
    return field;
  }

  /** A hot start: every link Haar-random (plaquette 0 on average). */
  static hot(lattice: Lattice, N: number, rng: UniformRandom): GaugeField {
    const field = new GaugeField(lattice, N);
    const g = field.group;
    for (let k = 0; k < lattice.volume * lattice.D; k++) {
      haarRandom(field.links, k * g.matrixSize, g, rng);
    }
    return field;
  }

  /**
   * A copy whose links live in a SharedArrayBuffer, so that worker threads can update them
   * in place (parallel sweeps).
   */
  toShared(): GaugeField {
    const links = new Float64Array(new SharedArrayBuffer(this.links.byteLength));
    links.set(this.links);
    return new GaugeField(this.lattice, this.group, links);
  }

  /** A deep copy. */
  clone(): GaugeField {
    return new GaugeField(this.lattice, this.group, this.links.slice());
  }

  /** Copies the links of `other` (same lattice and group) into this field. */
  copyFrom(other: GaugeField): this {
    this.checkCompatible('GaugeField.copyFrom', 'other', other);
    this.links.set(other.links);
    return this;
  }

  /**
   * True when every link component of the two fields differs by at most `tolerance`
   * (absolute; 0 means bit-for-bit). Fields on different lattices or groups are unequal.
   */
  equals(other: GaugeField, tolerance = 1e-12): boolean {
    if (!this.lattice.equals(other.lattice) || this.N !== other.N) return false;
    const a = this.links;
    const b = other.links;
    for (let k = 0; k < a.length; k++) if (!(Math.abs(a[k] - b[k]) <= tolerance)) return false;
    return true;
  }

  /** Largest |U U^dagger - 1| component over all links: a measure of drift from SU(N). */
  unitarityViolation(): number {
    const g = this.group;
    const m = g.matrixSize;
    const tmp = new Float64Array(m);
    const one = g.identity(new Float64Array(m), 0);
    let worst = 0;
    for (let off = 0; off < this.links.length; off += m) {
      g.multiplyAdjoint(tmp, 0, this.links, off, this.links, off);
      for (let k = 0; k < m; k++) worst = Math.max(worst, Math.abs(tmp[k] - one[k]));
    }
    return worst;
  }

  /** Re-unitarises every link (projects back onto SU(N)); returns this. */
  reunitarize(): this {
    const g = this.group;
    for (let off = 0; off < this.links.length; off += g.matrixSize) {
      g.reunitarize(this.links, off, this.links, off);
    }
    return this;
  }

  /** Throws when `other` lives on another lattice or group. */
  checkCompatible(fn: string, arg: string, other: GaugeField): void {
    if (!this.lattice.equals(other.lattice) || this.N !== other.N) {
      throw rangeError(
        fn,
        arg,
        `a field on ${this.lattice} with N = ${this.N}`,
        `a field on ${other.lattice} with N = ${other.N}`,
      );
    }
  }
}
