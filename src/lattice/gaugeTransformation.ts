/**
 * Gauge transformations (DESIGN.md 2).
 *
 *     U_mu(x) -> Omega(x) U_mu(x) Omega(x + mu)^dagger      (links)
 *     W(x)    -> Omega(x) W(x) Omega(x)^dagger              (site-wise matrix fields)
 *
 * Omega is a MatrixField with one SU(N) matrix per site. Every gauge-invariant observable
 * (traces of closed loops) is unchanged; the tests hold that to 1e-12.
 *
 * @module
 */
import { haarRandom } from '../sun/random.js';
import type { UniformRandom } from '../sun/types.js';
import { rangeError } from '../core/validate.js';
import { GaugeField } from './gaugeField.js';
import type { Lattice } from './lattice.js';
import { MatrixField } from './matrixField.js';

/** A gauge transformation with a Haar-random Omega(x) at every site. */
export function randomGaugeTransformation(
  lattice: Lattice,
  N: number,
  rng: UniformRandom,
): MatrixField {
  const omega = new MatrixField(lattice, N, 1);
  const g = omega.group;
  for (let x = 0; x < lattice.volume; x++) haarRandom(omega.data, x * g.matrixSize, g, rng);
  return omega;
}

function checkOmega(fn: string, omega: MatrixField, lattice: Lattice, N: number): void {
  if (!omega.lattice.equals(lattice) || omega.N !== N || omega.components !== 1) {
    throw rangeError(
      fn,
      'omega',
      `one SU(${N}) matrix per site of ${lattice}`,
      `${omega.components} SU(${omega.N}) matrices per site of ${omega.lattice}`,
    );
  }
}

/** Returns the gauge-transformed field Omega(x) U_mu(x) Omega(x+mu)^dagger (a new field). */
export function gaugeTransform(field: GaugeField, omega: MatrixField): GaugeField {
  checkOmega('gaugeTransform', omega, field.lattice, field.N);
  const g = field.group;
  const { volume, D, up } = field.lattice;
  const m = g.matrixSize;
  const out = new GaugeField(field.lattice, g);
  for (let x = 0; x < volume; x++) {
    for (let mu = 0; mu < D; mu++) {
      const o = (x * D + mu) * m;
      g.multiply(out.links, o, omega.data, x * m, field.links, o);
      g.multiplyAdjoint(out.links, o, out.links, o, omega.data, up[x * D + mu] * m);
    }
  }
  return out;
}

/** Returns Omega(x) W_k(x) Omega(x)^dagger for every component k (a new field). */
export function gaugeTransformMatrixField(W: MatrixField, omega: MatrixField): MatrixField {
  checkOmega('gaugeTransformMatrixField', omega, W.lattice, W.N);
  const g = W.group;
  const m = g.matrixSize;
  const out = new MatrixField(W.lattice, g, W.components);
  for (let x = 0; x < W.lattice.volume; x++) {
    for (let k = 0; k < W.components; k++) {
      const o = W.offset(x, k);
      g.multiply(out.data, o, omega.data, x * m, W.data, o);
      g.multiplyAdjoint(out.data, o, out.data, o, omega.data, x * m);
    }
  }
  return out;
}
