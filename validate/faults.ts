/**
 * `npm run validate -- faults`: the long fault-injection suite of issue 19, hundreds of kills
 * where `npm test` (test/faults/) makes a few per command. The real CLI in child processes
 * (test/lgtProcess.ts), as users meet it:
 *
 * - `lgt generate` on the CPU, serially and on 2 worker threads: series of SIGKILLs after a
 *   seeded number of saved configurations (then within 100 ms), each series resumed to the end
 *   and compared bit for bit with an uninterrupted run of the same seed;
 * - the same at every named fault point of the write paths, at its 1st, 2nd and 3rd passage;
 * - SIGINT and SIGTERM at seeded moments: exit 130/143, then resumed;
 * - a full disk (file-size limits of several sizes): refused with the file named, resumed;
 * - `lgt generate --backend webgpu`: series of SIGKILLs;
 * - `lgt train`: series of SIGKILLs after seeded numbers of epochs, and at its fault points:
 *   the same model file byte for byte, and every epoch logged once;
 * - `lgt flow`: series of SIGKILLs after seeded numbers of flowed configurations, then within
 *   100 ms, and at its flow fault points: the same flow file bit for bit.
 *
 * The counts go to data/validation/faults.{md,json} with the command that made them.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateEnsemble } from '../src/montecarlo/generate.js';
import { FAULT_POINTS } from '../src/core/faultPoint.js';
import { KillSchedule, runLgt, runWithKills, startLgt, waitUntil } from '../test/lgtProcess.js';
import { ensembleDifference, savedInCheckpoint } from '../test/faults/ensembleRun.js';
import { flowDifference, flowedInCheckpoint } from '../test/faults/flowRun.js';

/** What one scenario did. */
interface Tally {
  scenario: string;
  /** Independent series (each compared once with its uninterrupted run). */
  series: number;
  /** Kills or signals attempted. */
  attempted: number;
  /** Processes a signal actually ended (SIGKILL), or that stopped cleanly (130/143). */
  landed: number;
  /** Series whose result equalled the uninterrupted run bit for bit. */
  identical: number;
  /** What went wrong, one line each. */
  failures: string[];
  seconds: number;
}

const GENERATE = (seed: number): string[] => [
  'generate',
  '--dims',
  '4,4,4,4',
  '--beta',
  '2.2,2.5',
  '--configs',
  '12',
  '--separation',
  '2',
  '--thermalization',
  '6',
  '--seed',
  String(seed),
  '--no-progress',
];

const GPU = (seed: number): string[] => [
  'generate',
  '--backend',
  'webgpu',
  '--group',
  '3',
  '--dims',
  '4,4,4,4',
  '--beta',
  '5.7,6.0',
  '--configs',
  '8',
  '--separation',
  '2',
  '--thermalization',
  '5',
  '--seed',
  String(seed),
  '--no-charge',
  '--no-progress',
];

function tally(scenario: string): Tally {
  return { scenario, series: 0, attempted: 0, landed: 0, identical: 0, failures: [], seconds: 0 };
}

async function timed(t: Tally, body: () => Promise<void>): Promise<Tally> {
  const t0 = performance.now();
  try {
    await body();
  } catch (error) {
    t.failures.push(`aborted: ${(error as Error).message}`);
  }
  t.seconds = (performance.now() - t0) / 1000;
  process.stderr.write(
    `${t.scenario}: ${t.series} series, ${t.landed}/${t.attempted} kills landed, ` +
      `${t.identical} identical, ${t.failures.length} failures, ${t.seconds.toFixed(0)} s\n`,
  );
  return t;
}

/** Compares a finished series with its reference, counting. */
async function judge(t: Tally, label: string, output: string, reference: string): Promise<void> {
  t.series++;
  const d = existsSync(output)
    ? await ensembleDifference(output, reference)
    : `no output ${output}`;
  if (d === undefined) t.identical++;
  else t.failures.push(`${label}: ${d}`);
}

async function reference(dir: string, args: string[], name: string): Promise<string> {
  const path = join(dir, name);
  if (!existsSync(path)) {
    const r = await runLgt([...args, '-o', path]);
    if (r.code !== 0) throw new Error(`reference ${name}: ${r.stderr}`);
  }
  return path;
}

