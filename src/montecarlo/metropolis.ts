/**
 * Multi-hit Metropolis update of one link (Metropolis et al., J. Chem. Phys. 21 (1953)
 * 1087), as used for the L-CNN paper's data (Favoni et al., PRL 128 (2022) 032003: 10 hits,
 * step 0.5).
 *
 * Proposal U' = R U with R = exp(i eps r.T), r standard normal (R and R^-1 equally likely,
 * so the proposal is symmetric); accepted with probability min(1, exp(-dS)),
 * dS = -(beta/N) Re tr((U' - U) A) for the staple A.
 *
 * @module
 */
import { randomNearIdentity } from '../sun/random.js';
import type { SUNKernels, UniformRandom } from '../sun/types.js';
import type { UpdateScratch } from './heatbath.js';

/** Parameters of the Metropolis update. */
export interface MetropolisParameters {
  /** Proposals per link visit. */
  hits: number;
  /** Step size eps of the proposal exp(i eps r.T). */
  step: number;
}

/**
 * `hits` Metropolis proposals for U (at uOff) with staple A (at aOff). Returns the number of
 * accepted proposals.
 */
export function metropolisLink(
  g: SUNKernels,
  U: Float64Array,
  uOff: number,
  A: Float64Array,
  aOff: number,
  beta: number,
  params: MetropolisParameters,
  rng: UniformRandom,
  scratch: UpdateScratch,
): number {
  const m = g.matrixSize;
  const M = scratch.matrices; // [R, U']
  const factor = beta / g.N;
  let current = g.reTraceMultiply(U, uOff, A, aOff);
  let accepted = 0;
  for (let h = 0; h < params.hits; h++) {
    randomNearIdentity(M, 0, g, rng, params.step);
    g.multiply(M, m, M, 0, U, uOff);
    const proposed = g.reTraceMultiply(M, m, A, aOff);
    const dS = -factor * (proposed - current);
    if (dS <= 0 || rng.uniform() < Math.exp(-dS)) {
      g.copy(U, uOff, M, m);
      current = proposed;
      accepted++;
    }
  }
  return accepted;
}
