/**
 * The report's section on trained models (an L-CNN and, when present, the baseline CNN
 * trained on the same data): training and validation loss per epoch on a log scale (when
 * there is a metrics log),
 * predicted against true values per beta, and the error table per test lattice size with
 * its per-beta breakdown.
 *
 * The error numbers are {@link Evaluation}s, the objects `lgt eval --json` prints; the
 * scatter plots show at most a fixed number of values per beta, spread evenly over the
 * configurations and sites (./decimate.ts), while the errors use every value.
 *
 * @module
 */
import { basename } from 'node:path';
import type { Evaluation } from '../lcnn/evaluation.js';
import type { EnsembleSizeRow } from '../lcnn/ensembleSizes.js';
import type { EpochMetrics } from '../lcnn/training/learner.js';
import { checkInteger } from '../core/validate.js';
import {
  ensembleSizeChart,
  lossChart,
  predictionChart,
  type EnsembleSizeChartRow,
  type LossRow,
  type PredictionRow,
} from './chartSpecs.js';
import { strideSample } from './decimate.js';
import type { Block, Section, TableCell } from './htmlPage.js';

/** A model's errors on one set of configurations (one lattice size). */
export interface ModelEvaluationData {
  /** What it was evaluated on (the ensemble file, or a split of it). */
  label: string;
  /** The lattice extents of that data. */
  lattice: number[];
  /** A remark shown with it (e.g. "includes the training configurations"). */
  note?: string;
  /** The errors, as `lgt eval --json` prints them. */
  evaluation: Evaluation;
  /** Values for the predicted-vs-true plot (see {@link predictionSamples}). */
  samples: PredictionRow[];
}

/**
 * An ensemble's invariance error and error against its size m (first m members), as
 * src/lcnn/ensembleSizes.ts measures them.
 */
export interface EnsembleSizeData {
  /** M, the members of the whole ensemble. */
  members: number;
  /** The data set's label: its first configurations are compared, all of it is scored. */
  data: string;
  /** Configurations whose moved copies are compared (the first ones of `data`). */
  configurations: number;
  /** Configurations the MSE is over (all of `data`). */
  scored: number;
  /** The group, e.g. "rotations+reflections in 2D (8 elements)". */
  group: string;
  /** One row per size m = 1, 2, 4, ..., M. */
  rows: EnsembleSizeRow[];
}

/** A trained model with its history and evaluations. */
export interface TrainedModelData {
  /** Display name, e.g. "L-CNN" or "baseline CNN". */
  name: string;
  /** The model file. */
  file: string;
  /** The learned target, as `formatTarget` writes it (e.g. "wilson:2x2"). */
  target: string;
  /** Trainable weights, when known. */
  parameters?: number;
  /** The metrics log, one entry per epoch. */
  history: EpochMetrics[];
  /** Its errors on each evaluation set. */
  evaluations: ModelEvaluationData[];
  /** For an ensemble of M >= 2 members: the invariance error against the ensemble size. */
  ensemble?: EnsembleSizeData;
}

/** Default for the largest number of scatter points of a plot (about 340 bytes of SVG each). */
const MAX_SCATTER_POINTS = 1500;

/**
 * A display sample of predictions: for each of the B betas, at most floor(maxPoints / B)
 * (at least one) (prediction, truth) pairs, spread evenly over that beta's values (the
 * per-site values of all its configurations).
 *
 * @param prediction - predictions of the configurations, `stride` values each.
 * @param target - the true values, laid out like `prediction`.
 * @param beta - the coupling of each configuration (length = values / stride).
 * @param stride - values per configuration (the number of sites, or 1).
 * @param maxPoints - the most pairs kept in all, an integer >= 1.
 * @throws RangeError when the lengths disagree or stride/maxPoints are not integers >= 1.
 */