/** Series of SIGKILLs after seeded numbers of saved configurations. */
async function killSeries(
  t: Tally,
  dir: string,
  args: (seed: number) => string[],
  extra: string[],
  series: number,
  kills: number,
  total: number,
  seed0: number,
): Promise<void> {
  for (let s = 0; s < series; s++) {
    const seed = seed0 + s;
    const ref = await reference(dir, args(seed), `ref-${args(seed)[2]}-${seed}.h5`);
    const output = join(mkdtempSync(join(dir, 'kill-')), 'run.h5');
    const schedule = new KillSchedule(seed);
    const after = Array.from({ length: kills }, () => schedule.below(total)).sort((a, b) => a - b);
    const report = await runWithKills([...args(seed), ...extra, '-o', output], {
      kills,
      schedule,
      ready: (k) => savedInCheckpoint(output) >= after[k],
      maxDelayMs: 100,
    });
    t.attempted += kills;
    t.landed += report.killed;
    const last = report.runs.at(-1)!;
    if (last.code !== 0)
      t.failures.push(`seed ${seed}: last run exit ${last.code}: ${last.stderr}`);
    await judge(t, `seed ${seed}`, output, ref);
  }
}

/** Every named fault point of generate, at its 1st to 3rd passage, then resumed. */
async function pointSeries(t: Tally, dir: string): Promise<void> {
  const ref = await reference(dir, GENERATE(31), 'ref-points.h5');
  const names = Object.keys(FAULT_POINTS).filter(
    (n) => !n.startsWith('train:') && !n.startsWith('flow:'),
  );
  for (const name of names) {
    for (let k = 1; k <= 3; k++) {
      // finalize and finalized pass once per run
      if (k > 1 && name.startsWith('finalize')) continue;
      if (k > 1 && name === 'generate:finalized') continue;
      const output = join(mkdtempSync(join(dir, 'point-')), 'run.h5');
      const r = await runLgt([...GENERATE(31), '-o', output], {
        env: { LGT_TEST_KILL_AT: `${name}@${k}` },
      });
      t.attempted++;
      if (r.signal === 'SIGKILL') t.landed++;
      else t.failures.push(`${name}@${k}: not killed (${r.code}): ${r.stderr}`);
      const resumed = await runLgt([...GENERATE(31), '-o', output, '--resume']);
      if (resumed.code !== 0)
        t.failures.push(`${name}@${k}: resume exit ${resumed.code}: ${resumed.stderr}`);
      await judge(t, `${name}@${k}`, output, ref);
    }
  }
}

/**
 * SIGINT after a seeded number of saved configurations in the first half of the run (of 24),
 * then SIGTERM after one in the second half, then the resume to the end.
 */
async function signalSeries(t: Tally, dir: string, series: number): Promise<void> {
  const ref = await reference(dir, GENERATE(41), 'ref-signals.h5');
  const schedule = new KillSchedule(41);
  for (let s = 0; s < series; s++) {
    const output = join(mkdtempSync(join(dir, 'signal-')), 'run.h5');
    const moments = [1 + schedule.below(10), 13 + schedule.below(10)];
    for (const [k, signal] of (['SIGINT', 'SIGTERM'] as const).entries()) {
      if (existsSync(output)) break; // the run finished before this signal's moment
      const child = startLgt([...GENERATE(41), '-o', output, ...(k > 0 ? ['--resume'] : [])]);
      const ready = await waitUntil(child, () => savedInCheckpoint(output) >= moments[k]);
      t.attempted++;
      if (ready) child.process.kill(signal);
      const r = await child.finished;
      const code = signal === 'SIGINT' ? 130 : 143;
      if (r.code === code && r.stderr.includes('Resume with:')) t.landed++;
      else if (r.code !== 0) t.failures.push(`${signal}: exit ${r.code}: ${r.stderr}`);
    }
    const resumed = await runLgt([...GENERATE(41), '-o', output, '--resume']);
    if (resumed.code !== 0)
      t.failures.push(`signals: resume exit ${resumed.code}: ${resumed.stderr}`);
    await judge(t, `signals ${s}`, output, ref);
  }
}

