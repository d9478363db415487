/**
 * The matrix-kernel comparisons: SU(2) and SU(3) products, exponentials and
 * re-unitarisation, each as a list of {@link Variant}s for the harness.
 *
 * Every variant works through a pool of `POOL` matrices (so that the operands come from
 * memory, as in lattice code, and not from a single cached matrix) and has its own loop
 * written out: a shared loop calling a function argument would make its call site
 * polymorphic and time V8's dispatch instead of the kernels. Library kernels are called
 * through a `const` taken from their kernel object, as lattice code does (`g.multiply`).
 *
 * @module
 */
import type { Matrix } from 'mathjs';
import {
  createSUNKernels,
  extractSU2,
  haarRandom,
  quaternionMultiply,
  randomAlgebra,
  su2,
  su3,
  Xoshiro128,
  type SUNKernels,
} from '../src/sun/index.js';
import {
  mathjsExp,
  mathjsMultiply,
  mathjsReunitarize,
  re00,
  toMathjs,
} from './baselines/mathjs.js';
import { nestedMultiply, nestedMultiplyAccumulate } from './baselines/nested.js';
import {
  columnLocals3,
  directUnrolled3,
  plainArray3,
  rowLoop3,
  splitReIm3,
} from './baselines/su3Product.js';
import type { Variant } from './timing.js';

/** Matrices per pool (a power of two): 4096 SU(3) matrices are 590 kB, about L2 size. */
export const POOL = 4096;
const MASK = POOL - 1;
/** Matrices per mathjs pool: mathjs is 3 orders of magnitude slower, a batch stays short. */
const MATHJS_POOL = 64;

/** POOL Haar-random elements of the group, seeded. */
function haarPool(g: SUNKernels, seed: number, count = POOL): Float64Array {
  const rng = new Xoshiro128(seed);
  const out = new Float64Array(count * g.matrixSize);
  for (let k = 0; k < count; k++) haarRandom(out, k * g.matrixSize, g, rng);
  return out;
}

/** The first `count` matrices of a pool as mathjs matrices. */
function mathjsPool(N: number, pool: Float64Array, count = MATHJS_POOL): Matrix[] {
  const m = 2 * N * N;
  return Array.from({ length: count }, (_, k) => toMathjs(N, pool, k * m));
}

