/**
 * A small timing harness for side-by-side comparisons in one process.
 *
 * Every competitor is a {@link Variant}: a function that performs `n` repetitions of a batch
 * of `opsPerCall` operations and returns a checksum computed from its outputs. The harness
 *
 * 1. warms every variant up (so that V8 has optimised it) and sizes its `n` so that one
 *    sample takes about `sampleMs`;
 * 2. takes `rounds` samples of every variant, interleaved round-robin and with the starting
 *    variant rotated each round, so that drift of the machine (frequency, other load, GC)
 *    hits all variants alike;
 * 3. reports the median ns per operation of each variant, its spread, and its ratio to the
 *    reference variant (the first one, "ours").
 *
 * The checksums are summed into a sink that the caller prints, so that no work can be
 * eliminated as dead code.
 *
 * @module
 */
import { performance } from 'node:perf_hooks';

/** One competitor of a comparison. */
export interface Variant {
  /** A short label for the table. */
  readonly name: string;
  /** Operations performed by one `run(1)`; ns/op is time / (n * opsPerCall). */
  readonly opsPerCall: number;
  /** Performs n batches; returns a checksum of the outputs (consumed by the harness). */
  run(n: number): number;
  /** Excluded from "fastest alternative" (e.g. mathjs, or a baseline on another lattice). */
  readonly notAlternative?: boolean;
  /** A note printed beside the row. */
  readonly note?: string;
  /**
   * The variant whose time this row is divided by in the ratio column (default: the first
   * variant of the comparison).
   */
  readonly ratioTo?: string;
}

/** Settings of one comparison. */
export interface TimingOptions {
  /** Interleaved rounds; the median is taken over them. */
  rounds: number;
  /** Target duration of one sample, in milliseconds. */
  sampleMs: number;
  /** Warm-up time per variant, in milliseconds. */
  warmupMs: number;
}

/** The measured result of one variant. */
export interface VariantResult {
  name: string;
  /** Median ns per operation over the rounds. */
  nsPerOp: number;
  /** Smallest ns per operation over the rounds. */
  minNsPerOp: number;
  /** Interquartile range of ns per operation, relative to the median. */
  relativeIqr: number;
  /** This variant's median divided by the median of its reference (the first variant). */
  ratio: number;
  /** The name of the variant the ratio refers to. */
  ratioTo: string;
  /** Repetitions per sample and samples taken. */
  repetitionsPerSample: number;
  samples: number;
  /** Every sample's ns per operation, in the order taken. */
  samplesNs: number[];
  notAlternative: boolean;
  note?: string;
}

/** The measured result of one comparison. */
export interface ComparisonResult {
  title: string;
  variants: VariantResult[];
}

let sink = 0;

/** The sum of all checksums seen so far (print it so that the work cannot be elided). */
export function checksum(): number {
  return sink;
}

function now(): number {
  return performance.now();
}

function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Times one sample of n batches; returns milliseconds. */
function sample(v: Variant, n: number): number {
  const t0 = now();
  const c = v.run(n);
  const t1 = now();
  sink += Number.isFinite(c) ? c : 0;
  return t1 - t0;
}

/** Warms a variant up and returns the n that makes one sample last about `sampleMs`. */
function calibrate(v: Variant, opts: TimingOptions): number {
  let n = 1;
  let spent = 0;
  let ms = sample(v, n);
  spent += ms;
  // Grow n until one sample is long enough to time, keep sampling until warmed up.
  while (ms < opts.sampleMs / 4 && spent < opts.warmupMs * 4) {
    n *= 2;
    ms = sample(v, n);
    spent += ms;
  }
  while (spent < opts.warmupMs) {
    ms = sample(v, n);
    spent += ms;
  }
  // Resize on the warm timing.
  const perBatch = Math.max(ms / n, 1e-6);
  return Math.max(1, Math.round(opts.sampleMs / perBatch));
}

/**
 * Measures the variants side by side: warm-up, then `rounds` interleaved samples each.
 * The first variant is the reference of the ratio column unless a variant names another.
 */
export function compare(
  title: string,
  variants: readonly Variant[],
  opts: TimingOptions,
): ComparisonResult {
  const reps = variants.map((v) => calibrate(v, opts));
  const times: number[][] = variants.map(() => []);
  for (let r = 0; r < opts.rounds; r++) {
    for (let j = 0; j < variants.length; j++) {
      const k = (j + r) % variants.length;
      const v = variants[k];
      times[k].push((sample(v, reps[k]) * 1e6) / (reps[k] * v.opsPerCall));
    }
  }
  return summarize(title, variants, times, reps);
}

