/**
 * The gradient flow of a gauge field, dV/dt = Z(V) V (DESIGN.md 2; Luescher, JHEP 08 (2010)
 * 071, arXiv:1006.4518; the actions in ./flowAction.ts), integrated with Luescher's RK3 at a
 * fixed step or with an adaptive step (./rungeKutta.ts), with observables measured at
 * requested flow times or after every step (./flowObservables.ts).
 *
 * Landing on the requested times: a step that would pass the next requested time (or t_max)
 * is shortened to end on it exactly, and the time is then set to the requested value (no
 * accumulated rounding). After such a shortened step the adaptive control goes on with the
 * step size it had proposed before, not with the shortened one.
 *
 * Work is split over piscina workers when `workers` > 0 (./flowEngine.ts); the result is bit
 * for bit the same for any number of workers (tested). {@link GradientFlow} keeps its fields
 * and threads between runs, so a whole ensemble is flowed without reallocating.
 *
 * @example
 * ```ts
 * const flow = new GradientFlow(field.lattice, field.N, { action: 'wilson', workers: 2 });
 * const run = await flow.run(field, { tMax: 4, times: [1, 2, 3, 4], tolerance: 1e-5 });
 * run.measurements.map((m) => m.t * m.t * m.energyClover); // t^2 E(t)
 * await flow.close();
 * ```
 *
 * @module
 */
import { checkInteger, rangeError, typeError } from '../core/validate.js';
import { GaugeField } from '../lattice/gaugeField.js';
import { Lattice } from '../lattice/lattice.js';
import { checkFlowAction, type FlowAction } from './flowAction.js';
import { SerialFlowEngine, WorkerFlowEngine, type FlowEngine } from './flowEngine.js';
import type { FlowBuffers } from './flowKernels.js';
import { measureFlowObservables, type FlowMeasurement } from './flowObservables.js';
import { stepFactor } from './rungeKutta.js';

/** Options of a {@link GradientFlow}: what it flows and on how many threads. */
export interface GradientFlowOptions {
  /** The flow action (./flowAction.ts); default 'wilson'. */
  action?: FlowAction;
  /** Worker threads; 0 (default) runs in the calling thread. */
  workers?: number;
}

/** Options of one {@link GradientFlow.run}. */
export interface FlowRunOptions {
  /** Flow until t = tMax > 0. */
  tMax: number;
  /**
   * Flow times at which to measure, ascending, each in [0, tMax] (0 measures the start
   * field). Default: after every step, and at t = 0.
   */
  times?: readonly number[];
  /** The fixed step size, or the first step of an adaptive flow; default 0.01. */
  epsilon?: number;
  /** Adaptive steps with this tolerance on the local error d (./rungeKutta.ts). */
  tolerance?: number;
  /** The largest adaptive step; default 0.125 (RK3 is stable for eps up to about 0.16 here). */
  maxEpsilon?: number;
  /** Measure the topological charge; default true in 4D. Only possible in 4D. */
  charge?: boolean;
  /**
   * Largest tolerated |U U^+ - 1| of the input links; default 1e-6. The flow keeps the links
   * in SU(N) only as far as they start there.
   */
  unitarityTolerance?: number;
  /**
   * Called with every measurement and the flowed field at that time (a view of the flow's
   * own links: copy it to keep it). May return a promise, which the flow awaits.
   */
  onMeasure?: (measurement: FlowMeasurement, field: GaugeField) => void | Promise<void>;
  /** Called after every step, accepted or rejected. */
  onStep?: (step: FlowStep) => void;
}

/** One step of a flow, for progress and for the adaptive statistics. */
export interface FlowStep {
  /** The flow time after the step (before it, when rejected). */
  t: number;
  /** The step size tried. */
  epsilon: number;
  /** Whether the step was accepted (always, at a fixed step size). */
  accepted: boolean;
  /** The local error estimate d of an adaptive step; NaN at a fixed step size. */
  distance: number;
}

