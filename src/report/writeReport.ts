/**
 * The job behind `lgt report`, `lgt generate --report` and `lgt train --report`: one
 * self-contained HTML page with, for each scan summary of `lgt merge`, a table of its points
 * and the plaquette against beta, for each ensemble, its histories, autocorrelations,
 * histograms, Gamma-method table and metadata, and for each model (and its baseline) the
 * learning curves, predicted-vs-true plots and error tables on the chosen configurations;
 * optionally every chart as an SVG file with its Vega-Lite specification. Written atomically;
 * existing files are replaced only with `force`.
 *
 * @module
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { writeFileAtomic } from '../core/atomicWrite.js';
import { FileError } from '../core/fileError.js';
import { packageVersion } from '../core/version.js';
import { openEnsemble } from '../io/ensembleReader.js';
import { openFlowFile } from '../io/flowFile.js';
import { flowStatistics, flowStatisticsJson } from '../flow/flowStatistics.js';
import { flowSection } from './flowSection.js';
import { Dataset } from '../lcnn/dataset.js';
import { evaluatePredictor, type Evaluation } from '../lcnn/evaluation.js';
import type { EnsembleModel } from '../lcnn/ensemble.js';
import { loadPredictor } from '../lcnn/modelLoader.js';
import { invarianceByEnsembleSize } from '../lcnn/ensembleSizes.js';
import { symmetryGroup } from '../lcnn/symmetry.js';
import { formatTarget, targetParity, type TargetSpec } from '../lcnn/targets.js';
import type { EpochMetrics } from '../lcnn/training/learner.js';
import type { BetaStatistics } from '../montecarlo/ensembleStatistics.js';
import { ensembleSection } from './ensembleSection.js';
import type { ScanSummary } from '../montecarlo/scanSummary.js';
import { scanSection } from './scanSection.js';
import { renderReport, type Section } from './htmlPage.js';
import {
  modelSection,
  PredictionSampler,
  type EnsembleSizeData,
  type ModelEvaluationData,
  type TrainedModelData,
} from './modelSection.js';

/** Configurations of the data whose moved copies the ensemble-size curve compares. */
const INVARIANCE_CONFIGURATIONS = 20;

/** Throws a FileError when `path` exists and may not be replaced. */
function refuseExisting(path: string, force: boolean): void {
  if (existsSync(path) && !force) {
    throw new FileError(
      `writeReport: ${path} already exists; pass { force: true } (lgt: --force) to replace it`,
    );
  }
}

