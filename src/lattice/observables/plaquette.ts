/**
 * Plaquettes (DESIGN.md 2), as a ladder after Grid's WilsonLoops.h:
 * {@link plaquetteField} (the matrices) -> {@link sitePlaquette} -> {@link averagePlaquette}.
 *
 *     U_P = U_mu,nu(x) = U_mu(x) U_nu(x+mu) U_mu(x+nu)^dagger U_nu(x)^dagger,  mu < nu,
 *     P = < (1/N) Re tr U_P >  over all sites and the D(D-1)/2 planes, in [-1, 1].
 *
 * Under a gauge transformation U_P(x) -> Omega(x) U_P(x) Omega(x)^dagger, so its trace is
 * invariant (Wilson, Phys. Rev. D 10 (1974) 2445).
 *
 * @module
 */
import type { GaugeField } from '../gaugeField.js';
import { MatrixField } from '../matrixField.js';
import { planes } from './planes.js';

/**
 * The plaquette matrices U_mu,nu(x) of every plane at every site, as a MatrixField with one
 * component per plane in the order of {@link planes}.
 */
export function plaquetteField(field: GaugeField): MatrixField {
  const g = field.group;
  const { volume, D, up } = field.lattice;
  const U = field.links;
  const m = g.matrixSize;
  const P = planes(D);
  const out = new MatrixField(field.lattice, g, P.length);
  const a = new Float64Array(m);
  const b = new Float64Array(m);
  for (let x = 0; x < volume; x++) {
    for (let p = 0; p < P.length; p++) {
      const [mu, nu] = P[p];
      // a = U_mu(x) U_nu(x+mu); b = U_nu(x) U_mu(x+nu); U_P = a b^dagger
      g.multiply(a, 0, U, (x * D + mu) * m, U, (up[x * D + mu] * D + nu) * m);
      g.multiply(b, 0, U, (x * D + nu) * m, U, (up[x * D + nu] * D + mu) * m);
      g.multiplyAdjoint(out.data, out.offset(x, p), a, 0, b, 0);
    }
  }
  return out;
}

/** Sum over sites of Re tr U_mu,nu(x) for one plane: the unnormalised kernel of the ladder. */
function sumReTracePlane(field: GaugeField, mu: number, nu: number): number {
  const g = field.group;
  const { volume, D, up } = field.lattice;
  const U = field.links;
  const m = g.matrixSize;
  const a = new Float64Array(m);
  const b = new Float64Array(m);
  let sum = 0;
  for (let x = 0; x < volume; x++) {
    g.multiply(a, 0, U, (x * D + mu) * m, U, (up[x * D + mu] * D + nu) * m);
    g.multiply(b, 0, U, (x * D + nu) * m, U, (up[x * D + nu] * D + mu) * m);
    // Re tr(a b^dagger): no need to form U_P.
    sum += g.reTraceMultiplyAdjoint(a, 0, b, 0);
  }
  return sum;
}

/** <(1/N) Re tr U_P> over all sites for one plane (mu, nu). */
export function planePlaquette(field: GaugeField, mu: number, nu: number): number {
  field.lattice.checkDirection('planePlaquette', 'mu', mu);
  field.lattice.checkDirection('planePlaquette', 'nu', nu);
  if (mu === nu) return 1;
  const [a, b] = mu < nu ? [mu, nu] : [nu, mu];
  return sumReTracePlane(field, a, b) / (field.N * field.lattice.volume);
}

/**
 * Sum over the D(D-1)/2 planes of Re tr U_mu,nu(x) at one site: the per-site kernel of the
 * ladder. `a` and `b` are one matrix of scratch each.
 */
export function plaquetteReTraceAt(
  field: GaugeField,
  x: number,
  a: Float64Array,
  b: Float64Array,
): number {
  const g = field.group;
  const { D, up } = field.lattice;
  const U = field.links;
  const m = g.matrixSize;
  let site = 0;
  for (let mu = 0; mu < D; mu++) {
    const xmu = up[x * D + mu];
    for (let nu = mu + 1; nu < D; nu++) {
      g.multiply(a, 0, U, (x * D + mu) * m, U, (xmu * D + nu) * m);
      g.multiply(b, 0, U, (x * D + nu) * m, U, (up[x * D + nu] * D + mu) * m);
      site += g.reTraceMultiplyAdjoint(a, 0, b, 0);
    }
  }
  return site;
}

/**
 * Sum over planes of Re tr U_mu,nu(x) for every site, site-major: all planes of a site
 * while its links are in cache (1.5-1.75x faster on 16^4 than plane by plane, bench/RESULTS.md).
 * Writes per-site sums into perSite when given; returns the total.
 */
function sumReTraceAllPlanes(field: GaugeField, perSite?: Float64Array): number {
  const m = field.group.matrixSize;
  const a = new Float64Array(m);
  const b = new Float64Array(m);
  let sum = 0;
  for (let x = 0; x < field.lattice.volume; x++) {
    const site = plaquetteReTraceAt(field, x, a, b);
    if (perSite !== undefined) perSite[x] = site;
    sum += site;
  }
  return sum;
}

/** Per site: (1/N) Re tr U_P averaged over the D(D-1)/2 planes. */
export function sitePlaquette(field: GaugeField): Float64Array {
  const out = new Float64Array(field.lattice.volume);
  sumReTraceAllPlanes(field, out);
  const norm = 1 / (field.N * planes(field.lattice.D).length);
  for (let x = 0; x < out.length; x++) out[x] *= norm;
  return out;
}

/** P = <(1/N) Re tr U_P> over all sites and planes: 1 on a cold start. */
export function averagePlaquette(field: GaugeField): number {
  const nPlanes = planes(field.lattice.D).length;
  return sumReTraceAllPlanes(field) / (field.N * field.lattice.volume * nPlanes);
}
