/**
 * The unrolled kernels `su2` and `su3` against the generic reference `createSUNKernels(N)`,
 * against mathjs, against a 50-digit reference exponential, and against their own contract
 * (unitarity, det = 1, aliasing, offsets, equality semantics).
 */
import { describe, it, expect } from 'vitest';
import { create, all } from 'mathjs';
import type { BigNumber } from 'mathjs';
import { fromMath, math, parts, toMath } from '../mathjs.js';
import { su2 } from '../../src/sun/su2.js';
import { su3 } from '../../src/sun/su3.js';
import { createSUNKernels } from '../../src/sun/sun.js';
import type { Matrices, SUNKernels } from '../../src/sun/types.js';

/** mathjs BigNumbers (decimal.js) in 50 digits, for a reference exponential. */
const big = create(all, { precision: 50 });
const Big = (x: number): BigNumber => big.bignumber(x);

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

/** A random traceless anti-hermitian matrix with Frobenius norm `norm` (generic kernels). */
function randomAlgebra(ref: SUNKernels, rng: () => number, norm: number): Float64Array {
  const a = ref.projectAlgebra(new Float64Array(ref.matrixSize), 0, randomComplex(ref, rng), 0);
  return ref.scale(a, 0, a, 0, norm / frobenius(a), 0);
}

/** A random SU(N) matrix: the generic exp of a random algebra element of norm in [0, 4). */
function randomSU(ref: SUNKernels, rng: () => number): Float64Array {
  return ref.exp(new Float64Array(ref.matrixSize), 0, randomAlgebra(ref, rng, 4 * rng()), 0);
}

/** A random SU(N) matrix with every component moved by up to `eps`. */
function perturbedSU(ref: SUNKernels, rng: () => number, eps: number): Float64Array {
  const u = randomSU(ref, rng);
  for (let k = 0; k < u.length; k++) u[k] += eps * (2 * rng() - 1);
  return u;
}

function frobenius(a: ArrayLike<number>): number {
  let n2 = 0;
  for (let k = 0; k < a.length; k++) n2 += a[k] * a[k];
  return Math.sqrt(n2);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k] - b[k]));
  return m;
}

/**
 * exp(x) in 50-digit arithmetic: scale by 2^-s to Frobenius norm <= 1e-3, 20 Taylor terms
 * (remainder below 1e-60), square s times. Rounded to doubles at the end only.
 */
function referenceExp(x: Float64Array, N: number): Float64Array {
  const n = N * N;
  let s = 0;
  let norm = frobenius(x);
  while (norm > 1e-3) {
    norm /= 2;
    s++;
  }
  const scale = Big(2).pow(-s);
  const re: BigNumber[] = [];
  const im: BigNumber[] = [];
  for (let k = 0; k < n; k++) {
    re.push(Big(x[2 * k]).times(scale));
    im.push(Big(x[2 * k + 1]).times(scale));
  }
  const mul = (
    ar: BigNumber[],
    ai: BigNumber[],
    br: BigNumber[],
    bi: BigNumber[],
  ): [BigNumber[], BigNumber[]] => {
    const cr: BigNumber[] = [];
    const ci: BigNumber[] = [];
    for (let r = 0; r < N; r++) {
      for (let c = 0; c < N; c++) {
        let sr = Big(0);
        let si = Big(0);
        for (let k = 0; k < N; k++) {
          const i = r * N + k;
          const j = k * N + c;
          sr = sr.plus(ar[i].times(br[j])).minus(ai[i].times(bi[j]));
          si = si.plus(ar[i].times(bi[j])).plus(ai[i].times(br[j]));
        }
        cr.push(sr);
        ci.push(si);
      }
    }
    return [cr, ci];
  };
  let pr: BigNumber[] = [];
  let pi: BigNumber[] = [];
  let sr: BigNumber[] = [];
  let si: BigNumber[] = [];
  for (let k = 0; k < n; k++) {
    const one = Big(k % (N + 1) === 0 ? 1 : 0);
    pr.push(one);
    pi.push(Big(0));
    sr.push(one);
    si.push(Big(0));
  }
  for (let k = 1; k <= 20; k++) {
    [pr, pi] = mul(pr, pi, re, im);
    pr = pr.map((v) => v.div(k));
    pi = pi.map((v) => v.div(k));
    sr = sr.map((v, j) => v.plus(pr[j]));
    si = si.map((v, j) => v.plus(pi[j]));
  }
  for (let j = 0; j < s; j++) [sr, si] = mul(sr, si, sr, si);
  const out = new Float64Array(2 * n);
  for (let k = 0; k < n; k++) {
    out[2 * k] = sr[k].toNumber();
    out[2 * k + 1] = si[k].toNumber();
  }
  return out;
}

