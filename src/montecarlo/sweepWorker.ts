/**
 * The piscina worker of {@link WorkerSweeper}: applies one chunk of one checkerboard pass to
 * links shared through a SharedArrayBuffer. Lattices, site lists and scratch are built once
 * per worker and reused.
 *
 * @module
 */
import { GaugeField } from '../lattice/gaugeField.js';
import { Lattice } from '../lattice/lattice.js';
import { kernelsFor } from '../sun/group.js';
import { PassContext, sitesByParity, updatePassRange } from './checkerboard.js';
import type { PassTask } from './sweeper.js';

interface Geometry {
  lattice: Lattice;
  sites: [Int32Array, Int32Array];
}

const geometries = new Map<string, Geometry>();
const contexts = new Map<number, PassContext>();

/** Runs one chunk; returns the number of accepted Metropolis proposals. */
export default function runPassChunk(task: PassTask): number {
  const key = task.dims.join('x');
  let geometry = geometries.get(key);
  if (geometry === undefined) {
    const lattice = new Lattice(task.dims);
    geometry = { lattice, sites: sitesByParity(lattice) };
    geometries.set(key, geometry);
  }
  let ctx = contexts.get(task.N);
  if (ctx === undefined) {
    ctx = new PassContext(kernelsFor(task.N), task.pass.seed);
    contexts.set(task.N, ctx);
  }
  const field = new GaugeField(geometry.lattice, task.N, task.links);
  return updatePassRange(
    field,
    geometry.sites[task.pass.parity],
    task.begin,
    task.end,
    task.pass,
    ctx,
  );
}
