/**
 * Flow engines run the phases of ./flowKernels.ts over the whole lattice: in this thread
 * ({@link SerialFlowEngine}) or split into contiguous ranges of sites (and of measurement
 * blocks) over piscina worker threads that share the fields through SharedArrayBuffers
 * ({@link WorkerFlowEngine}, the pattern of src/montecarlo/sweeper.ts). Both give bit for
 * bit the same fields and sums.
 *
 * @module
 */
import { Piscina } from 'piscina';
import { workerFile } from '../core/workerFile.js';
import { checkInteger } from '../core/validate.js';
import { kernelsFor } from '../sun/group.js';
import type { Lattice } from '../lattice/lattice.js';
import type { FlowAction } from './flowAction.js';
import {
  FlowKernelContext,
  MEASURE_SUMS,
  forcePhase,
  maxWithNaN,
  measurePhase,
  updatePhase,
  zeuthenPhase,
  type FlowBuffers,
  type StageSpec,
} from './flowKernels.js';

/** Runs the phases of a flow step and of a measurement over all sites. */
export interface FlowEngine {
  /** The force phase of a stage (for zeuthen both of its phases): writes X (and Vbar). */
  force(spec: StageSpec): Promise<void>;
  /** V <- exp(X) V; with `distance`, resolves to max ||V - Vbar||_F / N^2, else 0. */
  update(distance: boolean): Promise<number>;
  /**
   * The measurement sums per block (one slice of the last axis), {@link MEASURE_SUMS} numbers
   * per block, blocks in order.
   */
  measure(charge: boolean): Promise<Float64Array>;
  /** Releases threads. */
  close(): Promise<void>;
}

/** The phases in the calling thread. */
export class SerialFlowEngine implements FlowEngine {
  private readonly ctx: FlowKernelContext;

  constructor(lattice: Lattice, N: number, action: FlowAction, buffers: FlowBuffers) {
    this.ctx = new FlowKernelContext(lattice, kernelsFor(N), action, buffers);
  }

  async force(spec: StageSpec): Promise<void> {
    const V = this.ctx.lattice.volume;
    forcePhase(this.ctx, 0, V, spec);
    if (this.ctx.action === 'zeuthen') zeuthenPhase(this.ctx, 0, V, spec);
  }

  async update(distance: boolean): Promise<number> {
    return updatePhase(this.ctx, 0, this.ctx.lattice.volume, distance);
  }

  async measure(charge: boolean): Promise<Float64Array> {
    const blocks = this.ctx.lattice.dims[this.ctx.lattice.D - 1];
    return measurePhase(this.ctx, 0, blocks, charge, new Float64Array(blocks * MEASURE_SUMS));
  }

  async close(): Promise<void> {}
}

/** What a worker receives for one chunk of one phase. */
export interface FlowTask {
  /** The phase. */
  op: 'force' | 'zeuthen' | 'update' | 'measure';
  /** The fields, backed by SharedArrayBuffers. */
  buffers: FlowBuffers;
  /** Lattice extents. */
  dims: number[];
  /** Number of colours. */
  N: number;
  /** The flow action. */
  action: FlowAction;
  /** First site (first block for 'measure'). */
  begin: number;
  /** One past the last site (block). */
  end: number;
  /** The stage ('force', 'zeuthen'). */
  spec?: StageSpec;
  /** Whether to return the distance ('update'). */
  distance?: boolean;
  /** Whether to sum the topological charge density ('measure'). */
  charge?: boolean;
}

/**
 * The phases split over `workers` threads, each phase into `workers` contiguous ranges of
 * sites (measurements: of blocks). The buffers must live in SharedArrayBuffers.
 */
export class WorkerFlowEngine implements FlowEngine {
  private readonly pool: Piscina;
  /** Number of worker threads. */
  readonly workers: number;
  private readonly base: Omit<FlowTask, 'op' | 'begin' | 'end'>;
  private readonly volume: number;
  private readonly blocks: number;

  constructor(
    workers: number,
    lattice: Lattice,
    N: number,
    action: FlowAction,
    buffers: FlowBuffers,
  ) {
    checkInteger('WorkerFlowEngine', 'workers', workers, 1, 256);
    this.workers = workers;
    this.base = { buffers, dims: [...lattice.dims], N, action };
    this.volume = lattice.volume;
    this.blocks = lattice.dims[lattice.D - 1];
    this.pool = new Piscina({
      filename: workerFile(import.meta.url, 'flowWorker'),
      minThreads: workers,
      maxThreads: workers,
      idleTimeout: 60_000,
    });
  }

  /** Runs one phase over [0, total) in `workers` chunks; resolves to the chunks' results. */
  private async run<T>(
    op: FlowTask['op'],
    total: number,
    extra: Partial<FlowTask>,
  ): Promise<Array<{ begin: number; result: T }>> {
    const chunks: Array<Promise<{ begin: number; result: T }>> = [];
    for (let w = 0; w < this.workers; w++) {
      const begin = Math.floor((w * total) / this.workers);
      const end = Math.floor(((w + 1) * total) / this.workers);
      if (end > begin) {
        const task: FlowTask = { ...this.base, ...extra, op, begin, end };
        chunks.push(this.pool.run(task).then((result: T) => ({ begin, result })));
      }
    }
    return Promise.all(chunks);
  }

  async force(spec: StageSpec): Promise<void> {
    await this.run('force', this.volume, { spec });
    if (this.base.action === 'zeuthen') await this.run('zeuthen', this.volume, { spec });
  }

  async update(distance: boolean): Promise<number> {
    const results = await this.run<number>('update', this.volume, { distance });
    return results.reduce((worst, r) => maxWithNaN(worst, r.result), 0);
  }

  async measure(charge: boolean): Promise<Float64Array> {
    const out = new Float64Array(this.blocks * MEASURE_SUMS);
    const results = await this.run<Float64Array>('measure', this.blocks, { charge });
    for (const { begin, result } of results) out.set(result, begin * MEASURE_SUMS);
    return out;
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
