/**
 * Levenberg-Marquardt (src/core/levenbergMarquardt.ts) and the Cholesky solve under it
 * (src/core/cholesky.ts) on the test problems of Moré, Garbow and Hillstrom, ACM TOMS 7 (1981)
 * 17, with their published minima: Rosenbrock (problem 1) and the helical valley (7), whose
 * residuals vanish at the minimum, are solved to rounding level in a few iterations with the
 * quadratic convergence of the Gauss-Newton step; Freudenstein and Roth (2) from its standard
 * start ends at the local minimum of nonzero residual that MGH give. The Cholesky solve agrees
 * with mathjs' LU solve (an independent implementation).
 */
import { describe, expect, it } from 'vitest';
import { choleskySolve } from '../../src/core/cholesky.js';
import {
  minimizeLevenbergMarquardt,
  roundingLevelOfUnknowns,
  type LeastSquaresProblem,
  type NormalEquations,
} from '../../src/core/levenbergMarquardt.js';
import { Xoshiro128 } from '../../src/core/rng.js';
import { math } from '../mathjs.js';

/** A problem from residuals and their exact Jacobian (rows: residuals). */
function problem(
  residuals: (x: Float64Array) => number[],
  jacobian: (x: Float64Array) => number[][],
): LeastSquaresProblem {
  return {
    residuals: (x) => Float64Array.from(residuals(x)),
    normalEquations: (x, r): NormalEquations => {
      const j = jacobian(x);
      const n = x.length;
      const jtj = new Float64Array(n * n);
      const jtr = new Float64Array(n);
      j.forEach((row, k) => {
        for (let a = 0; a < n; a++) {
          jtr[a] += row[a] * r[k];
          for (let b = 0; b < n; b++) jtj[a * n + b] += row[a] * row[b];
        }
      });
      return { jtj, jtr };
    },
  };
}

// MGH problem 1: r = (10 (x2 - x1^2), 1 - x1), minimum 0 at (1, 1)
const rosenbrock = problem(
  (x) => [10 * (x[1] - x[0] * x[0]), 1 - x[0]],
  (x) => [
    [-20 * x[0], 10],
    [-1, 0],
  ],
);

// MGH problem 2: r = (-13 + x1 + ((5 - x2) x2 - 2) x2, -29 + x1 + ((x2 + 1) x2 - 14) x2)
const freudensteinRoth = problem(
  (x) => [
    -13 + x[0] + ((5 - x[1]) * x[1] - 2) * x[1],
    -29 + x[0] + ((x[1] + 1) * x[1] - 14) * x[1],
  ],
  (x) => [
    [1, 10 * x[1] - 3 * x[1] * x[1] - 2],
    [1, 3 * x[1] * x[1] + 2 * x[1] - 14],
  ],
);

// MGH problem 7: r = (10 (x3 - 10 theta), 10 (sqrt(x1^2 + x2^2) - 1), x3), minimum 0 at (1, 0, 0)
const helicalValley = (() => {
  const theta = (x1: number, x2: number): number =>
    (Math.atan(x2 / x1) + (x1 < 0 ? Math.PI : 0)) / (2 * Math.PI);
  return problem(
    (x) => [10 * (x[2] - 10 * theta(x[0], x[1])), 10 * (Math.hypot(x[0], x[1]) - 1), x[2]],
    (x) => {
      const q = x[0] * x[0] + x[1] * x[1];
      const rho = Math.sqrt(q);
      return [
        [(100 * x[1]) / (2 * Math.PI * q), (-100 * x[0]) / (2 * Math.PI * q), 10],
        [(10 * x[0]) / rho, (10 * x[1]) / rho, 0],
        [0, 0, 1],
      ];
    },
  );
})();

