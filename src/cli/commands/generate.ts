/**
 * `lgt generate`: an ensemble of gauge configurations into an HDF5 file, with a progress bar
 * and ETA on stderr, checkpoints, and `--resume` after an interruption.
 *
 * @module
 */
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { z } from 'zod';
import type { Algorithm } from '../../montecarlo/algorithm.js';
import { generateEnsemble, type RunSpec } from '../../montecarlo/generate.js';
import { WebGpuSweeper } from '../../montecarlo/gpu/webgpuSweeper.js';
import { UserError } from '../errors.js';
import { parseDims, optionsWithConfig } from '../options.js';
import { parseOptions } from '../validation.js';
import { refuseExisting, writeReport } from './report.js';
import { packageVersion } from '../version.js';

const numberList = z.union([
  z.array(z.coerce.number()),
  z.string().transform((s) => s.split(',').map((v) => (v.trim() === '' ? NaN : Number(v)))),
]);

const schema = z.object({
  group: z.coerce.number().int().min(2).max(16),
  dims: z.union([z.string(), z.array(z.number())]),
  beta: numberList.pipe(z.array(z.number().positive().finite()).min(1)),
  algorithm: z.enum(['heatbath', 'metropolis', 'hmc']),
  overrelax: z.coerce.number().int().min(0),
  hits: z.coerce.number().int().min(1),
  step: z.coerce.number().positive().finite(),
  tau: z.coerce.number().positive().finite(),
  mdSteps: z.coerce.number().int().min(1),
  integrator: z.enum(['leapfrog', 'omelyan']),
  thermalization: z.coerce.number().int().min(0),
  separation: z.coerce.number().int().min(1),
  configs: z.coerce.number().int().min(1),
  seed: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  start: z.enum(['cold', 'hot']),
  reunitarize: z.coerce.number().int().min(0),
  wilsonLoops: z.coerce.number().int().min(1),
  polyakov: z.boolean(),
  charge: z.boolean(),
  workers: z.coerce.number().int().min(1).max(256),
  backend: z.enum(['cpu', 'webgpu']),
  output: z.string().min(1),
  force: z.boolean(),
  resume: z.boolean(),
  checkpointEvery: z.coerce.number().int().min(1),
  json: z.boolean(),
  progress: z.boolean(),
  config: z.string().optional(),
  report: z.string().min(1).optional(),
});

const expected: Record<string, string> = {
  group: 'an integer N in [2, 16]',
  beta: 'a comma-separated list of positive numbers, e.g. 2.0,2.2',
  algorithm: 'one of heatbath, metropolis, hmc',
  overrelax: 'an integer >= 0',
  hits: 'an integer >= 1',
  step: 'a positive number',
  tau: 'a positive number',
  mdSteps: 'an integer >= 1',
  integrator: 'one of leapfrog, omelyan',
  thermalization: 'an integer >= 0',
  separation: 'an integer >= 1',
  configs: 'an integer >= 1',
  seed: 'an integer in [0, 2^53)',
  start: 'one of cold, hot',
  reunitarize: 'an integer >= 0 (0: never)',
  wilsonLoops: 'an integer >= 1',
  workers: 'an integer in [1, 256]',
  backend: 'one of cpu, webgpu',
  output: 'a file path',
  checkpointEvery: 'an integer >= 1',
};

/** Builds the run specification from validated options. */
function specFrom(o: z.infer<typeof schema>): RunSpec {
  let algorithm: Algorithm;
  if (o.algorithm === 'heatbath') algorithm = { kind: 'heatbath', overrelaxation: o.overrelax };
  else if (o.algorithm === 'metropolis')
    algorithm = { kind: 'metropolis', hits: o.hits, step: o.step };
  else algorithm = { kind: 'hmc', tau: o.tau, steps: o.mdSteps, integrator: o.integrator };
  const dims = parseDims(o.dims as string | number[]);
  if (dims.some((L) => L % 2 !== 0)) {
    throw new UserError(
      `invalid --dims ${JSON.stringify(o.dims)}: expected even extents (the checkerboard update needs them)`,
    );
  }
  return {
    N: o.group,
    dims,
    betas: o.beta,
    algorithm,
    thermalization: o.thermalization,
    separation: o.separation,
    configurations: o.configs,
    seed: o.seed,
    start: o.start,
    reunitarizeEvery: o.reunitarize,
    measurements: {
      wilsonLoops: o.wilsonLoops,
      polyakovLoop: o.polyakov,
      topologicalCharge: o.charge,
    },
  };
}

/**
 * The GPU sweeper for `--backend webgpu`, after checking, before any work, that the run can
 * go there: the heatbath of SU(2) or SU(3), on a lattice within the adapter's buffer limits.
 */
async function gpuSweeper(spec: RunSpec): Promise<WebGpuSweeper> {
  if (spec.algorithm.kind !== 'heatbath') {
    throw new UserError(
      `invalid --algorithm ${spec.algorithm.kind} with --backend webgpu: expected heatbath (the GPU runs heatbath and overrelaxation)`,
    );
  }
  if (spec.N !== 2 && spec.N !== 3) {
    throw new UserError(
      `invalid --group ${spec.N} with --backend webgpu: expected 2 or 3 (the GPU kernels are SU(2) and SU(3))`,
    );
  }
  let sweeper: WebGpuSweeper;
  try {
    sweeper = await WebGpuSweeper.create();
  } catch (e) {
    throw new UserError(`--backend webgpu: ${(e as Error).message}`);
  }
  try {
    sweeper.checkLattice(spec.N, spec.dims);
  } catch (e) {
    await sweeper.close();
    throw new UserError(`invalid --dims with --backend webgpu: ${(e as Error).message}`);
  }
  return sweeper;
}

