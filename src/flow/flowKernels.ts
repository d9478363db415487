/**
 * The loops of one flow step and of one measurement, over a range of sites: the unit of
 * parallel work (./flowEngine.ts runs them in this thread or on piscina workers over
 * SharedArrayBuffers). Every link's result depends only on the fields read, never on how the
 * sites are split, and sums are formed per fixed block (one time slice) in site order, so a
 * flow is bit for bit the same for any number of workers.
 *
 * Fields (each V*D matrices in the layout of GaugeField.links):
 *
 * - `links`: V, flowing in place;
 * - `accumulator`: X of the low-storage Runge-Kutta scheme (./rungeKutta.ts);
 * - `force`: F, the Symanzik gradient before the Zeuthen operator (zeuthen only);
 * - `start`: W_0, a copy of V at the start of the step (adaptive only);
 * - `embedded`: Vbar, the embedded second-order solution (adaptive only).
 *
 * A stage of the Runge-Kutta scheme is two phases with a barrier between them: the force
 * phase ({@link forcePhase}, for zeuthen followed by {@link zeuthenPhase}) reads V at the
 * neighbours and writes X (and Vbar in stage 1 of an adaptive step); the update phase
 * ({@link updatePhase}) sets V <- exp(X) V link by link.
 *
 * @module
 */
import type { SUNKernels } from '../sun/types.js';
import { GaugeField } from '../lattice/gaugeField.js';
import type { Lattice } from '../lattice/lattice.js';
import { staple } from '../lattice/staple.js';
import {
  createRectangleScratch,
  rectangleStaple,
  type RectangleScratch,
} from '../lattice/rectangleStaple.js';
import {
  cloverAt,
  createCloverScratch,
  type CloverScratch,
} from '../lattice/observables/clover.js';
import { cloverEnergyAt } from '../lattice/observables/actionDensity.js';
import { chargeDensityAt } from '../lattice/observables/topologicalCharge.js';
import { planes } from '../lattice/observables/planes.js';
import { actionWeights, type FlowAction } from './flowAction.js';
import { RK3_A, RK3_B } from './rungeKutta.js';

/** The fields a flow works on (module header); optional ones exist where needed. */
export interface FlowBuffers {
  /** V, the flowing links. */
  links: Float64Array;
  /** X, the Runge-Kutta accumulator. */
  accumulator: Float64Array;
  /** F, the Symanzik gradient (zeuthen only). */
  force?: Float64Array;
  /** W_0, the links at the start of the step (adaptive only). */
  start?: Float64Array;
  /** Vbar, the embedded second-order solution (adaptive only). */
  embedded?: Float64Array;
}

/** Numbers per block of {@link measurePhase}: sum Re tr(1 - U_P), sum E_clover, sum q. */
export const MEASURE_SUMS = 3;

/**
 * Per-thread state of the kernels: the field views, the action's weights and scratch, so that
 * no loop allocates.
 */
export class FlowKernelContext {
  /** The lattice. */
  readonly lattice: Lattice;
  /** The group's kernels. */
  readonly group: SUNKernels;
  /** The flow action. */
  readonly action: FlowAction;
  /** Weight of the plaquettes in the gradient. */
  readonly c0: number;
  /** Weight of the rectangles in the gradient. */
  readonly c1: number;
  /** The fields (module header). */
  readonly buffers: FlowBuffers;
  /** V as a GaugeField (for the staples and observables). */
  readonly field: GaugeField;
  /** Sites per measurement block: one slice of the last axis. */
  readonly blockSites: number;
  private readonly rect: RectangleScratch | undefined;
  private readonly clover: CloverScratch;
  private readonly a: Float64Array;
  private readonly b: Float64Array;
  private readonly y: Float64Array;
  private readonly tmp: Float64Array;
  private readonly F: Float64Array;
  private readonly traces: Float64Array;
  /** One matrix: the gradient P of the current link. */
  readonly p: Float64Array;
  /** Three matrices: the terms of the Zeuthen operator; the first also exp(X) in updates. */
  readonly z: Float64Array;

