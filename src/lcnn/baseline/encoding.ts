/**
 * What the non-equivariant baseline CNN of the L-CNN paper sees (Favoni, Ipp, Mueller, Schuh,
 * PRL 128 (2022) 032003, doi:10.1103/PhysRevLett.128.032003): the raw links and, as in the
 * paper's baseline (lge-cnn `BaselineNet`, input "uw"), the plaquettes, not gauge-invariant
 * inputs. A 2D configuration becomes an image in NHWC layout
 *
 *     image[b, x0, x1, c],   c = (k*N*N + r*N + col)*2 + {0: re, 1: im},
 *
 * shape [B, L0, L1, M * 2 N^2] with M = D matrices (input "links") or D + D(D-1)/2
 * (input "links+plaquettes", the default): per site, the real and imaginary parts of every
 * entry of U_mu(x) for every direction mu, in the order of the link layout
 * (src/lattice/gaugeField.ts), then of the plaquettes U_mu,nu(x), mu < nu (the order of
 * src/lattice/observables/planes.ts). Float32 (tfjs has no float64).
 *
 * Image order is row-major in (x0, x1); lattice order has x0 fastest
 * (site = x0 + L0 x1, DESIGN.md 2): {@link imageToSites} converts per-site outputs back.
 *
 * Only D = 2 is supported: tfjs has no 4D convolution, and folding extra axes into channels
 * would break the translation symmetry and the transfer to larger lattices along them.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { checkInteger, rangeError } from '../../core/validate.js';
import type { Dataset } from '../dataset.js';
import { inputFeatures } from '../inputFeatures.js';
import { TransportCache } from '../transportCache.js';

/** What the baseline CNN sees per site: the links, or the links and the plaquettes. */
export type BaselineInput = 'links' | 'links+plaquettes';

/** The baseline's inputs. */
export const BASELINE_INPUTS: readonly BaselineInput[] = ['links', 'links+plaquettes'];

/** Input channels of the baseline CNN per site: M * 2 N^2 (real and imaginary parts). */
export function baselineChannels(N: number, D: number, input: BaselineInput): number {
  const matrices = D + (input === 'links+plaquettes' ? (D * (D - 1)) / 2 : 0);
  return matrices * 2 * N * N;
}

/** Throws the baseline's error for a lattice that is not two-dimensional. */
export function checkTwoDimensional(fn: string, D: number): void {
  if (D !== 2) {
    throw rangeError(
      fn,
      'D',
      '2 (the baseline CNN convolves 2D images [L0, L1, channels]; D > 2 is not supported)',
      `D = ${D}`,
    );
  }
}

/** Checks configuration indices against a dataset. */
export function checkIndices(fn: string, dataset: Dataset, indices: ArrayLike<number>): void {
  for (let k = 0; k < indices.length; k++) {
    checkInteger(fn, `indices[${k}]`, indices[k], 0, dataset.size - 1);
  }
}

/**
 * The links (and plaquettes) of the given configurations, on one lattice, as a float32 image
 * batch [B, L0, L1, C] (layout in the module header). The caller owns (and disposes) the tensor.
 *
 * @throws RangeError for D != 2, an index outside the dataset or configurations on different
 *   lattices.
 */
export function encodeConfigurations(
  dataset: Dataset,
  indices: ArrayLike<number>,
  input: BaselineInput,
): tf.Tensor4D {
  const fn = 'encodeConfigurations';
  checkTwoDimensional(fn, dataset.D);
  checkIndices(fn, dataset, indices);
  const gauge = dataset.gaugeBatch(indices);
  const { lattice } = gauge;
  const [L0, L1] = lattice.dims;
  const m = gauge.group.matrixSize;
  const linkChannels = lattice.D * m;
  const C = baselineChannels(dataset.N, lattice.D, input);
  const plaquettes =
    input === 'links+plaquettes' ? inputFeatures(gauge, new TransportCache(gauge)) : undefined;
  const planeChannels = C - linkChannels;
  const out = new Float32Array(indices.length * lattice.volume * C);
  for (let b = 0; b < indices.length; b++) {
    for (let x0 = 0; x0 < L0; x0++) {
      for (let x1 = 0; x1 < L1; x1++) {
        const x = x0 + L0 * x1;
        const o = ((b * L0 + x0) * L1 + x1) * C;
        const from = b * gauge.stride + x * linkChannels;
        out.set(gauge.links.subarray(from, from + linkChannels), o);
        if (plaquettes !== undefined) {
          const p = plaquettes.offset(b, x, 0);
          out.set(plaquettes.data.subarray(p, p + planeChannels), o + linkChannels);
        }
      }
    }
  }
  return tf.tensor4d(out, [indices.length, L0, L1, C], 'float32');
}

/**
 * The targets of the given configurations (on one lattice) as float32: per site an image
 * [B, L0, L1, 1], per configuration [B, 1]. The caller owns the tensor.
 */
export function encodeTargets(dataset: Dataset, indices: ArrayLike<number>): tf.Tensor {
  const fn = 'encodeTargets';
  checkIndices(fn, dataset, indices);
  const B = indices.length;
  const targets = dataset.targetsOf(indices);
  if (!dataset.target.perSite) return tf.tensor2d(Float32Array.from(targets), [B, 1]);
  checkTwoDimensional(fn, dataset.D);
  const lattice = dataset.latticeOf(indices[0]);
  const [L0, L1] = lattice.dims;
  const V = lattice.volume;
  const out = new Float32Array(B * V);
  for (let b = 0; b < B; b++) {
    for (let x0 = 0; x0 < L0; x0++) {
      for (let x1 = 0; x1 < L1; x1++) {
        out[(b * L0 + x0) * L1 + x1] = targets[b * V + x0 + L0 * x1];
      }
    }
  }
  return tf.tensor4d(out, [B, L0, L1, 1], 'float32');
}

/**
 * Per-site values of a [B, L0, L1] image (row-major, one channel) in lattice order
 * (`out[b*V + x0 + L0*x1]`), written into `out` (allocated when omitted) and returned.
 */
export function imageToSites(
  image: ArrayLike<number>,
  batch: number,
  L0: number,
  L1: number,
  out: Float64Array = new Float64Array(batch * L0 * L1),
): Float64Array {
  const V = L0 * L1;
  for (let b = 0; b < batch; b++) {
    for (let x0 = 0; x0 < L0; x0++) {
      for (let x1 = 0; x1 < L1; x1++) out[b * V + x0 + L0 * x1] = image[(b * L0 + x0) * L1 + x1];
    }
  }
  return out;
}
