/**
 * The integrator: Luescher's RK3 has global error O(epsilon^3); the Wilson flow lowers the
 * Wilson action at every step; the flow is gauge covariant; the adaptive flow lands on the
 * requested times exactly and stays within its tolerance of the fixed-step flow; workers do
 * not change a bit; bad options are refused with messages that name them.
 */
import { describe, expect, it } from 'vitest';
import { GaugeField } from '../../src/lattice/gaugeField.js';
import { Lattice } from '../../src/lattice/lattice.js';
import {
  gaugeTransform,
  randomGaugeTransformation,
} from '../../src/lattice/gaugeTransformation.js';
import { wilsonAction } from '../../src/lattice/observables/actionDensity.js';
import { cloverEnergyDensity } from '../../src/lattice/observables/actionDensity.js';
import { averagePlaquette } from '../../src/lattice/observables/plaquette.js';
import { polyakovLoop } from '../../src/lattice/observables/polyakov.js';
import { topologicalCharge } from '../../src/lattice/observables/topologicalCharge.js';
import { Xoshiro128 } from '../../src/core/rng.js';
import { flowField, GradientFlow } from '../../src/flow/gradientFlow.js';
import type { FlowMeasurement } from '../../src/flow/flowObservables.js';
import { maxAbsDifference, roughField } from '../helpers.js';

describe('the RK3 integrator', () => {
  for (const action of ['wilson', 'zeuthen'] as const) {
    it(`${action}: the global error falls as epsilon^3 (halving epsilon gains 8x within 20%)`, async () => {
      // zeuthen's rectangles cost 8x the plaquettes: a smaller lattice for it
      const field = roughField(action === 'wilson' ? [4, 4, 4, 4] : [3, 3, 3, 4], 3, 3, 0.6);
      const at = async (steps: number): Promise<Float64Array> =>
        (await flowField(field, { action, tMax: 1, epsilon: 1 / steps, times: [1] })).field.links;
      const reference = await at(160);
      const errors = [];
      for (const steps of [10, 20, 40]) errors.push(maxAbsDifference(await at(steps), reference));
      expect(errors[2]).toBeGreaterThan(1e-7); // not trivially exact
      for (const ratio of [errors[0] / errors[1], errors[1] / errors[2]]) {
        expect(ratio).toBeGreaterThan(8 * 0.8);
        expect(ratio).toBeLessThan(8 * 1.2);
      }
    });
  }

  it('the Wilson flow lowers the Wilson action at every step (SU(2), SU(3), SU(4); 2D, 3D, 4D)', async () => {
    for (const [N, dims] of [
      [2, [4, 4, 3, 4]],
      [3, [4, 4, 3, 4]],
      [4, [4, 3, 4]],
      [2, [8, 6]],
    ] as const) {
      const field = roughField([...dims], N, 17 + N + dims.length, 1.2);
      const actions: number[] = [];
      await flowField(field, {
        tMax: 1,
        epsilon: 0.02,
        onMeasure: (_m, flowed) => {
          actions.push(wilsonAction(flowed, 1));
        },
      });
      expect(actions.length).toBe(51);
      for (let k = 1; k < actions.length; k++) expect(actions[k]).toBeLessThan(actions[k - 1]);
      expect(actions[actions.length - 1]).toBeLessThan(0.5 * actions[0]);
    }
  });

  it('measures what the lattice observables give on the flowed field (1e-12)', async () => {
    const field = roughField([4, 4, 4, 6], 3, 8, 0.8);
    await flowField(field, {
      tMax: 0.3,
      times: [0, 0.3],
      onMeasure: (m, flowed) => {
        const V = flowed.lattice.volume;
        const clover = cloverEnergyDensity(flowed).reduce((s, e) => s + e, 0) / V;
        const P = averagePlaquette(flowed);
        expect(Math.abs(m.energyClover - clover)).toBeLessThan(1e-12 * Math.max(1, clover));
        expect(Math.abs(m.plaquette - P)).toBeLessThan(1e-12);
        expect(Math.abs(m.energyPlaquette - 2 * 6 * 3 * (1 - P))).toBeLessThan(1e-11);
        expect(Math.abs(m.charge! - topologicalCharge(flowed))).toBeLessThan(1e-12);
        const p = polyakovLoop(flowed);
        expect(Math.abs(m.polyakovLoop.re - p.re)).toBeLessThan(1e-13);
        expect(Math.abs(m.polyakovLoop.im - p.im)).toBeLessThan(1e-13);
      },
    });
  });
});

describe('gauge covariance', () => {
  for (const action of ['wilson', 'symanzik', 'zeuthen'] as const) {
    for (const N of [2, 3]) {
      it(`${action}, SU(${N}): flowing Omega U gives Omega (flowed U) to 1e-12, fixed and adaptive`, async () => {
        const field = roughField([3, 4, 3, 3], N, 29 + N, 0.9);
        const omega = randomGaugeTransformation(field.lattice, N, new Xoshiro128(N));
        const transformed = gaugeTransform(field, omega);
        for (const step of [{ epsilon: 0.05 }, { epsilon: 0.02, tolerance: 1e-4 }]) {
          const options = { action, tMax: 0.4, times: [0.4], ...step };
          const a = await flowField(field, options);
          const b = await flowField(transformed, options);
          expect(b.steps).toBe(a.steps);
          expect(
            maxAbsDifference(gaugeTransform(a.field, omega).links, b.field.links),
          ).toBeLessThan(1e-12);
          // not trivially: the flow moves the field, and Omega moves the links
          expect(maxAbsDifference(a.field.links, field.links)).toBeGreaterThan(0.05);
          expect(maxAbsDifference(a.field.links, b.field.links)).toBeGreaterThan(0.1);
        }
      });
    }
  }
});

