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
 * - `drift`: the plaquette still changes over the second half of thermalisation, or over the
 *   saved configurations, by more than {@link DRIFT_SIGMA} errors: the mean of its first tenth
 *   against that of its last half (Geweke's diagnostic), which sees a chain that sat still and
 *   then moved, or a straight line fitted to it, which sees a slow drift in little noise
 *   ({@link driftOf}).
 *
 * The record is plain JSON: it travels in checkpoints (a resumed run judges exactly as an
 * uninterrupted one) and ends up in the ensemble file's `diagnostics` attribute.
 *
 * @module
 */
import { formatEstimate } from '../core/estimateFormat.js';
import { gammaAnalysis, type GammaResult } from '../core/gamma.js';
import type { AlgorithmSpec } from './algorithm.js';

/** HMC acceptance below which a chain is reported (the sane range is about 0.6-0.95). */
export const HMC_LOW_ACCEPTANCE = 0.5;
/** Metropolis acceptance below which a chain is reported (the sane range is about 0.3-0.7). */
export const METROPOLIS_LOW_ACCEPTANCE = 0.1;
/** Fewest counted steps for a judgement of the acceptance. */
export const MIN_STEPS_JUDGED = 5;
/**
 * A change of the plaquette beyond this many errors counts as a drift: 6, not the 4 or 5 of a
 * comparison with a reference, because the errors here come from short series whose
 * autocorrelations are themselves uncertain. Measured on stationary series (`npm run validate
 * -- drift`, data/validation/chain-health-drift.md): at 5, up to 1% of series of 25-100 values
 * with tau_int 3-20 were flagged; at 6, 0.4% with tau_int 20 on 100 values, at most 0.13%
 * with tau_int up to 10.
 */
export const DRIFT_SIGMA = 6;
/** Fewest samples for a judgement of a drift. */
export const MIN_TREND_SAMPLES = 8;
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
  /** The parameters in effect after tuning. */
  parameters: {
    /** Metropolis: the step size. */
    step?: number;
    /** HMC: integration steps per trajectory. */
    steps?: number;
  };
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

/**
 * Geweke's convergence diagnostic (J. Geweke, "Evaluating the accuracy of sampling-based
 * approaches to the calculation of posterior moments", Bayesian Statistics 4 (1992) 169):
 * z = (mean_A - mean_B) / sqrt(sigma_A^2 + sigma_B^2) with A the first tenth and B the last
 * half of the series. Each error is sqrt(2 tau var / n) over its part (Geweke's spectral
 * density at frequency zero), with the variance pooled over both parts and tau the larger of
 * the last half's integrated autocorrelation time (the Gamma method, ./gamma.ts) and that of
 * the whole series' residuals from a fitted line ({@link linearTrend}): a tenth of a short
 * series is too few values for its own variance and autocorrelations, and an error too small
 * would flag healthy chains. Undefined for fewer than {@link MIN_TREND_SAMPLES} points.
 */
export function gewekeDiagnostic(series: ArrayLike<number>):
  | {
      /** The first tenth, with the pooled error. */
      first: GammaResult;
      /** The last half, with the pooled error. */
      last: GammaResult;
      /** The distance of the two means in errors (z). */
      sigma: number;
    }
  | undefined {
  const n = series.length;
  const trend = linearTrend(series);
  if (trend === undefined) return undefined;
  const values = Array.from(series);
  const a = gammaAnalysis(values.slice(0, Math.max(2, Math.floor(n / 10))));
  const b = gammaAnalysis(values.slice(n - Math.floor(n / 2)));
  // one variance for both parts, pooled (a tenth alone is too few values for its own), and
  // the larger of the last half's and the residuals' autocorrelation times
  const ss = (r: GammaResult): number => r.naiveError ** 2 * r.n * (r.n - 1);
  const variance = (ss(a) + ss(b)) / (a.n + b.n - 2);
  const tau = Math.max(conservativeTau(b), trend.residualTauInt);
  const part = (r: GammaResult): GammaResult => ({
    ...r,
    tauInt: tau,
    error: Math.sqrt((2 * tau * variance) / r.n),
  });
  const first = part(a);
  const last = part(b);
  const distance = Math.abs(first.mean - last.mean);
  const error = Math.hypot(first.error, last.error);
  const sigma = distance === 0 ? 0 : error > 0 ? distance / error : Infinity;
  return { first, last, sigma };
}

/** How a series drifts, by the stronger of Geweke's diagnostic and a fitted line. */
export interface Drift {
  /** Distance from "no drift" in errors. */
  sigma: number;
  /** The numbers, in words. */
  description: string;
}

function sigmaText(sigma: number): string {
  return sigma === Infinity ? 'without fluctuations' : `${sigma.toFixed(1)} sigma`;
}

/**
 * The drift of a series: Geweke's diagnostic ({@link gewekeDiagnostic}) and a fitted line
 * ({@link linearTrend}), whichever is further from "no drift". Undefined for fewer than
 * {@link MIN_TREND_SAMPLES} points. The rates at {@link DRIFT_SIGMA} are measured by
 * `npm run validate -- --only drift` (data/validation/chain-health-drift.md).
 */
export function driftOf(series: ArrayLike<number>): Drift | undefined {
  const g = gewekeDiagnostic(series);
  const t = linearTrend(series);
  if (g === undefined || t === undefined) return undefined;
  if (g.sigma >= t.sigma) {
    return {
      sigma: g.sigma,
      description:
        `its first tenth averages ${formatEstimate(g.first.mean, g.first.error)}, its last half ` +
        `${formatEstimate(g.last.mean, g.last.error)} (${sigmaText(g.sigma)} apart)`,
    };
  }
  return {
    sigma: t.sigma,
    description:
      `a line through it changes by ${formatEstimate(t.change, t.error)} ` +
      `(${sigmaText(t.sigma)})`,
  };
}

/**
 * An integrated autocorrelation time that errs on the large side: tau_int + 2 delta tau_int
 * (Madras-Sokal error, ./gamma.ts), at least 1/2. From a short series the Gamma method often
 * underestimates tau_int, and an error too small would flag healthy chains (measured: 1-4% of
 * stationary series of 50-100 values with tau_int 10-20 at 5 sigma with tau_int itself).
 */
function conservativeTau(r: GammaResult): number {
  return Math.max(0.5, r.tauInt + 2 * r.tauIntError);
}

/** A straight line through a series: how much it changes from its first value to its last. */
export interface Trend {
  /** The fitted change from the first to the last point (slope times length - 1). */
  change: number;
  /** Its error, autocorrelations of the residuals included. */
  error: number;
  /** |change| / error (Infinity for a non-zero change without fluctuations, 0 for none). */
  sigma: number;
  /** Points in the series. */
  n: number;
  /** The integrated autocorrelation time of the residuals from the line. */
  residualTauInt: number;
}

/**
 * The least-squares line y = a + b t through a series (t = 0, 1, ...), and whether it slopes:
 * the error of b is sqrt(2 tau_int var(r) / S_tt) with the residuals r of the fit, their
 * variance (divisor n - 2) and their integrated autocorrelation time tau_int from the Gamma
 * method (./gamma.ts), S_tt = sum (t - tbar)^2 (the variance of a regression slope with
 * correlated errors whose weights change slowly). A trend inflates the fluctuations the Gamma
 * method sees in the raw series; the residuals of the line do not carry it, so a slow drift in
 * little noise is found, where comparing the means of two halves by their own errors misses it.
 * Undefined for fewer than {@link MIN_TREND_SAMPLES} points.
 */
export function linearTrend(series: ArrayLike<number>): Trend | undefined {
  const n = series.length;
  if (n < MIN_TREND_SAMPLES) return undefined;
  const tbar = (n - 1) / 2;
  let ybar = 0;
  for (let i = 0; i < n; i++) ybar += series[i];
  ybar /= n;
  let stt = 0;
  let sty = 0;
  for (let i = 0; i < n; i++) {
    stt += (i - tbar) ** 2;
    sty += (i - tbar) * (series[i] - ybar);
  }
  const b = sty / stt;
  const residuals = Array.from({ length: n }, (_, i) => series[i] - ybar - b * (i - tbar));
  let rr = 0;
  for (const r of residuals) rr += r * r;
  const variance = rr / (n - 2);
  const tauInt = variance > 0 ? conservativeTau(gammaAnalysis(residuals, { S: 2 })) : 0.5;
  const slopeError = Math.sqrt((2 * tauInt * variance) / stt);
  const change = b * (n - 1);
  const error = slopeError * (n - 1);
  const sigma = change === 0 ? 0 : error > 0 ? Math.abs(change) / error : Infinity;
  return { change, error, sigma, n, residualTauInt: tauInt };
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
  const unit = a.kind === 'hmc' ? 'trajectories' : 'sweeps';
  // thermalisation counts only its steps with the final parameters: after warm-up and tuning
  const where =
    phase === 'thermalization'
      ? `of the last ${counts.steps} thermalisation ${unit}`
      : `of the ${counts.steps} ${unit} after thermalisation`;
  let what: string;
  let remedy: string;
  if (a.kind === 'hmc') {
    const steps = record.parameters.steps ?? 0;
    const meanDeltaH2 = counts.deltaH2Sum / counts.steps;
    const dH =
      `rms dH ${Math.sqrt(meanDeltaH2).toPrecision(3)}, ` +
      `${steps} integration step${steps === 1 ? '' : 's'}`;
    what =
      counts.accepted === 0
        ? `HMC accepted none ${where} (${dH}): the chain has not moved, and every configuration it saves is the same field`
        : `HMC accepted ${percent(acceptance)} ${where} (${dH}; a sane range is 60-95%)`;
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
  // The second half of the samples: thermalisation with the final parameters.
  const samples = record.samples;
  const tail = samples.slice(Math.ceil(samples.length / 2));
  const drift = driftOf(tail);
  if (acceptance?.kind !== 'stuck' && drift !== undefined && drift.sigma > DRIFT_SIGMA) {
    const end = samples.length * record.sampleEvery;
    const start = end - tail.length * record.sampleEvery;
    findings.push({
      phase: 'thermalization',
      kind: 'drift',
      beta: record.beta,
      message:
        `beta ${record.beta}: the plaquette still drifts at the end of thermalisation, over ` +
        `steps ${start}-${end}: ${drift.description}`,
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
 * Saved configurations that are all the same field over this many steps or more (sweeps or
 * trajectories, from `/sweep`) mean a chain that did not move: a chain that accepts a fraction
 * a of its steps stays put over s steps with probability (1 - a)^s, below 1e-6 for a = 0.5 and
 * 8e-4 for a = 0.3 at s = 20.
 */
export const STUCK_STEPS = 20;

/**
 * Judges one beta's saved data: a run of saved configurations with exactly the same
 * plaquette (the same field) over at least {@link STUCK_STEPS} steps of the chain, and a
 * plaquette that drifts ({@link driftOf} beyond {@link DRIFT_SIGMA}). Empty when healthy.
 *
 * @param sweeps - the step after which each configuration was saved (`/sweep`); without them
 *   the configurations count as one step apart.
 */
export function assessSavedSeries(
  beta: number,
  plaquette: ArrayLike<number>,
  sweeps?: ArrayLike<number>,
): ChainFinding[] {
  const findings: ChainFinding[] = [];
  const at = (i: number): number => (sweeps === undefined ? i : sweeps[i]);
  let best = { from: 0, to: 0 };
  for (let from = 0, to = 1; to <= plaquette.length; to++) {
    if (to === plaquette.length || plaquette[to] !== plaquette[from]) {
      if (at(to - 1) - at(from) > at(best.to) - at(best.from)) best = { from, to: to - 1 };
      from = to;
    }
  }
  const span = at(best.to) - at(best.from);
  if (plaquette.length > 1 && span >= STUCK_STEPS) {
    findings.push({
      phase: 'saved data',
      kind: 'stuck',
      beta,
      message:
        `beta ${beta}: saved configurations ${best.from + 1}-${best.to + 1} of ${plaquette.length} ` +
        `are all the same field (plaquette ${plaquette[best.from]}): the chain did not move for ` +
        `${span} steps`,
      remedy:
        'discard them (lgt measure --skip), and generate again with the defaults of ' +
        'lgt generate (--md-steps auto, --md-warmup, --step auto) or more thermalisation',
    });
  }
  const drift = driftOf(plaquette);
  if (drift !== undefined && drift.sigma > DRIFT_SIGMA) {
    findings.push({
      phase: 'saved data',
      kind: 'drift',
      beta,
      message:
        `beta ${beta}: the plaquette drifts over the ${plaquette.length} saved configurations: ` +
        `${drift.description}: the chain was not in equilibrium, or did not move`,
      remedy:
        'discard the first configurations (lgt measure --skip), or generate again with more ' +
        'thermalisation (lgt generate --thermalization)',
    });
  }
  return findings;
}

/** The findings a chain record carries, whatever wrote it (malformed entries are skipped). */
function recordedFindings(diagnostics: Record<string, unknown> | undefined): ChainFinding[] {
  const chains = diagnostics?.chains;
  if (!Array.isArray(chains)) return [];
  const out: ChainFinding[] = [];
  for (const chain of chains) {
    const findings = (chain as { findings?: unknown } | null)?.findings;
    if (!Array.isArray(findings)) continue;
    for (const f of findings) {
      const finding = f as Partial<ChainFinding> | null;
      if (typeof finding?.message === 'string' && typeof finding.remedy === 'string') {
        out.push(finding as ChainFinding);
      }
    }
  }
  return out;
}

/**
 * What is suspect about an ensemble file, for `lgt measure` and the report: the problems its
 * run recorded about its chains (the file's `diagnostics`), and, per beta (and per chain of a
 * merged file, `chain`), what its saved plaquette shows ({@link assessSavedSeries}: the same
 * field over many steps, a drift), after dropping the first `skip` configurations of each
 * (as `lgt measure --skip`).
 */
export function assessEnsemble(
  beta: ArrayLike<number>,
  plaquette: ArrayLike<number> | undefined,
  diagnostics: Record<string, unknown> | undefined,
  skip = 0,
  sweep?: ArrayLike<number>,
  chain?: ArrayLike<number>,
): ChainFinding[] {
  const findings = recordedFindings(diagnostics);
  if (plaquette === undefined) return findings;
  // independent chains one after another are no single history: judge each alone
  const series = new Map<string, { beta: number; chain?: number; indices: number[] }>();
  for (let i = 0; i < beta.length; i++) {
    const key = chain === undefined ? `${beta[i]}` : `${beta[i]}/${chain[i]}`;
    let entry = series.get(key);
    if (entry === undefined) {
      entry = { beta: beta[i], ...(chain !== undefined ? { chain: chain[i] } : {}), indices: [] };
      series.set(key, entry);
    }
    entry.indices.push(i);
  }
  for (const { beta: b, chain: c, indices } of series.values()) {
    const used = indices.slice(skip);
    const found = assessSavedSeries(
      b,
      used.map((i) => plaquette[i]),
      sweep === undefined ? undefined : used.map((i) => sweep[i]),
    );
    findings.push(
      ...(c === undefined
        ? found
        : found.map((f) => ({ ...f, message: `chain ${c}: ${f.message}` }))),
    );
  }
  return findings;
}

/** What {@link assessRecordedEnsemble} reads of an ensemble file (io/ensembleReader.ts). */
export interface RecordedEnsemble {
  /** The beta of every configuration. */
  readonly beta: ArrayLike<number>;
  /** The recorded observables by name (the plaquette is judged). */
  readonly observables: Readonly<Record<string, ArrayLike<number> | undefined>>;
  /** What the run recorded about its chains. */
  readonly diagnostics?: Record<string, unknown>;
  /** The sweep of every configuration. */
  readonly sweep?: ArrayLike<number>;
  /** The chain (replicum) of every configuration, in merged files. */
  readonly chain?: ArrayLike<number>;
}

/** {@link assessEnsemble} of an opened ensemble file: what `lgt measure` and the report warn of. */
export function assessRecordedEnsemble(ensemble: RecordedEnsemble, skip = 0): ChainFinding[] {
  return assessEnsemble(
    ensemble.beta,
    ensemble.observables.plaquette,
    ensemble.diagnostics,
    skip,
    ensemble.sweep,
    ensemble.chain,
  );
}
