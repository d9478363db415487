/**
 * The report's section on one ensemble: for every recorded observable its Monte Carlo
 * history, its normalised autocorrelation function with the automatic window W and tau_int
 * of the Gamma method marked, and its histogram (the topological charge Q among them in
 * 4D); a table of means with Gamma-method errors; the run's metadata and provenance; and, at
 * the top, a warning for a suspect ensemble (chains that went nowhere, as `lgt measure` flags
 * them: src/montecarlo/chainHealth.ts).
 *
 * The table's numbers are those of `lgt measure --json`: the same function
 * ({@link ensembleStatistics}) on the same series with the same `skip`. Histograms and
 * autocorrelations use the full series; only the drawn history is thinned
 * (./decimate.ts).
 *
 * @module
 */
import { formatMetadataValue, type EnsembleMetadata } from '../io/ensembleMetadata.js';
import { FileError } from '../core/fileError.js';
import { ensembleStatistics, type BetaStatistics } from '../montecarlo/ensembleStatistics.js';
import { formatEstimate } from '../core/estimateFormat.js';
import { gammaAnalysis } from '../core/gamma.js';
import { assessRecordedEnsemble } from '../montecarlo/chainHealth.js';
import type { EnsembleProvenance } from '../io/ensembleProvenance.js';
import { checkInteger } from '../core/validate.js';
import { displayedAutocorrelation, displayedLagMax } from './autocorrelation.js';
import {
  autocorrelationChart,
  histogramChart,
  historyChart,
  type AutocorrelationRow,
  type HistogramRow,
  type HistoryRow,
  type WindowMark,
} from './chartSpecs.js';
import { decimateMinMax } from './decimate.js';
import type { Block, Section, TableCell } from './htmlPage.js';

/** What the section reads of an ensemble (an `Ensemble` from `openEnsemble` has all of it). */
export interface EnsembleData {
  /** The file name, for headings and messages. */
  readonly path: string;
  /** N, dims and the run's other metadata. */
  readonly metadata: EnsembleMetadata;
  /** Number of configurations. */
  readonly count: number;
  /** The coupling of every configuration. */
  readonly beta: ArrayLike<number>;
  /** The Monte Carlo time (sweep) of every configuration. */
  readonly sweep: ArrayLike<number>;
  /** Measurement series by name, one value per configuration. */
  readonly observables: Record<string, ArrayLike<number>>;
  /** The independent chain of every configuration, in a merged ensemble (`lgt merge`). */
  readonly chain?: ArrayLike<number>;
  /** What the run recorded about its chains (the file's `diagnostics`), if anything. */
  readonly diagnostics?: Record<string, unknown>;
  /** When, where and by what the run was made and resumed, if recorded. */
  readonly provenance?: EnsembleProvenance;
}

/** Options of {@link ensembleSection}. */
export interface EnsembleSectionOptions {
  /** Configurations of each beta to discard first (as `lgt measure --skip`); default 0. */
  skip?: number;
  /** Most points drawn per history line (min-max decimation); default 1000. */
  maxHistoryPoints?: number;
  /** Prefix of the chart names (unique per ensemble in a report); default "ensemble". */
  prefix?: string;
}

/** The section and the statistics in its table. */
export interface EnsembleReport {
  /** The section, charts as Vega-Lite specifications. */
  section: Section;
  /** The numbers of the means table, exactly as `lgt measure --json` prints them. */
  statistics: BetaStatistics[];
}

/** Default for {@link EnsembleSectionOptions.maxHistoryPoints}. */
const MAX_HISTORY_POINTS = 1000;

/** The symbol (with its definition) of a recorded observable, for axis titles. */
export function observableSymbol(name: string): string {
  const loop = /^wilson_loop_(\d+)x(\d+)$/.exec(name);
  if (loop) return `W(${loop[1]}×${loop[2]}) = (1/N) Re tr W`;
  switch (name) {
    case 'plaquette':
      return 'P = (1/N) Re tr U_P';
    case 'polyakov_loop_re':
      return 'Re L (Polyakov loop)';
    case 'polyakov_loop_im':
      return 'Im L (Polyakov loop)';
    case 'topological_charge':
      return 'Q (clover)';
    default:
      return name;
  }
}

/** Chart-name-safe version of an observable name. */
function safe(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_-]+/g, '-');
}

/** Bin count by the Rice rule, 2 n^(1/3), within [5, 40]. */
function binCount(n: number): number {
  return Math.min(40, Math.max(5, Math.ceil(2 * Math.cbrt(n))));
}

