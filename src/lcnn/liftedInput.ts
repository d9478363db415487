/**
 * The input layer of a symmetric L-CNN: every loop of the plain input (./inputFeatures.ts)
 * evaluated along the rotated and reflected axes of each orientation g of the symmetry group
 * (Aronsson, Mueller & Schuh, arXiv:2303.11448, sec. IV.B, the lifting layer):
 *
 *     F_{c, g}(x) = W_c(g e_0, g e_1)(x),
 *
 * the loop c (a plaquette, an R x T Wilson loop, or the Polyakov loop along g e_{D-1}) whose
 * sides run along the signed directions g e_0 and g e_1. Straight lines map to straight lines
 * under a point element R, so F[R U]_{c,g}(R x) = F[U]_{c, R^-1 g}(x): the regular
 * representation of ./symmetry.ts. One plaquette channel suffices: the orientations reach
 * every plane and both of its orientations. Loops R x T with R != T keep their T x R partner,
 * as in the plain input, because a rotation alone does not turn one into the other.
 *
 * Two variants ({@link LiftedInput}): "plane" carries, per orientation g, only the loops of the
 * plane (g e_0, g e_1), as above; "frame" carries the loops of every plane of g's frame,
 * W_c(g e_mu, g e_nu)(x) for all mu < nu, in the plane order (0,1), (0,2), ..., (D-2,D-1). With
 * "plane", an orientation's network that never mixes orientations sees one plane only, so no
 * product such as F_01 F_23 forms and a det-weighted pool cancels (the charge is out of reach);
 * with "frame" each orientation sees what a plain L-CNN sees, in its own axes, and the
 * non-mixing model is the group average of a plain L-CNN. The law above holds for both, since
 * every channel is a loop along straight lines g e_mu. In 2D both are the same.
 *
 * @module
 */
import type { InputSpec } from './inputFeatures.js';
import type { SymmetryGroup } from './symmetry.js';
import { MatrixTensor, type GaugeBatch } from './tensors.js';
import type { TransportCache } from './transportCache.js';

/** Which loops the lifted input carries per orientation g (see the module comment). */
export type LiftedInput = 'plane' | 'frame';

/** The accepted values of {@link LiftedInput}. */
export const LIFTED_INPUTS: readonly LiftedInput[] = ['plane', 'frame'];

/** The frame planes (mu, nu), mu < nu, of each orientation: only (0, 1) for "plane". */
function framePlanes(D: number, mode: LiftedInput): Array<[number, number]> {
  if (mode === 'plane') return [[0, 1]];
  const out: Array<[number, number]> = [];
  for (let mu = 0; mu < D; mu++) for (let nu = mu + 1; nu < D; nu++) out.push([mu, nu]);
  return out;
}

/** The (R, T) extents of the rectangular channels: the plaquette, then the loops. */
function rectangles(spec: InputSpec): Array<[number, number]> {
  const out: Array<[number, number]> = [[1, 1]];
  for (const [R, T] of spec.loops ?? []) {
    out.push([R, T]);
    if (R !== T) out.push([T, R]);
  }
  return out;
}

/**
 * Channels per orientation of the lifted input: planes x rectangles (+1 for the Polyakov
 * loop), one plane for "plane" (the default) and D (D - 1) / 2 for "frame".
 */
export function liftedInputChannels(
  spec: InputSpec = {},
  D = 2,
  mode: LiftedInput = 'plane',
): number {
  return framePlanes(D, mode).length * rectangles(spec).length + (spec.polyakov ? 1 : 0);
}

/**
 * The loops of one signed plane at every site of the batch, [B V] matrices: sides r along
 * s0 e_mu and t along s1 e_nu, W(x) = L_a^r(x) L_b^t(x + r a) [L_b^t(x) L_a^r(x + t b)]^+
 * (./inputFeatures.ts). Many orientations share a signed plane (those differing only in the
 * image of the other axes), so the callers compute each once per batch.
 */
