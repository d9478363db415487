/**
 * lattice-gauge in a browser: every module that imports nothing from Node (no files, no
 * threads, no native addons), re-exported from one entry, `lattice-gauge/browser`. The web
 * page (web/) is built on it alone, and a test (test/browserEntry.test.ts) walks its import
 * graph and fails if it reaches a `node:` module or a Node-only package.
 *
 * What is here: the SU(N) algebra and the lattice (all of `lattice-gauge/sun` and
 * `lattice-gauge/lattice`); the Monte Carlo updates, Philox, the serial sweeper and the
 * WebGPU sweeper (on a device from `navigator.gpu` via {@link requestBrowserGpu}), the Gamma
 * method and the exact 2D results; the L-CNN engine (models from a model file's text via
 * {@link modelFromJson}, layers, targets); the NERSC codec ({@link encodeNersc},
 * {@link decodeNersc}); the report's Vega-Lite specifications and their SVG rendering.
 * What is not: files, HDF5, worker threads (WorkerSweeper, data-parallel training), Dawn,
 * TensorFlow.js, the CLI.
 *
 * @module
 */
export * from './sun/index.js';
export * from './lattice/index.js';
export { FileError } from './core/fileError.js';

// Monte Carlo
export {
  philox4x32,
  SiteStream,
  DrawKind,
  philoxKey,
  streamCounterWord,
} from './montecarlo/philox.js';
export { staple } from './lattice/staple.js';
export { sampleX0, sampleSU2, CREUTZ_BELOW_ALPHA } from './montecarlo/su2Sampler.js';
export { heatbathLink, createUpdateScratch, type UpdateScratch } from './montecarlo/heatbath.js';
export { overrelaxLink } from './montecarlo/overrelaxation.js';
export { metropolisLink, type MetropolisParameters } from './montecarlo/metropolis.js';
export {
  checkCheckerboard,
  sitesByParity,
  updatePassRange,
  sweepPasses,
  PassContext,
  type PassSpec,
  type LocalUpdateKind,
} from './montecarlo/checkerboard.js';
export {
  SerialSweeper,
  type Sweeper,
  type SweepSpec,
  type SweeperOptions,
} from './montecarlo/serialSweeper.js';
export {
  toWasmMemory,
  wasmLayoutOf,
  WASM_RESERVED_BYTES,
  type WasmFieldLayout,
} from './montecarlo/wasm/wasmField.js';
export {
  MonteCarloWasm,
  monteCarloWasmFor,
  wasmHasPass,
} from './montecarlo/wasm/monteCarloWasm.js';
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
} from './core/webassembly.js';
export {
  hmcTrajectory,
  drawMomenta,
  kineticEnergy,
  hamiltonian,
  type TrajectoryResult,
  type TrajectoryOptions,
  type ReversibilityCheck,
} from './montecarlo/hmc.js';
export {
  monteCarloStep,
  type Algorithm,
  type HeatbathAlgorithm,
  type MetropolisAlgorithm,
  type HmcAlgorithm,
  type StepStatistics,
} from './montecarlo/algorithm.js';
export {
  gammaAnalysis,
  gammaAnalysisReplica,
  gammaAnalysisDerived,
  type GammaResult,
  type GammaOptions,
} from './core/gamma.js';
export { formatEstimate } from './core/estimateFormat.js';
export {
  measureConfiguration,
  wilsonLoopName,
  defaultMeasurements,
  type MeasurementSpec,
} from './montecarlo/measurements.js';
export {
  besselI,
  singleLinkPartitionFunction,
  exactPlaquette2d,
  exactWilsonLoop2d,
} from './montecarlo/exact2d.js';
export { WebGpuSweeper } from './montecarlo/gpu/webgpuSweeper.js';
export {
  requestBrowserGpu,
  contextFromAdapter,
  describeAdapter,
  type GpuContext,
} from './montecarlo/gpu/gpuContext.js';
export {
  checkGpuLattice,
  gpuLinkBytes,
  packLinks,
  unpackLinks,
  GPU_COMPONENTS,
  GPU_MAX_DIMENSIONS,
} from './montecarlo/gpu/layout.js';

// L-CNN inference
export { MatrixTensor, FeatureTensor, GaugeBatch, type Activation } from './lcnn/tensors.js';
export { Model, meanSquaredError, type ModelSpec } from './lcnn/model.js';
export {
  modelFromJson,
  modelOrEnsembleFromJson,
  modelToJson,
  MODEL_FORMAT,
  type ModelInfo,
} from './lcnn/modelJson.js';
export { EnsembleModel, ensembleMean, ensembleSpread } from './lcnn/ensemble.js';
export {
  parseTarget,
  formatTarget,
  computeTarget,
  targetParity,
  type TargetSpec,
  type WilsonTargetSpec,
  type PolyakovTargetSpec,
  type ChargeTargetSpec,
} from './lcnn/targets.js';
export { parseArchitecture } from './lcnn/architecture.js';
export { regressionMetrics, type RegressionMetrics } from './lcnn/metrics.js';

// NERSC files as bytes
export {
  decodeNersc,
  encodeNersc,
  type NerscConfiguration,
  type NerscReadOptions,
  type NerscWriteOptions,
  type EncodedNersc,
  type ExpectedConfiguration,
} from './io/nerscCodec.js';
export { nerscChecksum, scidacChecksum, crc32, type ScidacChecksum } from './io/checksums.js';
export { linkTrace, type ConfigurationCheck } from './io/configurationChecks.js';

// Charts
export * from './report/chartSpecs.js';
export * from './report/renderSvg.js';
export * from './report/decimate.js';
export * from './report/autocorrelation.js';