/** SU(3) product out = a b: ours, nested loops, other plain-JS formulations, mathjs. */
export function su3ProductVariants(): Variant[] {
  const A = haarPool(su3, 11);
  const B = haarPool(su3, 12);
  const out = new Float64Array(POOL * 18);
  const ours = su3.multiply;
  const generic = createSUNKernels(3).multiply;

  // Other storage: plain arrays, and split real/imaginary parts.
  const Aarr = Array.from(A);
  const Barr = Array.from(B);
  const outArr = Array.from(out);
  const split = (x: Float64Array): [Float64Array, Float64Array] => {
    const re = new Float64Array(x.length / 2);
    const im = new Float64Array(x.length / 2);
    for (let k = 0; k < re.length; k++) {
      re[k] = x[2 * k];
      im[k] = x[2 * k + 1];
    }
    return [re, im];
  };
  const [ARe, AIm] = split(A);
  const [BRe, BIm] = split(B);
  const [outRe, outIm] = split(out);

  const mA = mathjsPool(3, A);
  const mB = mathjsPool(3, B);

  return [
    {
      name: 'ours: su3.multiply (unrolled, operands in locals)',
      opsPerCall: POOL,
      run(n) {
        let s = 0;
        for (let rep = 0; rep < n; rep++) {
          const shift = (rep * 7 + 1) & MASK;
          for (let i = 0; i < POOL; i++) {
            ours(out, i * 18, A, i * 18, B, ((i + shift) & MASK) * 18);
            s += out[i * 18];
          }
        }
        return s;
      },
    },
    {
      name: 'nested loops r, c, k (Float64Array)',
      opsPerCall: POOL,
      notAlternative: true,
      run(n) {
        let s = 0;
        for (let rep = 0; rep < n; rep++) {
          const shift = (rep * 7 + 1) & MASK;
          for (let i = 0; i < POOL; i++) {
            nestedMultiply(3, out, i * 18, A, i * 18, B, ((i + shift) & MASK) * 18);
            s += out[i * 18];
          }
        }
        return s;
      },
    },
    {
      name: 'nested loops r, c, k, accumulating into out[]',
      opsPerCall: POOL,
      notAlternative: true,
      run(n) {
        let s = 0;
        for (let rep = 0; rep < n; rep++) {
          const shift = (rep * 7 + 1) & MASK;
          for (let i = 0; i < POOL; i++) {
            nestedMultiplyAccumulate(3, out, i * 18, A, i * 18, B, ((i + shift) & MASK) * 18);
            s += out[i * 18];
          }
        }
        return s;
      },
    },
    {
      name: 'generic createSUNKernels(3).multiply',
      opsPerCall: POOL,
      notAlternative: true,
      note: 'nested loops + scratch copy',
      run(n) {
        let s = 0;
        for (let rep = 0; rep < n; rep++) {
          const shift = (rep * 7 + 1) & MASK;
          for (let i = 0; i < POOL; i++) {
            generic(out, i * 18, A, i * 18, B, ((i + shift) & MASK) * 18);
            s += out[i * 18];
          }
        }
        return s;
      },
    },
    {
      name: 'unrolled, operands read from the array (no locals)',
      opsPerCall: POOL,
      note: 'out must not alias',
      run(n) {
        let s = 0;
        for (let rep = 0; rep < n; rep++) {
          const shift = (rep * 7 + 1) & MASK;
          for (let i = 0; i < POOL; i++) {
            directUnrolled3(out, i * 18, A, i * 18, B, ((i + shift) & MASK) * 18);
            s += out[i * 18];
          }
        }
        return s;
      },
    },
    {
      name: 'gl-matrix style: a in locals, b column by column',
      opsPerCall: POOL,
      run(n) {
        let s = 0;
        for (let rep = 0; rep < n; rep++) {
          const shift = (rep * 7 + 1) & MASK;
          for (let i = 0; i < POOL; i++) {
            columnLocals3(out, i * 18, A, i * 18, B, ((i + shift) & MASK) * 18);
            s += out[i * 18];
          }
        }
        return s;
      },
    },
    {
      name: 'b in locals, loop over rows of a (row unrolled)',
      opsPerCall: POOL,
      run(n) {
        let s = 0;
        for (let rep = 0; rep < n; rep++) {
          const shift = (rep * 7 + 1) & MASK;
          for (let i = 0; i < POOL; i++) {
            rowLoop3(out, i * 18, A, i * 18, B, ((i + shift) & MASK) * 18);
            s += out[i * 18];
          }
        }
        return s;
      },
    },
    {
      name: 'unrolled with locals on plain Array (number[])',
      opsPerCall: POOL,
      run(n) {
        let s = 0;
        for (let rep = 0; rep < n; rep++) {
          const shift = (rep * 7 + 1) & MASK;
          for (let i = 0; i < POOL; i++) {
            plainArray3(outArr, i * 18, Aarr, i * 18, Barr, ((i + shift) & MASK) * 18);
            s += outArr[i * 18];
          }
        }
        return s;
      },
    },
    {
      name: 'split re/im arrays (structure of arrays), unrolled',
      opsPerCall: POOL,
      note: 'other layout',
      run(n) {
        let s = 0;
        for (let rep = 0; rep < n; rep++) {
          const shift = (rep * 7 + 1) & MASK;
          for (let i = 0; i < POOL; i++) {
            splitReIm3(outRe, outIm, i * 9, ARe, AIm, i * 9, BRe, BIm, ((i + shift) & MASK) * 9);
            s += outRe[i * 9];
          }
        }
        return s;
      },
    },
    {
      name: 'mathjs multiply (Matrix of Complex)',
      opsPerCall: MATHJS_POOL,
      notAlternative: true,
      run(n) {
        let s = 0;
        for (let rep = 0; rep < n; rep++) {
          const shift = (rep * 7 + 1) & (MATHJS_POOL - 1);
          for (let i = 0; i < MATHJS_POOL; i++) {
            s += re00(mathjsMultiply(mA[i], mB[(i + shift) & (MATHJS_POOL - 1)]));
          }
        }
        return s;
      },
    },
  ];
}

