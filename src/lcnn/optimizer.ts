/**
 * Adam and AdamW (Kingma & Ba, ICLR 2015, Algorithm 1; Loshchilov & Hutter, ICLR 2019,
 * Algorithm 2 for the decoupled weight decay), with the AMSGrad variant (Reddi, Kale &
 * Kumar, ICLR 2018) that the L-CNN paper trained with.
 *
 * @module
 */
import { rangeError } from '../core/validate.js';
import type { Parameter } from './parameter.js';

/** Hyper-parameters of Adam/AdamW. */
export interface AdamOptions {
  /** Step size alpha. */
  learningRate: number;
  /** Decoupled weight decay lambda (AdamW); 0 gives Adam. */
  weightDecay?: number;
  /** Decay rate of the first-moment (mean) estimate; default 0.9. */
  beta1?: number;
  /** Decay rate of the second-moment (uncentred variance) estimate; default 0.999. */
  beta2?: number;
  /** Added to the square root of the second moment to avoid division by zero; default 1e-8. */
  epsilon?: number;
  /** Use the running maximum of the second moment (AMSGrad). */
  amsgrad?: boolean;
}

/** The optimizer's state, for checkpoints. */
export interface AdamState {
  /** Number of updates done so far. */
  step: number;
  /** First-moment estimates, one per weight in parameter order. */
  m: number[];
  /** Second-moment estimates, one per weight in parameter order. */
  v: number[];
  /** Running maxima of the second moment (AMSGrad), one per weight. */
  vMax: number[];
}

/** Adam/AdamW over a fixed list of parameters. */
export class Adam {
  private step = 0;
  private learningRate: number;
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private readonly vMax: Float64Array;
  private readonly size: number;

  constructor(
    /** The parameters updated, in order (the order of the state's moment arrays). */
    readonly parameters: Parameter[],
    /** The hyper-parameters. */
    readonly options: AdamOptions,
  ) {
    if (!(options.learningRate > 0)) {
      throw rangeError('Adam', 'learningRate', 'a positive number', options.learningRate);
    }
    this.learningRate = options.learningRate;
    this.size = parameters.reduce((n, p) => n + p.value.length, 0);
    this.m = new Float64Array(this.size);
    this.v = new Float64Array(this.size);
    this.vMax = new Float64Array(this.size);
  }

  /** Changes the step size alpha for the following updates (a schedule). */
  setLearningRate(learningRate: number): void {
    if (!(learningRate > 0)) {
      throw rangeError('Adam.setLearningRate', 'learningRate', 'a positive number', learningRate);
    }
    this.learningRate = learningRate;
  }

  /** One update from the parameters' current gradients. */
  update(): void {
    const lr = this.learningRate;
    const { weightDecay = 0, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8 } = this.options;
    const amsgrad = this.options.amsgrad ?? false;
    this.step++;
    const c1 = 1 - beta1 ** this.step;
    const c2 = 1 - beta2 ** this.step;
    let o = 0;
    for (const p of this.parameters) {
      for (let k = 0; k < p.value.length; k++, o++) {
        const g = p.grad[k];
        this.m[o] = beta1 * this.m[o] + (1 - beta1) * g;
        this.v[o] = beta2 * this.v[o] + (1 - beta2) * g * g;
        let vHat = this.v[o] / c2;
        if (amsgrad) {
          this.vMax[o] = Math.max(this.vMax[o], this.v[o]);
          vHat = this.vMax[o] / c2;
        }
        const mHat = this.m[o] / c1;
        p.value[k] -= lr * (mHat / (Math.sqrt(vHat) + epsilon) + weightDecay * p.value[k]);
      }
    }
  }

  /**
   * Forgets the moments and the step count, keeping the step size: the next update is the
   * first of a fresh Adam (a warm restart; Loshchilov & Hutter, SGDR, ICLR 2017, with the
   * schedule kept). With AMSGrad this drops the running maximum of the second moment, which
   * otherwise keeps the steps as small as the largest gradients ever seen made them.
   */
  reset(): void {
    this.step = 0;
    this.m.fill(0);
    this.v.fill(0);
    this.vMax.fill(0);
  }

  /** The state, for a checkpoint. */
  getState(): AdamState {
    return {
      step: this.step,
      m: Array.from(this.m),
      v: Array.from(this.v),
      vMax: Array.from(this.vMax),
    };
  }

  /** Restores a state from {@link Adam.getState}. */
  setState(state: AdamState): void {
    if (state.m.length !== this.size) {
      throw rangeError(
        'Adam.setState',
        'state',
        `moments of ${this.size} weights`,
        `${state.m.length}`,
      );
    }
    this.step = state.step;
    this.m.set(state.m);
    this.v.set(state.v);
    this.vMax.set(state.vMax);
  }
}