/** The outcome of one {@link GradientFlow.run}. */
export interface FlowRun {
  /** The measurements, in flow-time order. */
  measurements: FlowMeasurement[];
  /** Accepted steps. */
  steps: number;
  /** Rejected adaptive steps. */
  rejected: number;
  /** The flowed field at tMax: a view of the flow's own links, valid until the next run. */
  field: GaugeField;
}

/** Default fixed step size. */
export const DEFAULT_EPSILON = 0.01;
/** Default largest adaptive step. */
export const DEFAULT_MAX_EPSILON = 0.125;
/** Default unitarity tolerance of the input links. */
export const DEFAULT_FLOW_UNITARITY_TOLERANCE = 1e-6;

/**
 * A gradient flow for fields on one lattice and group: holds the fields of the integrator
 * and, with workers, the thread pool. Call {@link GradientFlow.close} when done.
 */
export class GradientFlow {
  /** The lattice. */
  readonly lattice: Lattice;
  /** Number of colours. */
  readonly N: number;
  /** The flow action. */
  readonly action: FlowAction;
  /** Worker threads (0: the calling thread). */
  readonly workers: number;
  private readonly buffers: FlowBuffers;
  private readonly engine: FlowEngine;
  private readonly flowed: GaugeField;

  /**
   * @throws RangeError when N, the action or workers are invalid (naming them), or the
   *   action needs rectangles on a lattice with an extent below 3.
   */
  constructor(lattice: Lattice, N: number, options: GradientFlowOptions = {}) {
    const fn = 'GradientFlow';
    if (!(lattice instanceof Lattice)) throw typeError(fn, 'lattice', 'a Lattice', lattice);
    checkInteger(fn, 'N', N, 2);
    const action = checkFlowAction(fn, 'options.action', options.action ?? 'wilson', lattice);
    const workers = options.workers ?? 0;
    checkInteger(fn, 'options.workers', workers, 0, 256);
    this.lattice = lattice;
    this.N = N;
    this.action = action;
    this.workers = workers;
    const length = lattice.volume * lattice.D * 2 * N * N;
    const alloc = (): Float64Array =>
      workers > 0 ? new Float64Array(new SharedArrayBuffer(8 * length)) : new Float64Array(length);
    this.buffers = { links: alloc(), accumulator: alloc() };
    if (action === 'zeuthen') this.buffers.force = alloc();
    this.allocate = alloc;
    this.flowed = new GaugeField(lattice, N, this.buffers.links);
    this.engine =
      workers > 0
        ? new WorkerFlowEngine(workers, lattice, N, action, this.buffers)
        : new SerialFlowEngine(lattice, N, action, this.buffers);
  }

  private readonly allocate: () => Float64Array;

