/**
 * Rectangular Wilson loops (Wilson, Phys. Rev. D 10 (1974) 2445).
 *
 * The R x T loop in the oriented plane (mu, nu) at x, R links along mu and T along nu:
 *
 *     W_mu,nu(R, T; x) = L_mu^R(x) L_nu^T(x + R mu) L_mu^R(x + T nu)^dagger L_nu^T(x)^dagger,
 *
 * with L_mu^R the straight Wilson lines of ../transport.ts. It transforms as
 * Omega(x) W Omega(x)^dagger; the observable is (1/N) Re tr W (DESIGN.md 2), 1 on a cold
 * start, and W(1 x 1) is the plaquette.
 *
 * @module
 */
import { checkInteger, rangeError } from '../../core/validate.js';
import type { GaugeField } from '../gaugeField.js';
import { MatrixField } from '../matrixField.js';
import { straightLines } from '../transport.js';
import { planes } from './planes.js';

function checkLoop(fn: string, field: GaugeField, mu: number, nu: number, R: number, T: number) {
  const { dims } = field.lattice;
  field.lattice.checkDirection(fn, 'mu', mu);
  field.lattice.checkDirection(fn, 'nu', nu);
  if (mu === nu) throw rangeError(fn, 'nu', `a direction other than mu = ${mu}`, nu);
  checkInteger(fn, 'R', R, 1, dims[mu]);
  checkInteger(fn, 'T', T, 1, dims[nu]);
}

/** Caches straight lines by (mu, length), so that averages over planes build each once. */
class LineCache {
  private readonly lines = new Map<string, MatrixField>();
  constructor(private readonly field: GaugeField) {}
  get(mu: number, length: number): MatrixField {
    const key = `${mu}:${length}`;
    let l = this.lines.get(key);
    if (l === undefined) {
      l = straightLines(this.field, mu, length);
      this.lines.set(key, l);
    }
    return l;
  }
}

/**
 * Accumulates (1/N) Re tr W_mu,nu(R, T; x) into perSite (when given) and returns its sum
 * over sites. Re tr(A B^dagger) with A = L_mu(x) L_nu(x+R mu), B = L_nu(x) L_mu(x+T nu).
 */
function sumLoop(
  field: GaugeField,
  cache: LineCache,
  mu: number,
  nu: number,
  R: number,
  T: number,
  perSite?: Float64Array,
): number {
  const g = field.group;
  const lattice = field.lattice;
  const m = g.matrixSize;
  const Lmu = cache.get(mu, R).data;
  const Lnu = cache.get(nu, T).data;
  const a = new Float64Array(m);
  const b = new Float64Array(m);
  const invN = 1 / g.N;
  let sum = 0;
  for (let x = 0; x < lattice.volume; x++) {
    g.multiply(a, 0, Lmu, x * m, Lnu, lattice.shift(x, mu, R) * m);
    g.multiply(b, 0, Lnu, x * m, Lmu, lattice.shift(x, nu, T) * m);
    const t = invN * g.reTraceMultiplyAdjoint(a, 0, b, 0);
    if (perSite !== undefined) perSite[x] += t;
    sum += t;
  }
  return sum;
}

/** The loops (R along mu, T along nu) for every orientation the plane average includes. */
function orientations(D: number, R: number, T: number): Array<[number, number, number, number]> {
  const out: Array<[number, number, number, number]> = [];
  for (const [mu, nu] of planes(D)) {
    out.push([mu, nu, R, T]);
    if (R !== T) out.push([mu, nu, T, R]);
  }
  return out;
}

/** The matrices W_mu,nu(R, T; x) at every site (one component). */
export function wilsonLoopField(
  field: GaugeField,
  mu: number,
  nu: number,
  R: number,
  T: number,
): MatrixField {
  checkLoop('wilsonLoopField', field, mu, nu, R, T);
  const g = field.group;
  const lattice = field.lattice;
  const m = g.matrixSize;
  const Lmu = straightLines(field, mu, R).data;
  const Lnu = straightLines(field, nu, T).data;
  const out = new MatrixField(lattice, g, 1);
  const a = new Float64Array(m);
  const b = new Float64Array(m);
  for (let x = 0; x < lattice.volume; x++) {
    g.multiply(a, 0, Lmu, x * m, Lnu, lattice.shift(x, mu, R) * m);
    g.multiply(b, 0, Lnu, x * m, Lmu, lattice.shift(x, nu, T) * m);
    g.multiplyAdjoint(out.data, x * m, a, 0, b, 0);
  }
  return out;
}

