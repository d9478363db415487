/**
 * `npm run validate -- hmc`: chains that go nowhere (issue 19), at full size.
 *
 * 1. The reference: the plaquette of SU(2) on 8^4 at beta 2.3 from a heatbath chain of high
 *    statistics (1 heatbath + 4 overrelaxation sweeps per step, 2 worker threads), with its
 *    Gamma-method error: the value the CLI test (test/cli/chainHealth.test.ts) compares with.
 * 2. The run of the issue, as the user typed it, through the CLI: `lgt generate --group 2
 *    --dims 8,8,8,8 --beta 2.3 --algorithm hmc --thermalization 50 --configs 100 --seed 3`,
 *    with today's defaults, then `lgt measure`: its plaquette against the reference (4 sigma,
 *    errors combined), its acceptance and tuned integration steps, no warning; and the same
 *    run with the old defaults (`--md-steps 10 --md-warmup 0`), which must be reported stuck.
 * 3. The defaults on other groups, couplings and volumes, HMC and Metropolis: acceptance,
 *    tuned parameter, plaquette and warnings, so that "safe for every algorithm and group" is a
 *    measured statement.
 *
 * Writes data/validation/hmc-cold-start.{md,json}.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { GaugeField } from '../src/lattice/gaugeField.js';
import { Lattice } from '../src/lattice/lattice.js';
import { averagePlaquette } from '../src/lattice/observables/plaquette.js';
import { monteCarloStep } from '../src/montecarlo/algorithm.js';
import { gammaAnalysis, type GammaResult } from '../src/core/gamma.js';
import { SerialSweeper, WorkerSweeper, type Sweeper } from '../src/montecarlo/sweeper.js';
import { openEnsemble } from '../src/io/ensembleReader.js';
import { runLgt } from '../test/lgtProcess.js';

interface Estimate {
  mean: number;
  error: number;
  tauInt: number;
  n: number;
}

function estimate(r: GammaResult): Estimate {
  return { mean: r.mean, error: r.error, tauInt: r.tauInt, n: r.n };
}

function show(e: { mean: number; error: number }): string {
  const digits = Math.max(0, 1 - Math.floor(Math.log10(e.error)));
  return `${e.mean.toFixed(digits)}(${Math.round(e.error * 10 ** digits)})`;
}

/** The heatbath reference: thermalization + measurements compound sweeps from a cold start. */
async function heatbathReference(
  thermalization: number,
  measurements: number,
): Promise<{ plaquette: Estimate; seconds: number; setup: string }> {
  const workers = Math.max(1, Math.min(2, cpus().length));
  let field = GaugeField.cold(new Lattice([8, 8, 8, 8]), 2);
  const sweeper: Sweeper = workers > 1 ? new WorkerSweeper(workers) : new SerialSweeper();
  if (workers > 1) field = field.toShared();
  const series: number[] = [];
  const t0 = performance.now();
  for (let step = 0; step < thermalization + measurements; step++) {
    await monteCarloStep(
      field,
      { kind: 'heatbath', overrelaxation: 4 },
      2.3,
      190,
      step,
      0,
      sweeper,
    );
    if (step % 10 === 9) field.reunitarize();
    if (step >= thermalization) series.push(averagePlaquette(field));
    if (step % 200 === 0) process.stderr.write(`\rheatbath reference: ${step}   `);
  }
  await sweeper.close();
  const seconds = (performance.now() - t0) / 1000;
  process.stderr.write(`\rheatbath reference: done in ${seconds.toFixed(0)} s\n`);
  return {
    plaquette: estimate(gammaAnalysis(series)),
    seconds,
    setup:
      `SU(2) 8^4, beta 2.3, 1 heatbath + 4 overrelaxation sweeps per step, cold start, ` +
      `${thermalization} + ${measurements} steps, seed 190, ${workers} workers`,
  };
}

