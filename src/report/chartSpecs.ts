/**
 * The report's charts as Vega-Lite specifications (https://vega.github.io/vega-lite/, v6):
 * plain JSON, so a chart can be re-rendered or restyled with any Vega-Lite tool. Data are
 * inline (`data.values`), never a URL, so rendering needs no network. Every axis carries a
 * title with the quantity's symbol or unit; the browser test of the report checks that.
 *
 * The data handed in here are already reduced for display (../report/decimate.ts,
 * histogram counts): the statistics are computed from the full series elsewhere.
 *
 * @module
 */
import type { TopLevelSpec } from 'vega-lite';

/** Width of a single chart's plotting area, in pixels. */
const WIDTH = 560;
/** Height of a single chart's plotting area, in pixels. */
const HEIGHT = 220;

/** Axis labels with at most 4 significant digits and no trailing zeros (1e-19, not 0.0000...). */
const NUMBER_AXIS = { format: '.4~g' };

/** Look shared by every chart: white background (for papers), readable labels. */
const CONFIG = {
  background: 'white',
  font: 'sans-serif',
  axis: { labelFontSize: 11, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 360 },
  title: { fontSize: 13, anchor: 'start' as const },
};

/** A point of a Monte Carlo history. */
export interface HistoryRow {
  /** Monte Carlo time (the sweep or trajectory after which the configuration was saved). */
  t: number;
  /** The measured value. */
  value: number;
  /** The series it belongs to (e.g. "β = 2.4"). */
  series: string;
}

/**
 * Monte Carlo history of one observable: value against Monte Carlo time, one line per
 * series (beta).
 */
export function historyChart(title: string, symbol: string, rows: HistoryRow[]): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    config: CONFIG,
    width: WIDTH,
    height: HEIGHT,
    data: { values: rows },
    mark: { type: 'line', strokeWidth: 1, clip: true },
    encoding: {
      x: { field: 't', type: 'quantitative', title: 'Monte Carlo time t (sweeps)' },
      y: {
        field: 'value',
        type: 'quantitative',
        title: symbol,
        scale: { zero: false },
        axis: NUMBER_AXIS,
      },
      color: { field: 'series', type: 'nominal', title: null, sort: null },
    },
  };
}

/** A value of the normalised autocorrelation function. */
export interface AutocorrelationRow {
  /** Lag t, in saved configurations. */
  t: number;
  /** rho(t) = Gamma(t)/Gamma(0). */
  rho: number;
  /** Series label, with its tau_int and window (e.g. "β = 2: τ_int = 1.2(1), W = 5"). */
  series: string;
}

/** The automatic window W of one series. */
export interface WindowMark {
  /** The window W of the Gamma method. */
  window: number;
  /** Series label (as in {@link AutocorrelationRow.series}). */
  series: string;
}

/**
 * Normalised autocorrelation function rho(t) of one observable, one line per series, with
 * the automatic window W of each series as a dashed vertical rule in its colour; the legend
 * labels carry tau_int and W.
 */
export function autocorrelationChart(
  title: string,
  rows: AutocorrelationRow[],
  windows: WindowMark[],
): TopLevelSpec {
  const color = { field: 'series', type: 'nominal' as const, title: null, sort: null };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    config: CONFIG,
    width: WIDTH,
    height: HEIGHT,
    layer: [
      {
        data: { values: [{ zero: 0 }] },
        mark: { type: 'rule', color: '#999' },
        encoding: { y: { field: 'zero', type: 'quantitative' } },
      },
      {
        data: { values: rows },
        mark: { type: 'line', point: { size: 18 }, strokeWidth: 1.2 },
        encoding: {
          x: { field: 't', type: 'quantitative', title: 'lag t (configurations)' },
          y: { field: 'rho', type: 'quantitative', title: 'ρ(t) = Γ(t)/Γ(0)' },
          color,
        },
      },
      {
        data: { values: windows },
        mark: { type: 'rule', strokeDash: [5, 3], strokeWidth: 1.5 },
        encoding: { x: { field: 'window', type: 'quantitative' }, color },
      },
    ],
  };
}

