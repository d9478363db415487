/**
 * Chains that go nowhere: what a Monte Carlo run records about each chain (one per beta) and
 * how it is judged, so that a chain that does not move, or has not reached equilibrium, is
 * reported loudly before its configurations are taken for data, and flagged afterwards by
 * `lgt measure` and the report.
 *
 * Three findings, each with the number that shows it and a remedy:
 *
 * - `stuck`: no proposal accepted over the steps that count (HMC trajectories after the
 *   warm-up, Metropolis link proposals): every saved configuration would be the same field.
 *   An HMC chain from a cold start with equilibrium-sized momenta does this when the energy
 *   violation of its trajectories, which grows with the volume far from equilibrium, exceeds a
 *   few units (8^4 SU(2) at beta 2.3, 10 Omelyan steps: dH = 4.6 on every trajectory).
 * - `low-acceptance`: an acceptance far below the sane range (HMC below
 *   {@link HMC_LOW_ACCEPTANCE}, Metropolis below {@link METROPOLIS_LOW_ACCEPTANCE}): the chain
 *   moves, slowly, and its autocorrelation times are long.
 * - `drift`: the plaquette still changes at the end of thermalisation (the means of the last two
 *   quarters of thermalisation differ by more than {@link DRIFT_SIGMA} Gamma-method errors), or
 *   between the two halves of the saved configurations.
 *
 * The record is plain JSON: it travels in checkpoints (a resumed run judges exactly as an
 * uninterrupted one) and ends up in the ensemble file's `diagnostics` attribute.
 *
 * @module
 */
import { gammaAnalysis, type GammaResult } from './gamma.js';
import type { AlgorithmSpec } from './algorithm.js';

/** HMC acceptance below which a chain is reported (the sane range is about 0.6-0.95). */
export const HMC_LOW_ACCEPTANCE = 0.5;
/** Metropolis acceptance below which a chain is reported (the sane range is about 0.3-0.7). */
export const METROPOLIS_LOW_ACCEPTANCE = 0.1;
/** Fewest counted steps for a judgement of the acceptance. */
export const MIN_STEPS_JUDGED = 5;
/** Distance, in combined Gamma-method errors, at which two means count as drifting apart. */
export const DRIFT_SIGMA = 5;
/** Fewest samples in each of the two parts compared for a drift. */
export const MIN_DRIFT_SAMPLES = 4;
/** At most about this many plaquette samples are kept from a chain's thermalisation. */
export const THERMALIZATION_SAMPLES = 64;

/** Counts over a phase of a chain. */
export interface ChainCounts {
  /** Steps (sweeps or trajectories). */
  steps: number;
  /** Accepted proposals (heatbath: every link). */
  accepted: number;
  /** Proposals (HMC: one per trajectory). */
  proposals: number;
  /** HMC: the sum of dH^2 over the trajectories (0 otherwise). */
  deltaH2Sum: number;
  /** HMC: the sum of exp(-dH) over the trajectories, whose mean is 1 in equilibrium. */
  expMinusDeltaHSum: number;
}

/** What is wrong with a chain. */
export interface ChainFinding {
  /** Where it showed. */
  phase: 'thermalization' | 'production' | 'saved data';
  /** Which kind of problem. */
  kind: 'stuck' | 'low-acceptance' | 'drift';
  /** The chain's beta. */
  beta: number;
  /** What is wrong, with the numbers. */
  message: string;
  /** What to do about it. */
  remedy: string;
}

/** What a run records about one chain (JSON). */
export interface ChainRecord {
  /** Index of the chain's beta in the run's list. */
  betaIndex: number;
  /** The coupling. */
  beta: number;
  /** The parameters in effect after tuning: `step` (Metropolis) or `steps` (HMC). */
  parameters: { step?: number; steps?: number };
  /** HMC trajectories run without the Metropolis test at the start of thermalisation. */
  warmup: number;
  /** Thermalisation steps between two plaquette samples. */
  sampleEvery: number;
  /** The plaquette after steps sampleEvery, 2 sampleEvery, ... of thermalisation. */
  samples: number[];
  /** The thermalisation steps with the final parameters (after warm-up and tuning). */
  thermalization: ChainCounts;
  /** The steps after thermalisation, whose configurations are saved. */
  production: ChainCounts;
  /** What was found (empty for a healthy chain). */
  findings: ChainFinding[];
}

