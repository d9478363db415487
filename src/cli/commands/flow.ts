/**
 * `lgt flow ENSEMBLE -o FLOWED.h5`: the gradient flow of every configuration of an ensemble
 * (src/flow), the observables per configuration and flow time into a flow file
 * (docs/flow-format.md), optionally the flowed links at chosen times as ensemble files, with a
 * progress bar, a checkpoint after every configuration and `--resume` (Ctrl-C or SIGTERM
 * stop cleanly after the current configuration, exit 130/143; a second `lgt flow` on the same
 * output is refused while the first runs, OUTPUT.lock); then the scale (t0, w0) and the
 * topological susceptibility with Gamma-method errors.
 *
 * @module
 */
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { z } from 'zod';
import { openEnsemble } from '../../io/ensembleReader.js';
import { openFlowFile } from '../../io/flowFile.js';
import { FLOW_ACTIONS } from '../../flow/flowAction.js';
import { flowEnsemble } from '../../flow/flowEnsemble.js';
import { flowStatistics, flowStatisticsJson } from '../../flow/flowStatistics.js';
import { DEFAULT_EPSILON, DEFAULT_MAX_EPSILON } from '../../flow/gradientFlow.js';
import { UserError } from '../errors.js';
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
import { formatFlowStatistics } from './flowReport.js';

/** Flow time up to which `lgt flow` integrates when neither --t-max nor --times say. */
const DEFAULT_T_MAX = 4;
/** Spacing of the measured flow times when neither --times nor --measure-every say. */
const DEFAULT_MEASURE_EVERY = 0.1;

const flowTimes = (expected: string): ReturnType<typeof rules.numbers> =>
  rules.numbers(z.number().finite().min(0), expected);

/** "0-9,20,25-27" -> [0, ..., 9, 20, 25, 26, 27]. */
const indexList = {
  schema: z
    .union([z.array(z.coerce.number()), z.coerce.string()])
    .transform((v) => {
      if (Array.isArray(v)) return v;
      const out: number[] = [];
      for (const part of v.split(',')) {
        const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
        if (m === null) return [NaN];
        const a = Number(m[1]);
        const b = m[2] === undefined ? a : Number(m[2]);
        for (let i = a; i <= b; i++) out.push(i);
      }
      return out;
    })
    .pipe(z.array(z.number().int().min(0)).min(1)),
  expected: 'configuration indices or ranges, e.g. 0-9,20',
};

/** The options of `lgt flow`. */
export const flowOptions = {
  output: option('-o, --output <file>', 'output flow file (HDF5)', rules.text(), {
    required: true,
  }),
  tMax: option(
    '--t-max <t>',
    `flow until t/a^2 = t (default: the largest requested time, else ${DEFAULT_T_MAX})`,
    rules.optional(rules.positive()),
  ),
  epsilon: option(
    '--epsilon <e>',
    `fixed RK3 step size (default ${DEFAULT_EPSILON}); with --adaptive, the first step`,
    rules.optional(rules.positive()),
  ),
  adaptive: option(
    '--adaptive <tol>',
    'adaptive steps with this tolerance on the local error (e.g. 1e-5)',
    rules.optional(rules.positive()),
  ),
  maxEpsilon: option('--max-epsilon <e>', 'the largest adaptive step', rules.positive(), {
    default: String(DEFAULT_MAX_EPSILON),
  }),
  measureEvery: option(
    '--measure-every <dt>',
    `measure at t = 0, dt, 2 dt, ... (default ${DEFAULT_MEASURE_EVERY})`,
    rules.optional(rules.positive()),
  ),
  times: option(
    '--times <list>',
    'measure at these flow times instead, comma-separated',
    rules.optional(flowTimes('a comma-separated list of flow times >= 0, e.g. 1,2.5,4')),
  ),
  action: option('--action <name>', FLOW_ACTIONS.join(' | '), rules.choice(FLOW_ACTIONS), {
    default: 'wilson',
  }),
  index: option(
    '--index <list>',
    'flow only these configurations (indices or ranges, e.g. 0-9,20)',
    rules.optional(indexList),
  ),
  saveLinks: option(
    '--save-links <list>',
    'save the flowed links at these times (ensemble files OUTPUT.t<t>.h5)',
    rules.optional(flowTimes('a comma-separated list of flow times >= 0, e.g. 1,3')),
  ),
  chargeTime: option(
    '--charge-time <t>',
    'the flow time of chi = <Q^2>/V and of the charge histogram (default: the last)',
    rules.optional(rules.number(0)),
  ),
  workers: option(
    '-w, --workers <n>',
    'worker threads (1: this thread; the result does not depend on it)',
    rules.integer(1, 256),
    { default: '1' },
  ),
  force: forceOption('replace existing output files'),
  resume: option('--resume', 'continue an interrupted run from its checkpoint', rules.flag(), {
    default: false,
  }),
  progress: progressOption(),
  json: jsonOption(
    'print JSON lines: {"index", "t", "energyPlaquette", "energyClover", "charge", "plaquette"} per configuration and time, then the scale per beta',
  ),
};

