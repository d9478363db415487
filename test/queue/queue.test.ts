/**
 * Scans through the real `lgt` in child processes, against a real PostgreSQL (the embedded
 * server, started once for this file): workers side by side, killed and stopped; files
 * compared bit for bit with `lgt generate` run alone with each chain's derived seed.
 */
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEnsemble } from '../../src/io/ensembleReader.js';
import { metadataDifference } from '../../src/io/ensembleMetadata.js';
import { gammaAnalysisReplica } from '../../src/core/gamma.js';
import { readCheckpoint } from '../../src/montecarlo/checkpoint.js';
import { ChainQueue } from '../../src/queue/chainQueue.js';
import {
  joinEmbeddedServer,
  readCredentials,
  readServerInfo,
  type JoinedServer,
} from '../../src/queue/embeddedServer.js';
import { expandScan, type ScanSpec } from '../../src/queue/scan.js';
import { processRunning } from '../../src/core/fileLock.js';
import { jsonLines, lgt, startLgt, waitFor } from './lgtChild.js';

let base: string;
let queueDir: string;
let data: string;
let reference: string;
let queueArg: string;
let hold: JoinedServer;

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'lgt-queue-'));
  // run as root, the server runs as nobody, who must be able to enter the directory
  chmodSync(base, 0o755);
  queueDir = join(base, 'queue');
  data = join(base, 'data');
  reference = join(base, 'reference');
  queueArg = `embedded:${queueDir}`;
  // one server for the whole file: this test process holds it until the last test
  hold = await joinEmbeddedServer(queueDir);
}, 120_000);

afterAll(async () => {
  await hold.client.end().catch(() => undefined);
  rmSync(base, { recursive: true, force: true });
});

/** The first difference between two ensembles' data (links, beta, sweep, observables), bit for bit. */
async function firstDifference(a: string, b: string): Promise<string | undefined> {
  const x = await openEnsemble(a);
  const y = await openEnsemble(b);
  try {
    if (x.count !== y.count) return `count ${x.count} != ${y.count}`;
    const bits = (v: Float64Array): BigUint64Array =>
      new BigUint64Array(v.buffer, v.byteOffset, v.length);
    const same = (u: Float64Array, v: Float64Array): boolean =>
      u.length === v.length && bits(u).every((w, k) => w === bits(v)[k]);
    if (!same(x.beta, y.beta)) return 'beta';
    if (!same(x.sweep, y.sweep)) return 'sweep';
    if (Object.keys(x.observables).join() !== Object.keys(y.observables).join())
      return 'observable names';
    for (const name of Object.keys(x.observables)) {
      if (!same(x.observables[name], y.observables[name])) return `observables/${name}`;
    }
    for (let i = 0; i < x.count; i++) {
      if (!same(x.configuration(i).links, y.configuration(i).links)) return `links[${i}]`;
    }
    // the identifying metadata are the same entries (what describes a run is in the
    // provenance); a job's data passes through a jsonb column, which orders keys its own way
    const keys = (m: Record<string, unknown>): string => Object.keys(m).sort().join();
    if (keys(x.metadata) !== keys(y.metadata)) {
      return `metadata entries ${keys(x.metadata)} != ${keys(y.metadata)}`;
    }
    for (const key of Object.keys(y.metadata)) {
      if (metadataDifference(x.metadata[key], y.metadata[key])) return `metadata ${key}`;
    }
    return undefined;
  } finally {
    x.close();
    y.close();
  }
}

