/**
 * Regression targets computed from configurations (the observables of the L-CNN paper,
 * Favoni, Ipp, Mueller, Schuh, PRL 128 (2022) 032003):
 *
 * - `wilson R T`: per site, (1/N) Re tr W(R x T)(x) averaged over the planes mu < nu and
 *   both orientations (src/lattice/observables/wilsonLoops.ts `siteWilsonLoop`);
 * - `polyakov`: per site, (1/N) Re tr of the Polyakov loop along the last axis;
 * - `charge`: per site, the clover topological charge density q(x) (4D).
 *
 * `perSite: false` averages over sites: one value per configuration.
 *
 * @module
 */
import type { GaugeField } from '../lattice/gaugeField.js';
import { sitePolyakovLoop } from '../lattice/observables/polyakov.js';
import { topologicalChargeDensity } from '../lattice/observables/topologicalCharge.js';
import { siteWilsonLoop } from '../lattice/observables/wilsonLoops.js';
import { rangeError } from '../core/validate.js';
import type { Parity, Symmetry } from './symmetry.js';

/** The Wilson loop target: (1/N) Re tr W(R x T), averaged over planes and orientations. */
export interface WilsonTargetSpec {
  /** Target kind tag. */
  kind: 'wilson';
  /** Extent of the loop along the first direction of each plane, in lattice units. */
  R: number;
  /** Extent of the loop along the second direction of each plane, in lattice units. */
  T: number;
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

/** The topological charge density target q(x) (clover definition, 4D). */
export interface ChargeTargetSpec {
  /** Target kind tag. */
  kind: 'charge';
  /** True: one value per site; false: the average over sites, one per configuration. */
  perSite: boolean;
}

/** Which observable to learn. */
export type TargetSpec = WilsonTargetSpec | PolyakovTargetSpec | ChargeTargetSpec;

/** Parses "wilson:1x2", "wilson:2x2:mean", "polyakov", "charge:mean". */
export function parseTarget(text: string): TargetSpec {
  const parts = text.split(':');
  const perSite = parts.at(-1) !== 'mean';
  const m = /^wilson$/.exec(parts[0]);
  if (m && parts[1] !== undefined) {
    const rt = /^(\d+)x(\d+)$/.exec(parts[1]);
    if (rt) return { kind: 'wilson', R: Number(rt[1]), T: Number(rt[2]), perSite };
  }
  if (parts[0] === 'polyakov') return { kind: 'polyakov', perSite };
  if (parts[0] === 'charge') return { kind: 'charge', perSite };
  throw rangeError(
    'parseTarget',
    'target',
    'wilson:RxT, polyakov or charge, optionally followed by :mean (e.g. wilson:1x2, charge:mean)',
    text,
  );
}

/** The text form of a target, inverse of {@link parseTarget}. */
export function formatTarget(t: TargetSpec): string {
  const base = t.kind === 'wilson' ? `wilson:${t.R}x${t.T}` : t.kind;
  return t.perSite ? base : `${base}:mean`;
}

/** The target values of one configuration: V values per site, or 1. */
export function computeTarget(field: GaugeField, target: TargetSpec): Float64Array {
  let perSite: Float64Array;
  switch (target.kind) {
    case 'wilson':
      perSite = siteWilsonLoop(field, target.R, target.T);
      break;
    case 'polyakov': {
      const p = sitePolyakovLoop(field);
      perSite = new Float64Array(field.lattice.volume);
      for (let x = 0; x < perSite.length; x++) perSite[x] = p[2 * x];
      break;
    }
    case 'charge':
      perSite = topologicalChargeDensity(field);
      break;
  }
  if (target.perSite) return perSite;
  let sum = 0;
  for (let x = 0; x < perSite.length; x++) sum += perSite[x];
  return Float64Array.of(sum / perSite.length);
}

/**
 * How the target transforms under the point group when it does so as a site field (per site)
 * or as a number (averaged): Wilson loop averages and the Polyakov loop are scalars, the
 * topological charge density is a pseudo-scalar (odd under reflections).
 */
export function targetParity(target: TargetSpec): Parity {
  return target.kind === 'charge' ? 'pseudoscalar' : 'scalar';
}

/**
 * Checks that a model with this symmetry can represent the target: the target must be
 * invariant (or odd) under the symmetry, as a site field or as a lattice average.
 * @throws RangeError saying why the target is not symmetric and what to use instead.
 */
export function checkTargetSymmetry(fn: string, target: TargetSpec, symmetry: Symmetry): void {
  if (symmetry === 'none') return;
  if (target.kind === 'polyakov') {
    throw rangeError(
      fn,
      'target',
      `a target invariant under ${symmetry} (the Polyakov loop runs along the last axis, ` +
        'which rotations move; use symmetry "none")',
      formatTarget(target),
    );
  }
  if (target.kind === 'wilson' && target.perSite) {
    throw rangeError(
      fn,
      'target',
      `a target invariant under ${symmetry} (the per-site Wilson loops of x lie in the ` +
        `quadrant x + mu + nu, which a reflection or rotation moves to another: use ` +
        `wilson:${target.R}x${target.T}:mean)`,
      formatTarget(target),
    );
  }
}