/** The measured times: --times or the grid of --measure-every, with the save and charge times. */
export function measuredTimes(o: OptionValues<typeof flowOptions>): {
  times: number[];
  tMax: number;
} {
  if (o.times !== undefined && o.measureEvery !== undefined) {
    throw new UserError(
      `invalid --measure-every ${o.measureEvery} with --times: expected one of them (--times lists the times, --measure-every makes a grid)`,
    );
  }
  const extra = [...(o.saveLinks ?? []), ...(o.chargeTime !== undefined ? [o.chargeTime] : [])];
  const requested = [...(o.times ?? []), ...extra];
  const largest = requested.length > 0 ? Math.max(...requested) : undefined;
  const tMax = o.tMax ?? (o.times !== undefined ? largest! : Math.max(DEFAULT_T_MAX, largest ?? 0));
  if (largest !== undefined && largest > tMax) {
    throw new UserError(
      `invalid --t-max ${tMax}: expected at least the largest requested flow time ${largest} (--times, --save-links, --charge-time)`,
    );
  }
  let times: number[];
  if (o.times !== undefined) {
    times = [...o.times];
  } else {
    const dt = o.measureEvery ?? DEFAULT_MEASURE_EVERY;
    times = [];
    for (let k = 0; k * dt <= tMax * (1 + 1e-12); k++) times.push(Number((k * dt).toPrecision(12)));
    if (times[times.length - 1] < tMax) times.push(tMax);
  }
  const all = [...new Set([...times, ...extra])].sort((a, b) => a - b);
  return { times: all, tMax };
}

