/**
 * `lgt generate`: an ensemble of gauge configurations into an HDF5 file, with a progress bar
 * and ETA on stderr, checkpoints, `--resume` after an interruption (Ctrl-C or SIGTERM stop
 * cleanly with a checkpoint, exit 130/143), a lock against a second writer of the same output,
 * and loud warnings for chains that go nowhere (src/montecarlo/chainHealth.ts).
 *
 * @module
 */
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { z } from 'zod';
import type { AlgorithmSpec } from '../../montecarlo/algorithm.js';
import type { ChainFinding } from '../../montecarlo/chainHealth.js';
import { generateEnsemble, type RunSpec } from '../../montecarlo/generate.js';
import { createWebGpuSweeper } from '../../montecarlo/gpu/adapter.js';
import type { WebGpuSweeper } from '../../montecarlo/gpu/webgpuSweeper.js';
import { existsSync } from 'node:fs';
import { FileError } from '../../core/fileError.js';
import { refuseExisting, UserError } from '../errors.js';
import { InterruptedError, resumeCommand, shellCommand, stopOnSignals } from '../interrupt.js';
import {
  addOptions,
  forceOption,
  jsonOption,
  option,
  progressOption,
  readOptions,
  rules,
  type OptionValues,
} from '../optionTable.js';

/** The options of `lgt generate` (`lgt scan` takes those that shape a run from here). */
export const generateOptions = {
  output: option('-o, --output <file>', 'output HDF5 file', rules.text(), { required: true }),
  group: option(
    '-g, --group <N>',
    'number of colours N of SU(N): 3, su3 or SU(3)',
    rules.colours(2, 16),
    {
      default: '2',
    },
  ),
  dims: option(
    '-d, --dims <list>',
    'lattice extents, even, comma-separated, time last',
    rules.dims(true),
    {
      default: '8,8',
    },
  ),
  beta: option(
    '-b, --beta <list>',
    'coupling(s) beta, comma-separated',
    rules.numbers(
      z.number().positive().finite(),
      'a comma-separated list of positive numbers, e.g. 2.0,2.2',
    ),
    { default: '2.0' },
  ),
  algorithm: option(
    '-a, --algorithm <name>',
    'heatbath | metropolis | hmc',
    rules.choice(['heatbath', 'metropolis', 'hmc']),
    { default: 'heatbath' },
  ),
  overrelax: option(
    '--overrelax <n>',
    'heatbath: overrelaxation sweeps per heatbath sweep',
    rules.integer(0),
    { default: '4' },
  ),
  hits: option('--hits <n>', 'metropolis: proposals per link', rules.integer(1), { default: '10' }),
  step: option(
    '--step <eps|auto>',
    'metropolis: proposal step size; auto: tuned to 50% acceptance in thermalisation',
    rules.auto(rules.positive()),
    { default: 'auto' },
  ),
  tau: option('--tau <t>', 'hmc: trajectory length', rules.positive(), { default: '1' }),
  mdSteps: option(
    '--md-steps <n|auto>',
    'hmc: integration steps per trajectory; auto: tuned to 85% acceptance in thermalisation',
    rules.auto(rules.integer(1)),
    { default: 'auto' },
  ),
  mdWarmup: option(
    '--md-warmup <n>',
    'hmc: the first n thermalisation trajectories skip the Metropolis test',
    rules.integer(0),
    { default: '10' },
  ),
  integrator: option(
    '--integrator <name>',
    'hmc: leapfrog | omelyan',
    rules.choice(['leapfrog', 'omelyan']),
    { default: 'omelyan' },
  ),
  thermalization: option(
    '--thermalization <n>',
    'steps before the first saved configuration, per beta',
    rules.integer(0),
    { default: '200' },
  ),
  separation: option('--separation <n>', 'steps between saved configurations', rules.integer(1), {
    default: '10',
  }),
  configs: option('-n, --configs <n>', 'configurations to save per beta', rules.integer(1), {
    default: '100',
  }),
  seed: option(
    '-s, --seed <int>',
    'random seed (the ensemble is a function of it)',
    { schema: rules.integer(0).schema, expected: 'an integer in [0, 2^53)' },
    { default: '1' },
  ),
  start: option('--start <kind>', 'cold | hot', rules.choice(['cold', 'hot']), {
    default: 'cold',
  }),
  reunitarize: option(
    '--reunitarize <n>',
    're-unitarise the links every n steps (0: never)',
    { schema: rules.integer(0).schema, expected: 'an integer >= 0 (0: never)' },
    { default: '10' },
  ),
  wilsonLoops: option(
    '--wilson-loops <n>',
    'measure Wilson loops R x T up to n x n',
    rules.integer(1),
    { default: '2' },
  ),
  polyakov: option('--no-polyakov', 'do not measure the Polyakov loop', rules.flag(), {
    default: true,
  }),
  charge: option('--no-charge', 'do not measure the topological charge (4D)', rules.flag(), {
    default: true,
  }),
  workers: option(
    '-w, --workers <n>',
    'worker threads (the result does not depend on it)',
    rules.integer(1, 256),
    { default: '1' },
  ),
  backend: option(
    '--backend <name>',
    'cpu | webgpu (heatbath of SU(2), SU(3) in float32 on a GPU)',
    rules.choice(['cpu', 'webgpu']),
    { default: 'cpu' },
  ),
  kernels: option(
    '--kernels <name>',
    'cpu: ts | wasm | auto (WebAssembly SIMD where it runs; the result does not depend on it)',
    rules.choice(['ts', 'wasm', 'auto']),
    { default: 'auto' },
  ),
  force: forceOption(),
  resume: option('--resume', 'continue an interrupted run from its checkpoint', rules.flag(), {
    default: false,
  }),
  checkpointEvery: option(
    '--checkpoint-every <n>',
    'write a checkpoint every n saved configurations',
    rules.integer(1),
    { default: '1' },
  ),
  progress: progressOption(),
  verbose: option(
    '--verbose',
    'webgpu: every backend tried, and the GPU library warnings',
    rules.flag(),
    { default: false },
  ),
  json: jsonOption(),
  report: option(
    '--report <file>',
    'at the end, write an HTML report of the ensemble (as lgt report)',
    rules.optional(rules.text()),
  ),
};

