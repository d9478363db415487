/**
 * Regression targets computed from configurations (the observables of the L-CNN paper,
 * Favoni, Ipp, Mueller, Schuh, PRL 128 (2022) 032003):
 *
 * - `wilson:RxT`: per site, (1/N) Re tr W(R x T)(x) averaged over the planes mu < nu and
 *   both orientations (src/lattice/observables/wilsonLoops.ts `siteWilsonLoop`);
 *   `wilson:RxT@MN`: the loop of the one oriented plane (M, N) (R along axis M, T along N), as
 *   the reference code's 4D W(4x4) (lge-cnn `trW_4`, the plane of its axes 1, 2: ours 0, 1);
 *   `wilson:RxT:clover`: per site, the average over every R x T (and T x R) loop with a corner
 *   at x, in every plane and all four quadrants (`siteCentredWilsonLoop`): centred at x, so
 *   that the point group about x leaves it invariant;
 * - `polyakov`: per site, (1/N) Re tr of the Polyakov loop along the last axis;
 * - `charge` (= `charge:clover`): per site, the clover topological charge density q(x) (4D);
 *   `charge:plaquette`: the plaquette discretisation q_P(x) (the paper's "QP"; both in
 *   src/lattice/observables/topologicalCharge.ts);
 * - `energy`: per site, the clover energy density E(x) of the gradient flow (Luescher, JHEP 08
 *   (2010) 071, sec. 3; src/lattice/observables/actionDensity.ts), any D.
 *
 * Site-centred targets (`charge`, `energy`, `wilson:RxT:clover`) move under a point element R
 * about x as site fields, `t[R U](R x) = t[U](x)` (times det R for the charge), so symmetric
 * models can learn them per site; corner-anchored ones (`wilson:RxT`, `charge:plaquette`,
 * a plane's loops) cannot.
 *
 * `perSite: false` averages over sites: one value per configuration.
 *
 * @module
 */
import type { GaugeField } from '../lattice/gaugeField.js';
import { sitePolyakovLoop } from '../lattice/observables/polyakov.js';
import {
  plaquetteChargeDensity,
  topologicalChargeDensity,
} from '../lattice/observables/topologicalCharge.js';
import {
  siteCentredWilsonLoop,
  siteWilsonLoop,
  wilsonLoopField,
} from '../lattice/observables/wilsonLoops.js';
import { cloverEnergyDensity } from '../lattice/observables/actionDensity.js';
import { rangeError } from '../core/validate.js';
import type { Parity, Symmetry, SymmetryGroup } from './symmetry.js';

/** The Wilson loop target: (1/N) Re tr W(R x T), averaged over planes and orientations. */
export interface WilsonTargetSpec {
  /** Target kind tag. */
  kind: 'wilson';
  /** Extent of the loop along the first direction of each plane, in lattice units. */
  R: number;
  /** Extent of the loop along the second direction of each plane, in lattice units. */
  T: number;
  /**
   * One oriented plane [mu, nu] (R along mu, T along nu) instead of the average over planes
   * and orientations.
   */
  plane?: [number, number];
  /**
   * True: every loop with a corner at x, in all four quadrants of each plane (site-centred,
   * `wilson:RxT:clover`), instead of the loops in the quadrant x + mu + nu.
   */
  clover?: boolean;
  /** True: one value per site; false: the average over sites, one per configuration. */
  perSite: boolean;
}

/** The Polyakov loop target: (1/N) Re tr of the loop along the last axis. */
export interface PolyakovTargetSpec {
  /** Target kind tag. */
  kind: 'polyakov';
  /** True: one value per site; false: the average over sites, one per configuration. */
  perSite: boolean;
}

/** The topological charge density target q(x) (4D). */
export interface ChargeTargetSpec {
  /** Target kind tag. */
  kind: 'charge';
  /** The field strength of the density: the clover average (default) or the plaquette at x. */
  discretisation?: 'clover' | 'plaquette';
  /** True: one value per site; false: the average over sites, one per configuration. */
  perSite: boolean;
}

/** The clover energy density target E(x) (any D). */
export interface EnergyTargetSpec {
  /** Target kind tag. */
  kind: 'energy';
  /** True: one value per site; false: the average over sites, one per configuration. */
  perSite: boolean;
}

