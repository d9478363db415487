/**
 * The Jacobi eigen-decomposition and the pseudo-inverse solve of the readout refit, against
 * mathjs (eigs, pinv) as the independent reference.
 */
import { describe, expect, it } from 'vitest';
import { pseudoInverseSolve, symmetricEigen } from '../../src/core/symmetricEigen.js';
import { Xoshiro128 } from '../../src/core/rng.js';
import { maxAbsDifference } from '../helpers.js';
import { math } from '../mathjs.js';

/** X^T X of a rows x n matrix of uniform random entries, its column `zero` set to 0. */
function gram(n: number, rows: number, seed: number, zero?: number): Float64Array {
  const rng = new Xoshiro128(seed);
  const X = Array.from({ length: rows }, () =>
    Array.from({ length: n }, (_, j) => (j === zero ? 0 : rng.uniform() - 0.5)),
  );
  const G = new Float64Array(n * n);
  for (const row of X)
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) G[i * n + j] += row[i] * row[j];
  return G;
}

describe('symmetricEigen', () => {
  it('decomposes a symmetric 7 x 7 matrix: V orthogonal, V D V^T = A, the eigenvalues of mathjs', () => {
    const n = 7;
    const rng = new Xoshiro128(5);
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) A[i * n + j] = A[j * n + i] = 2 * rng.uniform() - 1;
    }
    const { values, vectors: V } = symmetricEigen(A, n);
    const rebuilt = new Float64Array(n * n);
    const identity = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        for (let k = 0; k < n; k++) {
          rebuilt[i * n + j] += V[i * n + k] * values[k] * V[j * n + k];
          identity[i * n + j] += V[k * n + i] * V[k * n + j];
        }
      }
    }
    expect(maxAbsDifference(rebuilt, A)).toBeLessThan(1e-14);
    const unit = Float64Array.from({ length: n * n }, (_, k) => (k % (n + 1) === 0 ? 1 : 0));
    expect(maxAbsDifference(identity, unit)).toBeLessThan(1e-14);
    const rows = Array.from({ length: n }, (_, i) => Array.from(A.subarray(i * n, i * n + n)));
    const reference = (math.eigs(rows).values as unknown as number[]).slice().sort((a, b) => a - b);
    const ours = Array.from(values).sort((a, b) => a - b);
    expect(maxAbsDifference(ours, reference)).toBeLessThan(1e-13);
  });

  it('refuses a matrix that is not symmetric, naming the entries', () => {
    expect(() => symmetricEigen([1, 2, 3, 4], 2)).toThrow(
      'symmetricEigen: invalid a: expected a finite symmetric matrix, got a[1][0] = 3, a[0][1] = 2',
    );
  });
});

describe('pseudoInverseSolve', () => {
  it('solves regular normal equations as mathjs does', () => {
    const n = 5;
    const G = gram(n, 40, 7);
    const b = [0.3, -1, 2, 0.5, 0.25];
    const rows = Array.from({ length: n }, (_, i) => Array.from(G.subarray(i * n, i * n + n)));
    const reference = math
      .lusolve(
        rows,
        b.map((x) => [x]),
      )
      .map((r) => (r as number[])[0]);
    expect(maxAbsDifference(pseudoInverseSolve(G, b, n), reference)).toBeLessThan(1e-11);
  });

  it('gives the minimum-norm solution of singular ones (a feature always zero): weight 0 for it, the rest as without it', () => {
    const n = 5;
    const G = gram(n, 40, 8, 2);
    // b in the range of G, as X^T y is
    const b = [0.3, -1, 0, 0.5, 0.25];
    const x = pseudoInverseSolve(G, b, n);
    // the minimum-norm solution: the regular system without feature 2, and 0 for it
    const kept = [0, 1, 3, 4];
    const reduced = kept.map((i) => kept.map((j) => G[i * n + j]));
    const solved = math
      .lusolve(
        reduced,
        kept.map((i) => [b[i]]),
      )
      .map((r) => (r as number[])[0]);
    const reference = [solved[0], solved[1], 0, solved[2], solved[3]];
    expect(maxAbsDifference(x, reference)).toBeLessThan(1e-11);
    expect(x[2]).toBe(0);
    // and a solution: G x = b
    const Gx = Array.from({ length: n }, (_, i) =>
      x.reduce((s, xj, j) => s + G[i * n + j] * xj, 0),
    );
    expect(maxAbsDifference(Gx, b)).toBeLessThan(1e-13);
  });
});
