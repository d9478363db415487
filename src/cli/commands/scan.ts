/**
 * `lgt scan`: a grid of (group, lattice, beta, algorithm) points times `--chains` independent
 * chains, submitted as jobs to the queue (src/queue), for `lgt worker` to run. Each chain is
 * exactly `lgt generate` of its point with a seed derived from the scan's seed and the chain's
 * coordinates (src/queue/chainSeed.ts); `--dry-run` lists the chains with their seeds and
 * the equivalent `lgt generate` commands. The scan is checked, every point, before anything
 * is queued. `--wait` follows the scan with a progress bar until its chains are done.
 *
 * @module
 */
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { z } from 'zod';
import type { RunSpec } from '../../montecarlo/generate.js';
import { chainSeedText } from '../../queue/chainSeed.js';
import type { ChainQueue } from '../../queue/chainQueue.js';
import {
  expandScan,
  scanDirectory,
  scanGrid,
  scanId,
  type ChainRunParameters,
  type ScanChain,
  type ScanSpec,
} from '../../queue/scan.js';
import { scanStatus, type ScanStatus } from '../../queue/status.js';
import { UserError } from '../errors.js';
import {
  addOptions,
  flagOf,
  jsonOption,
  option,
  progressOption,
  readOptions,
  rules,
  type OptionValues,
} from '../optionTable.js';
import { formatDuration, openQueue, queueOption } from '../queueOption.js';
import { generateOptions, specFrom } from './generate.js';

/**
 * The options of lgt generate that do not shape a run: the output, the point's coordinates
 * and the seed (the scan's business), and how to run (the worker's).
 */
const NOT_SHARED = [
  'output',
  'group',
  'dims',
  'beta',
  'algorithm',
  'seed',
  'workers',
  'backend',
  'kernels',
  'force',
  'resume',
  'checkpointEvery',
  'progress',
  'verbose',
  'json',
  'report',
] as const;

/** The options of lgt generate that shape a run: every chain of a scan shares them. */
const runOptions = Object.fromEntries(
  Object.entries(generateOptions).filter(
    ([key]) => !(NOT_SHARED as readonly string[]).includes(key),
  ),
) as Omit<typeof generateOptions, (typeof NOT_SHARED)[number]>;

/** A list of lattices: "8x8,16x16" (extents joined by x) or a JSON list of lists. */
const latticeList = {
  schema: z
    .union([
      z.string().transform((s) => s.split(',').map((d) => d.split('x').map(Number))),
      z
        .array(z.union([z.array(z.coerce.number()), z.string()]))
        .transform((list) =>
          list.map((d) => (typeof d === 'string' ? d.split(/[x,]/).map(Number) : d)),
        ),
    ])
    .pipe(z.array(z.array(z.number().int().min(1)).min(2)).min(1)),
  expected: 'lattices as extents joined by x, comma-separated, e.g. 8x8,16x16',
};

/** The options of `lgt scan`. */
const scanOptions = {
  name: option(
    '--name <name>',
    'the scan name (letters, digits, . _ -): its directory is NAME-<id>',
    {
      schema: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
      expected: 'letters, digits, ".", "_" or "-" (1 to 64)',
    },
    { default: 'scan' },
  ),
  group: option(
    '-g, --group <list>',
    'numbers of colours N of SU(N), comma-separated: 2,3 or su2,su3',
    rules.colourList(2, 16),
    { default: '2' },
  ),
  dims: option(
    '-d, --dims <list>',
    'lattices, e.g. 8x8,16x16 (extents even, time last)',
    latticeList,
    {
      default: '8x8',
    },
  ),
  beta: option(
    '-b, --beta <list>',
    'couplings beta, comma-separated',
    rules.numbers(
      z.number().positive().finite(),
      'positive numbers, comma-separated, e.g. 2.0,2.2',
    ),
    { default: '2.0' },
  ),
  algorithm: option(
    '-a, --algorithm <list>',
    'algorithms, comma-separated: heatbath, metropolis, hmc',
    {
      schema: z
        .union([z.string().transform((s) => s.split(',')), z.array(z.string())])
        .pipe(z.array(z.enum(['heatbath', 'metropolis', 'hmc'])).min(1)),
      expected: 'heatbath, metropolis or hmc, comma-separated',
    },
    { default: 'heatbath' },
  ),
  chains: option('--chains <n>', 'independent chains per point', rules.integer(1), {
    default: '1',
  }),
  seed: option(
    '-s, --seed <int>',
    "the scan's seed: each chain's seed derives from it and the chain's coordinates",
    { schema: rules.integer(0).schema, expected: 'an integer in [0, 2^53)' },
    { default: '1' },
  ),
  ...runOptions,
  queue: queueOption(),
  retries: option(
    '--retries <n>',
    'attempts after the first for a chain whose run failed or whose worker vanished',
    rules.integer(0),
    { default: '3' },
  ),
  dryRun: option(
    '--dry-run',
    'queue nothing: list the chains, their seeds and the lgt generate command of each',
    rules.flag(),
    { default: false },
  ),
  wait: option(
    '--wait',
    'follow the scan with a progress bar until its chains are done',
    rules.flag(),
    {
      default: false,
    },
  ),
  progress: progressOption(),
  json: jsonOption(),
};

type ScanValues = OptionValues<typeof scanOptions>;

/** The run specification lgt generate would build from these options at one point. */
function pointSpec(
  o: ScanValues,
  N: number,
  dims: number[],
  beta: number,
  algorithm: string,
): RunSpec {
  // specFrom reads only the options that shape a run, which the scan's table has too
  const values = { ...o, group: N, dims, beta: [beta], algorithm, seed: 0 };
  return specFrom(values as unknown as OptionValues<typeof generateOptions>);
}

