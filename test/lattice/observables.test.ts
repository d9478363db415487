import { describe, expect, it } from 'vitest';
import { GaugeField } from '../../src/lattice/gaugeField.js';
import {
  gaugeTransform,
  gaugeTransformMatrixField,
  randomGaugeTransformation,
} from '../../src/lattice/gaugeTransformation.js';
import { Lattice } from '../../src/lattice/lattice.js';
import type { MatrixField } from '../../src/lattice/matrixField.js';
import {
  wilsonAction,
  wilsonActionDensity,
  cloverEnergyDensity,
} from '../../src/lattice/observables/actionDensity.js';
import {
  cloverAt,
  cloverField,
  cloverLeaves,
  createCloverScratch,
} from '../../src/lattice/observables/clover.js';
import {
  averagePlaquette,
  planePlaquette,
  plaquetteField,
  plaquetteReTraceAt,
  sitePlaquette,
} from '../../src/lattice/observables/plaquette.js';
import { planes } from '../../src/lattice/observables/planes.js';
import {
  polyakovLoop,
  polyakovLoopField,
  sitePolyakovLoop,
} from '../../src/lattice/observables/polyakov.js';
import {
  plaquetteChargeDensity,
  topologicalCharge,
  topologicalChargeDensity,
} from '../../src/lattice/observables/topologicalCharge.js';
import {
  averageWilsonLoop,
  planeWilsonLoop,
  siteWilsonLoop,
  wilsonLoopField,
} from '../../src/lattice/observables/wilsonLoops.js';
import { wilsonLine } from '../../src/lattice/transport.js';
import { Xoshiro128 } from '../../src/core/rng.js';
import { abelianFluxField, maxAbsDifference, relativeDifference, roughField } from '../helpers.js';

const dimsByD: Record<number, number[]> = { 2: [6, 4], 3: [4, 3, 4], 4: [3, 4, 3, 4] };

/** Every scalar observable of a field, flattened, for before/after comparisons. */
function scalarObservables(field: GaugeField): number[] {
  const D = field.lattice.D;
  const values = [averagePlaquette(field), ...sitePlaquette(field)];
  for (const [mu, nu] of planes(D)) values.push(planePlaquette(field, mu, nu));
  values.push(averageWilsonLoop(field, 1, 2), averageWilsonLoop(field, 2, 2));
  values.push(...siteWilsonLoop(field, 2, 1));
  for (let axis = 0; axis < D; axis++) {
    const p = polyakovLoop(field, axis);
    values.push(p.re, p.im, ...sitePolyakovLoop(field, axis));
  }
  values.push(...wilsonActionDensity(field), ...cloverEnergyDensity(field));
  if (D === 4) {
    values.push(...topologicalChargeDensity(field), topologicalCharge(field));
    values.push(...plaquetteChargeDensity(field));
  }
  return values;
}

describe('observables on a cold start', () => {
  for (const N of [2, 3, 4]) {
    it(`SU(${N}): plaquette, Wilson loops and Polyakov loops are 1, action and charge 0`, () => {
      const field = GaugeField.cold(new Lattice([4, 4, 4, 6]), N);
      expect(averagePlaquette(field)).toBe(1);
      expect(averageWilsonLoop(field, 1, 1)).toBe(1);
      expect(averageWilsonLoop(field, 2, 3)).toBe(1);
      expect(averageWilsonLoop(field, 4, 4)).toBe(1);
      for (let axis = 0; axis < 4; axis++)
        expect(polyakovLoop(field, axis)).toEqual({ re: 1, im: 0 });
      expect(wilsonAction(field, 6)).toBe(0);
      expect(topologicalCharge(field)).toBe(0);
      expect(Math.max(...cloverEnergyDensity(field))).toBe(0);
    });
  }
});