/** max |(U U^dagger - 1)_rc|, computed with the generic kernels. */
function unitarityDefect(ref: SUNKernels, u: Float64Array): number {
  const p = ref.multiplyAdjoint(new Float64Array(ref.matrixSize), 0, u, 0, u, 0);
  return maxAbsDiff(p, ref.identity(new Float64Array(ref.matrixSize), 0));
}

/** |det U - 1|, computed with the generic kernels. */
function detDefect(ref: SUNKernels, u: Float64Array): number {
  const d = ref.det([0, 0], 0, u, 0);
  return Math.hypot(d[0] - 1, d[1]);
}

/** i t diag(d) as a matrix. */
function diagonalAlgebra(t: number, d: number[]): Float64Array {
  const N = d.length;
  const x = new Float64Array(2 * N * N);
  for (let i = 0; i < N; i++) x[2 * (i * N + i) + 1] = t * d[i];
  return x;
}

/** V x V^dagger for a random SU(N) V: the same spectrum in a random basis. */
function rotated(ref: SUNKernels, rng: () => number, x: Float64Array): Float64Array {
  const v = randomSU(ref, rng);
  const y = ref.multiply(new Float64Array(x.length), 0, v, 0, x, 0);
  ref.multiplyAdjoint(y, 0, y, 0, v, 0);
  return ref.projectAlgebra(y, 0, y, 0);
}

/** How a verb with a matrix output is called, and what its operands must be. */
interface MatrixVerb {
  verb: string;
  binary: boolean;
  /** 'complex': any matrix; 'algebra': in su(N); 'nearSU': a perturbed SU(N) matrix. */
  input: 'complex' | 'algebra' | 'nearSU';
  run(
    g: SUNKernels,
    out: Matrices,
    oOff: number,
    a: Matrices,
    aOff: number,
    b: Matrices,
    bOff: number,
  ): Matrices;
}

const matrixVerbs: MatrixVerb[] = [
  { verb: 'copy', binary: false, input: 'complex', run: (g, o, oo, a, ao) => g.copy(o, oo, a, ao) },
  {
    verb: 'multiply',
    binary: true,
    input: 'complex',
    run: (g, o, oo, a, ao, b, bo) => g.multiply(o, oo, a, ao, b, bo),
  },
  {
    verb: 'multiplyAdjoint',
    binary: true,
    input: 'complex',
    run: (g, o, oo, a, ao, b, bo) => g.multiplyAdjoint(o, oo, a, ao, b, bo),
  },
  {
    verb: 'adjointMultiply',
    binary: true,
    input: 'complex',
    run: (g, o, oo, a, ao, b, bo) => g.adjointMultiply(o, oo, a, ao, b, bo),
  },
  {
    verb: 'adjoint',
    binary: false,
    input: 'complex',
    run: (g, o, oo, a, ao) => g.adjoint(o, oo, a, ao),
  },
  {
    verb: 'add',
    binary: true,
    input: 'complex',
    run: (g, o, oo, a, ao, b, bo) => g.add(o, oo, a, ao, b, bo),
  },
  {
    verb: 'subtract',
    binary: true,
    input: 'complex',
    run: (g, o, oo, a, ao, b, bo) => g.subtract(o, oo, a, ao, b, bo),
  },
  {
    verb: 'scale',
    binary: false,
    input: 'complex',
    run: (g, o, oo, a, ao) => g.scale(o, oo, a, ao, 0.7, -1.3),
  },
  {
    verb: 'axpy',
    binary: false,
    input: 'complex',
    run: (g, o, oo, a, ao) => g.axpy(o, oo, -0.45, a, ao),
  },
  {
    verb: 'projectAlgebra',
    binary: false,
    input: 'complex',
    run: (g, o, oo, a, ao) => g.projectAlgebra(o, oo, a, ao),
  },
  {
    verb: 'reunitarize',
    binary: false,
    input: 'nearSU',
    run: (g, o, oo, a, ao) => g.reunitarize(o, oo, a, ao),
  },
  { verb: 'exp', binary: false, input: 'algebra', run: (g, o, oo, a, ao) => g.exp(o, oo, a, ao) },
];