function signedPlaneLoops(
  gauge: GaugeBatch,
  transport: TransportCache,
  [mu, s0, nu, s1]: readonly number[],
  [r, t]: readonly number[],
): Float64Array {
  const { lattice, group: g, batch } = gauge;
  const V = lattice.volume;
  const m = g.matrixSize;
  const out = new Float64Array(batch * V * m);
  const a = new Float64Array(m);
  const c = new Float64Array(m);
  const La = transport.get(mu, s0 * r);
  const Lb = transport.get(nu, s1 * t);
  for (let b = 0; b < batch; b++) {
    for (let x = 0; x < V; x++) {
      const xa = lattice.shift(x, mu, s0 * r);
      const xb = lattice.shift(x, nu, s1 * t);
      g.multiply(a, 0, La, (b * V + x) * m, Lb, (b * V + xa) * m);
      g.multiply(c, 0, Lb, (b * V + x) * m, La, (b * V + xb) * m);
      g.multiplyAdjoint(out, (b * V + x) * m, a, 0, c, 0);
    }
  }
  return out;
}

/**
 * Calls `visit(o, channel, loops)` for every orientation o and channel with that channel's
 * matrices at every site ([B V] matrices): the loops of each rectangle and frame plane, each
 * signed plane's loops computed once, then the Polyakov line if the spec asks for it.
 */
function forEachLiftedLoop(
  gauge: GaugeBatch,
  transport: TransportCache,
  spec: InputSpec,
  group: SymmetryGroup,
  mode: LiftedInput,
  visit: (o: number, channel: number, loops: Float64Array) => void,
): void {
  const D = gauge.lattice.D;
  const rects = rectangles(spec);
  const planes = framePlanes(D, mode);
  const cache = new Map<string, Float64Array>();
  for (let o = 0; o < group.size; o++) {
    const R = group.elements[o];
    planes.forEach(([i, j], plane) => {
      // g e_i = s0 e_mu, g e_j = s1 e_nu
      const signed = [R.perm[i], R.signs[i], R.perm[j], R.signs[j]];
      rects.forEach((rect, k) => {
        const key = `${signed.join(',')}:${rect.join('x')}`;
        let loops = cache.get(key);
        if (loops === undefined) {
          loops = signedPlaneLoops(gauge, transport, signed, rect);
          cache.set(key, loops);
        }
        visit(o, plane * rects.length + k, loops);
      });
    });
    if (spec.polyakov) {
      // the line along g e_{D-1}, the last channel
      const axis = R.perm[D - 1];
      const line = transport.get(axis, R.signs[D - 1] * gauge.lattice.dims[axis]);
      visit(o, planes.length * rects.length, line);
    }
  }
}

/** The lifted input of a batch: [B, V, G C] in orientation-major channel order. */
export function liftedInputFeatures(
  gauge: GaugeBatch,
  transport: TransportCache,
  spec: InputSpec,
  group: SymmetryGroup,
  mode: LiftedInput = 'plane',
): MatrixTensor {
  const { lattice, group: g, batch } = gauge;
  const { volume: V, D } = lattice;
  const m = g.matrixSize;
  const C = liftedInputChannels(spec, D, mode);
  const G = group.size;
  const out = new MatrixTensor(batch, V, G * C, g);
  forEachLiftedLoop(gauge, transport, spec, group, mode, (o, channel, loops) => {
    for (let s = 0; s < batch * V; s++) {
      out.data.set(loops.subarray(s * m, (s + 1) * m), (s * G * C + o * C + channel) * m);
    }
  });
  return out;
}

/**
 * The orbit average of the lifted input, (1/|G|) sum_g F_{c,g}(x): invariant matrices,
 * F[R U]_c(R x) = F[U]_c(x), the input of the tied ("mu-independent") construction. With
 * reflections both orientations of every plaquette enter, so for SU(2), where U + U^+ is
 * (tr U) 1, only traces survive; rotations alone keep the orientation in 2D. Each signed
 * plane's loops are computed once (./liftedInput.ts forEachLiftedLoop), not once per element.
 */
export function invariantInputFeatures(
  gauge: GaugeBatch,
  transport: TransportCache,
  spec: InputSpec,
  group: SymmetryGroup,
  mode: LiftedInput = 'plane',
): MatrixTensor {
  const { lattice, group: g, batch } = gauge;
  const { volume: V, D } = lattice;
  const m = g.matrixSize;
  const C = liftedInputChannels(spec, D, mode);
  const G = group.size;
  const out = new MatrixTensor(batch, V, C, g);
  // summed in the order of the elements, as the average of the lifted input was
  forEachLiftedLoop(gauge, transport, spec, group, mode, (_, channel, loops) => {
    for (let s = 0; s < batch * V; s++) {
      const to = (s * C + channel) * m;
      for (let k = 0; k < m; k++) out.data[to + k] += loops[s * m + k] / G;
    }
  });
  return out;
}