describe('gauge invariance', () => {
  for (const N of [2, 3, 4]) {
    for (const D of [2, 3, 4]) {
      it(`SU(${N}), D = ${D}: every observable is unchanged by a random gauge transformation`, () => {
        const field = roughField(dimsByD[D], N, 100 * N + D);
        const omega = randomGaugeTransformation(field.lattice, N, new Xoshiro128(7 * N + D));
        const transformed = gaugeTransform(field, omega);
        // the links themselves did change
        expect(field.equals(transformed, 1e-3)).toBe(false);
        const before = scalarObservables(field);
        const after = scalarObservables(transformed);
        let worst = 0;
        for (let i = 0; i < before.length; i++) {
          worst = Math.max(worst, relativeDifference(before[i], after[i]));
        }
        expect(worst).toBeLessThan(1e-12);
      });

      it(`SU(${N}), D = ${D}: matrix-valued fields transform as Omega W Omega^dagger`, () => {
        const field = roughField(dimsByD[D], N, 300 * N + D);
        const omega = randomGaugeTransformation(field.lattice, N, new Xoshiro128(11 * N + D));
        const transformed = gaugeTransform(field, omega);
        const fields: Array<(f: GaugeField) => MatrixField> = [
          plaquetteField,
          cloverField,
          (f) => wilsonLoopField(f, 0, D - 1, 2, 1),
          (f) => polyakovLoopField(f, 0),
        ];
        for (const make of fields) {
          const expected = gaugeTransformMatrixField(make(field), omega);
          expect(make(transformed).maxDifference(expected)).toBeLessThan(1e-12);
        }
      });
    }
  }

  it('can fail: the trace of a single link is not gauge invariant', () => {
    const field = roughField([4, 4], 3, 1);
    const omega = randomGaugeTransformation(field.lattice, 3, new Xoshiro128(2));
    const transformed = gaugeTransform(field, omega);
    const g = field.group;
    expect(Math.abs(g.reTrace(field.links, 0) - g.reTrace(transformed.links, 0))).toBeGreaterThan(
      1e-3,
    );
  });
});

describe('plaquette', () => {
  it('equals the trace of the closed path mu, nu, -mu, -nu walked link by link', () => {
    const field = roughField([3, 4, 3], 3, 5);
    const g = field.group;
    const P = plaquetteField(field);
    const loop = new Float64Array(g.matrixSize);
    planes(3).forEach(([mu, nu], p) => {
      for (let x = 0; x < field.lattice.volume; x++) {
        wilsonLine(loop, 0, field, x, [
          [mu, 1],
          [nu, 1],
          [mu, -1],
          [nu, -1],
        ]);
        expect(g.equals(loop, 0, P.data, P.offset(x, p), 1e-14)).toBe(true);
      }
    });
  });

  it('averages the per-plane values and the per-site values alike', () => {
    const field = roughField([4, 3, 2, 3], 2, 9);
    const perPlane = planes(4).map(([mu, nu]) => planePlaquette(field, mu, nu));
    const mean = perPlane.reduce((a, b) => a + b, 0) / perPlane.length;
    const site = sitePlaquette(field);
    expect(relativeDifference(averagePlaquette(field), mean)).toBeLessThan(1e-14);
    expect(
      relativeDifference(averagePlaquette(field), site.reduce((a, b) => a + b, 0) / site.length),
    ).toBeLessThan(1e-14);
    // and the 1x1 Wilson loop is the plaquette
    expect(relativeDifference(averageWilsonLoop(field, 1, 1), mean)).toBeLessThan(1e-14);
    // and the action is beta * sum over plaquettes of (1 - P)
    const S = wilsonAction(field, 2.5);
    expect(relativeDifference(S, 2.5 * 6 * field.lattice.volume * (1 - mean))).toBeLessThan(1e-12);
  });
});

