/**
 * The actions whose gradient drives the flow (dV/dt = Z(V) V, DESIGN.md 2):
 *
 * - `wilson`: the Wilson flow of Luescher, JHEP 08 (2010) 071, arXiv:1006.4518, section 2:
 *   Z_mu(x) = -g0^2 d_{x,mu} S_W(V), which with the plaquette staple A (src/lattice/staple.ts)
 *   is Z_mu(x) = -Pi(V_mu(x) A_mu(x)), Pi the traceless anti-hermitian part (projectAlgebra).
 * - `symanzik`: the same gradient of the tree-level Symanzik (Luescher-Weisz) action,
 *   c0 = 5/3 on the plaquettes and c1 = -1/12 on the 2x1 rectangles (c0 + 8 c1 = 1, so the
 *   continuum normalisation is the Wilson action's): Z = -Pi(V (c0 A + c1 R)), R the rectangle
 *   staple (src/lattice/rectangleStaple.ts). The "Symanzik flow" of e.g. the MILC and BMW
 *   scale settings.
 * - `zeuthen`: the Zeuthen flow of Ramos and Sint, Eur. Phys. J. C 76 (2016) 15,
 *   arXiv:1508.05552 (their Zeuthen flow): the Symanzik gradient F_mu(x) = -Pi(V (c0 A + c1 R))
 *   smoothed by (1 + a^2/12 nabla*_mu nabla_mu), which removes the O(a^2) effects of the flow
 *   equation at tree level:
 *
 *       Z_mu(x) = (5/6) F_mu(x) + (1/12) [ V_mu(x) F_mu(x+mu) V_mu(x)^+
 *                                        + V_mu(x-mu)^+ F_mu(x-mu) V_mu(x-mu) ],
 *
 *   nabla_mu F(x) = V_mu(x) F(x+mu) V_mu(x)^+ - F(x) and nabla*_mu F(x) = F(x) -
 *   V_mu(x-mu)^+ F(x-mu) V_mu(x-mu) being the adjoint covariant differences (the same form as
 *   Grid's ZeuthenFlow and SIMULATeQCD's zeuthen force).
 *
 * Every action works for any N >= 2 and D >= 2. The rectangle actions need extents >= 3, so
 * that a 2x1 rectangle does not wrap around the torus onto itself.
 *
 * @module
 */
import { rangeError } from '../core/validate.js';
import type { Lattice } from '../lattice/lattice.js';

/** The flow actions. */
export const FLOW_ACTIONS = ['wilson', 'symanzik', 'zeuthen'] as const;
/** One of {@link FLOW_ACTIONS}. */
export type FlowAction = (typeof FLOW_ACTIONS)[number];

/** Tree-level Symanzik (Luescher-Weisz) weight of the 2x1 rectangles. */
export const SYMANZIK_C1 = -1 / 12;
/** Weight of the plaquettes, c0 = 1 - 8 c1 = 5/3. */
export const SYMANZIK_C0 = 1 - 8 * SYMANZIK_C1;

/** The weights of the loops of an action. */
export interface ActionWeights {
  /** Weight of the plaquettes. */
  c0: number;
  /** Weight of the 2x1 rectangles. */
  c1: number;
}

/** The plaquette and rectangle weights (c0, c1) of an action's gradient. */
export function actionWeights(action: FlowAction): ActionWeights {
  return action === 'wilson' ? { c0: 1, c1: 0 } : { c0: SYMANZIK_C0, c1: SYMANZIK_C1 };
}

/**
 * Checks that `action` is a flow action that the lattice can use.
 *
 * @throws RangeError naming `arg` when it is not one of {@link FLOW_ACTIONS}, or when it
 *   has rectangles and an extent is below 3.
 */
export function checkFlowAction(
  fn: string,
  arg: string,
  action: unknown,
  lattice: Lattice,
): FlowAction {
  if (typeof action !== 'string' || !(FLOW_ACTIONS as readonly string[]).includes(action)) {
    throw rangeError(fn, arg, `one of ${FLOW_ACTIONS.join(', ')}`, JSON.stringify(action));
  }
  if (action !== 'wilson' && lattice.dims.some((L) => L < 3)) {
    throw rangeError(
      fn,
      arg,
      `wilson on a lattice with an extent below 3 (the ${action} action's 2x1 rectangles would wrap onto themselves)`,
      `${action} on ${lattice}`,
    );
  }
  return action as FlowAction;
}
