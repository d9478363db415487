/**
 * The piscina worker of WorkerFlowEngine (./flowEngine.ts): runs one chunk of one phase of
 * ./flowKernels.ts on fields shared through SharedArrayBuffers. Lattices are built once per
 * worker and reused.
 *
 * @module
 */
import { Lattice } from '../lattice/lattice.js';
import { kernelsFor } from '../sun/group.js';
import type { FlowTask } from './flowEngine.js';
import {
  FlowKernelContext,
  MEASURE_SUMS,
  forcePhase,
  measurePhase,
  updatePhase,
  zeuthenPhase,
} from './flowKernels.js';

const lattices = new Map<string, Lattice>();

/** Runs one chunk; resolves to the distance ('update'), the block sums ('measure') or 0. */
export default function runFlowChunk(task: FlowTask): number | Float64Array {
  const key = task.dims.join('x');
  let lattice = lattices.get(key);
  if (lattice === undefined) {
    lattice = new Lattice(task.dims);
    lattices.set(key, lattice);
  }
  const ctx = new FlowKernelContext(lattice, kernelsFor(task.N), task.action, task.buffers);
  switch (task.op) {
    case 'force':
      forcePhase(ctx, task.begin, task.end, task.spec!);
      return 0;
    case 'zeuthen':
      zeuthenPhase(ctx, task.begin, task.end, task.spec!);
      return 0;
    case 'update':
      return updatePhase(ctx, task.begin, task.end, task.distance === true);
    case 'measure':
      return measurePhase(
        ctx,
        task.begin,
        task.end,
        task.charge === true,
        new Float64Array((task.end - task.begin) * MEASURE_SUMS),
      );
  }
}
