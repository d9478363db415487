/** Shared fixtures for the tests: seeded random fields and comparisons. */
import { GaugeField } from '../src/lattice/gaugeField.js';
import { Lattice } from '../src/lattice/lattice.js';
import { randomNearIdentity } from '../src/sun/random.js';
import { Xoshiro128 } from '../src/core/rng.js';
import type { RunSpec } from '../src/montecarlo/generate.js';
import { EnsembleWriter } from '../src/io/ensembleWriter.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

/**
 * A random gauge field with links exp(i eps r.T): eps ~ 0.5 gives a rough but not
 * fully disordered field, whose loops of every size have non-trivial values.
 */
export function roughField(dims: number[], N: number, seed: number, epsilon = 0.7): GaugeField {
  const lattice = new Lattice(dims);
  const field = new GaugeField(lattice, N);
  const rng = new Xoshiro128(seed);
  const m = field.group.matrixSize;
  for (let k = 0; k < lattice.volume * lattice.D; k++) {
    randomNearIdentity(field.links, k * m, field.group, rng, epsilon);
  }
  return field;
}

/** |a - b| relative to max(1, |a|, |b|). */
export function relativeDifference(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1, Math.abs(a), Math.abs(b));
}

/** Largest element-wise |a - b| of two arrays of equal length. */
export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

/**
 * A small Monte Carlo run for tests of files and resumption: SU(2) on 4^4 from a hot start,
 * heatbath with 2 overrelaxation sweeps, two betas, three configurations each, every
 * measurement. Tests override what they are about.
 */
export function testRunSpec(overrides: Partial<RunSpec> = {}): RunSpec {
  return {
    N: 2,
    dims: [4, 4, 4, 4],
    betas: [2.2, 2.5],
    algorithm: { kind: 'heatbath', overrelaxation: 2 },
    thermalization: 3,
    separation: 2,
    configurations: 3,
    seed: 77,
    start: 'hot',
    reunitarizeEvery: 2,
    measurements: { wilsonLoops: 2, polyakovLoop: true, topologicalCharge: true },
    ...overrides,
  };
}

/**
 * A 2D SU(2) ensemble for L-CNN tests: L x L at beta 1.5 and 3, heatbath with one
 * overrelaxation sweep from a cold start, `configurations` per beta.
 */
export function twoDimensionalSpec(
  L: number,
  configurations: number,
  seed: number,
  overrides: Partial<RunSpec> = {},
): RunSpec {
  return testRunSpec({
    dims: [L, L],
    betas: [1.5, 3],
    algorithm: { kind: 'heatbath', overrelaxation: 1 },
    thermalization: 10,
    configurations,
    seed,
    start: 'cold',
    reunitarizeEvery: 10,
    measurements: { wilsonLoops: 2, polyakovLoop: true, topologicalCharge: false },
    ...overrides,
  });
}

/**
 * An SU(2) field U = diag(e^{i a}, e^{-i a}) with a constant abelian field strength: in the
 * plane (mu, nu) every plaquette has angle f = 2 pi n / (L_mu L_nu) (flux n through the torus),
 * via U_nu(x) = e^{i f x_mu} and, on the last slice x_mu = L_mu - 1, U_mu(x) = e^{-i f L_mu x_nu}.
 */
export function abelianFluxField(dims: number[], flux: Record<string, number>): GaugeField {
  const lattice = new Lattice(dims);
  const field = GaugeField.cold(lattice, 2);
  const angles = new Float64Array(lattice.volume * lattice.D);
  const x = new Array<number>(lattice.D);
  for (const [key, n] of Object.entries(flux)) {
    const [mu, nu] = key.split(',').map(Number);
    const f = (2 * Math.PI * n) / (dims[mu] * dims[nu]);
    for (let site = 0; site < lattice.volume; site++) {
      lattice.coordinates(site, x);
      angles[site * lattice.D + nu] += f * x[mu];
      if (x[mu] === dims[mu] - 1) angles[site * lattice.D + mu] -= f * dims[mu] * x[nu];
    }
  }
  for (let k = 0; k < angles.length; k++) {
    const o = k * 8;
    field.links[o] = Math.cos(angles[k]);
    field.links[o + 1] = Math.sin(angles[k]);
    field.links[o + 6] = Math.cos(angles[k]);
    field.links[o + 7] = -Math.sin(angles[k]);
  }
  return field;
}

/**
 * Writes an SU(2) ensemble file of `count` rough fields on `dims` (roughField with seeds
 * seed, seed + 1, ... and `epsilon(k)`), beta alternating 1 and 2, sweep k, for the CLI tests
 * that train on files.
 */
export async function writeRoughEnsemble(
  path: string,
  dims: number[],
  count: number,
  options: {
    seed: number;
    epsilon: (k: number) => number;
    observables?: (k: number) => Record<string, number>;
  },
): Promise<string> {
  const writer = await EnsembleWriter.create(path, { N: 2, dims, note: 'rough fields' });
  for (let k = 0; k < count; k++) {
    const links = roughField(dims, 2, options.seed + k, options.epsilon(k)).links;
    writer.append({
      links,
      beta: [1, 2][k % 2],
      sweep: k,
      observables: options.observables?.(k) ?? {},
    });
  }
  await writer.finalize();
  return path;
}

/**
 * For a CLI test file: a temporary directory, removed after the file's tests, and in it
 * `rough-6x6.h5`, 24 rough 6x6 SU(2) configurations written before them
 * ({@link writeRoughEnsemble} with `options`).
 */
export function roughEnsembleFixture(
  prefix: string,
  options: { seed: number; epsilon: (k: number) => number },
): { dir: string; data: string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const data = join(dir, 'rough-6x6.h5');
  beforeAll(() => writeRoughEnsemble(data, [6, 6], 24, options));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return { dir, data };
}

/**
 * `lgt train` arguments for the L-CNN `architecture` learning `target` from `data` into
 * `output`, batch 4, no progress bar; `extra` adds the epochs and the options under test.
 */
export function lgtTrainArgs(
  data: string,
  output: string,
  target: string,
  architecture: string,
  ...extra: string[]
): string[] {
  return [
    'train',
    '--data',
    data,
    '-o',
    output,
    '--target',
    target,
    '--architecture',
    architecture,
    '--batch-size',
    '4',
    '--no-progress',
    ...extra,
  ];
}

/**
 * The model of the CLI tests of ensembles: W(1x1) averaged over the sites of a configuration
 * (a per-configuration target), one L-CB layer and a final mean; spread into
 * {@link lgtTrainArgs}.
 */
export const MEAN_W11_MODEL = ['wilson:1x1:mean', 'lcb:2:1,trace,dense:1,mean'] as const;

/**
 * The CLI training tests' model: one L-CB layer (`lcb:2:1,trace,dense:1`) learning W(1x2),
 * which it represents exactly, with no early stopping ({@link lgtTrainArgs}).
 */
export function w12TrainArgs(data: string, output: string, ...extra: string[]): string[] {
  return lgtTrainArgs(
    data,
    output,
    'wilson:1x2',
    'lcb:2:1,trace,dense:1',
    '--patience',
    '0',
    ...extra,
  );
}

/** A JSON file (a model file, a summary) read as the type the test expects. */
export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}
