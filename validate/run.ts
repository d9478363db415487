/**
 * `npm run validate`: the long physics validations of DESIGN.md 7 that do not fit in
 * `npm test`. Results (with the command that made them) go to data/validation/.
 *
 *   npm run validate                 # the physics checks, about 15 minutes on 2 cores, then
 *                                    #   the flow (hours)
 *   npm run validate -- --only su3   # the 4D SU(3) beta = 6.0 check only
 *   npm run validate -- --only flow  # the gradient flow: t0 at beta 5.96 and 6.0, the charge
 *                                    #   (hours; --work DIR keeps its ensembles; resumable;
 *                                    #   --beta b runs one of them, e.g. in two processes, no
 *                                    #   report; --every k flows every k-th configuration only;
 *                                    #   --workers n threads, default 2)
 *   npm run validate -- --quick      # small volumes, for a smoke test
 *   npm run validate -- faults       # the long fault-injection suite (./faults.ts), ~15 min
 *                                    #   (--repeat k: k times the SIGKILL series of lgt
 *                                    #   generate and lgt flow, each with its own seed)
 *   npm run validate -- hmc          # HMC from a cold start on 8^4 against a heatbath
 *                                    # reference of high statistics (./hmcColdStart.ts)
 *   npm run validate -- drift        # false-alarm rates and power of the drift judgement
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { GaugeField } from '../src/lattice/gaugeField.js';
import { Lattice } from '../src/lattice/lattice.js';
import { averagePlaquette } from '../src/lattice/observables/plaquette.js';
import { averageWilsonLoop } from '../src/lattice/observables/wilsonLoops.js';
import { monteCarloStep, type Algorithm } from '../src/montecarlo/algorithm.js';
import { gammaAnalysis, type GammaResult } from '../src/core/gamma.js';
import { SerialSweeper, WorkerSweeper, type Sweeper } from '../src/montecarlo/sweeper.js';
import { flowValidation, type FlowCheck } from './flow.js';

interface Check {
  name: string;
  reference: number;
  referenceError: number;
  source: string;
  measured: GammaResult;
  sigma: number;
  pass: boolean;
  seconds: number;
  setup: string;
}

const args = process.argv.slice(2);
const quick = args.includes('--quick');
/** The options that take a value (their values are not positional). */
const VALUED = ['--only', '--work', '--beta', '--every', '--workers', '--repeat'];
const value = (name: string): string | undefined =>
  args.includes(name) ? args[args.indexOf(name) + 1] : undefined;
const positional = args.filter((a, i) => !a.startsWith('--') && !VALUED.includes(args[i - 1]));
const only = value('--only') ?? positional[0];
const work = value('--work');
const flowBeta = value('--beta') === undefined ? undefined : Number(value('--beta'));
const every = value('--every') === undefined ? undefined : Number(value('--every'));
const workers =
  value('--workers') === undefined
    ? Math.max(1, Math.min(2, cpus().length))
    : Number(value('--workers'));