/** One run of `lgt generate` with `args`, then what its file and `lgt measure` say. */
async function cliRun(dir: string, name: string, args: string[]) {
  const file = join(dir, `${name}.h5`);
  const t0 = performance.now();
  const g = await runLgt(['generate', '-o', file, ...args, '--json', '--no-progress']);
  const seconds = (performance.now() - t0) / 1000;
  if (g.code !== 0) throw new Error(`${name}: lgt generate exit ${g.code}: ${g.stderr}`);
  const summary = JSON.parse(g.stdout) as {
    acceptance: number[];
    warnings: Array<{ message: string }>;
  };
  const m = await runLgt(['measure', file, '--json']);
  if (m.code !== 0) throw new Error(`${name}: lgt measure exit ${m.code}: ${m.stderr}`);
  const measured = JSON.parse(m.stdout) as {
    ensembles: Array<{ observables: { plaquette: Estimate } }>;
    warnings: Array<{ message: string }>;
  };
  const e = await openEnsemble(file);
  const chains = (e.diagnostics?.chains ?? []) as Array<{ parameters: Record<string, number> }>;
  e.close();
  return {
    name,
    command: `lgt generate -o ${name}.h5 ${args.join(' ')}`,
    acceptance: summary.acceptance[0],
    parameters: chains[0]?.parameters ?? {},
    plaquette: measured.ensembles[0].observables.plaquette,
    generateWarnings: summary.warnings.map((w) => w.message),
    measureWarnings: measured.warnings.map((w) => w.message),
    seconds,
  };
}