describe('minimizeLevenbergMarquardt', () => {
  it("solves Rosenbrock's problem from (-1.2, 1) to rounding level", async () => {
    const values: number[] = [];
    const r = await minimizeLevenbergMarquardt(rosenbrock, Float64Array.of(-1.2, 1), {
      iterations: 100,
      onIteration: (_, v) => values.push(v),
    });
    expect(['stationary', 'no-progress']).toContain(r.stop);
    expect(Math.abs(r.x[0] - 1)).toBeLessThan(1e-14);
    expect(Math.abs(r.x[1] - 1)).toBeLessThan(1e-14);
    expect(r.value).toBeLessThan(1e-28);
    expect(r.iterations).toBeLessThan(30);
    // every accepted step lowered the value
    for (let k = 1; k < values.length; k++) expect(values[k]).toBeLessThan(values[k - 1]);
    expect(r.initialValue).toBeCloseTo((4.4 ** 2 + 2.2 ** 2) / 2, 12);
  });

  it('converges quadratically in the helical valley (MGH 7) from (-1, 0, 0)', async () => {
    const values: number[] = [];
    const r = await minimizeLevenbergMarquardt(helicalValley, Float64Array.of(-1, 0, 0), {
      iterations: 100,
      onIteration: (_, v) => values.push(v),
    });
    expect(Math.abs(r.x[0] - 1)).toBeLessThan(1e-14);
    expect(Math.abs(r.x[1])).toBeLessThan(1e-14);
    expect(Math.abs(r.x[2])).toBeLessThan(1e-14);
    expect(r.value).toBeLessThan(1e-28);
    // near the zero-residual minimum each step squares the error (the value falls by orders
    // of magnitude more per step than the step before): linear convergence would not
    const tail = values.filter((v) => v < 1e-4 && v > 1e-28);
    expect(tail.length).toBeGreaterThanOrEqual(2);
    const drop = tail.map((v, k) => (k === 0 ? 0 : Math.log10(tail[k - 1] / v)));
    expect(Math.max(...drop)).toBeGreaterThan(6);
  });

  it('ends at the local minimum of Freudenstein and Roth (MGH 2) from (0.5, -2)', async () => {
    const r = await minimizeLevenbergMarquardt(freudensteinRoth, Float64Array.of(0.5, -2), {
      iterations: 200,
    });
    // MGH: f = 48.9842... at (11.41..., -0.8968...) (f = |r|^2; our value is its mean)
    expect(2 * r.value).toBeCloseTo(48.98425367924, 9);
    expect(r.x[0]).toBeCloseTo(11.4127789, 6);
    expect(r.x[1]).toBeCloseTo(-0.896805253, 8);
    expect(r.stop).not.toBe('iterations');
  });

  it('stops at the iteration limit, on a signal, and at an exact start', async () => {
    const limited = await minimizeLevenbergMarquardt(rosenbrock, Float64Array.of(-1.2, 1), {
      iterations: 2,
    });
    expect(limited.stop).toBe('iterations');
    expect(limited.iterations).toBe(2);
    expect(limited.jacobians).toBe(2);
    const controller = new AbortController();
    controller.abort();
    const aborted = await minimizeLevenbergMarquardt(rosenbrock, Float64Array.of(-1.2, 1), {
      iterations: 10,
      signal: controller.signal,
    });
    expect(aborted.stop).toBe('aborted');
    expect(Array.from(aborted.x)).toEqual([-1.2, 1]);
    const exact = await minimizeLevenbergMarquardt(rosenbrock, Float64Array.of(1, 1), {
      iterations: 10,
    });
    expect(exact.stop).toBe('stationary');
    expect(exact.jacobians).toBe(0);
  });

  it('stops where an iteration gains less than minimumDecrease', async () => {
    const values: number[] = [];
    const r = await minimizeLevenbergMarquardt(helicalValley, Float64Array.of(-1, 0, 0), {
      iterations: 100,
      minimumDecrease: 0.5,
      onIteration: (_, v) => values.push(v),
    });
    expect(r.stop).toBe('small-decrease');
    // the last iteration gained less than half, every one before it at least half
    const gains = values.map((v, k) => 1 - v / (k === 0 ? r.initialValue : values[k - 1]));
    expect(gains.at(-1)).toBeLessThan(0.5);
    for (const g of gains.slice(0, -1)) expect(g).toBeGreaterThanOrEqual(0.5);
    await expect(
      minimizeLevenbergMarquardt(helicalValley, Float64Array.of(-1, 0, 0), {
        iterations: 5,
        minimumDecrease: 1,
      }),
    ).rejects.toThrow(/minimumDecrease: expected a fraction in \[0, 1\)/);
    // with smallDecreases 2, at a minimum of nonzero residual (where the gains dwindle): the
    // run ends after the second small gain in a row
    const twice: number[] = [];
    const r2 = await minimizeLevenbergMarquardt(freudensteinRoth, Float64Array.of(0.5, -2), {
      iterations: 100,
      minimumDecrease: 0.5,
      smallDecreases: 2,
      onIteration: (_, v) => twice.push(v),
    });
    const gains2 = twice.map((v, k) => 1 - v / (k === 0 ? r2.initialValue : twice[k - 1]));
    expect(r2.stop).toBe('small-decrease');
    expect(gains2.slice(-2).every((g) => g < 0.5)).toBe(true);
    expect(gains2.slice(0, -2).some((g, k, all) => g < 0.5 && all[k + 1] < 0.5)).toBe(false);
  });

  it('stops at the rounding level of the unknowns with stopAtRoundingLevel', async () => {
    // an exponential fit whose exact solution (1/3, pi, sqrt 2) no float64 x represents: the
    // residuals fall quadratically to the rounding of x, then linger there
    const t = Array.from({ length: 40 }, (_, k) => k / 20);
    const model = (x: ArrayLike<number>, tk: number) => x[1] * Math.exp(x[0] * tk) + x[2] * tk;
    const y = t.map((tk) => model([1 / 3, Math.PI, Math.SQRT2], tk));
    const fit = problem(
      (x) => t.map((tk, k) => model(x, tk) - y[k]),
      (x) => t.map((tk) => [x[1] * tk * Math.exp(x[0] * tk), Math.exp(x[0] * tk), tk]),
    );
    const start = Float64Array.of(1, 1, 1);
    const stopped = await minimizeLevenbergMarquardt(fit, start, {
      iterations: 100,
      stopAtRoundingLevel: true,
    });
    const onward = await minimizeLevenbergMarquardt(fit, start, { iterations: 100 });
    expect(stopped.stop).toBe('rounding-level');
    const r = await fit.residuals(stopped.x);
    const { jtj } = await fit.normalEquations(stopped.x, r);
    const level = roundingLevelOfUnknowns(stopped.x, jtj, t.length);
    expect(stopped.value).toBeLessThanOrEqual(level * 1.01);
    expect(stopped.value).toBeGreaterThan(0);
    // the run without the stop pays more Jacobians and ends at the same scale
    expect(onward.jacobians).toBeGreaterThan(stopped.jacobians);
    expect(onward.value).toBeGreaterThan(stopped.value / 100);
    // the level is what one unit in the last place of every unknown does, measured
    const rng = new Xoshiro128(5);
    let measured = 0;
    for (let d = 0; d < 200; d++) {
      const moved = stopped.x.map((v) => v * (1 + (rng.uniform() < 0.5 ? -1 : 1) * Number.EPSILON));
      const rm = await fit.residuals(moved);
      measured += rm.reduce((a, v, k) => a + (v - r[k]) ** 2, 0) / t.length / 200;
    }
    expect(measured / level).toBeGreaterThan(0.5);
    expect(measured / level).toBeLessThan(2);
  });

  it('is deterministic', async () => {
    const run = () =>
      minimizeLevenbergMarquardt(helicalValley, Float64Array.of(-1, 0, 0), { iterations: 5 });
    const [a, b] = [await run(), await run()];
    expect(Array.from(a.x)).toEqual(Array.from(b.x));
  });

  it('refuses bad options, normal equations of the wrong size and a start that is not finite', async () => {
    const x0 = Float64Array.of(-1.2, 1);
    await expect(minimizeLevenbergMarquardt(rosenbrock, x0, { iterations: -1 })).rejects.toThrow(
      /iterations/,
    );
    await expect(
      minimizeLevenbergMarquardt(rosenbrock, x0, { iterations: 5, initialDamping: 0 }),
    ).rejects.toThrow(/initialDamping/);
    const wrong: LeastSquaresProblem = {
      residuals: rosenbrock.residuals,
      normalEquations: () => ({ jtj: new Float64Array(9), jtr: new Float64Array(3) }),
    };
    await expect(minimizeLevenbergMarquardt(wrong, x0, { iterations: 5 })).rejects.toThrow(
      /normalEquations: expected J\^T J of 4 and J\^T r of 2 numbers/,
    );
    const nan: LeastSquaresProblem = { ...rosenbrock, residuals: () => Float64Array.of(NaN) };
    await expect(minimizeLevenbergMarquardt(nan, x0, { iterations: 5 })).rejects.toThrow(/x0/);
  });
});

