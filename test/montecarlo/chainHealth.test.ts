/**
 * Judging chains (src/montecarlo/chainHealth.ts): a chain that accepts nothing is stuck, one
 * far below the sane acceptance is slow, a plaquette that still moves at the end of
 * thermalisation or over the saved data drifts; healthy chains and stationary noise raise
 * nothing (the negative controls), and every finding names its number and remedy.
 */
import { describe, expect, it } from 'vitest';
import { formatEstimate } from '../../src/core/estimateFormat.js';
import { Xoshiro128 } from '../../src/core/rng.js';
import {
  assessEnsemble,
  assessProduction,
  assessSavedSeries,
  assessThermalization,
  emptyCounts,
  driftOf,
  gewekeDiagnostic,
  linearTrend,
  type ChainContext,
  type ChainRecord,
} from '../../src/montecarlo/chainHealth.js';

/** Stationary Gaussian noise around `mean`. */
function noise(n: number, mean: number, sigma: number, seed: number): number[] {
  const rng = new Xoshiro128(seed);
  return Array.from({ length: n }, () => {
    const u = Math.max(rng.uniform(), 1e-300);
    return mean + sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.uniform());
  });
}

function record(overrides: Partial<ChainRecord> = {}): ChainRecord {
  return {
    betaIndex: 0,
    beta: 2.3,
    parameters: { steps: 10 },
    warmup: 0,
    sampleEvery: 1,
    samples: noise(40, 0.6, 0.002, 1),
    thermalization: { ...emptyCounts(), steps: 20, accepted: 18, proposals: 20 },
    production: { ...emptyCounts(), steps: 50, accepted: 45, proposals: 50 },
    findings: [],
    ...overrides,
  };
}

const hmc: ChainContext = {
  algorithm: { kind: 'hmc', tau: 1, steps: 10, integrator: 'omelyan' },
  thermalization: 40,
  start: 'cold',
};

describe('assessThermalization', () => {
  it('finds nothing wrong with a chain that accepts 90% and whose plaquette is stationary', () => {
    expect(assessThermalization(record(), hmc)).toEqual([]);
    expect(assessProduction(record(), hmc)).toEqual([]);
  });

  it('calls an HMC chain that accepted nothing stuck, with the energy violation and remedies', () => {
    const stuck = record({
      samples: Array(40).fill(1),
      thermalization: { ...emptyCounts(), steps: 20, proposals: 20, deltaH2Sum: 20 * 4.6 ** 2 },
    });
    const [finding, ...rest] = assessThermalization(stuck, hmc);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ phase: 'thermalization', kind: 'stuck', beta: 2.3 });
    expect(finding.message).toBe(
      'beta 2.3: HMC accepted none of the last 20 thermalisation trajectories (rms dH 4.60, ' +
        '10 integration steps): the chain has not moved, and every configuration it saves is ' +
        'the same field',
    );
    expect(finding.remedy).toContain('--md-steps auto, or more than 10');
    expect(finding.remedy).toContain('--md-warmup 10');
    expect(finding.remedy).toContain('--start hot');
    // tuned steps: the remedy is more thermalisation, which tunes them
    const tuned = { ...hmc, algorithm: { ...hmc.algorithm, steps: 'auto' as const } };
    expect(assessThermalization(stuck, tuned)[0].remedy).toContain('--thermalization');
  });

  it('calls a Metropolis chain far below 30-70% slow, and one that accepted nothing stuck', () => {
    const metropolis: ChainContext = {
      algorithm: { kind: 'metropolis', hits: 10, step: 2 },
      thermalization: 40,
      start: 'cold',
    };
    const slow = record({
      parameters: { step: 2 },
      thermalization: { ...emptyCounts(), steps: 20, accepted: 300, proposals: 100_000 },
    });
    const [finding] = assessThermalization(slow, metropolis);
    expect(finding.kind).toBe('low-acceptance');
    expect(finding.message).toContain('Metropolis accepted 0.30% of its proposals');
    expect(finding.remedy).toBe('a smaller step (lgt: --step auto, or below 2.00)');
    const none = record({
      parameters: { step: 2 },
      production: { ...emptyCounts(), steps: 20, proposals: 100_000 },
    });
    expect(assessProduction(none, metropolis)[0]).toMatchObject({
      phase: 'production',
      kind: 'stuck',
    });
  });

  it('does not judge heatbath acceptance, nor fewer than 5 steps', () => {
    const heatbath: ChainContext = { ...hmc, algorithm: { kind: 'heatbath', overrelaxation: 4 } };
    const zero = { ...emptyCounts(), steps: 20, proposals: 20 };
    expect(assessThermalization(record({ thermalization: zero }), heatbath)).toEqual([]);
    const few = { ...emptyCounts(), steps: 4, proposals: 4 };
    expect(assessThermalization(record({ thermalization: few }), hmc)).toEqual([]);
  });

  it('finds a plaquette that still drifts over the second half of thermalisation', () => {
    // a chain still sliding down: 0.001 per sample in noise of 0.002
    const drifting = noise(40, 0.6, 0.002, 2).map((p, k) => p + 0.001 * (40 - k));
    const [finding] = assessThermalization(record({ samples: drifting, sampleEvery: 5 }), hmc);
    expect(finding).toMatchObject({ kind: 'drift', phase: 'thermalization' });
    expect(finding.message).toMatch(
      /^beta 2\.3: the plaquette still drifts at the end of thermalisation, over steps 100-200: (its first tenth averages 0\.6\d+\(\d+\), its last half 0\.6\d+\(\d+\) \(\d+\.\d sigma apart\)|a line through it changes by -0\.0\d+\(\d+\) \(\d+\.\d sigma\))$/,
    );
    expect(finding.remedy).toBe('more thermalisation (lgt: --thermalization, now 40)');
    // settled: e^(-k/3)
    const settled = noise(40, 0.6, 0.002, 2).map((p, k) => p + 0.05 * Math.exp(-k / 3));
    expect(assessThermalization(record({ samples: settled }), hmc)).toEqual([]);
  });
});