/** The scan specification of the options (not yet checked: see validateScan). */
export function scanFromOptions(o: ScanValues): ScanSpec {
  const algorithms = o.algorithm.map((a) => pointSpec(o, 2, [2, 2], 1, a).algorithm);
  const run: Partial<RunSpec> = pointSpec(o, 2, [2, 2], 1, 'heatbath');
  for (const key of ['N', 'dims', 'betas', 'algorithm', 'seed'] as const) delete run[key];
  return {
    name: o.name,
    seed: o.seed,
    chains: o.chains,
    points: scanGrid({ groups: o.group, dims: o.dims, betas: o.beta, algorithms }),
    run: run as ChainRunParameters,
  };
}

/** The `lgt generate` arguments that run `chain` alone (what `--dry-run` lists). */
function generateArgs(o: ScanValues, chain: ScanChain): string[] {
  const s = chain.spec;
  const args = [
    'generate',
    '-o',
    chain.output,
    '--group',
    String(s.N),
    '--dims',
    s.dims.join(','),
    '--beta',
    String(s.betas[0]),
    '--algorithm',
    s.algorithm.kind,
    '--seed',
    String(s.seed),
  ];
  for (const [key, spec] of Object.entries(runOptions)) {
    const value = (o as Record<string, unknown>)[key];
    if (typeof value === 'boolean') {
      const negated = spec.flags.includes('--no-');
      if (negated && !value) args.push(`--no-${flagOf(key).slice(2)}`);
      if (!negated && value) args.push(flagOf(key));
    } else if (value !== undefined) {
      args.push(flagOf(key), Array.isArray(value) ? value.join(',') : String(value));
    }
  }
  return args;
}

/** Follows scan `id` until no chain is queued or running; returns its last status. */
async function follow(
  queue: ChainQueue,
  id: string,
  bar: SingleBar | undefined,
): Promise<ScanStatus> {
  let started = false;
  for (;;) {
    const status = scanStatus(await queue.scans(), await queue.jobs()).find((s) => s.id === id);
    if (status === undefined) throw new UserError(`scan ${id} is not in the queue`);
    if (bar !== undefined) {
      const payload = {
        done: status.done,
        jobs: status.jobs,
        failed: status.failed,
        rate: status.rate.toFixed(1),
        eta: formatDuration(status.eta),
      };
      if (!started) {
        bar.start(status.steps, status.stepsDone, payload);
        started = true;
      } else bar.update(status.stepsDone, payload);
    }
    if (status.queued + status.active === 0) {
      if (started) bar?.stop();
      return status;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** Registers `lgt scan`. */
export function registerScan(program: Command): void {
  const command = program
    .command('scan')
    .description(
      'submit a scan (group x lattice x beta x algorithm, times --chains) to the queue for lgt worker',
    );
  addOptions(command, scanOptions).action(async function (this: Command) {
    const o = readOptions(this, scanOptions);
    const scan = scanFromOptions(o);
    // every point is checked (and named when invalid) before anything is queued
    const chains = expandScan(scan);
    const id = scanId(scan);
    if (o.dryRun) {
      const list = chains.map((c) => ({
        point: c.point,
        chain: c.chain,
        seed: c.spec.seed,
        seedText: chainSeedText(scan.seed, scan.points[c.point], c.chain),
        output: c.output,
        generate: generateArgs(o, c),
      }));
      if (o.json) {
        process.stdout.write(
          `${JSON.stringify({ scan: { id, name: scan.name, directory: scanDirectory(scan) }, chains: list })}\n`,
        );
      } else {
        process.stdout.write(`scan ${scan.name} (${id}): ${chains.length} chains\n`);
        for (const c of list) process.stdout.write(`lgt ${c.generate.join(' ')}\n`);
      }
      return;
    }
    const queue = await openQueue(o.queue);
    try {
      const submitted = await queue.submitScan(scan, chains, { retries: o.retries });
      if (!o.json || !o.wait) {
        const line =
          `scan ${scan.name} (${id}): ${submitted.submitted} chains queued at ${queue.where}` +
          (submitted.existing > 0 ? `, ${submitted.existing} already there` : '') +
          `; files under DATA/${scanDirectory(scan)}`;
        if (o.json) {
          process.stdout.write(
            `${JSON.stringify({ scan: id, name: scan.name, directory: scanDirectory(scan), ...submitted })}\n`,
          );
        } else process.stderr.write(`${line}\n`);
      }
      if (!o.wait) return;
      const bar =
        o.progress && !o.json
          ? new SingleBar({
              format: `${scan.name} |{bar}| {percentage}% | {done}/{jobs} chains | {failed} failed | {rate} steps/s | ETA {eta}`,
              stream: process.stderr,
              hideCursor: true,
              noTTYOutput: true,
              notTTYSchedule: 5000,
            })
          : undefined;
      const status = await follow(queue, id, bar);
      if (o.json) process.stdout.write(`${JSON.stringify(status)}\n`);
      else {
        process.stderr.write(
          `scan ${scan.name}: ${status.done} of ${status.jobs} chains done, ${status.failed} failed\n`,
        );
        for (const f of status.failures) {
          process.stderr.write(`  point ${f.point} chain ${f.chain}: ${f.message}\n`);
        }
      }
      if (status.failed > 0 || status.cancelled > 0) process.exitCode = 1;
    } finally {
      await queue.close();
    }
  });
}
