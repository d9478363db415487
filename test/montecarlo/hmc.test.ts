import { describe, expect, it } from 'vitest';
import { GaugeField } from '../../src/lattice/gaugeField.js';
import { Lattice } from '../../src/lattice/lattice.js';
import { wilsonAction } from '../../src/lattice/observables/actionDensity.js';
import { averagePlaquette } from '../../src/lattice/observables/plaquette.js';
import { gammaAnalysis } from '../../src/core/gamma.js';
import {
  drawMomenta,
  gaugeForce,
  hamiltonian,
  hmcTrajectory,
  integrate,
  kineticEnergy,
  OMELYAN_LAMBDA,
  type HmcParameters,
  type Integrator,
} from '../../src/montecarlo/hmc.js';
import { DrawKind, SiteStream } from '../../src/montecarlo/philox.js';
import {
  algebraFromCoordinates,
  coordinatesFromAlgebra,
  generators,
} from '../../src/sun/generators.js';
import { randomAlgebra } from '../../src/sun/random.js';
import { Xoshiro128 } from '../../src/core/rng.js';
import { maxAbsDifference, roughField } from '../helpers.js';

/** The 2D SU(2) infinite-volume plaquette at beta = 2, I2(2)/I1(2) (DESIGN.md 7). */
const PLAQUETTE_SU2_BETA2 = 0.433127426722;

/** One random su(N) direction X_l = i r.T (r standard normal) per link. */
function directionField(field: GaugeField, seed: number): Float64Array {
  const g = field.group;
  const X = new Float64Array(field.links.length);
  const rng = new Xoshiro128(seed);
  for (let off = 0; off < X.length; off += g.matrixSize) randomAlgebra(X, off, g, rng, 1);
  return X;
}

/** S_W of the field with every link moved, U_l -> exp(t X_l) U_l. */
function movedAction(field: GaugeField, X: Float64Array, t: number, beta: number): number {
  const g = field.group;
  const moved = field.clone();
  const step = new Float64Array(g.matrixSize);
  for (let off = 0; off < X.length; off += g.matrixSize) {
    for (let k = 0; k < g.matrixSize; k++) step[k] = t * X[off + k];
    g.exp(step, 0, step, 0);
    g.multiply(moved.links, off, step, 0, moved.links, off);
  }
  return wilsonAction(moved, beta);
}

/** d/dt S_W(exp(t X) U) at t = 0 by the five-point central difference, error O(t^4). */
function actionDerivative(field: GaugeField, X: Float64Array, beta: number, t = 1e-3): number {
  const s = (c: number) => movedAction(field, X, c * t, beta);
  return (-s(2) + 8 * s(1) - 8 * s(-1) + s(-2)) / (12 * t);
}

/** The energy violation of one trajectory of molecular dynamics from (field, momenta). */
function energyViolation(field: GaugeField, momenta: Float64Array, params: HmcParameters): number {
  const f = field.clone();
  const p = momenta.slice();
  const h0 = hamiltonian(f, p, params.beta);
  integrate(f, p, params);
  return hamiltonian(f, p, params.beta) - h0;
}

const cases = [
  { name: 'SU(2), D = 2, 6x6', N: 2, dims: [6, 6] },
  { name: 'SU(3), D = 2, 6x6', N: 3, dims: [6, 6] },
  { name: 'SU(2), D = 4, 3^4', N: 2, dims: [3, 3, 3, 3] },
  { name: 'SU(3), D = 4, 3^4', N: 3, dims: [3, 3, 3, 3] },
];

