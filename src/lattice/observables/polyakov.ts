/**
 * Polyakov loops: the Wilson line that winds once around the periodic axis `axis`,
 *
 *     P(x) = U_a(x) U_a(x + a) ... U_a(x + (L_a - 1) a),    p = < (1/N) tr P(x) >,
 *
 * (Polyakov, Phys. Lett. B 72 (1978) 477). P(x) transforms as Omega(x) P(x) Omega(x)^dagger,
 * so tr P is gauge invariant; it is 1 on a cold start and, for the time axis, an order
 * parameter of deconfinement. The average over all sites equals the average over the
 * hyperplane orthogonal to the axis (each loop is counted L_a times).
 *
 * @module
 */
import type { GaugeField } from '../gaugeField.js';
import type { MatrixField } from '../matrixField.js';
import { straightLines, wilsonLine, type Path } from '../transport.js';

/** A complex number. */
export interface Complex {
  /** Real part. */
  re: number;
  /** Imaginary part. */
  im: number;
}

/** The Polyakov loop matrices P(x) at every site, along `axis` (default: the last, time). */
export function polyakovLoopField(field: GaugeField, axis = field.lattice.D - 1): MatrixField {
  field.lattice.checkDirection('polyakovLoopField', 'axis', axis);
  return straightLines(field, axis, field.lattice.dims[axis]);
}

/** Per site (1/N) tr P(x) as interleaved (re, im) pairs, length 2V. */
export function sitePolyakovLoop(field: GaugeField, axis = field.lattice.D - 1): Float64Array {
  field.lattice.checkDirection('sitePolyakovLoop', 'axis', axis);
  const P = polyakovLoopField(field, axis);
  const g = field.group;
  const out = new Float64Array(2 * field.lattice.volume);
  for (let x = 0; x < field.lattice.volume; x++) {
    out[2 * x] = g.reTrace(P.data, x * g.matrixSize) / g.N;
    out[2 * x + 1] = g.imTrace(P.data, x * g.matrixSize) / g.N;
  }
  return out;
}

/** The average Polyakov loop p = <(1/N) tr P> along `axis`, as a complex number. */
export function polyakovLoop(field: GaugeField, axis = field.lattice.D - 1): Complex {
  field.lattice.checkDirection('polyakovLoop', 'axis', axis);
  const per = sitePolyakovLoop(field, axis);
  let re = 0;
  let im = 0;
  for (let x = 0; x < field.lattice.volume; x++) {
    re += per[2 * x];
    im += per[2 * x + 1];
  }
  return { re: re / field.lattice.volume, im: im / field.lattice.volume };
}

/**
 * The same average p = <(1/N) tr P> as {@link polyakovLoop}, formed from the V / L_axis loops
 * that start on the hyperplane x_axis = 0 (each loop once): V products instead of V L_axis,
 * and no field allocated. Equal to {@link polyakovLoop} up to rounding.
 */
export function hyperplanePolyakovLoop(field: GaugeField, axis = field.lattice.D - 1): Complex {
  field.lattice.checkDirection('hyperplanePolyakovLoop', 'axis', axis);
  const g = field.group;
  const { volume, dims, strides } = field.lattice;
  const L = dims[axis];
  const loop = new Float64Array(g.matrixSize);
  const path: Path = [[axis, L]];
  let re = 0;
  let im = 0;
  for (let x = 0; x < volume; x++) {
    if (Math.floor(x / strides[axis]) % L !== 0) continue;
    wilsonLine(loop, 0, field, x, path);
    re += g.reTrace(loop, 0);
    im += g.imTrace(loop, 0);
  }
  const n = (volume / L) * g.N;
  return { re: re / n, im: im / n };
}
