/**
 * `lgt worker`: takes chains from the queue and runs them (src/queue/worker.ts) in a data
 * directory shared by the workers of every machine, until stopped, or with
 * `--exit-when-done` until no chain is left unfinished. One line per event on stderr
 * (`--json`: one JSON object per line on stdout). `--workers n` runs n worker processes.
 *
 * SIGTERM or SIGINT (Ctrl-C) stops cleanly: the current Monte Carlo step is finished, a
 * checkpoint of it written and the job handed back to the queue; the exit code is then 143 or
 * 130.
 * A second signal stops at once (the job is taken up by another worker, from its checkpoint).
 *
 * @module
 */
import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { describePoint } from '../../queue/scan.js';
import { checkDataDirectory, runWorker, type WorkerEvent } from '../../queue/worker.js';
import type { ChainJob } from '../../queue/chainQueue.js';
import { addOptions, jsonOption, option, readOptions, rules } from '../optionTable.js';
import { openQueue, queueOption } from '../queueOption.js';

/** The options of `lgt worker`. */
const workerOptions = {
  queue: queueOption(),
  data: option(
    '--data <dir>',
    'the data directory, shared by all workers (the chains are written under it)',
    rules.text('a directory'),
    { default: 'lgt-data' },
  ),
  workers: option(
    '-w, --workers <n>',
    'worker processes (each runs one chain at a time)',
    rules.integer(1, 256),
    {
      default: '1',
    },
  ),
  exitWhenDone: option(
    '--exit-when-done',
    'exit when no chain is left queued or running (by default wait for more)',
    rules.flag(),
    { default: false },
  ),
  reapGrace: option(
    '--reap-grace <s>',
    'seconds a chain must have run before its worker may be taken for vanished',
    rules.number(0),
    { default: '10' },
  ),
  progressEvery: option(
    '--progress-every <s>',
    'seconds between progress reports into the job (and progress lines)',
    rules.number(0),
    { default: '1' },
  ),
  json: jsonOption('print one JSON object per event on stdout'),
};

function describeJob(job: ChainJob): string {
  const d = job.data;
  const point = describePoint({
    N: d.spec.N,
    dims: d.spec.dims,
    beta: d.spec.betas[0],
    algorithm: d.spec.algorithm,
  });
  return `${d.scanName} point ${d.point} (${point}) chain ${d.chain}`;
}

function eventLine(event: WorkerEvent): string {
  switch (event.kind) {
    case 'started':
      return `started ${describeJob(event.job)}${event.job.retries > 0 ? ` (attempt ${event.job.retries + 1})` : ''}`;
    case 'progress': {
      const p = event.progress;
      return `${describeJob(event.job)}: ${p.done}/${p.total} steps, ${p.saved} saved, ${p.rate.toFixed(1)} steps/s`;
    }
    case 'completed': {
      const o = event.outcome;
      return (
        `completed ${describeJob(event.job)}: ${o.configurations} configurations in ${o.seconds.toFixed(1)} s` +
        (o.alreadyDone ? ' (already complete)' : '') +
        (o.resumedFrom !== undefined ? ` (resumed from configuration ${o.resumedFrom})` : '')
      );
    }
    case 'failed':
      return `failed ${describeJob(event.job)}${event.permanent ? '' : ' (to be retried)'}: ${event.message}`;
    case 'released':
      return `stopped ${describeJob(event.job)} with a checkpoint of its last step; handed back to the queue`;
    case 'reaped':
      return `${event.ids.length} chain(s) whose worker vanished sent to a retry`;
    case 'notice':
      return `${describeJob(event.job)}: ${event.message}`;
  }
}

function eventJson(event: WorkerEvent): Record<string, unknown> {
  if (event.kind === 'reaped') return { event: 'reaped', ids: event.ids };
  const { kind, job, ...rest } = event;
  return {
    event: kind,
    job: job.id,
    scan: job.data.scanId,
    point: job.data.point,
    chain: job.data.chain,
    ...rest,
  };
}

/** Runs `workers` copies of this command with --workers 1 and waits for them. */
async function runProcesses(args: string[], workers: number): Promise<number> {
  const children = Array.from({ length: workers }, () =>
    spawn(process.execPath, [process.argv[1], ...args], { stdio: 'inherit' }),
  );
  const forward = (signal: NodeJS.Signals): void => {
    for (const child of children) child.kill(signal);
  };
  process.on('SIGTERM', forward);
  process.on('SIGINT', forward);
  const codes = await Promise.all(
    children.map(
      (child) =>
        new Promise<number>((done) =>
          child.once('exit', (code, signal) => done(code ?? (signal === 'SIGKILL' ? 137 : 1))),
        ),
    ),
  );
  process.off('SIGTERM', forward);
  process.off('SIGINT', forward);
  return Math.max(...codes);
}

/** Registers `lgt worker`. */
export function registerWorker(program: Command): void {
  const command = program
    .command('worker')
    .description(
      'take chains of scans from the queue and run them, with checkpoints, until stopped',
    );
  addOptions(command, workerOptions).action(async function (this: Command) {
    const o = readOptions(this, workerOptions);
    // refuse a data directory that cannot be written before taking any job
    checkDataDirectory(o.data);
    if (o.workers > 1) {
      const args = [
        'worker',
        '--queue',
        o.queue,
        '--data',
        o.data,
        '--workers',
        '1',
        '--reap-grace',
        String(o.reapGrace),
        '--progress-every',
        String(o.progressEvery),
        ...(o.exitWhenDone ? ['--exit-when-done'] : []),
        ...(o.json ? ['--json'] : []),
      ];
      process.exitCode = await runProcesses(args, o.workers);
      return;
    }
    const stop = new AbortController();
    let stoppedBy: NodeJS.Signals | undefined;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stoppedBy !== undefined) process.exit(signal === 'SIGINT' ? 130 : 143);
      stoppedBy = signal;
      process.stderr.write(
        `worker: ${signal}: finishing the current configuration, then handing the chain back ` +
          '(send it again to stop at once)\n',
      );
      stop.abort();
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    const queue = await openQueue(o.queue);
    try {
      const summary = await runWorker({
        queue,
        dataDirectory: o.data,
        exitWhenDone: o.exitWhenDone,
        reapGraceSeconds: o.reapGrace,
        progressEveryMs: o.progressEvery * 1000,
        signal: stop.signal,
        onEvent: (event) => {
          if (o.json) process.stdout.write(`${JSON.stringify(eventJson(event))}\n`);
          else process.stderr.write(`worker ${process.pid}: ${eventLine(event)}\n`);
        },
      });
      if (!o.json) {
        process.stderr.write(
          `worker ${process.pid}: ${summary.reason === 'done' ? 'no chains left' : 'stopped'}; ` +
            `${summary.completed} completed, ${summary.failed} failed, ${summary.released} handed back\n`,
        );
      }
      if (stoppedBy !== undefined) process.exitCode = stoppedBy === 'SIGINT' ? 130 : 143;
    } finally {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      await queue.close();
    }
  });
}
