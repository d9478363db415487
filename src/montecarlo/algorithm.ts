/**
 * Monte Carlo algorithms as data, and one step ("sweep") of each:
 *
 * - heatbath: one Cabibbo-Marinari heatbath sweep followed by `overrelaxation`
 *   overrelaxation sweeps (the usual compound sweep, e.g. 1 + 4 in Boyd et al.'s SU(3) runs);
 * - metropolis: one sweep of `hits`-hit Metropolis with step `step`;
 * - hmc: one HMC trajectory of length `tau` in `steps` steps.
 *
 * The sweep number is the counter of the random streams, so a run is a pure function of
 * (seed, start field, sequence of steps): resumable and independent of the worker count.
 *
 * A run's specification ({@link AlgorithmSpec}) may leave the step size of Metropolis and the
 * number of HMC integration steps `'auto'`: the run tunes them during thermalisation
 * (./tuning.ts) and then keeps them fixed; one step always runs concrete numbers
 * ({@link Algorithm}).
 *
 * @module
 */
import type { GaugeField } from '../lattice/gaugeField.js';
import { hmcTrajectory, type Integrator } from './hmc.js';
import type { Sweeper } from './serialSweeper.js';

/** A heatbath compound sweep: 1 heatbath + `overrelaxation` overrelaxation sweeps. */
export interface HeatbathAlgorithm {
  /** Discriminant. */
  kind: 'heatbath';
  /** Overrelaxation sweeps after each heatbath sweep. */
  overrelaxation: number;
}
/** A multi-hit Metropolis sweep. */
export interface MetropolisAlgorithm {
  /** Discriminant. */
  kind: 'metropolis';
  /** Proposals per link visit. */
  hits: number;
  /** Step size of the proposals exp(i eps r.T). */
  step: number;
}
/** An HMC trajectory. */
export interface HmcAlgorithm {
  /** Discriminant. */
  kind: 'hmc';
  /** Trajectory length in molecular-dynamics time. */
  tau: number;
  /** Integration steps per trajectory. */
  steps: number;
  /** Leapfrog or Omelyan's 2MN. */
  integrator: Integrator;
}
/** Any of the algorithms, with concrete parameters (what {@link monteCarloStep} runs). */
export type Algorithm = HeatbathAlgorithm | MetropolisAlgorithm | HmcAlgorithm;

/** Metropolis in a run's specification: the step may be tuned during thermalisation. */
export interface MetropolisSpec extends Omit<MetropolisAlgorithm, 'step'> {
  /** Step size, or `'auto'`: tuned during thermalisation (./tuning.ts), then fixed. */
  step: number | 'auto';
}
/** HMC in a run's specification: the integration steps may be tuned during thermalisation. */
export interface HmcSpec extends Omit<HmcAlgorithm, 'steps'> {
  /** Integration steps per trajectory, or `'auto'`: tuned during thermalisation, then fixed. */
  steps: number | 'auto';
  /**
   * The first this many thermalisation trajectories run without the Metropolis test (Grid's
   * `NoMetropolisUntil`; see `TrajectoryOptions.metropolisTest` in ./hmc.ts). Default 0.
   */
  warmup?: number;
}
/** An algorithm as a run's specification gives it (tunable parameters may be `'auto'`). */
export type AlgorithmSpec = HeatbathAlgorithm | MetropolisSpec | HmcSpec;

/** Options of {@link monteCarloStep}. */
export interface StepOptions {
  /** HMC: false runs the trajectory without the Metropolis test (thermalisation warm-up). */
  metropolisTest?: boolean;
}

/** What one step reports. */
export interface StepStatistics {
  /** Accepted proposals (Metropolis: link proposals; HMC: 0 or 1). */
  accepted: number;
  /** Proposals made. */
  proposals: number;
  /** HMC only: the energy violation of the trajectory. */
  deltaH?: number;
}

/** Performs one step of `algorithm` at `beta`; `sweep` numbers the step within its chain. */
export async function monteCarloStep(
  field: GaugeField,
  algorithm: Algorithm,
  beta: number,
  seed: number,
  sweep: number,
  stream: number,
  sweeper: Sweeper,
  options: StepOptions = {},
): Promise<StepStatistics> {
  const links = field.lattice.volume * field.lattice.D;
  const base = { beta, seed, sweep, stream };
  switch (algorithm.kind) {
    case 'heatbath':
      await sweeper.sweep(field, { ...base, kind: 'heatbath' });
      for (let k = 0; k < algorithm.overrelaxation; k++) {
        await sweeper.sweep(field, { ...base, kind: 'overrelaxation' });
      }
      return { accepted: links, proposals: links };
    case 'metropolis': {
      const accepted = await sweeper.sweep(field, {
        ...base,
        kind: 'metropolis',
        metropolis: { hits: algorithm.hits, step: algorithm.step },
      });
      return { accepted, proposals: links * algorithm.hits };
    }
    case 'hmc': {
      const { tau, steps, integrator } = algorithm;
      const r = hmcTrajectory(field, { beta, tau, steps, integrator }, seed, sweep, stream, {
        metropolisTest: options.metropolisTest,
      });
      return { accepted: r.accepted ? 1 : 0, proposals: 1, deltaH: r.deltaH };
    }
  }
}
