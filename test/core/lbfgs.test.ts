/**
 * L-BFGS (src/core/lbfgs.ts) on problems with known minima: Rosenbrock's valley (Nocedal &
 * Wright's test problem), the extended Rosenbrock function in 100 unknowns, and an
 * ill-conditioned quadratic, each in as many iterations as scipy's L-BFGS-B (an independent
 * implementation) needs: a wrong two-loop recursion or line search does not manage that.
 */
import { describe, expect, it } from 'vitest';
import { minimizeLbfgs, type ValueAndGradient } from '../../src/core/lbfgs.js';

/** Sum over pairs of 100 (x_{2i+1} - x_{2i}^2)^2 + (1 - x_{2i})^2: minimum 0 at (1, ..., 1). */
function rosenbrock(x: Float64Array): ValueAndGradient {
  const gradient = new Float64Array(x.length);
  let value = 0;
  for (let i = 0; i + 1 < x.length; i += 2) {
    const a = x[i + 1] - x[i] * x[i];
    const b = 1 - x[i];
    value += 100 * a * a + b * b;
    gradient[i] = -400 * a * x[i] - 2 * b;
    gradient[i + 1] = 200 * a;
  }
  return { value, gradient };
}

/** 1/2 sum_i c_i (x_i - 1)^2 with c_i spread geometrically over [1, condition]. */
function quadratic(n: number, condition: number) {
  const c = Float64Array.from({ length: n }, (_, i) => condition ** (i / (n - 1)));
  return (x: Float64Array): ValueAndGradient => {
    const gradient = new Float64Array(n);
    let value = 0;
    for (let i = 0; i < n; i++) {
      const d = x[i] - 1;
      value += 0.5 * c[i] * d * d;
      gradient[i] = c[i] * d;
    }
    return { value, gradient };
  };
}

const maxError = (x: Float64Array): number => Math.max(...Array.from(x, (v) => Math.abs(v - 1)));

describe('minimizeLbfgs', () => {
  it("finds the minimum of Rosenbrock's function from (-1.2, 1)", async () => {
    const values: number[] = [];
    const r = await minimizeLbfgs(rosenbrock, Float64Array.of(-1.2, 1), {
      iterations: 200,
      onIteration: (_, v) => values.push(v),
    });
    // exactly: scipy's L-BFGS-B (maxcor=20) stops at the zero gradient after 40 iterations
    expect(r.stop).toBe('stationary');
    expect(maxError(r.x)).toBe(0);
    expect(r.iterations).toBeLessThan(50);
    // every accepted step lowered the value
    for (let k = 1; k < values.length; k++) expect(values[k]).toBeLessThan(values[k - 1]);
    expect(r.value).toBe(values.at(-1));
  });

  it('solves the extended Rosenbrock function in 100 unknowns', async () => {
    const x0 = Float64Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? -1.2 : 1));
    const r = await minimizeLbfgs(rosenbrock, x0, { iterations: 500 });
    // scipy's L-BFGS-B: 39 iterations
    expect(maxError(r.x)).toBeLessThan(1e-12);
    expect(r.iterations).toBeLessThan(50);
  });

  it('solves a quadratic of condition 1e4 as scipy does, to rounding level, and stops there by itself', async () => {
    const f = quadratic(100, 1e4);
    const values: number[] = [];
    const r = await minimizeLbfgs(f, new Float64Array(100), {
      iterations: 5000,
      onIteration: (_, v) => values.push(v),
    });
    // scipy.optimize.minimize(method='L-BFGS-B', maxcor=20), an independent implementation,
    // is at 1.73623 after 100 iterations and 2.3e-9 after 600 (this one: 1.73624, 1.8e-9)
    expect(values[99]).toBeCloseTo(1.7362, 3);
    expect(values[599]).toBeLessThan(1e-8);
    expect(r.stop === 'no-progress' || r.stop === 'stationary').toBe(true);
    expect(r.iterations).toBeLessThan(2000);
    expect(maxError(r.x)).toBeLessThan(1e-12);
    expect(r.value).toBeLessThan(1e-25);
  });

  it('is deterministic and counts its evaluations', async () => {
    let calls = 0;
    const counted = (x: Float64Array): ValueAndGradient => {
      calls++;
      return rosenbrock(x);
    };
    const a = await minimizeLbfgs(counted, Float64Array.of(-1.2, 1), { iterations: 20 });
    expect(a.evaluations).toBe(calls);
    expect(a.stop).toBe('iterations');
    expect(a.iterations).toBe(20);
    const b = await minimizeLbfgs(rosenbrock, Float64Array.of(-1.2, 1), { iterations: 20 });
    expect(Array.from(b.x)).toEqual(Array.from(a.x));
  });

  it('backs off from trial points where the objective is not finite', async () => {
    // (x - 1)^2 inside |x| < 3, undefined outside: the first trial steps overshoot
    const walled = (x: Float64Array): ValueAndGradient =>
      Math.abs(x[0]) < 3
        ? { value: (x[0] - 1) ** 2, gradient: Float64Array.of(2 * (x[0] - 1)) }
        : { value: NaN, gradient: Float64Array.of(NaN) };
    const r = await minimizeLbfgs(walled, Float64Array.of(-2.9), { iterations: 50 });
    expect(Math.abs(r.x[0] - 1)).toBeLessThan(1e-8);
  });

  it('stops at once on an aborted signal and at a zero gradient, keeping the start', async () => {
    const controller = new AbortController();
    controller.abort();
    const start = Float64Array.of(-1.2, 1);
    const r = await minimizeLbfgs(rosenbrock, start, {
      iterations: 10,
      signal: controller.signal,
    });
    expect(r.stop).toBe('aborted');
    expect(Array.from(r.x)).toEqual([-1.2, 1]);
    const s = await minimizeLbfgs(rosenbrock, Float64Array.of(1, 1), { iterations: 10 });
    expect(s.stop).toBe('stationary');
    expect(s.iterations).toBe(0);
  });

  it('refuses bad options and a start where the objective is not finite', async () => {
    await expect(
      minimizeLbfgs(rosenbrock, Float64Array.of(0, 0), { iterations: 10, c1: 0.9, c2: 0.5 }),
    ).rejects.toThrow(/c1, c2/);
    await expect(
      minimizeLbfgs(rosenbrock, Float64Array.of(0, 0), { iterations: 10, memory: 0 }),
    ).rejects.toThrow(/memory/);
    await expect(
      minimizeLbfgs(
        () => ({ value: Infinity, gradient: new Float64Array(1) }),
        new Float64Array(1),
        {
          iterations: 10,
        },
      ),
    ).rejects.toThrow(/finite/);
  });
});
