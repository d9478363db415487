/** Shared fixtures for the tests: seeded random fields and comparisons. */
import { GaugeField } from '../src/lattice/gaugeField.js';
import { Lattice } from '../src/lattice/lattice.js';
import { randomNearIdentity } from '../src/sun/random.js';
import { Xoshiro128 } from '../src/core/rng.js';

/**
 * A random gauge field with links exp(i eps r.T): eps ~ 0.5 gives a rough but not
 * fully disordered field, whose loops of every size have non-trivial values.
 */
export function roughField(dims: number[], N: number, seed: number, epsilon = 0.7): GaugeField {
  const lattice = new Lattice(dims);
  const field = new GaugeField(lattice, N);
  const rng = new Xoshiro128(seed);
  const m = field.group.matrixSize;
  for (let k = 0; k < lattice.volume * lattice.D; k++) {
    randomNearIdentity(field.links, k * m, field.group, rng, epsilon);
  }
  return field;
}

/** |a - b| relative to max(1, |a|, |b|). */
export function relativeDifference(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1, Math.abs(a), Math.abs(b));
}

/** Largest element-wise |a - b| of two arrays of equal length. */
export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}