async function chain(
  N: number,
  dims: number[],
  beta: number,
  algorithm: Algorithm,
  thermalization: number,
  measurements: number,
  observe: (f: GaugeField) => number[],
  label: string,
): Promise<{ series: number[][]; seconds: number }> {
  let field = GaugeField.cold(new Lattice(dims), N);
  const sweeper: Sweeper = workers > 1 ? new WorkerSweeper(workers) : new SerialSweeper();
  if (workers > 1) field = field.toShared();
  const series: number[][] = [];
  const t0 = performance.now();
  const total = thermalization + measurements;
  for (let step = 0; step < total; step++) {
    await monteCarloStep(field, algorithm, beta, 20261127, step, 0, sweeper);
    if (step % 10 === 9) field.reunitarize();
    if (step >= thermalization) {
      const values = observe(field);
      values.forEach((v, i) => (series[i] ??= []).push(v));
    }
    if (step % Math.max(1, Math.floor(total / 20)) === 0) {
      process.stderr.write(`\r${label}: ${step + 1}/${total}   `);
    }
  }
  process.stderr.write(`\r${label}: done in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
  await sweeper.close();
  return { series, seconds: (performance.now() - t0) / 1000 };
}

function check(
  name: string,
  setup: string,
  measured: GammaResult,
  reference: number,
  referenceError: number,
  source: string,
  seconds: number,
): Check {
  const combined = Math.hypot(measured.error, referenceError);
  const sigma = Math.abs(measured.mean - reference) / combined;
  return {
    name,
    setup,
    measured,
    reference,
    referenceError,
    source,
    sigma,
    pass: sigma < 4,
    seconds,
  };
}

async function su3Beta6(): Promise<Check[]> {
  const L = quick ? 8 : 16;
  const therm = quick ? 30 : 60;
  const meas = quick ? 60 : 200;
  const setup = `SU(3), ${L}^4, beta 6.0, 1 heatbath + 4 overrelaxation per sweep, cold start, ${therm} + ${meas} sweeps, ${workers} workers`;
  const { series, seconds } = await chain(
    3,
    [L, L, L, L],
    6.0,
    { kind: 'heatbath', overrelaxation: 4 },
    therm,
    meas,
    (f) => [averagePlaquette(f)],
    `SU(3) ${L}^4 beta 6`,
  );
  return [
    check(
      '4D SU(3) plaquette at beta = 6.0',
      setup,
      gammaAnalysis(series[0]),
      0.593678,
      0.000024,
      'Boyd et al., Nucl. Phys. B 469 (1996) 419, hep-lat/9602007 (16^4)',
      seconds,
    ),
  ];
}

const exact2d: Array<[number, number, number]> = [
  [2, 2, 0.433127426722],
  [2, 4, 0.658047267359],
  [3, 3, 0.2030750501],
  [3, 6, 0.4225317397],
];

async function twoDimensional(): Promise<Check[]> {
  const out: Check[] = [];
  const L = 32;
  const meas = quick ? 500 : 5000;
  const algorithms: Array<[string, Algorithm]> = [
    ['heatbath + 1 OR', { kind: 'heatbath', overrelaxation: 1 }],
    ['Metropolis 10 hits step 0.5', { kind: 'metropolis', hits: 10, step: 0.5 }],
    ['HMC Omelyan tau 1, 8 steps', { kind: 'hmc', tau: 1, steps: 8, integrator: 'omelyan' }],
  ];
  for (const [N, beta, P] of exact2d) {
    for (const [label, algorithm] of algorithms) {
      // HMC trajectories cost ~20 sweeps: a 16x16 lattice and fewer of them (L >= 8 is exact
      // to 1e-10 in 2D, DESIGN.md 7)
      const hmc = algorithm.kind === 'hmc';
      const size = hmc ? 16 : L;
      const steps = hmc ? Math.round(meas / 4) : meas;
      const setup = `SU(${N}), ${size}x${size}, beta ${beta}, ${label}, 200 + ${steps} steps`;
      const { series, seconds } = await chain(
        N,
        [size, size],
        beta,
        algorithm,
        200,
        steps,
        (f) => [averagePlaquette(f), averageWilsonLoop(f, 2, 2)],
        `2D SU(${N}) beta ${beta} ${label}`,
      );
      const source = 'exact 2D infinite-volume value (DESIGN.md 7)';
      out.push(
        check(
          `2D SU(${N}) plaquette, beta ${beta}, ${label}`,
          setup,
          gammaAnalysis(series[0]),
          P,
          0,
          source,
          seconds,
        ),
      );
      out.push(
        check(
          `2D SU(${N}) W(2x2) = P^4, beta ${beta}, ${label}`,
          setup,
          gammaAnalysis(series[1]),
          P ** 4,
          0,
          source,
          seconds,
        ),
      );
    }
  }
  return out;
}

function report(checks: Check[], command: string): string {
  const lines = [
    '# Monte Carlo validation',
    '',
    `Command: \`${command}\``,
    `Date: ${new Date().toISOString()}; Node ${process.version}; CPU ${cpus()[0]?.model ?? 'unknown'} (${cpus().length} cores); ${workers} workers.`,
    '',
    'Each measured mean has a Gamma-method error (Wolff 2004); a check passes within 4 sigma of the reference (errors combined in quadrature).',
    '',
    '| check | measured | tau_int | reference | deviation | result | time |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const c of checks) {
    const m = `${c.measured.mean.toFixed(6)} +- ${c.measured.error.toFixed(6)}`;
    const ref = c.referenceError > 0 ? `${c.reference} +- ${c.referenceError}` : `${c.reference}`;
    lines.push(
      `| ${c.name} | ${m} | ${c.measured.tauInt.toFixed(2)} | ${ref} | ${c.sigma.toFixed(2)} sigma | ${c.pass ? 'pass' : 'FAIL'} | ${c.seconds.toFixed(0)} s |`,
    );
  }
  lines.push('', 'Set-ups and sources:', '');
  for (const c of checks) lines.push(`- ${c.name}: ${c.setup}. Reference: ${c.source}.`);
  return `${lines.join('\n')}\n`;
}