describe('Wilson loops', () => {
  it('agree with the trace of the rectangular path walked link by link', () => {
    const field = roughField([5, 4, 3], 2, 12);
    const g = field.group;
    const loop = new Float64Array(g.matrixSize);
    for (const [mu, nu, R, T] of [
      [0, 1, 2, 3],
      [2, 0, 3, 1],
      [1, 2, 4, 2],
    ]) {
      let sum = 0;
      const W = wilsonLoopField(field, mu, nu, R, T);
      for (let x = 0; x < field.lattice.volume; x++) {
        wilsonLine(loop, 0, field, x, [
          [mu, R],
          [nu, T],
          [mu, -R],
          [nu, -T],
        ]);
        expect(g.equals(loop, 0, W.data, x * g.matrixSize, 1e-14)).toBe(true);
        sum += g.reTrace(loop, 0) / g.N;
      }
      const avg = planeWilsonLoop(field, mu, nu, R, T);
      expect(relativeDifference(avg, sum / field.lattice.volume)).toBeLessThan(1e-14);
    }
  });

  it('average over planes and both orientations', () => {
    const field = roughField([4, 4, 4], 3, 13);
    let sum = 0;
    for (const [mu, nu] of planes(3)) {
      sum += planeWilsonLoop(field, mu, nu, 1, 2) + planeWilsonLoop(field, mu, nu, 2, 1);
    }
    expect(relativeDifference(averageWilsonLoop(field, 1, 2), sum / 6)).toBeLessThan(1e-14);
    const site = siteWilsonLoop(field, 2, 1);
    expect(relativeDifference(site.reduce((a, b) => a + b, 0) / site.length, sum / 6)).toBeLessThan(
      1e-14,
    );
  });

  it('reject loops larger than the lattice, naming the extent', () => {
    const field = GaugeField.cold(new Lattice([4, 3]), 2);
    expect(() => averageWilsonLoop(field, 4, 4)).toThrow(
      /averageWilsonLoop: invalid T: expected an integer in \[1, 3\], got 4/,
    );
    expect(() => planeWilsonLoop(field, 0, 1, 5, 1)).toThrow(
      /invalid R: expected an integer in \[1, 4\], got 5/,
    );
    expect(() => planeWilsonLoop(field, 0, 0, 1, 1)).toThrow(/invalid nu/);
    expect(() => planeWilsonLoop(field, 0, 2, 1, 1)).toThrow(
      /invalid nu: expected an integer in \[0, 1\], got 2/,
    );
    expect(() => wilsonLoopField(field, 0, 1, 0, 1)).toThrow(/invalid R/);
  });
});

describe('Polyakov loops', () => {
  it('are products of all links along the axis, the same on every site of a line', () => {
    const field = roughField([3, 5], 3, 21);
    const g = field.group;
    const P = polyakovLoopField(field, 1);
    const line = new Float64Array(g.matrixSize);
    for (let x = 0; x < field.lattice.volume; x++) {
      wilsonLine(line, 0, field, x, [[1, 5]]);
      expect(g.equals(line, 0, P.data, x * g.matrixSize, 1e-14)).toBe(true);
    }
    const per = sitePolyakovLoop(field, 1);
    // tr P is the same at every site of a closed line
    for (let x = 0; x < field.lattice.volume; x++) {
      const y = field.lattice.shift(x, 1, 1);
      expect(Math.abs(per[2 * x] - per[2 * y])).toBeLessThan(1e-14);
    }
  });

  it('reject an axis out of range', () => {
    const field = GaugeField.cold(new Lattice([4, 4]), 2);
    expect(() => polyakovLoop(field, 2)).toThrow(
      /polyakovLoop: invalid axis: expected an integer in \[0, 1\], got 2/,
    );
  });
});

describe('clover field strength', () => {
  it('is traceless and anti-hermitian', () => {
    const field = roughField([3, 3, 3, 3], 3, 31);
    const F = cloverField(field);
    const g = field.group;
    const adj = new Float64Array(g.matrixSize);
    const neg = new Float64Array(g.matrixSize);
    for (let x = 0; x < field.lattice.volume; x++) {
      for (let p = 0; p < F.components; p++) {
        const o = F.offset(x, p);
        g.adjoint(adj, 0, F.data, o);
        g.scale(neg, 0, F.data, o, -1, 0);
        expect(g.equals(adj, 0, neg, 0, 1e-15)).toBe(true);
        expect(Math.abs(g.imTrace(F.data, o))).toBeLessThan(1e-15);
      }
    }
  });

  it('reduces to i sin(theta) for an abelian field of constant plaquette angle theta', () => {
    const field = abelianFluxField([4, 4, 4, 4], { '0,1': 1, '2,3': 0 });
    const F = cloverField(field);
    const theta = (2 * Math.PI) / 16;
    const g = field.group;
    for (let x = 0; x < field.lattice.volume; x++) {
      const o = F.offset(x, 0);
      expect(Math.abs(F.data[o + 1] - Math.sin(theta))).toBeLessThan(1e-14);
      expect(Math.abs(F.data[o + 7] + Math.sin(theta))).toBeLessThan(1e-14);
      expect(Math.abs(g.reTrace(F.data, o))).toBe(0);
    }
  });
});

