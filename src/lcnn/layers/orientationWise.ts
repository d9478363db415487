/**
 * A site-local layer (L-Bilin, L-Act, Trace, Dense) applied to every orientation of a lifted
 * feature (../symmetry.ts) with the same weights. Site-local maps commute with moving sites
 * and relabelling orientations, so the wrapped layer keeps the law
 * F[R U]_{c,g}(R x) = F[U]_{c, R^-1 g}(x) (Aronsson, Mueller & Schuh, arXiv:2303.11448,
 * sec. IV.B). No copies: the [B, V, G C] tensor is viewed as [B, V G, C].
 *
 * @module
 */
import type { Parameter } from '../parameter.js';
import { orientationFeatureView, orientationView, siteFeatureView, siteView } from '../symmetry.js';
import { MatrixTensor, type Activation } from '../tensors.js';
import type { BatchContext, Layer, LayerSpec } from './layer.js';

function toOrientations(a: Activation, G: number): Activation {
  return a instanceof MatrixTensor ? orientationView(a, G) : orientationFeatureView(a, G);
}

function toSites(a: Activation, G: number): Activation {
  return a instanceof MatrixTensor ? siteView(a, G) : siteFeatureView(a, G);
}

/** The wrapped layer run once per orientation. */
export class OrientationWise implements Layer {
  readonly spec: LayerSpec;
  readonly parameters: Parameter[];

  constructor(
    /** A layer that acts on each site on its own. */
    readonly inner: Layer,
    /** Number of orientations |G|. */
    readonly orientations: number,
  ) {
    this.spec = inner.spec;
    this.parameters = inner.parameters;
  }

  forward(input: Activation, ctx: BatchContext): Activation {
    const G = this.orientations;
    return toSites(this.inner.forward(toOrientations(input, G), ctx), G);
  }

  backward(
    gradOutput: Activation,
    ctx: BatchContext,
    inputGradient = true,
  ): Activation | undefined {
    const G = this.orientations;
    const g = this.inner.backward(toOrientations(gradOutput, G), ctx, inputGradient);
    return g === undefined ? undefined : toSites(g, G);
  }
}
