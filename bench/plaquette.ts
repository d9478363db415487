/**
 * The plaquette comparison: `averagePlaquette` of a hot SU(3) field on 16^4 against other
 * ways to compute it, and against mathjs on a 4^4 lattice (mathjs is about 3 orders of
 * magnitude slower; its row is compared with ours on the same 4^4 field).
 *
 * @module
 */
import { GaugeField, Lattice, averagePlaquette, planes } from '../src/lattice/index.js';
import { createSUNKernels, Xoshiro128 } from '../src/sun/index.js';
import { toMathjs } from './baselines/mathjs.js';
import {
  mathjsPlaquette,
  naivePlaquette,
  plaquetteWithKernels,
  siteMajorPlaquetteSU3,
} from './baselines/plaquette.js';
import type { Variant } from './timing.js';

/** A hot (Haar-random) SU(3) field on L^4. */
export function hotField(L: number, seed: number): GaugeField {
  return GaugeField.hot(new Lattice([L, L, L, L]), 3, new Xoshiro128(seed));
}

/** Plaquettes of a field: V D(D-1)/2. */
export function plaquetteCount(field: GaugeField): number {
  return field.lattice.volume * planes(field.lattice.D).length;
}

/** The variants; ns/op is ns per plaquette. */
export function plaquetteVariants(big: GaugeField, small: GaugeField): Variant[] {
  const generic = createSUNKernels(3);
  const nBig = plaquetteCount(big);
  const nSmall = plaquetteCount(small);
  const Lb = big.lattice.toString();
  const Ls = small.lattice.toString();
  const mathjsLinks = Array.from({ length: small.lattice.volume * small.lattice.D }, (_, k) =>
    toMathjs(3, small.links, k * 18),
  );
  const ours = `ours: averagePlaquette, ${Lb}`;
  const oursSmall = `ours: averagePlaquette, ${Ls}`;
  return [
    {
      name: ours,
      opsPerCall: nBig,
      note: '2 su3.multiply + reTraceMultiplyAdjoint per plaquette',
      run(n) {
        let s = 0;
        for (let rep = 0; rep < n; rep++) s += averagePlaquette(big);
        return s;
      },
    },
    {
      name: `site-major loop, su3 kernels called directly, ${Lb}`,
      opsPerCall: nBig,
      note: 'same arithmetic, other loop order',
      run(n) {
        let s = 0;
        for (let rep = 0; rep < n; rep++) s += siteMajorPlaquetteSU3(big);
        return s;
      },
    },
    {
      name: `generic createSUNKernels(3) kernels, ${Lb}`,
      opsPerCall: nBig,
      notAlternative: true,
      note: 'same algorithm, nested-loop kernels',
      run(n) {
        let s = 0;
        for (let rep = 0; rep < n; rep++) s += plaquetteWithKernels(big, generic);
        return s;
      },
    },
    {
      name: `naive nested loops, ${Lb}`,
      opsPerCall: nBig,
      notAlternative: true,
      note: '3 nested products + 2 adjoints + trace',
      run(n) {
        let s = 0;
        for (let rep = 0; rep < n; rep++) s += naivePlaquette(big);
        return s;
      },
    },
    {
      name: oursSmall,
      opsPerCall: nSmall,
      notAlternative: true,
      note: 'reference for the mathjs row',
      run(n) {
        let s = 0;
        for (let rep = 0; rep < n; rep++) s += averagePlaquette(small);
        return s;
      },
    },
    {
      name: `mathjs, ${Ls}`,
      opsPerCall: nSmall,
      notAlternative: true,
      ratioTo: oursSmall,
      note: '3 products + 2 ctranspose + trace',
      run(n) {
        let s = 0;
        for (let rep = 0; rep < n; rep++) s += mathjsPlaquette(small, mathjsLinks);
        return s;
      },
    },
  ];
}
