/**
 * `lgt eval MODEL DATA...`: a saved model's errors on any ensembles and lattice sizes, overall
 * and per beta, per value (MSE, R^2) and site-averaged (the L-CNN paper's metric).
 * `lgt predict MODEL DATA -o FILE`: its per-configuration predictions. Both read the data
 * configuration by configuration (src/lcnn/evaluation.ts): memory stays bounded by a few
 * configurations whatever the files' sizes.
 *
 * @module
 */
import { closeSync, openSync, renameSync, writeSync } from 'node:fs';
import type { Command } from 'commander';
import { Dataset } from '../../lcnn/dataset.js';
import { evaluateEnsemble } from '../../lcnn/ensembleEvaluation.js';
import { evaluatePredictor, type Evaluation } from '../../lcnn/evaluation.js';
import { invarianceError, type InvarianceError } from '../../lcnn/invariance.js';
import { checkModelTarget, loadPredictor, type LoadedPredictor } from '../../lcnn/modelLoader.js';
import { formatTarget, parseTarget, targetParity, type TargetSpec } from '../../lcnn/targets.js';
import { refuseExisting, UserError } from '../errors.js';
import { addOptions, forceOption, jsonOption, option, readOptions, rules } from '../optionTable.js';

const targetOption = option(
  '-t, --target <name>',
  "the target to score against (default: the model's); a per-site model also gets its site-averaged errors",
  rules.optional(
    rules.anyText('wilson:RxT[@MN|:clover], polyakov, charge, charge:plaquette or energy'),
  ),
);

/** The options of `lgt eval`. */
const evalOptions = {
  target: targetOption,
  invariance: option(
    '--invariance <n>',
    "also the invariance error over the point group's rotations and reflections: every moved copy of the first n configurations predicted, the largest deviation from their mean",
    rules.optional(rules.integer(1)),
  ),
  json: jsonOption(
    'print JSON: {"target", "lattices", "mse", "r2", "n", "siteAveraged", "perBeta": [...]}, with "ensemble": {"members", "spread", "memberMse"} for an ensemble and "invariance": {"max", "mean", "stdMax", "stdMean", "configurations", "elements"} with --invariance',
  ),
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
  target: targetOption,
  force: forceOption(),
  json: jsonOption(),
};

/**
 * The model and its data, checked before any configuration is read: the target fits the
 * model, every file holds the model's group and dimension and can compute the target.
 */
async function openModelData(
  fn: string,
  modelPath: string,
  data: string[],
  targetText: string | undefined,
): Promise<{ loaded: LoadedPredictor; target: TargetSpec; dataset: Dataset }> {
  const loaded = await loadPredictor(modelPath);
  let target = loaded.info.target;
  if (targetText !== undefined) {
    try {
      target = parseTarget(targetText);
    } catch {
      throw new UserError(
        `invalid --target ${JSON.stringify(targetText)}: expected ${targetOption.expected}`,
      );
    }
  }
  checkModelTarget(fn, modelPath, loaded, target);
  const dataset = await Dataset.open(data, target, {
    fn,
    inMemory: false,
    cacheTargets: false,
    require: { N: loaded.N, D: loaded.D, by: `the model ${modelPath}` },
  });
  return { loaded, target, dataset };
}

const fmt = (x: number, digits = 3): string => (Number.isNaN(x) ? 'NaN' : x.toExponential(digits));

