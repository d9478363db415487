/**
 * The gradient flow: Wilson, Symanzik and Zeuthen flow (Luescher's RK3 at a fixed step or
 * with adaptive steps, on worker threads, bit for bit the same for any number of them),
 * observables along the flow (energy density in two discretisations, topological charge,
 * plaquette, Polyakov loop), scale setting (t0, w0) and the topological susceptibility with
 * Gamma-method errors, and the flow of whole ensembles into flow files with checkpoints.
 *
 * @example
 * ```ts
 * import { GradientFlow, flowScale } from 'lattice-gauge/flow';
 * const flow = new GradientFlow(field.lattice, 3, { action: 'wilson', workers: 2 });
 * const run = await flow.run(field, { tMax: 4, times: [0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4], tolerance: 1e-5 });
 * await flow.close();
 * ```
 *
 * @module
 */
export {
  FLOW_ACTIONS,
  SYMANZIK_C0,
  SYMANZIK_C1,
  actionWeights,
  checkFlowAction,
  type ActionWeights,
  type FlowAction,
} from './flowAction.js';
export {
  RK3_A,
  RK3_B,
  ADAPTIVE_SAFETY,
  ADAPTIVE_MIN_FACTOR,
  ADAPTIVE_MAX_FACTOR,
  stepFactor,
} from './rungeKutta.js';
export {
  FlowKernelContext,
  MEASURE_SUMS,
  forcePhase,
  zeuthenPhase,
  updatePhase,
  measurePhase,
  maxWithNaN,
  type FlowBuffers,
  type StageSpec,
} from './flowKernels.js';
export {
  SerialFlowEngine,
  WorkerFlowEngine,
  type FlowEngine,
  type FlowTask,
} from './flowEngine.js';
export { measureFlowObservables, type FlowMeasurement } from './flowObservables.js';
export {
  GradientFlow,
  flowField,
  checkFlowRunOptions,
  DEFAULT_EPSILON,
  DEFAULT_MAX_EPSILON,
  DEFAULT_FLOW_UNITARITY_TOLERANCE,
  type GradientFlowOptions,
  type FlowRunOptions,
  type FlowRun,
  type FlowStep,
  type RunPlan,
} from './gradientFlow.js';
export {
  SCALE_REFERENCE,
  flowScale,
  flowCurve,
  findCrossing,
  topologicalSusceptibility,
  t0SquaredChi,
  lagrange,
  lagrangeDerivative,
  stencil,
  type ScaleKind,
  type Crossing,
  type ScaleEstimate,
  type Estimate,
  type FlowCurvePoint,
} from './scaleSetting.js';
export {
  flowEnsemble,
  flowedLinksPath,
  FLOW_OBSERVABLES,
  type FlowEnsembleSpec,
  type FlowEnsembleOptions,
  type FlowEnsembleSummary,
  type FlowProgress,
  type SavedLinks,
} from './flowEnsemble.js';
export {
  flowStatistics,
  flowStatisticsJson,
  type FlowBetaStatistics,
  type FlowStatisticsOptions,
  type ScaleOutcome,
  type Failure,
  type ByDiscretisation,
} from './flowStatistics.js';