describe('topological charge', () => {
  it('equals the lattice value 2 n01 n23 sin(f01) sin(f23) / (f01 f23) for quantised abelian flux', () => {
    // Continuum: Q = 2 n01 n23 for SU(2) with U(1) flux embedded along sigma3; the clover
    // F = i sin(f) sigma3 replaces each f by sin(f), which is the exact lattice value.
    const dims = [6, 6, 4, 8];
    for (const [n01, n23] of [
      [1, 1],
      [2, -1],
      [-1, 3],
    ]) {
      const field = abelianFluxField(dims, { '0,1': n01, '2,3': n23 });
      const f01 = (2 * Math.PI * n01) / 36;
      const f23 = (2 * Math.PI * n23) / 32;
      const expected = (2 * n01 * n23 * Math.sin(f01) * Math.sin(f23)) / (f01 * f23);
      expect(Math.abs(topologicalCharge(field) - expected)).toBeLessThan(1e-12);
      // ... which is within a few percent of the integer 2 n01 n23 on this small lattice
      expect(Math.round(topologicalCharge(field))).toBe(2 * n01 * n23);
    }
  });

  it('vanishes for flux in two planes that share an axis', () => {
    const field = abelianFluxField([4, 4, 4, 4], { '0,1': 1, '0,2': 1 });
    expect(Math.abs(topologicalCharge(field))).toBeLessThan(1e-14);
  });

  it('is defined in four dimensions only', () => {
    const field = GaugeField.cold(new Lattice([4, 4, 4]), 2);
    expect(() => topologicalCharge(field)).toThrow(
      /topologicalChargeDensity: invalid field: expected a 4-dimensional field, got D = 3/,
    );
    expect(() => plaquetteChargeDensity(field)).toThrow(
      /plaquetteChargeDensity: invalid field: expected a 4-dimensional field, got D = 3/,
    );
  });
});

describe('plaquette topological charge density (QP)', () => {
  /**
   * The formula evaluated directly: q_P = -(1/32 pi^2) sum over all 24 eps_abcd of
   * Re tr(A_ab A_cd), each A_ab the traceless anti-hermitian part of the plaquette of the
   * ordered pair (a, b) at x, built from its path (a first, then b) for a > b as well.
   */
  function direct(field: GaugeField): Float64Array {
    const g = field.group;
    const m = g.matrixSize;
    const A = new Map<string, Float64Array>();
    for (let a = 0; a < 4; a++) {
      for (let b = 0; b < 4; b++) {
        if (a === b) continue;
        const per = new Float64Array(field.lattice.volume * m);
        for (let x = 0; x < field.lattice.volume; x++) {
          wilsonLine(per, x * m, field, x, [
            [a, 1],
            [b, 1],
            [a, -1],
            [b, -1],
          ]);
          g.projectAlgebra(per, x * m, per, x * m);
        }
        A.set(`${a}${b}`, per);
      }
    }
    const eps = (p: number[]): number => {
      let sign = 1;
      for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) if (p[i] > p[j]) sign = -sign;
      return sign;
    };
    const out = new Float64Array(field.lattice.volume);
    for (const p of [0, 1, 2, 3].flatMap((a) =>
      [0, 1, 2, 3].flatMap((b) =>
        [0, 1, 2, 3].flatMap((c) => [0, 1, 2, 3].map((d) => [a, b, c, d])),
      ),
    )) {
      if (new Set(p).size < 4) continue;
      const ab = A.get(`${p[0]}${p[1]}`)!;
      const cd = A.get(`${p[2]}${p[3]}`)!;
      for (let x = 0; x < out.length; x++) {
        out[x] -= (eps(p) * g.reTraceMultiply(ab, x * m, cd, x * m)) / (32 * Math.PI * Math.PI);
      }
    }
    return out;
  }

  for (const N of [2, 3]) {
    it(`SU(${N}): equals the direct sum over all 24 terms of eps_abcd tr(A_ab A_cd) to 1e-12`, () => {
      const field = roughField([3, 4, 3, 4], N, 7, 1.2);
      const q = plaquetteChargeDensity(field);
      const expected = direct(field);
      // a rough field: the densities are O(1e-2), not zero
      expect(Math.max(...expected.map(Math.abs))).toBeGreaterThan(1e-3);
      expect(maxAbsDifference(q, expected)).toBeLessThan(1e-12);
    });
  }

  it('is gauge invariant per site to 1e-12, and differs from the clover density on rough fields', () => {
    const field = roughField([4, 3, 4, 3], 2, 3, 1);
    const omega = randomGaugeTransformation(field.lattice, 2, new Xoshiro128(5));
    const q = plaquetteChargeDensity(field);
    expect(maxAbsDifference(plaquetteChargeDensity(gaugeTransform(field, omega)), q)).toBeLessThan(
      1e-12,
    );
    expect(maxAbsDifference(topologicalChargeDensity(field), q)).toBeGreaterThan(1e-3);
  });

  it('equals the clover density for uniform abelian flux, whose four leaves are all alike', () => {
    const field = abelianFluxField([6, 6, 4, 8], { '0,1': 2, '2,3': -1 });
    expect(
      maxAbsDifference(plaquetteChargeDensity(field), topologicalChargeDensity(field)),
    ).toBeLessThan(1e-15);
    expect(Math.abs(plaquetteChargeDensity(field)[0])).toBeGreaterThan(1e-4);
  });
});

