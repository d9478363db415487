/**
 * Other ways to compute the average plaquette P = <(1/N) Re tr U_mu(x) U_nu(x+mu)
 * U_mu(x+nu)^dagger U_nu(x)^dagger> of a gauge field, to compare `averagePlaquette` against.
 *
 * @module
 */
import { su3, type SUNKernels } from '../../src/sun/index.js';
import type { GaugeField } from '../../src/lattice/index.js';
import type { Matrix } from 'mathjs';
import { mathjsPlaquetteReTrace } from './mathjs.js';
import { nestedAdjoint, nestedMultiply, nestedReTrace } from './nested.js';

/**
 * The naive way: for every site and plane, form the plaquette matrix with nested-loop
 * products (U_mu(x) U_nu(x+mu), times an explicit adjoint of U_mu(x+nu), times an explicit
 * adjoint of U_nu(x): three products and two adjoints), then take its trace.
 */
export function naivePlaquette(field: GaugeField): number {
  const N = field.N;
  const { volume, D, up } = field.lattice;
  const U = field.links;
  const m = 2 * N * N;
  const t1 = new Float64Array(m);
  const t2 = new Float64Array(m);
  const t3 = new Float64Array(m);
  const d3 = new Float64Array(m);
  const d4 = new Float64Array(m);
  let sum = 0;
  let planes = 0;
  for (let x = 0; x < volume; x++) {
    for (let mu = 0; mu < D; mu++) {
      for (let nu = mu + 1; nu < D; nu++) {
        nestedMultiply(N, t1, 0, U, (x * D + mu) * m, U, (up[x * D + mu] * D + nu) * m);
        nestedAdjoint(N, d3, 0, U, (up[x * D + nu] * D + mu) * m);
        nestedAdjoint(N, d4, 0, U, (x * D + nu) * m);
        nestedMultiply(N, t2, 0, t1, 0, d3, 0);
        nestedMultiply(N, t3, 0, t2, 0, d4, 0);
        sum += nestedReTrace(N, t3, 0);
        if (x === 0) planes++;
      }
    }
  }
  return sum / (N * volume * planes);
}

/**
 * The library's algorithm (Re tr(a b^dagger) with a = U_mu(x) U_nu(x+mu), b = U_nu(x)
 * U_mu(x+nu), plane by plane) with the given kernels, e.g. the generic loops of
 * `createSUNKernels(3)`. A copy of averagePlaquette's loop, so that its call sites only
 * ever see these kernels (and ours stay monomorphic).
 */
export function plaquetteWithKernels(field: GaugeField, g: SUNKernels): number {
  const { volume, D, up } = field.lattice;
  const U = field.links;
  const m = g.matrixSize;
  const a = new Float64Array(m);
  const b = new Float64Array(m);
  let sum = 0;
  let planes = 0;
  for (let mu = 0; mu < D; mu++) {
    for (let nu = mu + 1; nu < D; nu++) {
      planes++;
      for (let x = 0; x < volume; x++) {
        g.multiply(a, 0, U, (x * D + mu) * m, U, (up[x * D + mu] * D + nu) * m);
        g.multiply(b, 0, U, (x * D + nu) * m, U, (up[x * D + nu] * D + mu) * m);
        sum += g.reTraceMultiplyAdjoint(a, 0, b, 0);
      }
    }
  }
  return sum / (g.N * volume * planes);
}

/**
 * The same products as averagePlaquette with the su3 kernels called directly, but site by
 * site (all planes of a site before the next site) instead of plane by plane: the links of
 * a site are read once per site rather than once per plane.
 */
export function siteMajorPlaquetteSU3(field: GaugeField): number {
  const { volume, D, up } = field.lattice;
  const U = field.links;
  const a = new Float64Array(18);
  const b = new Float64Array(18);
  let sum = 0;
  let planes = 0;
  for (let x = 0; x < volume; x++) {
    for (let mu = 0; mu < D; mu++) {
      const xmu = up[x * D + mu];
      for (let nu = mu + 1; nu < D; nu++) {
        su3.multiply(a, 0, U, (x * D + mu) * 18, U, (xmu * D + nu) * 18);
        su3.multiply(b, 0, U, (x * D + nu) * 18, U, (up[x * D + nu] * D + mu) * 18);
        sum += su3.reTraceMultiplyAdjoint(a, 0, b, 0);
        if (x === 0) planes++;
      }
    }
  }
  return sum / (3 * volume * planes);
}

/**
 * mathjs: every link converted once (outside the timing) to a mathjs Matrix; per plaquette
 * three mathjs products, two ctransposes and a trace.
 */
export function mathjsPlaquette(field: GaugeField, links: readonly Matrix[]): number {
  const { volume, D, up } = field.lattice;
  let sum = 0;
  let planes = 0;
  for (let x = 0; x < volume; x++) {
    for (let mu = 0; mu < D; mu++) {
      for (let nu = mu + 1; nu < D; nu++) {
        sum += mathjsPlaquetteReTrace(
          links[x * D + mu],
          links[up[x * D + mu] * D + nu],
          links[up[x * D + nu] * D + mu],
          links[x * D + nu],
        );
        if (x === 0) planes++;
      }
    }
  }
  return sum / (field.N * volume * planes);
}