/**
 * A competitor that takes one sample at a time and may time itself: an asynchronous sweep on
 * worker threads, or a sweep in another process that reports its own duration. For samples
 * long enough (tens of ms and more) that no repetition count needs calibrating.
 */
export interface TimedVariant {
  readonly name: string;
  /** Operations performed by one sample. */
  readonly opsPerCall: number;
  /** Takes one sample; resolves to its duration in milliseconds. */
  sample(): Promise<number>;
  readonly notAlternative?: boolean;
  readonly note?: string;
  readonly ratioTo?: string;
}

/**
 * {@link compare} for {@link TimedVariant}s: `warmup` untimed samples of each, then `rounds`
 * rounds of one sample each, interleaved round-robin with the starting variant rotated every
 * round.
 */
export async function compareTimed(
  title: string,
  variants: readonly TimedVariant[],
  rounds: number,
  warmup: number,
): Promise<ComparisonResult> {
  for (let w = 0; w < warmup; w++) for (const v of variants) await v.sample();
  const times: number[][] = variants.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let j = 0; j < variants.length; j++) {
      const k = (j + r) % variants.length;
      const v = variants[k];
      times[k].push(((await v.sample()) * 1e6) / v.opsPerCall);
    }
  }
  return summarize(
    title,
    variants,
    times,
    variants.map(() => 1),
  );
}

/** Medians, spreads and ratios of the samples (ns per operation) of each variant. */
function summarize(
  title: string,
  variants: ReadonlyArray<Pick<Variant, 'name' | 'notAlternative' | 'note' | 'ratioTo'>>,
  times: number[][],
  reps: readonly number[],
): ComparisonResult {
  const medians = times.map((t) =>
    quantile(
      [...t].sort((x, y) => x - y),
      0.5,
    ),
  );
  const byName = new Map(variants.map((v, k) => [v.name, medians[k]]));
  const results = variants.map((v, k): VariantResult => {
    const sorted = [...times[k]].sort((x, y) => x - y);
    const med = medians[k];
    const ratioTo = v.ratioTo ?? variants[0].name;
    const ref = byName.get(ratioTo);
    if (ref === undefined) throw new Error(`${title}: no variant named ${ratioTo}`);
    return {
      name: v.name,
      nsPerOp: med,
      minNsPerOp: sorted[0],
      relativeIqr: (quantile(sorted, 0.75) - quantile(sorted, 0.25)) / med,
      ratio: med / ref,
      ratioTo,
      repetitionsPerSample: reps[k],
      samples: sorted.length,
      samplesNs: times[k],
      notAlternative: v.notAlternative === true,
      ...(v.note === undefined ? {} : { note: v.note }),
    };
  });
  return { title, variants: results };
}

/** Formats ns with three significant digits (or as an integer above 1000). */
export function formatNs(ns: number): string {
  if (ns >= 1000) return Math.round(ns).toLocaleString('en-US');
  if (ns >= 100) return ns.toFixed(0);
  if (ns >= 10) return ns.toFixed(1);
  return ns.toFixed(2);
}

/** Formats a ratio as e.g. "1.00x", "3.42x", "812x". */
export function formatRatio(r: number): string {
  if (r >= 100) return `${Math.round(r).toLocaleString('en-US')}x`;
  if (r >= 10) return `${r.toFixed(1)}x`;
  return `${r.toFixed(2)}x`;
}

/** Renders a comparison as a Markdown table (readable on a terminal as well). */
export function renderTable(c: ComparisonResult): string {
  const rows = c.variants.map((v) => [
    v.name,
    formatNs(v.nsPerOp),
    formatNs(v.minNsPerOp),
    `${formatRatio(v.ratio)}${v.ratioTo === c.variants[0].name ? '' : ` (vs ${v.ratioTo})`}`,
    `${(100 * v.relativeIqr).toFixed(0)}%`,
    v.note ?? '',
  ]);
  const header = ['variant', 'ns/op (median)', 'min', 'time / ours', 'IQR', 'note'];
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((s, j) => (j >= 1 && j <= 4 ? s.padStart(widths[j]) : s.padEnd(widths[j]))).join(' | ')} |`;
  const rule = `|${widths.map((w, j) => (j >= 1 && j <= 4 ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [`### ${c.title}`, '', line(header), rule, ...rows.map(line)].join('\n');
}
