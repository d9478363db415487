/**
 * Lattice gauge equivariant convolutional neural networks (L-CNNs; Favoni, Ipp, Mueller,
 * Schuh, PRL 128 (2022) 032003): float64 layers with hand-written forward and backward
 * kernels, JSON model specs, training with Adam/AdamW on worker threads, datasets from HDF5
 * ensembles, and saved models that run on any lattice size.
 *
 * @example
 * ```ts
 * import { Dataset, Model, parseArchitecture, parseTarget, splitDataset, trainModel } from 'lattice-gauge/lcnn';
 * const data = await Dataset.open(['su2-8x8.h5'], parseTarget('wilson:2x2')); // { inMemory: false } streams
 * const model = new Model({ N: 2, D: 2, layers: parseArchitecture('lcb:4:1,lcb:4:2,trace,dense:1'), seed: 1 });
 * await trainModel(model, data, splitDataset(data, { validation: 0.1, test: 0.1 }, 1), {
 *   epochs: 50, batchSize: 16, learningRate: 0.01,
 * });
 * ```
 *
 * Symmetric L-CNNs (equivariant under the lattice's rotations and reflections too; Aronsson,
 * Mueller & Schuh, arXiv:2303.11448) are the same specs with `symmetry`:
 *
 * ```ts
 * const symmetric = new Model({ N: 2, D: 2, symmetry: 'rotations+reflections',
 *   layers: parseArchitecture('lcb:4:1,trace,dense:1,mean'), seed: 1 });
 * ```
 *
 * @module
 */
