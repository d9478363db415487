/**
 * Monte Carlo for the Wilson gauge action: counter-based random numbers, heatbath,
 * overrelaxation, Metropolis and HMC, checkerboard sweeps on worker threads, ensembles with
 * checkpoints, and Wolff's Gamma method for honest error bars; the same sweeps on a GPU
 * through WebGPU (WebGpuSweeper, ./gpu).
 *
 * @example
 * ```ts
 * import { generateEnsemble } from 'lattice-gauge/montecarlo';
 * await generateEnsemble(
 *   {
 *     N: 2, dims: [16, 16], betas: [2.0], algorithm: { kind: 'heatbath', overrelaxation: 1 },
 *     thermalization: 100, separation: 10, configurations: 100, seed: 1, start: 'cold',
 *     reunitarizeEvery: 10, measurements: { wilsonLoops: 2, polyakovLoop: true, topologicalCharge: false },
 *   },
 *   { output: 'su2-beta2.h5', workers: 2 },
 * );
 * ```
 *
 * @module
 */
export { philox4x32, SiteStream, DrawKind, philoxKey, streamCounterWord } from './philox.js';
export { sampleX0, sampleSU2, CREUTZ_BELOW_ALPHA } from './su2Sampler.js';
export { heatbathLink, createUpdateScratch, type UpdateScratch } from './heatbath.js';
export { overrelaxLink } from './overrelaxation.js';
export { metropolisLink, type MetropolisParameters } from './metropolis.js';
export {
  checkCheckerboard,
  sitesByParity,
  updatePassRange,
  sweepPasses,
  PassContext,
  type PassSpec,
  type LocalUpdateKind,
} from './checkerboard.js';
export {
  SerialSweeper,
  type Sweeper,
  type SweepSpec,
  type SweeperOptions,
} from './serialSweeper.js';
export { WorkerSweeper, type PassTask } from './sweeper.js';
export {
  toWasmMemory,
  wasmLayoutOf,
  WASM_RESERVED_BYTES,
  type WasmFieldLayout,
} from './wasm/wasmField.js';
export { MonteCarloWasm, monteCarloWasmFor, wasmHasPass } from './wasm/monteCarloWasm.js';
export {
  checkKernelChoice,
  KERNEL_CHOICES,
  webAssemblyKernelSupport,
  WASM_PAGE_BYTES,
  type KernelChoice,
  type CompiledKernels,
  type KernelModule,
  type WebAssemblyAvailable,
  type WebAssemblyUnavailable,
  type WasmMemory,
  type WasmModule,
  type WasmInstance,
  type WebAssemblyApi,
} from '../core/webassembly.js';
export {
  hmcTrajectory,
  drawMomenta,
  kineticEnergy,
  hamiltonian,
  type TrajectoryResult,
  type TrajectoryOptions,
  type ReversibilityCheck,
} from './hmc.js';
export { gaugeForce, addGaugeForce, createForceScratch, type ForceScratch } from './gaugeForce.js';
export {
  integrate,
  createIntegratorScratch,
  OMELYAN_LAMBDA,
  type IntegratorScratch,
  type HmcParameters,
  type Integrator,
} from './integrators.js';
export {
  monteCarloStep,
  type Algorithm,
  type HeatbathAlgorithm,
  type MetropolisAlgorithm,
  type HmcAlgorithm,
  type AlgorithmSpec,
  type MetropolisSpec,
  type HmcSpec,
  type StepOptions,
  type StepStatistics,
} from './algorithm.js';
export {
  assessEnsemble,
  assessSavedSeries,
  driftOf,
  gewekeDiagnostic,
  linearTrend,
  MIN_TREND_SAMPLES,
  DRIFT_SIGMA,
  STUCK_STEPS,
  type Drift,
  type Trend,
  type ChainFinding,
  type ChainRecord,
  type ChainCounts,
} from './chainHealth.js';
export {
  gammaAnalysis,
  gammaAnalysisReplica,
  gammaAnalysisDerived,
  type GammaResult,
  type GammaOptions,
  type DerivedGammaOptions,
} from '../core/gamma.js';
export { formatEstimate } from '../core/estimateFormat.js';
export {
  measureConfiguration,
  wilsonLoopName,
  defaultMeasurements,
  type MeasurementSpec,
} from './measurements.js';
export {
  ensembleStatistics,
  type ObservableEstimate,
  type BetaStatistics,
} from './ensembleStatistics.js';
export type { ScanSummary, ScanSummaryPoint } from './scanSummary.js';
export { writeCheckpoint, readCheckpoint, type Checkpoint } from './checkpoint.js';
export {
  generateEnsemble,
  validateRunSpec,
  startField,
  type RunSpec,
  type RunOptions,
  type RunProgress,
  type RunSummary,
} from './generate.js';
export {
  besselI,
  singleLinkPartitionFunction,
  exactPlaquette2d,
  exactWilsonLoop2d,
} from './exact2d.js';
export {
  WebGpuSweeper,
  requestGpu,
  createWebGpuSweeper,
  requestBrowserGpu,
  contextFromAdapter,
  describeAdapter,
  DEFAULT_GPU_BACKENDS,
  checkGpuLattice,
  gpuLinkBytes,
  packLinks,
  unpackLinks,
  gpuStreamDraws,
  GPU_COMPONENTS,
  GPU_MAX_DIMENSIONS,
  type GpuBackend,
  type GpuContext,
  type RequestGpuOptions,
  type StreamCounters,
  type GpuDraws,
} from './gpu/index.js';