/** Zero counts. */
export function emptyCounts(): ChainCounts {
  return { steps: 0, accepted: 0, proposals: 0, deltaH2Sum: 0, expMinusDeltaHSum: 0 };
}

/** Thermalisation steps between two plaquette samples: about 64 samples per chain. */
export function sampleInterval(thermalization: number): number {
  return Math.max(1, Math.floor(thermalization / THERMALIZATION_SAMPLES));
}

/** A Gamma-method estimate as mean(error), two digits of the error. */
export function formatEstimate(r: Pick<GammaResult, 'mean' | 'error'>): string {
  if (!(r.error > 0)) return r.mean.toPrecision(6);
  const digits = Math.max(0, 1 - Math.floor(Math.log10(r.error)));
  return `${r.mean.toFixed(digits)}(${Math.round(r.error * 10 ** digits)})`;
}

/** The means of the two halves of a series, and how many combined errors apart they are. */
export interface HalvesComparison {
  /** Gamma-method analysis of the first half. */
  first: GammaResult;
  /** Gamma-method analysis of the second half. */
  second: GammaResult;
  /** |mean1 - mean2| / sqrt(error1^2 + error2^2) (Infinity for different constant halves). */
  sigma: number;
}

/**
 * Compares the two halves of a series (the middle value of an odd length goes to neither);
 * undefined when a half would have fewer than {@link MIN_DRIFT_SAMPLES} values.
 */
export function compareHalves(series: ArrayLike<number>): HalvesComparison | undefined {
  const half = Math.floor(series.length / 2);
  if (half < MIN_DRIFT_SAMPLES) return undefined;
  const values = Array.from(series);
  const first = gammaAnalysis(values.slice(0, half));
  const second = gammaAnalysis(values.slice(values.length - half));
  const distance = Math.abs(first.mean - second.mean);
  const error = Math.hypot(first.error, second.error);
  const sigma = distance === 0 ? 0 : error > 0 ? distance / error : Infinity;
  return { first, second, sigma };
}

function percent(x: number): string {
  return x >= 0.1 ? `${Math.round(100 * x)}%` : `${(100 * x).toPrecision(2)}%`;
}

/** What was run, for the judgement and its remedies. */
export interface ChainContext {
  /** The algorithm as the specification gave it (`'auto'` parameters tuned). */
  algorithm: AlgorithmSpec;
  /** Thermalisation steps per chain. */
  thermalization: number;
  /** The start field. */
  start: 'cold' | 'hot';
}

/** Judges the acceptance over `counts`; no finding when healthy or too few steps. */
function judgeAcceptance(
  record: ChainRecord,
  counts: ChainCounts,
  context: ChainContext,
  phase: 'thermalization' | 'production',
): ChainFinding | undefined {
  const a = context.algorithm;
  if (a.kind === 'heatbath' || counts.steps < MIN_STEPS_JUDGED || counts.proposals === 0) {
    return undefined;
  }
  const acceptance = counts.accepted / counts.proposals;
  const low = a.kind === 'hmc' ? HMC_LOW_ACCEPTANCE : METROPOLIS_LOW_ACCEPTANCE;
  if (acceptance >= low) return undefined;
  const where =
    phase === 'thermalization'
      ? `of the ${counts.steps} thermalisation ${a.kind === 'hmc' ? 'trajectories' : 'sweeps'} with the final parameters`
      : `of the ${counts.steps} ${a.kind === 'hmc' ? 'trajectories' : 'sweeps'} after thermalisation`;
  let what: string;
  let remedy: string;
  if (a.kind === 'hmc') {
    const steps = record.parameters.steps ?? 0;
    const meanDeltaH2 = counts.deltaH2Sum / counts.steps;
    const dH = `rms dH ${Math.sqrt(meanDeltaH2).toPrecision(3)}`;
    what =
      counts.accepted === 0
        ? `HMC accepted none ${where} (${dH}, ${steps} integration steps): the chain has not moved, and every configuration it saves is the same field`
        : `HMC accepted ${percent(acceptance)} ${where} (${dH}, ${steps} integration steps; a sane range is 60-95%)`;
    remedy =
      a.steps === 'auto'
        ? 'more thermalisation, whose first half tunes the integration steps (lgt: --thermalization)'
        : `more integration steps per trajectory (lgt: --md-steps auto, or more than ${steps})`;
    if (phase === 'thermalization' && counts.accepted === 0) {
      remedy +=
        ', trajectories without the Metropolis test first (--md-warmup 10)' +
        (context.start === 'cold' ? ', or a hot start (--start hot)' : '');
    }
  } else {
    const step = record.parameters.step ?? 0;
    what =
      counts.accepted === 0
        ? `Metropolis accepted none of its ${counts.proposals} proposals ${where} (step ${step.toPrecision(3)}): the chain has not moved`
        : `Metropolis accepted ${percent(acceptance)} of its proposals ${where} (step ${step.toPrecision(3)}; a sane range is 30-70%)`;
    remedy =
      a.kind === 'metropolis' && a.step === 'auto'
        ? 'more thermalisation, whose first half tunes the step (lgt: --thermalization)'
        : `a smaller step (lgt: --step auto, or below ${step.toPrecision(3)})`;
  }
  return {
    phase,
    kind: counts.accepted === 0 ? 'stuck' : 'low-acceptance',
    beta: record.beta,
    message: `beta ${record.beta}: ${what}`,
    remedy,
  };
}