/** Reads a scan summary written by `lgt merge`. */
function readScanSummary(path: string): ScanSummary {
  let data: ScanSummary;
  try {
    data = JSON.parse(readFileSync(path, 'utf8')) as ScanSummary;
  } catch (error) {
    throw new FileError(
      `writeReport: ${path}: cannot read the scan summary: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  if (data?.format !== 'lattice-gauge-scan-summary' || !Array.isArray(data.points)) {
    throw new FileError(
      `writeReport: ${path}: not a scan summary: expected the summary.json of lgt merge ` +
        `(format "lattice-gauge-scan-summary"), got format ${JSON.stringify(data?.format)}`,
    );
  }
  return data;
}

/** Configurations a model is evaluated on: ensemble files, all or some configurations. */
export interface EvaluationSet {
  /** Shown in the tables and chart titles. */
  label: string;
  /** The ensemble files (one lattice). */
  paths: string[];
  /** Which configurations (all when absent), given the loaded dataset. */
  indices?: (dataset: Dataset) => number[];
  /** A remark shown with the set. */
  note?: string;
}

/** A trained model to report on: its file and its training history. */
export interface ModelRun {
  /** Display name; default "L-CNN" or "baseline CNN" by the file's format. */
  name?: string;
  /** The model file. */
  file: string;
  /** Its metrics log; empty for a bare model file (then no learning curve is drawn). */
  history: EpochMetrics[];
}

/** One model section: a model (and its baseline) evaluated on the same sets. */
export interface ModelGroup {
  /** The section heading. */
  title: string;
  /** The model first, then the baseline when there is one. */
  runs: ModelRun[];
  /** Where to evaluate them. */
  sets: EvaluationSet[];
}

/** Everything a report is made of. */
export interface ReportJob {
  /** Ensemble files, one section each. */
  ensembles: string[];
  /** Scan summaries (`summary.json` of `lgt merge`), one section each. */
  scans?: string[];
  /** Flow files (lgt flow), one section each. */
  flows?: string[];
  /** The flow time of the charge histogram and chi of the flow sections (default: the last). */
  chargeTime?: number;
  /** Model sections. */
  models: ModelGroup[];
  /** Configurations of each beta to leave out of the ensemble sections (as measure --skip). */
  skip: number;
  /** The HTML file. */
  output: string;
  /** Also write every chart here as .svg and .vl.json. */
  svgDir?: string;
  /** Replace existing files. */
  force: boolean;
  /** The command line, shown on the page. */
  command: string;
}

/** What was written, and the numbers in the report's tables. */
export interface ReportSummary {
  /** The HTML file. */
  output: string;
  /** Files written under the --svg directory. */
  svg: string[];
  /** Number of charts. */
  charts: number;
  /** Per ensemble, the statistics of its table (as lgt measure --json). */
  ensembles: Array<{
    /** The ensemble file. */
    file: string;
    /** Its statistics per beta. */
    ensembles: BetaStatistics[];
  }>;
  /** The scan summaries drawn. */
  scans: string[];
  /** Per flow file, its analysis per beta (as lgt measure of a flow file). */
  flows: Array<{
    /** The flow file. */
    file: string;
    /** Its analysis per beta (as lgt measure --json of the flow file). */
    ensembles: Array<Record<string, unknown>>;
  }>;
  /** Per model, its evaluations (as lgt eval --json). */
  models: Array<{
    /** "L-CNN", "baseline CNN" or the run's name. */
    name: string;
    /** The model file. */
    file: string;
    /** The target it predicts. */
    target: string;
    /** Its errors on each set of configurations. */
    evaluations: Array<
      {
        /** The set's label. */
        label: string;
        /** The set's lattice extents. */
        lattice: number[];
      } & Evaluation
    >;
    /** For an ensemble of M >= 2 members: the invariance error and MSE of its first m members. */
    ensemble?: Omit<EnsembleSizeData, 'rows'> & {
      /** One entry per m = 1, 2, 4, ..., M. */
      invarianceByMembers: EnsembleSizeData['rows'];
    };
  }>;
}

/**
 * The number of weights in a model file (L-CNN: a list of numbers; an L-CNN ensemble: its
 * members' lists together; CNN: named tensors).
 */
function weightCount(file: string): number | undefined {
  const body = JSON.parse(readFileSync(file, 'utf8')) as {
    weights?: unknown;
    members?: Array<{ weights?: unknown }>;
  };
  if (Array.isArray(body.members)) {
    return body.members.reduce((n, m) => n + (Array.isArray(m.weights) ? m.weights.length : 0), 0);
  }
  if (!Array.isArray(body.weights)) return undefined;
  return body.weights.reduce(
    (n: number, w: unknown) =>
      n + (typeof w === 'number' ? 1 : ((w as { values?: unknown[] }).values?.length ?? 0)),
    0,
  );
}

async function modelData(
  run: ModelRun,
  sets: EvaluationSet[],
  datasets: Map<string, Dataset>,
): Promise<TrainedModelData> {
  const loaded = await loadPredictor(run.file);
  const { kind, info, predictor } = loaded;
  const target = formatTarget(info.target);
  const trainedOn = new Set(
    (Array.isArray(info.data) ? (info.data as unknown[]) : []).map((p) => resolve(String(p))),
  );
  const evaluations: ModelEvaluationData[] = [];
  for (const set of sets) {
    const key = `${set.paths.join('\n')}|${target}`;
    let dataset = datasets.get(key);
    if (dataset === undefined) {
      // streamed: a test lattice of 12x32^3 (100 MB per configuration) fits in memory too
      dataset = await Dataset.open(set.paths, info.target, {
        fn: 'writeReport',
        inMemory: false,
        cacheTargets: false,
        require: { N: loaded.N, D: loaded.D, by: `the model ${run.file}` },
      });
      datasets.set(key, dataset);
    }
    const d = dataset;
    const indices = set.indices?.(d) ?? Array.from({ length: d.size }, (_, i) => i);
    // evaluatePredictor (what lgt eval runs) predicts once; the sampler keeps the plot's points
    const sampler = new PredictionSampler(
      indices,
      (i) => d.beta[i],
      (i) => d.targetLength(i),
    );
    const evaluation = evaluatePredictor(predictor, d, indices, {
      onConfiguration: (i, p, t) => sampler.add(i, p, t),
    });
    const samples = sampler.rows();
    const note =
      set.note ??
      (set.paths.some((p) => trainedOn.has(resolve(p)))
        ? `the data ${run.file} was trained on: these errors include its training configurations`
        : undefined);
    evaluations.push({
      label: set.label,
      lattice: [...d.lattices[0].dims],
      ...(note !== undefined ? { note } : {}),
      evaluation,
      samples,
    });
  }
  const parameters = weightCount(run.file);
  const ensemble =
    loaded.ensemble !== undefined && loaded.ensemble.size >= 2
      ? ensembleSizeData(loaded.ensemble, sets, datasets, target, info.target)
      : undefined;
  return {
    name: run.name ?? (kind === 'cnn' ? 'baseline CNN' : 'L-CNN'),
    file: run.file,
    target,
    ...(parameters !== undefined ? { parameters } : {}),
    history: run.history,
    evaluations,
    ...(ensemble !== undefined ? { ensemble } : {}),
  };
}

/**
 * The invariance error and MSE of an ensemble's first m members (src/lcnn/ensembleSizes.ts) on
 * the first test set (the second set; the first, the report's ensemble, when there is no
 * other): the invariance error on its first {@link INVARIANCE_CONFIGURATIONS} configurations,
 * the MSE on all of it. The group is all rotations and reflections on a lattice with equal
 * extents, else the lattice's own point group (the elements that map it onto itself).
 */
function ensembleSizeData(
  model: EnsembleModel,
  sets: EvaluationSet[],
  datasets: Map<string, Dataset>,
  target: string,
  spec: TargetSpec,
): EnsembleSizeData {
  const set = sets[1] ?? sets[0];
  // opened by the evaluations just before; one ensemble file, one lattice
  const d = datasets.get(`${set.paths.join('\n')}|${target}`)!;
  const indices = set.indices?.(d) ?? Array.from({ length: d.size }, (_, i) => i);
  const { D, dims } = d.lattice;
  const group = dims.every((l) => l === dims[0])
    ? symmetryGroup(D, 'rotations+reflections')
    : symmetryGroup(D, 'lattice', dims);
  const count = Math.min(INVARIANCE_CONFIGURATIONS, indices.length);
  const rows = invarianceByEnsembleSize(model, d, {
    fields: indices.slice(0, count).map((i) => d.field(i)),
    indices,
    group,
    parity: targetParity(spec),
  });
  return {
    members: model.size,
    data: set.label,
    configurations: count,
    scored: indices.length,
    group: group.toString(),
    rows,
  };
}

/**
 * Builds and writes a report (HTML, and the charts under `svgDir`), atomically. Refuses to
 * replace existing files unless `force`.
 */
export async function writeReport(job: ReportJob): Promise<ReportSummary> {
  refuseExisting(job.output, job.force);
  const sections: Section[] = [];
  const summary: ReportSummary = {
    output: job.output,
    svg: [],
    charts: 0,
    ensembles: [],
    scans: [],
    flows: [],
    models: [],
  };
  for (const [k, path] of (job.scans ?? []).entries()) {
    sections.push(scanSection(readScanSummary(path), `scan${k + 1}`));
    summary.scans.push(path);
  }
  for (const [k, path] of job.ensembles.entries()) {
    const ensemble = await openEnsemble(path);
    try {
      const r = ensembleSection(ensemble, {
        skip: job.skip,
        prefix: job.ensembles.length > 1 ? `ensemble${k + 1}` : 'ensemble',
      });
      sections.push(r.section);
      summary.ensembles.push({ file: path, ensembles: r.statistics });
    } finally {
      ensemble.close();
    }
  }
  const flows = job.flows ?? [];
  for (const [k, path] of flows.entries()) {
    const file = await openFlowFile(path);
    const stats = flowStatistics(file, { skip: job.skip, chargeTime: job.chargeTime });
    sections.push(flowSection(file, stats, flows.length > 1 ? `flow${k + 1}` : 'flow'));
    summary.flows.push({ file: path, ensembles: stats.map((s) => flowStatisticsJson(s, true)) });
  }
  const datasets = new Map<string, Dataset>();
  for (const [k, group] of job.models.entries()) {
    const models: TrainedModelData[] = [];
    try {
      for (const run of group.runs) models.push(await modelData(run, group.sets, datasets));
    } finally {
      for (const d of datasets.values()) d.close();
      datasets.clear();
    }
    sections.push(modelSection(group.title, models, `model${k + 1}`));
    for (const m of models) {
      summary.models.push({
        name: m.name,
        file: m.file,
        target: m.target,
        evaluations: m.evaluations.map((e) => ({
          label: e.label,
          lattice: e.lattice,
          ...e.evaluation,
        })),
        ...(m.ensemble !== undefined
          ? {
              ensemble: {
                members: m.ensemble.members,
                data: m.ensemble.data,
                configurations: m.ensemble.configurations,
                scored: m.ensemble.scored,
                group: m.ensemble.group,
                invarianceByMembers: m.ensemble.rows,
              },
            }
          : {}),
      });
    }
  }
  const title = `lattice-gauge report: ${[...(job.scans ?? []), ...job.ensembles, ...flows].map((p) => basename(p)).join(', ')}`;
  const subtitle = `${job.command} · lattice-gauge ${packageVersion()} · ${new Date().toISOString()}`;
  const report = await renderReport(title, sections, subtitle);
  summary.charts = report.charts.length;

  if (job.svgDir !== undefined) {
    const files = report.charts.flatMap((c) => [
      { path: join(job.svgDir as string, `${c.name}.svg`), text: `${c.svg}\n` },
      {
        path: join(job.svgDir as string, `${c.name}.vl.json`),
        text: `${JSON.stringify(c.spec, null, 1)}\n`,
      },
    ]);
    for (const f of files) refuseExisting(f.path, job.force);
    mkdirSync(job.svgDir, { recursive: true });
    for (const f of files) {
      await writeFileAtomic(f.path, [new TextEncoder().encode(f.text)]);
      summary.svg.push(f.path);
    }
  }
  await writeFileAtomic(job.output, [new TextEncoder().encode(report.html)]);
  return summary;
}
