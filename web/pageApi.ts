/**
 * `window.lgt`: the page driven from a script (the browser test and the benchmark use it).
 * Types only, without the DOM, so that Node code can name them too.
 */
import type { GammaResult } from '../src/browser.js';
import type { Backend, RunSettings } from './simulation.js';

/** Plaquette statistics of the current beta, by the Gamma method (in the page). */
export interface PlaquetteStatistics {
  /** Mean, error (with autocorrelations), tau_int, n: see GammaResult. */
  gamma: Pick<GammaResult, 'mean' | 'error' | 'tauInt' | 'n'>;
  /** The measurements discarded as thermalisation. */
  discarded: number;
  /** The beta they are at. */
  beta: number;
  /** The exact infinite-volume 2D value (DESIGN.md 7), for 2D runs. */
  exact?: number;
}

/** What `window.lgt` offers. */
export interface PageApi {
  /** Which sweeper runs, and the adapter or why WebGPU is not used. */
  backend(): Backend;
  /** The current settings. */
  settings(): RunSettings;
  /** Starts a new chain with these settings changed (paused). */
  configure(settings: Partial<RunSettings>): Promise<void>;
  /** Runs exactly `count` more compound sweeps through the frame loop, then pauses. */
  run(count: number): Promise<void>;
  /** Starts (clearing the frame times) or stops the free run. */
  setRunning(running: boolean): void;
  /** Compound sweeps done in this chain. */
  sweeps(): number;
  /** The links now, as stored by the sweeper (float32 values on the GPU), as a flat array. */
  links(): Promise<number[]>;
  /** The plaquette statistics of the current beta. */
  plaquetteStatistics(): PlaquetteStatistics | undefined;
  /** Analyses the field now; resolves with the L-CNN's per-site prediction and the target. */
  lcnn(): Promise<{ predicted: number[]; measured: number[]; parameters: number }>;
  /** Waits until the charts and maps show the current state. */
  settle(): Promise<void>;
  /** Intervals between frames (ms) while sweeping, the latest last (at most 600). */
  frameTimes(): number[];
  /** Compound sweeps per second over the last free or counted run. */
  sweepsPerSecond(): number;
  /** Triggers the NERSC download of the current configuration. */
  download(): Promise<void>;
}