export function predictionSamples(
  prediction: ArrayLike<number>,
  target: ArrayLike<number>,
  beta: ArrayLike<number>,
  stride: number,
  maxPoints = MAX_SCATTER_POINTS,
): PredictionRow[] {
  const fn = 'predictionSamples';
  checkInteger(fn, 'stride', stride, 1);
  checkInteger(fn, 'maxPoints', maxPoints, 1);
  const n = beta.length * stride;
  checkInteger(fn, 'prediction.length', prediction.length, n, n);
  checkInteger(fn, 'target.length', target.length, n, n);
  const byBeta = new Map<number, number[]>();
  for (let c = 0; c < beta.length; c++) {
    let list = byBeta.get(beta[c]);
    if (list === undefined) byBeta.set(beta[c], (list = []));
    list.push(c);
  }
  const rows: PredictionRow[] = [];
  const maxPerBeta = Math.max(1, Math.floor(maxPoints / byBeta.size));
  for (const b of [...byBeta.keys()].sort((x, y) => x - y)) {
    const configs = byBeta.get(b) ?? [];
    for (const k of strideSample(configs.length * stride, maxPerBeta)) {
      const i = configs[Math.floor(k / stride)] * stride + (k % stride);
      rows.push({ truth: target[i], predicted: prediction[i], beta: b });
    }
  }
  return rows;
}

/**
 * The sample of {@link predictionSamples}, collected while the configurations stream past
 * (src/lcnn/evaluation.ts `onConfiguration`), so that a large lattice never has all its
 * predictions in memory: the positions are chosen up front from the configurations' betas and
 * value counts, and the same as predictionSamples' for the same data.
 */
export class PredictionSampler {
  private readonly wanted = new Map<number, number[]>();
  private readonly rowsByBeta = new Map<number, PredictionRow[]>();
  private readonly betaOf = new Map<number, number>();

  /**
   * @param indices - the configurations, in the order they will be added.
   * @param beta - the coupling of configuration i.
   * @param length - the number of values of configuration i (its sites, or 1).
   * @param maxPoints - the most pairs kept in all, an integer >= 1.
   */
  constructor(
    indices: readonly number[],
    beta: (i: number) => number,
    length: (i: number) => number,
    maxPoints = MAX_SCATTER_POINTS,
  ) {
    checkInteger('PredictionSampler', 'maxPoints', maxPoints, 1);
    const byBeta = new Map<number, number[]>();
    for (const i of indices) {
      const b = beta(i);
      this.betaOf.set(i, b);
      let list = byBeta.get(b);
      if (list === undefined) byBeta.set(b, (list = []));
      list.push(i);
    }
    const maxPerBeta = Math.max(1, Math.floor(maxPoints / byBeta.size));
    for (const [b, configs] of byBeta) {
      this.rowsByBeta.set(b, []);
      const starts = [0];
      for (const i of configs) starts.push(starts.at(-1)! + length(i));
      let c = 0;
      for (const k of strideSample(starts.at(-1)!, maxPerBeta)) {
        while (starts[c + 1] <= k) c++;
        const sites = this.wanted.get(configs[c]) ?? [];
        sites.push(k - starts[c]);
        this.wanted.set(configs[c], sites);
      }
    }
  }

  /** Keeps the sampled values of configuration i. */
  add(i: number, prediction: ArrayLike<number>, target: ArrayLike<number>): void {
    const b = this.betaOf.get(i)!;
    for (const s of this.wanted.get(i) ?? []) {
      this.rowsByBeta.get(b)!.push({ truth: target[s], predicted: prediction[s], beta: b });
    }
  }

  /** The sample, in increasing beta. */
  rows(): PredictionRow[] {
    return [...this.rowsByBeta.keys()]
      .sort((x, y) => x - y)
      .flatMap((b) => this.rowsByBeta.get(b)!);
  }
}

/**
 * "wilson:2x2" -> "W(2×2)", "wilson:2x2:clover" -> "W(2×2) clover", "energy" -> "E(x)", with
 * "(lattice mean)" for the :mean targets.
 */
export function targetSymbol(target: string): string {
  const parts = target.split(':');
  const [kind, size] = parts;
  const suffix = parts.at(-1) === 'mean' ? ' (lattice mean)' : '';
  const clover = parts.includes('clover') && kind === 'wilson' ? ' clover' : '';
  if (kind === 'wilson' && size !== undefined) {
    return `W(${size.replace('x', '×')})${clover}${suffix}`;
  }
  if (kind === 'polyakov') return `Re tr L / N${suffix}`;
  if (kind === 'charge') return `q(x)${suffix}`;
  if (kind === 'energy') return `E(x)${suffix}`;
  return target;
}

