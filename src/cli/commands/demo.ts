/**
 * `lgt demo`: the main job end to end, in a few minutes.
 *
 * 1. Monte Carlo: 2D SU(2) ensembles at several beta on 8x8 and 16x16 (heatbath +
 *    overrelaxation, progress bars on stderr) into HDF5 files, measured with Gamma-method
 *    errors and compared with the exact 2D results.
 * 2. L-CNN: trained on the 8x8 ensemble to predict the per-site 2x2 Wilson loop, evaluated
 *    on the 16x16 ensemble it never saw.
 * 3. Symmetries: a random 4D configuration, its observables, and their invariance under a
 *    random gauge transformation and the lattice's rotations, reflections and translations.
 *
 * @module
 */
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { GaugeField } from '../../lattice/gaugeField.js';
import { gaugeTransform, randomGaugeTransformation } from '../../lattice/gaugeTransformation.js';
import { Lattice } from '../../lattice/lattice.js';
import { wilsonAction } from '../../lattice/observables/actionDensity.js';
import { averagePlaquette } from '../../lattice/observables/plaquette.js';
import { polyakovLoop } from '../../lattice/observables/polyakov.js';
import { topologicalCharge } from '../../lattice/observables/topologicalCharge.js';
import { averageWilsonLoop } from '../../lattice/observables/wilsonLoops.js';
import { reflection, rotation } from '../../lattice/pointGroup.js';
import { transformGaugeField, translateGaugeField } from '../../lattice/symmetryActions.js';
import { randomNearIdentity } from '../../sun/random.js';
import { Xoshiro128 } from '../../core/rng.js';
import {
  addOptions,
  jsonOption,
  option,
  progressOption,
  readOptions,
  rules,
} from '../optionTable.js';
import { runDemoPipeline, type DemoComparison, type DemoPipelineResult } from './demoEnsemble.js';

/** Options of `lgt demo`. */
export interface DemoOptions {
  group: number;
  dims: number[];
  seed: number;
  epsilon: number;
}

type Observables = Record<string, number>;

/** The observables the demo prints; Q only in 4D. */
function measure(field: GaugeField): Observables {
  const out: Observables = {
    plaquette: averagePlaquette(field),
    wilsonLoop1x2: averageWilsonLoop(field, 1, 2),
    wilsonLoop2x2: averageWilsonLoop(field, 2, 2),
    polyakovLoopRe: polyakovLoop(field).re,
    polyakovLoopIm: polyakovLoop(field).im,
    wilsonActionPerBeta: wilsonAction(field, 1),
  };
  if (field.lattice.D === 4) out.topologicalCharge = topologicalCharge(field);
  return out;
}

/** The demo's result: observables before and after each transformation. */
export interface DemoResult {
  group: string;
  dims: number[];
  seed: number;
  epsilon: number;
  observables: Observables;
  transformed: Record<string, Observables>;
  maxRelativeChange: Record<string, number>;
}

/** Runs the demo computation (no I/O). */
export function runDemo(options: DemoOptions): DemoResult {
  const { group: N, dims, seed, epsilon } = options;
  const lattice = new Lattice(dims);
  const rng = new Xoshiro128(seed);
  // A rough but ordered field: U = exp(i eps r.T) on every link, so that loops of every size
  // carry signal (a Haar-random field would give zeros everywhere).
  const field = new GaugeField(lattice, N);
  for (let k = 0; k < lattice.volume * lattice.D; k++) {
    randomNearIdentity(field.links, k * field.group.matrixSize, field.group, rng, epsilon);
  }
  const D = lattice.D;
  const variants: Record<string, GaugeField> = {
    'random gauge transformation': gaugeTransform(
      field,
      randomGaugeTransformation(lattice, N, rng),
    ),
    'translation by (1, 2, ...)': translateGaugeField(
      field,
      dims.map((_, mu) => mu + 1),
    ),
    'reflection of axis 0': transformGaugeField(field, reflection(D, 0)),
  };
  // A rotation that keeps the time axis: the Polyakov loop along time is invariant only then.
  if (D >= 3 && dims[0] === dims[1]) {
    variants['rotation in plane (0, 1)'] = transformGaugeField(field, rotation(D, 0, 1));
  }
  const observables = measure(field);
  const transformed: Record<string, Observables> = {};
  const maxRelativeChange: Record<string, number> = {};
  for (const [name, f] of Object.entries(variants)) {
    transformed[name] = measure(f);
    let worst = 0;
    for (const [key, value] of Object.entries(observables)) {
      let expected = value;
      // Q and Im P are odd under a reflection (of any axis, resp. of the time axis)
      if (name.startsWith('reflection') && key === 'topologicalCharge') expected = -value;
      const got = transformed[name][key];
      worst = Math.max(worst, Math.abs(got - expected) / Math.max(1, Math.abs(value)));
    }
    maxRelativeChange[name] = worst;
  }
  return { group: `SU(${N})`, dims, seed, epsilon, observables, transformed, maxRelativeChange };
}

