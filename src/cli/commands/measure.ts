/**
 * `lgt measure FILE`: the observables recorded in an ensemble, per beta, with Gamma-method
 * errors and integrated autocorrelation times; the independent chains of a merged ensemble
 * (`lgt merge`) enter as replica; for a flow file (`lgt flow`), t0, w0, chi and the flow curve
 * t^2 E(t). A table for people, `--json` for scripts. An ensemble whose chains went nowhere
 * (what its run recorded, or a plaquette that drifts between the halves of the saved data:
 * src/montecarlo/chainHealth.ts) is flagged with a WARNING on stderr and `warnings` in the JSON.
 *
 * @module
 */
import type { Command } from 'commander';
import { formatEstimate } from '../../core/estimateFormat.js';
import { openEnsemble } from '../../io/ensembleReader.js';
import { FLOW_FORMAT, isFlowFile, openFlowFile } from '../../io/flowFile.js';
import { flowStatistics, flowStatisticsJson } from '../../flow/flowStatistics.js';
import { formatFlowStatistics } from './flowReport.js';
import { ensembleStatistics, type BetaStatistics } from '../../montecarlo/ensembleStatistics.js';
import { assessRecordedEnsemble } from '../../montecarlo/chainHealth.js';
import { UserError } from '../errors.js';
import { addOptions, jsonOption, option, readOptions, rules } from '../optionTable.js';

function formatTable(file: string, stats: BetaStatistics[]): string {
  const lines = [`ensemble ${file}`];
  for (const s of stats) {
    const chains = s.replicas > 1 ? `   chains = ${s.replicas} (replica)` : '';
    lines.push('', `beta = ${s.beta}   configurations = ${s.configurations}${chains}`);
    lines.push(`${'observable'.padEnd(22)}${'value'.padStart(22)}${'tau_int'.padStart(14)}`);
    for (const [name, e] of Object.entries(s.observables)) {
      const tau = `${e.tauInt.toFixed(2)}(${e.tauIntError.toFixed(2)})`;
      lines.push(
        `${name.padEnd(22)}${formatEstimate(e.mean, e.error).padStart(22)}${tau.padStart(14)}`,
      );
    }
  }
  return lines.join('\n');
}

/** The options of `lgt measure`. */
const measureOptions = {
  skip: option(
    '--skip <n>',
    'discard the first n configurations of each beta (of each chain)',
    rules.integer(0),
    {
      default: '0',
    },
  ),
  chargeTime: option(
    '--charge-time <t>',
    'flow files: the flow time of chi and of the charge (default: the last)',
    rules.optional(rules.number(0)),
  ),
  json: jsonOption('print JSON: per beta, {"plaquette": {"mean", "error", "tauInt", ...}}'),
};

/** `lgt measure` of a flow file. */
async function measureFlowFile(
  file: string,
  skip: number,
  chargeTime: number | undefined,
  json: boolean,
): Promise<void> {
  const flow = await openFlowFile(file);
  if (chargeTime !== undefined && !flow.times.includes(chargeTime)) {
    throw new UserError(
      `invalid --charge-time ${chargeTime}: expected one of the flow times of ${file} (${Array.from(flow.times).join(', ')})`,
    );
  }
  const stats = flowStatistics(flow, { chargeTime, skip });
  if (stats.every((s) => s.configurations < 2)) {
    throw new UserError(
      `${file}: fewer than 2 configurations per beta remain after --skip ${skip}`,
    );
  }
  process.stdout.write(
    json
      ? `${JSON.stringify(
          {
            file,
            format: FLOW_FORMAT,
            ensembles: stats.map((s) => flowStatisticsJson(s, true)),
          },
          null,
          2,
        )}\n`
      : `${formatFlowStatistics(file, stats)}\n`,
  );
}

/** Registers `lgt measure`. */
export function registerMeasure(program: Command): void {
  const command = program
    .command('measure')
    .description('print the observables of an ensemble with Gamma-method errors and tau_int')
    .argument('<file>', 'ensemble HDF5 file written by lgt generate, or a flow file of lgt flow');
  addOptions(command, measureOptions).action(async function (this: Command, file: string) {
    const { skip, json, chargeTime } = readOptions(this, measureOptions);
    if (await isFlowFile(file)) {
      await measureFlowFile(file, skip, chargeTime, json);
      return;
    }
    if (chargeTime !== undefined) {
      throw new UserError(
        `invalid --charge-time ${chargeTime}: expected a flow file (lgt flow), got the ensemble ${file}`,
      );
    }
    const ensemble = await openEnsemble(file);
    try {
      if (Object.keys(ensemble.observables).length === 0) {
        throw new UserError(`${file}: the ensemble has no recorded observables`);
      }
      const stats = ensembleStatistics(ensemble.beta, ensemble.observables, skip, ensemble.chain);
      if (stats.every((s) => s.configurations < 2)) {
        throw new UserError(
          `${file}: fewer than 2 configurations per beta remain after --skip ${skip}`,
        );
      }
      const warnings = assessRecordedEnsemble(ensemble, skip);
      process.stdout.write(
        json
          ? `${JSON.stringify({ file, ensembles: stats, warnings }, null, 2)}\n`
          : `${formatTable(file, stats)}\n`,
      );
      for (const w of warnings) {
        process.stderr.write(
          `lgt: WARNING: suspect ensemble ${file}: ${w.message}\nlgt:   remedy: ${w.remedy}\n`,
        );
      }
    } finally {
      ensemble.close();
    }
  });
}