function operand(ref: SUNKernels, rng: () => number, input: MatrixVerb['input']): Float64Array {
  if (input === 'algebra') return randomAlgebra(ref, rng, 3 * rng());
  if (input === 'nearSU') return perturbedSU(ref, rng, 1e-2);
  return randomComplex(ref, rng);
}

describe.each([
  { name: 'su2', g: su2, N: 2 },
  { name: 'su3', g: su3, N: 3 },
])('$name, the unrolled kernels for N = $N', ({ g, N }) => {
  const ref = createSUNKernels(N);
  const size = 2 * N * N;

  it('describes its group: N, 2 N^2 doubles per matrix and N^2 - 1 generators', () => {
    expect(g.N).toBe(N);
    expect(g.matrixSize).toBe(size);
    expect(g.algebraDim).toBe(N * N - 1);
  });

  describe('agrees with createSUNKernels(N) to 1e-13', () => {
    it.each(matrixVerbs)('$verb, on random operands', ({ verb, input, run }) => {
      const rng = mulberry32(1000 + 17 * N + verb.length);
      for (let t = 0; t < 20; t++) {
        const a = operand(ref, rng, input);
        const b = operand(ref, rng, input);
        const start = randomComplex(ref, rng);
        const got = run(g, start.slice(), 0, a, 0, b, 0);
        const expected = run(ref, start.slice(), 0, a, 0, b, 0);
        expect(maxAbsDiff(got, expected)).toBeLessThan(1e-13);
      }
    });

    it('reunitarize, on arbitrary complex matrices too', () => {
      const rng = mulberry32(1100 + N);
      for (let t = 0; t < 20; t++) {
        const a = randomComplex(ref, rng);
        const got = g.reunitarize(new Float64Array(size), 0, a, 0);
        const expected = ref.reunitarize(new Float64Array(size), 0, a, 0);
        expect(maxAbsDiff(got, expected)).toBeLessThan(1e-13);
      }
    });

    it('identity and zero', () => {
      expect(g.identity(new Float64Array(size), 0)).toEqual(
        ref.identity(new Float64Array(size), 0),
      );
      expect(g.zero(new Float64Array(size).fill(3), 0)).toEqual(new Float64Array(size));
    });

    it('trace, reTrace, imTrace, det, reTraceMultiply and reTraceMultiplyAdjoint', () => {
      const rng = mulberry32(1200 + N);
      for (let t = 0; t < 20; t++) {
        const a = randomComplex(ref, rng);
        const b = randomComplex(ref, rng);
        expect(maxAbsDiff(g.trace([0, 0], 0, a, 0), ref.trace([0, 0], 0, a, 0))).toBeLessThan(
          1e-13,
        );
        expect(maxAbsDiff(g.det([0, 0], 0, a, 0), ref.det([0, 0], 0, a, 0))).toBeLessThan(1e-13);
        expect(Math.abs(g.reTrace(a, 0) - ref.reTrace(a, 0))).toBeLessThan(1e-13);
        expect(Math.abs(g.imTrace(a, 0) - ref.imTrace(a, 0))).toBeLessThan(1e-13);
        expect(
          Math.abs(g.reTraceMultiply(a, 0, b, 0) - ref.reTraceMultiply(a, 0, b, 0)),
        ).toBeLessThan(1e-13);
        expect(
          Math.abs(g.reTraceMultiplyAdjoint(a, 0, b, 0) - ref.reTraceMultiplyAdjoint(a, 0, b, 0)),
        ).toBeLessThan(1e-13);
      }
    });

    it('det and exp on SU(N) matrices and su(N) elements of norms 1e-8 .. 10', () => {
      const rng = mulberry32(1300 + N);
      for (const norm of [0, 1e-8, 1e-6, 1e-4, 1e-2, 0.0141, 0.0142, 0.1, 1, 3, 10]) {
        const x = norm === 0 ? new Float64Array(size) : randomAlgebra(ref, rng, norm);
        const u = ref.exp(new Float64Array(size), 0, x, 0);
        expect(maxAbsDiff(g.exp(new Float64Array(size), 0, x, 0), u)).toBeLessThan(1e-13);
        expect(maxAbsDiff(g.det([0, 0], 0, u, 0), ref.det([0, 0], 0, u, 0))).toBeLessThan(1e-13);
      }
    });

    it('exp on anti-hermitian matrices with a trace (u(N)): the phase is split off exactly', () => {
      const rng = mulberry32(1400 + N);
      for (const phi of [1e-17, -0.3, 2]) {
        const x = randomAlgebra(ref, rng, 1.7);
        for (let i = 0; i < N; i++) x[2 * (i * N + i) + 1] += phi;
        const u = g.exp(new Float64Array(size), 0, x, 0);
        expect(maxAbsDiff(u, ref.exp(new Float64Array(size), 0, x, 0))).toBeLessThan(1e-13);
        expect(unitarityDefect(ref, u)).toBeLessThan(1e-13);
      }
    });
  });

  describe('agrees with mathjs to 1e-12', () => {
    it('multiply, multiplyAdjoint and adjointMultiply, on random complex matrices', () => {
      const rng = mulberry32(2000 + N);
      for (let t = 0; t < 10; t++) {
        const a = randomComplex(ref, rng);
        const b = randomComplex(ref, rng);
        const A = toMath(a, 0, N);
        const B = toMath(b, 0, N);
        const out = new Float64Array(size);
        expect(
          maxAbsDiff(g.multiply(out, 0, a, 0, b, 0), fromMath(math.multiply(A, B), N)),
        ).toBeLessThan(1e-12);
        expect(
          maxAbsDiff(
            g.multiplyAdjoint(out, 0, a, 0, b, 0),
            fromMath(math.multiply(A, math.ctranspose(B)), N),
          ),
        ).toBeLessThan(1e-12);
        expect(
          maxAbsDiff(
            g.adjointMultiply(out, 0, a, 0, b, 0),
            fromMath(math.multiply(math.ctranspose(A), B), N),
          ),
        ).toBeLessThan(1e-12);
      }
    });

    it('det, on random complex matrices and on SU(N) matrices', () => {
      const rng = mulberry32(2100 + N);
      for (let t = 0; t < 20; t++) {
        const a = t % 2 === 0 ? randomComplex(ref, rng) : randomSU(ref, rng);
        expect(maxAbsDiff(g.det([0, 0], 0, a, 0), parts(math.det(toMath(a, 0, N))))).toBeLessThan(
          1e-12,
        );
      }
    });

    it.each([0, 1e-8, 1e-6, 1e-4, 1e-3, 1e-2, 0.1, 0.5, 1, 2, 5, 10])(
      'exp, on random su(N) elements of norm %s',
      (norm) => {
        const rng = mulberry32(2200 + N + Math.round(1e4 * norm));
        for (let t = 0; t < 4; t++) {
          const x = norm === 0 ? new Float64Array(size) : randomAlgebra(ref, rng, norm);
          const expected = fromMath(math.expm(toMath(x, 0, N)), N);
          expect(maxAbsDiff(g.exp(new Float64Array(size), 0, x, 0), expected)).toBeLessThan(1e-12);
        }
      },
    );
  });

  describe('exp is accurate to 2e-14 against a 50-digit reference', () => {
    it.each([1e-8, 1e-4, 0.0141, 0.0142, 0.3, 1, 4, 10])(
      'on random su(N) elements of norm %s',
      (norm) => {
        const rng = mulberry32(2300 + N + Math.round(1e4 * norm));
        for (let t = 0; t < 3; t++) {
          const x = randomAlgebra(ref, rng, norm);
          expect(
            maxAbsDiff(g.exp(new Float64Array(size), 0, x, 0), referenceExp(x, N)),
          ).toBeLessThan(2e-14);
        }
      },
    );
  });

  it('exp(0) is exactly the identity', () => {
    const u = g.exp(new Float64Array(size), 0, new Float64Array(size), 0);
    expect(g.exactEquals(u, 0, g.identity(new Float64Array(size), 0), 0)).toBe(true);
  });

  it('exp of a matrix with a NaN or infinite entry returns NaN, and returns', () => {
    for (const bad of [NaN, Infinity]) {
      const x = new Float64Array(size);
      x[1] = bad;
      x[2 * size - 1] = -bad;
      const u = g.exp(new Float64Array(size), 0, x, 0);
      expect(u.some(Number.isNaN)).toBe(true);
    }
  });

  describe('produces SU(N) matrices: U U^dagger = 1 and det U = 1 to 1e-13', () => {
    it('after reunitarize of a perturbed SU(N) matrix, which it moves by no more than the perturbation', () => {
      const rng = mulberry32(3000 + N);
      for (let t = 0; t < 20; t++) {
        const u = randomSU(ref, rng);
        const v = u.slice();
        for (let k = 0; k < size; k++) v[k] += 1e-3 * (2 * rng() - 1);
        const w = g.reunitarize(new Float64Array(size), 0, v, 0);
        expect(unitarityDefect(ref, w)).toBeLessThan(1e-13);
        expect(detDefect(ref, w)).toBeLessThan(1e-13);
        expect(maxAbsDiff(w, u)).toBeLessThan(N * 2e-3);
      }
    });

    it('after reunitarize of an arbitrary complex matrix', () => {
      const rng = mulberry32(3100 + N);
      for (let t = 0; t < 20; t++) {
        const w = g.reunitarize(new Float64Array(size), 0, randomComplex(ref, rng), 0);
        expect(unitarityDefect(ref, w)).toBeLessThan(1e-13);
        expect(detDefect(ref, w)).toBeLessThan(1e-13);
      }
    });

    it('reunitarize leaves an SU(N) matrix unchanged to 1e-15', () => {
      const rng = mulberry32(3150 + N);
      for (let t = 0; t < 10; t++) {
        const u = g.reunitarize(new Float64Array(size), 0, randomSU(ref, rng), 0);
        expect(maxAbsDiff(g.reunitarize(new Float64Array(size), 0, u, 0), u)).toBeLessThan(1e-15);
      }
    });

    it('after exp of su(N) elements of norms 1e-8 .. 30', () => {
      const rng = mulberry32(3200 + N);
      for (const norm of [1e-8, 1e-4, 0.0141, 0.0142, 0.1, 1, 3, 10, 30]) {
        for (let t = 0; t < 5; t++) {
          const u = g.exp(new Float64Array(size), 0, randomAlgebra(ref, rng, norm), 0);
          expect(unitarityDefect(ref, u)).toBeLessThan(1e-13);
          expect(detDefect(ref, u)).toBeLessThan(1e-13);
        }
      }
    });
  });

  it('exp(X) exp(-X) = 1 and exp(X)^dagger = exp(-X) to 1e-14', () => {
    const rng = mulberry32(3300 + N);
    for (let t = 0; t < 10; t++) {
      const x = randomAlgebra(ref, rng, 5 * rng());
      const u = g.exp(new Float64Array(size), 0, x, 0);
      const v = g.exp(new Float64Array(size), 0, g.scale(x.slice(), 0, x, 0, -1, 0), 0);
      const uv = g.multiply(new Float64Array(size), 0, u, 0, v, 0);
      expect(maxAbsDiff(uv, g.identity(new Float64Array(size), 0))).toBeLessThan(1e-14);
      expect(maxAbsDiff(g.adjoint(u, 0, u, 0), v)).toBeLessThan(1e-14);
    }
  });

  describe('aliasing and offsets: out may be an input, at any offset into a larger array', () => {
    const cases = matrixVerbs.flatMap((v) =>
      (v.binary
        ? ['a', 'b', 'a and b', 'a shifted by one element']
        : ['a', 'a shifted by one element']
      ).map((alias) => ({ ...v, alias })),
    );
    it.each(cases)('$verb with out = $alias gives what a separate out gets', (v) => {
      const rng = mulberry32(4000 + N + v.verb.length);
      const buf = new Float64Array(3 * size + 7);
      for (let k = 0; k < buf.length; k++) buf[k] = 2 * rng() - 1;
      const aOff = 3;
      const bOff = v.alias === 'a and b' ? aOff : aOff + size + 2;
      buf.set(operand(ref, rng, v.input), aOff);
      if (bOff !== aOff) buf.set(operand(ref, rng, v.input), bOff);
      const oOff =
        v.alias === 'b' ? bOff : v.alias === 'a and b' || v.alias === 'a' ? aOff : aOff + 2;
      // A separate out starts with the same content as the aliased one (axpy reads out).
      const separate = new Float64Array(size + 9);
      separate.set(buf.subarray(oOff, oOff + size), 5);
      expect(v.run(g, separate, 5, buf, aOff, buf, bOff)).toBe(separate);
      const aliased = buf.slice();
      expect(v.run(g, aliased, oOff, aliased, aOff, aliased, bOff)).toBe(aliased);
      expect(g.exactEquals(aliased, oOff, separate, 5)).toBe(true);
      // Nothing outside the output matrix is written.
      for (let k = 0; k < buf.length; k++) {
        if (k < oOff || k >= oOff + size) expect(aliased[k]).toBe(buf[k]);
      }
      for (let k = 0; k < separate.length; k++) {
        if (k < 5 || k >= 5 + size) expect(separate[k]).toBe(0);
      }
    });

    it('identity and zero write their matrix at the offset, nothing else, and return out', () => {
      const out = new Float64Array(size + 4).fill(7);
      expect(g.identity(out, 2)).toBe(out);
      expect(g.exactEquals(out, 2, ref.identity(new Float64Array(size), 0), 0)).toBe(true);
      expect([out[0], out[1], out[size + 2], out[size + 3]]).toEqual([7, 7, 7, 7]);
      expect(g.zero(out, 2)).toBe(out);
      expect(out.subarray(2, size + 2).every((x) => x === 0)).toBe(true);
      expect([out[0], out[1], out[size + 2], out[size + 3]]).toEqual([7, 7, 7, 7]);
    });

    it('trace and det write (re, im) at the offset of a number[] or Float64Array and return it', () => {
      const rng = mulberry32(4100 + N);
      const buf = new Float64Array(size + 3);
      buf.set(randomComplex(ref, rng), 3);
      const a = buf.slice(3);
      const out = [9, 9, 9, 9];
      expect(g.trace(out, 1, buf, 3)).toBe(out);
      expect(out[0]).toBe(9);
      expect(out[3]).toBe(9);
      expect(maxAbsDiff(out.slice(1, 3), ref.trace([0, 0], 0, a, 0))).toBeLessThan(1e-15);
      expect(g.det(out, 2, buf, 3)).toBe(out);
      expect(out[1]).not.toBe(9);
      expect(maxAbsDiff(out.slice(2, 4), ref.det([0, 0], 0, a, 0))).toBeLessThan(1e-13);
      // The output may be the input array itself.
      const self = buf.slice();
      g.det(self, 3, self, 3);
      expect(maxAbsDiff(self.slice(3, 5), ref.det([0, 0], 0, a, 0))).toBeLessThan(1e-13);
      const selfTrace = buf.slice();
      g.trace(selfTrace, 3, selfTrace, 3);
      expect(maxAbsDiff(selfTrace.slice(3, 5), ref.trace([0, 0], 0, a, 0))).toBeLessThan(1e-15);
    });

    it('scalar verbs read their operands at the given offsets', () => {
      const rng = mulberry32(4200 + N);
      const a = randomComplex(ref, rng);
      const b = randomComplex(ref, rng);
      const buf = new Float64Array(2 * size + 5);
      buf.set(a, 1);
      buf.set(b, size + 4);
      expect(g.reTrace(buf, 1)).toBe(g.reTrace(a, 0));
      expect(g.imTrace(buf, 1)).toBe(g.imTrace(a, 0));
      expect(g.reTraceMultiply(buf, 1, buf, size + 4)).toBe(g.reTraceMultiply(a, 0, b, 0));
      expect(g.reTraceMultiplyAdjoint(buf, 1, buf, size + 4)).toBe(
        g.reTraceMultiplyAdjoint(a, 0, b, 0),
      );
    });
  });

  describe('equals and exactEquals', () => {
    const rng = mulberry32(5000 + N);
    const a = randomComplex(ref, rng);
    const buf = new Float64Array(size + 3);
    buf.set(a, 3);

    it('equals holds for the same matrix at another offset, and within the default 1e-12', () => {
      expect(g.equals(a, 0, buf, 3)).toBe(true);
      for (let k = 0; k < size; k++) {
        const b = a.slice();
        b[k] += 0.9e-12;
        expect(g.equals(a, 0, b, 0)).toBe(true);
        b[k] = a[k] - 0.9e-12;
        expect(g.equals(b, 0, a, 0)).toBe(true);
      }
    });

    it('equals fails when any single component differs by more than the tolerance', () => {
      for (let k = 0; k < size; k++) {
        const b = a.slice();
        b[k] += 1.1e-12;
        expect(g.equals(a, 0, b, 0)).toBe(false);
        expect(g.equals(a, 0, b, 0, 1e-11)).toBe(true);
        b[k] = a[k] - 1e-3;
        expect(g.equals(a, 0, b, 0, 1e-11)).toBe(false);
        expect(g.equals(a, 0, b, 0, 1.1e-3)).toBe(true);
      }
    });

    it('equals is false wherever a NaN appears, even against itself', () => {
      for (let k = 0; k < size; k++) {
        const b = a.slice();
        b[k] = NaN;
        expect(g.equals(a, 0, b, 0)).toBe(false);
        expect(g.equals(b, 0, b, 0, Infinity)).toBe(false);
      }
    });

    it('exactEquals holds for a copy at another offset and fails on a one-ulp change of any component', () => {
      expect(g.exactEquals(a, 0, buf, 3)).toBe(true);
      for (let k = 0; k < size; k++) {
        const b = a.slice();
        b[k] = a[k] + Math.abs(a[k]) * Number.EPSILON;
        expect(b[k]).not.toBe(a[k]);
        expect(g.exactEquals(a, 0, b, 0)).toBe(false);
        expect(g.equals(a, 0, b, 0)).toBe(true);
      }
    });

    it('exactEquals compares components with ===, like the generic kernels: NaN never, -0 and 0 always', () => {
      const z = new Float64Array(size);
      const negZ = z.map(() => -0);
      expect(g.exactEquals(z, 0, negZ, 0)).toBe(ref.exactEquals(z, 0, negZ, 0));
      expect(g.exactEquals(z, 0, negZ, 0)).toBe(true);
      const n = a.slice();
      n[size - 1] = NaN;
      expect(g.exactEquals(n, 0, n, 0)).toBe(false);
      expect(ref.exactEquals(n, 0, n, 0)).toBe(false);
    });
  });
});