/** Registers `lgt flow`; `argv` is repeated in the command that resumes an interrupted run. */
export function registerFlow(program: Command, argv: readonly string[] = []): void {
  const command = program
    .command('flow')
    .description('gradient flow of an ensemble: t^2 E(t), t0, w0, the flowed charge, chi')
    .argument('<ensemble>', 'ensemble HDF5 file written by lgt generate')
    .addHelpText(
      'after',
      `
A checkpoint after every configuration: Ctrl-C or SIGTERM stops cleanly after the current
configuration (exit code 130 or 143); the same command with --resume continues bit for bit,
also after a crash or kill -9. A second lgt flow on the same output is refused while the
first runs (OUTPUT.lock).
`,
    );
  addOptions(command, flowOptions).action(async function (this: Command, input: string) {
    const o = readOptions(this, flowOptions);
    const { times, tMax } = measuredTimes(o);
    // what the ensemble allows, before any file is written
    const ensemble = await openEnsemble(input);
    const { D } = ensemble.lattice;
    const dims = ensemble.lattice.dims;
    const count = ensemble.count;
    ensemble.close();
    if (o.chargeTime !== undefined && D !== 4) {
      throw new UserError(
        `invalid --charge-time ${o.chargeTime}: expected a 4D ensemble (the topological charge is defined in 4D), got ${input} with D = ${D}`,
      );
    }
    if (o.action !== 'wilson' && dims.some((L) => L < 3)) {
      throw new UserError(
        `invalid --action ${o.action}: expected wilson on ${input}, whose extents ${dims.join('x')} include one below 3 (the rectangles of ${o.action} would wrap onto themselves)`,
      );
    }
    const bad = o.index?.find((i) => i >= count);
    if (bad !== undefined) {
      throw new UserError(
        `invalid --index ${bad}: expected indices in [0, ${count - 1}] (${input} has ${count} configurations)`,
      );
    }
    const indices = o.index === undefined ? undefined : [...new Set(o.index)].sort((a, b) => a - b);

    const bar = new SingleBar({
      format:
        'flow |{bar}| {percentage}% | {config}/{total} configurations | t {t} | ETA {eta_formatted}',
      stream: process.stderr,
      hideCursor: true,
      noTTYOutput: false,
      etaBuffer: 200,
    });
    const showProgress = o.progress && !o.json;
    let started = false;
    const stop = stopOnSignals(
      () => `stopping after the current configuration, with a checkpoint (again: stop at once)`,
    );
    let summary;
    try {
      summary = await flowEnsemble(
        {
          input,
          action: o.action,
          tMax,
          times,
          epsilon: o.epsilon ?? DEFAULT_EPSILON,
          tolerance: o.adaptive,
          maxEpsilon: o.maxEpsilon,
          indices,
          saveLinks: o.saveLinks,
        },
        {
          output: o.output,
          workers: o.workers > 1 ? o.workers : 0,
          force: o.force,
          resume: o.resume,
          provenance: { command: `lgt ${shellCommand(argv)}` },
          command: `lgt ${shellCommand(argv)}`,
          signal: stop.signal,
          onNotice: (message) => {
            if (started) bar.stop();
            started = false;
            process.stderr.write(`lgt: ${message}\n`);
          },
          onProgress: (p) => {
            if (!showProgress) return;
            const value = Math.round(1000 * (p.done + p.t / p.tMax));
            const payload = { config: p.done, t: p.t.toFixed(3) };
            if (!started) {
              bar.start(1000 * p.total, value, payload);
              started = true;
            } else bar.update(value, payload);
          },
        },
      );
    } finally {
      if (started) bar.stop();
      stop.dispose();
    }
    if (summary.interrupted) {
      const signal = stop.received ?? 'SIGINT';
      throw new InterruptedError(
        `stopped by ${signal} after ${summary.configurations} of ${indices?.length ?? count} ` +
          `configurations; the checkpoint ${o.output}.checkpoint and ${o.output}.partial hold ` +
          `the run. Resume with:\n  ${resumeCommand(argv)}`,
        signal,
      );
    }

    const file = await openFlowFile(summary.output);
    const stats = flowStatistics(file, { chargeTime: o.chargeTime });
    if (o.json) {
      const lines: string[] = [];
      const m = file.times.length;
      const q = file.observables.topological_charge;
      for (let i = 0; i < file.count; i++) {
        for (let j = 0; j < m; j++) {
          lines.push(
            JSON.stringify({
              index: file.index[i],
              t: file.times[j],
              energyPlaquette: file.observables.energy_plaquette[i * m + j],
              energyClover: file.observables.energy_clover[i * m + j],
              charge: q === undefined ? null : q[i * m + j],
              plaquette: file.observables.plaquette[i * m + j],
            }),
          );
        }
      }
      for (const s of stats) lines.push(JSON.stringify(flowStatisticsJson(s)));
      process.stdout.write(`${lines.join('\n')}\n`);
    } else {
      process.stdout.write(`${formatFlowStatistics(summary.output, stats)}\n`);
      process.stderr.write(
        `wrote ${summary.configurations} flowed configurations to ${summary.output}` +
          summary.links.map((l) => `, the links at t = ${l.t} to ${l.path}`).join('') +
          '\n',
      );
    }
  });
}
