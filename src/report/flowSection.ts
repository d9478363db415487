/**
 * The report section of a flow file (`lgt flow`): the table of t0, w0, chi and t0^2 chi per
 * beta (the numbers of `lgt measure FLOWED.h5`), the flow curves t^2 E(t) and W(t) with their
 * error bands and the read-off of t0 and w0^2, the histogram of the topological charge at the
 * charge time in bins of 0.1 (peaks at integers when the flow has smoothed the fields), and
 * the run's metadata.
 *
 * @module
 */
import type { FlowFile } from '../io/flowFile.js';
import { formatMetadataValue } from '../io/ensembleMetadata.js';
import type { FlowBetaStatistics, ScaleOutcome } from '../flow/flowStatistics.js';
import { SCALE_REFERENCE, type FlowCurvePoint } from '../flow/scaleSetting.js';
import {
  flowCurveChart,
  histogramChart,
  type FlowCurveRow,
  type HistogramRow,
  type ReadOffMark,
} from './chartSpecs.js';
import { formatEstimate } from '../core/estimateFormat.js';
import { metadataTable, provenanceRows } from './ensembleSection.js';
import type { Block, Section, TableCell } from './htmlPage.js';

function scaleCell(s: ScaleOutcome, key: string): TableCell {
  if ('failure' in s) return `— (${s.failure.replace(/^flowScale: /, '')})`;
  return { text: formatEstimate(s.mean, s.error), value: s.mean, key };
}

function curveRows(
  points: FlowCurvePoint[],
  which: 't2E' | 'W',
  series: string,
  rows: FlowCurveRow[],
): void {
  for (const p of points) {
    const e = p[which];
    rows.push({ t: p.t, value: e.mean, lo: e.mean - e.error, hi: e.mean + e.error, series });
  }
}

/** The charges in bins of width 0.1 from round(min) - 0.5 to round(max) + 0.5. */
function chargeHistogram(values: Float64Array, series: string): HistogramRow[] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const q of values) {
    lo = Math.min(lo, q);
    hi = Math.max(hi, q);
  }
  const first = Math.round(lo) - 0.5;
  const bins = Math.round((Math.round(hi) + 0.5 - first) / 0.1);
  const counts = new Array<number>(bins).fill(0);
  for (const q of values) counts[Math.min(bins - 1, Math.floor((q - first) / 0.1))]++;
  return counts.map((count, b) => ({
    x0: first + 0.1 * b,
    x1: first + 0.1 * (b + 1),
    count,
    series,
  }));
}

/** Builds the section of one flow file from its analysis (src/flow/flowStatistics.ts). */
export function flowSection(file: FlowFile, stats: FlowBetaStatistics[], prefix: string): Section {
  const meta = file.metadata;
  const blocks: Block[] = [];
  blocks.push({
    kind: 'text',
    text:
      `Gradient flow (${String(meta.action ?? '?')}) of ${file.count} configurations of SU(${meta.N}) ` +
      `on ${meta.dims.join('×')}, from ${String(meta.source ?? '?')}; E measured at ` +
      `${file.times.length} flow times up to t/a² = ${file.times[file.times.length - 1]}.`,
  });
  const rows: TableCell[][] = [];
  for (const s of stats) {
    const k = `beta=${s.beta}`;
    const c = s.charge;
    rows.push([
      { text: String(s.beta), value: s.beta, key: `${k}/beta` },
      { text: String(s.configurations), value: s.configurations, key: `${k}/n` },
      scaleCell(s.t0.clover, `${k}/t0`),
      scaleCell(s.t0.plaquette, `${k}/t0Plaquette`),
      scaleCell(s.w0.clover, `${k}/w0`),
      scaleCell(s.w0.plaquette, `${k}/w0Plaquette`),
      c === undefined
        ? '—'
        : {
            text: `${formatEstimate(c.chi.mean, c.chi.error)} at t = ${c.t}`,
            value: c.chi.mean,
            key: `${k}/chi`,
          },
      c === undefined || 'failure' in c.t0SquaredChi
        ? '—'
        : {
            text: formatEstimate(c.t0SquaredChi.mean, c.t0SquaredChi.error),
            value: c.t0SquaredChi.mean,
            key: `${k}/t0SquaredChi`,
          },
    ]);
  }
  blocks.push({
    kind: 'table',
    table: {
      caption:
        'Scales and topological susceptibility with Gamma-method errors (t0 and w0 as derived ' +
        'quantities of the interpolated <E(t)>), as lgt measure prints them',
      columns: [
        'β',
        'N',
        't0/a² (clover)',
        't0/a² (plaquette)',
        'w0/a (clover)',
        'w0/a (plaquette)',
        'χ a⁴',
        't0² χ',
      ],
      rows,
    },
  });
  const several = stats.length > 1;
  const label = (s: FlowBetaStatistics, what: string): string =>
    several ? `β = ${s.beta}, ${what}` : what;
  for (const [which, symbol, kind] of [
    ['t2E', 't² ⟨E(t)⟩', 't0'],
    ['W', 'W(t) = t d/dt t² ⟨E⟩', 'w0'],
  ] as const) {
    const curve: FlowCurveRow[] = [];
    const marks: ReadOffMark[] = [];
    for (const s of stats) {
      for (const d of ['clover', 'plaquette'] as const) {
        curveRows(s.curve[d], which, label(s, `${d} E`), curve);
        const scale = s[kind][d];
        if (!('failure' in scale)) {
          marks.push({
            t: kind === 't0' ? scale.mean : scale.mean ** 2,
            series: label(s, `${d} E`),
          });
        }
      }
    }
    blocks.push({
      kind: 'chart',
      name: `${prefix}-${kind === 't0' ? 't2e' : 'w'}`,
      spec: flowCurveChart(
        kind === 't0' ? 't² E(t) with the read-off of t0' : 'W(t) with the read-off of w0²',
        symbol,
        curve,
        SCALE_REFERENCE,
        marks,
      ),
      caption:
        `${symbol} in both discretisations of E with one-sigma bands (Gamma method); the grey rule ` +
        `is ${SCALE_REFERENCE}, the dashed rules mark ${kind === 't0' ? 't0' : 'w0²'}.`,
    });
  }
  const bars: HistogramRow[] = [];
  for (const s of stats)
    if (s.charge !== undefined)
      bars.push(...chargeHistogram(s.charge.values, `β = ${s.beta}, t = ${s.charge.t}`));
  if (bars.length > 0) {
    blocks.push({
      kind: 'chart',
      name: `${prefix}-charge-histogram`,
      spec: histogramChart('Topological charge at the charge time', 'Q (clover)', bars),
      caption:
        'The clover charge of every configuration at the chosen flow time, in bins of 0.1 centred ' +
        'on the integers ± 0.05: after flow times beyond t0 the charges gather near integers.',
    });
  }
  const metadataRows: TableCell[][] = [
    ['file', file.path],
    ['flow times', Array.from(file.times).join(', ')],
  ];
  for (const [key, value] of Object.entries(meta)) {
    if (key === 'N' || key === 'dims' || key === 'indices') continue;
    metadataRows.push([key, typeof value === 'string' ? value : formatMetadataValue(value)]);
  }
  metadataRows.push(...provenanceRows(file.provenance));
  blocks.push(...metadataTable('Flow metadata', metadataRows));
  return { title: `Flow ${file.path}`, blocks };
}