/** <(1/N) Re tr W_mu,nu(R, T)> over sites, for one oriented plane (R along mu, T along nu). */
export function planeWilsonLoop(
  field: GaugeField,
  mu: number,
  nu: number,
  R: number,
  T: number,
): number {
  checkLoop('planeWilsonLoop', field, mu, nu, R, T);
  return sumLoop(field, new LineCache(field), mu, nu, R, T) / field.lattice.volume;
}

/**
 * Per site: (1/N) Re tr W(R x T) averaged over all planes mu < nu and, when R != T, both
 * orientations (R x T and T x R). This average is invariant under the lattice's rotations
 * and reflections; the L-CNN paper's per-site targets are of this kind.
 */
export function siteWilsonLoop(field: GaugeField, R: number, T: number): Float64Array {
  const loops = orientations(field.lattice.D, R, T);
  for (const [mu, nu, r, t] of loops) checkLoop('siteWilsonLoop', field, mu, nu, r, t);
  const out = new Float64Array(field.lattice.volume);
  const cache = new LineCache(field);
  for (const [mu, nu, r, t] of loops) sumLoop(field, cache, mu, nu, r, t, out);
  for (let x = 0; x < out.length; x++) out[x] /= loops.length;
  return out;
}

/** W(R x T) = <(1/N) Re tr W> over sites, planes and orientations: 1 on a cold start. */
export function averageWilsonLoop(field: GaugeField, R: number, T: number): number {
  const loops = orientations(field.lattice.D, R, T);
  for (const [mu, nu, r, t] of loops) checkLoop('averageWilsonLoop', field, mu, nu, r, t);
  const cache = new LineCache(field);
  let sum = 0;
  for (const [mu, nu, r, t] of loops) sum += sumLoop(field, cache, mu, nu, r, t);
  return sum / (loops.length * field.lattice.volume);
}

/**
 * Per site x: (1/N) Re tr of every R x T loop (and T x R when R != T) that has x as a corner,
 * averaged over the planes mu < nu and the four quadrants (x + mu + nu, x - mu + nu, ...).
 * Unlike {@link siteWilsonLoop}, whose loops all lie in the quadrant x + mu + nu, this average
 * is centred at x: every rotation and reflection R about x maps its set of loops onto itself,
 * so it moves as a scalar field, `w[R U](R x) = w[U](x)` (Aronsson, Mueller & Schuh,
 * arXiv:2303.11448, sec. III, for the action on loops). Re tr W does not depend on the corner
 * a loop starts at nor on its direction, so the loop with corner x in the quadrant
 * (-mu, -nu) is the standard loop W_mu,nu at x - R mu - T nu.
 */
export function siteCentredWilsonLoop(field: GaugeField, R: number, T: number): Float64Array {
  const loops = orientations(field.lattice.D, R, T);
  for (const [mu, nu, r, t] of loops) checkLoop('siteCentredWilsonLoop', field, mu, nu, r, t);
  const lattice = field.lattice;
  const out = new Float64Array(lattice.volume);
  const w = new Float64Array(lattice.volume);
  const cache = new LineCache(field);
  for (const [mu, nu, r, t] of loops) {
    w.fill(0);
    sumLoop(field, cache, mu, nu, r, t, w);
    for (let x = 0; x < out.length; x++) {
      const back = lattice.shift(x, mu, -r);
      out[x] += w[x] + w[back] + w[lattice.shift(x, nu, -t)] + w[lattice.shift(back, nu, -t)];
    }
  }
  for (let x = 0; x < out.length; x++) out[x] /= 4 * loops.length;
  return out;
}
