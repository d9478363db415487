import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/queue/canonicalJson.js';
import { chainSeed, chainSeedText, type ScanPoint } from '../../src/queue/chainSeed.js';
import { chainJobId } from '../../src/queue/chainQueue.js';
import {
  expandScan,
  pointName,
  scanGrid,
  scanId,
  validateScan,
  type ScanSpec,
} from '../../src/queue/scan.js';
import type { Algorithm } from '../../src/montecarlo/algorithm.js';

const heatbath: Algorithm = { kind: 'heatbath', overrelaxation: 4 };

function scan(overrides: Partial<ScanSpec> = {}): ScanSpec {
  return {
    name: 'test',
    seed: 1,
    chains: 2,
    points: scanGrid({
      groups: [2],
      dims: [
        [4, 4],
        [6, 6],
      ],
      betas: [2, 2.2],
      algorithms: [heatbath],
    }),
    run: {
      thermalization: 5,
      separation: 2,
      configurations: 4,
      start: 'cold',
      reunitarizeEvery: 10,
      measurements: { wilsonLoops: 2, polyakovLoop: true, topologicalCharge: true },
    },
    ...overrides,
  };
}

describe('canonicalJson', () => {
  it('sorts keys at every depth and leaves arrays in order', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }, 0.1], N: null })).toBe(
      '{"N":null,"a":[{"c":3,"d":2},0.1],"b":1}',
    );
  });

  it('refuses what JSON cannot hold exactly', () => {
    expect(() => canonicalJson({ x: NaN })).toThrow(
      'canonicalJson: invalid x: expected a finite number',
    );
    expect(() => canonicalJson({ x: [1, undefined] })).toThrow('canonicalJson: invalid x[1]');
    expect(() => canonicalJson(new Date(0))).toThrow('canonicalJson: invalid value');
  });
});

describe('chainSeed', () => {
  const point: ScanPoint = { N: 2, dims: [4, 4], beta: 2, algorithm: heatbath };

  it('is the top 53 bits of SHA-256 of the canonical JSON of (scan seed, point, chain)', () => {
    // computed independently in Python:
    //   t = json.dumps([1, {"N": 2, "algorithm": {"kind": "heatbath", "overrelaxation": 4},
    //        "beta": 2, "dims": [4, 4]}, 0], sort_keys=True, separators=(",", ":"))
    //   int.from_bytes(hashlib.sha256(t.encode()).digest()[:8], "big") >> 11
    expect(chainSeedText(1, point, 0)).toBe(
      '[1,{"N":2,"algorithm":{"kind":"heatbath","overrelaxation":4},"beta":2,"dims":[4,4]},0]',
    );
    expect(chainSeed(1, point, 0)).toBe(282469651861827);
  });

  it('differs between chains, points and scan seeds, and lies in [0, 2^53)', () => {
    const seeds = [
      chainSeed(1, point, 0),
      chainSeed(1, point, 1),
      chainSeed(2, point, 0),
      chainSeed(1, { ...point, beta: 2.2 }, 0),
      chainSeed(1, { ...point, algorithm: { kind: 'heatbath', overrelaxation: 3 } }, 0),
    ];
    expect(new Set(seeds).size).toBe(seeds.length);
    for (const s of seeds) expect(Number.isSafeInteger(s) && s >= 0).toBe(true);
  });

  it('does not depend on the order of the keys of the point', () => {
    const reordered = JSON.parse(
      '{"algorithm":{"overrelaxation":4,"kind":"heatbath"},"beta":2,"dims":[4,4],"N":2}',
    );
    expect(chainSeed(1, reordered, 3)).toBe(chainSeed(1, point, 3));
  });
});

describe('scans', () => {
  it('expand into chains point by point, with derived seeds and files under NAME-ID', () => {
    const s = scan();
    const chains = expandScan(s);
    const id = scanId(s);
    expect(id).toMatch(/^[0-9a-f]{12}$/);
    expect(chains.map((c) => [c.point, c.chain])).toEqual([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
      [2, 0],
      [2, 1],
      [3, 0],
      [3, 1],
    ]);
    expect(chains[3].output).toBe(`test-${id}/SU2_4x4_beta2.2_heatbath/chain-1.h5`);
    expect(chains[3].spec).toEqual({
      ...s.run,
      N: 2,
      dims: [4, 4],
      betas: [2.2],
      algorithm: heatbath,
      seed: chainSeed(1, s.points[1], 1),
    });
    expect(chains[3].steps).toBe(5 + 4 * 2);
    expect(pointName(s.points[2])).toBe('SU2_6x6_beta2_heatbath');
  });

  it('keep the seeds of the other chains when a beta is added', () => {
    const before = expandScan(scan());
    const grown = scan({
      points: scanGrid({
        groups: [2],
        dims: [
          [4, 4],
          [6, 6],
        ],
        betas: [2, 2.1, 2.2],
        algorithms: [heatbath],
      }),
    });
    const after = new Map(
      expandScan(grown).map((c) => [`${c.spec.dims}/${c.spec.betas}/${c.chain}`, c.spec.seed]),
    );
    for (const c of before)
      expect(after.get(`${c.spec.dims}/${c.spec.betas}/${c.chain}`)).toBe(c.spec.seed);
  });

  it('have ids that differ with anything in the scan, and jobs ids in the order of the chains', () => {
    expect(scanId(scan())).toBe(scanId(scan()));
    expect(scanId(scan({ seed: 2 }))).not.toBe(scanId(scan()));
    expect(scanId(scan({ name: 'other' }))).not.toBe(scanId(scan()));
    const ids = [0, 1, 2, 15, 16, 4096].map((k) => chainJobId('abc', k));
    expect([...ids].sort()).toEqual(ids);
    expect(ids[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-a[0-9a-f]{3}-000000000000$/);
    expect(chainJobId('abd', 0)).not.toBe(ids[0]);
  });

  it('name the invalid point before anything is expanded', () => {
    const bad = scan({
      points: scanGrid({
        groups: [2],
        dims: [
          [4, 4],
          [5, 4],
        ],
        betas: [2],
        algorithms: [heatbath],
      }),
    });
    expect(() => expandScan(bad)).toThrow(/^scan point 1 \(SU\(2\) 5x4 beta 2 heatbath\): .*even/);
    const twice = scan({ points: [...scan().points, scan().points[0]] });
    expect(() => validateScan(twice)).toThrow(
      'validateScan: invalid points[4]: expected a point unlike point 0, got SU(2) 4x4 beta 2 heatbath',
    );
    expect(() => validateScan(scan({ name: 'a b' }))).toThrow('validateScan: invalid name');
    expect(() => validateScan(scan({ chains: 0 }))).toThrow('validateScan: invalid chains');
  });
});