/** Registers `lgt generate`. */
export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description('generate an ensemble of SU(N) gauge configurations into an HDF5 file')
    .requiredOption('-o, --output <file>', 'output HDF5 file')
    .option('-g, --group <N>', 'number of colours N of SU(N)', '2')
    .option('-d, --dims <list>', 'lattice extents, even, comma-separated, time last', '8,8')
    .option('-b, --beta <list>', 'coupling(s) beta, comma-separated', '2.0')
    .option('-a, --algorithm <name>', 'heatbath | metropolis | hmc', 'heatbath')
    .option('--overrelax <n>', 'heatbath: overrelaxation sweeps per heatbath sweep', '4')
    .option('--hits <n>', 'metropolis: proposals per link', '10')
    .option('--step <eps>', 'metropolis: proposal step size', '0.5')
    .option('--tau <t>', 'hmc: trajectory length', '1')
    .option('--md-steps <n>', 'hmc: integration steps per trajectory', '10')
    .option('--integrator <name>', 'hmc: leapfrog | omelyan', 'omelyan')
    .option('--thermalization <n>', 'steps before the first saved configuration, per beta', '200')
    .option('--separation <n>', 'steps between saved configurations', '10')
    .option('-n, --configs <n>', 'configurations to save per beta', '100')
    .option('-s, --seed <int>', 'random seed (the ensemble is a function of it)', '1')
    .option('--start <kind>', 'cold | hot', 'cold')
    .option('--reunitarize <n>', 're-unitarise the links every n steps (0: never)', '10')
    .option('--wilson-loops <n>', 'measure Wilson loops R x T up to n x n', '2')
    .option('--no-polyakov', 'do not measure the Polyakov loop')
    .option('--no-charge', 'do not measure the topological charge (4D)')
    .option('-w, --workers <n>', 'worker threads (the result does not depend on it)', '1')
    .option(
      '--backend <name>',
      'cpu | webgpu (heatbath of SU(2), SU(3) in float32 on a GPU)',
      'cpu',
    )
    .option('--force', 'replace an existing output file', false)
    .option('--resume', 'continue an interrupted run from its checkpoint', false)
    .option('--checkpoint-every <n>', 'write a checkpoint every n saved configurations', '1')
    .option('--no-progress', 'no progress bar')
    .option('--json', 'print a JSON summary on stdout', false)
    .option('--config <file>', 'read options from a JSON file (command-line options win)')
    .option('--report <file>', 'at the end, write an HTML report of the ensemble (as lgt report)')
    .action(async function (this: Command) {
      const raw = optionsWithConfig(this);
      const o = parseOptions(schema, raw, expected);
      const spec = specFrom(o);
      // Refuse before the run, not after it.
      if (o.report !== undefined) refuseExisting(o.report, o.force, '--report');
      const gpu = o.backend === 'webgpu' ? await gpuSweeper(spec) : undefined;
      if (gpu !== undefined && !o.json) {
        process.stderr.write(`webgpu: ${gpu.context.backend}, ${gpu.context.description}\n`);
      }
      const bar = new SingleBar({
        format:
          'generate |{bar}| {percentage}% | {value}/{total} steps | beta {beta} | saved {saved} | acc {acc} | ETA {eta_formatted}',
        stream: process.stderr,
        hideCursor: true,
        noTTYOutput: false,
        etaBuffer: 50,
      });
      const showProgress = o.progress && !o.json;
      let started = false;
      const summary = await generateEnsemble(spec, {
        output: o.output,
        workers: o.workers,
        sweeper: gpu,
        force: o.force,
        resume: o.resume,
        checkpointEvery: o.checkpointEvery,
        metadata: {
          software: `lattice-gauge ${packageVersion()}`,
          created: new Date().toISOString(),
          ...(gpu !== undefined ? { backend: 'webgpu' } : {}),
        },
        onProgress: (p) => {
          if (!showProgress) return;
          const payload = { beta: p.beta, saved: p.saved, acc: p.acceptance.toFixed(3) };
          if (!started) {
            bar.start(p.total, p.done, payload);
            started = true;
          } else bar.update(p.done, payload);
        },
      });
      if (started) bar.stop();
      const result = {
        output: summary.output,
        configurations: summary.configurations,
        acceptance: summary.acceptance,
        resumedFrom: summary.resumedFrom ?? null,
        ...(o.report !== undefined ? { report: o.report } : {}),
      };
      if (o.report !== undefined) {
        await writeReport({
          ensembles: [summary.output],
          models: [],
          skip: 0,
          output: o.report,
          force: o.force,
          command: `lgt generate -o ${summary.output} --report ${o.report}`,
        });
      }
      if (o.json) process.stdout.write(`${JSON.stringify(result)}\n`);
      else
        process.stderr.write(
          `wrote ${summary.configurations} configurations to ${summary.output}` +
            (o.report !== undefined ? ` and the report ${o.report}` : '') +
            '\n',
        );
    });
}