/** SU(2) product out = a b: ours, nested loops, generic kernels, quaternions, mathjs. */
export function su2ProductVariants(): Variant[] {
  const A = haarPool(su2, 21);
  const B = haarPool(su2, 22);
  const out = new Float64Array(POOL * 8);
  const ours = su2.multiply;
  const generic = createSUNKernels(2).multiply;
  // SU(2) as unit quaternions (a0 + i a.sigma): 4 real numbers per element.
  const qA = new Float64Array(POOL * 4);
  const qB = new Float64Array(POOL * 4);
  const qOut = new Float64Array(POOL * 4);
  for (let k = 0; k < POOL; k++) {
    extractSU2(qA, k * 4, A, k * 8, 2, 0, 1);
    extractSU2(qB, k * 4, B, k * 8, 2, 0, 1);
  }
  const mA = mathjsPool(2, A);
  const mB = mathjsPool(2, B);
  return [
    {
      name: 'ours: su2.multiply (unrolled, operands in locals)',
      opsPerCall: POOL,
      run(n) {
        let s = 0;
        for (let rep = 0; rep < n; rep++) {
          const shift = (rep * 7 + 1) & MASK;
          for (let i = 0; i < POOL; i++) {
            ours(out, i * 8, A, i * 8, B, ((i + shift) & MASK) * 8);
            s += out[i * 8];
          }
        }
        return s;
      },
    },
    {
      name: 'nested loops r, c, k (Float64Array)',
      opsPerCall: POOL,
      notAlternative: true,
      run(n) {
        let s = 0;
        for (let rep = 0; rep < n; rep++) {
          const shift = (rep * 7 + 1) & MASK;
          for (let i = 0; i < POOL; i++) {
            nestedMultiply(2, out, i * 8, A, i * 8, B, ((i + shift) & MASK) * 8);
            s += out[i * 8];
          }
        }
        return s;
      },
    },
    {
      name: 'generic createSUNKernels(2).multiply',
      opsPerCall: POOL,
      notAlternative: true,
      note: 'nested loops + scratch copy',
      run(n) {
        let s = 0;
        for (let rep = 0; rep < n; rep++) {
          const shift = (rep * 7 + 1) & MASK;
          for (let i = 0; i < POOL; i++) {
            generic(out, i * 8, A, i * 8, B, ((i + shift) & MASK) * 8);
            s += out[i * 8];
          }
        }
        return s;
      },
    },
    {
      name: 'quaternionMultiply (4 doubles per element)',
      opsPerCall: POOL,
      note: 'other storage, SU(2) only',
      run(n) {
        let s = 0;
        for (let rep = 0; rep < n; rep++) {
          const shift = (rep * 7 + 1) & MASK;
          for (let i = 0; i < POOL; i++) {
            quaternionMultiply(qOut, i * 4, qA, i * 4, qB, ((i + shift) & MASK) * 4);
            s += qOut[i * 4];
          }
        }
        return s;
      },
    },
    {
      name: 'mathjs multiply (Matrix of Complex)',
      opsPerCall: MATHJS_POOL,
      notAlternative: true,
      run(n) {
        let s = 0;
        for (let rep = 0; rep < n; rep++) {
          const shift = (rep * 7 + 1) & (MATHJS_POOL - 1);
          for (let i = 0; i < MATHJS_POOL; i++) {
            s += re00(mathjsMultiply(mA[i], mB[(i + shift) & (MATHJS_POOL - 1)]));
          }
        }
        return s;
      },
    },
  ];
}