/** A full disk: file-size limits that fall at different configurations. */
async function diskSeries(t: Tally, dir: string): Promise<void> {
  const ref = await reference(dir, GENERATE(51), 'ref-disk.h5');
  for (const limit of [500_000, 800_000, 1_100_000, 1_400_000, 1_700_000]) {
    const output = join(mkdtempSync(join(dir, 'disk-')), 'run.h5');
    const r = await runLgt([...GENERATE(51), '-o', output], { fileSizeLimitBytes: limit });
    t.attempted++;
    const named =
      r.stderr.includes(`${output}.partial`) &&
      r.stderr.includes('nothing already written is lost');
    if (r.code === 2 && named) t.landed++;
    else t.failures.push(`limit ${limit}: exit ${r.code}: ${r.stderr}`);
    const resumed = await runLgt([...GENERATE(51), '-o', output, '--resume']);
    if (resumed.code !== 0)
      t.failures.push(`limit ${limit}: resume exit ${resumed.code}: ${resumed.stderr}`);
    await judge(t, `limit ${limit}`, output, ref);
  }
}

/** `lgt train`: SIGKILLs after seeded numbers of epochs, and at its fault points. */
async function trainSeries(t: Tally, dir: string, series: number, kills: number): Promise<void> {
  const data = join(dir, 'train-data.h5');
  if (!existsSync(data)) {
    await generateEnsemble(
      {
        N: 2,
        dims: [8, 8],
        betas: [1.5, 3],
        algorithm: { kind: 'heatbath', overrelaxation: 1 },
        thermalization: 10,
        separation: 2,
        configurations: 24,
        seed: 5,
        start: 'cold',
        reunitarizeEvery: 10,
        measurements: { wilsonLoops: 1, polyakovLoop: false, topologicalCharge: false },
      },
      { output: data },
    );
  }
  const epochs = 12;
  const args = (model: string, metrics: string): string[] => [
    'train',
    '--data',
    data,
    '-o',
    model,
    '--target',
    'wilson:1x2',
    '--architecture',
    'lcb:4:1,lcb:4:2,trace,dense:1',
    '--epochs',
    String(epochs),
    '--batch-size',
    '4',
    '--patience',
    '0',
    '--checkpoint',
    '--metrics',
    metrics,
    '--no-progress',
  ];
  const refModel = join(dir, 'train-ref.json');
  const refMetrics = join(dir, 'train-ref.jsonl');
  const r0 = await runLgt(args(refModel, refMetrics));
  if (r0.code !== 0) throw new Error(`train reference: ${r0.stderr}`);
  const logged = (m: string): number =>
    existsSync(m) ? readFileSync(m, 'utf8').split('\n').length - 1 : 0;
  const withoutTimes = (m: string): string =>
    readFileSync(m, 'utf8').replace(/,"seconds":[^,}]*/g, '');
  const compare = (label: string, model: string, metrics: string): void => {
    t.series++;
    const sameModel = readFileSync(model, 'utf8') === readFileSync(refModel, 'utf8');
    const sameLog = withoutTimes(metrics) === withoutTimes(refMetrics);
    if (sameModel && sameLog) t.identical++;
    else
      t.failures.push(
        `${label}: model ${sameModel ? 'same' : 'differs'}, log ${sameLog ? 'same' : 'differs'}`,
      );
  };
  for (let s = 0; s < series; s++) {
    const out = mkdtempSync(join(dir, 'train-'));
    const [model, metrics] = [join(out, 'm.json'), join(out, 'm.jsonl')];
    const schedule = new KillSchedule(6100 + s);
    const after = Array.from({ length: kills }, () => schedule.below(epochs)).sort((a, b) => a - b);
    const report = await runWithKills(args(model, metrics), {
      kills,
      schedule,
      ready: (k) => logged(metrics) >= after[k],
      maxDelayMs: 100,
    });
    t.attempted += kills;
    t.landed += report.killed;
    const last = report.runs.at(-1)!;
    if (last.code !== 0) t.failures.push(`train series ${s}: exit ${last.code}: ${last.stderr}`);
    compare(`train series ${s}`, model, metrics);
  }
  for (const point of [
    'train:epoch-logged',
    'atomic-write:before-rename',
    'atomic-write:after-rename',
  ]) {
    for (const k of [1, 4, 9]) {
      const out = mkdtempSync(join(dir, 'train-point-'));
      const [model, metrics] = [join(out, 'm.json'), join(out, 'm.jsonl')];
      const r = await runLgt(args(model, metrics), { env: { LGT_TEST_KILL_AT: `${point}@${k}` } });
      t.attempted++;
      if (r.signal === 'SIGKILL') t.landed++;
      else t.failures.push(`${point}@${k}: not killed (${r.code})`);
      const resumed = await runLgt([...args(model, metrics), '--resume']);
      if (resumed.code !== 0)
        t.failures.push(`${point}@${k}: resume exit ${resumed.code}: ${resumed.stderr}`);
      compare(`${point}@${k}`, model, metrics);
    }
  }
}