/** One bar of a histogram. */
export interface HistogramRow {
  /** Lower edge of the bin. */
  x0: number;
  /** Upper edge of the bin. */
  x1: number;
  /** Configurations in the bin. */
  count: number;
  /** The series (beta) the histogram belongs to: one panel each. */
  series: string;
}

/**
 * Histograms of one observable, one panel per series (beta), each with its own x range
 * (the distributions at different beta hardly overlap).
 */
export function histogramChart(title: string, symbol: string, rows: HistogramRow[]): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    config: CONFIG,
    data: { values: rows },
    facet: { field: 'series', type: 'nominal', title: null, sort: null },
    columns: 3,
    spec: {
      width: 170,
      height: 110,
      mark: { type: 'rect', color: '#4c78a8', stroke: 'white', strokeWidth: 0.5 },
      encoding: {
        x: {
          field: 'x0',
          type: 'quantitative',
          title: symbol,
          scale: { zero: false },
          axis: { ...NUMBER_AXIS, labelOverlap: true },
        },
        x2: { field: 'x1' },
        y: { field: 'count', type: 'quantitative', title: 'configurations' },
      },
    },
    resolve: { scale: { x: 'independent', y: 'independent' } },
  };
}

/** A point of a learning curve. */
export interface LossRow {
  /** Epoch, from 1. */
  epoch: number;
  /** Mean squared error (> 0: log scale). */
  loss: number;
  /** The model ("L-CNN", "CNN"). */
  model: string;
  /** "training" or "validation". */
  split: string;
}

/** Learning curves: training and validation loss per epoch, log scale, per model. */
export function lossChart(title: string, rows: LossRow[]): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    config: CONFIG,
    width: WIDTH,
    height: HEIGHT,
    data: { values: rows },
    mark: { type: 'line', point: { size: 16 }, strokeWidth: 1.5 },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1 } },
      y: {
        field: 'loss',
        type: 'quantitative',
        title: 'MSE loss (log scale)',
        scale: { type: 'log' },
      },
      color: {
        field: 'model',
        type: 'nominal',
        title: 'model',
        sort: null,
        legend: { symbolType: 'stroke' },
      },
      strokeDash: {
        field: 'split',
        type: 'nominal',
        title: 'split',
        sort: null,
        // vega-lite leaves these symbols without a stroke colour: set one, or they are invisible
        legend: {
          symbolType: 'stroke',
          // (the whole entry, as vega-lite would write it plus the stroke, so that nothing conflicts)
          encoding: {
            symbols: {
              fill: { value: 'black' },
              fillOpacity: { value: 1 },
              opacity: { value: 1 },
              stroke: { value: '#444' },
            },
          },
        },
      },
    },
  };
}

/** One predicted value beside its true value. */
export interface PredictionRow {
  /** The true target value. */
  truth: number;
  /** The model's prediction. */
  predicted: number;
  /** The coupling of the configuration. */
  beta: number;
}

/**
 * Predicted against true values, coloured by beta, with the diagonal predicted = true from
 * the smallest to the largest value shown.
 */
export function predictionChart(
  title: string,
  symbol: string,
  rows: PredictionRow[],
): TopLevelSpec {
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of rows) {
    lo = Math.min(lo, r.truth, r.predicted);
    hi = Math.max(hi, r.truth, r.predicted);
  }
  const diagonal = rows.length === 0 ? [] : [{ a: lo, b: lo, a2: hi, b2: hi }];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    config: CONFIG,
    width: 360,
    height: 360,
    layer: [
      {
        data: { values: diagonal },
        mark: { type: 'rule', color: '#888', strokeDash: [4, 3] },
        encoding: {
          x: { field: 'a', type: 'quantitative' },
          y: { field: 'b', type: 'quantitative' },
          x2: { field: 'a2' },
          y2: { field: 'b2' },
        },
      },
      {
        data: { values: rows },
        // aria: false drops a spoken description per point (a third of the SVG's size).
        mark: { type: 'point', filled: true, size: 14, opacity: 0.6, aria: false },
        encoding: {
          x: {
            field: 'truth',
            type: 'quantitative',
            title: `true ${symbol}`,
            scale: { zero: false },
          },
          y: {
            field: 'predicted',
            type: 'quantitative',
            title: `predicted ${symbol}`,
            scale: { zero: false },
          },
          color: {
            field: 'beta',
            type: 'ordinal',
            title: 'β',
            scale: { scheme: 'viridis' },
          },
        },
      },
    ],
  };
}

