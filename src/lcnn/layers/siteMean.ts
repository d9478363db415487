/**
 * Mean over sites: per-site features -> one value per configuration. Keeps translation
 * invariance and lets a model trained on 8x8 run on 64x64 (PRL 128 (2022) 032003).
 *
 * @module
 */
import { rangeError } from '../../core/validate.js';
import type { Parameter } from '../parameter.js';
import { FeatureTensor, type Activation } from '../tensors.js';
import type { Layer, LayerSpec } from './layer.js';

/** f(b, x, i) -> (1/V) sum_x f(b, x, i). */
export class SiteMean implements Layer {
  readonly spec: LayerSpec = { type: 'mean' };
  readonly parameters: Parameter[] = [];
  private volume = 0;

  forward(input: Activation): FeatureTensor {
    if (!(input instanceof FeatureTensor)) {
      throw rangeError(
        'SiteMean.forward',
        'input',
        'real features (after a trace)',
        'a matrix field',
      );
    }
    const { batch: B, volume: V, features: F } = input;
    this.volume = V;
    const out = new FeatureTensor(B, 1, F);
    for (let b = 0; b < B; b++) {
      for (let x = 0; x < V; x++) {
        for (let f = 0; f < F; f++) out.data[b * F + f] += input.data[(b * V + x) * F + f] / V;
      }
    }
    return out;
  }

  backward(gradOutput: Activation): FeatureTensor {
    const G = gradOutput as FeatureTensor;
    const V = this.volume;
    const { batch: B, features: F } = G;
    const out = new FeatureTensor(B, V, F);
    for (let b = 0; b < B; b++) {
      for (let x = 0; x < V; x++) {
        for (let f = 0; f < F; f++) out.data[(b * V + x) * F + f] = G.data[b * F + f] / V;
      }
    }
    return out;
  }
}
