/**
 * The report section of a scan summary (`summary.json` of `lgt merge`): one table row per point
 * (its group, lattice, coupling, algorithm, chains, configurations, and each observable with
 * its Gamma-method error over the chains as replica), and the plaquette against beta with
 * error bars, one line per (group, lattice, algorithm).
 *
 * @module
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ScanSummary, ScanSummaryPoint } from '../montecarlo/scanSummary.js';

export type { ScanSummary, ScanSummaryPoint };
import { formatEstimate } from '../core/estimateFormat.js';
import type { Block, Section, TableCell } from './htmlPage.js';

/** The plaquette against beta, with error bars, one colour per (group, lattice, algorithm). */
function plaquetteChart(points: ScanSummaryPoint[]): TopLevelSpec {
  const values = points
    .filter((p) => p.observables.plaquette !== undefined)
    .map((p) => {
      const e = p.observables.plaquette;
      return {
        beta: p.beta,
        mean: e.mean,
        low: e.mean - e.error,
        high: e.mean + e.error,
        series: `SU(${p.group}) ${p.dims.join('×')} ${p.algorithm}`,
      };
    });
  const x = { field: 'beta', type: 'quantitative' as const, title: 'β', scale: { zero: false } };
  const color = { field: 'series', type: 'nominal' as const, title: null, sort: null };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Plaquette against β (error bars: Gamma method over the chains)',
    config: { background: 'white', font: 'sans-serif', title: { anchor: 'start' } },
    width: 560,
    height: 260,
    data: { values },
    layer: [
      {
        mark: { type: 'line', point: true },
        encoding: {
          x,
          y: {
            field: 'mean',
            type: 'quantitative',
            title: 'plaquette P',
            scale: { zero: false },
            axis: { format: '.4~g' },
          },
          color,
        },
      },
      {
        mark: { type: 'rule' },
        encoding: { x, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' }, color },
      },
    ],
  };
}

/**
 * The section of a scan summary (module header); `prefix` names its chart (unique in a
 * report).
 */
export function scanSection(summary: ScanSummary, prefix = 'scan'): Section {
  const names = [...new Set(summary.points.flatMap((p) => Object.keys(p.observables)))].sort(
    (a, b) => (a === 'plaquette' ? -1 : b === 'plaquette' ? 1 : a.localeCompare(b)),
  );
  const rows: TableCell[][] = summary.points.map((p) => [
    String(p.point),
    `SU(${p.group})`,
    p.dims.join('×'),
    { text: String(p.beta), value: p.beta, key: `point=${p.point}/beta` },
    p.algorithm,
    `${p.finished}/${p.chains}`,
    { text: String(p.configurations), value: p.configurations, key: `point=${p.point}/n` },
    ...names.map((name): TableCell => {
      const e = p.observables[name];
      return e === undefined
        ? '–'
        : {
            text: formatEstimate(e.mean, e.error),
            value: e.mean,
            key: `point=${p.point}/${name}/mean`,
          };
    }),
  ]);
  const blocks: Block[] = [
    {
      kind: 'text',
      text:
        `${summary.points.length} points; each observable is the mean over the point's ` +
        'complete chains, with its error by the Gamma method over the chains as replica ' +
        '(Wolff, hep-lat/0306017, eq. (31)).',
    },
    {
      kind: 'table',
      table: {
        caption: 'One row per point: means with Gamma-method errors',
        columns: ['point', 'group', 'lattice', 'β', 'algorithm', 'chains', 'N', ...names],
        rows,
      },
    },
  ];
  if (summary.points.some((p) => p.observables.plaquette !== undefined)) {
    blocks.push({
      kind: 'chart',
      name: `${prefix}-plaquette`,
      spec: plaquetteChart(summary.points),
      caption: 'The plaquette of every point with a complete chain, with its one-sigma error bar.',
    });
  }
  return { title: `Scan ${summary.scan.name} (${summary.scan.id})`, blocks };
}
