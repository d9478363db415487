/**
 * The Monte Carlo stage of `lgt demo`: a small 2D SU(2) ensemble over several beta, measured
 * and compared with the exact 2D plaquette and Wilson loops (DESIGN.md 7).
 *
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEnsemble } from '../../lattice/io/ensembleFile.js';
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

/** Generates the demo ensemble and compares it with the exact results. */
export async function runDemoEnsemble(
  options: { betas: number[]; L: number; configurations: number; seed: number; workers: number },
  onProgress?: (p: RunProgress) => void,
): Promise<DemoComparison[]> {
  const dir = mkdtempSync(join(tmpdir(), 'lgt-demo-'));
  const output = join(dir, 'su2-2d.h5');
  const spec: RunSpec = {
    N: 2,
    dims: [options.L, options.L],
    betas: options.betas,
    algorithm: { kind: 'heatbath', overrelaxation: 1 },
    thermalization: 50,
    separation: 2,
    configurations: options.configurations,
    seed: options.seed,
    start: 'cold',
    reunitarizeEvery: 10,
    measurements: { wilsonLoops: 2, polyakovLoop: false, topologicalCharge: false },
  };
  try {
    await generateEnsemble(spec, { output, workers: options.workers, onProgress });
    const ensemble = await openEnsemble(output);
    const stats = ensembleStatistics(ensemble.beta, ensemble.observables);
    ensemble.close();
    const rows: DemoComparison[] = [];
    for (const s of stats) {
      const P = exactPlaquette2d(2, s.beta);
      const exact: Record<string, number> = {
        plaquette: P,
        wilson_loop_1x2: P ** 2,
        wilson_loop_2x2: P ** 4,
      };
      for (const [name, value] of Object.entries(exact)) {
        const e = s.observables[name];
        rows.push({
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
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