describe('su3.exp near degenerate spectra (Morningstar-Peardon c0 -> +-c0max and c0 = 0)', () => {
  const ref = createSUNKernels(3);
  const spectra = [
    { name: 'i t diag(1, 1, -2)', d: [1, 1, -2] },
    { name: 'i t diag(-1, -1, 2)', d: [-1, -1, 2] },
    { name: 'i t diag(1, -1, 0)', d: [1, -1, 0] },
    { name: 'i t diag(2, -1, -1)', d: [2, -1, -1] },
  ];
  const ts = [1e-8, 1e-5, 5e-3, 6e-3, 0.1, 1, 2.5, -3];
  const cases = spectra.flatMap((s) => ts.map((t) => ({ ...s, t })));

  it.each(cases)('$name with t = $t agrees with mathjs expm and the generic exp', ({ d, t }) => {
    const rng = mulberry32(6000 + Math.round(1e3 * t) + d[0]);
    const x = diagonalAlgebra(t, d);
    for (const y of [x, rotated(ref, rng, x)]) {
      const u = su3.exp(new Float64Array(18), 0, y, 0);
      expect(maxAbsDiff(u, fromMath(math.expm(toMath(y, 0, 3)), 3))).toBeLessThan(1e-12);
      expect(maxAbsDiff(u, ref.exp(new Float64Array(18), 0, y, 0))).toBeLessThan(1e-13);
      expect(maxAbsDiff(u, referenceExp(y, 3))).toBeLessThan(2e-14);
      expect(unitarityDefect(ref, u)).toBeLessThan(1e-13);
      expect(detDefect(ref, u)).toBeLessThan(1e-13);
    }
  });

  it('is exact on the diagonal: exp(i t diag(1, 1, -2)) = diag(e^{it}, e^{it}, e^{-2it})', () => {
    for (const t of [1e-3, 0.7, 2]) {
      const u = su3.exp(new Float64Array(18), 0, diagonalAlgebra(t, [1, 1, -2]), 0);
      const expected = new Float64Array(18);
      [1, 1, -2].forEach((q, i) => {
        expected[8 * i] = Math.cos(q * t);
        expected[8 * i + 1] = Math.sin(q * t);
      });
      expect(maxAbsDiff(u, expected)).toBeLessThan(1e-15);
    }
  });

  it('stays accurate when two eigenvalues are split by 1e-9 (c0 just below c0max)', () => {
    const rng = mulberry32(6100);
    for (const t of [1e-2, 0.5, 3]) {
      const x = rotated(ref, rng, diagonalAlgebra(t, [1 + 1e-9, 1 - 1e-9, -2]));
      const u = su3.exp(new Float64Array(18), 0, x, 0);
      expect(maxAbsDiff(u, referenceExp(x, 3))).toBeLessThan(2e-14);
    }
  });
});