describe('action and energy densities', () => {
  it('are non-negative and vanish only on a pure gauge', () => {
    const field = roughField([3, 3, 3], 2, 41);
    expect(Math.min(...wilsonActionDensity(field))).toBeGreaterThan(0);
    expect(Math.min(...cloverEnergyDensity(field))).toBeGreaterThan(0);
    const pure = gaugeTransform(
      GaugeField.cold(field.lattice, 2),
      randomGaugeTransformation(field.lattice, 2, new Xoshiro128(3)),
    );
    expect(maxAbsDifference(wilsonActionDensity(pure), new Float64Array(27))).toBeLessThan(1e-14);
    expect(maxAbsDifference(cloverEnergyDensity(pure), new Float64Array(27))).toBeLessThan(1e-14);
  });
});

describe('the clover kernel', () => {
  for (const [N, dims] of [
    [2, [3, 4, 3]],
    [3, [3, 3, 4, 3]],
    [4, [3, 4]],
  ] as const) {
    it(`SU(${N}) ${dims.join('x')}: equals (1/4) Pi of the four leaves walked by the transport primitive, and its first leaf is the plaquette (1e-14)`, () => {
      const field = roughField([...dims], N, 3 * N, 0.8);
      const g = field.group;
      const m = g.matrixSize;
      const P = planes(field.lattice.D);
      const F = cloverField(field);
      const scratch = createCloverScratch(field);
      const traces = new Float64Array(P.length);
      const own = new Float64Array(P.length * m);
      const leaf = new Float64Array(m);
      const sum = new Float64Array(m);
      const expected = new Float64Array(m);
      const a = new Float64Array(m);
      const b = new Float64Array(m);
      let worst = 0;
      for (let x = 0; x < field.lattice.volume; x++) {
        cloverAt(own, 0, field, x, scratch, traces);
        let plaquettes = 0;
        for (let p = 0; p < P.length; p++) {
          g.zero(sum, 0);
          for (const path of cloverLeaves(P[p][0], P[p][1])) {
            wilsonLine(leaf, 0, field, x, path);
            g.add(sum, 0, sum, 0, leaf, 0);
          }
          g.projectAlgebra(expected, 0, sum, 0);
          g.scale(expected, 0, expected, 0, 0.25, 0);
          for (let k = 0; k < m; k++) {
            worst = Math.max(worst, Math.abs(F.data[F.offset(x, p) + k] - expected[k]));
            expect(own[p * m + k]).toBe(F.data[F.offset(x, p) + k]);
          }
          plaquettes += traces[p];
        }
        worst = Math.max(worst, Math.abs(plaquettes - plaquetteReTraceAt(field, x, a, b)));
      }
      expect(worst).toBeLessThan(1e-14);
    });
  }
});