  /**
   * Flows a copy of `field` from t = 0 to `options.tMax` (the input is not modified),
   * measuring at the requested times.
   *
   * @throws RangeError/TypeError naming the option that is invalid: a field on another
   *   lattice or group, links not in SU(N), tMax not > 0, times not ascending or outside
   *   [0, tMax], epsilon, tolerance or maxEpsilon not > 0, charge outside 4D; Error when an
   *   adaptive step size falls below 1e-10 (the field blows up).
   */
  async run(field: GaugeField, options: FlowRunOptions): Promise<FlowRun> {
    const fn = 'GradientFlow.run';
    if (!(field instanceof GaugeField)) throw typeError(fn, 'field', 'a GaugeField', field);
    if (!field.lattice.equals(this.lattice) || field.N !== this.N) {
      throw rangeError(
        fn,
        'field',
        `a field on ${this.lattice} with N = ${this.N}`,
        `a field on ${field.lattice} with N = ${field.N}`,
      );
    }
    const plan = checkFlowRunOptions(fn, options, this.lattice);
    const violation = field.unitarityViolation();
    if (!(violation <= plan.unitarityTolerance)) {
      throw rangeError(
        fn,
        'field',
        `links in SU(${this.N}) (|U U^+ - 1| <= ${plan.unitarityTolerance})`,
        `|U U^+ - 1| = ${violation.toExponential(2)}`,
      );
    }
    if (plan.adaptive && this.buffers.start === undefined) {
      this.buffers.start = this.allocate();
      this.buffers.embedded = this.allocate();
    }
    this.buffers.links.set(field.links);

    const measurements: FlowMeasurement[] = [];
    const measure = async (t: number, steps: number): Promise<void> => {
      const m = await measureFlowObservables(this.engine, this.flowed, t, steps, plan.charge);
      measurements.push(m);
      if (options.onMeasure) await options.onMeasure(m, this.flowed);
    };

    const { targets, measured } = plan;
    let next = 0; // index of the next target time
    let t = 0;
    let steps = 0;
    let rejected = 0;
    let epsilon = plan.epsilon;
    if (plan.everyStep) await measure(0, 0);
    for (; next < targets.length && targets[next] === 0; next++) {
      if (measured[next]) await measure(0, 0);
    }

    while (next < targets.length) {
      const target = targets[next];
      // Shorten the step to land on the target when it would reach or pass it.
      let size = epsilon;
      let landing = t + size >= target - 1e-12 * Math.max(1, target);
      if (landing) size = target - t;
      if (!plan.adaptive) {
        await this.step(size, false);
        t = landing ? target : t + size;
        steps++;
        options.onStep?.({ t, epsilon: size, accepted: true, distance: NaN });
      } else {
        for (;;) {
          this.buffers.start!.set(this.buffers.links);
          const distance = await this.step(size, true);
          const factor = stepFactor(distance, plan.tolerance);
          if (distance <= plan.tolerance) {
            t = landing ? target : t + size;
            steps++;
            options.onStep?.({ t, epsilon: size, accepted: true, distance });
            // after a shortened step keep the proposal made before it
            if (!(landing && size < epsilon)) epsilon = Math.min(plan.maxEpsilon, size * factor);
            break;
          }
          rejected++;
          options.onStep?.({ t, epsilon: size, accepted: false, distance });
          this.buffers.links.set(this.buffers.start!);
          size *= factor;
          epsilon = size;
          landing = false;
          if (!(size >= 1e-10)) {
            throw new Error(
              `${fn}: the adaptive step fell to ${size.toExponential(2)} at t = ${t} ` +
                `(local error ${distance}): the field blows up`,
            );
          }
        }
      }
      if (landing) {
        if (plan.everyStep || measured[next]) await measure(t, steps);
        next++;
      } else if (plan.everyStep) {
        await measure(t, steps);
      }
    }
    return { measurements, steps, rejected, field: this.flowed };
  }

  /** One RK3 step of size eps; resolves to the local error estimate (adaptive) or 0. */
  private async step(eps: number, adaptive: boolean): Promise<number> {
    let distance = 0;
    for (let stage = 0; stage < 3; stage++) {
      await this.engine.force({ stage, epsilon: eps, adaptive });
      distance = await this.engine.update(adaptive && stage === 2);
    }
    return distance;
  }

  /** Releases the worker threads. */
  async close(): Promise<void> {
    await this.engine.close();
  }
}

/**
 * Flows a copy of `field` (a {@link GradientFlow} made and closed for this one run);
 * resolves to the run, whose `field` is a copy of the flowed field (kept after the run).
 */
export async function flowField(
  field: GaugeField,
  options: FlowRunOptions & GradientFlowOptions,
): Promise<FlowRun> {
  if (!(field instanceof GaugeField)) throw typeError('flowField', 'field', 'a GaugeField', field);
  const flow = new GradientFlow(field.lattice, field.N, options);
  try {
    const run = await flow.run(field, options);
    return { ...run, field: run.field.clone() };
  } finally {
    await flow.close();
  }
}