/** The chains of a scan with the lgt generate arguments of each (lgt scan --dry-run --json). */
async function dryRun(args: string[]): Promise<{
  scan: { id: string; directory: string };
  chains: Array<{ point: number; chain: number; seed: number; output: string; generate: string[] }>;
}> {
  const r = await lgt(['scan', ...args, '--dry-run', '--json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

/** Runs each chain alone with lgt generate (its derived seed) and compares its file with the worker's. */
async function expectSameAsGenerate(
  chains: Array<{ output: string; generate: string[] }>,
): Promise<void> {
  const runs = chains.map((c) => {
    const args = [...c.generate];
    args[args.indexOf('-o') + 1] = join(reference, c.output);
    // lgt generate refuses a missing directory
    mkdirSync(dirname(join(reference, c.output)), { recursive: true });
    return lgt([...args, '--no-progress']);
  });
  for (const r of await Promise.all(runs)) expect(r.code, r.stderr).toBe(0);
  for (const c of chains) {
    expect(
      await firstDifference(join(data, c.output), join(reference, c.output)),
      c.output,
    ).toBeUndefined();
  }
}

async function status(): Promise<Array<Record<string, unknown> & { id: string }>> {
  const r = await lgt(['status', '--queue', queueArg, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout).scans;
}

const small = ['--thermalization', '6', '--separation', '2', '--configs', '5', '--no-progress'];
const scanA = [
  '--name',
  'A',
  '--dims',
  '4x4',
  '--beta',
  '2,2.5',
  '--chains',
  '2',
  '--seed',
  '5',
  ...small,
];
const scanB = [
  '--name',
  'B',
  '--dims',
  '6x4',
  '--beta',
  '1.5',
  '--algorithm',
  'metropolis',
  '--seed',
  '6',
  ...small,
];

describe('lgt scan, worker, status and merge', () => {
  it('two scans of 2 x 2 and 1 chains on 2 worker processes give the files of lgt generate with the derived seeds', async () => {
    const a = await dryRun(['--queue', queueArg, ...scanA]);
    const b = await dryRun(['--queue', queueArg, ...scanB]);
    expect(a.chains.map((c) => `${c.point}/${c.chain}`)).toEqual(['0/0', '0/1', '1/0', '1/1']);
    expect(new Set(a.chains.map((c) => c.seed)).size).toBe(4);
    for (const args of [scanA, scanB]) {
      const r = await lgt(['scan', '--queue', queueArg, ...args]);
      expect(r.code, r.stderr).toBe(0);
    }
    // submitting a scan again queues nothing new
    const again = await lgt(['scan', '--queue', queueArg, ...scanA, '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ scan: a.scan.id, submitted: 0, existing: 4 });

    const before = await status();
    expect(before.find((s) => s.id === a.scan.id)).toMatchObject({
      jobs: 4,
      queued: 4,
      done: 0,
      failed: 0,
    });
    expect(before.find((s) => s.id === b.scan.id)).toMatchObject({ jobs: 1, queued: 1, done: 0 });

    const workers = [0, 1].map(() =>
      startLgt(['worker', '--queue', queueArg, '--data', data, '--exit-when-done', '--json']),
    );
    const codes = await Promise.all(workers.map((w) => w.exited));
    expect(codes, workers.map((w) => w.out.stderr).join('\n')).toEqual([0, 0]);
    const completed = workers.flatMap((w) => jsonLines(w).filter((e) => e.event === 'completed'));
    expect(completed.length).toBe(5);

    const after = await status();
    expect(after.find((s) => s.id === a.scan.id)).toMatchObject({
      jobs: 4,
      queued: 0,
      active: 0,
      done: 4,
      failed: 0,
      steps: 4 * 16,
      stepsDone: 4 * 16,
    });
    expect(after.find((s) => s.id === b.scan.id)).toMatchObject({ jobs: 1, done: 1, failed: 0 });
    // the scans did not mix: each in its own directory, each chain its own lgt generate
    expect(a.scan.directory).not.toBe(b.scan.directory);
    await expectSameAsGenerate([...a.chains, ...b.chains]);
  }, 240_000);

  it('merges the chains of each point into one ensemble that lgt measure analyses as replica', async () => {
    const { scan } = await dryRun(['--queue', queueArg, ...scanA]);
    const r = await lgt(['merge', join(data, scan.directory), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.points.map((p: { name: string }) => p.name)).toEqual([
      'SU2_4x4_beta2_heatbath',
      'SU2_4x4_beta2.5_heatbath',
    ]);
    expect(summary.points[1]).toMatchObject({ chains: 2, finished: 2, configurations: 10 });
    const merged = join(data, scan.directory, 'merged', 'SU2_4x4_beta2.5_heatbath.h5');
    const m = await lgt(['measure', merged, '--json']);
    expect(m.code, m.stderr).toBe(0);
    const measured = JSON.parse(m.stdout).ensembles[0];
    expect(measured.replicas).toBe(2);
    // the replica analysis of the two chain files, computed from them directly
    const series: Float64Array[] = [];
    for (const c of [0, 1]) {
      const e = await openEnsemble(
        join(data, scan.directory, 'SU2_4x4_beta2.5_heatbath', `chain-${c}.h5`),
      );
      series.push(e.observables.plaquette);
      e.close();
    }
    const direct = gammaAnalysisReplica(series);
    expect(measured.observables.plaquette.mean).toBe(direct.mean);
    expect(measured.observables.plaquette.error).toBe(direct.error);
    expect(summary.points[1].observables.plaquette.error).toBe(direct.error);

    const html = join(base, 'scan.html');
    const report = await lgt([
      'report',
      join(data, scan.directory, 'merged', 'summary.json'),
      '-o',
      html,
    ]);
    expect(report.code, report.stderr).toBe(0);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain(`data-key="point=1/plaquette/mean" data-value="${direct.mean}"`);
    expect(page).toContain('Plaquette against β');
  }, 120_000);

  it('refuses to merge chains of different parameters, naming the entry', async () => {
    const { scan } = await dryRun(['--queue', queueArg, ...scanA]);
    const dir = join(data, scan.directory);
    const r = await lgt([
      'merge',
      join(dir, 'SU2_4x4_beta2_heatbath', 'chain-0.h5'),
      join(dir, 'SU2_4x4_beta2.5_heatbath', 'chain-0.h5'),
      '-o',
      join(base, 'mixed.h5'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^lgt: mergeChains: .* chains of different parameters: betas\[0\] is 2\.5 in .* and 2 in /,
    );
    expect(existsSync(join(base, 'mixed.h5'))).toBe(false);
  }, 60_000);

  it('a worker killed with SIGKILL mid-chain: another takes over its lock file (as of another host) and resumes the chain from its checkpoint, bit for bit', async () => {
    const args = [
      '--name',
      'kill',
      '--dims',
      '8x8',
      '--beta',
      '2.2',
      '--seed',
      '7',
      '--thermalization',
      '10',
      '--separation',
      '3',
      '--configs',
      '14',
      '--no-progress',
    ];
    const { chains } = await dryRun(['--queue', queueArg, ...args]);
    expect((await lgt(['scan', '--queue', queueArg, ...args])).code).toBe(0);
    const first = startLgt([
      'worker',
      '--queue',
      queueArg,
      '--data',
      data,
      '--json',
      '--progress-every',
      '0',
    ]);
    const saved = (): number =>
      Math.max(
        0,
        ...jsonLines(first).map((e) => (e.progress as { saved?: number } | undefined)?.saved ?? 0),
      );
    await waitFor(() => saved() >= 3, 60_000, 'three saved configurations');
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe(137);
    expect(jsonLines(first).some((e) => e.event === 'completed')).toBe(false);
    // as if the killed worker had run on another machine: its lock file names another host,
    // which cannot be checked from here; the worker holding the job takes it over
    const lockFile = `${join(data, chains[0].output)}.lock`;
    const holder = JSON.parse(readFileSync(lockFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(lockFile, JSON.stringify({ ...holder, host: 'elsewhere' }));

    const second = startLgt([
      'worker',
      '--queue',
      queueArg,
      '--data',
      data,
      '--json',
      '--exit-when-done',
      '--reap-grace',
      '1',
    ]);
    expect(await second.exited, second.out.stderr).toBe(0);
    const events = jsonLines(second);
    expect(events[0]).toMatchObject({ event: 'reaped' });
    expect(events.find((e) => e.event === 'notice')?.message).toMatch(
      new RegExp(
        `^took over the stale lock ${lockFile} of process \\d+ on elsewhere .*on another host`,
      ),
    );
    expect(existsSync(lockFile)).toBe(false);
    const done = events.find((e) => e.event === 'completed') as {
      outcome: { resumedFrom?: number };
    };
    expect(done.outcome.resumedFrom).toBeGreaterThanOrEqual(3);
    await expectSameAsGenerate(chains);
  }, 180_000);

  it('SIGTERM stops a worker at the end of its current step, also in thermalisation, with a checkpoint of that step, and hands the chain back; the next worker finishes it, bit for bit', async () => {
    const args = [
      '--name',
      'term',
      '--dims',
      '8x8',
      '--beta',
      '2.4',
      '--seed',
      '8',
      '--thermalization',
      '3000',
      '--separation',
      '3',
      '--configs',
      '14',
      '--no-progress',
    ];
    const { scan, chains } = await dryRun(['--queue', queueArg, ...args]);
    expect((await lgt(['scan', '--queue', queueArg, ...args])).code).toBe(0);
    const first = startLgt([
      'worker',
      '--queue',
      queueArg,
      '--data',
      data,
      '--json',
      '--progress-every',
      '0',
    ]);
    const done = (): number[] =>
      jsonLines(first).flatMap((e) => {
        const p = e.progress as { done?: number } | undefined;
        return p?.done !== undefined ? [p.done] : [];
      });
    await waitFor(() => done().length >= 5, 60_000, 'five thermalisation steps');
    first.child.kill('SIGTERM');
    expect(await first.exited, first.out.stderr).toBe(143);
    expect(jsonLines(first).at(-1)).toMatchObject({ event: 'released' });
    // the checkpoint is of the last step done, inside thermalisation (no configuration saved
    // yet): the stop did not wait for the next saved configuration
    const last = done().at(-1)!;
    expect(last).toBeLessThan(3000);
    const output = join(data, chains[0].output);
    const checkpoint = await readCheckpoint(`${output}.checkpoint`);
    expect({ sweep: checkpoint.sweep, configsWritten: checkpoint.configsWritten }).toEqual({
      sweep: last,
      configsWritten: 0,
    });
    const queued = (await status()).find((s) => s.id === scan.id);
    expect(queued).toMatchObject({ queued: 1, active: 0, done: 0, failed: 0 });
    expect(queued?.stepsDone).toBe(last);

    const second = startLgt([
      'worker',
      '--queue',
      queueArg,
      '--data',
      data,
      '--json',
      '--exit-when-done',
    ]);
    expect(await second.exited, second.out.stderr).toBe(0);
    const completed = jsonLines(second).find((e) => e.event === 'completed') as {
      outcome: { resumedFrom?: number };
    };
    expect(completed.outcome.resumedFrom).toBe(0);
    await expectSameAsGenerate(chains);
    // what describes the chain is in its provenance: its scan, and the resume by the second
    // worker beside the first worker's creation record
    const ensemble = await openEnsemble(output);
    try {
      expect(ensemble.provenance?.scan).toEqual({ id: scan.id, name: 'term', point: 0, chain: 0 });
      expect(ensemble.provenance?.resumed).toHaveLength(1);
      expect(ensemble.metadata.scan).toBeUndefined();
    } finally {
      ensemble.close();
    }
  }, 180_000);

  it('a chain that fails for a real error (bad parameters) ends failed with its message, not retried', async () => {
    const queue = await ChainQueue.open({ kind: 'embedded', directory: queueDir });
    try {
      const spec: ScanSpec = {
        name: 'bad',
        seed: 1,
        chains: 1,
        points: [
          { N: 2, dims: [4, 4], beta: 2, algorithm: { kind: 'heatbath', overrelaxation: 1 } },
        ],
        run: {
          thermalization: 1,
          separation: 1,
          configurations: 2,
          start: 'cold',
          reunitarizeEvery: 0,
          measurements: { wilsonLoops: 1, polyakovLoop: false, topologicalCharge: false },
        },
      };
      const chains = expandScan(spec);
      // as a client that skipped the checks would queue it: extents the checkerboard cannot take
      chains[0].spec.dims = [5, 4];
      const { scanId } = await queue.submitScan(spec, chains, { retries: 3 });
      // two worker processes of one lgt worker: one fails the chain, both exit when none is left
      const worker = await lgt([
        'worker',
        '--queue',
        queueArg,
        '--data',
        data,
        '--exit-when-done',
        '--workers',
        '2',
      ]);
      expect(worker.code, worker.stderr).toBe(0);
      expect(worker.stderr.match(/no chains left/g)?.length).toBe(2);
      expect(worker.stderr).toMatch(/failed bad point 0 .* chain 0: .*even/);
      const s = (await status()).find((x) => x.id === scanId);
      expect(s).toMatchObject({ jobs: 1, failed: 1, queued: 0, done: 0 });
      expect((s?.failures as Array<{ message: string }>)[0].message).toMatch(/even/);
      const [job] = (await queue.jobs()).filter((j) => j.scan === scanId);
      expect(job.retries).toBe(0);
    } finally {
      await queue.close();
    }
  }, 120_000);

  it('lgt scan --wait follows its scan until the chains are done', async () => {
    const args = [
      '--name',
      'wait',
      '--dims',
      '4x4',
      '--beta',
      '3',
      '--chains',
      '2',
      '--seed',
      '9',
      ...small,
    ];
    // a worker that waits for work (it may start before the scan is queued)
    const worker = startLgt(['worker', '--queue', queueArg, '--data', data]);
    const scan = startLgt(['scan', '--queue', queueArg, ...args, '--wait', '--json']);
    expect(await scan.exited, scan.out.stderr).toBe(0);
    expect(jsonLines(scan).at(-1)).toMatchObject({
      name: 'wait',
      jobs: 2,
      done: 2,
      failed: 0,
      queued: 0,
      active: 0,
    });
    // an idle worker stops at once on SIGTERM
    worker.child.kill('SIGTERM');
    expect(await worker.exited, worker.out.stderr).toBe(143);
    expect(worker.out.stderr).toMatch(/stopped; 2 completed, 0 failed, 0 handed back/);
  }, 120_000);

  it('refuses bad input with one line and exit code 2: an unreachable queue, an invalid point, an unwritable data directory', async () => {
    const unreachable = await lgt(['status', '--queue', 'postgres://lgt:secret@127.0.0.1:1/x']);
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toMatch(
      /^lgt: cannot reach the queue at 127\.0\.0\.1:1: .*ECONNREFUSED.*\n$/,
    );
    expect(unreachable.stderr).not.toContain('secret');

    const scanFile = join(base, 'scan.json');
    writeFileSync(
      scanFile,
      JSON.stringify({ name: 'invalid', dims: ['4x4', '5x4'], beta: [2], configs: 2 }),
    );
    const before = (await status()).length;
    const invalid = await lgt(['scan', '--queue', queueArg, '--config', scanFile]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(
      /^lgt: scan point 1 \(SU\(2\) 5x4 beta 2 heatbath\): .*even.*\n$/,
    );
    expect((await status()).length).toBe(before);

    // root writes anywhere: the directory is made unwritable by being a file
    const notADirectory = join(base, 'file');
    writeFileSync(notADirectory, '');
    const unwritable = await lgt([
      'worker',
      '--queue',
      queueArg,
      '--data',
      join(notADirectory, 'data'),
    ]);
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr).toMatch(
      /^lgt: the data directory .*file\/data is not writable: .*\n$/,
    );
  }, 60_000);

  it('the same commands work against a server given by a postgres:// URL', async () => {
    const info = readServerInfo(queueDir)!;
    const { user, password } = readCredentials(queueDir)!;
    const url = `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${info.port}/postgres`;
    const byUrl = await lgt(['status', '--queue', url, '--json']);
    expect(byUrl.code, byUrl.stderr).toBe(0);
    const embedded = await status();
    expect(JSON.parse(byUrl.stdout).scans.map((s: { id: string }) => s.id)).toEqual(
      embedded.map((s) => s.id),
    );
    const wrongPassword = await lgt([
      'status',
      '--queue',
      `postgres://${user}:x@127.0.0.1:${info.port}/postgres`,
    ]);
    expect(wrongPassword.code).toBe(2);
    expect(wrongPassword.stderr).toMatch(
      /^lgt: cannot reach the queue at 127\.0\.0\.1:\d+: .*password authentication failed.*\n$/,
    );
  }, 60_000);

  it('stops the embedded server and frees its port when the last command exits', async () => {
    const info = readServerInfo(queueDir);
    expect(info).toBeDefined();
    await hold.client.end();
    await waitFor(() => !processRunning(info!.keeperPid), 30_000, 'the keeper to exit');
    expect(processRunning(info!.postmasterPid)).toBe(false);
    expect(existsSync(join(queueDir, 'server.json'))).toBe(false);
    const free = await new Promise<boolean>((done) => {
      const server = createServer();
      server.once('error', () => done(false));
      server.listen(info!.port, '127.0.0.1', () => server.close(() => done(true)));
    });
    expect(free).toBe(true);
  }, 60_000);
});
