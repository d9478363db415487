/**
 * The page's Monte Carlo: one gauge field, swept by the WebGPU sweeper where the browser has
 * WebGPU and by the serial CPU sweeper where it does not, with the library's compound sweep
 * (monteCarloStep: one heatbath sweep and `overrelaxation` overrelaxation sweeps, DESIGN.md 4)
 * and the same Philox counters as `lgt generate`: sweep k of a chain draws from counter k,
 * stream 0, keyed by the seed.
 *
 * The plaquette is measured after every compound sweep (on the GPU: summed there, queued behind
 * the sweep, read back once per batch), so the Gamma method sees the whole history. Snapshots
 * (the links as float64, for the heat map, the L-CNN and the NERSC download) are copies: the
 * GPU's links stay as they are, so when and how often the page looks does not change the chain.
 */
import {
  averagePlaquette,
  averageWilsonLoop,
  checkGpuLattice,
  GaugeField,
  Lattice,
  monteCarloStep,
  requestBrowserGpu,
  SerialSweeper,
  WebGpuSweeper,
  Xoshiro128,
  type GpuContext,
} from '../src/browser.js';

/** What a run is. */
export interface RunSettings {
  /** SU(N): 2 or 3. */
  N: number;
  /** Lattice extents (even). */
  dims: number[];
  /** The coupling. */
  beta: number;
  /** Cold (all links 1) or hot (Haar-random links from Xoshiro128(seed)). */
  start: 'cold' | 'hot';
  /** Key of the Philox streams and of the hot start. */
  seed: number;
  /** Overrelaxation sweeps after each heatbath sweep. */
  overrelaxation: number;
}

/** Which sweeper runs, and why. */
export interface Backend {
  /** `webgpu` or `cpu`. */
  kind: 'webgpu' | 'cpu';
  /** The adapter in words, or why WebGPU is not used. */
  detail: string;
}

/** Links per CPU run at most: one CPU sweep must fit a frame (about 30 ms here). */
export const CPU_MAX_LINKS = 32768;

/** The page's simulation; see the module comment. */
export class Simulation {
  readonly backend: Backend;
  private readonly gpu: WebGpuSweeper | undefined;
  private readonly cpu = new SerialSweeper({ kernels: 'ts' });
  settings!: RunSettings;
  field!: GaugeField;
  /** Compound sweeps done since the start. */
  sweep = 0;
  /** The plaquette after each sweep, and the sweep it followed and its beta. */
  readonly plaquettes: Array<{ sweep: number; value: number; beta: number }> = [];
  /** The sweep at which beta last changed (or the run started): thermalisation starts there. */
  betaSince = 0;

  private constructor(context: GpuContext | undefined, reason: string) {
    this.gpu = context === undefined ? undefined : new WebGpuSweeper(context, true);
    this.backend =
      context === undefined
        ? { kind: 'cpu', detail: reason }
        : { kind: 'webgpu', detail: context.description };
  }

  /** A simulation on WebGPU where `gpu` (navigator.gpu) gives a device, else on the CPU. */
  static async create(gpu: GPU | undefined): Promise<Simulation> {
    const found = await requestBrowserGpu(gpu);
    if ('reason' in found) return new Simulation(undefined, found.reason);
    return new Simulation(found, '');
  }

  /**
   * Throws unless `settings` can run here: even extents, SU(2) or SU(3), and within the
   * adapter's buffer limits (checkGpuLattice, as `lgt generate --backend webgpu` checks) or,
   * on the CPU, {@link CPU_MAX_LINKS}.
   */
  check(settings: RunSettings): void {
    if (this.gpu !== undefined) {
      checkGpuLattice('page', settings.N, settings.dims, this.gpu.context.limits);
      return;
    }
    const links = settings.dims.reduce((a, b) => a * b, 1) * settings.dims.length;
    if (links > CPU_MAX_LINKS) {
      throw new RangeError(
        `page: invalid dims: expected at most ${CPU_MAX_LINKS} links on the CPU path, got ` +
          `${links} (${settings.dims.join('x')})`,
      );
    }
  }

  /** Starts a new chain. */
  reset(settings: RunSettings): void {
    this.check(settings);
    this.settings = { ...settings, dims: [...settings.dims] };
    const lattice = new Lattice(settings.dims);
    this.field =
      settings.start === 'cold'
        ? GaugeField.cold(lattice, settings.N)
        : GaugeField.hot(lattice, settings.N, new Xoshiro128(settings.seed));
    this.sweep = 0;
    this.betaSince = 0;
    this.plaquettes.length = 0;
  }

  /** Changes beta from the next sweep on; the history restarts its thermalisation there. */
  setBeta(beta: number): void {
    if (beta === this.settings.beta) return;
    this.settings.beta = beta;
    this.betaSince = this.sweep;
  }

  /**
   * Runs `count` compound sweeps, measuring the plaquette after each, and then the Wilson
   * loops `loops` (R, T); resolves to their values. On the GPU every measurement is queued
   * behind its sweep and all are read back at once, at the end.
   */
  async advance(count: number, loops: ReadonlyArray<[number, number]> = []): Promise<number[]> {
    const { beta, seed, overrelaxation } = this.settings;
    const algorithm = { kind: 'heatbath', overrelaxation } as const;
    const gpu = this.gpu;
    if (gpu !== undefined) {
      const first = this.sweep;
      for (let k = 0; k < count; k++) {
        await monteCarloStep(this.field, algorithm, beta, seed, this.sweep, 0, gpu);
        this.sweep++;
        await gpu.queueWilsonLoop(this.field, 1, 1);
      }
      for (const [R, T] of loops) await gpu.queueWilsonLoop(this.field, R, T);
      const values = await gpu.readQueued();
      for (let k = 0; k < count; k++) {
        this.plaquettes.push({ sweep: first + k + 1, value: values[k], beta });
      }
      return values.slice(count);
    }
    for (let k = 0; k < count; k++) {
      await monteCarloStep(this.field, algorithm, beta, seed, this.sweep, 0, this.cpu);
      this.sweep++;
      this.plaquettes.push({ sweep: this.sweep, value: averagePlaquette(this.field), beta });
    }
    return loops.map(([R, T]) => averageWilsonLoop(this.field, R, T));
  }

  /**
   * A float64 copy of the links now: from the GPU as stored (float32, unchanged) or, with
   * `reunitarize`, projected back to SU(N) in float64 (for files).
   */
  async snapshot(options: { reunitarize?: boolean } = {}): Promise<GaugeField> {
    if (this.gpu !== undefined) await this.gpu.download(this.field, { reunitarize: false });
    const copy = this.field.clone();
    if (options.reunitarize === true) copy.reunitarize();
    return copy;
  }
}