function flowReport(checks: FlowCheck[], notes: string[], command: string): string {
  const lines = [
    '# Gradient flow validation',
    '',
    `Command: \`${command}\``,
    `Date: ${new Date().toISOString()}; Node ${process.version}; CPU ${cpus()[0]?.model ?? 'unknown'} (${cpus().length} cores); ${workers} workers.`,
    '',
    'Each measured value has a Gamma-method error (Wolff 2004; t0 as a derived quantity of the interpolated <E(t)>); a check passes within 3 sigma of the reference (errors combined in quadrature; the interpolation of arXiv:1503.05652 is taken without error).',
    '',
    '| check | measured | tau_int | reference | deviation | result |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const c of checks) {
    const digits = c.measured.mean < 0.01 ? 7 : 4;
    const m = `${c.measured.mean.toFixed(digits)} +- ${c.measured.error.toFixed(digits)}`;
    const ref =
      c.referenceError > 0 ? `${c.reference} +- ${c.referenceError}` : `${c.reference.toFixed(4)}`;
    lines.push(
      `| ${c.name} | ${m} | ${c.measured.tauInt.toFixed(2)} | ${ref} | ${c.sigma.toFixed(2)} sigma | ${c.pass ? 'pass' : 'FAIL'} |`,
    );
  }
  lines.push('', 'Further results:', '');
  for (const n of notes) lines.push(`- ${n}`);
  lines.push('', 'Set-ups and sources:', '');
  for (const c of checks) lines.push(`- ${c.name}: ${c.setup}. Reference: ${c.source}.`);
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const command = `npm run validate${args.length ? ` -- ${args.join(' ')}` : ''}`;
  if (only === 'faults') {
    const { faultValidation } = await import('./faults.js');
    const repeat = Number(value('--repeat') ?? 1);
    if (!(Number.isInteger(repeat) && repeat >= 1)) {
      throw new Error(`invalid --repeat ${value('--repeat')}: expected an integer >= 1`);
    }
    process.exitCode = (await faultValidation(quick, command, repeat)) ? 0 : 1;
    return;
  }
  if (only === 'hmc') {
    const { hmcColdStartValidation } = await import('./hmcColdStart.js');
    process.exitCode = (await hmcColdStartValidation(quick, command)) ? 0 : 1;
    return;
  }
  if (only === 'drift') {
    const { driftValidation } = await import('./driftRates.js');
    process.exitCode = driftValidation(quick ? 200 : 4000, command, !quick) ? 0 : 1;
    return;
  }
  let pass = true;
  if (only === undefined || only === 'su3' || only === '2d') pass = await monteCarloChecks(command);
  if (only === undefined || only === 'flow') {
    const flow = await flowValidation({
      quick,
      work,
      workers,
      beta: flowBeta,
      every,
      log: (line) => process.stderr.write(`${line}\n`),
    });
    const text = flowReport(flow.checks, flow.notes, command);
    process.stdout.write(text);
    if (!quick && flowBeta === undefined) writeResults('flow', text, command, flow.checks);
    pass &&= flow.checks.every((c) => c.pass);
  }
  process.exitCode = pass ? 0 : 1;
}

/** The Monte Carlo checks (su3, 2d); returns whether all passed. */
async function monteCarloChecks(command: string): Promise<boolean> {
  const checks: Check[] = [];
  if (only === undefined || only === 'su3') checks.push(...(await su3Beta6()));
  if (only === undefined || only === '2d') checks.push(...(await twoDimensional()));
  const text = report(checks, command);
  process.stdout.write(text);
  if (!quick) writeResults(`montecarlo-${only ?? 'all'}`, text, command, checks);
  return checks.every((c) => c.pass);
}

function writeResults(
  name: string,
  text: string,
  command: string,
  checks: Array<{ measured: { mean: number; error: number; tauInt: number; n: number } }>,
): void {
  mkdirSync('data/validation', { recursive: true });
  writeFileSync(`data/validation/${name}.md`, text);
  writeFileSync(
    `data/validation/${name}.json`,
    JSON.stringify(
      {
        command,
        checks: checks.map((c) => ({
          ...c,
          measured: {
            mean: c.measured.mean,
            error: c.measured.error,
            tauInt: c.measured.tauInt,
            n: c.measured.n,
          },
        })),
      },
      null,
      2,
    ),
  );
}

await main();