describe('gaugeForce: F = dP/dt = -(beta/2N) Pi(U A)', () => {
  it.each(cases)(
    'is minus the gradient of the Wilson action along random su(N) directions ($name)',
    ({ N, dims }) => {
      // With K = (1/2) sum (p^a)^2 the force must satisfy dS/dt = 2 sum tr(X F) along
      // U -> exp(t X) U (gaugeForce.ts header); a wrong sign or factor 2 fails by O(1).
      const beta = 2.3;
      const field = roughField(dims, N, 11, 0.7);
      const g = field.group;
      const F = gaugeForce(new Float64Array(field.links.length), field, beta);
      const X = directionField(field, 12);
      let predicted = 0;
      for (let off = 0; off < X.length; off += g.matrixSize) {
        predicted += 2 * g.reTraceMultiply(X, off, F, off);
      }
      const numerical = actionDerivative(field, X, beta);
      expect(Math.abs(numerical)).toBeGreaterThan(0.1);
      expect(Math.abs(predicted - numerical) / Math.abs(numerical)).toBeLessThan(1e-8);
    },
  );

  it('gives dp^a/dt = -dS/domega^a for each generator of one link (SU(3), D = 4)', () => {
    const N = 3;
    const beta = 5.7;
    const field = roughField([3, 3, 3, 3], N, 21, 0.6);
    const g = field.group;
    const T = generators(N);
    const F = gaugeForce(new Float64Array(field.links.length), field, beta);
    const link = field.offset(40, 2);
    const f = coordinatesFromAlgebra(new Float64Array(g.algebraDim), 0, F, link, T, N);
    for (let a = 0; a < g.algebraDim; a++) {
      const omega = new Float64Array(g.algebraDim);
      omega[a] = 1;
      const X = new Float64Array(field.links.length); // i T^a on this link only
      algebraFromCoordinates(X, link, omega, 0, T, N);
      const dS = actionDerivative(field, X, beta);
      expect(Math.abs(f[a] + dS)).toBeLessThan(1e-8 * Math.max(1, Math.abs(dS)));
    }
  });

  it('vanishes on a cold start, writes into out and returns it', () => {
    const field = GaugeField.cold(new Lattice([4, 4, 4]), 3);
    const out = new Float64Array(field.links.length).fill(7);
    expect(gaugeForce(out, field, 6)).toBe(out);
    expect(maxAbsDifference(out, new Float64Array(out.length))).toBe(0);
  });

  it('rejects an output array of the wrong length and a non-finite beta', () => {
    const field = GaugeField.cold(new Lattice([4, 4]), 2);
    expect(() => gaugeForce(new Float64Array(5), field, 2)).toThrow(RangeError);
    expect(() => gaugeForce(new Float64Array(field.links.length), field, NaN)).toThrow(
      /gaugeForce: invalid beta/,
    );
  });
});