/** A stationary AR(1) series with autocorrelation `rho` (tau_int = (1 + rho) / (2 (1 - rho))). */
function correlated(n: number, rho: number, seed: number): number[] {
  const e = noise(n, 0, Math.sqrt(1 - rho * rho), seed);
  const out = [noise(1, 0, 1, seed + 1000)[0]];
  for (let i = 1; i < n; i++) out.push(rho * out[i - 1] + e[i]);
  return out.map((x) => 0.6 + 0.01 * x);
}

describe('linearTrend and assessSavedSeries', () => {
  it('finds no drift in stationary noise, correlated or not (seeded, 40 series)', () => {
    for (let seed = 1; seed <= 20; seed++) {
      expect(driftOf(noise(100, 0.6, 0.01, seed))!.sigma).toBeLessThan(5);
      expect(driftOf(correlated(200, 0.8, seed))!.sigma).toBeLessThan(5);
    }
    expect(driftOf([1, 2, 3, 4, 5, 6, 7])).toBeUndefined(); // too short to tell
  });

  it('sees a chain that sat still and then moved by Geweke, and a slow line by the fit', () => {
    const stepped = [...Array(20).fill(1), ...noise(40, 0.57, 0.01, 4)];
    expect(gewekeDiagnostic(stepped)!.sigma).toBeGreaterThan(20); // a constant first tenth
    expect(linearTrend(stepped)!.sigma).toBeLessThan(5); // the fit alone misses it
    const slow = noise(100, 0, 0.002, 8).map((x, i) => 0.6 + 2e-4 * i + x);
    expect(gewekeDiagnostic(slow)!.sigma).toBeLessThan(linearTrend(slow)!.sigma);
    expect(driftOf(slow)!.description).toMatch(/^a line through it changes by 0\.0\d+\(\d+\)/);
  });

  it('measures the change of a line with its error', () => {
    const line = noise(400, 0, 0.01, 7).map((x, i) => 0.6 + 1e-4 * i + x);
    const t = linearTrend(line)!;
    expect(Math.abs(t.change - 0.0399) / t.error).toBeLessThan(4);
    expect(t.sigma).toBeGreaterThan(10);
  });

  it('flags saved data that sat at the cold start before it moved', () => {
    const stepped = [...Array(50).fill(1), ...noise(50, 0.6, 0.01, 3)];
    const findings = assessSavedSeries(2.3, stepped);
    expect(findings.map((f) => f.kind)).toEqual(['stuck', 'drift']);
    const finding = findings[1];
    expect(finding.message).toMatch(
      new RegExp(
        '^beta 2\\.3: the plaquette drifts over the 100 saved configurations: its first tenth ' +
          `averages 1\\.000\\(\\d+\\), its last half ${formatEstimate(gewekeDiagnostic(stepped)!.last.mean, gewekeDiagnostic(stepped)!.last.error).replace(/[().]/g, '\\$&')} ` +
          '\\(\\d+\\.\\d sigma apart\\): the chain was not in equilibrium, or did not move$',
      ),
    );
    expect(finding.remedy).toContain('lgt measure --skip');
    expect(assessSavedSeries(2.3, noise(100, 0.6, 0.01, 3))).toEqual([]);
  });

  it('finds saved configurations that are the same field over 20 steps or more, by /sweep', () => {
    // 8 configurations saved every 10 trajectories at the cold start, then moving
    const plaquette = [...Array(8).fill(1), ...noise(92, 0.6, 0.01, 9)];
    const sweeps = plaquette.map((_, i) => 60 + 10 * i);
    const [stuck] = assessSavedSeries(2.3, plaquette, sweeps);
    expect(stuck).toMatchObject({ kind: 'stuck', phase: 'saved data' });
    expect(stuck.message).toBe(
      'beta 2.3: saved configurations 1-8 of 100 are all the same field (plaquette 1): the chain did not move for 70 steps',
    );
    // a healthy HMC chain saved every trajectory repeats a configuration now and then
    const repeats = noise(100, 0.6, 0.01, 10).map((p, i, a) => (i % 7 === 3 ? a[i - 1] : p));
    expect(
      assessSavedSeries(
        2.3,
        repeats,
        repeats.map((_, i) => i + 1),
      ),
    ).toEqual([]);
  });

  it('assessEnsemble: what the run recorded, and per beta the halves of the saved plaquette after --skip', () => {
    const beta = [...Array(60).fill(2.2), ...Array(60).fill(2.5)];
    const plaquette = [
      ...Array(20).fill(1),
      ...noise(40, 0.57, 0.01, 4),
      ...noise(60, 0.65, 0.01, 5),
    ];
    const recorded = {
      chains: [{ findings: [{ message: 'beta 2.5: recorded', remedy: 'r', kind: 'stuck' }] }],
    };
    const found = assessEnsemble(beta, plaquette, recorded);
    expect(found.map((f) => f.message.slice(0, 17))).toEqual([
      'beta 2.5: recorde',
      'beta 2.2: the pla',
    ]);
    // skipping the 20 cold configurations of beta 2.2 removes its drift
    expect(assessEnsemble(beta, plaquette, undefined, 20)).toEqual([]);
  });

  it('assessEnsemble of a merged file: each chain judged alone, named, --skip per chain', () => {
    // two chains of one beta: chain 0 starts with 20 cold configurations, chain 1 is
    // stationary; concatenated, chain 1 would hide chain 0's start from the halves
    const beta = Array(120).fill(2.2);
    const chain = [...Array(60).fill(0), ...Array(60).fill(1)];
    const sweep = [
      ...Array.from({ length: 60 }, (_, i) => i),
      ...Array.from({ length: 60 }, (_, i) => i),
    ];
    const plaquette = [
      ...Array(20).fill(1),
      ...noise(40, 0.57, 0.01, 6),
      ...noise(60, 0.57, 0.01, 7),
    ];
    const found = assessEnsemble(beta, plaquette, undefined, 0, sweep, chain);
    expect(found.map((f) => f.message.slice(0, 26))).toEqual(['chain 0: beta 2.2: the pla']);
    expect(assessEnsemble(beta, plaquette, undefined, 20, sweep, chain)).toEqual([]);
  });
});
