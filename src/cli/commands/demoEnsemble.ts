/**
 * The pipeline stages of `lgt demo`: 2D SU(2) ensembles at several beta on 8x8 (training)
 * and 16x16 (testing), measured and compared with the exact 2D results, then an L-CNN
 * trained on 8x8 to predict the per-site 2x2 Wilson loop and evaluated on 16x16.
 *
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEnsemble } from '../../io/ensembleReader.js';
import { evaluateModel, type Evaluation } from '../../lcnn/evaluation.js';
import { loadDataset } from '../../lcnn/dataset.js';
import { parseArchitecture } from '../../lcnn/architecture.js';
import { runTrainJob } from '../../lcnn/training/job.js';
import { loadModel } from '../../lcnn/modelFile.js';
import type { EpochMetrics } from '../../lcnn/training/learner.js';
import { parseTarget } from '../../lcnn/targets.js';
import { ensembleStatistics } from '../../montecarlo/ensembleStatistics.js';
import { exactPlaquette2d } from '../../montecarlo/exact2d.js';
import { generateEnsemble, type RunProgress, type RunSpec } from '../../montecarlo/generate.js';

/** One row of the comparison: measured mean +- error against the exact value. */
export interface DemoComparison {
  beta: number;
  observable: string;
  mean: number;
  error: number;
  tauInt: number;
  exact: number;
  /** |mean - exact| / error. */
  deviation: number;
}

/** What the pipeline reports. */
export interface DemoPipelineResult {
  comparison: DemoComparison[];
  lcnn: {
    architecture: string;
    target: string;
    parameters: number;
    epochs: number;
    trainLattice: number[];
    testLattice: number[];
    test: Evaluation;
  };
}

/** Sizes of the demo (small enough for a few minutes on 2 cores). */
export interface DemoSizes {
  betas: number[];
  trainConfigurations: number;
  testConfigurations: number;
  epochs: number;
  seed: number;
}

function spec(L: number, configurations: number, sizes: DemoSizes, seed: number): RunSpec {
  return {
    N: 2,
    dims: [L, L],
    betas: sizes.betas,
    algorithm: { kind: 'heatbath', overrelaxation: 1 },
    thermalization: 50,
    separation: 4,
    configurations,
    seed,
    start: 'cold',
    reunitarizeEvery: 10,
    measurements: { wilsonLoops: 2, polyakovLoop: false, topologicalCharge: false },
  };
}

/** Runs the demo pipeline in a temporary directory (removed afterwards). */
export async function runDemoPipeline(
  sizes: DemoSizes,
  onProgress?: (stage: string, done: number, total: number) => void,
): Promise<DemoPipelineResult> {
  const dir = mkdtempSync(join(tmpdir(), 'lgt-demo-'));
  const train = join(dir, 'su2-8x8.h5');
  const test = join(dir, 'su2-16x16.h5');
  const progress = (stage: string) => (p: RunProgress) => onProgress?.(stage, p.done, p.total);
  try {
    await generateEnsemble(spec(8, sizes.trainConfigurations, sizes, sizes.seed), {
      output: train,
      onProgress: progress('Monte Carlo 8x8'),
    });
    await generateEnsemble(spec(16, sizes.testConfigurations, sizes, sizes.seed + 1), {
      output: test,
      onProgress: progress('Monte Carlo 16x16'),
    });
    const ensemble = await openEnsemble(test);
    const stats = ensembleStatistics(ensemble.beta, ensemble.observables);
    ensemble.close();
    const comparison: DemoComparison[] = [];
    for (const s of stats) {
      const P = exactPlaquette2d(2, s.beta);
      const exact: Record<string, number> = {
        plaquette: P,
        wilson_loop_1x2: P ** 2,
        wilson_loop_2x2: P ** 4,
      };
      for (const [name, value] of Object.entries(exact)) {
        const e = s.observables[name];
        comparison.push({
          beta: s.beta,
          observable: name,
          mean: e.mean,
          error: e.error,
          tauInt: e.tauInt,
          exact: value,
          deviation: Math.abs(e.mean - value) / e.error,
        });
      }
    }
    const architecture = 'lcb:4:1,lcb:4:2,trace,dense:1';
    const target = parseTarget('wilson:2x2');
    const modelPath = join(dir, 'model.json');
    const summary = await runTrainJob({
      data: [train],
      target,
      layers: parseArchitecture(architecture),
      modelSeed: sizes.seed,
      validation: 0.15,
      test: 0,
      splitSeed: sizes.seed,
      train: {
        epochs: sizes.epochs,
        batchSize: 8,
        learningRate: 0.01,
        patience: 0,
        seed: sizes.seed,
      },
      output: modelPath,
      onEpoch: (m: EpochMetrics) => onProgress?.('L-CNN training', m.epoch, sizes.epochs),
    });
    const { model } = loadModel(modelPath);
    const testData = await loadDataset([test], target);
    return {
      comparison,
      lcnn: {
        architecture,
        target: 'wilson:2x2',
        parameters: summary.parameters,
        epochs: summary.epochs,
        trainLattice: [8, 8],
        testLattice: [16, 16],
        test: evaluateModel(model, testData),
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