describe('the adaptive flow', () => {
  it('lands on every requested time exactly and stays within its tolerance of the fixed-step flow', async () => {
    const field = roughField([4, 4, 4, 4], 3, 4, 0.6);
    const times = [0.1, 0.25, 0.5, 1, 1.7, 2];
    const fixed = await flowField(field, { tMax: 2, epsilon: 0.005, times });
    for (const tolerance of [1e-4, 1e-5, 1e-6]) {
      const adaptive = await flowField(field, { tMax: 2, epsilon: 0.01, tolerance, times });
      expect(adaptive.measurements.map((m) => m.t)).toEqual(times);
      expect(maxAbsDifference(adaptive.field.links, fixed.field.links)).toBeLessThan(tolerance);
      // and it needs fewer steps than the fixed 0.005 (the bench compares at equal accuracy)
      expect(adaptive.steps).toBeLessThan(fixed.steps / 2);
    }
  });

  it('shortens the step to land on close times and goes on with its own step size', async () => {
    const field = roughField([4, 4, 4, 4], 2, 6, 0.6);
    const steps: number[] = [];
    const run = await flowField(field, {
      tMax: 1,
      epsilon: 0.05,
      tolerance: 1e-4,
      times: [0.3, 0.3000001, 1],
      onStep: (s) => steps.push(s.epsilon),
    });
    expect(run.measurements.map((m) => m.t)).toEqual([0.3, 0.3000001, 1]);
    expect(Math.min(...steps)).toBeLessThan(1e-6);
    // the step after the tiny one is a normal one again
    const k = steps.findIndex((e) => e < 1e-6);
    expect(steps[k + 1]).toBeGreaterThan(0.01);
  });
});

describe('workers', () => {
  it('1 and 2 worker threads give bit for bit the serial flow (adaptive wilson, fixed zeuthen)', async () => {
    const field = roughField([4, 4, 4, 6], 3, 12, 0.8);
    for (const options of [
      { action: 'wilson' as const, tMax: 0.5, epsilon: 0.02, tolerance: 1e-5, times: [0.2, 0.5] },
      { action: 'zeuthen' as const, tMax: 0.2, epsilon: 0.05, times: [0, 0.1, 0.2] },
    ]) {
      const runs: Array<{ links: Float64Array; measurements: FlowMeasurement[] }> = [];
      for (const workers of [0, 1, 2]) {
        const r = await flowField(field, { ...options, workers });
        runs.push({ links: r.field.links, measurements: r.measurements });
      }
      for (const r of runs.slice(1)) {
        expect(r.links).toEqual(runs[0].links);
        expect(r.measurements).toEqual(runs[0].measurements);
        for (let k = 0; k < r.links.length; k++) {
          if (r.links[k] !== runs[0].links[k]) throw new Error(`link component ${k} differs`);
        }
      }
    }
  });
});

describe('bad input', () => {
  const field = roughField([4, 4, 4, 4], 2, 1, 0.5);
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    [
      'a zero epsilon',
      { tMax: 1, epsilon: 0 },
      /invalid options.epsilon: expected a finite number > 0, got 0/,
    ],
    [
      'a negative tolerance',
      { tMax: 1, tolerance: -1e-5 },
      /invalid options.tolerance: expected a finite number > 0, got -0.00001/,
    ],
    [
      't-max below a requested time',
      { tMax: 1, times: [0.5, 2] },
      /invalid options.tMax: expected at least the largest requested time 2, got 1/,
    ],
    [
      'times out of order',
      { tMax: 2, times: [1, 0.5] },
      /invalid options.times: expected strictly ascending times, got \[1, 0.5\]/,
    ],
  ];
  for (const [what, options, message] of cases) {
    it(`refuses ${what}`, async () => {
      await expect(flowField(field, options as never)).rejects.toThrow(message);
    });
  }

  it('refuses the charge of a 2D field, an unknown action and rectangles on a lattice of extent 2', async () => {
    const twoD = roughField([4, 4], 2, 1, 0.5);
    await expect(flowField(twoD, { tMax: 1, charge: true })).rejects.toThrow(
      /invalid options.charge: expected a 4-dimensional field \(the topological charge is defined in 4D\), got D = 2/,
    );
    expect(() => new GradientFlow(new Lattice([4, 4]), 2, { action: 'dbw2' as never })).toThrow(
      /GradientFlow: invalid options.action: expected one of wilson, symanzik, zeuthen, got "dbw2"/,
    );
    expect(() => new GradientFlow(new Lattice([4, 2, 4]), 2, { action: 'zeuthen' })).toThrow(
      /zeuthen on 4x2x4/,
    );
  });

  it('refuses links that are not in SU(N), naming the violation', async () => {
    const bad = new GaugeField(field.lattice, 2, field.links.slice());
    bad.links[0] *= 1.01;
    await expect(flowField(bad, { tMax: 1 })).rejects.toThrow(
      /GradientFlow.run: invalid field: expected links in SU\(2\) \(\|U U\^\+ - 1\| <= 0.000001\), got \|U U\^\+ - 1\| = /,
    );
  });
});
