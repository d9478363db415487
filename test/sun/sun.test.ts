import { describe, it, expect } from 'vitest';
import type { Matrix } from 'mathjs';
import { fromMath, math, parts, toMath } from '../mathjs.js';
import { createSUNKernels } from '../../src/sun/sun.js';
import type { SUNKernels } from '../../src/sun/types.js';

/** mulberry32: a small seeded PRNG with uniform output in [0, 1), so the tests are deterministic. */
function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A matrix whose components are uniform in [-1, 1). */
function randomComplex(g: SUNKernels, rng: () => number): Float64Array {
  const a = new Float64Array(g.matrixSize);
  for (let k = 0; k < a.length; k++) a[k] = 2 * rng() - 1;
  return a;
}

/** A random traceless anti-hermitian matrix with Frobenius norm `norm`. */
function randomAlgebra(g: SUNKernels, rng: () => number, norm: number): Float64Array {
  const a = g.projectAlgebra(new Float64Array(g.matrixSize), 0, randomComplex(g, rng), 0);
  let n2 = 0;
  for (const x of a) n2 += x * x;
  return g.scale(a, 0, a, 0, norm / Math.sqrt(n2), 0);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k] - b[k]));
  return m;
}

/** max |(U U^dagger - 1)_rc|. */
function unitarityDefect(g: SUNKernels, u: Float64Array): number {
  const p = g.multiplyAdjoint(new Float64Array(g.matrixSize), 0, u, 0, u, 0);
  return maxAbsDiff(p, g.identity(new Float64Array(g.matrixSize), 0));
}

function detOf(g: SUNKernels, u: Float64Array): [number, number] {
  const d = g.det([0, 0], 0, u, 0);
  return [d[0], d[1]];
}

