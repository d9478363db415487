/**
 * The tensors of the L-CNN engine (DESIGN.md 6), float64 throughout.
 *
 * - {@link MatrixTensor}: complex N x N matrices per (configuration, site, channel), layout
 *   `data[((b*V + x)*C + c)*2N^2 + 2(r N + col) + {0: re, 1: im}]` (the matrix layout of
 *   src/sun/types.ts). Locally transforming fields: W(x) -> Omega(x) W(x) Omega(x)^+.
 * - {@link FeatureTensor}: real features per (configuration, site), `data[(b*V + x)*F + f]`;
 *   gauge invariant. A lattice-wide output is a FeatureTensor with V = 1.
 * - {@link GaugeBatch}: the links of a batch of configurations on one lattice, in the
 *   GaugeField layout per configuration; the input of every model, never differentiated.
 *
 * Gradients: for a real loss L and complex entries z = a + ib we store dL/da + i dL/db in
 * the same layout ("the conjugate gradient"). With the real inner product
 * <A, B> = Re tr(A^+ B), a linear map Y = f(X) then has the backward map G_X = f^*(G_Y).
 *
 * @module
 */
import type { GaugeField } from '../lattice/gaugeField.js';
import type { Lattice } from '../lattice/lattice.js';
import type { SUNKernels } from '../sun/types.js';
import { checkInteger, rangeError } from '../core/validate.js';

/** Complex matrices per configuration, site and channel. */
export class MatrixTensor {
  /** Doubles per matrix (2N^2). */
  readonly m: number;
  /** The values. */
  readonly data: Float64Array;

  constructor(
    /** Configurations in the batch. */
    readonly batch: number,
    /** Sites per configuration. */
    readonly volume: number,
    /** Matrices per site. */
    readonly channels: number,
    /** The group kernels (N and the matrix products). */
    readonly group: SUNKernels,
    data?: Float64Array,
  ) {
    this.m = group.matrixSize;
    const length = batch * volume * channels * this.m;
    if (data !== undefined && data.length !== length) {
      throw rangeError('MatrixTensor', 'data', `length ${length}`, `length ${data.length}`);
    }
    this.data = data ?? new Float64Array(length);
  }

  /** Offset of the matrix of channel c at site x of configuration b. */
  offset(b: number, x: number, c: number): number {
    return ((b * this.volume + x) * this.channels + c) * this.m;
  }

  /** A zero tensor of the same shape. */
  zerosLike(): MatrixTensor {
    return new MatrixTensor(this.batch, this.volume, this.channels, this.group);
  }
}

/** Real features per configuration and site. */
export class FeatureTensor {
  /** The values. */
  readonly data: Float64Array;

  constructor(
    /** Configurations in the batch. */
    readonly batch: number,
    /** Sites per configuration (1 after averaging over sites). */
    readonly volume: number,
    /** Features per site. */
    readonly features: number,
    data?: Float64Array,
  ) {
    const length = batch * volume * features;
    if (data !== undefined && data.length !== length) {
      throw rangeError('FeatureTensor', 'data', `length ${length}`, `length ${data.length}`);
    }
    this.data = data ?? new Float64Array(length);
  }

  /** A zero tensor of the same shape. */
  zerosLike(): FeatureTensor {
    return new FeatureTensor(this.batch, this.volume, this.features);
  }
}

/** What flows between layers. */
export type Activation = MatrixTensor | FeatureTensor;

/** The links of a batch of configurations on one lattice. */
export class GaugeBatch {
  /** Links of configuration b start at b * V * D * 2N^2. */
  readonly links: Float64Array;
  /** Doubles per configuration. */
  readonly stride: number;

  constructor(
    /** The lattice of every configuration. */
    readonly lattice: Lattice,
    /** The group kernels. */
    readonly group: SUNKernels,
    /** Configurations in the batch. */
    readonly batch: number,
    links?: Float64Array,
  ) {
    checkInteger('GaugeBatch', 'batch', batch, 1);
    this.stride = lattice.volume * lattice.D * group.matrixSize;
    const length = batch * this.stride;
    if (links !== undefined && links.length !== length) {
      throw rangeError('GaugeBatch', 'links', `length ${length}`, `length ${links.length}`);
    }
    this.links = links ?? new Float64Array(length);
  }

  /** A batch made of gauge fields on the same lattice and group (copies their links). */
  static fromFields(fields: readonly GaugeField[]): GaugeBatch {
    if (fields.length === 0)
      throw rangeError('GaugeBatch.fromFields', 'fields', 'at least one field', 0);
    const first = fields[0];
    const batch = new GaugeBatch(first.lattice, first.group, fields.length);
    fields.forEach((f, b) => {
      first.checkCompatible('GaugeBatch.fromFields', `fields[${b}]`, f);
      batch.links.set(f.links, b * batch.stride);
    });
    return batch;
  }

  /** Offset of U_mu(x) of configuration b. */
  offset(b: number, x: number, mu: number): number {
    return b * this.stride + (x * this.lattice.D + mu) * this.group.matrixSize;
  }
}