function report(tallies: Tally[], command: string): string {
  const lines = [
    '# Fault injection through the real CLI (issue 19)',
    '',
    `Command: \`${command}\``,
    `Date: ${new Date().toISOString()}; Node ${process.version}; CPU ${cpus()[0]?.model ?? 'unknown'} (${cpus().length} cores).`,
    '',
    'Each series runs the command in child processes, kills it (or stops it, or fills its disk)',
    'as many times as listed, resumes it with `--resume` until it finishes, and compares the',
    'result with an uninterrupted run: ensembles bit for bit (links, beta, sweep, observables,',
    'identifying metadata, chain diagnostics), models byte for byte with every epoch logged once.',
    '"Landed" counts the processes that a SIGKILL ended, that stopped cleanly with exit 130/143',
    'and a resume command, or that a full disk stopped with the file named; the others had finished',
    'before their moment.',
    '',
    '| scenario | series | kills attempted | landed | identical | failures | time |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const t of tallies) {
    lines.push(
      `| ${t.scenario} | ${t.series} | ${t.attempted} | ${t.landed} | ${t.identical}/${t.series} | ${t.failures.length} | ${t.seconds.toFixed(0)} s |`,
    );
  }
  const sum = (f: (t: Tally) => number): number => tallies.reduce((s, t) => s + f(t), 0);
  lines.push(
    `| total | ${sum((t) => t.series)} | ${sum((t) => t.attempted)} | ${sum((t) => t.landed)} | ${sum((t) => t.identical)}/${sum((t) => t.series)} | ${sum((t) => t.failures.length)} | ${sum((t) => t.seconds).toFixed(0)} s |`,
  );
  const failures = tallies.flatMap((t) => t.failures.map((f) => `- ${t.scenario}: ${f}`));
  if (failures.length > 0) lines.push('', 'Failures:', '', ...failures);
  return `${lines.join('\n')}\n`;
}

/**
 * `lgt flow` of one SU(2) 4^4 ensemble of 16 configurations: series of `kills` SIGKILLs after
 * seeded numbers of flowed configurations (then within 100 ms), and the flow fault points at
 * their 1st to 3rd passage; each resumed to the end and compared bit for bit.
 */