  constructor(lattice: Lattice, group: SUNKernels, action: FlowAction, buffers: FlowBuffers) {
    this.lattice = lattice;
    this.group = group;
    this.action = action;
    const { c0, c1 } = actionWeights(action);
    this.c0 = c0;
    this.c1 = c1;
    this.buffers = buffers;
    this.field = new GaugeField(lattice, group, buffers.links);
    this.blockSites = lattice.volume / lattice.dims[lattice.D - 1];
    const m = group.matrixSize;
    this.rect = c1 !== 0 ? createRectangleScratch(this.field) : undefined;
    this.clover = createCloverScratch(this.field);
    this.a = new Float64Array(m);
    this.b = new Float64Array(m);
    this.y = new Float64Array(m);
    this.p = new Float64Array(m);
    this.z = new Float64Array(3 * m);
    this.tmp = new Float64Array(2 * m);
    this.F = new Float64Array(planes(lattice.D).length * m);
    this.traces = new Float64Array(planes(lattice.D).length);
  }

  /**
   * out = Pi(V_mu(x) (c0 A + c1 R)): minus the action's gradient Z of the link (Wilson and
   * Symanzik; ./flowAction.ts). Uses scratch a, b.
   */
  gradient(out: Float64Array, site: number, mu: number): Float64Array {
    const g = this.group;
    const field = this.field;
    const A = this.a;
    staple(A, 0, field, site, mu, this.tmp);
    if (this.rect !== undefined) {
      const R = this.b;
      rectangleStaple(R, 0, field, site, mu, this.rect);
      g.scale(A, 0, A, 0, this.c0, 0);
      g.axpy(A, 0, this.c1, R, 0);
    }
    g.multiply(A, 0, field.links, field.offset(site, mu), A, 0);
    return g.projectAlgebra(out, 0, A, 0);
  }

  /**
   * The Runge-Kutta accumulation of one link, given P = -Z (the projection that
   * {@link FlowKernelContext.gradient} returns): X <- -a_i epsilon P + b_i X, and in stage 1
   * of an adaptive step first Vbar = exp(-2 epsilon P - 4 X_old) W_0 (./rungeKutta.ts:
   * exp(2 Z_1 - Z_0) W_0 with Z_0 = 4 X). P must not be the scratch y or tmp.
   */
  accumulate(
    P: Float64Array,
    off: number,
    stage: number,
    epsilon: number,
    adaptive: boolean,
  ): void {
    const g = this.group;
    const m = g.matrixSize;
    const X = this.buffers.accumulator;
    if (adaptive && stage === 1) {
      const Y = this.y;
      for (let k = 0; k < m; k++) Y[k] = -2 * epsilon * P[k] - 4 * X[off + k];
      g.exp(this.tmp, 0, Y, 0);
      g.multiply(this.buffers.embedded!, off, this.tmp, 0, this.buffers.start!, off);
    }
    const a = -RK3_A[stage] * epsilon;
    const b = RK3_B[stage];
    if (b === 0) {
      for (let k = 0; k < m; k++) X[off + k] = a * P[k];
    } else {
      for (let k = 0; k < m; k++) X[off + k] = a * P[k] + b * X[off + k];
    }
  }

  /** Sites of measurement block `block` (one slice of the last axis). */
  blockRange(block: number): [number, number] {
    return [block * this.blockSites, (block + 1) * this.blockSites];
  }

  /**
   * Writes the sums of block `block` to out[oOff..oOff+2]: sum_x sum_{mu<nu} Re tr(1 - U_P(x))
   * (= E_plaquette / 2, summed per site before it is added, which keeps the digits of a
   * smooth field), sum_x E_clover(x), and sum_x q(x) (0 unless D = 4 and `charge`).
   */
  measureBlock(out: Float64Array, oOff: number, block: number, charge: boolean): void {
    const g = this.group;
    const field = this.field;
    const nPlanes = planes(this.lattice.D).length;
    const unit = nPlanes * g.N;
    const [begin, end] = this.blockRange(block);
    let plaquettes = 0;
    let energy = 0;
    let q = 0;
    const traces = this.traces;
    for (let x = begin; x < end; x++) {
      cloverAt(this.F, 0, field, x, this.clover, traces);
      let site = unit;
      for (let p = 0; p < nPlanes; p++) site -= traces[p];
      plaquettes += site;
      energy += cloverEnergyAt(this.F, 0, g, nPlanes);
      if (charge) q += chargeDensityAt(this.F, 0, g);
    }
    out[oOff] = plaquettes;
    out[oOff + 1] = energy;
    out[oOff + 2] = q;
  }
}

/** What one phase of a stage needs to know. */
export interface StageSpec {
  /** The Runge-Kutta stage, 0, 1 or 2. */
  stage: number;
  /** The step size epsilon. */
  epsilon: number;
  /** Whether the step is adaptive (stage 1 then also forms Vbar). */
  adaptive: boolean;
}

