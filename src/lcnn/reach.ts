/**
 * The axis reach of a symmetric L-CNN on the one-plane lifted input without orientation
 * mixing, and the pseudo-scalar outputs it rules out (issue 20, section 3).
 *
 * Orientation g's network sees only the loops of the plane (g e_0, g e_1) (./liftedInput.ts,
 * "plane"). Every term of a feature is a product of those loops transported along at most r
 * further axes of g's frame, the reach:
 *
 * - the input: r = 0;
 * - L-Conv with kernel K >= 1 (offsets along one axis each, ./layers/lconv.ts): r + 1; K = 0: r;
 * - L-Bilin (products of two features, ./layers/lbilin.ts): 2 r;
 * - L-CB (a convolution times the input, ./layers/lcb.ts): 2 r + 1 for K >= 1, 2 r for K = 0;
 * - site-local maps (lact, trace, dense) and the site mean: r.
 *
 * If r < D - 2, some frame axis a is neither e_0, e_1 nor among the r axes of a term, and
 * g and g R_a (R_a reflects e_a) give the same term with opposite det: the det-weighted
 * orientation pool (./layers/orientationPool.ts) cancels it term by term, and the model
 * outputs exactly zero. With mixing, or with the "frame" input, no axis is free.
 *
 * @module
 */
import type { LayerSpec } from './layers/layer.js';

/** The reach r of a stack of layers on the one-plane lifted input (the rules above). */
export function liftedReach(layers: readonly LayerSpec[]): number {
  let r = 0;
  for (const layer of layers) {
    const spec = layer as { type?: unknown; kernel?: unknown };
    const widens = typeof spec.kernel === 'number' && spec.kernel >= 1 ? 1 : 0;
    if (spec.type === 'lconv') r += widens;
    else if (spec.type === 'lbilin') r *= 2;
    else if (spec.type === 'lcb') r = 2 * r + widens;
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
  const r = liftedReach(layers);
  if (r >= D - 2) return undefined;
  return (
    `each orientation sees the one plane (g e_0, g e_1) and its layers reach ${r} further ` +
    `ax${r === 1 ? 'is' : 'es'}, fewer than the ${D - 2} needed in ${D}D, so the reflection of ` +
    'a frame axis none of them uses cancels every term of the det-weighted pool'
  );
}