function formatComparison(rows: DemoComparison[]): string {
  const lines = [
    'Monte Carlo: 2D SU(2) on 16x16, heatbath + overrelaxation, against the exact 2D results',
    `${'beta'.padEnd(6)}${'observable'.padEnd(18)}${'measured'.padStart(22)}${'exact'.padStart(14)}${'deviation'.padStart(12)}`,
  ];
  for (const r of rows) {
    const measured = `${r.mean.toFixed(5)} +- ${r.error.toFixed(5)}`;
    lines.push(
      `${String(r.beta).padEnd(6)}${r.observable.padEnd(18)}${measured.padStart(22)}${r.exact.toFixed(5).padStart(14)}${`${r.deviation.toFixed(1)} sigma`.padStart(12)}`,
    );
  }
  return lines.join('\n');
}

function formatLcnn(l: DemoPipelineResult['lcnn']): string {
  const lines = [
    `L-CNN ${l.architecture} (${l.parameters} weights) trained ${l.epochs} epochs on ${l.trainLattice.join('x')} to predict per-site ${l.target},`,
    `evaluated on ${l.testLattice.join('x')} configurations it never saw:`,
    `${'beta'.padEnd(6)}${'MSE'.padStart(12)}${'R^2'.padStart(12)}`,
  ];
  for (const b of l.test.perBeta) {
    lines.push(
      `${String(b.beta).padEnd(6)}${b.mse.toExponential(2).padStart(12)}${b.r2.toFixed(5).padStart(12)}`,
    );
  }
  lines.push(
    `${'all'.padEnd(6)}${l.test.mse.toExponential(2).padStart(12)}${l.test.r2.toFixed(5).padStart(12)}`,
  );
  return lines.join('\n');
}

function formatTable(result: DemoResult): string {
  const lines: string[] = [];
  lines.push(
    `lattice-gauge demo: ${result.group} on ${result.dims.join('x')}, seed ${result.seed}`,
  );
  lines.push(`random configuration: every link exp(i eps r.T), eps = ${result.epsilon}`);
  lines.push('');
  lines.push('observable              value');
  for (const [key, value] of Object.entries(result.observables)) {
    lines.push(`${key.padEnd(24)}${value.toFixed(12).padStart(18)}`);
  }
  lines.push('');
  lines.push('symmetry                          largest relative change');
  for (const [name, change] of Object.entries(result.maxRelativeChange)) {
    const verdict = change < 1e-12 ? 'invariant' : 'CHANGED';
    lines.push(`${name.padEnd(34)}${change.toExponential(2).padStart(10)}  ${verdict}`);
  }
  lines.push('');
  lines.push('(the topological charge is compared with its sign flipped under the reflection)');
  return lines.join('\n');
}

/** The options of `lgt demo`. */
const demoOptions = {
  group: option(
    '-g, --group <N>',
    'number of colours N of SU(N): 3, su3 or SU(3)',
    rules.colours(2, 16),
    {
      default: '3',
    },
  ),
  dims: option('-d, --dims <list>', 'lattice extents, comma-separated, time last', rules.dims(), {
    default: '8,8,8,8',
  }),
  seed: option('-s, --seed <int>', 'random seed', rules.integer(0), { default: '2026' }),
  epsilon: option(
    '-e, --epsilon <eps>',
    'roughness of the random links, in (0, 10]',
    rules.number(1e-6, 10),
    { default: '0.5' },
  ),
  configs: option(
    '-n, --configs <n>',
    'training configurations per beta (8x8)',
    rules.integer(10),
    {
      default: '150',
    },
  ),
  epochs: option('--epochs <n>', 'L-CNN training epochs', rules.integer(1), { default: '40' }),
  progress: progressOption(),
  json: jsonOption('print the result as JSON'),
};

/** Registers `lgt demo`. */
export function registerDemo(program: Command): void {
  const command = program
    .command('demo')
    .description(
      'generate ensembles, check them against exact results, train and test an L-CNN, check symmetries',
    );
  addOptions(command, demoOptions).action(async function (this: Command) {
    const raw = readOptions(this, demoOptions);
    const options: DemoOptions = {
      group: raw.group,
      dims: raw.dims,
      seed: raw.seed,
      epsilon: raw.epsilon,
    };
    const configurations = raw.configs;
    const epochs = raw.epochs;
    const bar = new SingleBar({
      format: '{stage} |{bar}| {percentage}% | ETA {eta_formatted}',
      stream: process.stderr,
      hideCursor: true,
    });
    let stage = '';
    const pipeline = await runDemoPipeline(
      {
        betas: [1, 2, 4],
        trainConfigurations: configurations,
        testConfigurations: Math.max(10, Math.round(configurations / 3)),
        epochs,
        seed: options.seed,
      },
      (name, done, total) => {
        if (raw.json || !raw.progress) return;
        if (name !== stage) {
          if (stage !== '') bar.stop();
          bar.start(total, done, { stage: name.padEnd(18) });
          stage = name;
        } else bar.update(done);
      },
    );
    if (stage !== '') bar.stop();
    const comparison = pipeline.comparison;
    const result = runDemo(options);
    process.stdout.write(
      raw.json
        ? `${JSON.stringify({ montecarlo: comparison, lcnn: pipeline.lcnn, symmetries: result }, null, 2)}\n`
        : `${formatComparison(comparison)}\n\n${formatLcnn(pipeline.lcnn)}\n\n${formatTable(result)}\n`,
    );
    // Exact properties decide the exit code; the Monte Carlo comparison is statistical (the
    // 4-sigma tests with enough statistics live in npm test and npm run validate).
    const broken = Object.values(result.maxRelativeChange).some((c) => !(c < 1e-12));
    if (broken) process.exitCode = 1;
  });
}
