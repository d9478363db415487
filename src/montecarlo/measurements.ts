/**
 * The per-configuration measurements an ensemble records (DESIGN.md 4): plaquette, Wilson
 * loops up to a size, the Polyakov loop along time, and in 4D the topological charge.
 * Names are the stable keys of files and of `lgt measure --json`.
 *
 * @module
 */
import type { GaugeField } from '../lattice/gaugeField.js';
import { averagePlaquette } from '../lattice/observables/plaquette.js';
import { polyakovLoop } from '../lattice/observables/polyakov.js';
import { topologicalCharge } from '../lattice/observables/topologicalCharge.js';
import { averageWilsonLoop } from '../lattice/observables/wilsonLoops.js';

/** What to measure on every saved configuration. */
export interface MeasurementSpec {
  /** Wilson loops R x T for 1 <= R <= T <= this size (1 x 1 is the plaquette, always measured). */
  wilsonLoops: number;
  /** The Polyakov loop along the last axis (re and im). */
  polyakovLoop: boolean;
  /** The clover topological charge (4D only; ignored otherwise). */
  topologicalCharge: boolean;
}

/** The default: loops up to 2 x 2, the Polyakov loop, and Q in 4D. */
export const defaultMeasurements: MeasurementSpec = {
  wilsonLoops: 2,
  polyakovLoop: true,
  topologicalCharge: true,
};

/** Name of the R x T Wilson loop observable, e.g. "wilson_loop_1x2". */
export function wilsonLoopName(R: number, T: number): string {
  return `wilson_loop_${R}x${T}`;
}

/** Measures a configuration; keys in a fixed order. */
export function measureConfiguration(
  field: GaugeField,
  spec: MeasurementSpec,
): Record<string, number> {
  const out: Record<string, number> = { plaquette: averagePlaquette(field) };
  const { dims } = field.lattice;
  const maxExtent = Math.min(...dims);
  for (let T = 1; T <= Math.min(spec.wilsonLoops, maxExtent); T++) {
    for (let R = 1; R <= T; R++) {
      if (R === 1 && T === 1) continue;
      out[wilsonLoopName(R, T)] = averageWilsonLoop(field, R, T);
    }
  }
  if (spec.polyakovLoop) {
    const p = polyakovLoop(field);
    out.polyakov_loop_re = p.re;
    out.polyakov_loop_im = p.im;
  }
  if (spec.topologicalCharge && field.lattice.D === 4) {
    out.topological_charge = topologicalCharge(field);
  }
  return out;
}
