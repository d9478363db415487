/**
 * Kernels for SU(N), any N >= 2: plain loops over the layout of `./types.ts`.
 *
 * This is the reference path. `su2` and `su3` are fully unrolled versions of the same verbs
 * (1.6-1.8x faster for products, 12-50x for exp and reunitarize; bench/RESULTS.md); their tests compare them against this file and against mathjs.
 * Each kernel set owns a little scratch space (allocated once, when the set is created), so
 * that aliasing `out` with an input is safe and no kernel allocates.
 *
 * @module
 */
import type { Matrices, SUNKernels } from './types.js';
import { checkN } from '../core/validate.js';

/**
 * Creates the generic kernels for SU(N).
 *
 * @param N - number of colours, an integer >= 2.
 * @throws RangeError when N is not an integer >= 2.
 */
export function createSUNKernels(N: number): SUNKernels {
  checkN('createSUNKernels', N);
  const size = 2 * N * N;
  const row = 2 * N;
  const scratch = new Float64Array(size);
  const scratch2 = new Float64Array(size);
  const power = new Float64Array(size);
  const lu = new Float64Array(size);

  function identity(out: Matrices, oOff: number): Matrices {
    out.fill(0, oOff, oOff + size);
    for (let i = 0; i < N; i++) out[oOff + i * row + 2 * i] = 1;
    return out;
  }

  function zero(out: Matrices, oOff: number): Matrices {
    out.fill(0, oOff, oOff + size);
    return out;
  }

  function copy(out: Matrices, oOff: number, a: Matrices, aOff: number): Matrices {
    for (let k = 0; k < size; k++) out[oOff + k] = a[aOff + k];
    return out;
  }

  /** Product with optional adjoints: out = op(a) op(b), computed into scratch first. */
  function product(
    out: Matrices,
    oOff: number,
    a: Matrices,
    aOff: number,
    adjA: boolean,
    b: Matrices,
    bOff: number,
    adjB: boolean,
  ): Matrices {
    for (let r = 0; r < N; r++) {
      for (let c = 0; c < N; c++) {
        let re = 0;
        let im = 0;
        for (let k = 0; k < N; k++) {
          // op(a)_rk and op(b)_kc; the adjoint reads the transposed element, conjugated.
          const ia = aOff + (adjA ? k * row + 2 * r : r * row + 2 * k);
          const ib = bOff + (adjB ? c * row + 2 * k : k * row + 2 * c);
          const ar = a[ia];
          const ai = adjA ? -a[ia + 1] : a[ia + 1];
          const br = b[ib];
          const bi = adjB ? -b[ib + 1] : b[ib + 1];
          re += ar * br - ai * bi;
          im += ar * bi + ai * br;
        }
        scratch[r * row + 2 * c] = re;
        scratch[r * row + 2 * c + 1] = im;
      }
    }
    return copy(out, oOff, scratch, 0);
  }

  function multiply(
    out: Matrices,
    oOff: number,
    a: Matrices,
    aOff: number,
    b: Matrices,
    bOff: number,
  ): Matrices {
    return product(out, oOff, a, aOff, false, b, bOff, false);
  }

  function multiplyAdjoint(
    out: Matrices,
    oOff: number,
    a: Matrices,
    aOff: number,
    b: Matrices,
    bOff: number,
  ): Matrices {
    return product(out, oOff, a, aOff, false, b, bOff, true);
  }

  function adjointMultiply(
    out: Matrices,
    oOff: number,
    a: Matrices,
    aOff: number,
    b: Matrices,
    bOff: number,
  ): Matrices {
    return product(out, oOff, a, aOff, true, b, bOff, false);
  }

  function adjoint(out: Matrices, oOff: number, a: Matrices, aOff: number): Matrices {
    for (let r = 0; r < N; r++) {
      for (let c = 0; c < N; c++) {
        scratch[r * row + 2 * c] = a[aOff + c * row + 2 * r];
        scratch[r * row + 2 * c + 1] = -a[aOff + c * row + 2 * r + 1];
      }
    }
    return copy(out, oOff, scratch, 0);
  }

  function add(
    out: Matrices,
    oOff: number,
    a: Matrices,
    aOff: number,
    b: Matrices,
    bOff: number,
  ): Matrices {
    for (let k = 0; k < size; k++) out[oOff + k] = a[aOff + k] + b[bOff + k];
    return out;
  }

  function subtract(
    out: Matrices,
    oOff: number,
    a: Matrices,
    aOff: number,
    b: Matrices,
    bOff: number,
  ): Matrices {
    for (let k = 0; k < size; k++) out[oOff + k] = a[aOff + k] - b[bOff + k];
    return out;
  }

  function scale(
    out: Matrices,
    oOff: number,
    a: Matrices,
    aOff: number,
    sRe: number,
    sIm: number,
  ): Matrices {
    for (let k = 0; k < size; k += 2) {
      const re = a[aOff + k];
      const im = a[aOff + k + 1];
      out[oOff + k] = sRe * re - sIm * im;
      out[oOff + k + 1] = sRe * im + sIm * re;
    }
    return out;
  }

  function axpy(out: Matrices, oOff: number, s: number, a: Matrices, aOff: number): Matrices {
    for (let k = 0; k < size; k++) out[oOff + k] += s * a[aOff + k];
    return out;
  }

  function reTrace(a: Matrices, aOff: number): number {
    let t = 0;
    for (let i = 0; i < N; i++) t += a[aOff + i * row + 2 * i];
    return t;
  }

  function imTrace(a: Matrices, aOff: number): number {
    let t = 0;
    for (let i = 0; i < N; i++) t += a[aOff + i * row + 2 * i + 1];
    return t;
  }

  function trace(
    out: Matrices | number[],
    oOff: number,
    a: Matrices,
    aOff: number,
  ): Matrices | number[] {
    out[oOff] = reTrace(a, aOff);
    out[oOff + 1] = imTrace(a, aOff);
    return out;
  }

  function reTraceMultiply(a: Matrices, aOff: number, b: Matrices, bOff: number): number {
    // Re tr(ab) = sum_rk Re(a_rk b_kr)
    let t = 0;
    for (let r = 0; r < N; r++) {
      for (let k = 0; k < N; k++) {
        const ia = aOff + r * row + 2 * k;
        const ib = bOff + k * row + 2 * r;
        t += a[ia] * b[ib] - a[ia + 1] * b[ib + 1];
      }
    }
    return t;
  }

  function reTraceMultiplyAdjoint(a: Matrices, aOff: number, b: Matrices, bOff: number): number {
    let t = 0;
    for (let k = 0; k < size; k++) t += a[aOff + k] * b[bOff + k];
    return t;
  }

  function det(
    out: Matrices | number[],
    oOff: number,
    a: Matrices,
    aOff: number,
  ): Matrices | number[] {
    // LU decomposition with partial pivoting; det = sign * prod(diag).
    copy(lu, 0, a, aOff);
    let dRe = 1;
    let dIm = 0;
    for (let k = 0; k < N; k++) {
      let p = k;
      let best = -1;
      for (let r = k; r < N; r++) {
        // squared modulus: the same pivot as |.|, without Math.hypot's cost (34 ns in V8)
        const m = lu[r * row + 2 * k] ** 2 + lu[r * row + 2 * k + 1] ** 2;
        if (m > best) {
          best = m;
          p = r;
        }
      }
      if (best === 0) {
        out[oOff] = 0;
        out[oOff + 1] = 0;
        return out;
      }
      if (p !== k) {
        for (let c = 0; c < row; c++) {
          const t = lu[k * row + c];
          lu[k * row + c] = lu[p * row + c];
          lu[p * row + c] = t;
        }
        dRe = -dRe;
        dIm = -dIm;
      }
      const pr = lu[k * row + 2 * k];
      const pi = lu[k * row + 2 * k + 1];
      const nr = dRe * pr - dIm * pi;
      dIm = dRe * pi + dIm * pr;
      dRe = nr;
      const inv = 1 / (pr * pr + pi * pi);
      for (let r = k + 1; r < N; r++) {
        // f = lu_rk / lu_kk
        const xr = lu[r * row + 2 * k];
        const xi = lu[r * row + 2 * k + 1];
        const fr = (xr * pr + xi * pi) * inv;
        const fi = (xi * pr - xr * pi) * inv;
        for (let c = k; c < N; c++) {
          const yr = lu[k * row + 2 * c];
          const yi = lu[k * row + 2 * c + 1];
          lu[r * row + 2 * c] -= fr * yr - fi * yi;
          lu[r * row + 2 * c + 1] -= fr * yi + fi * yr;
        }
      }
    }
    out[oOff] = dRe;
    out[oOff + 1] = dIm;
    return out;
  }

  const detScratch = [0, 0];

  function reunitarize(out: Matrices, oOff: number, a: Matrices, aOff: number): Matrices {
    copy(scratch2, 0, a, aOff);
    // Modified Gram-Schmidt on the rows.
    for (let r = 0; r < N; r++) {
      for (let q = 0; q < r; q++) {
        // <row q, row r> = sum_c conj(u_qc) u_rc
        let pr = 0;
        let pi = 0;
        for (let c = 0; c < N; c++) {
          const qr = scratch2[q * row + 2 * c];
          const qi = scratch2[q * row + 2 * c + 1];
          const rr = scratch2[r * row + 2 * c];
          const ri = scratch2[r * row + 2 * c + 1];
          pr += qr * rr + qi * ri;
          pi += qr * ri - qi * rr;
        }
        for (let c = 0; c < N; c++) {
          const qr = scratch2[q * row + 2 * c];
          const qi = scratch2[q * row + 2 * c + 1];
          scratch2[r * row + 2 * c] -= pr * qr - pi * qi;
          scratch2[r * row + 2 * c + 1] -= pr * qi + pi * qr;
        }
      }
      let norm = 0;
      for (let c = 0; c < row; c++) norm += scratch2[r * row + c] ** 2;
      const inv = 1 / Math.sqrt(norm);
      for (let c = 0; c < row; c++) scratch2[r * row + c] *= inv;
    }
    // The rows are now orthonormal, so |det| = 1; multiplying the last row by conj(det)
    // makes det = 1.
    det(detScratch, 0, scratch2, 0);
    const dr = detScratch[0];
    const di = -detScratch[1];
    const last = (N - 1) * row;
    for (let c = 0; c < N; c++) {
      const xr = scratch2[last + 2 * c];
      const xi = scratch2[last + 2 * c + 1];
      scratch2[last + 2 * c] = xr * dr - xi * di;
      scratch2[last + 2 * c + 1] = xr * di + xi * dr;
    }
    return copy(out, oOff, scratch2, 0);
  }

  function projectAlgebra(out: Matrices, oOff: number, a: Matrices, aOff: number): Matrices {
    // X = (a - a^dagger)/2 - tr(a - a^dagger)/(2N) 1; tr(a - a^dagger) = 2i Im tr a.
    const shift = imTrace(a, aOff) / N;
    for (let r = 0; r < N; r++) {
      for (let c = r; c < N; c++) {
        const irc = aOff + r * row + 2 * c;
        const icr = aOff + c * row + 2 * r;
        const re = 0.5 * (a[irc] - a[icr]);
        const im = 0.5 * (a[irc + 1] + a[icr + 1]);
        scratch[r * row + 2 * c] = re;
        scratch[r * row + 2 * c + 1] = im;
        scratch[c * row + 2 * r] = -re;
        scratch[c * row + 2 * r + 1] = im;
      }
      scratch[r * row + 2 * r] = 0;
      scratch[r * row + 2 * r + 1] -= shift;
    }
    return copy(out, oOff, scratch, 0);
  }

  function exp(out: Matrices, oOff: number, a: Matrices, aOff: number): Matrices {
    // Scaling and squaring (Higham, SIAM J. Matrix Anal. Appl. 26 (2005) 1179): scale by
    // 2^-s until the Frobenius norm is below 1/2, sum the Taylor series to machine
    // precision, then square s times.
    let norm = 0;
    for (let k = 0; k < size; k++) norm += a[aOff + k] ** 2;
    norm = Math.sqrt(norm);
    // A non-finite norm (an infinite entry, or squares that overflow) would ask for infinitely
    // many squarings below; there is no finite exponential to return, so the result is NaN.
    if (!Number.isFinite(norm)) return out.fill(NaN, oOff, oOff + size);
    const s = norm > 0.5 ? Math.ceil(Math.log2(norm / 0.5)) : 0;
    const f = 2 ** -s;
    // scratch2 = X = a 2^-s; power = X^k / k!; lu = running sum (scratch is used by product).
    for (let k = 0; k < size; k++) scratch2[k] = a[aOff + k] * f;
    identity(power, 0);
    identity(lu, 0);
    for (let k = 1; k < 40; k++) {
      product(power, 0, power, 0, false, scratch2, 0, false);
      let termNorm = 0;
      for (let j = 0; j < size; j++) {
        power[j] /= k;
        lu[j] += power[j];
        termNorm += power[j] * power[j];
      }
      if (termNorm < 1e-36) break;
    }
    for (let j = 0; j < s; j++) product(lu, 0, lu, 0, false, lu, 0, false);
    return copy(out, oOff, lu, 0);
  }

  function equals(
    a: Matrices,
    aOff: number,
    b: Matrices,
    bOff: number,
    tolerance = 1e-12,
  ): boolean {
    for (let k = 0; k < size; k++) {
      if (!(Math.abs(a[aOff + k] - b[bOff + k]) <= tolerance)) return false;
    }
    return true;
  }

  function exactEquals(a: Matrices, aOff: number, b: Matrices, bOff: number): boolean {
    for (let k = 0; k < size; k++) if (a[aOff + k] !== b[bOff + k]) return false;
    return true;
  }

  return {
    N,
    matrixSize: size,
    algebraDim: N * N - 1,
    identity,
    zero,
    copy,
    multiply,
    multiplyAdjoint,
    adjointMultiply,
    adjoint,
    add,
    subtract,
    scale,
    axpy,
    trace,
    reTrace,
    imTrace,
    reTraceMultiply,
    reTraceMultiplyAdjoint,
    det,
    reunitarize,
    projectAlgebra,
    exp,
    equals,
    exactEquals,
  };
}
