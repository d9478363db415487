/**
 * `npm run bench:flow`: the gradient flow on 16^4 SU(3), side by side with the heatbath sweep
 * of the same lattice (issue 15's targets), on a field thermalised at beta = 6.0:
 *
 * 1. one RK3 step of the Wilson flow (three force evaluations, three exponentials per link)
 *    on one thread and on 2 worker threads, one measurement (E in both discretisations, Q,
 *    plaquette, Polyakov loop), and one heatbath sweep (Cabibbo-Marinari, no
 *    overrelaxation), interleaved round by round; target: one RK3 step <= 2 heatbath sweeps;
 * 2. flow time per unit t: fixed epsilon = 0.01 (100 steps per unit t) and adaptive;
 * 3. steps to t* (the probe time where t^2 E is nearest 0.3, i.e. near t0) and the accuracy
 *    reached: fixed epsilon = 0.01, 0.02, 0.04, 0.08 and adaptive steps at tolerances 1e-3 ...
 *    1e-6, the error of t^2 E at t* against a Richardson-extrapolated reference from epsilon =
 *    0.01 and 0.02 (global error epsilon^3), and the error of t0 it makes,
 *    delta t0 = delta(t^2 E) t / W. Target: adaptive needs >= 3x fewer steps than the fixed
 *    epsilon = 0.01 at an error no larger; the run also says what each needs for an accuracy
 *    that is far below the statistical error, and what the cheapest fixed step needs for it
 *    (the fair competitor).
 *
 *   npm run bench:flow                       full run on 16^4 (long: thermalisation and
 *                                            about 800 RK3 steps; an hour on a loaded machine)
 *   npm run bench:flow -- --quick            8^4, fewer rounds
 *   npm run bench:flow -- --config FILE      the field: configuration 0 of an ensemble file
 *   npm run bench:flow -- --speed-only       part 1 only (and the fixed-step time per unit t)
 *
 * Results are recorded in bench/RESULTS.md with the command.
 *
 * @module
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { GaugeField } from '../src/lattice/gaugeField.js';
import { Lattice } from '../src/lattice/lattice.js';
import { averagePlaquette } from '../src/lattice/observables/plaquette.js';
import { openEnsemble } from '../src/io/ensembleReader.js';
import { SerialSweeper } from '../src/montecarlo/sweeper.js';
import { GradientFlow } from '../src/flow/gradientFlow.js';
import { SerialFlowEngine } from '../src/flow/flowEngine.js';
import { compareTimed, renderTable } from './timing.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const configFile = args.includes('--config') ? args[args.indexOf('--config') + 1] : undefined;
const speedOnly = args.includes('--speed-only');
const L = quick ? 8 : 16;
const BETA = 6.0;
const rounds = quick ? 3 : 5;
const log = (s = ''): void => console.log(s);

async function thermalisedField(): Promise<{ field: GaugeField; how: string }> {
  if (configFile !== undefined) {
    const e = await openEnsemble(configFile);
    const field = e.configuration(0);
    const how = `configuration 0 of ${configFile} (beta ${e.beta[0]}, sweep ${e.sweep[0]})`;
    e.close();
    return { field, how };
  }
  const sweeps = quick ? 20 : 60;
  const field = GaugeField.cold(new Lattice([L, L, L, L]), 3);
  const sweeper = new SerialSweeper();
  const t0 = performance.now();
  for (let s = 0; s < sweeps; s++) {
    sweeper.sweepSync(field, { kind: 'heatbath', sweep: 5 * s, stream: 0, beta: BETA, seed: 15 });
    for (let o = 1; o <= 4; o++) {
      sweeper.sweepSync(field, {
        kind: 'overrelaxation',
        sweep: 5 * s + o,
        stream: 0,
        beta: BETA,
        seed: 15,
      });
    }
    if (s % 10 === 9) field.reunitarize();
  }
  const seconds = (performance.now() - t0) / 1000;
  return {
    field,
    how: `${sweeps} x (1 heatbath + 4 overrelaxation) sweeps at beta ${BETA} from a cold start (${seconds.toFixed(0)} s), plaquette ${averagePlaquette(field).toFixed(5)}`,
  };
}

async function main(): Promise<void> {
  const cpus = os.cpus();
  log('lattice-gauge gradient-flow benchmark (npm run bench:flow)');
  log(`date      ${new Date().toISOString()}`);
  log(`node      ${process.version} (V8 ${process.versions.v8})`);
  log(`cpu       ${cpus[0]?.model ?? 'unknown'} x ${cpus.length}`);
  log(`load      ${os.loadavg()[0].toFixed(2)} (1-minute average at start)`);
  const { field, how } = await thermalisedField();
  const lattice = field.lattice;
  log(`field     SU(3) ${lattice}: ${how}`);
  log();

  // 1. Side by side, interleaved.
  const sweepField = field.clone();
  const sweeper = new SerialSweeper();
  let sweepNumber = 1000;
  const serial = new GradientFlow(lattice, 3, { workers: 0 });
  const parallel = new GradientFlow(lattice, 3, { workers: 2 });
  const buffers = { links: field.links.slice(), accumulator: new Float64Array(field.links.length) };
  const engine = new SerialFlowEngine(lattice, 3, 'wilson', buffers);
  const stepsPerSample = quick ? 2 : 3;
  const timedRun = async (flow: GradientFlow): Promise<number> => {
    const t = performance.now();
    await flow.run(field, { tMax: 0.01 * stepsPerSample, times: [], epsilon: 0.01, charge: false });
    return performance.now() - t;
  };
  const comparison = await compareTimed(
    `Wilson flow on ${lattice} SU(3) beside the heatbath sweep (ms per operation)`,
    [
      {
        name: 'heatbath sweep (Cabibbo-Marinari, 1 thread)',
        opsPerCall: 1,
        sample: async () => {
          const t = performance.now();
          sweeper.sweepSync(sweepField, {
            kind: 'heatbath',
            sweep: sweepNumber++,
            stream: 0,
            beta: BETA,
            seed: 15,
          });
          return performance.now() - t;
        },
      },
      {
        name: 'RK3 step, 1 thread',
        opsPerCall: stepsPerSample,
        sample: () => timedRun(serial),
        note: 'three force evaluations and three exponentials per link',
      },
      {
        name: 'RK3 step, 2 worker threads',
        opsPerCall: stepsPerSample,
        sample: () => timedRun(parallel),
      },
      {
        name: 'measurement, 1 thread',
        opsPerCall: 1,
        sample: async () => {
          const t = performance.now();
          await engine.measure(true);
          return performance.now() - t;
        },
        note: 'E (plaquette, clover), Q, plaquette',
      },
    ],
    rounds,
    1,
  );
  await parallel.close();
  log(renderTable(comparison).replace(/ns\/op/g, 'ns/op'));
  const [sweepNs, stepNs, stepParallelNs, measureNs] = comparison.variants.map((v) => v.nsPerOp);
  const ratio = stepNs / sweepNs;
  log();
  log(
    `one RK3 step = ${ratio.toFixed(2)} heatbath sweeps (target <= 2: ${ratio <= 2 ? 'PASS' : 'FAIL'})`,
  );
  log(
    `2 workers: ${(stepNs / stepParallelNs).toFixed(2)}x the speed of 1 (load decides what a second core gives)`,
  );
  log(`one measurement = ${(measureNs / stepNs).toFixed(2)} RK3 steps`);
  if (speedOnly) {
    log(
      `flow time per unit t: fixed epsilon = 0.01 ${((100 * stepNs) / 1e9).toFixed(1)} s (1 thread), ` +
        `${((100 * stepParallelNs) / 1e9).toFixed(1)} s (2 workers)`,
    );
    await serial.close();
    return;
  }

  // 2 and 3: steps to t0 at equal accuracy.
  const probe = await serial.run(field, {
    tMax: 5,
    times: [2, 2.4, 2.8, 3.2, 3.6, 4, 4.4, 5].filter((t) => t <= 5),
    epsilon: 0.05,
    charge: false,
  });
  // t*: the probe time nearest to t^2 E = 0.3 (a rough t0 of this configuration)
  const ms = probe.measurements;
  let star = ms[0];
  for (const m of ms) {
    if (
      Math.abs(m.t * m.t * m.energyClover - 0.3) <
      Math.abs(star.t * star.t * star.energyClover - 0.3)
    )
      star = m;
  }
  const tStar = star.t;
  const at = async (options: {
    epsilon: number;
    tolerance?: number;
  }): Promise<{ run: { value: number; steps: number; ms: number }; W: number }> => {
    const t = performance.now();
    const run = await serial.run(field, {
      tMax: tStar + 0.2,
      times: [tStar - 0.2, tStar, tStar + 0.2],
      charge: false,
      ...options,
    });
    const [a, b, c] = run.measurements;
    const y = (m: typeof a): number => m.t * m.t * m.energyClover;
    const W = (tStar * (y(c) - y(a))) / 0.4;
    return { run: { value: y(b), steps: b.steps, ms: performance.now() - t }, W };
  };
  const fixed = await at({ epsilon: 0.01 });
  const double = await at({ epsilon: 0.02 });
  // Richardson: the error of epsilon = 0.02 is 8 times that of 0.01 (global error epsilon^3)
  const reference = fixed.run.value + (fixed.run.value - double.run.value) / 7;
  const W = fixed.W;
  const nearT0 = Math.abs(reference - 0.3) < 0.05;
  // the error of t0 that an error of t^2 E at t* near t0 makes: delta t0 = delta(t^2 E) t / W
  const error = (value: number): number => Math.abs(value - reference) / reference;
  const dt0 = (value: number): string =>
    nearT0 ? ((Math.abs(value - reference) * tStar) / W / tStar).toExponential(2) : 'n/a';
  log();
  log(
    `### Steps to t* = ${tStar} (t^2 E = ${reference.toFixed(4)}${nearT0 ? ', near t0' : ''}), fixed and adaptive, and their accuracy`,
  );
  log();
  log('| integrator | steps to t* | delta(t^2 E)/t^2 E at t* | delta t0 / t0 | wall time |');
  log('| --- | ---: | ---: | ---: | ---: |');
  const rows: Array<{ name: string; steps: number; error: number; fixed: boolean }> = [];
  const row = (
    name: string,
    r: { run: { value: number; steps: number; ms: number } },
    isFixed: boolean,
  ): void => {
    const e = error(r.run.value);
    rows.push({ name, steps: r.run.steps, error: e, fixed: isFixed });
    log(
      `| ${name} | ${r.run.steps} | ${e.toExponential(2)} | ${dt0(r.run.value)} | ${(r.run.ms / 1000).toFixed(1)} s |`,
    );
  };
  row('fixed epsilon = 0.01', fixed, true);
  for (const epsilon of [0.02, 0.04, 0.08])
    row(`fixed epsilon = ${epsilon}`, await at({ epsilon }), true);
  for (const tolerance of [1e-3, 1e-4, 1e-5, 1e-6, 1e-7]) {
    row(`adaptive, tolerance ${tolerance}`, await at({ epsilon: 0.01, tolerance }), false);
  }
  await serial.close();
  log();
  log('(reference: Richardson extrapolation of epsilon = 0.01 and 0.02, global error epsilon^3)');
  const base = rows[0];
  const cheapest = (target: number, isFixed: boolean) =>
    rows
      .filter((r) => r.fixed === isFixed && r.error <= target)
      .reduce<(typeof rows)[number] | undefined>(
        (b, r) => (b === undefined || r.steps < b.steps ? r : b),
        undefined,
      );
  const strict = cheapest(base.error, false);
  log(
    strict === undefined
      ? `at the accuracy of fixed epsilon = 0.01 (${base.error.toExponential(1)}): no tolerance tried gets there; target (>= 3x fewer steps) FAIL`
      : `at the accuracy of fixed epsilon = 0.01: ${strict.name}, ${strict.steps} steps against ${base.steps} (${(base.steps / strict.steps).toFixed(1)}x; target >= 3: ${base.steps / strict.steps >= 3 ? 'PASS' : 'FAIL'})`,
  );
  const practical = 1e-5;
  const a = cheapest(practical, false);
  const f = cheapest(practical, true);
  log(
    `at a relative accuracy of t^2 E of ${practical} (100x below a 0.1% statistical error): ` +
      `adaptive ${a === undefined ? 'none' : `${a.steps} steps (${a.name})`}, ` +
      `fixed epsilon = 0.01 ${base.steps} steps${a === undefined ? '' : ` (${(base.steps / a.steps).toFixed(1)}x more)`}, ` +
      `cheapest fixed step ${f === undefined ? 'none' : `${f.steps} steps (${f.name})`}`,
  );
  log(
    `flow time per unit t: fixed epsilon = 0.01 ${((100 * stepNs) / 1e9).toFixed(1)} s (1 thread), ` +
      `${((100 * stepParallelNs) / 1e9).toFixed(1)} s (2 workers)` +
      (a === undefined
        ? ''
        : `; adaptive (${a.name}) ${(((a.steps / tStar) * stepNs) / 1e9).toFixed(1)} s (1 thread)`),
  );
}

await main();