describe('su2.exp is the closed form cos(t) 1 + sin(t)/t X, to a few ulps', () => {
  it('gives exp(i t sigma_3) = diag(e^{it}, e^{-it}) and exp(i t sigma_2) = [[cos t, sin t], [-sin t, cos t]]', () => {
    for (const t of [1e-6, 0.3, 2, -5]) {
      const x3 = new Float64Array([0, t, 0, 0, 0, 0, 0, -t]);
      const c = Math.cos(t);
      const s = Math.sin(t);
      expect(
        maxAbsDiff(su2.exp(new Float64Array(8), 0, x3, 0), [c, s, 0, 0, 0, 0, c, -s]),
      ).toBeLessThan(4e-16);
      // i sigma_2 = [[0, 1], [-1, 0]]
      const x2 = new Float64Array([0, 0, t, 0, -t, 0, 0, 0]);
      expect(
        maxAbsDiff(su2.exp(new Float64Array(8), 0, x2, 0), [c, 0, s, 0, -s, 0, c, 0]),
      ).toBeLessThan(4e-16);
    }
  });

  it('keeps sin(t) to a few ulps on both sides of the Taylor threshold of sin(t)/t at t = 1e-4', () => {
    for (const t of [1e-12, 0.5e-4, 0.99999999e-4, 1e-4, 1.00000001e-4, 2e-4]) {
      // X = i t sigma_1 = [[0, i t], [i t, 0]]; exp(X) = [[cos t, i sin t], [i sin t, cos t]].
      const u = su2.exp(new Float64Array(8), 0, new Float64Array([0, 0, 0, t, 0, t, 0, 0]), 0);
      expect(Math.abs(u[3] - Math.sin(t))).toBeLessThanOrEqual(2 * Number.EPSILON * Math.sin(t));
      expect(Math.abs(u[5] - Math.sin(t))).toBeLessThanOrEqual(2 * Number.EPSILON * Math.sin(t));
      expect(Math.abs(u[0] - Math.cos(t))).toBeLessThanOrEqual(Number.EPSILON);
    }
  });
});