/**
 * Judges a chain at the end of its thermalisation, before any of its configurations is saved:
 * the acceptance with the final parameters, and whether the plaquette still drifts between the
 * last two quarters of thermalisation.
 */
export function assessThermalization(record: ChainRecord, context: ChainContext): ChainFinding[] {
  const findings: ChainFinding[] = [];
  const acceptance = judgeAcceptance(record, record.thermalization, context, 'thermalization');
  if (acceptance) findings.push(acceptance);
  // The second half of the samples: the last two quarters of thermalisation.
  const samples = record.samples;
  const tail = samples.slice(samples.length - 2 * Math.floor(samples.length / 4));
  const halves = compareHalves(tail);
  if (acceptance?.kind !== 'stuck' && halves !== undefined && halves.sigma > DRIFT_SIGMA) {
    const n = tail.length / 2;
    const end = samples.length * record.sampleEvery;
    const middle = end - n * record.sampleEvery;
    const start = middle - n * record.sampleEvery;
    findings.push({
      phase: 'thermalization',
      kind: 'drift',
      beta: record.beta,
      message:
        `beta ${record.beta}: the plaquette still drifts at the end of thermalisation: ` +
        `${formatEstimate(halves.first)} over steps ${start}-${middle}, ` +
        `${formatEstimate(halves.second)} over steps ${middle}-${end} ` +
        `(${halves.sigma === Infinity ? 'constant halves that differ' : `${halves.sigma.toFixed(1)} sigma apart`})`,
      remedy: `more thermalisation (lgt: --thermalization, now ${context.thermalization})`,
    });
  }
  return findings;
}

/** Judges a chain's acceptance after its last step (the steps whose configurations were saved). */
export function assessProduction(record: ChainRecord, context: ChainContext): ChainFinding[] {
  const acceptance = judgeAcceptance(record, record.production, context, 'production');
  return acceptance ? [acceptance] : [];
}

/**
 * Judges saved data: whether the plaquette of one beta's saved configurations differs between
 * the first and the second half by more than {@link DRIFT_SIGMA} errors. Undefined when healthy
 * or too short to tell.
 */
export function assessSavedSeries(
  beta: number,
  plaquette: ArrayLike<number>,
): ChainFinding | undefined {
  const halves = compareHalves(plaquette);
  if (halves === undefined || !(halves.sigma > DRIFT_SIGMA)) return undefined;
  const n = Math.floor(plaquette.length / 2);
  return {
    phase: 'saved data',
    kind: 'drift',
    beta,
    message:
      `beta ${beta}: the plaquette of the first ${n} saved configurations, ` +
      `${formatEstimate(halves.first)}, and of the last ${n}, ${formatEstimate(halves.second)}, ` +
      `are ${halves.sigma === Infinity ? 'different constants' : `${halves.sigma.toFixed(1)} sigma apart`}: ` +
      'the chain was not in equilibrium, or did not move',
    remedy:
      'discard the first configurations (lgt measure --skip), or generate again with more ' +
      'thermalisation (lgt generate --thermalization)',
  };
}
