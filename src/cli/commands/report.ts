/**
 * `lgt report ENSEMBLE.h5 [MODEL_DIR ...] -o report.html`: one self-contained HTML page with
 * the ensemble's histories, autocorrelations, histograms, Gamma-method table and metadata
 * (or, given the `summary.json` of a scan from `lgt merge`, the table of its points and the
 * plaquette against beta), and for each model directory the learning curves, predicted-vs-true
 * plots and error tables (on ENSEMBLE.h5 and every `--test` ensemble). A bare model file
 * (FILE.json, e.g. a per-seed model of `npm run reproduce:4d`) gives the same without the
 * learning curves, which need the metrics log. An ensemble model file (lgt train --ensemble M,
 * M >= 2) also gets the invariance error and MSE of its first m = 1, 2, 4, ..., M members, a
 * table and a log-log chart. `--svg DIR` also writes every chart as
 * `DIR/<name>.svg` with its Vega-Lite specification `DIR/<name>.vl.json`.
 *
 * The job itself is `writeReport` (src/report/writeReport.ts), which `lgt generate --report` and
 * `lgt train --report` run too.
 *
 * @module
 */
import type { Command } from 'commander';
import { readModelSource } from '../../report/modelDirectory.js';
import type { EvaluationSet, ModelGroup, ModelRun } from '../../report/writeReport.js';
import { isFlowFile } from '../../io/flowFile.js';
import { refuseExisting, UserError } from '../errors.js';
import { addOptions, forceOption, jsonOption, option, readOptions, rules } from '../optionTable.js';

/** The options of `lgt report`. */
const reportOptions = {
  output: option(
    '-o, --output <file>',
    'the HTML report (self-contained: opens offline)',
    rules.text('an HTML file name'),
    { required: true },
  ),
  test: option(
    '--test <files...>',
    'more ensembles to evaluate the models on (one per lattice size)',
    rules.optional(rules.texts('one or more ensemble HDF5 files')),
  ),
  svg: option(
    '--svg <dir>',
    'also write every chart as DIR/NAME.svg and DIR/NAME.vl.json (Vega-Lite)',
    rules.optional(rules.text('a directory')),
  ),
  skip: option(
    '--skip <n>',
    'discard the first n configurations of each beta (as lgt measure)',
    rules.integer(0),
    { default: '0' },
  ),
  flow: option(
    '--flow <files...>',
    'flow files of lgt flow to add: t^2 E(t), W(t), t0, w0 and the charge histogram',
    rules.optional(rules.texts('one or more flow files')),
  ),
  chargeTime: option(
    '--charge-time <t>',
    'flow files: the flow time of the charge histogram and chi (default: the last)',
    rules.optional(rules.number(0)),
  ),
  force: forceOption('replace existing output files'),
  json: jsonOption(
    'print JSON: the files written and the numbers of the tables (an ensemble model: models[i].ensemble.invarianceByMembers)',
  ),
};

/** Registers `lgt report`. */
export function registerReport(program: Command): void {
  const command = program
    .command('report')
    .description('an HTML report (charts and tables) of an ensemble and of trained models')
    .argument(
      '<ensemble>',
      'ensemble HDF5 file written by lgt generate, a flow file of lgt flow, or the summary.json of a scan (lgt merge)',
    )
    .argument(
      '[models...]',
      'model directories: model.json + metrics.jsonl (lgt train -o DIR/model.json --metrics ' +
        'DIR/metrics.jsonl), optionally cnn.json + cnn.metrics.jsonl for the baseline CNN; ' +
        'or bare model files (FILE.json: no learning curves)',
    );
  addOptions(command, reportOptions).action(async function (
    this: Command,
    ensemble: string,
    directories: string[],
  ) {
    const o = readOptions(this, reportOptions);
    const tests = o.test ?? [];
    refuseExisting(o.output, o.force, '--output');
    const isScan = ensemble.endsWith('.json');
    const sets: EvaluationSet[] = [ensemble, ...tests].map((p) => ({ label: p, paths: [p] }));
    const models: ModelGroup[] = directories.map((dir) => {
      const d = readModelSource(dir);
      const runs: ModelRun[] = [{ file: d.model.model, history: d.model.history }];
      if (d.baseline) runs.push({ file: d.baseline.model, history: d.baseline.history });
      return { title: `Model ${dir}`, runs, sets };
    });
    // the first file may be a flow file: its section then stands alone
    const isFlow = !isScan && (await isFlowFile(ensemble));
    const flows = [...(isFlow ? [ensemble] : []), ...(o.flow ?? [])];
    if (isFlow && directories.length > 0) {
      throw new UserError(
        `model directories ${directories.join(', ')} need an ensemble to be evaluated on, got the flow file ${ensemble}`,
      );
    }
    // loaded when run: vega takes half a second to import, which every lgt command would pay
    const { writeReport } = await import('../../report/writeReport.js');
    const summary = await writeReport({
      ensembles: isScan || isFlow ? [] : [ensemble],
      scans: isScan ? [ensemble] : [],
      flows,
      chargeTime: o.chargeTime,
      models,
      skip: o.skip,
      output: o.output,
      ...(o.svg !== undefined ? { svgDir: o.svg } : {}),
      force: o.force,
      command: ['lgt report', ensemble, ...directories].join(' '),
    });
    process.stdout.write(
      o.json
        ? `${JSON.stringify(summary)}\n`
        : `wrote ${summary.output} (${summary.charts} charts)` +
            (summary.svg.length > 0 ? ` and ${summary.svg.length} files under ${o.svg}` : '') +
            '\n',
    );
  });
}
