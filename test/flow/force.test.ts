/**
 * The flow's driving force Z = -Pi(V (c0 A + c1 R)) is the gradient of the Wilson and the
 * Symanzik action (against central finite differences of the actions summed loop by loop
 * through the transport primitive), its weak-field kernel is the lattice Laplacian of each
 * action (Symanzik: k^2 + O(k^6)), and the Zeuthen operator multiplies a mode e^{i k.x} of
 * the link V_mu by 1 - khat_mu^2 / 12 (Ramos and Sint, arXiv:1508.05552).
 */
import { describe, expect, it } from 'vitest';
import { GaugeField } from '../../src/lattice/gaugeField.js';
import { Lattice } from '../../src/lattice/lattice.js';
import { wilsonLine, type Path } from '../../src/lattice/transport.js';
import { kernelsFor } from '../../src/sun/group.js';
import { randomNearIdentity } from '../../src/sun/random.js';
import { Xoshiro128 } from '../../src/core/rng.js';
import { actionWeights, type FlowAction } from '../../src/flow/flowAction.js';
import { FlowKernelContext, forcePhase, zeuthenPhase } from '../../src/flow/flowKernels.js';
import { roughField } from '../helpers.js';

/**
 * S = c0 sum_x sum_{mu<nu} Re tr(1 - P_mu,nu(x)) + c1 sum_x sum_{mu != nu} Re tr(1 - R_mu,nu(x)),
 * every loop walked with wilsonLine (independent of the staples).
 */
function flowAction(field: GaugeField, action: FlowAction): number {
  const { c0, c1 } = actionWeights(action);
  const g = field.group;
  const { D, volume } = field.lattice;
  const loop = new Float64Array(g.matrixSize);
  let s = 0;
  for (let x = 0; x < volume; x++) {
    for (let mu = 0; mu < D; mu++) {
      for (let nu = 0; nu < D; nu++) {
        if (nu === mu) continue;
        if (mu < nu) {
          const plaquette: Path = [
            [mu, 1],
            [nu, 1],
            [mu, -1],
            [nu, -1],
          ];
          wilsonLine(loop, 0, field, x, plaquette);
          s += c0 * (g.N - g.reTrace(loop, 0));
        }
        if (c1 !== 0) {
          const rectangle: Path = [
            [mu, 2],
            [nu, 1],
            [mu, -2],
            [nu, -1],
          ];
          wilsonLine(loop, 0, field, x, rectangle);
          s += c1 * (g.N - g.reTrace(loop, 0));
        }
      }
    }
  }
  return s;
}

/** -Z of every link from the force phase (wilson, symanzik), in the layout of the links. */
function minusZ(field: GaugeField, action: FlowAction): Float64Array {
  const accumulator = new Float64Array(field.links.length);
  const ctx = new FlowKernelContext(field.lattice, field.group, action, {
    links: field.links,
    accumulator,
  });
  // stage 0 accumulates X <- -(1/4) epsilon P; with epsilon = -4 that is X = P = -Z
  forcePhase(ctx, 0, field.lattice.volume, { stage: 0, epsilon: -4, adaptive: false });
  return accumulator;
}

