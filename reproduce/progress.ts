/**
 * Progress lines of the reproduction scripts, on stderr with the time of day.
 *
 * @module
 */
import type { RunProgress } from '../src/montecarlo/generate.js';

/** Writes `text` to stderr after the time (hh:mm:ss, UTC). */
export function log(text: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${text}\n`);
}

/** An `onProgress` for generateEnsemble that logs every further 10% of `output`. */
export function everyTenPercent(output: string): (p: RunProgress) => void {
  let last = 0;
  return (p) => {
    const pct = Math.floor((100 * p.done) / p.total);
    if (pct >= last + 10) {
      last = pct;
      log(`  ${output}: ${pct}%`);
    }
  };
}
