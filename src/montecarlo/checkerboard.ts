/**
 * Checkerboard passes: the unit of (parallel) work of every local update.
 *
 * For the plaquette action the staple of U_mu(x) contains U_mu only at sites x +- nu of the
 * other parity, and links of other directions. So all links U_mu(x) of one direction mu and
 * one parity can be updated at once, in any order, on any number of threads; a sweep is the
 * 2D passes (mu = 0..D-1, parity = 0, 1), in that order. Periodic wrap-around keeps the
 * parity pattern only when every extent is even, which is checked.
 *
 * Each site draws from its own Philox stream (./philox.ts), keyed by the seed and counted by
 * (sweep, kind, mu, parity, site): the result of a pass does not depend on how its sites are
 * split over threads, bit for bit (DESIGN.md 3).
 *
 * @module
 */
import type { GaugeField } from '../lattice/gaugeField.js';
import type { Lattice } from '../lattice/lattice.js';
import type { SUNKernels } from '../sun/types.js';
import { rangeError } from '../core/validate.js';
import {
  createUpdateScratch,
  heatbathLink,
  heatbathQuaternionSU2,
  type UpdateScratch,
} from './heatbath.js';
import { metropolisLink, type MetropolisParameters } from './metropolis.js';
import { overrelaxLink, overrelaxQuaternionSU2 } from './overrelaxation.js';
import { DrawKind, SiteStream } from './philox.js';
import { staple, stapleQuaternionSU2 } from '../lattice/staple.js';

/** The local updates a pass can apply. */
export type LocalUpdateKind = 'heatbath' | 'overrelaxation' | 'metropolis';

/** One pass: which links, which update, and the counters of its random numbers. */
export interface PassSpec {
  /** The update applied to every link of the pass. */
  kind: LocalUpdateKind;
  /** Direction of the links updated. */
  mu: number;
  /** Parity of their base sites. */
  parity: number;
  /** Sweep number: a counter of the random streams. */
  sweep: number;
  /** Separates independent chains of one run (e.g. the index of the beta value). */
  stream: number;
  /** The coupling. */
  beta: number;
  /** The run's seed: the key of the random streams. */
  seed: number;
  /** Required for kind 'metropolis'. */
  metropolis?: MetropolisParameters;
}

/** Throws unless every extent is even (the checkerboard needs it). */
export function checkCheckerboard(fn: string, lattice: Lattice): void {
  if (lattice.dims.some((L) => L % 2 !== 0)) {
    throw rangeError(fn, 'dims', 'even extents for the checkerboard decomposition', [
      ...lattice.dims,
    ]);
  }
}

/** The sites of each parity, in increasing order: [even, odd]. */
export function sitesByParity(lattice: Lattice): [Int32Array, Int32Array] {
  const even: number[] = [];
  const odd: number[] = [];
  for (let x = 0; x < lattice.volume; x++) (lattice.parity[x] === 0 ? even : odd).push(x);
  return [Int32Array.from(even), Int32Array.from(odd)];
}

/** Per-thread state of the local updates: scratch and a random stream. No allocation per link. */
export class PassContext {
  /** Scratch of the link updates. */
  readonly scratch: UpdateScratch;
  /** The staple of the current link. */
  readonly stapleBuffer: Float64Array;
  /** Scratch of the staple computation. */
  readonly tmp: Float64Array;
  /** The per-site random stream. */
  readonly stream: SiteStream;
  private seed: number;

  constructor(g: SUNKernels, seed: number) {
    this.scratch = createUpdateScratch(g);
    this.stapleBuffer = new Float64Array(g.matrixSize);
    this.tmp = new Float64Array(2 * g.matrixSize);
    this.stream = new SiteStream(seed);
    this.seed = seed;
  }

  /** The stream for a seed (recreated only when the seed changes). */
  streamFor(seed: number): SiteStream {
    if (seed !== this.seed) {
      (this as { stream: SiteStream }).stream = new SiteStream(seed);
      this.seed = seed;
    }
    return this.stream;
  }
}

/**
 * Applies the pass to the sites sites[begin..end) (all of one parity). Returns the number of
 * accepted Metropolis proposals (0 for the other kinds). SU(2) heatbath and overrelaxation
 * take the staple as a quaternion (../lattice/staple.ts, stapleQuaternionSU2), the rest the matrix.
 */
export function updatePassRange(
  field: GaugeField,
  sites: Int32Array,
  begin: number,
  end: number,
  pass: PassSpec,
  ctx: PassContext,
): number {
  const g = field.group;
  const U = field.links;
  const D = field.lattice.D;
  const m = g.matrixSize;
  const A = ctx.stapleBuffer;
  const rng = ctx.streamFor(pass.seed);
  const kind = DrawKind[pass.kind];
  const { up, down } = field.lattice;
  const mu = pass.mu;
  if (g.N === 2 && pass.kind !== 'metropolis') {
    // SU(2): the staple as a quaternion (../lattice/staple.ts, stapleQuaternionSU2)
    const q = ctx.scratch.quaternions;
    for (let s = begin; s < end; s++) {
      const x = sites[s];
      const uOff = (x * D + mu) * m;
      stapleQuaternionSU2(A, 0, U, up, down, D, x, mu);
      if (pass.kind === 'heatbath') {
        rng.reset(x, pass.sweep, kind, mu, pass.parity, pass.stream);
        heatbathQuaternionSU2(U, uOff, A, 0, pass.beta, rng, q);
      } else {
        overrelaxQuaternionSU2(U, uOff, A, 0);
      }
    }
    return 0;
  }
  let accepted = 0;
  for (let s = begin; s < end; s++) {
    const x = sites[s];
    const uOff = (x * D + mu) * m;
    staple(A, 0, field, x, mu, ctx.tmp);
    switch (pass.kind) {
      case 'heatbath':
        rng.reset(x, pass.sweep, kind, mu, pass.parity, pass.stream);
        heatbathLink(g, U, uOff, A, 0, pass.beta, rng, ctx.scratch);
        break;
      case 'overrelaxation':
        overrelaxLink(g, U, uOff, A, 0, ctx.scratch);
        break;
      case 'metropolis':
        rng.reset(x, pass.sweep, kind, mu, pass.parity, pass.stream);
        accepted += metropolisLink(g, U, uOff, A, 0, pass.beta, pass.metropolis!, rng, ctx.scratch);
        break;
    }
  }
  return accepted;
}

/** The 2D passes of one sweep, in order. */
export function sweepPasses(D: number, base: Omit<PassSpec, 'mu' | 'parity'>): PassSpec[] {
  const passes: PassSpec[] = [];
  for (let mu = 0; mu < D; mu++)
    for (let parity = 0; parity < 2; parity++) {
      passes.push({ ...base, mu, parity });
    }
  return passes;
}
