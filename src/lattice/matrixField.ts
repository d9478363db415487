/**
 * Site-wise matrix fields: `components` N x N matrices at every site, such as the plaquettes
 * of every plane, Wilson loops, clover field strengths or L-CNN channels.
 *
 * Layout: `data[((site*components + k)*N*N + r*N + c)*2 + {0,1}]`. Such fields transform
 * locally under gauge transformations, W(x) -> Omega(x) W(x) Omega(x)^dagger.
 *
 * @module
 */
import { kernelsFor } from '../sun/group.js';
import type { SUNKernels } from '../sun/types.js';
import { checkInteger, checkLength, typeError } from '../core/validate.js';
import { Lattice } from './lattice.js';

/** `components` matrices at each site of a lattice. */
export class MatrixField {
  /** The lattice the field lives on. */
  readonly lattice: Lattice;
  /** The kernels of its group; `group.N` is the number of colours. */
  readonly group: SUNKernels;
  /** Matrices per site. */
  readonly components: number;
  /** The matrices, in the layout of this module's header. */
  readonly data: Float64Array;

  /**
   * @throws RangeError when `data` has the wrong length or `components` < 1.
   */
  constructor(
    lattice: Lattice,
    group: SUNKernels | number,
    components: number,
    data?: Float64Array,
  ) {
    if (!(lattice instanceof Lattice)) {
      throw typeError('MatrixField', 'lattice', 'a Lattice', lattice);
    }
    checkInteger('MatrixField', 'components', components, 1);
    this.lattice = lattice;
    this.group = typeof group === 'number' ? kernelsFor(group) : group;
    this.components = components;
    const length = lattice.volume * components * this.group.matrixSize;
    if (data === undefined) {
      this.data = new Float64Array(length);
    } else {
      checkLength('MatrixField', 'data', data, length);
      this.data = data;
    }
  }

  /** Number of colours N. */
  get N(): number {
    return this.group.N;
  }

  /** Offset of component k at a site. */
  offset(site: number, k: number): number {
    return (site * this.components + k) * this.group.matrixSize;
  }

  /** A deep copy. */
  clone(): MatrixField {
    return new MatrixField(this.lattice, this.group, this.components, this.data.slice());
  }

  /** Component-wise comparison within an absolute tolerance (0: bit-for-bit). */
  equals(other: MatrixField, tolerance = 1e-12): boolean {
    if (
      !this.lattice.equals(other.lattice) ||
      this.N !== other.N ||
      this.components !== other.components
    ) {
      return false;
    }
    for (let k = 0; k < this.data.length; k++) {
      if (!(Math.abs(this.data[k] - other.data[k]) <= tolerance)) return false;
    }
    return true;
  }

  /** Largest absolute difference between two compatible fields (for test diagnostics). */
  maxDifference(other: MatrixField): number {
    let worst = 0;
    for (let k = 0; k < this.data.length; k++) {
      worst = Math.max(worst, Math.abs(this.data[k] - other.data[k]));
    }
    return worst;
  }

  /** Re tr of component k at every site, as a Float64Array of length V. */
  reTraces(k = 0): Float64Array {
    const out = new Float64Array(this.lattice.volume);
    for (let site = 0; site < out.length; site++) {
      out[site] = this.group.reTrace(this.data, this.offset(site, k));
    }
    return out;
  }
}