/** Builds the run specification from validated options (also of each chain of `lgt scan`). */
export function specFrom(o: OptionValues<typeof generateOptions>): RunSpec {
  let algorithm: AlgorithmSpec;
  if (o.algorithm === 'heatbath') algorithm = { kind: 'heatbath', overrelaxation: o.overrelax };
  else if (o.algorithm === 'metropolis')
    algorithm = { kind: 'metropolis', hits: o.hits, step: o.step };
  else {
    algorithm = {
      kind: 'hmc',
      tau: o.tau,
      steps: o.mdSteps,
      integrator: o.integrator,
      warmup: o.mdWarmup,
    };
  }
  return {
    N: o.group,
    dims: o.dims,
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
async function gpuSweeper(spec: RunSpec, verbose: boolean): Promise<WebGpuSweeper> {
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
    // --verbose: Dawn tries every backend itself and prints its warnings (a missing Vulkan loader)
    sweeper = await createWebGpuSweeper({ probeLibraries: !verbose });
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

/** What `lgt generate --help` says after the options: what the defaults do. */
const HELP_AFTER = `
What the defaults do:
  heatbath      one Cabibbo-Marinari heatbath sweep + 4 overrelaxation sweeps per step;
                nothing to tune, moves at any beta and N.
  metropolis    --step auto: the first half of thermalisation tunes the step, in blocks
                of 10 sweeps, towards 50% acceptance (starting at the L-CNN paper's 0.5),
                then it stays fixed; 10 hits per link.
  hmc           --md-warmup 10: the first 10 thermalisation trajectories skip the
                Metropolis test (as Grid's NoMetropolisUntil), which brings a cold or hot
                start near equilibrium; --md-steps auto: the first half of the rest tunes
                the integration steps, in blocks of 10 trajectories, towards 85%
                acceptance (starting at 10 per unit trajectory on SU(2) 8^4, scaled with
                the number of link variables to the power 1/4), then they stay fixed.
                Omelyan's 2MN integrator, trajectory length 1.
  every chain   starts cold (--start hot for Haar-random links), thermalises 200 steps,
                then saves a configuration every 10 steps. At the end of thermalisation,
                before anything of it is saved, each chain is checked: an acceptance of
                zero or far below the sane range, and a plaquette that still drifts
                between the last two quarters of thermalisation, are reported as
                WARNINGs with the numbers and a remedy; the checks are recorded in the
                file, and lgt measure and lgt report flag the ensemble.
Interrupting: Ctrl-C (SIGINT) or SIGTERM stops after the current step with a checkpoint
(exit code 130 or 143); the same command with --resume continues bit for bit. A second
lgt generate on the same output is refused while the first runs (OUTPUT.lock).
`;

/**
 * A write that failed during the run (a full disk, a file-size limit) leaves the run as of
 * its last checkpoint: say so, and how to go on, beside the error that names the file.
 */
function withResumeHint(error: unknown, output: string, argv: readonly string[]): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  const isWrite =
    error instanceof FileError &&
    (code === 'ENOSPC' ||
      code === 'EFBIG' ||
      code === 'EDQUOT' ||
      /no room|cannot grow|could not be written|flush failed|failed to write/.test(error.message));
  if (!isWrite || !existsSync(`${output}.checkpoint`)) return error;
  return new UserError(
    `${error.message}\nnothing already written is lost: ${output}.checkpoint and ` +
      `${output}.partial hold the run up to its last checkpoint. Make room, then resume with:\n` +
      `  ${resumeCommand(argv)}`,
  );
}

/** Prints a chain's problem so that it is not missed. */
function warn(finding: ChainFinding): void {
  process.stderr.write(`lgt: WARNING: ${finding.message}\nlgt:   remedy: ${finding.remedy}\n`);
}

/** Registers `lgt generate`; `argv` is repeated in the command that resumes an interrupted run. */
export function registerGenerate(program: Command, argv: readonly string[] = []): void {
  const command = program
    .command('generate')
    .description('generate an ensemble of SU(N) gauge configurations into an HDF5 file')
    .addHelpText('after', HELP_AFTER);
  addOptions(command, generateOptions).action(async function (this: Command) {
    const o = readOptions(this, generateOptions);
    const spec = specFrom(o);
    // Refuse before the run, not after it.
    if (o.report !== undefined) refuseExisting(o.report, o.force, '--report');
    const gpu = o.backend === 'webgpu' ? await gpuSweeper(spec, o.verbose) : undefined;
    if (gpu !== undefined && o.verbose) {
      for (const line of gpu.context.passedOver) process.stderr.write(`webgpu: ${line}\n`);
    }
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
    const pauseBar = (): void => {
      if (started) bar.stop();
      started = false;
    };
    const stop = stopOnSignals(
      () => `stopping after the current step, with a checkpoint (again: stop at once)`,
    );
    let summary;
    try {
      summary = await generateEnsemble(spec, {
        output: o.output,
        workers: o.workers,
        kernels: o.kernels,
        sweeper: gpu,
        force: o.force,
        resume: o.resume,
        checkpointEvery: o.checkpointEvery,
        metadata: gpu !== undefined ? { backend: 'webgpu' } : {},
        provenance: {
          command: `lgt ${shellCommand(argv)}`,
          ...(gpu !== undefined
            ? { device: `${gpu.context.backend}: ${gpu.context.description}` }
            : {}),
        },
        command: `lgt ${shellCommand(argv)}`,
        signal: stop.signal,
        onWarning: (finding) => {
          pauseBar();
          warn(finding);
        },
        onNotice: (message) => {
          pauseBar();
          process.stderr.write(`lgt: ${message}\n`);
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
    } catch (error) {
      throw withResumeHint(error, o.output, argv);
    } finally {
      pauseBar();
      stop.dispose();
    }
    if (summary.interrupted) {
      const signal = stop.received ?? 'SIGINT';
      const { betaIndex, step } = summary.position;
      throw new InterruptedError(
        `stopped by ${signal} at step ${step} of beta ${spec.betas[betaIndex]} ` +
          `(chain ${betaIndex + 1} of ${spec.betas.length}), ${summary.configurations} ` +
          `configurations saved; the checkpoint ${o.output}.checkpoint and ${o.output}.partial ` +
          `hold the run. Resume with:\n  ${resumeCommand(argv)}`,
        signal,
      );
    }
    const warnings = summary.findings;
    const result = {
      output: summary.output,
      configurations: summary.configurations,
      acceptance: summary.acceptance,
      resumedFrom: summary.resumedFrom ?? null,
      warnings,
      ...(o.report !== undefined ? { report: o.report } : {}),
    };
    if (o.report !== undefined) {
      // loaded when asked for: vega takes half a second to import
      const { writeReport } = await import('../../report/writeReport.js');
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
    else {
      process.stderr.write(
        `wrote ${summary.configurations} configurations to ${summary.output}` +
          (o.report !== undefined ? ` and the report ${o.report}` : '') +
          '\n',
      );
    }
    if (warnings.length > 0) {
      // said again at the end, where it is seen, whatever scrolled by
      process.stderr.write(
        `lgt: WARNING: ${warnings.length} problem${warnings.length === 1 ? '' : 's'} with ` +
          `the Monte Carlo chains of ${summary.output} (above; recorded in the file, and ` +
          `lgt measure flags it):\n` +
          warnings.map((w) => `lgt:   ${w.message}\n`).join(''),
      );
    }
  });
}
