/**
 * The axis reach of a symmetric L-CNN on the one-plane lifted input without orientation
 * mixing, and the pseudo-scalar outputs it rules out (issue 20, section 3).
 *
 * Orientation g's network sees only the loops of the plane (g e_0, g e_1) (./liftedInput.ts,
 * "plane"). A feature is a sum of terms; each term is a product of those loops transported
 * along at most r further axes of g's frame, the reach, while the terms together may use u
 * further axes:
 *
 * - the input: r = u = 0;
 * - L-Conv with kernel K >= 1 (offsets along every axis, one axis per term, ./layers/lconv.ts):
 *   r + 1, and u = D - 2 (all further axes); K = 0: unchanged;
 * - L-Bilin (products of two features, ./layers/lbilin.ts): 2 r;
 * - L-CB (a convolution times the input, ./layers/lcb.ts): 2 r + 1 and u = D - 2 for K >= 1,
 *   2 r for K = 0;
 * - a nonlinear site-local map (lact, dense with relu or tanh) mixes all terms: r = u;
 * - linear site-local maps (trace, linear dense) and the site mean: unchanged.
 *
 * If r < D - 2, every term leaves some frame axis a unused besides e_0 and e_1, and g and
 * g R_a (R_a reflects e_a) give that term with opposite det: the det-weighted orientation pool
 * (./layers/orientationPool.ts) cancels it term by term, and the model outputs exactly zero
 * for every configuration. With mixing, or with the "frame" input, no axis is free. The rule is
 * sufficient, not necessary: SU(2) traces are real, which cancels some models it accepts.
 *
 * @module
 */
import type { LayerSpec } from './layers/layer.js';

/** The reach r of a stack of layers on the one-plane lifted input in D dimensions. */
export function liftedReach(D: number, layers: readonly LayerSpec[]): number {
  let r = 0;
  let u = 0;
  for (const layer of layers) {
    const spec = layer as { type?: unknown; kernel?: unknown; activation?: unknown };
    const widens = typeof spec.kernel === 'number' && spec.kernel >= 1;
    if (spec.type === 'lconv' && widens) r += 1;
    else if (spec.type === 'lbilin') r *= 2;
    else if (spec.type === 'lcb') r = 2 * r + (widens ? 1 : 0);
    else if (spec.type === 'lact') r = u;
    else if (spec.type === 'dense' && (spec.activation ?? 'linear') !== 'linear') r = u;
    if (widens && (spec.type === 'lconv' || spec.type === 'lcb')) u = D - 2;
    r = Math.min(r, D - 2);
  }
  return r;
}

/**
 * Why a pseudo-scalar head on the one-plane lifted input without mixing outputs zero in D
 * dimensions, or undefined when its reach (see {@link liftedReach}) allows a pseudo-scalar.
 */
export function pseudoscalarOutOfReach(
  D: number,
  layers: readonly LayerSpec[],
): string | undefined {
  const r = liftedReach(D, layers);
  if (r >= D - 2) return undefined;
  return (
    `each orientation sees the one plane (g e_0, g e_1) and every term of its output reaches ` +
    `at most ${r} further ` +
    `ax${r === 1 ? 'is' : 'es'}, fewer than the ${D - 2} needed in ${D}D, so the reflection of ` +
    'a frame axis none of them uses cancels every term of the det-weighted pool'
  );
}
