/**
 * Where the scans stand: per scan, its jobs by state, the Monte Carlo steps done of all its
 * chains, the current rate (the sum of the running chains' rates) and the time left at that
 * rate, its running chains and its failures. These are the numbers of `lgt status`.
 *
 * @module
 */
import type { JobRow, ScanRow } from './jobTable.js';

/** A running chain. */
export interface RunningChain {
  /** Point index in its scan. */
  point: number;
  /** Chain index at the point. */
  chain: number;
  /** Steps done. */
  done: number;
  /** Steps of the chain. */
  total: number;
  /** Steps per second (0 before the first report). */
  rate: number;
  /** The worker that runs it (host:pid), when it has reported. */
  worker: string | null;
}

/** A failed chain. */
export interface FailedChain {
  /** Point index in its scan. */
  point: number;
  /** Chain index at the point. */
  chain: number;
  /** The error. */
  message: string;
}

/** Where one scan stands. */
export interface ScanStatus {
  /** The scan's id. */
  id: string;
  /** Its name. */
  name: string;
  /** When it was submitted (ISO 8601). */
  submitted: string;
  /** Chains in all. */
  jobs: number;
  /** Waiting to run: new, or waiting for a retry. */
  queued: number;
  /** Running. */
  active: number;
  /** Complete. */
  done: number;
  /** Failed for good. */
  failed: number;
  /** Cancelled (by hand, with pg-boss). */
  cancelled: number;
  /** Monte Carlo steps done over all chains (complete chains count in full). */
  stepsDone: number;
  /** Monte Carlo steps of all chains. */
  steps: number;
  /** Steps per second of the running chains together. */
  rate: number;
  /** Seconds left at that rate, or null when nothing runs (or all is done). */
  eta: number | null;
  /** The running chains. */
  running: RunningChain[];
  /** The failed chains with their errors. */
  failures: FailedChain[];
}

function progressOf(row: JobRow): { done: number; rate: number; worker: string | null } {
  const out = row.output as {
    progress?: { done?: unknown; rate?: unknown } | null;
    worker?: unknown;
  } | null;
  const p = out?.progress;
  return {
    done: typeof p?.done === 'number' ? p.done : 0,
    rate: typeof p?.rate === 'number' ? p.rate : 0,
    worker: typeof out?.worker === 'string' ? out.worker : null,
  };
}

function messageOf(row: JobRow): string {
  const out = row.output as { message?: unknown; value?: { message?: unknown } } | null;
  const message = out?.message ?? out?.value?.message;
  return typeof message === 'string' ? message : JSON.stringify(row.output);
}

/** Summarises the jobs per scan, in the scans' order (module header). */
export function scanStatus(scans: ScanRow[], jobs: JobRow[]): ScanStatus[] {
  const byScan = new Map<string, ScanStatus>();
  for (const s of scans) {
    byScan.set(s.id, {
      id: s.id,
      name: s.name,
      submitted: s.submitted.toISOString(),
      jobs: 0,
      queued: 0,
      active: 0,
      done: 0,
      failed: 0,
      cancelled: 0,
      stepsDone: 0,
      steps: 0,
      rate: 0,
      eta: null,
      running: [],
      failures: [],
    });
  }
  const remaining = new Map<string, number>(); // steps left of queued and running chains
  for (const row of jobs) {
    const s = byScan.get(row.scan);
    if (s === undefined) continue; // a job of a scan not recorded (not ours)
    s.jobs++;
    s.steps += row.steps;
    const p = progressOf(row);
    if (row.state === 'created' || row.state === 'retry' || row.state === 'active') {
      remaining.set(s.id, (remaining.get(s.id) ?? 0) + row.steps - Math.min(p.done, row.steps));
    }
    switch (row.state) {
      case 'created':
      case 'retry':
        s.queued++;
        s.stepsDone += Math.min(p.done, row.steps);
        break;
      case 'active':
        s.active++;
        s.stepsDone += Math.min(p.done, row.steps);
        s.rate += p.rate;
        s.running.push({
          point: row.point,
          chain: row.chain,
          done: p.done,
          total: row.steps,
          rate: p.rate,
          worker: p.worker,
        });
        break;
      case 'completed':
        s.done++;
        s.stepsDone += row.steps;
        break;
      case 'failed':
        s.failed++;
        s.failures.push({ point: row.point, chain: row.chain, message: messageOf(row) });
        break;
      default:
        s.cancelled++;
    }
  }
  for (const s of byScan.values()) {
    const left = remaining.get(s.id) ?? 0;
    s.eta = s.rate > 0 && left > 0 ? left / s.rate : null;
    s.running.sort((a, b) => a.point - b.point || a.chain - b.chain);
    s.failures.sort((a, b) => a.point - b.point || a.chain - b.chain);
  }
  return [...byScan.values()];
}