/** Registers `lgt eval` and `lgt predict`. */
export function registerEvaluate(program: Command): void {
  const evaluation = program
    .command('eval')
    .description(
      "a trained model's errors on ensembles of any lattice size, per beta: per value and site-averaged",
    )
    .argument('<model>', 'model file from lgt train')
    .argument('<data...>', 'ensemble HDF5 file(s), one group and dimension (sizes may differ)');
  addOptions(evaluation, evalOptions).action(async function (
    this: Command,
    modelPath: string,
    data: string[],
  ) {
    const options = readOptions(this, evalOptions);
    const { loaded, target, dataset } = await openModelData(
      'lgt eval',
      modelPath,
      data,
      options.target,
    );
    try {
      let invariance: InvarianceError | undefined;
      if (options.invariance !== undefined) {
        if (loaded.model === undefined) {
          throw new UserError(
            `invalid --invariance with ${modelPath}: expected an L-CNN model file (the baseline CNN is not measured)`,
          );
        }
        const count = Math.min(options.invariance, dataset.size);
        try {
          invariance = invarianceError(
            loaded.model,
            Array.from({ length: count }, (_, i) => dataset.field(i)),
            { parity: targetParity(target) },
          );
        } catch (error) {
          throw new UserError(`invalid --invariance: ${(error as Error).message}`);
        }
      }
      const scored = loaded.ensemble && evaluateEnsemble(loaded.ensemble, dataset);
      const e = scored ? scored.mean : evaluatePredictor(loaded.predictor, dataset);
      const lattices = dataset.lattices.map((l) => [...l.dims]);
      const result = {
        model: modelPath,
        target: formatTarget(target),
        ...(lattices.length === 1 ? { lattice: lattices[0] } : {}),
        lattices,
        configurations: dataset.size,
        ...e,
        ...(scored
          ? {
              ensemble: {
                members: scored.members,
                spread: scored.spread,
                memberMse: scored.memberMse,
              },
            }
          : {}),
        ...(invariance
          ? {
              invariance: {
                max: invariance.max,
                mean: invariance.mean,
                stdMax: invariance.stdMax,
                stdMean: invariance.stdMean,
                configurations: invariance.configurations,
                elements: invariance.elements,
              },
            }
          : {}),
      };
      if (options.json) {
        process.stdout.write(`${JSON.stringify(result)}\n`);
        return;
      }
      const lines = [
        `model ${modelPath} (${result.target}) on ${dataset.lattices.join(', ')}, ${dataset.size} configurations`,
        `${'beta'.padEnd(10)}${'MSE'.padStart(12)}${'R^2'.padStart(12)}${'values'.padStart(10)}${'site-avg MSE'.padStart(14)}${'R^2'.padStart(12)}`,
      ];
      const row = (beta: string, m: (typeof e.perBeta)[number] | typeof e): string =>
        `${beta.padEnd(10)}${fmt(m.mse).padStart(12)}${m.r2.toFixed(6).padStart(12)}${String(m.n).padStart(10)}` +
        `${fmt(m.siteAveraged.mse).padStart(14)}${m.siteAveraged.r2.toFixed(6).padStart(12)}`;
      for (const b of e.perBeta) lines.push(row(String(b.beta), b));
      lines.push(row('all', e));
      if (scored) {
        lines.push(
          `ensemble of ${scored.members}: members' spread ${fmt(scored.spread)} (standard deviation over members, mean over values); member MSE ${scored.memberMse.map((m) => fmt(m)).join(', ')}`,
        );
      }
      if (invariance) {
        lines.push(
          `invariance error over ${invariance.elements} copies of ${invariance.configurations} configurations: largest deviation max ${fmt(invariance.max)}, mean ${fmt(invariance.mean)}; spread mean ${fmt(invariance.stdMean)}`,
        );
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    } finally {
      dataset.close();
    }
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
    refuseExisting(options.output, options.force, '--output');
    const { loaded, target, dataset } = await openModelData(
      'lgt predict',
      modelPath,
      [data],
      options.target,
    );
    // rows are written as they are predicted, into OUTPUT.partial, renamed at the end
    const partial = `${options.output}.partial`;
    const fd = openSync(partial, 'w');
    let rows = 0;
    let evaluation: Evaluation;
    try {
      writeSync(
        fd,
        `{"model":${JSON.stringify(modelPath)},"target":${JSON.stringify(formatTarget(target))},"configurations":[`,
      );
      const mean = (a: Float64Array): number => a.reduce((x, y) => x + y, 0) / a.length;
      evaluation = evaluatePredictor(loaded.predictor, dataset, undefined, {
        onConfiguration: (i, p, t) => {
          const row = options.perSite
            ? { index: i, beta: dataset.beta[i], prediction: Array.from(p), target: Array.from(t) }
            : { index: i, beta: dataset.beta[i], prediction: mean(p), target: mean(t) };
          writeSync(fd, `${rows > 0 ? ',' : ''}${JSON.stringify(row)}`);
          rows++;
        },
      });
      writeSync(fd, ']}\n');
    } finally {
      closeSync(fd);
      dataset.close();
    }
    renameSync(partial, options.output);
    // the errors of the rows just written, as lgt eval --json gives them for the same file
    const { mse, r2, n, siteAveraged } = evaluation;
    const summary = { output: options.output, configurations: rows, mse, r2, n, siteAveraged };
    process.stdout.write(
      options.json
        ? `${JSON.stringify(summary)}\n`
        : `wrote ${rows} predictions to ${options.output} (MSE ${fmt(mse)}, site-averaged MSE ${fmt(siteAveraged.mse)})\n`,
    );
  });
}
