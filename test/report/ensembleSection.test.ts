import { describe, expect, it } from 'vitest';
import { FileError } from '../../src/core/fileError.js';
import { ensembleStatistics } from '../../src/montecarlo/ensembleStatistics.js';
import { ensembleSection, type EnsembleData } from '../../src/report/ensembleSection.js';
import type { Block, NumberCell } from '../../src/report/htmlPage.js';

/** A synthetic two-beta ensemble: AR(1) plaquette-like series of n configurations per beta. */
function synthetic(n: number): EnsembleData {
  const beta = new Float64Array(2 * n);
  const sweep = new Float64Array(2 * n);
  const plaquette = new Float64Array(2 * n);
  const charge = new Float64Array(2 * n);
  let s = 99;
  const uniform = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  for (let b = 0; b < 2; b++) {
    let x = 0;
    for (let i = 0; i < n; i++) {
      const k = b * n + i;
      x = 0.9 * x + (uniform() - 0.5) * 0.01;
      beta[k] = b === 0 ? 2 : 4;
      sweep[k] = 100 + 10 * i;
      plaquette[k] = (b === 0 ? 0.43 : 0.66) + x;
      charge[k] = Math.round(4 * (uniform() - 0.5));
    }
  }
  return {
    path: 'synthetic.h5',
    metadata: { N: 2, dims: [4, 4, 4, 4], algorithm: 'heatbath', seed: 5 },
    count: 2 * n,
    beta,
    sweep,
    observables: { plaquette, topological_charge: charge },
  };
}

function charts(blocks: Block[]) {
  return blocks.flatMap((b) => (b.kind === 'chart' ? [b] : []));
}

describe('ensembleSection', () => {
  it('draws a history, an autocorrelation and a histogram per observable, Q included', () => {
    const { section } = ensembleSection(synthetic(200));
    expect(charts(section.blocks).map((c) => c.name)).toEqual([
      'ensemble-plaquette-history',
      'ensemble-plaquette-autocorrelation',
      'ensemble-plaquette-histogram',
      'ensemble-topological_charge-history',
      'ensemble-topological_charge-autocorrelation',
      'ensemble-topological_charge-histogram',
    ]);
  });

  it('puts the numbers of ensembleStatistics (lgt measure --json) in its table, exactly', () => {
    const data = synthetic(300);
    const { section, statistics } = ensembleSection(data, { skip: 10 });
    const expected = ensembleStatistics(data.beta, data.observables, 10);
    expect(statistics).toEqual(expected);
    const table = section.blocks.find((b) => b.kind === 'table');
    if (table?.kind !== 'table') throw new Error('no table');
    const cells = new Map(
      table.table.rows
        .flat()
        .flatMap((c) => (typeof c === 'string' ? [] : [[c.key, c as NumberCell]])),
    );
    for (const s of expected) {
      for (const [name, e] of Object.entries(s.observables)) {
        expect(cells.get(`beta=${s.beta}/${name}/mean`)?.value).toBe(e.mean);
        expect(cells.get(`beta=${s.beta}/${name}/error`)?.value).toBe(e.error);
        expect(cells.get(`beta=${s.beta}/${name}/tauInt`)?.value).toBe(e.tauInt);
        expect(cells.get(`beta=${s.beta}/${name}/n`)?.value).toBe(290);
      }
    }
  });

  it('draws at most maxHistoryPoints per beta of a 10,000-configuration history, but histograms every configuration', () => {
    const { section } = ensembleSection(synthetic(10_000), { maxHistoryPoints: 500 });
    const [history, , histogram] = charts(section.blocks);
    const rows = (history.spec as { data: { values: Array<{ series: string }> } }).data.values;
    for (const series of ['β = 2', 'β = 4']) {
      const n = rows.filter((r) => r.series === series).length;
      expect(n).toBeGreaterThan(400);
      expect(n).toBeLessThanOrEqual(500);
    }
    const bars = (histogram.spec as { data: { values: Array<{ count: number; series: string }> } })
      .data.values;
    const total = (series: string) =>
      bars.filter((b) => b.series === series).reduce((s, b) => s + b.count, 0);
    expect(total('β = 2')).toBe(10_000);
    expect(total('β = 4')).toBe(10_000);
  });

  it('warns at the top of a suspect ensemble, with what its run recorded and its saved drift, and lists its provenance', () => {
    const data = synthetic(200);
    const healthy = ensembleSection(data).section.blocks;
    expect(healthy.some((b) => b.kind === 'text' && b.text.startsWith('Warning: suspect'))).toBe(
      false,
    );
    // the first 60 configurations of beta 2 sat at the cold start
    const plaquette = Float64Array.from(data.observables.plaquette as Float64Array);
    plaquette.fill(1, 0, 60);
    const suspect = ensembleSection({
      ...data,
      observables: { ...data.observables, plaquette },
      diagnostics: {
        chains: [{ findings: [{ message: 'beta 4: HMC accepted none', remedy: 'more steps' }] }],
      },
      provenance: {
        created: '2026-12-02T20:56:05.448Z',
        software: 'lattice-gauge 0.1.0',
        host: 'node7',
        resumed: [
          { at: '2026-12-02T20:57:00.000Z', software: 'lattice-gauge 0.1.0', host: 'node8' },
        ],
      },
    }).section.blocks;
    const texts = suspect.flatMap((b) => (b.kind === 'text' ? [b.text] : []));
    expect(suspect[1]).toEqual({
      kind: 'text',
      text: 'Warning: suspect ensemble: beta 4: HMC accepted none. Remedy: more steps.',
    });
    expect(texts[2]).toMatch(
      /^Warning: suspect ensemble: beta 2: saved configurations 1-60 of 200 are all the same field \(plaquette 1\): the chain did not move for 590 steps/,
    );
    expect(texts[3]).toMatch(
      /^Warning: suspect ensemble: beta 2: the plaquette drifts over the 200 saved configurations/,
    );
    const table = suspect.flatMap((b) => (b.kind === 'table' ? [b.table] : [])).at(-1)!;
    expect(table.rows).toContainEqual(['created', '2026-12-02T20:56:05.448Z on node7']);
    expect(table.rows).toContainEqual([
      'resumed (1)',
      '2026-12-02T20:57:00.000Z on node8, lattice-gauge 0.1.0',
    ]);
  });

  it('says that a file without measurements has nothing to report, naming the file', () => {
    const data = { ...synthetic(10), observables: {} };
    expect(() => ensembleSection(data)).toThrow(FileError);
    expect(() => ensembleSection(data)).toThrow(
      /synthetic\.h5: no recorded observables.*\/observables/,
    );
  });

  it('says when skip leaves fewer than 2 configurations per beta', () => {
    expect(() => ensembleSection(synthetic(10), { skip: 9 })).toThrow(
      /synthetic\.h5: fewer than 2 configurations per beta remain after skipping 9/,
    );
  });
});
