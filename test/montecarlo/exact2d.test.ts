/**
 * Validation ladder, step 2 (DESIGN.md 7): in two dimensions the plaquettes of an infinite
 * (and, to 1e-10, of an L >= 8 periodic) lattice are independent, so <P> is the single-link
 * mean and W(R x T) = P^(R T). Every algorithm must reproduce these at 4 sigma, with
 * Gamma-method errors.
 */
import { describe, expect, it } from 'vitest';
import { GaugeField } from '../../src/lattice/gaugeField.js';
import { Lattice } from '../../src/lattice/lattice.js';
import { averagePlaquette } from '../../src/lattice/observables/plaquette.js';
import { averageWilsonLoop } from '../../src/lattice/observables/wilsonLoops.js';
import { monteCarloStep, type Algorithm } from '../../src/montecarlo/algorithm.js';
import { gammaAnalysis } from '../../src/core/gamma.js';
import { SerialSweeper } from '../../src/montecarlo/sweeper.js';

const exact: Record<string, number> = {
  'SU(2) 1': 0.24019372387,
  'SU(2) 2': 0.433127426722,
  'SU(2) 4': 0.658047267359,
  'SU(3) 3': 0.2030750501,
  'SU(3) 6': 0.4225317397,
};

const loops: Array<[number, number]> = [
  [1, 2],
  [1, 3],
  [2, 2],
  [1, 4],
];

async function run(
  N: number,
  L: number,
  beta: number,
  algorithm: Algorithm,
  thermalization: number,
  measurements: number,
) {
  const field = GaugeField.cold(new Lattice([L, L]), N);
  const sweeper = new SerialSweeper();
  const series: Record<string, number[]> = { plaquette: [] };
  for (const [R, T] of loops) series[`${R}x${T}`] = [];
  let accepted = 0;
  let proposals = 0;
  for (let sweep = 0; sweep < thermalization + measurements; sweep++) {
    const stats = await monteCarloStep(field, algorithm, beta, 99, sweep, 0, sweeper);
    if (sweep < thermalization) continue;
    accepted += stats.accepted;
    proposals += stats.proposals;
    series.plaquette.push(averagePlaquette(field));
    for (const [R, T] of loops) series[`${R}x${T}`].push(averageWilsonLoop(field, R, T));
  }
  return { series, acceptance: accepted / proposals };
}

function expectExact(series: Record<string, number[]>, P: number): void {
  const plaquette = gammaAnalysis(series.plaquette);
  expect(Math.abs(plaquette.mean - P)).toBeLessThan(4 * plaquette.error);
  for (const [R, T] of loops) {
    const W = gammaAnalysis(series[`${R}x${T}`]);
    expect(Math.abs(W.mean - P ** (R * T))).toBeLessThan(4 * W.error);
  }
}

describe('2D exact results', () => {
  it.each([
    [2, 1],
    [2, 2],
    [2, 4],
    [3, 3],
    [3, 6],
  ])(
    'heatbath + overrelaxation, SU(%i) at beta %f on 16x16: P and W(RxT) = P^(RT)',
    async (N, beta) => {
      const { series } = await run(N, 16, beta, { kind: 'heatbath', overrelaxation: 1 }, 100, 1500);
      expectExact(series, exact[`SU(${N}) ${beta}`]);
    },
  );

  it.each([
    [2, 2],
    [3, 6],
  ])('Metropolis (10 hits, step 0.5), SU(%i) at beta %f on 16x16', async (N, beta) => {
    const { series, acceptance } = await run(
      N,
      16,
      beta,
      { kind: 'metropolis', hits: 10, step: 0.5 },
      200,
      1500,
    );
    expect(acceptance).toBeGreaterThan(0.2);
    expectExact(series, exact[`SU(${N}) ${beta}`]);
  });

  it('can fail: the heatbath at beta 2.1 is rejected against the beta 2 value', async () => {
    const { series } = await run(2, 16, 2.1, { kind: 'heatbath', overrelaxation: 1 }, 100, 1500);
    const plaquette = gammaAnalysis(series.plaquette);
    expect(Math.abs(plaquette.mean - exact['SU(2) 2'])).toBeGreaterThan(4 * plaquette.error);
  });
});
