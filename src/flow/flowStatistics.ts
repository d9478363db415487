/**
 * The analysis of a flow file (src/io/flowFile.ts), per beta: t0 and w0 in both
 * discretisations of E, the flow curves t^2 <E(t)> and W(t) with errors, and the topological
 * charge at one flow time with chi = <Q^2>/V and t0^2 chi (./scaleSetting.ts). What
 * `lgt flow`, `lgt measure` and `lgt report` show of a flow file.
 *
 * @module
 */
import type { GammaResult } from '../core/gamma.js';
import { rangeError } from '../core/validate.js';
import type { FlowFile } from '../io/flowFile.js';
import {
  flowCurve,
  flowScale,
  t0SquaredChi,
  topologicalSusceptibility,
  type FlowCurvePoint,
  type ScaleEstimate,
} from './scaleSetting.js';

/** Why a quantity could not be estimated. */
export interface Failure {
  /** The reason (the flow stopped short, too few configurations...). */
  failure: string;
}

/** A scale or its reason for being absent. */
export type ScaleOutcome = ScaleEstimate | Failure;

/** A quantity in both discretisations of E. */
export interface ByDiscretisation<T> {
  /** From the clover E. */
  clover: T;
  /** From the plaquette E. */
  plaquette: T;
}

/** The analysis of the configurations of one beta. */
export interface FlowBetaStatistics {
  /** The coupling. */
  beta: number;
  /** Number of configurations. */
  configurations: number;
  /** t0 / a^2 from the clover and from the plaquette energy density. */
  t0: ByDiscretisation<ScaleOutcome>;
  /** w0 / a from the clover and from the plaquette energy density. */
  w0: ByDiscretisation<ScaleOutcome>;
  /** t^2 <E> and W at every measured time, clover and plaquette. */
  curve: ByDiscretisation<FlowCurvePoint[]>;
  /** The charge analysis at `chargeTime` (4D files only). */
  charge?: {
    /** The flow time of the charges. */
    t: number;
    /** Q of every configuration, in Monte Carlo order. */
    values: Float64Array;
    /** chi = <Q^2>/V. */
    chi: GammaResult;
    /** t0^2 chi with the clover t0, when t0 exists. */
    t0SquaredChi: GammaResult | Failure;
    /** <|Q - round(Q)|>: how near the charges are to integers. */
    distanceToInteger: number;
  };
}

/** Options of {@link flowStatistics}. */
export interface FlowStatisticsOptions {
  /** The flow time of the charge analysis; default the last measured time. */
  chargeTime?: number;
  /** Leave out the first `skip` configurations of each beta. */
  skip?: number;
}

function outcome(f: () => ScaleEstimate): ScaleOutcome {
  try {
    return f();
  } catch (error) {
    if (error instanceof RangeError) return { failure: error.message };
    throw error;
  }
}

/**
 * The analysis of every beta of a flow file.
 *
 * @throws RangeError when `chargeTime` is not a measured time of the file.
 */
export function flowStatistics(
  file: FlowFile,
  options: FlowStatisticsOptions = {},
): FlowBetaStatistics[] {
  const fn = 'flowStatistics';
  const times = Array.from(file.times);
  const m = times.length;
  const hasCharge = 'topological_charge' in file.observables;
  const chargeTime = options.chargeTime ?? times[m - 1];
  const chargeIndex = times.indexOf(chargeTime);
  if (hasCharge && chargeIndex < 0) {
    throw rangeError(
      fn,
      'options.chargeTime',
      `one of the measured flow times of ${file.path}`,
      chargeTime,
    );
  }
  const skip = options.skip ?? 0;
  const betas = [...new Set(file.beta)];
  const dims = file.metadata.dims;
  const volume = dims.reduce((v, L) => v * L, 1);
  const out: FlowBetaStatistics[] = [];
  for (const beta of betas) {
    const rows: number[] = [];
    for (let i = 0; i < file.count; i++) if (file.beta[i] === beta) rows.push(i);
    rows.splice(0, skip);
    const energies = (name: string): Float64Array[] =>
      times.map((_, j) => file.column(name, j, rows));
    const clover = energies('energy_clover');
    const plaquette = energies('energy_plaquette');
    const enough = rows.length >= 2 && m >= 4;
    const scale = (kind: 't0' | 'w0', e: Float64Array[]): ScaleOutcome =>
      enough
        ? outcome(() => flowScale(kind, times, e))
        : {
            failure: `needs at least 2 configurations and 4 flow times, got ${rows.length} and ${m}`,
          };
    const stats: FlowBetaStatistics = {
      beta,
      configurations: rows.length,
      t0: { clover: scale('t0', clover), plaquette: scale('t0', plaquette) },
      w0: { clover: scale('w0', clover), plaquette: scale('w0', plaquette) },
      curve: enough
        ? { clover: flowCurve(times, clover), plaquette: flowCurve(times, plaquette) }
        : { clover: [], plaquette: [] },
    };
    if (hasCharge && rows.length >= 2) {
      const values = file.column('topological_charge', chargeIndex, rows);
      let distance = 0;
      for (const q of values) distance += Math.abs(q - Math.round(q)) / values.length;
      let product: GammaResult | Failure;
      try {
        product = t0SquaredChi(times, clover, values, volume);
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        product = { failure: error.message };
      }
      stats.charge = {
        t: chargeTime,
        values,
        chi: topologicalSusceptibility(values, volume),
        t0SquaredChi: product,
        distanceToInteger: distance,
      };
    }
    out.push(stats);
  }
  return out;
}

function estimateJson(s: ScaleOutcome): Record<string, unknown> | null {
  if ('failure' in s) return null;
  return {
    mean: s.mean,
    error: s.error,
    interpolationError: s.interpolationError,
    tauInt: s.tauInt,
    n: s.n,
  };
}

function gammaJson(g: GammaResult): Record<string, unknown> {
  return { mean: g.mean, error: g.error, tauInt: g.tauInt, n: g.n };
}

/**
 * The analysis of one beta as plain JSON (what `lgt flow --json` prints per beta, and, with
 * `details`, the flow curves and charges that `lgt measure --json` and `lgt report --json`
 * add): failed scales are null, with the reason under `errors`.
 */
export function flowStatisticsJson(
  s: FlowBetaStatistics,
  details = false,
): Record<string, unknown> {
  const errors: Record<string, string> = {};
  for (const [name, value] of [
    ['t0', s.t0.clover],
    ['w0', s.w0.clover],
    ['t0Plaquette', s.t0.plaquette],
    ['w0Plaquette', s.w0.plaquette],
  ] as const) {
    if ('failure' in value) errors[name] = value.failure;
  }
  const c = s.charge;
  if (c !== undefined && 'failure' in c.t0SquaredChi) errors.t0SquaredChi = c.t0SquaredChi.failure;
  return {
    beta: s.beta,
    configurations: s.configurations,
    t0: estimateJson(s.t0.clover),
    w0: estimateJson(s.w0.clover),
    chi: c === undefined ? null : gammaJson(c.chi),
    t0Plaquette: estimateJson(s.t0.plaquette),
    w0Plaquette: estimateJson(s.w0.plaquette),
    t0SquaredChi: c === undefined || 'failure' in c.t0SquaredChi ? null : gammaJson(c.t0SquaredChi),
    chargeTime: c === undefined ? null : c.t,
    distanceToInteger: c === undefined ? null : c.distanceToInteger,
    ...(Object.keys(errors).length > 0 ? { errors } : {}),
    ...(details ? { curve: s.curve, charges: c === undefined ? null : Array.from(c.values) } : {}),
  };
}
