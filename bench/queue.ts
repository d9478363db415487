/**
 * The queue's cost, side by side in one run (npm run bench:queue):
 *
 * 1. 200 short chains (SU(2) 4x4, 4 heatbath steps, 2 saved configurations each: the chains
 *    cost little, so the queue's share shows) run by 2 processes, three ways:
 *    - direct: each process calls generateEnsemble on its half of the chains, no queue;
 *    - queue: each process runs the library's worker (runWorker) on the queue, which hands the
 *      chains out one by one (fetch, lock, progress, complete, unlock);
 *    - lgt worker: 2 `lgt worker --exit-when-done` processes, as users run them (process
 *      start included).
 *    The overhead per job is (wall time of the queue phase - wall time of direct) / (jobs per
 *    process). The phases alternate over 3 rounds; medians are reported. All files are compared
 *    with the direct ones (the plaquette of every configuration, bit for bit).
 * 2. `lgt status` on a queue holding a scan of 1000 queued chains: the whole command (process
 *    start included) and the listing alone (connect, query, summarise) in one process.
 *
 * The embedded server of a temporary directory serves everything.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openEnsemble } from '../src/io/ensembleReader.js';
import { generateEnsemble } from '../src/montecarlo/generate.js';
import { ChainQueue, type ChainJobData } from '../src/queue/chainQueue.js';
import { joinEmbeddedServer } from '../src/queue/embeddedServer.js';
import { chainProvenance } from '../src/queue/runChain.js';
import { expandScan, type ScanChain, type ScanSpec } from '../src/queue/scan.js';
import { scanStatus } from '../src/queue/status.js';
import { runWorker } from '../src/queue/worker.js';

const args = process.argv.slice(2);
const value = (flag: string, fallback: string): string => {
  const k = args.indexOf(flag);
  return k >= 0 ? args[k + 1] : fallback;
};
const JOBS = Number(value('--jobs', '200'));
const WORKERS = 2;
const ROUNDS = Number(value('--rounds', '3'));
const LISTED = Number(value('--list', '1000'));
const LGT = join(import.meta.dirname, '..', 'src', 'cli', 'lgt.js');

function scanOf(name: string, chains: number): ScanSpec {
  return {
    name,
    seed: 1,
    chains,
    points: [{ N: 2, dims: [4, 4], beta: 2, algorithm: { kind: 'heatbath', overrelaxation: 1 } }],
    run: {
      thermalization: 2,
      separation: 1,
      configurations: 2,
      start: 'cold',
      reunitarizeEvery: 0,
      measurements: { wilsonLoops: 1, polyakovLoop: false, topologicalCharge: false },
    },
  };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A child process of this script; resolves with what it printed last (JSON). */
function child(argv: string[], script = process.argv[1]): Promise<Record<string, number>> {
  return new Promise((done, fail) => {
    const p = spawn(process.execPath, [script, ...argv], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => (out += String(d)));
    p.once('exit', (code) => {
      if (code !== 0) return fail(new Error(`${argv.join(' ')} exited with ${code}`));
      const last = out.trim().split('\n').at(-1) ?? '{}';
      done(last.startsWith('{') ? (JSON.parse(last) as Record<string, number>) : {});
    });
  });
}

async function runChild(): Promise<void> {
  const mode = value('--child', '');
  const data = value('--data', '');
  const queueDir = value('--queue', '');
  if (mode === 'direct') {
    const part = Number(value('--part', '0'));
    const chains = expandScan(scanOf(value('--scan', ''), JOBS)).filter(
      (_, k) => k % WORKERS === part,
    );
    mkdirSync(data, { recursive: true });
    const t0 = performance.now();
    for (const c of chains) {
      const job: ChainJobData = { ...c, submitted: '2026-01-01T00:00:00Z' };
      await generateEnsemble(c.spec, {
        output: join(data, `${c.chain}.h5`),
        force: true,
        provenance: chainProvenance(job),
      });
    }
    process.stdout.write(`${JSON.stringify({ seconds: (performance.now() - t0) / 1000 })}\n`);
  } else {
    const queue = await ChainQueue.open({ kind: 'embedded', directory: queueDir });
    const t0 = performance.now();
    const summary = await runWorker({ queue, dataDirectory: data, exitWhenDone: true });
    const seconds = (performance.now() - t0) / 1000;
    await queue.close();
    process.stdout.write(`${JSON.stringify({ seconds, completed: summary.completed })}\n`);
  }
}

async function sameChains(directDir: string, queueDir: string, chains: ScanChain[]): Promise<void> {
  for (const c of chains) {
    const a = await openEnsemble(join(directDir, `${c.chain}.h5`));
    const b = await openEnsemble(join(queueDir, c.output));
    const x = a.observables.plaquette;
    const y = b.observables.plaquette;
    const same = x.length === y.length && x.every((v, k) => Object.is(v, y[k]));
    a.close();
    b.close();
    if (!same) throw new Error(`chain ${c.chain}: the queue's file differs from the direct run`);
  }
}