export { MatrixTensor, FeatureTensor, GaugeBatch, type Activation } from './tensors.js';
export { TransportCache } from './transportCache.js';
export { Parameter, xavierUniform } from './parameter.js';
export { inputFeatures, inputChannels, type InputSpec } from './inputFeatures.js';
export type {
  Layer,
  LayerSpec,
  LConvSpec,
  LBilinSpec,
  LCBSpec,
  LActSpec,
  LExpSpec,
  TraceSpec,
  DenseSpec,
  MeanSpec,
  PoolSpec,
  BatchContext,
  MatrixActivation,
  FeatureActivation,
} from './layers/layer.js';
export { LConv, convolutionTerms, transportInto, type ConvInit } from './layers/lconv.js';
export { LcnnWasm } from './wasm/lcnnWasm.js';
export { lcnnKernelsFor } from './wasm/lcnnKernels.js';
export { LBilin, Bilinear } from './layers/lbilin.js';
export { LCB } from './layers/lcb.js';
export { LAct } from './layers/lact.js';
export { LExp } from './layers/lexp.js';
export { Trace } from './layers/trace.js';
export { Dense } from './layers/dense.js';
export { SiteMean } from './layers/siteMean.js';
export { GroupLConv } from './layers/groupLConv.js';
export { OrientationWise } from './layers/orientationWise.js';
export { OrientationPool } from './layers/orientationPool.js';
export type { LCBSymmetry } from './layers/lcb.js';
export {
  LIFTED_INPUTS,
  liftedInputFeatures,
  liftedInputChannels,
  type LiftedInput,
} from './liftedInput.js';
export { liftedReach, pseudoscalarOutOfReach } from './reach.js';
export {
  SymmetryGroup,
  symmetryGroup,
  SYMMETRIES,
  isLatticeSymmetry,
  hasReflections,
  latticeSymmetryDims,
  equalExtentPattern,
  transformLifted,
  orientationView,
  siteView,
  orientationFeatureView,
  siteFeatureView,
  type Symmetry,
  type Parity,
} from './symmetry.js';
export { Model, meanSquaredError, type ModelSpec, type OutputScaling } from './model.js';
export { Adam, type AdamOptions, type AdamState } from './optimizer.js';
export { regressionMetrics, type RegressionMetrics } from './metrics.js';
export {
  parseTarget,
  formatTarget,
  computeTarget,
  targetParity,
  checkTargetSymmetry,
  targetMismatch,
  type TargetSpec,
  type WilsonTargetSpec,
  type PolyakovTargetSpec,
  type ChargeTargetSpec,
  type EnergyTargetSpec,
} from './targets.js';
export {
  Dataset,
  splitDataset,
  loadDataset,
  AUTO_STREAM_BYTES,
  type Split,
  type Augmentation,
  type ConfigurationSource,
  type SourceDescriptor,
  type DatasetDescriptor,
  type OpenOptions,
  type LatticeGroup,
  type TargetCache,
  type DataRequirement,
} from './dataset.js';
export { shardGradient, predict, type BatchSource } from './gradient.js';
export {
  trainModel,
  evaluate,
  checkCompatible,
  targetScaling,
  type TrainOptions,
} from './training/lcnn.js';
export type { EpochMetrics, TrainResult, Learner, LoopOptions } from './training/learner.js';
export { finalValidationLoss } from './training/learner.js';
export {
  growInto,
  productLayerCount,
  runCurriculum,
  truncatedLayers,
  type CurriculumOptions,
  type StageResult,
} from './training/curriculum.js';
export { trainLoop } from './training/loop.js';
export {
  fitReadout,
  refitReadout,
  readoutLayer,
  isRefittableReadout,
  type ReadoutFit,
  type ReadoutRefitResult,
} from './training/readoutRefit.js';
export { evenlySpaced } from './training/finishRules.js';
export {
  finishWithLbfgs,
  type GradientPass,
  type GradientResult,
  type LbfgsFinishOptions,
  type LbfgsFinishResult,
} from './training/lbfgsFinish.js';
export {
  finishWithMarquardt,
  checkMarquardtFinish,
  marquardtNormalEquations,
  MARQUARDT_MAX_WEIGHTS,
  type MarquardtFinishOptions,
  type MarquardtFinishResult,
} from './training/marquardtFinish.js';
export {
  minimizeLevenbergMarquardt,
  type LeastSquaresProblem,
  type MarquardtOptions,
  type MarquardtResult,
  type MarquardtStop,
  type NormalEquations,
} from '../core/levenbergMarquardt.js';
export { choleskySolve } from '../core/cholesky.js';
export { roundingLevel, roundingLevels, type RoundingLevels } from './roundingLevel.js';
export {
  minimizeLbfgs,
  type LbfgsOptions,
  type LbfgsResult,
  type LbfgsStop,
  type Objective,
  type ValueAndGradient,
} from '../core/lbfgs.js';
export {
  EPOCH_SEED_STRIDE,
  AUGMENTATION_SALT,
  epochSeed,
  batchOrder,
  augmentationStream,
  MEMBER_SEED_STRIDE,
  memberSeed,
} from './training/seeds.js';
export {
  CHECKPOINT_FORMAT,
  readTrainCheckpoint,
  writeTrainCheckpoint,
  type TrainCheckpoint,
} from './training/checkpoint.js';
export { saveModel, loadModel, loadModelOrEnsemble } from './modelFile.js';
export {
  modelFromJson,
  modelOrEnsembleFromJson,
  modelToJson,
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  type ModelInfo,
} from './modelJson.js';
export type { ForwardModel } from './forwardModel.js';
export { EnsembleModel, ensembleMean, ensembleSpread, type EnsembleSpread } from './ensemble.js';
export { evaluateEnsemble, predictMembers, type EnsembleEvaluation } from './ensembleEvaluation.js';
export {
  ensembleSizes,
  invarianceByEnsembleSize,
  type EnsembleSizeOptions,
  type EnsembleSizeRow,
} from './ensembleSizes.js';
export { invarianceError, type InvarianceError, type InvarianceOptions } from './invariance.js';
export {
  trainableEnsemble,
  trainEnsemble,
  memberCheckpoint,
  memberSeeds,
} from './training/ensembleJob.js';
export { loadPredictor, checkModelTarget, type LoadedPredictor } from './modelLoader.js';
export {
  evaluateModel,
  evaluatePredictor,
  type Predictor,
  type Evaluation,
  type Metrics,
  type EvaluateOptions,
} from './evaluation.js';
export { parseArchitecture, symmetricSpec } from './architecture.js';
export {
  runTrainJob,
  runTrainingJob,
  trainableLcnn,
  type TrainJob,
  type TrainingJob,
  type TrainableModel,
  type TrainSummary,
} from './training/job.js';