describe('momenta and the Hamiltonian', () => {
  it('K = -sum tr(P^2) = (1/2) sum (p^a)^2 with P = i p^a T^a', () => {
    const N = 3;
    const field = roughField([4, 4], N, 31);
    const g = field.group;
    const T = generators(N);
    const P = directionField(field, 32);
    let minusTrace = 0;
    let halfSquares = 0;
    const p = new Float64Array(g.algebraDim);
    for (let off = 0; off < P.length; off += g.matrixSize) {
      minusTrace -= g.reTraceMultiply(P, off, P, off);
      coordinatesFromAlgebra(p, 0, P, off, T, N);
      for (const pa of p) halfSquares += (pa * pa) / 2;
    }
    expect(kineticEnergy(P, g)).toBeCloseTo(minusTrace, 10);
    expect(kineticEnergy(P, g)).toBeCloseTo(halfSquares, 10);
    expect(hamiltonian(field, P, 5.5)).toBeCloseTo(minusTrace + wilsonAction(field, 5.5), 10);
  });

  it.each([2, 3])(
    'the refresh draws coordinates p^a that are standard normal and centred (SU(%i))',
    (N) => {
      const field = GaugeField.cold(new Lattice([6, 6, 6, 6]), N);
      const g = field.group;
      const T = generators(N);
      const P = drawMomenta(new Float64Array(field.links.length), field, 99, 3);
      const n = P.length / g.matrixSize;
      const sum = new Float64Array(g.algebraDim);
      const sumSq = new Float64Array(g.algebraDim);
      const p = new Float64Array(g.algebraDim);
      for (let off = 0; off < P.length; off += g.matrixSize) {
        coordinatesFromAlgebra(p, 0, P, off, T, N);
        for (let a = 0; a < g.algebraDim; a++) {
          sum[a] += p[a];
          sumSq[a] += p[a] * p[a];
        }
        // P is in su(N): anti-hermitian and traceless
        expect(Math.abs(g.reTrace(P, off)) + Math.abs(g.imTrace(P, off))).toBeLessThan(1e-14);
      }
      for (let a = 0; a < g.algebraDim; a++) {
        // 4 sigma: the mean has error 1/sqrt(n), the variance sqrt(2/n)
        expect(Math.abs(sum[a] / n)).toBeLessThan(4 / Math.sqrt(n));
        expect(Math.abs(sumSq[a] / n - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
      }
    },
  );

  it('draws the momenta of link (x, mu) from reset(x, trajectory, hmcMomenta, mu, parity(x), stream)', () => {
    const field = GaugeField.cold(new Lattice([4, 6]), 3);
    const g = field.group;
    const P = drawMomenta(new Float64Array(field.links.length), field, 5, 17, 3);
    const rng = new SiteStream(5);
    const expected = new Float64Array(g.matrixSize);
    for (const [site, mu] of [
      [0, 0],
      [7, 1],
      [23, 0],
    ]) {
      rng.reset(site, 17, DrawKind.hmcMomenta, mu, field.lattice.parity[site], 3);
      randomAlgebra(expected, 0, g, rng, 1);
      expect(g.exactEquals(P, field.offset(site, mu), expected, 0)).toBe(true);
    }
  });
});

describe('molecular-dynamics integrators', () => {
  it("uses Omelyan's minimum-norm lambda in closed form", () => {
    const c = Math.cbrt(2 * Math.sqrt(326) + 36);
    expect(OMELYAN_LAMBDA).toBeCloseTo(0.5 - c / 12 + 1 / (6 * c), 15);
  });

  describe.each([
    { name: 'SU(2) on 8x8', N: 2, dims: [8, 8], beta: 2 },
    { name: 'SU(3) on 3^4', N: 3, dims: [3, 3, 3, 3], beta: 5.5 },
  ])('$name', ({ N, dims, beta }) => {
    const start = roughField(dims, N, 41, 0.5);
    const momenta = drawMomenta(new Float64Array(start.links.length), start, 42, 0);

    it.each<Integrator>(['leapfrog', 'omelyan'])(
      '%s is exactly reversible: forward, flip P, forward again returns to the start',
      (integrator) => {
        const field = start.clone();
        const P = momenta.slice();
        const params = { beta, tau: 1, steps: 8, integrator };
        integrate(field, P, params);
        expect(maxAbsDifference(field.links, start.links)).toBeGreaterThan(0.1);
        for (let k = 0; k < P.length; k++) P[k] = -P[k];
        integrate(field, P, params);
        expect(maxAbsDifference(field.links, start.links)).toBeLessThan(1e-12);
        for (let k = 0; k < P.length; k++) P[k] = -P[k];
        expect(maxAbsDifference(P, momenta)).toBeLessThan(1e-12);
      },
    );

    it.each<Integrator>(['leapfrog', 'omelyan'])(
      '%s has dH = O(eps^2): halving the step size divides |dH| by about 4',
      (integrator) => {
        const dH = [10, 20, 40].map((steps) =>
          Math.abs(energyViolation(start, momenta, { beta, tau: 1, steps, integrator })),
        );
        expect(dH[0]).toBeGreaterThan(1e-4); // far above rounding
        for (let i = 0; i + 1 < dH.length; i++) {
          expect(dH[i] / dH[i + 1]).toBeGreaterThan(3.5);
          expect(dH[i] / dH[i + 1]).toBeLessThan(4.5);
        }
      },
    );

    it('omelyan has a 5x smaller rms dH than leapfrog at equal steps (lambda = 1/4 gives 4x)', () => {
      // One trajectory's dH can be accidentally small, so compare the rms over momenta.
      for (const steps of [10, 20]) {
        const squares = { leapfrog: 0, omelyan: 0 };
        for (let draw = 0; draw < 8; draw++) {
          const P = drawMomenta(new Float64Array(start.links.length), start, 43, draw);
          for (const integrator of ['leapfrog', 'omelyan'] as const) {
            squares[integrator] +=
              energyViolation(start, P, { beta, tau: 1, steps, integrator }) ** 2;
          }
        }
        expect(squares.omelyan).toBeLessThan(0.2 ** 2 * squares.leapfrog);
      }
    });
  });

  it('rejects invalid parameters and momenta, naming them', () => {
    const field = GaugeField.cold(new Lattice([4, 4]), 2);
    const P = new Float64Array(field.links.length);
    const ok: HmcParameters = { beta: 2, tau: 1, steps: 4, integrator: 'leapfrog' };
    expect(() => integrate(field, P, { ...ok, steps: 0 })).toThrow(/params\.steps/);
    expect(() => integrate(field, P, { ...ok, tau: -1 })).toThrow(/params\.tau/);
    expect(() => integrate(field, P, { ...ok, integrator: 'euler' as Integrator })).toThrow(
      RangeError,
    );
    expect(() => integrate(field, new Float64Array(3), ok)).toThrow(/integrate: invalid momenta/);
    expect(() => hmcTrajectory(field, ok, 1, -1)).toThrow(/trajectory/);
    expect(() => hmcTrajectory(field, ok, 1, 0, 65536)).toThrow(/stream/);
  });
});

describe('hmcTrajectory', () => {
  const lattice = new Lattice([8, 8]);
  const coarse: HmcParameters = { beta: 2, tau: 1, steps: 2, integrator: 'leapfrog' };

  it('is a pure function of (field, seed, trajectory, stream): bit-identical on repetition', () => {
    const start = roughField([8, 8], 2, 51, 0.8);
    const params: HmcParameters = { beta: 2, tau: 1, steps: 6, integrator: 'omelyan' };
    const a = start.clone();
    const b = start.clone();
    const ra = hmcTrajectory(a, params, 123, 9, 2);
    const rb = hmcTrajectory(b, params, 123, 9, 2);
    expect(rb).toEqual(ra);
    expect(a.equals(b, 0)).toBe(true);
    expect(ra.accepted).toBe(true);
    const c = start.clone();
    hmcTrajectory(c, params, 123, 10, 2);
    expect(c.equals(a, 1e-3)).toBe(false);
  });

  it('accepts exactly when the hmcAccept uniform is below exp(-dH), and restores U on rejection', () => {
    const field = GaugeField.hot(lattice, 2, new Xoshiro128(61));
    let accepted = 0;
    let rejected = 0;
    for (let t = 0; t < 40; t++) {
      const before = field.clone();
      const r = hmcTrajectory(field, coarse, 62, t);
      const u = new SiteStream(62).reset(0, t, DrawKind.hmcAccept, 0, 0, 0).uniform();
      expect(r.accepted).toBe(u < Math.exp(-r.deltaH));
      if (r.accepted) accepted++;
      else {
        rejected++;
        expect(field.equals(before, 0)).toBe(true);
      }
    }
    expect(accepted).toBeGreaterThan(0);
    expect(rejected).toBeGreaterThan(0);
  });

  it('reports a round trip back to the start with reverseCheck, without changing the chain', () => {
    const start = roughField([8, 8], 2, 71, 0.8);
    const params: HmcParameters = { beta: 2, tau: 1, steps: 10, integrator: 'omelyan' };
    const a = start.clone();
    const b = start.clone();
    const plain = hmcTrajectory(a, params, 72, 0);
    const checked = hmcTrajectory(b, params, 72, 0, 0, { reverseCheck: true });
    expect(checked.deltaH).toBe(plain.deltaH);
    expect(a.equals(b, 0)).toBe(true);
    const rev = checked.reversibility;
    expect(rev).toBeDefined();
    expect(rev!.maxLinkDeviation).toBeLessThan(1e-12);
    expect(rev!.maxMomentumDeviation).toBeLessThan(1e-12);
    expect(Math.abs(rev!.deltaH)).toBeLessThan(1e-10);
  });

  it('has <exp(-dH)> = 1 in equilibrium (2D SU(2), 8x8, beta = 2, leapfrog with 3 steps)', () => {
    // Coarse steps on purpose: acceptance ~ 0.73 and <dH> ~ 0.24, so a broken integrator or
    // Metropolis step would be visible; <exp(-dH)> = 1 needs reversibility and area
    // preservation only (Creutz 1988).
    const field = GaugeField.hot(lattice, 2, new Xoshiro128(81));
    const params: HmcParameters = { beta: 2, tau: 1, steps: 3, integrator: 'leapfrog' };
    for (let t = 0; t < 50; t++) hmcTrajectory(field, params, 82, t);
    const boltzmann: number[] = [];
    const dH: number[] = [];
    let accepted = 0;
    for (let t = 50; t < 2050; t++) {
      const r = hmcTrajectory(field, params, 82, t);
      boltzmann.push(Math.exp(-r.deltaH));
      dH.push(r.deltaH);
      if (r.accepted) accepted++;
    }
    const result = gammaAnalysis(boltzmann);
    const meanDH = dH.reduce((s, x) => s + x, 0) / dH.length;
    expect(accepted / dH.length).toBeGreaterThan(0.6);
    expect(accepted / dH.length).toBeLessThan(0.85);
    expect(Math.abs(result.mean - 1)).toBeLessThan(4 * result.error);
    // The test has teeth: <dH> (> 0, about <dH^2>/2) is far above the error of <exp(-dH)>.
    expect(meanDH).toBeGreaterThan(5 * result.error);
  });

  it('reproduces the 2D SU(2) plaquette I2(2)/I1(2) at beta = 2 (16x16, omelyan)', () => {
    // Budget: 1500 trajectories of tau = 1 in 5 Omelyan steps on 16x16 (a few seconds).
    // On a torus of L >= 8 the finite-volume correction is below 1e-10 (DESIGN.md 7).
    const field = GaugeField.hot(new Lattice([16, 16]), 2, new Xoshiro128(91));
    const params: HmcParameters = { beta: 2, tau: 1, steps: 5, integrator: 'omelyan' };
    for (let t = 0; t < 50; t++) hmcTrajectory(field, params, 92, t);
    const plaquettes: number[] = [];
    let accepted = 0;
    for (let t = 50; t < 1550; t++) {
      if (hmcTrajectory(field, params, 92, t).accepted) accepted++;
      plaquettes.push(averagePlaquette(field));
    }
    const result = gammaAnalysis(plaquettes);
    expect(accepted / plaquettes.length).toBeGreaterThan(0.9);
    expect(result.error).toBeLessThan(2e-3);
    expect(Math.abs(result.mean - PLAQUETTE_SU2_BETA2)).toBeLessThan(4 * result.error);
    expect(field.unitarityViolation()).toBeLessThan(1e-14);
  });
});
