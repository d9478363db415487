/**
 * The non-equivariant baseline CNN of the L-CNN paper (Favoni, Ipp, Mueller, Schuh, PRL 128
 * (2022) 032003), built with TensorFlow.js: link encoding, circular padding, the model, its
 * training and its files.
 *
 * @module
 */
export { initTensorflow } from './backend.js';
export { circularPad, circularPadSlices, type Pads } from './circularPad.js';
export { circularConv2d, kernelPads } from './circularConv2d.js';
export {
  baselineChannels,
  checkTwoDimensional,
  encodeConfigurations,
  encodeTargets,
  imageToSites,
  BASELINE_INPUTS,
  type BaselineInput,
} from './encoding.js';
export {
  BASELINE_FORMAT,
  BaselineCnn,
  type BaselineScore,
  type BaselineSpec,
  type BaselineTrainOptions,
  type LoadedBaseline,
  type TargetScaling,
} from './cnn.js';
export { BaselineLearner } from './learner.js';
export { runBaselineJob, type BaselineJob } from './job.js';
