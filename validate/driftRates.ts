/**
 * `npm run validate -- drift`: how often the drift judgement of src/montecarlo/chainHealth.ts
 * (Geweke's diagnostic and a fitted line, at DRIFT_SIGMA) flags a stationary series (false
 * alarms, which would print a WARNING over healthy data), and how often it finds real drifts,
 * on AR(1) series x_i = rho x_(i-1) + sqrt(1 - rho^2) e_i (tau_int = (1 + rho) / (2 (1 - rho)))
 * of the lengths a run produces (25-1000 values). Writes data/validation/chain-health-drift.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Xoshiro128, normalFrom } from '../src/core/rng.js';
import { DRIFT_SIGMA, driftOf } from '../src/montecarlo/chainHealth.js';

function ar1(n: number, rho: number, rng: Xoshiro128): number[] {
  const out = [normalFrom(rng)];
  const c = Math.sqrt(1 - rho * rho);
  for (let i = 1; i < n; i++) out.push(rho * out[i - 1] + c * normalFrom(rng));
  return out;
}

/** Runs the measurement (`trials` series per case) and writes the table. */
export function driftValidation(trials: number, command: string, write: boolean): boolean {
  const rng = new Xoshiro128(20261203);
  const lines = [
    '# Drift judgement: false alarms and power',
    '',
    `Command: \`${command}\`; ${trials} seeded series per row; a drift is flagged beyond ${DRIFT_SIGMA} sigma.`,
    '',
    '## Stationary series (every flag is a false alarm)',
    '',
    '| length | rho | tau_int | flagged | largest sigma |',
    '| --- | --- | --- | --- | --- |',
  ];
  let worst = 0;
  for (const [n, rho] of [
    [16, 0],
    [32, 0],
    [100, 0],
    [32, 0.5],
    [100, 0.5],
    [25, 0.7],
    [50, 0.8],
    [100, 0.9],
    [1000, 0.9],
    [100, 0.95],
    [400, 0.95],
  ]) {
    let flagged = 0;
    let largest = 0;
    for (let k = 0; k < trials; k++) {
      const d = driftOf(ar1(n, rho, rng));
      if (d === undefined) continue;
      if (d.sigma > DRIFT_SIGMA) flagged++;
      largest = Math.max(largest, d.sigma);
    }
    worst = Math.max(worst, flagged / trials);
    const tau = (1 + rho) / (2 * (1 - rho));
    lines.push(
      `| ${n} | ${rho} | ${tau.toFixed(1)} | ${((100 * flagged) / trials).toFixed(2)}% | ${largest.toFixed(1)} |`,
    );
  }
  lines.push(
    '',
    '## Drifting series (every flag is found)',
    '',
    'Noise sigma 1 (AR(1) as above) plus a drift: a line of total change D, or an exponential',
    'approach A e^(-i/T).',
    '',
    '| length | rho | drift | found |',
    '| --- | --- | --- | --- |',
  );
  const drifts: Array<[number, number, string, (i: number, n: number) => number]> = [
    [32, 0, 'line, D = 5', (i, n) => (5 * i) / n],
    [100, 0, 'line, D = 3', (i, n) => (3 * i) / n],
    [100, 0.8, 'line, D = 10', (i, n) => (10 * i) / n],
    [20, 0, 'A = 25, T = 30', (i) => 25 * Math.exp(-i / 30)],
    [50, 0.8, 'A = 10, T = 50', (i) => 10 * Math.exp(-i / 50)],
    [100, 0, 'stuck for the first 30%, then moving: step 20', (i, n) => (i < 0.3 * n ? 20 : 0)],
  ];
  for (const [n, rho, label, f] of drifts) {
    let found = 0;
    for (let k = 0; k < trials; k++) {
      const x = ar1(n, rho, rng).map((v, i) => v + f(i, n));
      const d = driftOf(x);
      if (d !== undefined && d.sigma > DRIFT_SIGMA) found++;
    }
    lines.push(`| ${n} | ${rho} | ${label} | ${((100 * found) / trials).toFixed(1)}% |`);
  }
  const text = `${lines.join('\n')}\n`;
  process.stdout.write(text);
  if (write) {
    mkdirSync('data/validation', { recursive: true });
    writeFileSync('data/validation/chain-health-drift.md', text);
  }
  return worst < 0.005;
}