async function flowSeries(t: Tally, dir: string, series: number, kills: number): Promise<void> {
  const count = 16;
  const ensemble = await reference(
    dir,
    [...GENERATE(41).map((a) => (a === '2.2,2.5' ? '2.3' : a === '12' ? String(count) : a))],
    'flow-ensemble.h5',
  );
  const args = (output: string): string[] => [
    'flow',
    ensemble,
    '-o',
    output,
    '--t-max',
    '1',
    '--epsilon',
    '0.02',
    '--measure-every',
    '0.25',
    '--no-progress',
  ];
  const ref = join(dir, 'ref.flow.h5');
  const r = await runLgt(args(ref));
  if (r.code !== 0) throw new Error(`reference flow: ${r.stderr}`);
  const compare = async (label: string, output: string): Promise<void> => {
    t.series++;
    const d = existsSync(output) ? await flowDifference(output, ref) : `no output ${output}`;
    if (d === undefined) t.identical++;
    else t.failures.push(`${label}: ${d}`);
  };
  for (let s = 0; s < series; s++) {
    const seed = 4000 + s;
    const output = join(mkdtempSync(join(dir, 'flow-')), 'run.flow.h5');
    const schedule = new KillSchedule(seed);
    const after = Array.from({ length: kills }, () => schedule.below(count)).sort((a, b) => a - b);
    const report = await runWithKills(args(output), {
      kills,
      schedule,
      ready: (k) => flowedInCheckpoint(output) >= after[k],
      maxDelayMs: 100,
    });
    t.attempted += kills;
    t.landed += report.killed;
    const last = report.runs.at(-1)!;
    if (last.code !== 0) t.failures.push(`flow seed ${seed}: exit ${last.code}: ${last.stderr}`);
    await compare(`flow seed ${seed}`, output);
  }
  const points = [
    'atomic-write:partial',
    'atomic-write:before-rename',
    'atomic-write:after-rename',
    'flow:flushed',
    'flow:finalized',
  ];
  for (const name of points) {
    for (let k = 1; k <= 3; k++) {
      if (k > 1 && name === 'flow:finalized') continue; // passed once per run
      const output = join(mkdtempSync(join(dir, 'flow-point-')), 'run.flow.h5');
      const killed = await runLgt(args(output), { env: { LGT_TEST_KILL_AT: `${name}@${k}` } });
      t.attempted++;
      if (killed.signal === 'SIGKILL') t.landed++;
      else t.failures.push(`flow ${name}@${k}: not killed (${killed.code}): ${killed.stderr}`);
      const resumed = await runLgt([...args(output), '--resume']);
      if (resumed.code !== 0)
        t.failures.push(`flow ${name}@${k}: resume exit ${resumed.code}: ${resumed.stderr}`);
      await compare(`flow ${name}@${k}`, output);
    }
  }
}

/**
 * Runs the suite (`quick`: a few series, for a smoke test; `repeat`: that many times the
 * SIGKILL series of generate and flow, each series with its own seed, for the rare windows a
 * kill must hit, such as inside an HDF5 flush) and writes data/validation/faults.*.
 */
export async function faultValidation(
  quick: boolean,
  command: string,
  repeat = 1,
): Promise<boolean> {
  const dir = mkdtempSync(join(tmpdir(), 'lgt-validate-faults-'));
  const n = (full: number, small: number): number => (quick ? small : full);
  const tallies: Tally[] = [];
  const cpu = tally('generate, CPU, serial: SIGKILL series');
  tallies.push(
    await timed(cpu, () => killSeries(cpu, dir, GENERATE, [], n(10, 1) * repeat, 10, 24, 1000)),
  );
  const workers = tally('generate, CPU, 2 workers: SIGKILL series');
  tallies.push(
    await timed(workers, () =>
      killSeries(workers, dir, GENERATE, ['--workers', '2'], n(5, 1) * repeat, 10, 24, 1000),
    ),
  );
  const points = tally('generate: every fault point, 1st-3rd passage');
  tallies.push(await timed(points, () => pointSeries(points, dir)));
  const signals = tally('generate: SIGINT then SIGTERM, resumed');
  tallies.push(await timed(signals, () => signalSeries(signals, dir, n(10, 1))));
  const disk = tally('generate: full disk (ulimit -f, 5 sizes)');
  tallies.push(await timed(disk, () => diskSeries(disk, dir)));
  const gpu = tally('generate --backend webgpu: SIGKILL series');
  tallies.push(await timed(gpu, () => killSeries(gpu, dir, GPU, [], n(5, 1), 8, 16, 2000)));
  const train = tally('train: SIGKILL series and fault points');
  tallies.push(await timed(train, () => trainSeries(train, dir, n(5, 1), 8)));
  const flow = tally('flow: SIGKILL series and fault points');
  tallies.push(await timed(flow, () => flowSeries(flow, dir, n(10, 1) * repeat, 8)));
  const text = report(tallies, command);
  process.stdout.write(text);
  if (!quick) {
    mkdirSync('data/validation', { recursive: true });
    writeFileSync('data/validation/faults.md', text);
    writeFileSync(
      'data/validation/faults.json',
      `${JSON.stringify({ command, tallies }, null, 2)}\n`,
    );
  }
  rmSync(dir, { recursive: true, force: true });
  return tallies.every((t) => t.failures.length === 0 && t.identical === t.series);
}