function safe(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** The heading, text, table and log-log chart of an ensemble's invariance error against m. */
function ensembleSizeBlocks(model: TrainedModelData, e: EnsembleSizeData, prefix: string): Block[] {
  const blocks: Block[] = [
    { kind: 'heading', text: `${model.name}: invariance error against ensemble size` },
    {
      kind: 'text',
      text:
        `${model.name} is an ensemble of ${e.members} members. For m = ${e.rows.map((r) => r.members).join(', ')}, ` +
        'the mean prediction of its first m members: ' +
        `the invariance error under ${e.group} on the first ${e.configurations} configurations of ${e.data} ` +
        '(every moved copy predicted; per configuration the largest deviation from the mean over the copies, ' +
        'then its mean and maximum over the configurations; Gerken & Kessel, arXiv:2403.03103, predict that ' +
        'it falls with m for members trained with full data augmentation), and ' +
        `its mean squared error on all ${e.scored} configurations of ${e.data}.`,
    },
  ];
  const key = `${model.file}/ensemble`;
  blocks.push({
    kind: 'table',
    table: {
      caption: `Invariance error and MSE of the first m members' mean (${model.file})`,
      columns: ['members m', 'invariance error: mean', 'invariance error: max', 'MSE'],
      rows: e.rows.map((r) => [
        { text: String(r.members), value: r.members, key: `${key}/m=${r.members}` },
        r.mean === null
          ? '—'
          : { text: r.mean.toExponential(3), value: r.mean, key: `${key}/m=${r.members}/mean` },
        r.max === null
          ? '—'
          : { text: r.max.toExponential(3), value: r.max, key: `${key}/m=${r.members}/max` },
        { text: r.mse.toExponential(3), value: r.mse, key: `${key}/m=${r.members}/mse` },
      ]),
    },
  });
  // a log scale cannot show an error of exactly 0 (an exactly invariant mean)
  const points: EnsembleSizeChartRow[] = [];
  let dropped = 0;
  for (const r of e.rows) {
    for (const [measure, error] of [
      ['largest over configurations', r.max],
      ['mean over configurations', r.mean],
    ] as const) {
      if (error === null) continue;
      if (error > 0) points.push({ members: r.members, error, measure });
      else dropped++;
    }
  }
  blocks.push({
    kind: 'chart',
    name: `${prefix}-invariance-by-members`,
    spec: ensembleSizeChart(
      `${model.name}: invariance error of the mean of m members, ${e.group}`,
      points,
    ),
    caption:
      `Invariance error of the first m members' mean on ${e.configurations} configurations of ${e.data}, ` +
      'both axes logarithmic (a power law m^-a is a straight line).' +
      (dropped > 0 ? ` ${dropped} values of exactly 0 are not drawn on the log scale.` : ''),
  });
  return blocks;
}

/**
 * Builds the section of one model directory (or one training run).
 *
 * @param title - the section heading.
 * @param models - the model and, optionally, the baseline, with the same evaluation sets in
 *   the same order; a model with an empty history (a bare model file, no metrics log) has no
 *   learning curve, and without any history the section has no learning-curves chart.
 * @param prefix - prefix of the chart names, unique per section in a report.
 * @throws RangeError when there is no model or the models were evaluated on different sets.
 */
export function modelSection(title: string, models: TrainedModelData[], prefix: string): Section {
  const fn = 'modelSection';
  if (models.length === 0) throw new RangeError(`${fn}: invalid models: expected at least one`);
  for (const m of models) {
    const labels = m.evaluations.map((e) => e.label).join(', ');
    const first = models[0].evaluations.map((e) => e.label).join(', ');
    if (labels !== first) {
      throw new RangeError(
        `${fn}: invalid ${m.file}: expected evaluations on ${first}, got ${labels}`,
      );
    }
  }
  const blocks: Block[] = [];
  blocks.push({
    kind: 'text',
    text: models
      .map(
        (m) =>
          `${m.name}: ${m.file}, target ${m.target}` +
          (m.parameters !== undefined ? `, ${m.parameters} weights` : '') +
          (m.history.length > 0
            ? `, ${m.history.length} epochs`
            : ', no metrics log (a bare model file): no learning curves'),
      )
      .join('; '),
  });

  // Learning curves; a log scale cannot show a loss of exactly 0 (a perfect fit).
  const loss: LossRow[] = [];
  let dropped = 0;
  for (const m of models) {
    for (const e of m.history) {
      for (const [split, value] of [
        ['training', e.trainLoss],
        ['validation', e.validationLoss],
      ] as const) {
        if (value > 0) loss.push({ epoch: e.epoch, loss: value, model: m.name, split });
        else dropped++;
      }
    }
  }
  const trained = models.filter((m) => m.history.length > 0);
  // a bare model file has no metrics log: no curve for it, no chart without any
  if (trained.length > 0) {
    blocks.push({ kind: 'heading', text: 'Learning curves' });
    blocks.push({
      kind: 'chart',
      name: `${prefix}-loss`,
      spec: lossChart(
        `Training and validation loss: ${trained.map((m) => m.name).join(', ')}`,
        loss,
      ),
      caption:
        'Mean squared error per epoch: solid the training batches (weights changing during the epoch), ' +
        'dashed the validation split after the epoch.' +
        (dropped > 0 ? ` ${dropped} values of exactly 0 are not drawn on the log scale.` : ''),
    });
  }

  // Errors per evaluation set (lattice size), then per beta.
  const columns = ['data', 'lattice'];
  for (const m of models) columns.push(`${m.name} MSE`, `${m.name} R²`, `${m.name} values`);
  const rows: TableCell[][] = models[0].evaluations.map((first, k) => {
    const row: TableCell[] = [first.label, first.lattice.join('×')];
    for (const m of models) {
      const e = m.evaluations[k].evaluation;
      const key = `${m.file}@${first.label}`;
      row.push(
        { text: e.mse.toExponential(3), value: e.mse, key: `${key}/mse` },
        { text: e.r2.toFixed(6), value: e.r2, key: `${key}/r2` },
        { text: String(e.n), value: e.n, key: `${key}/n` },
      );
    }
    return row;
  });
  blocks.push({ kind: 'heading', text: 'Errors per test lattice' });
  blocks.push({
    kind: 'table',
    table: {
      caption: 'Mean squared error and R² per test lattice (lgt eval --json)',
      columns,
      rows,
    },
  });
  for (const e of models[0].evaluations) {
    if (e.note) blocks.push({ kind: 'text', text: `${e.label}: ${e.note}` });
  }

  models.forEach((m, i) => {
    if (m.ensemble)
      blocks.push(
        ...ensembleSizeBlocks(m, m.ensemble, `${prefix}-${i === 0 ? 'model' : 'baseline'}`),
      );
  });

  models[0].evaluations.forEach((first, k) => {
    const perBetaColumns = ['β'];
    for (const m of models)
      perBetaColumns.push(`${m.name} MSE`, `${m.name} R²`, `${m.name} values`);
    const perBetaRows: TableCell[][] = first.evaluation.perBeta.map((b, j) => {
      const row: TableCell[] = [{ text: String(b.beta), value: b.beta, key: `beta=${b.beta}` }];
      for (const m of models) {
        const pb = m.evaluations[k].evaluation.perBeta[j];
        const key = `${m.file}@${first.label}/beta=${pb.beta}`;
        row.push(
          { text: pb.mse.toExponential(3), value: pb.mse, key: `${key}/mse` },
          { text: pb.r2.toFixed(6), value: pb.r2, key: `${key}/r2` },
          { text: String(pb.n), value: pb.n, key: `${key}/n` },
        );
      }
      return row;
    });
    blocks.push({ kind: 'heading', text: `${first.label} (${first.lattice.join('×')})` });
    blocks.push({
      kind: 'table',
      table: {
        caption: `Errors per β on ${first.label}`,
        columns: perBetaColumns,
        rows: perBetaRows,
      },
    });
    models.forEach((m, i) => {
      const symbol = targetSymbol(m.target);
      blocks.push({
        kind: 'chart',
        name: `${prefix}-${i === 0 ? 'model' : 'baseline'}-prediction-${k + 1}-${safe(basename(first.label))}`,
        spec: predictionChart(
          `${m.name}: predicted against true ${symbol} on ${first.lattice.join('×')}`,
          symbol,
          m.evaluations[k].samples,
        ),
        caption:
          `${m.name} (${m.file}) on ${first.label}, coloured by β; dashed: predicted = true. ` +
          `${m.evaluations[k].samples.length} of the ${m.evaluations[k].evaluation.n} values are drawn, ` +
          'spread evenly over the configurations and sites of each β; the errors use all of them.',
      });
    });
  });
  return { title, blocks };
}