describe('the flow force', () => {
  for (const action of ['wilson', 'symanzik'] as const) {
    for (const [N, dims] of [
      [2, [4, 3, 4]],
      [3, [3, 4, 3, 3]],
      [4, [3, 3]],
    ] as const) {
      it(`${action}, SU(${N}) ${dims.join('x')}: tr(X Z) = d/ds S(e^{sX} V) for every link (central differences, 1e-9)`, () => {
        const field = roughField([...dims], N, 11 * N + dims.length, 0.6);
        const g = field.group;
        const m = g.matrixSize;
        const P = minusZ(field, action);
        const rng = new Xoshiro128(5);
        const X = new Float64Array(m);
        const E = new Float64Array(m);
        const saved = new Float64Array(m);
        const h = 1e-3;
        let worst = 0;
        let scale = 0;
        for (let link = 0; link < field.lattice.volume * field.lattice.D; link += 3) {
          const off = link * m;
          randomNearIdentity(X, 0, g, rng, 1);
          g.projectAlgebra(X, 0, X, 0); // a random element of su(N)
          saved.set(field.links.subarray(off, off + m));
          const at = (s: number): number => {
            g.scale(E, 0, X, 0, s, 0);
            g.exp(E, 0, E, 0);
            g.multiply(field.links, off, E, 0, saved, 0);
            return flowAction(field, action);
          };
          // fourth-order central difference: (8 [S(h) - S(-h)] - [S(2h) - S(-2h)]) / (12 h)
          const derivative = (8 * (at(h) - at(-h)) - (at(2 * h) - at(-2 * h))) / (12 * h);
          field.links.set(saved, off);
          const trXZ = -g.reTraceMultiply(X, 0, P, off); // Z = -P
          worst = Math.max(worst, Math.abs(derivative - trXZ));
          scale = Math.max(scale, Math.abs(trXZ));
        }
        expect(scale).toBeGreaterThan(0.1);
        expect(worst).toBeLessThan(1e-9);
      });
    }
  }

  /**
   * SU(2) links V_0(x) = exp(i eps cos(k.x) sigma3), all others 1: an abelian mode of small
   * amplitude, for which -Z_0(x) = lambda eps cos(k.x) i sigma3 + O(eps^3).
   */
  function mode(dims: number[], k: number[], eps: number): GaugeField {
    const lattice = new Lattice(dims);
    const field = GaugeField.cold(lattice, 2);
    const x = new Array<number>(lattice.D);
    for (let site = 0; site < lattice.volume; site++) {
      lattice.coordinates(site, x);
      const a = eps * Math.cos(k.reduce((s, kk, mu) => s + kk * x[mu], 0));
      const o = field.offset(site, 0);
      field.links[o] = Math.cos(a);
      field.links[o + 1] = Math.sin(a);
      field.links[o + 6] = Math.cos(a);
      field.links[o + 7] = -Math.sin(a);
    }
    return field;
  }

  /** lambda of -Z_0 = lambda a(x) i sigma3 at the site where cos(k.x) is largest. */
  function rate(field: GaugeField, P: Float64Array, eps: number, k: number[]): number {
    const x = new Array<number>(field.lattice.D);
    let best = 0;
    let lambda = NaN;
    for (let site = 0; site < field.lattice.volume; site++) {
      field.lattice.coordinates(site, x);
      const c = Math.cos(k.reduce((s, kk, mu) => s + kk * x[mu], 0));
      if (Math.abs(c) > best) {
        best = Math.abs(c);
        lambda = P[field.offset(site, 0) + 1] / (eps * c);
      }
    }
    return lambda;
  }

  it('has the weak-field kernel khat^2 (Wilson) and k^2 + O(k^6) (Symanzik) for a transverse mode', () => {
    const L = 12;
    const eps = 1e-6;
    for (const n of [1, 2, 3]) {
      const k1 = (2 * Math.PI * n) / L;
      const field = mode([4, L], [0, k1], eps);
      const wilson = rate(field, minusZ(field, 'wilson'), eps, [0, k1]);
      const symanzik = rate(field, minusZ(field, 'symanzik'), eps, [0, k1]);
      const khat2 = 2 * (1 - Math.cos(k1));
      // derived in the module header of src/lattice/rectangleStaple.ts's action, for A_0(x_1):
      // (c0 + 4 c1) khat^2 + c1 * 2 (1 - cos 2k)
      const expected = (4 / 3) * khat2 - (1 / 12) * 2 * (1 - Math.cos(2 * k1));
      expect(Math.abs(wilson / khat2 - 1)).toBeLessThan(1e-9);
      expect(Math.abs(symanzik / expected - 1)).toBeLessThan(1e-9);
      // the improvement: Wilson is off by k^4/12, Symanzik only at O(k^6) (small k)
      if (n < 3) {
        expect(Math.abs(symanzik - k1 * k1)).toBeLessThan(0.2 * Math.abs(wilson - k1 * k1));
      }
    }
  });

  it('zeuthen multiplies a mode e^{i k.x} of V_0 by 1 - khat_0^2 / 12 relative to symanzik (1e-9)', () => {
    const eps = 1e-6;
    const dims = [6, 8, 3];
    for (const k of [
      [(2 * Math.PI) / 6, (2 * Math.PI) / 8, 0],
      [(4 * Math.PI) / 6, (2 * Math.PI) / 8, (2 * Math.PI) / 3],
    ]) {
      const field = mode(dims, k, eps);
      const symanzik = minusZ(field, 'symanzik');
      const accumulator = new Float64Array(field.links.length);
      const ctx = new FlowKernelContext(field.lattice, field.group, 'zeuthen', {
        links: field.links,
        accumulator,
        force: new Float64Array(field.links.length),
      });
      const spec = { stage: 0, epsilon: -4, adaptive: false };
      forcePhase(ctx, 0, field.lattice.volume, spec);
      zeuthenPhase(ctx, 0, field.lattice.volume, spec);
      const ratio = rate(field, accumulator, eps, k) / rate(field, symanzik, eps, k);
      const khat0 = 2 * (1 - Math.cos(k[0]));
      expect(Math.abs(ratio - (1 - khat0 / 12))).toBeLessThan(1e-9);
    }
  });

  it('is in su(N) for every action (anti-hermitian and traceless to 1e-15)', () => {
    const g = kernelsFor(3);
    const field = roughField([3, 3, 3, 3], 3, 9, 0.9);
    for (const action of ['wilson', 'symanzik'] as const) {
      const P = minusZ(field, action);
      const adj = new Float64Array(g.matrixSize);
      for (let off = 0; off < P.length; off += g.matrixSize) {
        g.adjoint(adj, 0, P, off);
        for (let k = 0; k < g.matrixSize; k++) {
          expect(Math.abs(adj[k] + P[off + k])).toBeLessThan(1e-15);
        }
        expect(Math.abs(g.imTrace(P, off))).toBeLessThan(1e-15);
      }
    }
  });
});