/** A validated {@link FlowRunOptions}: the stops of the flow and its settings. */
export interface RunPlan {
  /** The times the flow stops at, ascending; the last is tMax. */
  targets: number[];
  /** measured[i]: whether targets[i] was requested (tMax may not be). */
  measured: boolean[];
  /** Measure after every step (no times requested). */
  everyStep: boolean;
  /** The fixed step, or the first adaptive one. */
  epsilon: number;
  /** Adaptive steps. */
  adaptive: boolean;
  /** The tolerance of the adaptive steps (NaN at a fixed step). */
  tolerance: number;
  /** The largest adaptive step. */
  maxEpsilon: number;
  /** Measure the topological charge. */
  charge: boolean;
  /** Largest tolerated |U U^+ - 1| of the input links. */
  unitarityTolerance: number;
}

function positive(fn: string, arg: string, value: unknown, fallback: number): number {
  const x = value ?? fallback;
  if (typeof x !== 'number') throw typeError(fn, arg, 'a number', x);
  if (!Number.isFinite(x) || x <= 0) throw rangeError(fn, arg, 'a finite number > 0', x);
  return x;
}

/**
 * Checks the options of a run on `lattice` (as {@link GradientFlow.run} does; callers check
 * early, before they write anything).
 *
 * @throws RangeError/TypeError naming the invalid option.
 */
export function checkFlowRunOptions(
  fn: string,
  options: FlowRunOptions,
  lattice: Lattice,
): RunPlan {
  if (options === null || typeof options !== 'object') {
    throw typeError(fn, 'options', 'an object', options);
  }
  const tMax = positive(fn, 'options.tMax', options.tMax, NaN);
  const epsilon = positive(fn, 'options.epsilon', options.epsilon, DEFAULT_EPSILON);
  const adaptive = options.tolerance !== undefined;
  const tolerance = adaptive ? positive(fn, 'options.tolerance', options.tolerance, NaN) : NaN;
  const maxEpsilon = positive(fn, 'options.maxEpsilon', options.maxEpsilon, DEFAULT_MAX_EPSILON);
  const unitarityTolerance = positive(
    fn,
    'options.unitarityTolerance',
    options.unitarityTolerance,
    DEFAULT_FLOW_UNITARITY_TOLERANCE,
  );
  const charge = options.charge ?? lattice.D === 4;
  if (charge && lattice.D !== 4) {
    throw rangeError(
      fn,
      'options.charge',
      'a 4-dimensional field (the topological charge is defined in 4D)',
      `D = ${lattice.D}`,
    );
  }
  let targets: number[];
  let measured: boolean[];
  const everyStep = options.times === undefined;
  if (everyStep) {
    targets = [tMax];
    measured = [true];
  } else {
    if (!Array.isArray(options.times)) {
      throw typeError(fn, 'options.times', 'an array of flow times', options.times);
    }
    targets = [];
    for (let i = 0; i < options.times.length; i++) {
      const t = options.times[i];
      if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) {
        throw rangeError(fn, `options.times[${i}]`, 'a finite flow time >= 0', t);
      }
      if (i > 0 && !(t > options.times[i - 1])) {
        throw rangeError(fn, 'options.times', 'strictly ascending times', [...options.times]);
      }
      if (t > tMax) {
        throw rangeError(fn, 'options.tMax', `at least the largest requested time ${t}`, tMax);
      }
      targets.push(t);
    }
    measured = targets.map(() => true);
    if (targets.length === 0 || targets[targets.length - 1] < tMax) {
      targets.push(tMax);
      measured.push(false);
    }
  }
  return {
    targets,
    measured,
    everyStep,
    epsilon: adaptive ? Math.min(epsilon, maxEpsilon) : epsilon,
    adaptive,
    tolerance,
    maxEpsilon,
    charge,
    unitarityTolerance,
  };
}