/** A point of a flow curve with its error band. */
export interface FlowCurveRow {
  /** The flow time t/a^2. */
  t: number;
  /** The value (t^2 <E> or W). */
  value: number;
  /** value - error. */
  lo: number;
  /** value + error. */
  hi: number;
  /** The series (discretisation, beta). */
  series: string;
}

/** A read-off: where a series crosses the reference value. */
export interface ReadOffMark {
  /** The flow time of the crossing (t0, or w0^2). */
  t: number;
  /** The series it belongs to. */
  series: string;
}

/**
 * A flow curve (t^2 E(t) or W(t)) against the flow time, one line per series with its
 * one-sigma error band, a grey rule at the reference value and a dashed rule at each
 * read-off (t0 or w0^2) in its series' colour.
 */
export function flowCurveChart(
  title: string,
  symbol: string,
  rows: FlowCurveRow[],
  reference: number,
  readOffs: ReadOffMark[],
): TopLevelSpec {
  const color = { field: 'series', type: 'nominal' as const, title: null, sort: null };
  const x = { field: 't', type: 'quantitative' as const, title: 'flow time t/a²' };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    config: CONFIG,
    width: WIDTH,
    height: HEIGHT,
    layer: [
      {
        data: { values: rows },
        mark: { type: 'area', opacity: 0.25 },
        encoding: {
          x,
          y: { field: 'lo', type: 'quantitative', title: symbol, axis: NUMBER_AXIS },
          y2: { field: 'hi' },
          color,
        },
      },
      {
        data: { values: rows },
        mark: { type: 'line', strokeWidth: 1.5, point: { size: 14 } },
        encoding: { x, y: { field: 'value', type: 'quantitative', title: symbol }, color },
      },
      {
        data: { values: [{ reference }] },
        mark: { type: 'rule', color: '#999' },
        encoding: { y: { field: 'reference', type: 'quantitative' } },
      },
      {
        data: { values: readOffs },
        mark: { type: 'rule', strokeDash: [5, 3], strokeWidth: 1.5 },
        encoding: { x: { field: 't', type: 'quantitative' }, color },
      },
    ],
  };
}

/** A point of the invariance error against the ensemble size. */
export interface EnsembleSizeChartRow {
  /** m, the members of the sub-ensemble. */
  members: number;
  /** The invariance error (> 0: log scale). */
  error: number;
  /** Which summary it is (e.g. "mean over configurations"). */
  measure: string;
}

/**
 * The invariance error of an ensemble's mean against the number of members m, both axes
 * logarithmic (a power law m^-a is a straight line), points joined by lines, one line per
 * summary (largest and mean over configurations).
 */
export function ensembleSizeChart(title: string, rows: EnsembleSizeChartRow[]): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    config: CONFIG,
    width: WIDTH,
    height: HEIGHT,
    data: { values: rows },
    mark: { type: 'line', point: { size: 30 }, strokeWidth: 1.5 },
    encoding: {
      x: {
        field: 'members',
        type: 'quantitative',
        title: 'ensemble size m (members, log scale)',
        scale: { type: 'log', base: 2 },
        axis: { format: 'd' },
      },
      y: {
        field: 'error',
        type: 'quantitative',
        title: 'invariance error (log scale)',
        scale: { type: 'log' },
        axis: NUMBER_AXIS,
      },
      color: { field: 'measure', type: 'nominal', title: null, sort: null },
    },
  };
}