async function main(): Promise<void> {
  const cpus = os.cpus();
  console.log('lattice-gauge queue benchmark (npm run bench:queue)');
  console.log(`date      ${new Date().toISOString()}`);
  console.log(`node      ${process.version}`);
  console.log(`cpu       ${cpus[0]?.model ?? 'unknown'} x ${cpus.length}`);
  console.log(
    `load      ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (1, 5, 15 min)`,
  );
  const base = mkdtempSync(join(os.tmpdir(), 'lgt-bench-queue-'));
  chmodSync(base, 0o755);
  const queueDir = join(base, 'queue');
  const hold = await joinEmbeddedServer(queueDir);
  try {
    const queue = await ChainQueue.open({ kind: 'embedded', directory: queueDir });
    const walls: Record<string, number[]> = { direct: [], queue: [], cli: [] };
    const inLoop: Record<string, number[]> = { direct: [], queue: [] };
    const submits: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      // direct
      const directDir = join(base, `direct-${round}`);
      let t0 = performance.now();
      const direct = await Promise.all(
        [0, 1].map((part) =>
          child([
            '--child',
            'direct',
            '--scan',
            `bench-${round}`,
            '--part',
            String(part),
            '--data',
            directDir,
          ]),
        ),
      );
      walls.direct.push((performance.now() - t0) / 1000);
      inLoop.direct.push(Math.max(...direct.map((r) => r.seconds)));
      // the library's worker on the queue
      const scan = scanOf(`bench-${round}`, JOBS);
      const chains = expandScan(scan);
      t0 = performance.now();
      await queue.submitScan(scan, chains);
      submits.push((performance.now() - t0) / 1000);
      const queueData = join(base, `queue-${round}`);
      t0 = performance.now();
      const workers = await Promise.all(
        [0, 1].map(() => child(['--child', 'queue', '--queue', queueDir, '--data', queueData])),
      );
      walls.queue.push((performance.now() - t0) / 1000);
      inLoop.queue.push(Math.max(...workers.map((r) => r.seconds)));
      if (workers.reduce((s, r) => s + r.completed, 0) !== JOBS) throw new Error('jobs lost');
      await sameChains(directDir, queueData, chains);
      // lgt worker, as users run it
      const cliScan = scanOf(`bench-cli-${round}`, JOBS);
      await queue.submitScan(cliScan, expandScan(cliScan));
      t0 = performance.now();
      await Promise.all(
        [0, 1].map(() =>
          child(
            [
              'worker',
              '--queue',
              `embedded:${queueDir}`,
              '--data',
              join(base, `cli-${round}`),
              '--exit-when-done',
            ],
            LGT,
          ),
        ),
      );
      walls.cli.push((performance.now() - t0) / 1000);
      console.log(
        `round ${round}: direct ${walls.direct.at(-1)!.toFixed(2)} s, queue ${walls.queue.at(-1)!.toFixed(2)} s, ` +
          `lgt worker ${walls.cli.at(-1)!.toFixed(2)} s (wall, ${JOBS} jobs on ${WORKERS} processes)`,
      );
    }
    const perProcess = JOBS / WORKERS;
    const overhead = (a: number[], b: number[]): number =>
      ((median(a) - median(b)) / perProcess) * 1000;
    console.log('');
    console.log(
      `| ${JOBS} jobs, ${WORKERS} processes | wall (median of ${ROUNDS}) | per job and process | over direct, per job |`,
    );
    console.log('| --- | ---: | ---: | ---: |');
    for (const [label, key] of [
      ['direct (generateEnsemble)', 'direct'],
      ['queue (runWorker)', 'queue'],
      ['lgt worker processes', 'cli'],
    ] as const) {
      const w = median(walls[key]);
      const extra = key === 'direct' ? '' : `${overhead(walls[key], walls.direct).toFixed(1)} ms`;
      console.log(
        `| ${label} | ${w.toFixed(2)} s | ${((w / perProcess) * 1000).toFixed(1)} ms | ${extra} |`,
      );
    }
    console.log(
      `in the loop alone (after start-up): direct ${median(inLoop.direct).toFixed(2)} s, queue ` +
        `${median(inLoop.queue).toFixed(2)} s: ${overhead(inLoop.queue, inLoop.direct).toFixed(1)} ms per job; ` +
        `submitting ${JOBS} jobs: ${(median(submits) * 1000).toFixed(0)} ms`,
    );

    // lgt status with a scan of many queued chains
    const listed = scanOf('listing', LISTED);
    await queue.submitScan(listed, expandScan(listed));
    const commands: number[] = [];
    const listings: number[] = [];
    const queries: number[] = [];
    for (let k = 0; k < 5; k++) {
      let t0 = performance.now();
      await child(['status', '--queue', `embedded:${queueDir}`], LGT);
      commands.push((performance.now() - t0) / 1000);
      t0 = performance.now();
      const q = await ChainQueue.open({ kind: 'embedded', directory: queueDir });
      const t1 = performance.now();
      const status = scanStatus(await q.scans(), await q.jobs());
      queries.push((performance.now() - t1) / 1000);
      await q.close();
      listings.push((performance.now() - t0) / 1000);
      if (status.find((s) => s.name === 'listing')?.queued !== LISTED) throw new Error('listing');
    }
    const total = (await queue.jobs()).length;
    console.log('');
    console.log(
      `lgt status with ${LISTED} queued chains in one scan (${total} jobs in the queue), median of 5:`,
    );
    console.log(`| what | seconds |`);
    console.log('| --- | ---: |');
    console.log(
      `| lgt status (whole command, node start included) | ${median(commands).toFixed(3)} |`,
    );
    console.log(
      `| connect, list and summarise (in one process) | ${median(listings).toFixed(3)} |`,
    );
    console.log(`| list and summarise (connected) | ${median(queries).toFixed(3)} |`);
    await queue.close();
  } finally {
    await hold.client.end();
    rmSync(base, { recursive: true, force: true });
  }
}

if (args.includes('--child')) await runChild();
else await main();
