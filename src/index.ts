/**
 * lattice-gauge: SU(N) lattice gauge theory and lattice gauge equivariant neural networks.
 *
 * Sub-modules: `lattice-gauge/sun` (matrix algebra), `lattice-gauge/lattice` (geometry,
 * fields, symmetries, observables), `lattice-gauge/io` (HDF5 ensembles, NERSC, ILDG),
 * `lattice-gauge/montecarlo`, `lattice-gauge/flow`, `lattice-gauge/lcnn`. Everything is also re-exported here.
 *
 * @packageDocumentation
 */
export * from './sun/index.js';
export * from './lattice/index.js';
export * from './io/index.js';
export * from './montecarlo/index.js';
export * from './flow/index.js';
export * from './lcnn/index.js';