/** Histogram of `values` as bars of equal width between the smallest and largest value. */
function histogram(values: number[], series: string): HistogramRow[] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (hi === lo) {
    // One value: a single bar of a nominal width, centred on it.
    const h = 1e-3 * Math.max(1, Math.abs(lo));
    return [{ x0: lo - h, x1: lo + h, count: values.length, series }];
  }
  const bins = binCount(values.length);
  const width = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.floor((v - lo) / width))]++;
  return counts.map((count, b) => ({
    x0: lo + b * width,
    x1: b === bins - 1 ? hi : lo + (b + 1) * width,
    count,
    series,
  }));
}

function betaLabel(beta: number): string {
  return `β = ${beta}`;
}

/**
 * Builds the section of one ensemble.
 *
 * @throws FileError naming the file when it has no recorded observables, or when fewer than
 *   2 configurations per beta remain after `skip` (nothing to analyse: the report says so
 *   instead of drawing empty charts); RangeError for invalid options.
 */
export function ensembleSection(
  ensemble: EnsembleData,
  options: EnsembleSectionOptions = {},
): EnsembleReport {
  const fn = 'ensembleSection';
  const skip = options.skip ?? 0;
  const maxPoints = options.maxHistoryPoints ?? MAX_HISTORY_POINTS;
  const prefix = options.prefix ?? 'ensemble';
  checkInteger(fn, 'options.skip', skip, 0);
  checkInteger(fn, 'options.maxHistoryPoints', maxPoints, 4);
  const path = ensemble.path;
  const names = Object.keys(ensemble.observables);
  if (names.length === 0) {
    throw new FileError(
      `${path}: no recorded observables (the group /observables is empty or missing): ` +
        'nothing to report; expected per-configuration measurements such as /observables/plaquette, ' +
        'as lgt generate writes them',
    );
  }
  const chain = ensemble.chain;
  const statistics = ensembleStatistics(ensemble.beta, ensemble.observables, skip, chain);
  const analysed = statistics.filter((s) => s.configurations >= 2);
  if (analysed.length === 0) {
    throw new FileError(
      `${path}: fewer than 2 configurations per beta${skip > 0 ? ` remain after skipping ${skip}` : ''} ` +
        `(${ensemble.count} configurations in all): nothing to analyse`,
    );
  }

  // Configuration indices of each analysed beta, after skipping the first `skip` of each chain
  // (ensembleStatistics' order); the chains of a merged ensemble follow one another.
  const byChain = new Map<number, Map<number, number[]>>();
  for (let i = 0; i < ensemble.count; i++) {
    const b = ensemble.beta[i];
    let chains = byChain.get(b);
    if (chains === undefined) byChain.set(b, (chains = new Map()));
    const c = chain === undefined ? 0 : chain[i];
    let list = chains.get(c);
    if (list === undefined) chains.set(c, (list = []));
    list.push(i);
  }
  const indices = new Map<number, number[]>();
  for (const [b, chains] of byChain) {
    indices.set(
      b,
      [...chains.values()].flatMap((list) => list.slice(skip)),
    );
  }

  const blocks: Block[] = [];
  const meta = ensemble.metadata;
  blocks.push({
    kind: 'text',
    text:
      `SU(${meta.N}) on ${meta.dims.join('×')}, ${ensemble.count} configurations, ` +
      `β = ${statistics.map((s) => s.beta).join(', ')}` +
      (statistics.some((s) => s.replicas > 1)
        ? `; ${Math.max(...statistics.map((s) => s.replicas))} independent chains per β, ` +
          'analysed as replica in the table and drawn one after another in the charts'
        : '') +
      (skip > 0
        ? `; the first ${skip} configurations of each ${chain === undefined ? 'β' : 'chain'} are left out of everything below.`
        : '.'),
  });

  // Means with Gamma-method errors: the numbers of `lgt measure --json`.
  const rows: TableCell[][] = [];
  for (const s of analysed) {
    for (const [name, e] of Object.entries(s.observables)) {
      const key = `beta=${s.beta}/${name}`;
      rows.push([
        { text: String(s.beta), value: s.beta, key: `${key}/beta` },
        name,
        { text: formatEstimate(e.mean, e.error), value: e.mean, key: `${key}/mean` },
        { text: e.error.toPrecision(2), value: e.error, key: `${key}/error` },
        { text: e.tauInt.toFixed(2), value: e.tauInt, key: `${key}/tauInt` },
        { text: e.tauIntError.toFixed(2), value: e.tauIntError, key: `${key}/tauIntError` },
        { text: String(e.n), value: e.n, key: `${key}/n` },
      ]);
    }
  }
  blocks.push({
    kind: 'table',
    table: {
      caption: 'Means with Gamma-method errors (Wolff, hep-lat/0306017), as lgt measure --json',
      columns: ['β', 'observable', 'mean(error)', 'error', 'τ_int', 'error of τ_int', 'N'],
      rows,
    },
  });

  const warnings: string[] = [];
  for (const name of names) {
    const symbol = observableSymbol(name);
    const series = ensemble.observables[name];
    const history: HistoryRow[] = [];
    const acf: AutocorrelationRow[] = [];
    const windows: WindowMark[] = [];
    const bars: HistogramRow[] = [];
    for (const s of analysed) {
      const used = indices.get(s.beta) ?? [];
      const values = used.map((i) => series[i]);
      const label = betaLabel(s.beta);
      for (const p of decimateMinMax(values, maxPoints)) {
        history.push({ t: ensemble.sweep[used[p.index]], value: p.value, series: label });
      }
      const gamma = gammaAnalysis(values);
      if (gamma.windowFailed) warnings.push(`${name} at ${label}`);
      const rho = displayedAutocorrelation(
        values,
        gamma,
        displayedLagMax(gamma.window, values.length),
      );
      const tau = `${gamma.tauInt.toFixed(2)}(${gamma.tauIntError.toFixed(2)})`;
      const acfLabel = `${label}: τ_int = ${tau}, W = ${gamma.window}`;
      rho.forEach((r, t) => acf.push({ t, rho: r, series: acfLabel }));
      windows.push({ window: gamma.window, series: acfLabel });
      bars.push(...histogram(values, label));
    }
    blocks.push({ kind: 'heading', text: name });
    blocks.push({
      kind: 'chart',
      name: `${prefix}-${safe(name)}-history`,
      spec: historyChart(`Monte Carlo history of ${name}`, symbol, history),
      caption:
        `Every configuration's ${name}, per β. Long runs are drawn with min-max decimation ` +
        `(at most ${maxPoints} points per line, extremes kept); the statistics use every configuration.`,
    });
    blocks.push({
      kind: 'chart',
      name: `${prefix}-${safe(name)}-autocorrelation`,
      spec: autocorrelationChart(`Normalised autocorrelation of ${name}`, acf, windows),
      caption:
        'ρ(t) with the bias correction of Wolff eq. (49), up to 2W (at least 20 lags); the dashed ' +
        'rule marks the automatic window W (S_τ = 1.5); τ_int = 1/2 + Σ_{t=1}^{W} ρ(t).',
    });
    blocks.push({
      kind: 'chart',
      name: `${prefix}-${safe(name)}-histogram`,
      spec: histogramChart(`Distribution of ${name}`, symbol, bars),
      caption: `Histogram of ${name} over all configurations of each β.`,
    });
  }
  const suspect = assessRecordedEnsemble(ensemble, skip);
  for (const finding of suspect.reverse()) {
    blocks.splice(1, 0, {
      kind: 'text',
      text: `Warning: suspect ensemble: ${finding.message}. Remedy: ${finding.remedy}.`,
    });
  }
  if (warnings.length > 0) {
    blocks.splice(2, 0, {
      kind: 'text',
      text:
        `Warning: the automatic window did not close for ${warnings.join('; ')}: the runs are too ` +
        'short for their autocorrelations, and those errors are not to be trusted.',
    });
  }
  const skipped = statistics.filter((s) => s.configurations < 2).map((s) => s.beta);
  if (skipped.length > 0) {
    blocks.splice(2, 0, {
      kind: 'text',
      text: `Not analysed (fewer than 2 configurations): β = ${skipped.join(', ')}.`,
    });
  }

  const metadataRows: TableCell[][] = [
    ['file', path],
    ['group', `SU(${meta.N})`],
    ['lattice', meta.dims.join('×')],
    ['configurations in the file', String(ensemble.count)],
    ['observables', names.join(', ')],
  ];
  for (const [key, value] of Object.entries(meta)) {
    if (key === 'N' || key === 'dims') continue;
    metadataRows.push([key, typeof value === 'string' ? value : formatMetadataValue(value)]);
  }
  metadataRows.push(...provenanceRows(ensemble.provenance));
  blocks.push(...metadataTable('Run metadata', metadataRows));
  return { section: { title: `Ensemble ${path}`, blocks }, statistics };
}

/** Table rows of a file's provenance: creation, software and every resume (none without one). */
export function provenanceRows(provenance: EnsembleProvenance | undefined): TableCell[][] {
  if (provenance === undefined) return [];
  const rows: TableCell[][] = [
    ['created', `${provenance.created} on ${provenance.host}`],
    ['software', provenance.software],
  ];
  for (const [k, r] of provenance.resumed.entries()) {
    rows.push([`resumed (${k + 1})`, `${r.at} on ${r.host}, ${r.software}`]);
  }
  return rows;
}

/** A heading and the table of the metadata recorded in a file. */
export function metadataTable(heading: string, rows: TableCell[][]): Block[] {
  return [
    { kind: 'heading', text: heading },
    {
      kind: 'table',
      table: { caption: 'Metadata recorded in the file', columns: ['entry', 'value'], rows },
    },
  ];
}
