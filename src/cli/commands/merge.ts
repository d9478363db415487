/**
 * `lgt merge`: independent chains of the same parameters into one ensemble, kept apart by a
 * dataset `/chain` (`lgt measure` then treats them as replica). Given the directory of a scan
 * (under a worker's data directory, with its `scan.json`), every point's complete chains are
 * merged into `<point>.h5` and a summary with one row per point (plaquette and every other
 * observable with Gamma-method errors) is written to `summary.json`, which `lgt report`
 * draws. Chains with different parameters are refused, naming the entry that differs.
 *
 * @module
 */
import { statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { writeFileAtomic } from '../../core/atomicWrite.js';
import { mergeChains, mergeScan, type ScanSummary } from '../../queue/merge.js';
import { formatEstimate } from '../../core/estimateFormat.js';
import { refuseExisting, UserError } from '../errors.js';
import { addOptions, forceOption, jsonOption, option, readOptions, rules } from '../optionTable.js';

/** The options of `lgt merge`. */
const mergeOptions = {
  output: option(
    '-o, --output <path>',
    'the merged ensemble (chain files), or the directory of the merged points and summary.json ' +
      '(a scan directory; default SCAN_DIR/merged)',
    rules.optional(rules.text()),
  ),
  force: forceOption('replace existing merged files'),
  json: jsonOption('print JSON: the merged files, or the scan summary'),
};

function summaryTable(summary: ScanSummary): string {
  const lines = [`scan ${summary.scan.name} (${summary.scan.id})`];
  for (const p of summary.points) {
    const plaquette = p.observables.plaquette;
    lines.push(
      `${p.name.padEnd(36)} ${`${p.finished}/${p.chains} chains`.padStart(12)}  ` +
        (plaquette !== undefined
          ? `plaquette ${formatEstimate(plaquette.mean, plaquette.error)} (${p.configurations} configurations)`
          : 'no complete chain'),
    );
  }
  return lines.join('\n');
}

/** Registers `lgt merge`. */
export function registerMerge(program: Command): void {
  const command = program
    .command('merge')
    .description(
      'merge independent chains into one ensemble (replica), or every point of a scan directory',
    )
    .argument('<inputs...>', 'chain ensembles (HDF5), or one scan directory');
  addOptions(command, mergeOptions).action(async function (this: Command, inputs: string[]) {
    const o = readOptions(this, mergeOptions);
    const scanMode =
      inputs.length === 1 && existsSync(inputs[0]) && statSync(inputs[0]).isDirectory();
    if (!scanMode) {
      if (o.output === undefined) {
        throw new UserError(
          'missing --output: the merged ensemble file (when merging chain files)',
        );
      }
      refuseExisting(o.output, o.force, '--output');
      const result = await mergeChains(inputs, o.output, { force: o.force });
      if (o.json) process.stdout.write(`${JSON.stringify(result)}\n`);
      else
        process.stderr.write(
          `merged ${result.chains.length} chains (${result.configurations} configurations) into ${result.output}\n`,
        );
      return;
    }
    const outputDir = o.output ?? join(inputs[0], 'merged');
    const summaryPath = join(outputDir, 'summary.json');
    refuseExisting(summaryPath, o.force, 'the summary');
    const { summary, files } = await mergeScan(inputs[0], outputDir, { force: o.force });
    await writeFileAtomic(summaryPath, [
      new TextEncoder().encode(`${JSON.stringify(summary, null, 2)}\n`),
    ]);
    if (o.json)
      process.stdout.write(`${JSON.stringify({ summary: summaryPath, files, ...summary })}\n`);
    else {
      process.stdout.write(`${summaryTable(summary)}\n`);
      process.stderr.write(`wrote ${files.length} merged ensembles and ${summaryPath}\n`);
    }
  });
}