describe.each([2, 3, 4, 5])('createSUNKernels(%i), the generic reference', (N) => {
  const g = createSUNKernels(N);
  const size = 2 * N * N;

  it('multiply, multiplyAdjoint and adjointMultiply agree with mathjs products to 1e-12', () => {
    const rng = mulberry32(100 + N);
    for (let t = 0; t < 10; t++) {
      const a = randomComplex(g, rng);
      const b = randomComplex(g, rng);
      const A = toMath(a, 0, N);
      const B = toMath(b, 0, N);
      const out = new Float64Array(size);
      const ab = fromMath(math.multiply(A, B), N);
      const abH = fromMath(math.multiply(A, math.ctranspose(B)), N);
      const aHb = fromMath(math.multiply(math.ctranspose(A), B), N);
      expect(maxAbsDiff(g.multiply(out, 0, a, 0, b, 0), ab)).toBeLessThan(1e-12);
      expect(maxAbsDiff(g.multiplyAdjoint(out, 0, a, 0, b, 0), abH)).toBeLessThan(1e-12);
      expect(maxAbsDiff(g.adjointMultiply(out, 0, a, 0, b, 0), aHb)).toBeLessThan(1e-12);
    }
  });

  it('det agrees with mathjs det to 1e-12', () => {
    const rng = mulberry32(200 + N);
    for (let t = 0; t < 10; t++) {
      const a = randomComplex(g, rng);
      const [re, im] = parts(math.det(toMath(a, 0, N)));
      const d = detOf(g, a);
      expect(Math.abs(d[0] - re)).toBeLessThan(1e-12);
      expect(Math.abs(d[1] - im)).toBeLessThan(1e-12);
    }
  });

  it('det of a singular matrix (two equal rows) is 0', () => {
    const a = randomComplex(g, mulberry32(250 + N));
    for (let c = 0; c < 2 * N; c++) a[2 * N + c] = a[c];
    const d = detOf(g, a);
    expect(Math.abs(d[0])).toBeLessThan(1e-14);
    expect(Math.abs(d[1])).toBeLessThan(1e-14);
  });

  it('trace, reTraceMultiply and reTraceMultiplyAdjoint agree with mathjs traces to 1e-12', () => {
    const rng = mulberry32(300 + N);
    const a = randomComplex(g, rng);
    const b = randomComplex(g, rng);
    const A = toMath(a, 0, N);
    const B = toMath(b, 0, N);
    const [tr, ti] = parts(math.trace(A));
    const tab = parts(math.trace(math.multiply(A, B) as Matrix))[0];
    const tabH = parts(math.trace(math.multiply(A, math.ctranspose(B)) as Matrix))[0];
    expect(maxAbsDiff(g.trace([0, 0], 0, a, 0), [tr, ti])).toBeLessThan(1e-12);
    expect(Math.abs(g.reTraceMultiply(a, 0, b, 0) - tab)).toBeLessThan(1e-12);
    expect(Math.abs(g.reTraceMultiplyAdjoint(a, 0, b, 0) - tabH)).toBeLessThan(1e-12);
  });

  it.each([0, 1e-8, 1e-4, 0.1, 1, 3, 10])(
    'exp agrees with mathjs expm to 1e-12 on random su(N) elements of norm %s',
    (norm) => {
      const rng = mulberry32(400 + N + Math.round(1e3 * norm));
      for (let t = 0; t < 3; t++) {
        const x = norm === 0 ? new Float64Array(size) : randomAlgebra(g, rng, norm);
        const expected = fromMath(math.expm(toMath(x, 0, N)), N);
        const u = g.exp(new Float64Array(size), 0, x, 0);
        expect(maxAbsDiff(u, expected)).toBeLessThan(1e-12);
        expect(unitarityDefect(g, u)).toBeLessThan(1e-13);
        const d = detOf(g, u);
        expect(Math.abs(d[0] - 1)).toBeLessThan(1e-13);
        expect(Math.abs(d[1])).toBeLessThan(1e-13);
      }
    },
  );

  it('add, subtract, scale and axpy agree with mathjs arithmetic to 1e-14', () => {
    const rng = mulberry32(350 + N);
    const a = randomComplex(g, rng);
    const b = randomComplex(g, rng);
    const A = toMath(a, 0, N);
    const B = toMath(b, 0, N);
    const s = math.complex(0.7, -1.3);
    const out = new Float64Array(size);
    expect(maxAbsDiff(g.add(out, 0, a, 0, b, 0), fromMath(math.add(A, B), N))).toBeLessThan(1e-14);
    expect(
      maxAbsDiff(g.subtract(out, 0, a, 0, b, 0), fromMath(math.subtract(A, B), N)),
    ).toBeLessThan(1e-14);
    expect(
      maxAbsDiff(g.scale(out, 0, a, 0, 0.7, -1.3), fromMath(math.multiply(A, s), N)),
    ).toBeLessThan(1e-14);
    const axpy = g.axpy(b.slice(), 0, -0.45, a, 0);
    expect(maxAbsDiff(axpy, fromMath(math.add(B, math.multiply(A, -0.45)), N))).toBeLessThan(1e-14);
  });

  it('exp of a matrix with an infinite entry returns NaN instead of squaring forever', () => {
    const x = new Float64Array(size);
    x[1] = Infinity;
    const u = g.exp(new Float64Array(size + 2), 1, x, 0);
    expect(u[0]).toBe(0);
    expect(u[size + 1]).toBe(0);
    for (let k = 1; k <= size; k++) expect(u[k]).toBeNaN();
  });

  it('reunitarize turns a perturbed SU(N) matrix into a unitary one with det 1, close to it', () => {
    const rng = mulberry32(500 + N);
    for (let t = 0; t < 10; t++) {
      const u = g.exp(new Float64Array(size), 0, randomAlgebra(g, rng, 2), 0);
      const v = u.slice();
      for (let k = 0; k < size; k++) v[k] += 1e-3 * (2 * rng() - 1);
      const w = g.reunitarize(new Float64Array(size), 0, v, 0);
      expect(unitarityDefect(g, w)).toBeLessThan(1e-13);
      const d = detOf(g, w);
      expect(Math.abs(d[0] - 1)).toBeLessThan(1e-13);
      expect(Math.abs(d[1])).toBeLessThan(1e-13);
      expect(maxAbsDiff(w, u)).toBeLessThan(1e-2);
    }
  });

  it('reunitarize leaves an SU(N) matrix unchanged to 1e-14', () => {
    const rng = mulberry32(550 + N);
    const u = g.exp(new Float64Array(size), 0, randomAlgebra(g, rng, 2), 0);
    g.reunitarize(u, 0, u, 0);
    const w = g.reunitarize(new Float64Array(size), 0, u, 0);
    expect(maxAbsDiff(w, u)).toBeLessThan(1e-14);
  });

  it('projectAlgebra gives a traceless anti-hermitian matrix and fixes su(N) elements', () => {
    const rng = mulberry32(600 + N);
    const a = randomComplex(g, rng);
    const x = g.projectAlgebra(new Float64Array(size), 0, a, 0);
    const xH = g.adjoint(new Float64Array(size), 0, x, 0);
    expect(maxAbsDiff(g.add(xH, 0, xH, 0, x, 0), new Float64Array(size))).toBeLessThan(1e-15);
    expect(Math.abs(g.imTrace(x, 0))).toBeLessThan(1e-15);
    expect(Math.abs(g.reTrace(x, 0))).toBeLessThan(1e-15);
    const y = g.projectAlgebra(new Float64Array(size), 0, x, 0);
    expect(maxAbsDiff(y, x)).toBeLessThan(1e-15);
  });

  it('products, adjoint, projectAlgebra, reunitarize and exp give the same result when out aliases an input', () => {
    const rng = mulberry32(700 + N);
    const buf = new Float64Array(3 * size + 5);
    for (let k = 0; k < buf.length; k++) buf[k] = 2 * rng() - 1;
    const aOff = 2;
    const bOff = 2 + size + 1;
    buf.set(randomAlgebra(g, rng, 1.5), aOff + 2 * size + 1);
    const xOff = aOff + 2 * size + 1;
    const binary = [g.multiply, g.multiplyAdjoint, g.adjointMultiply, g.add, g.subtract];
    for (const f of binary) {
      const expected = f(new Float64Array(size), 0, buf, aOff, buf, bOff);
      const viaA = buf.slice();
      expect(f(viaA, aOff, viaA, aOff, viaA, bOff)).toBe(viaA);
      expect(g.exactEquals(viaA, aOff, expected, 0)).toBe(true);
      const viaB = buf.slice();
      expect(f(viaB, bOff, viaB, aOff, viaB, bOff)).toBe(viaB);
      expect(g.exactEquals(viaB, bOff, expected, 0)).toBe(true);
    }
    const unary = [g.copy, g.adjoint, g.projectAlgebra, g.reunitarize, g.exp];
    for (const f of unary) {
      const off = f === g.exp ? xOff : aOff;
      const expected = f(new Float64Array(size), 0, buf, off);
      const alias = buf.slice();
      expect(f(alias, off, alias, off)).toBe(alias);
      expect(g.exactEquals(alias, off, expected, 0)).toBe(true);
    }
  });
});
