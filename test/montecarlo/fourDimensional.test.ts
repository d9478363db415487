/**
 * 4D SU(3) (validation ladder, steps 4 and 5, in a size that fits npm test): the three
 * algorithms sample the same distribution on the same small lattice (no reference needed),
 * and the heatbath plaquette at beta = 6.0 lies near the 16^4 value of Boyd et al.
 * (0.593678(24), hep-lat/9602007); the full 16^4 comparison runs in `npm run validate`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { GaugeField } from '../../src/lattice/gaugeField.js';
import { Lattice } from '../../src/lattice/lattice.js';
import { averagePlaquette } from '../../src/lattice/observables/plaquette.js';
import { monteCarloStep, type Algorithm } from '../../src/montecarlo/algorithm.js';
import { gammaAnalysis, type GammaResult } from '../../src/core/gamma.js';
import { SerialSweeper, WorkerSweeper, type Sweeper } from '../../src/montecarlo/sweeper.js';

async function plaquetteChain(
  L: number,
  algorithm: Algorithm,
  thermalization: number,
  measurements: number,
  workers = 1,
): Promise<GammaResult> {
  let field = GaugeField.cold(new Lattice([L, L, L, L]), 3);
  const sweeper: Sweeper = workers > 1 ? new WorkerSweeper(workers) : new SerialSweeper();
  if (workers > 1) field = field.toShared();
  const series: number[] = [];
  try {
    for (let step = 0; step < thermalization + measurements; step++) {
      await monteCarloStep(field, algorithm, 6.0, 2024, step, 0, sweeper);
      if (step % 10 === 9) field.reunitarize();
      if (step >= thermalization) series.push(averagePlaquette(field));
    }
  } finally {
    await sweeper.close();
  }
  return gammaAnalysis(series);
}

describe('4D SU(3) at beta = 6.0', () => {
  // heatbath, Metropolis and HMC on 4^4 must agree within 4 sigma (Gamma-method errors); one
  // chain per test, so that each has its own time budget; 20-40 s each on 2 idle cores, up
  // to 90 s when other jobs share them (the chains' lengths are the test, not the clock)
  const CHAIN_TIMEOUT = 240_000;
  let heatbath: GammaResult;
  beforeAll(async () => {
    heatbath = await plaquetteChain(4, { kind: 'heatbath', overrelaxation: 4 }, 50, 800);
  }, CHAIN_TIMEOUT);

  it(
    'Metropolis agrees with the heatbath on 4^4 within 4 sigma (Gamma-method errors)',
    async () => {
      const metropolis = await plaquetteChain(
        4,
        { kind: 'metropolis', hits: 10, step: 0.25 },
        200,
        1500,
      );
      expect(Math.abs(metropolis.mean - heatbath.mean)).toBeLessThan(
        4 * Math.hypot(metropolis.error, heatbath.error),
      );
    },
    CHAIN_TIMEOUT,
  );

  it(
    'HMC agrees with the heatbath on 4^4 within 4 sigma (Gamma-method errors)',
    async () => {
      const hmc = await plaquetteChain(
        4,
        { kind: 'hmc', tau: 1, steps: 12, integrator: 'omelyan' },
        30,
        400,
      );
      expect(Math.abs(hmc.mean - heatbath.mean)).toBeLessThan(
        4 * Math.hypot(hmc.error, heatbath.error),
      );
      // a sanity floor: the comparison is sharp enough to see a 1% error in beta (dP/dbeta ~ 0.1)
      expect(Math.hypot(hmc.error, heatbath.error)).toBeLessThan(0.0015);
    },
    CHAIN_TIMEOUT,
  );

  it(
    'the heatbath on 8^4 (2 workers) is within 4 sigma + 0.001 (finite volume) of the 16^4 value',
    async () => {
      const r = await plaquetteChain(8, { kind: 'heatbath', overrelaxation: 4 }, 40, 120, 2);
      expect(Math.abs(r.mean - 0.593678)).toBeLessThan(4 * r.error + 0.001);
    },
    CHAIN_TIMEOUT,
  );
});
