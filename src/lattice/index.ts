/**
 * Lattices, gauge fields, gauge transformations, lattice symmetries and observables.
 *
 * @example
 * ```ts
 * import { Lattice, GaugeField, averagePlaquette } from 'lattice-gauge/lattice';
 * import { Xoshiro128 } from 'lattice-gauge/sun';
 * const field = GaugeField.hot(new Lattice([8, 8, 8, 8]), 3, new Xoshiro128(1));
 * averagePlaquette(field); // close to 0 for a hot start
 * ```
 *
 * @module
 */
export { Lattice } from './lattice.js';
export { GaugeField } from './gaugeField.js';
export { MatrixField } from './matrixField.js';
export {
  randomGaugeTransformation,
  gaugeTransform,
  gaugeTransformMatrixField,
} from './gaugeTransformation.js';
export { wilsonLine, straightLines, transportField, type Path, type Segment } from './transport.js';
export { staple } from './staple.js';
export {
  rectangleStaple,
  rectanglePaths,
  createRectangleScratch,
  type RectangleScratch,
} from './rectangleStaple.js';
export {
  PointTransformation,
  type PlaneImage,
  identityTransformation,
  rotation,
  reflection,
  pointGroup,
} from './pointGroup.js';
export {
  translateGaugeField,
  translateMatrixField,
  transformGaugeField,
  transformMatrixField,
  transformSiteValues,
} from './symmetryActions.js';
export { planes, planeIndex } from './observables/planes.js';
export {
  plaquetteField,
  planePlaquette,
  sitePlaquette,
  averagePlaquette,
  plaquetteReTraceAt,
} from './observables/plaquette.js';
export {
  wilsonLoopField,
  planeWilsonLoop,
  siteWilsonLoop,
  siteCentredWilsonLoop,
  averageWilsonLoop,
} from './observables/wilsonLoops.js';
export {
  polyakovLoopField,
  sitePolyakovLoop,
  polyakovLoop,
  hyperplanePolyakovLoop,
  type Complex,
} from './observables/polyakov.js';
export {
  cloverLeaves,
  cloverField,
  cloverAt,
  createCloverScratch,
  type CloverScratch,
} from './observables/clover.js';
export {
  topologicalChargeDensity,
  plaquetteChargeDensity,
  topologicalCharge,
  chargeDensityAt,
} from './observables/topologicalCharge.js';
export {
  wilsonActionDensity,
  wilsonAction,
  cloverEnergyDensity,
  cloverEnergyAt,
} from './observables/actionDensity.js';