/** Which observable to learn. */
export type TargetSpec =
  WilsonTargetSpec | PolyakovTargetSpec | ChargeTargetSpec | EnergyTargetSpec;

/**
 * Parses "wilson:1x2", "wilson:4x4@01", "wilson:2x2:clover", "wilson:2x2:mean", "polyakov",
 * "charge:plaquette:mean", "energy".
 */
export function parseTarget(text: string): TargetSpec {
  const parts = text.split(':');
  const perSite = parts.at(-1) !== 'mean';
  const rest = perSite ? parts.slice(1) : parts.slice(1, -1);
  const clover = parts[0] === 'wilson' && rest.length === 2 && rest[1] === 'clover';
  if (parts[0] === 'wilson' && (rest.length === 1 || clover)) {
    const rt = /^(\d+)x(\d+)(?:@(\d)(\d))?$/.exec(rest[0]);
    if (rt && !(clover && rt[3] !== undefined)) {
      const spec: WilsonTargetSpec = {
        kind: 'wilson',
        R: Number(rt[1]),
        T: Number(rt[2]),
        perSite,
      };
      if (rt[3] !== undefined) spec.plane = [Number(rt[3]), Number(rt[4])];
      if (clover) spec.clover = true;
      return spec;
    }
  }
  if (parts[0] === 'polyakov' && rest.length === 0) return { kind: 'polyakov', perSite };
  if (parts[0] === 'energy' && rest.length === 0) return { kind: 'energy', perSite };
  if (parts[0] === 'charge' && rest.length <= 1) {
    if (rest.length === 0 || rest[0] === 'clover') return { kind: 'charge', perSite };
    if (rest[0] === 'plaquette') return { kind: 'charge', discretisation: 'plaquette', perSite };
  }
  throw rangeError(
    'parseTarget',
    'target',
    'wilson:RxT (wilson:RxT@MN for the plane of axes M, N, wilson:RxT:clover for the ' +
      'site-centred average), polyakov, charge (clover), charge:plaquette or energy, ' +
      'optionally followed by :mean (e.g. wilson:1x2, wilson:2x2:clover, charge:plaquette:mean)',
    text,
  );
}

/** The text form of a target, inverse of {@link parseTarget}. */
export function formatTarget(t: TargetSpec): string {
  let base: string;
  if (t.kind === 'wilson') {
    base = `wilson:${t.R}x${t.T}${t.plane ? `@${t.plane[0]}${t.plane[1]}` : ''}`;
    if (t.clover) base += ':clover';
  } else if (t.kind === 'charge') {
    base = t.discretisation === 'plaquette' ? 'charge:plaquette' : 'charge';
  } else base = t.kind;
  return t.perSite ? base : `${base}:mean`;
}

/**
 * The problem, in words, when `target` cannot be computed on configurations of SU(N) on a
 * lattice of extents `dims` (the charge needs 4 dimensions, a loop must fit, a plane's axes
 * must exist); undefined when it can.
 */
export function targetMismatch(target: TargetSpec, dims: readonly number[]): string | undefined {
  const D = dims.length;
  const name = formatTarget(target);
  if (target.kind === 'charge' && D !== 4) {
    return `4 dimensions for the target ${name}, got ${D} (dims [${dims.join(', ')}])`;
  }
  if (target.kind === 'wilson') {
    const [mu, nu] = target.plane ?? [0, 1];
    if (target.plane && (mu === nu || mu >= D || nu >= D)) {
      return `two different axes below D = ${D} for the plane of ${name}, got ${mu} and ${nu}`;
    }
    const axes = target.plane ? [mu, nu] : dims.map((_, k) => k);
    const shortest = Math.min(...axes.map((k) => dims[k]));
    if (Math.max(target.R, target.T) > shortest) {
      return `extents of at least ${Math.max(target.R, target.T)} for the loops of ${name}, got dims [${dims.join(', ')}]`;
    }
  }
  return undefined;
}

