/**
 * `lgt eval MODEL DATA...`: a saved model's MSE and R^2 on any ensemble and lattice size,
 * overall and per beta. `lgt predict MODEL DATA -o FILE`: its per-configuration predictions.
 *
 * @module
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { evaluatePredictor } from '../../lcnn/evaluation.js';
import { loadDataset } from '../../lcnn/dataset.js';
import { loadPredictor } from '../../lcnn/modelLoader.js';
import { formatTarget } from '../../lcnn/targets.js';
import { UserError } from '../errors.js';
import { addOptions, forceOption, jsonOption, option, readOptions, rules } from '../optionTable.js';
import { existsSync } from 'node:fs';

/** The options of `lgt eval`. */
const evalOptions = {
  json: jsonOption('print JSON: {"target", "lattice", "mse", "r2", "n", "perBeta": [...]}'),
};

/** The options of `lgt predict`. */
const predictOptions = {
  output: option(
    '-o, --output <file>',
    'JSON output: per configuration, beta, prediction, target',
    rules.text(),
    { required: true },
  ),
  perSite: option('--per-site', 'write per-site values instead of site averages', rules.flag(), {
    default: false,
  }),
  force: forceOption(),
  json: jsonOption(),
};

/** Registers `lgt eval` and `lgt predict`. */
export function registerEvaluate(program: Command): void {
  const evaluation = program
    .command('eval')
    .description("a trained model's errors on ensembles of any lattice size, per beta")
    .argument('<model>', 'model file from lgt train')
    .argument('<data...>', 'ensemble HDF5 file(s) on one lattice');
  addOptions(evaluation, evalOptions).action(async function (
    this: Command,
    modelPath: string,
    data: string[],
  ) {
    const options = readOptions(this, evalOptions);
    const { info, predictor } = await loadPredictor(modelPath);
    const dataset = await loadDataset(data, info.target);
    const e = evaluatePredictor(predictor, dataset);
    const result = {
      model: modelPath,
      target: formatTarget(info.target),
      lattice: [...dataset.lattice.dims],
      ...e,
    };
    if (options.json) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return;
    }
    const lines = [
      `model ${modelPath} (${result.target}) on ${dataset.lattice}, ${dataset.size} configurations`,
      `${'beta'.padEnd(10)}${'MSE'.padStart(14)}${'R^2'.padStart(12)}${'values'.padStart(10)}`,
    ];
    for (const b of e.perBeta) {
      lines.push(
        `${String(b.beta).padEnd(10)}${b.mse.toExponential(3).padStart(14)}${b.r2.toFixed(6).padStart(12)}${String(b.n).padStart(10)}`,
      );
    }
    lines.push(
      `${'all'.padEnd(10)}${e.mse.toExponential(3).padStart(14)}${e.r2.toFixed(6).padStart(12)}${String(e.n).padStart(10)}`,
    );
    process.stdout.write(`${lines.join('\n')}\n`);
  });

  const prediction = program
    .command('predict')
    .description("a trained model's predictions for every configuration of an ensemble (JSON)")
    .argument('<model>', 'model file from lgt train')
    .argument('<data>', 'ensemble HDF5 file');
  addOptions(prediction, predictOptions).action(async function (
    this: Command,
    modelPath: string,
    data: string,
  ) {
    const options = readOptions(this, predictOptions);
    if (existsSync(options.output) && !options.force) {
      throw new UserError(`${options.output} already exists; use --force to replace it`);
    }
    const { info, predictor } = await loadPredictor(modelPath);
    const dataset = await loadDataset([data], info.target);
    const indices = Array.from({ length: dataset.size }, (_, i) => i);
    const prediction = predictor(dataset, indices);
    const s = dataset.targetStride;
    const rows = indices.map((i) => {
      const p = prediction.subarray(i * s, (i + 1) * s);
      const t = dataset.targets.subarray(i * s, (i + 1) * s);
      const mean = (a: Float64Array) => a.reduce((x, y) => x + y, 0) / a.length;
      return options.perSite
        ? { index: i, beta: dataset.beta[i], prediction: Array.from(p), target: Array.from(t) }
        : { index: i, beta: dataset.beta[i], prediction: mean(p), target: mean(t) };
    });
    writeFileSync(
      options.output,
      `${JSON.stringify({ model: modelPath, target: formatTarget(info.target), configurations: rows })}\n`,
    );
    const summary = { output: options.output, configurations: rows.length };
    process.stdout.write(
      options.json
        ? `${JSON.stringify(summary)}\n`
        : `wrote ${rows.length} predictions to ${options.output}\n`,
    );
  });
}