/** A pool of random su(N) elements i epsilon sum_a r_a T^a (r_a standard normal). */
function algebraPool(g: SUNKernels, seed: number, epsilon: number): Float64Array {
  const rng = new Xoshiro128(seed);
  const out = new Float64Array(POOL * g.matrixSize);
  for (let k = 0; k < POOL; k++) randomAlgebra(out, k * g.matrixSize, g, rng, epsilon);
  return out;
}

/** Spread of the exponentials' arguments: X = i EXP_EPSILON sum_a r_a T^a. */
export const EXP_EPSILON = 1;

/**
 * exp(X) for X in su(2): ours (closed form), generic scaling and squaring with nested-loop
 * products, mathjs `expm`.
 */
export function su2ExpVariants(): Variant[] {
  const X = algebraPool(su2, 31, EXP_EPSILON);
  const out = new Float64Array(POOL * 8);
  const ours = su2.exp;
  const generic = createSUNKernels(2).exp;
  const mX = mathjsPool(2, X);
  return [
    {
      name: 'ours: su2.exp (cos t + sin(t)/t X)',
      opsPerCall: POOL,
      run(n) {
        let s = 0;
        for (let rep = 0; rep < n; rep++) {
          for (let i = 0; i < POOL; i++) {
            ours(out, i * 8, X, i * 8);
            s += out[i * 8];
          }
        }
        return s;
      },
    },
    {
      name: 'generic createSUNKernels(2).exp',
      opsPerCall: POOL,
      note: 'scaling & squaring, nested-loop products',
      run(n) {
        let s = 0;
        for (let rep = 0; rep < n; rep++) {
          for (let i = 0; i < POOL; i++) {
            generic(out, i * 8, X, i * 8);
            s += out[i * 8];
          }
        }
        return s;
      },
    },
    {
      name: 'mathjs expm (Matrix of Complex)',
      opsPerCall: MATHJS_POOL,
      notAlternative: true,
      run(n) {
        let s = 0;
        for (let rep = 0; rep < n; rep++) {
          for (let i = 0; i < MATHJS_POOL; i++) s += re00(mathjsExp(mX[i]));
        }
        return s;
      },
    },
  ];
}

/**
 * exp(X) for X in su(3): ours (Morningstar-Peardon Cayley-Hamilton form), generic scaling and
 * squaring with nested-loop products, mathjs `expm`.
 */
export function su3ExpVariants(): Variant[] {
  const X = algebraPool(su3, 32, EXP_EPSILON);
  const out = new Float64Array(POOL * 18);
  const ours = su3.exp;
  const generic = createSUNKernels(3).exp;
  const mX = mathjsPool(3, X);
  return [
    {
      name: 'ours: su3.exp (Cayley-Hamilton, Morningstar-Peardon)',
      opsPerCall: POOL,
      run(n) {
        let s = 0;
        for (let rep = 0; rep < n; rep++) {
          for (let i = 0; i < POOL; i++) {
            ours(out, i * 18, X, i * 18);
            s += out[i * 18];
          }
        }
        return s;
      },
    },
    {
      name: 'generic createSUNKernels(3).exp',
      opsPerCall: POOL,
      note: 'scaling & squaring, nested-loop products',
      run(n) {
        let s = 0;
        for (let rep = 0; rep < n; rep++) {
          for (let i = 0; i < POOL; i++) {
            generic(out, i * 18, X, i * 18);
            s += out[i * 18];
          }
        }
        return s;
      },
    },
    {
      name: 'mathjs expm (Matrix of Complex)',
      opsPerCall: MATHJS_POOL,
      notAlternative: true,
      run(n) {
        let s = 0;
        for (let rep = 0; rep < n; rep++) {
          for (let i = 0; i < MATHJS_POOL; i++) s += re00(mathjsExp(mX[i]));
        }
        return s;
      },
    },
  ];
}