/** The validation; `quick` shortens the reference and skips the wide table. */
export async function hmcColdStartValidation(quick: boolean, command: string): Promise<boolean> {
  const dir = mkdtempSync(join(tmpdir(), 'lgt-validate-hmc-'));
  const reference = await heatbathReference(100, quick ? 300 : 4000);
  const issue = [
    '--group',
    '2',
    '--dims',
    '8,8,8,8',
    '--beta',
    '2.3',
    '--algorithm',
    'hmc',
    '--thermalization',
    '50',
    '--configs',
    quick ? '20' : '100',
    '--seed',
    '3',
  ];
  const today = await cliRun(dir, 'issue-defaults', issue);
  const old = await cliRun(dir, 'issue-old-defaults', [
    ...issue,
    '--md-steps',
    '10',
    '--md-warmup',
    '0',
  ]);
  const sigma =
    Math.abs(today.plaquette.mean - reference.plaquette.mean) /
    Math.hypot(today.plaquette.error, reference.plaquette.error);
  const cases: Array<[string, string[]]> = [
    [
      'SU(3) 4^4 beta 5.7 hmc',
      ['--group', '3', '--dims', '4,4,4,4', '--beta', '5.7', '--algorithm', 'hmc'],
    ],
    [
      'SU(3) 4^4 beta 6.0 hmc',
      ['--group', '3', '--dims', '4,4,4,4', '--beta', '6.0', '--algorithm', 'hmc'],
    ],
    [
      'SU(3) 8^4 beta 6.0 hmc',
      ['--group', '3', '--dims', '8,8,8,8', '--beta', '6.0', '--algorithm', 'hmc'],
    ],
    [
      'SU(4) 4^4 beta 11 hmc',
      ['--group', '4', '--dims', '4,4,4,4', '--beta', '11', '--algorithm', 'hmc'],
    ],
    [
      'SU(2) 32x32 beta 6 hmc',
      ['--group', '2', '--dims', '32,32', '--beta', '6', '--algorithm', 'hmc'],
    ],
    [
      'SU(2) 8^4 beta 2.3 metropolis',
      ['--group', '2', '--dims', '8,8,8,8', '--beta', '2.3', '--algorithm', 'metropolis'],
    ],
    [
      'SU(3) 4^4 beta 6.0 metropolis',
      ['--group', '3', '--dims', '4,4,4,4', '--beta', '6.0', '--algorithm', 'metropolis'],
    ],
    [
      'SU(4) 4^4 beta 11 metropolis',
      ['--group', '4', '--dims', '4,4,4,4', '--beta', '11', '--algorithm', 'metropolis'],
    ],
    [
      'SU(2) 32x32 beta 6 metropolis',
      ['--group', '2', '--dims', '32,32', '--beta', '6', '--algorithm', 'metropolis'],
    ],
  ];
  const table = [];
  for (const [name, args] of quick ? cases.slice(0, 1) : cases) {
    process.stderr.write(`defaults: ${name}\n`);
    table.push(
      await cliRun(dir, name.replace(/[^\w.]+/g, '-'), [
        ...args,
        '--thermalization',
        '100',
        '--configs',
        '20',
        '--separation',
        '2',
        '--seed',
        '7',
      ]),
    );
  }
  const pass =
    sigma < 4 &&
    today.generateWarnings.length === 0 &&
    old.generateWarnings.some((w) => w.includes('HMC accepted none')) &&
    table.every((r) => r.generateWarnings.length === 0);

  const lines = [
    '# HMC from a cold start, and the defaults of every algorithm (issue 19)',
    '',
    `Command: \`${command}\``,
    `Date: ${new Date().toISOString()}; Node ${process.version}; CPU ${cpus()[0]?.model ?? 'unknown'} (${cpus().length} cores).`,
    '',
    '## The reference',
    '',
    `${reference.setup}: plaquette **${show(reference.plaquette)}** (Gamma method, tau_int ${reference.plaquette.tauInt.toFixed(2)} steps, ${reference.plaquette.n} measurements, ${reference.seconds.toFixed(0)} s).`,
    '',
    '## The run of the issue',
    '',
    '| run | acceptance | integration steps | plaquette (lgt measure) | vs reference | warnings |',
    '| --- | --- | --- | --- | --- | --- |',
    `| \`${today.command}\` | ${today.acceptance.toFixed(3)} | ${today.parameters.steps} (tuned) | ${show(today.plaquette)} | ${sigma.toFixed(2)} sigma | ${today.generateWarnings.length === 0 ? 'none' : today.generateWarnings.join('; ')} |`,
    `| \`${old.command}\` | ${old.acceptance.toFixed(3)} | 10 (fixed) | ${show(old.plaquette)} | - | ${[...old.generateWarnings, ...old.measureWarnings.map((w) => `measure: ${w}`)].join('; ')} |`,
    '',
    '## The defaults elsewhere',
    '',
    'Each: `--thermalization 100 --configs 20 --separation 2 --seed 7`, everything else default.',
    '',
    '| case | acceptance after thermalisation | tuned parameter | plaquette | warnings | time |',
    '| --- | --- | --- | --- | --- | --- |',
    ...table.map(
      (r) =>
        `| ${r.name} | ${r.acceptance.toFixed(3)} | ${Object.entries(r.parameters)
          .map(([k, v]) => `${k} ${Number(v).toPrecision(3)}`)
          .join(
            ', ',
          )} | ${show(r.plaquette)} | ${r.generateWarnings.length === 0 ? 'none' : r.generateWarnings.join('; ')} | ${r.seconds.toFixed(0)} s |`,
    ),
    '',
    `Result: ${pass ? 'pass' : 'FAIL'} (the issue's run within 4 sigma of the reference and without warnings, the old defaults reported stuck, no warning elsewhere).`,
  ];
  const text = `${lines.join('\n')}\n`;
  process.stdout.write(text);
  if (!quick) {
    mkdirSync('data/validation', { recursive: true });
    writeFileSync('data/validation/hmc-cold-start.md', text);
    writeFileSync(
      'data/validation/hmc-cold-start.json',
      `${JSON.stringify({ command, reference, issue: { today, old, sigma }, table, pass }, null, 2)}\n`,
    );
  }
  return pass;
}
