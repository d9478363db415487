/**
 * What is measured along the flow, at one flow time t (DESIGN.md 2; Luescher, JHEP 08 (2010)
 * 071, arXiv:1006.4518, section 3):
 *
 * - the energy density in two discretisations, averaged over the sites:
 *   plaquette E = 2 sum_{mu<nu} Re tr(1 - U_mu,nu(x)), and clover
 *   E = -sum_{mu<nu} tr(G_mu,nu(x)^2) with G the traceless anti-hermitian clover average
 *   (src/lattice/observables/clover.ts, actionDensity.ts). For a smooth field both are
 *   -sum_{mu<nu} tr(a^4 G^2) + O(a^6), i.e. (1/4) G^a G^a in the continuum normalisation;
 * - the clover topological charge Q = sum_x q(x) (4D; src/lattice/observables/topologicalCharge.ts);
 * - the plaquette P = <(1/N) Re tr U_P> (= 1 - E_plaquette / (2 N D(D-1)/2));
 * - the Polyakov loop along the last axis.
 *
 * t^2 E(t) and W(t) = t d/dt (t^2 E) are formed from these by ./scaleSetting.ts.
 *
 * @module
 */
import type { GaugeField } from '../lattice/gaugeField.js';
import { hyperplanePolyakovLoop, type Complex } from '../lattice/observables/polyakov.js';
import { planes } from '../lattice/observables/planes.js';
import type { FlowEngine } from './flowEngine.js';
import { MEASURE_SUMS } from './flowKernels.js';

/** The observables at one flow time (module header). */
export interface FlowMeasurement {
  /** The flow time t. */
  t: number;
  /** Accepted integration steps up to t. */
  steps: number;
  /** <E> per site, plaquette discretisation. */
  energyPlaquette: number;
  /** <E> per site, clover discretisation. */
  energyClover: number;
  /** The clover topological charge Q (sum over sites); null where not measured (D != 4). */
  charge: number | null;
  /** The average plaquette <(1/N) Re tr U_P>. */
  plaquette: number;
  /** The average Polyakov loop <(1/N) tr P> along the last axis. */
  polyakovLoop: Complex;
}

/**
 * Measures the field the engine works on (`field`, a view of the same links) at flow time
 * t, after `steps` steps. The sums run per block on the engine, then over the blocks in
 * order, so the numbers are the same for any number of workers.
 */
export async function measureFlowObservables(
  engine: FlowEngine,
  field: GaugeField,
  t: number,
  steps: number,
  charge: boolean,
): Promise<FlowMeasurement> {
  const sums = await engine.measure(charge);
  let plaquettes = 0;
  let energy = 0;
  let q = 0;
  for (let k = 0; k < sums.length; k += MEASURE_SUMS) {
    plaquettes += sums[k];
    energy += sums[k + 1];
    q += sums[k + 2];
  }
  const V = field.lattice.volume;
  const nPlanes = planes(field.lattice.D).length;
  return {
    t,
    steps,
    energyPlaquette: (2 * plaquettes) / V,
    energyClover: energy / V,
    charge: charge ? q : null,
    plaquette: 1 - plaquettes / (field.N * nPlanes * V),
    polyakovLoop: hyperplanePolyakovLoop(field),
  };
}