/** Size of the perturbation that takes the re-unitarisation inputs off the group. */
export const DRIFT = 1e-6;

/** A pool of Haar-random elements with every component perturbed by up to DRIFT. */
function driftedPool(g: SUNKernels, seed: number): Float64Array {
  const x = haarPool(g, seed);
  const rng = new Xoshiro128(seed + 1000);
  for (let k = 0; k < x.length; k++) x[k] += DRIFT * (2 * rng.uniform() - 1);
  return x;
}

/** Re-unitarisation onto SU(2): ours, generic Gram-Schmidt with loops, mathjs Gram-Schmidt. */
export function su2ReunitarizeVariants(): Variant[] {
  const X = driftedPool(su2, 41);
  const out = new Float64Array(POOL * 8);
  const ours = su2.reunitarize;
  const generic = createSUNKernels(2).reunitarize;
  const mX = mathjsPool(2, X);
  return [
    {
      name: 'ours: su2.reunitarize (normalise row 0, rebuild row 1)',
      opsPerCall: POOL,
      run(n) {
        let s = 0;
        for (let rep = 0; rep < n; rep++) {
          for (let i = 0; i < POOL; i++) {
            ours(out, i * 8, X, i * 8);
            s += out[i * 8];
          }
        }
        return s;
      },
    },
    {
      name: 'generic createSUNKernels(2).reunitarize',
      opsPerCall: POOL,
      note: 'Gram-Schmidt loops + LU det',
      run(n) {
        let s = 0;
        for (let rep = 0; rep < n; rep++) {
          for (let i = 0; i < POOL; i++) {
            generic(out, i * 8, X, i * 8);
            s += out[i * 8];
          }
        }
        return s;
      },
    },
    {
      name: 'mathjs Gram-Schmidt + det (no built-in)',
      opsPerCall: MATHJS_POOL,
      notAlternative: true,
      run(n) {
        let s = 0;
        for (let rep = 0; rep < n; rep++) {
          for (let i = 0; i < MATHJS_POOL; i++) s += re00(mathjsReunitarize(mX[i]));
        }
        return s;
      },
    },
  ];
}

/** Re-unitarisation onto SU(3): ours, generic Gram-Schmidt with loops, mathjs Gram-Schmidt. */
export function su3ReunitarizeVariants(): Variant[] {
  const X = driftedPool(su3, 42);
  const out = new Float64Array(POOL * 18);
  const ours = su3.reunitarize;
  const generic = createSUNKernels(3).reunitarize;
  const mX = mathjsPool(3, X);
  return [
    {
      name: 'ours: su3.reunitarize (2 rows Gram-Schmidt, row 2 = conj cross)',
      opsPerCall: POOL,
      run(n) {
        let s = 0;
        for (let rep = 0; rep < n; rep++) {
          for (let i = 0; i < POOL; i++) {
            ours(out, i * 18, X, i * 18);
            s += out[i * 18];
          }
        }
        return s;
      },
    },
    {
      name: 'generic createSUNKernels(3).reunitarize',
      opsPerCall: POOL,
      note: 'Gram-Schmidt loops + LU det',
      run(n) {
        let s = 0;
        for (let rep = 0; rep < n; rep++) {
          for (let i = 0; i < POOL; i++) {
            generic(out, i * 18, X, i * 18);
            s += out[i * 18];
          }
        }
        return s;
      },
    },
    {
      name: 'mathjs Gram-Schmidt + det (no built-in)',
      opsPerCall: MATHJS_POOL,
      notAlternative: true,
      run(n) {
        let s = 0;
        for (let rep = 0; rep < n; rep++) {
          for (let i = 0; i < MATHJS_POOL; i++) s += re00(mathjsReunitarize(mX[i]));
        }
        return s;
      },
    },
  ];
}