/**
 * The force phase for the sites [begin, end): for wilson and symanzik the gradient and the
 * accumulation of every link; for zeuthen the Symanzik gradient F into `force` (the
 * accumulation follows in {@link zeuthenPhase}, after a barrier).
 */
export function forcePhase(
  ctx: FlowKernelContext,
  begin: number,
  end: number,
  spec: StageSpec,
): void {
  const D = ctx.lattice.D;
  const m = ctx.group.matrixSize;
  const P = ctx.p;
  const F = ctx.buffers.force;
  const zeuthen = ctx.action === 'zeuthen';
  for (let x = begin; x < end; x++) {
    for (let mu = 0; mu < D; mu++) {
      const off = (x * D + mu) * m;
      ctx.gradient(P, x, mu);
      if (zeuthen) F!.set(P, off);
      else ctx.accumulate(P, off, spec.stage, spec.epsilon, spec.adaptive);
    }
  }
}

/**
 * The Zeuthen phase for the sites [begin, end): P = (5/6) F_mu(x) + (1/12) [V_mu(x)
 * F_mu(x+mu) V_mu(x)^+ + V_mu(x-mu)^+ F_mu(x-mu) V_mu(x-mu)] (./flowAction.ts, Ramos and
 * Sint, arXiv:1508.05552) and its accumulation. F holds Pi(V (c0 A + c1 R)) = -Z_LW, so P = -Z.
 */
export function zeuthenPhase(
  ctx: FlowKernelContext,
  begin: number,
  end: number,
  spec: StageSpec,
): void {
  const g = ctx.group;
  const { D, up, down } = ctx.lattice;
  const m = g.matrixSize;
  const U = ctx.buffers.links;
  const F = ctx.buffers.force!;
  const P = ctx.p;
  const s1 = ctx.z;
  for (let x = begin; x < end; x++) {
    for (let mu = 0; mu < D; mu++) {
      const off = (x * D + mu) * m;
      const xp = up[x * D + mu];
      const xm = down[x * D + mu];
      const offM = (xm * D + mu) * m;
      // V_mu(x) F_mu(x+mu) V_mu(x)^+
      g.multiply(s1, 0, U, off, F, (xp * D + mu) * m);
      g.multiplyAdjoint(s1, m, s1, 0, U, off);
      // V_mu(x-mu)^+ F_mu(x-mu) V_mu(x-mu)
      g.adjointMultiply(s1, 0, U, offM, F, offM);
      g.multiply(s1, 2 * m, s1, 0, U, offM);
      for (let k = 0; k < m; k++) {
        P[k] = (5 / 6) * F[off + k] + (1 / 12) * (s1[m + k] + s1[2 * m + k]);
      }
      ctx.accumulate(P, off, spec.stage, spec.epsilon, spec.adaptive);
    }
  }
}

/**
 * The update phase for the sites [begin, end): V <- exp(X) V for every link. With
 * `distance`, returns max ||V - Vbar||_F / N^2 over these links (./rungeKutta.ts), else 0.
 */
export function updatePhase(
  ctx: FlowKernelContext,
  begin: number,
  end: number,
  distance: boolean,
): number {
  const g = ctx.group;
  const D = ctx.lattice.D;
  const N = g.N;
  const m = g.matrixSize;
  const U = ctx.buffers.links;
  const X = ctx.buffers.accumulator;
  const E = ctx.z;
  const Vbar = ctx.buffers.embedded;
  let worst = 0;
  for (let off = begin * D * m; off < end * D * m; off += m) {
    g.exp(E, 0, X, off);
    g.multiply(U, off, E, 0, U, off);
    if (distance) {
      let d2 = 0;
      for (let k = 0; k < m; k++) {
        const d = U[off + k] - Vbar![off + k];
        d2 += d * d;
      }
      // NaN propagates (and stays): a step that blew up is never accepted
      worst = maxWithNaN(worst, Math.sqrt(d2) / (N * N));
    }
  }
  return worst;
}

/**
 * The measurement sums of the blocks [blockBegin, blockEnd) into out, {@link MEASURE_SUMS}
 * numbers per block from out[0] (see {@link FlowKernelContext.measureBlock}).
 */
export function measurePhase(
  ctx: FlowKernelContext,
  blockBegin: number,
  blockEnd: number,
  charge: boolean,
  out: Float64Array,
): Float64Array {
  for (let b = blockBegin; b < blockEnd; b++) {
    ctx.measureBlock(out, (b - blockBegin) * MEASURE_SUMS, b, charge);
  }
  return out;
}

/** max(a, b), NaN when either is NaN. */
export function maxWithNaN(a: number, b: number): number {
  return Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b);
}
