/**
 * Before anything is timed: every competitor must compute the same thing as ours. A
 * benchmark of a formulation that computes something else would be meaningless.
 *
 * @module
 */
import type { Complex, Matrix } from 'mathjs';
import { averagePlaquette } from '../src/lattice/index.js';
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
import { mathjsExp, mathjsMultiply, mathjsReunitarize, toMathjs } from './baselines/mathjs.js';
import { nestedMultiply, nestedMultiplyAccumulate } from './baselines/nested.js';
import {
  mathjsPlaquette,
  naivePlaquette,
  plaquetteWithKernels,
  siteMajorPlaquetteSU3,
} from './baselines/plaquette.js';
import {
  columnLocals3,
  directUnrolled3,
  plainArray3,
  rowLoop3,
  splitReIm3,
} from './baselines/su3Product.js';
import { hotField } from './plaquette.js';

/** Largest component difference that counts as agreement. */
const TOLERANCE = 1e-12;
/** mathjs' expm is a Pade approximant: agreement to this is enough. */
const MATHJS_EXP_TOLERANCE = 1e-10;
const SAMPLES = 16;

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let k = 0; k < a.length; k++) d = Math.max(d, Math.abs(a[k] - b[k]));
  return Number.isNaN(d) ? Infinity : d;
}

function fromMathjs(m: Matrix): Float64Array {
  const rows = m.toArray() as Complex[][];
  return Float64Array.from(rows.flat().flatMap((z) => [z.re, z.im]));
}

function check(what: string, diff: number, tolerance = TOLERANCE): void {
  if (!(diff <= tolerance)) {
    throw new Error(`bench: ${what} disagrees with ours by ${diff} (tolerance ${tolerance})`);
  }
}

function checkProducts(g: SUNKernels, rng: Xoshiro128): void {
  const N = g.N;
  const m = g.matrixSize;
  const a = new Float64Array(m);
  const b = new Float64Array(m);
  const ref = new Float64Array(m);
  const x = new Float64Array(m);
  const generic = createSUNKernels(N);
  for (let t = 0; t < SAMPLES; t++) {
    haarRandom(a, 0, g, rng);
    haarRandom(b, 0, g, rng);
    g.multiply(ref, 0, a, 0, b, 0);
    check(`nested product N=${N}`, maxDiff(nestedMultiply(N, x, 0, a, 0, b, 0), ref));
    check(
      `nested accumulating product N=${N}`,
      maxDiff(nestedMultiplyAccumulate(N, x, 0, a, 0, b, 0), ref),
    );
    check(`generic product N=${N}`, maxDiff(generic.multiply(x, 0, a, 0, b, 0), ref));
    check(
      `mathjs product N=${N}`,
      maxDiff(fromMathjs(mathjsMultiply(toMathjs(N, a, 0), toMathjs(N, b, 0))), ref),
    );
    if (N === 3) {
      check('unrolled direct product', maxDiff(directUnrolled3(x, 0, a, 0, b, 0), ref));
      check('column-locals product', maxDiff(columnLocals3(x, 0, a, 0, b, 0), ref));
      check('row-loop product', maxDiff(rowLoop3(x, 0, a, 0, b, 0), ref));
      const arr = plainArray3(new Array<number>(18).fill(0), 0, Array.from(a), 0, Array.from(b), 0);
      check('plain-Array product', maxDiff(arr, ref));
      const re = (z: Float64Array): Float64Array => z.filter((_, k) => k % 2 === 0);
      const im = (z: Float64Array): Float64Array => z.filter((_, k) => k % 2 === 1);
      const oRe = new Float64Array(9);
      const oIm = new Float64Array(9);
      splitReIm3(oRe, oIm, 0, re(a), im(a), 0, re(b), im(b), 0);
      check('split re/im product', Math.max(maxDiff(oRe, re(ref)), maxDiff(oIm, im(ref))));
    } else {
      const qa = extractSU2(new Float64Array(4), 0, a, 0, 2, 0, 1);
      const qb = extractSU2(new Float64Array(4), 0, b, 0, 2, 0, 1);
      const qr = extractSU2(new Float64Array(4), 0, ref, 0, 2, 0, 1);
      check(
        'quaternion product',
        maxDiff(quaternionMultiply(x, 0, qa, 0, qb, 0).subarray(0, 4), qr),
      );
    }
  }
}

function checkExpAndReunitarize(g: SUNKernels, rng: Xoshiro128): void {
  const N = g.N;
  const m = g.matrixSize;
  const a = new Float64Array(m);
  const ref = new Float64Array(m);
  const x = new Float64Array(m);
  const generic = createSUNKernels(N);
  for (let t = 0; t < SAMPLES; t++) {
    randomAlgebra(a, 0, g, rng, 1);
    g.exp(ref, 0, a, 0);
    check(`generic exp N=${N}`, maxDiff(generic.exp(x, 0, a, 0), ref));
    check(
      `mathjs expm N=${N}`,
      maxDiff(fromMathjs(mathjsExp(toMathjs(N, a, 0))), ref),
      MATHJS_EXP_TOLERANCE,
    );
    haarRandom(a, 0, g, rng);
    for (let k = 0; k < m; k++) a[k] += 1e-6 * (2 * rng.uniform() - 1);
    g.reunitarize(ref, 0, a, 0);
    check(`generic reunitarize N=${N}`, maxDiff(generic.reunitarize(x, 0, a, 0), ref));
    check(
      `mathjs reunitarize N=${N}`,
      maxDiff(fromMathjs(mathjsReunitarize(toMathjs(N, a, 0))), ref),
    );
  }
}

function checkPlaquette(): void {
  const field = hotField(4, 5);
  const links = Array.from({ length: field.lattice.volume * 4 }, (_, k) =>
    toMathjs(3, field.links, k * 18),
  );
  const ref = averagePlaquette(field);
  check('naive plaquette', Math.abs(naivePlaquette(field) - ref));
  check(
    'generic-kernel plaquette',
    Math.abs(plaquetteWithKernels(field, createSUNKernels(3)) - ref),
  );
  check('site-major plaquette', Math.abs(siteMajorPlaquetteSU3(field) - ref));
  check('mathjs plaquette', Math.abs(mathjsPlaquette(field, links) - ref));
}

/** Throws when any competitor computes something other than ours. */
export function verifyAll(): void {
  const rng = new Xoshiro128(99);
  checkProducts(su2, rng);
  checkProducts(su3, rng);
  checkExpAndReunitarize(su2, rng);
  checkExpAndReunitarize(su3, rng);
  checkPlaquette();
}