describe('choleskySolve', () => {
  it('agrees with an LU solve (mathjs) on random positive definite systems', () => {
    const rng = new Xoshiro128(7);
    for (const n of [1, 2, 5, 17]) {
      const m = Array.from({ length: n }, () =>
        Array.from({ length: n }, () => rng.uniform() - 0.5),
      );
      // A = M M^T + n I, b random
      const a = new Float64Array(n * n);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let s = i === j ? n : 0;
          for (let k = 0; k < n; k++) s += m[i][k] * m[j][k];
          a[i * n + j] = s;
        }
      }
      const b = Float64Array.from({ length: n }, () => rng.uniform() - 0.5);
      const x = choleskySolve(a, b, n);
      expect(x).toBeDefined();
      const rows = Array.from({ length: n }, (_, i) => Array.from(a.subarray(i * n, i * n + n)));
      const reference = (math.lusolve(rows, Array.from(b)) as number[][]).map((v) => v[0]);
      for (let i = 0; i < n; i++)
        expect(Math.abs((x?.[i] ?? NaN) - reference[i])).toBeLessThan(1e-13);
    }
  });

  it('adds a diagonal shift as the matrix with the shift added would, bit for bit', () => {
    const rng = new Xoshiro128(11);
    const n = 9;
    const m = Array.from({ length: n * n }, () => rng.normal());
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++)
        for (let k = 0; k < n; k++) a[i * n + j] += m[k * n + i] * m[k * n + j];
    const b = Float64Array.from({ length: n }, () => rng.normal());
    const shift = Float64Array.from({ length: n }, () => 1e-3 * rng.uniform());
    const shifted = Float64Array.from(a);
    for (let i = 0; i < n; i++) shifted[i * n + i] += shift[i];
    expect(Array.from(choleskySolve(a, b, n, shift)!)).toEqual(
      Array.from(choleskySolve(shifted, b, n)!),
    );
    expect(() => choleskySolve(a, b, n, [1])).toThrow(/shift: expected 9 numbers/);
  });

  it('returns undefined for a matrix that is not positive definite, and refuses wrong sizes', () => {
    expect(choleskySolve([1, 2, 2, 1], [1, 1], 2)).toBeUndefined();
    expect(choleskySolve([0, 0, 0, 1], [1, 1], 2)).toBeUndefined();
    expect(() => choleskySolve([1, 0, 0], [1, 1], 2)).toThrow(/expected 4 and 2 numbers/);
  });
});