/** The target values of one configuration: V values per site, or 1. */
export function computeTarget(field: GaugeField, target: TargetSpec): Float64Array {
  let perSite: Float64Array;
  switch (target.kind) {
    case 'wilson':
      perSite = target.plane
        ? planeLoop(field, target.R, target.T, target.plane)
        : target.clover
          ? siteCentredWilsonLoop(field, target.R, target.T)
          : siteWilsonLoop(field, target.R, target.T);
      break;
    case 'energy':
      perSite = cloverEnergyDensity(field);
      break;
    case 'polyakov': {
      const p = sitePolyakovLoop(field);
      perSite = new Float64Array(field.lattice.volume);
      for (let x = 0; x < perSite.length; x++) perSite[x] = p[2 * x];
      break;
    }
    case 'charge':
      perSite =
        target.discretisation === 'plaquette'
          ? plaquetteChargeDensity(field)
          : topologicalChargeDensity(field);
      break;
  }
  if (target.perSite) return perSite;
  let sum = 0;
  for (let x = 0; x < perSite.length; x++) sum += perSite[x];
  return Float64Array.of(sum / perSite.length);
}

/** (1/N) Re tr W_mu,nu(R, T; x) of one oriented plane at every site. */
function planeLoop(
  field: GaugeField,
  R: number,
  T: number,
  [mu, nu]: [number, number],
): Float64Array {
  const W = wilsonLoopField(field, mu, nu, R, T);
  const g = field.group;
  const out = new Float64Array(field.lattice.volume);
  for (let x = 0; x < out.length; x++) out[x] = g.reTrace(W.data, x * g.matrixSize) / g.N;
  return out;
}

/**
 * How the target transforms under the point group when it does so as a site field (per site)
 * or as a number (averaged): Wilson loop averages, the energy density and the Polyakov loop
 * are scalars, the topological charge density is a pseudo-scalar (odd under reflections).
 */
export function targetParity(target: TargetSpec): Parity {
  return target.kind === 'charge' ? 'pseudoscalar' : 'scalar';
}

/**
 * Checks that a model with this symmetry can represent the target: the target must be
 * invariant (or odd) under the symmetry, as a site field or as a lattice average. `group`, the
 * model's, lets the Polyakov loop through when every element keeps the last axis a line (a
 * "lattice" group of L^3 x T): spatial elements move the loop through x to the one through
 * R x, the time reflection runs it backwards, P -> P^dagger, and Re tr is unchanged.
 * @throws RangeError saying why the target is not symmetric and what to use instead.
 */
export function checkTargetSymmetry(
  fn: string,
  target: TargetSpec,
  symmetry: Symmetry,
  group?: SymmetryGroup,
): void {
  if (symmetry === 'none') return;
  const keepsLastAxis =
    group !== undefined && group.elements.every((R) => R.perm[group.D - 1] === group.D - 1);
  if (target.kind === 'polyakov' && !keepsLastAxis) {
    throw rangeError(
      fn,
      'target',
      `a target invariant under ${symmetry} (the Polyakov loop runs along the last axis, ` +
        'which rotations move; use symmetry "none", or "lattice" on lattices whose last ' +
        'extent differs from the others)',
      formatTarget(target),
    );
  }
  if (target.kind === 'charge' && target.discretisation === 'plaquette') {
    throw rangeError(
      fn,
      'target',
      `a target covariant under ${symmetry} (the plaquette density uses the one plaquette of ` +
        'each plane in the quadrant x + mu + nu, which a rotation or reflection moves: use ' +
        'charge (the clover density, centred at x) per site or charge:mean)',
      formatTarget(target),
    );
  }
  if (target.kind === 'wilson' && target.plane) {
    throw rangeError(
      fn,
      'target',
      `a target invariant under ${symmetry} (the loops of one plane are not: use ` +
        `wilson:${target.R}x${target.T}:clover, the site-centred average over planes, ` +
        `quadrants and orientations, or wilson:${target.R}x${target.T}:mean)`,
      formatTarget(target),
    );
  }
  if (target.kind === 'wilson' && target.perSite && !target.clover) {
    throw rangeError(
      fn,
      'target',
      `a target invariant under ${symmetry} (the per-site Wilson loops of x lie in the ` +
        `quadrant x + mu + nu, which a reflection or rotation moves to another: use ` +
        `wilson:${target.R}x${target.T}:clover, the site-centred average over all four ` +
        `quadrants, or wilson:${target.R}x${target.T}:mean)`,
      formatTarget(target),
    );
  }
}
