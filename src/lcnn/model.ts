/**
 * L-CNN models described by JSON (DESIGN.md 6): the paper's architectures are
 * configurations, not code.
 *
 * ```json
 * { "N": 2, "D": 2, "input": { "polyakov": false }, "seed": 1,
 *   "layers": [ { "type": "lcb", "out": 4, "kernel": 2 }, { "type": "trace" },
 *               { "type": "dense", "out": 1 } ] }
 * ```
 *
 * Matrix layers (lconv, lbilin, lcb, lact, lexp) come before `trace`; real-valued layers (dense,
 * mean) after it. Without `mean` the model predicts per site; with it, per configuration.
 *
 * `"symmetry": "rotations" | "rotations+reflections"` makes the same layers equivariant under
 * the lattice's point group as well (`"lattice"` | `"lattice-rotations"` with `"symmetryDims"`:
 * the subgroup that maps a lattice of those extents onto itself, ./symmetry.ts) (Aronsson, Mueller & Schuh, arXiv:2303.11448): the input
 * is lifted to one copy per orientation g (./liftedInput.ts), L-Conv kernels are rotated with
 * g (./layers/groupLConv.ts), site-local layers act per orientation (./layers/orientationWise.ts),
 * and the orientations are averaged before `mean` or at the end (./layers/orientationPool.ts),
 * weighted by det g when `"parity": "pseudoscalar"` (the topological charge). Each of the
 * spec's `out` counts channels per orientation, so a symmetric layer does |G| times the work
 * of a plain one (|G|^2 for L-Conv unless `"mixOrientations": false`). `"construction":
 * "tied"` instead averages the lifted input over the group (invariant matrices) and ties each
 * L-Conv weight across its orbit of offsets: as cheap as a plain model, scalar outputs only.
 *
 * @module
 */
import { kernelsFor } from '../sun/group.js';
import { Xoshiro128 } from '../core/rng.js';
import type { SUNKernels } from '../sun/types.js';
import { checkInteger, rangeError } from '../core/validate.js';
import { inputChannels, inputFeatures, type InputSpec } from './inputFeatures.js';
import { Dense } from './layers/dense.js';
import { GroupLConv } from './layers/groupLConv.js';
import { LAct } from './layers/lact.js';
import type { BatchContext, Layer, LayerSpec } from './layers/layer.js';
import { LBilin } from './layers/lbilin.js';
import { LCB } from './layers/lcb.js';
import { LConv, type ConvInit } from './layers/lconv.js';
import { LExp } from './layers/lexp.js';
import { OrientationPool } from './layers/orientationPool.js';
import { OrientationWise } from './layers/orientationWise.js';
import { SiteMean } from './layers/siteMean.js';
import { Trace } from './layers/trace.js';
import {
  LIFTED_INPUTS,
  invariantInputFeatures,
  liftedInputChannels,
  liftedInputFeatures,
  type LiftedInput,
} from './liftedInput.js';
import { pseudoscalarOutOfReach } from './reach.js';
import {
  SYMMETRIES,
  hasReflections,
  isLatticeSymmetry,
  symmetryGroup,
  type Parity,
  type Symmetry,
  type SymmetryGroup,
} from './symmetry.js';
import type { Parameter } from './parameter.js';
import { FeatureTensor, type Activation, type GaugeBatch } from './tensors.js';
import { TransportCache } from './transportCache.js';
import type { LcnnWasm } from './wasm/lcnnWasm.js';

/** The JSON description of a model. */
export interface ModelSpec {
  /** Number of colours of the gauge group. */
  N: number;
  /** Number of lattice dimensions. */
  D: number;
  /** Input channels besides the plaquettes. */
  input?: InputSpec;
  /** The layers, in order. */
  layers: LayerSpec[];
  /** Seed of the weight initialisation. */
  seed?: number;
  /** Global symmetry besides gauge and translations (default "none"). */
  symmetry?: Symmetry;
  /**
   * The lattice extents the subgroup of symmetry "lattice" or "lattice-rotations" was chosen
   * for (required for those, ignored otherwise): the elements that map them onto themselves.
   */
  symmetryDims?: number[];
  /** How the output transforms under reflections (symmetric models; default "scalar"). */
  parity?: Parity;
  /** Symmetric L-Conv sums over all input orientations (default true; false: group average). */
  mixOrientations?: boolean;
  /**
   * How a symmetric model is built: "lifted" (default; features carry an orientation) or
   * "tied" (invariant input, one L-Conv weight per orbit of offsets; as cheap as a plain model,
   * scalar outputs only).
   */
  construction?: 'lifted' | 'tied';
  /**
   * What the lifted input carries per orientation g (./liftedInput.ts): "plane" (the default,
   * so that older model files keep their meaning), the loops of the plane (g e_0, g e_1) only,
   * or "frame", the loops of every plane of g's frame (what a plain L-CNN sees, in g's axes).
   * Without orientation mixing only "frame" (or deep enough layers) can form a pseudo-scalar
   * such as the topological charge. The same in 2D.
   */
  liftedInput?: LiftedInput;
  /**
   * How L-Conv weights start (plain models): "glorot" (default) or "identity", a pass-through of
   * the input channels plus small noise (./layers/lconv.ts).
   */
  convInit?: ConvInit;
  /**
   * A fixed affine map of the output, y = scale * output + shift: training with `standardize`
   * sets it to the standard deviation and mean of the training targets, so that the network
   * fits targets of unit scale whatever the observable's (the charge density is O(1e-2)).
   */
  output?: OutputScaling;
}

/** The fixed output map y = scale * output + shift of {@link ModelSpec.output}. */
export interface OutputScaling {
  /** Multiplies the network's output (> 0). */
  scale: number;
  /** Added after the scaling. */
  shift: number;
}

/** A sequential L-CNN. */
export class Model {
  /** The layers, in the order of the forward pass. */
  readonly layers: Layer[];
  /** Trainable parameters of all layers, in layer order. */
  readonly parameters: Parameter[];
  /** Matrix kernels of the gauge group SU(N). */
  readonly group: SUNKernels;
  /** Features per output site. */
  readonly outputFeatures: number;
  /** True when the model averages over sites (one output per configuration). */
  readonly perConfiguration: boolean;
  /** The point-group symmetry the model respects (one element for "none"). */
  readonly symmetry: SymmetryGroup;
  private ctx: BatchContext | undefined;
  private wasm: LcnnWasm | undefined;
  private currentSpec!: ModelSpec;

  /**
   * Builds a model from its spec.
   * @throws RangeError naming the layer index and the problem (unknown type, a matrix layer
   *   after the trace, a missing trace, bad sizes).
   */
  constructor(
    /** The JSON description the model was built from (its output map may be set later). */
    spec: ModelSpec,
  ) {
    this.spec = { ...spec };
    if (spec.output !== undefined) this.setOutputScaling(spec.output);
    checkInteger('Model', 'spec.N', spec.N, 2, 16);
    checkInteger('Model', 'spec.D', spec.D, 2, 8);
    if (!Array.isArray(spec.layers) || spec.layers.length === 0) {
      throw rangeError('Model', 'spec.layers', 'a non-empty list of layers', spec.layers);
    }
    this.group = kernelsFor(spec.N);
    const symmetry = spec.symmetry ?? 'none';
    if (!SYMMETRIES.includes(symmetry)) {
      throw rangeError('Model', 'spec.symmetry', SYMMETRIES.join(', '), symmetry);
    }
    const parity = spec.parity ?? 'scalar';
    if (parity !== 'scalar' && parity !== 'pseudoscalar') {
      throw rangeError('Model', 'spec.parity', 'scalar or pseudoscalar', parity);
    }
    if (parity === 'pseudoscalar' && !hasReflections(symmetry)) {
      throw rangeError(
        'Model',
        'spec.parity',
        '"scalar" unless symmetry is "rotations+reflections" or "lattice" (only reflections ' +
          'tell a pseudo-scalar from a scalar)',
        parity,
      );
    }
    const mix = spec.mixOrientations ?? true;
    if (typeof mix !== 'boolean') {
      throw rangeError('Model', 'spec.mixOrientations', 'true or false', mix);
    }
    const construction = spec.construction ?? 'lifted';
    if (construction !== 'lifted' && construction !== 'tied') {
      throw rangeError('Model', 'spec.construction', 'lifted or tied', construction);
    }
    const convInit = spec.convInit ?? 'glorot';
    if (convInit !== 'glorot' && convInit !== 'identity') {
      throw rangeError('Model', 'spec.convInit', 'glorot or identity', convInit);
    }
    const liftedInput = spec.liftedInput ?? 'plane';
    if (!LIFTED_INPUTS.includes(liftedInput)) {
      throw rangeError('Model', 'spec.liftedInput', LIFTED_INPUTS.join(' or '), liftedInput);
    }
    if (isLatticeSymmetry(symmetry) && !Array.isArray(spec.symmetryDims)) {
      throw rangeError(
        'Model',
        'spec.symmetryDims',
        `the ${spec.D} lattice extents the "${symmetry}" group was chosen for`,
        spec.symmetryDims,
      );
    }
    const sym = symmetryGroup(spec.D, symmetry, spec.symmetryDims);
    this.symmetry = sym;
    const tied = construction === 'tied' && sym.size > 1;
    if (tied && liftedInput === 'frame' && planesInOneOrbit(sym)) {
      // the group maps every frame plane onto every other, so their orbit averages coincide;
      // a subgroup (the lattice group of L^3 x T) keeps several orbits, which "frame" needs
      throw rangeError(
        'Model',
        'spec.liftedInput',
        '"plane" for the tied construction with this group (its input is averaged over the ' +
          'group, which maps every plane onto every other: "frame" would only copy channels)',
        liftedInput,
      );
    }
    if (tied && parity === 'pseudoscalar') {
      throw rangeError(
        'Model',
        'spec.parity',
        '"scalar" for the tied construction (its features are invariant; use "lifted")',
        parity,
      );
    }
    const lifted = sym.size > 1 && !tied;
    // site-local layers act on every orientation of a lifted feature
    const local = (l: Layer): Layer => (lifted ? new OrientationWise(l, sym.size) : l);
    const rng = new Xoshiro128(spec.seed ?? 0);
    this.layers = [];
    let channels =
      lifted || tied
        ? liftedInputChannels(spec.input, spec.D, liftedInput)
        : inputChannels(spec.D, spec.input);
    let features = -1; // -1 while the activations are matrices
    let perConfiguration = false;
    let pooled = !lifted;
    const pool = (): void => {
      if (!pooled) this.layers.push(new OrientationPool(sym, parity));
      pooled = true;
    };
    spec.layers.forEach((layer, index) => {
      const where = `spec.layers[${index}]`;
      const type = (layer as { type?: unknown }).type;
      const name = `layers.${index}`;
      const needMatrix = (): void => {
        if (features >= 0) {
          throw rangeError(
            'Model',
            where,
            `a real-valued layer after the trace (not ${type})`,
            type,
          );
        }
      };
      const needFeatures = (): void => {
        if (features < 0) {
          throw rangeError('Model', where, `a matrix layer or "trace" before ${type}`, type);
        }
      };
      const size = (key: 'out' | 'kernel', min: number): number => {
        const v = (layer as unknown as Record<string, number>)[key];
        checkInteger('Model', `${where}.${key}`, v, min, 4096);
        return v;
      };
      switch (type) {
        case 'lconv': {
          needMatrix();
          const [out, kernel] = [size('out', 1), size('kernel', 0)];
          this.layers.push(
            lifted
              ? new GroupLConv(channels, out, kernel, sym, mix, rng, name)
              : new LConv(channels, out, kernel, spec.D, rng, name, tied, convInit),
          );
          channels = out;
          break;
        }
        case 'lbilin': {
          needMatrix();
          const l = new LBilin(channels, size('out', 1), rng, name);
          this.layers.push(local(l));
          channels = l.outChannels;
          break;
        }
        case 'lcb': {
          needMatrix();
          const symmetric = lifted ? { group: sym, mix } : undefined;
          const [out, kernel] = [size('out', 1), size('kernel', 0)];
          this.layers.push(
            new LCB(channels, out, kernel, spec.D, rng, name, symmetric, tied, convInit),
          );
          channels = out;
          break;
        }
        case 'lact':
          needMatrix();
          this.layers.push(local(new LAct((layer as { activation: 'relu' }).activation)));
          break;
        case 'lexp':
          needMatrix();
          if (sym.size > 1) {
            throw rangeError(
              'Model',
              where,
              'no "lexp" in a symmetric model (its link update is not built for orientations)',
              type,
            );
          }
          this.layers.push(new LExp(channels, spec.D, rng, name));
          break;
        case 'trace':
          needMatrix();
          this.layers.push(local(new Trace()));
          features = 2 * channels;
          break;
        case 'dense': {
          needFeatures();
          if (pooled && lifted && parity === 'pseudoscalar') {
            throw rangeError(
              'Model',
              where,
              'no layer after "mean" in a pseudo-scalar model (an affine map would spoil ' +
                'the sign flip under reflections)',
              type,
            );
          }
          const activation = (layer as { activation?: 'linear' }).activation ?? 'linear';
          if (!['linear', 'relu', 'tanh'].includes(activation)) {
            throw rangeError('Model', `${where}.activation`, 'linear, relu or tanh', activation);
          }
          const l = new Dense(features, size('out', 1), activation, rng, name);
          this.layers.push(pooled ? l : local(l));
          features = l.outFeatures;
          break;
        }
        case 'mean':
          needFeatures();
          if (perConfiguration) throw rangeError('Model', where, 'at most one "mean" layer', type);
          pool();
          this.layers.push(new SiteMean());
          perConfiguration = true;
          break;
        default:
          throw rangeError(
            'Model',
            `${where}.type`,
            'one of lconv, lbilin, lcb, lact, lexp, trace, dense, mean',
            type,
          );
      }
    });
    if (features < 0) {
      throw rangeError(
        'Model',
        'spec.layers',
        'a "trace" layer (the output must be gauge invariant)',
        'none',
      );
    }
    const outOfReach =
      lifted && parity === 'pseudoscalar' && !mix && liftedInput === 'plane'
        ? pseudoscalarOutOfReach(spec.D, spec.layers)
        : undefined;
    if (outOfReach !== undefined) {
      throw rangeError(
        'Model',
        'spec',
        `a model that can form a pseudo-scalar (this one outputs exactly zero: ${outOfReach}); ` +
          'set liftedInput: "frame" (lgt train --lifted-input frame) or mixOrientations: true',
        'a pseudo-scalar head on the one-plane lifted input without orientation mixing',
      );
    }
    pool();
    this.outputFeatures = features;
    this.perConfiguration = perConfiguration;
    this.parameters = this.layers.flatMap((l) => l.parameters);
  }

  /**
   * Runs L-Conv and the bilinear maps on these WebAssembly kernels (for SU(2) and SU(3); in
   * Node, ./wasm/lcnnKernels.ts gives this thread's), or on the TypeScript kernels with
   * undefined (the default). The results are the same bit for bit. Returns this.
   */
  useKernels(wasm: LcnnWasm | undefined): this {
    this.wasm = wasm;
    return this;
  }

  /** The WebAssembly kernels the model uses, if any (see {@link Model.useKernels}). */
  get kernels(): LcnnWasm | undefined {
    return this.wasm;
  }

  /** The JSON description of the model (a copy of the spec it was built from, output map set). */
  get spec(): ModelSpec {
    return this.currentSpec;
  }
  /** Replaces the spec (the constructor's; the output map through setOutputScaling). */
  private set spec(spec: ModelSpec) {
    this.currentSpec = spec;
  }

  /**
   * Sets the fixed output map y = scale * output + shift (part of the spec: saved with the
   * model, sent to worker threads).
   * @throws RangeError unless scale > 0 and both are finite.
   */
  setOutputScaling(output: OutputScaling): void {
    if (!(output.scale > 0 && Number.isFinite(output.scale) && Number.isFinite(output.shift))) {
      throw rangeError(
        'Model',
        'spec.output',
        'finite { scale > 0, shift }',
        JSON.stringify(output),
      );
    }
    const spec = this.currentSpec;
    if (
      (spec.symmetry ?? 'none') !== 'none' &&
      spec.parity === 'pseudoscalar' &&
      output.shift !== 0
    ) {
      // y[R U](R x) = det R y[U](x) holds for scale * y, not for scale * y + shift
      throw rangeError(
        'Model',
        'spec.output',
        'shift 0 for a pseudo-scalar symmetric model (a shift spoils the sign flip under ' +
          'reflections)',
        JSON.stringify(output),
      );
    }
    this.currentSpec = { ...spec, output: { scale: output.scale, shift: output.shift } };
  }

  /** Number of trainable weights. */
  get parameterCount(): number {
    return this.parameters.reduce((n, p) => n + p.value.length, 0);
  }

  /** Forward pass: the model's prediction for every configuration (and site). */
  forward(gauge: GaugeBatch): FeatureTensor {
    const out = this.activationsBefore(gauge, this.layers.length, 'Model.forward') as FeatureTensor;
    return this.mapOutput(out, out);
  }

  /** The output map (the targets' scale and shift) applied to `out`, written into `into`. */
  private mapOutput(out: FeatureTensor, into: FeatureTensor): FeatureTensor {
    const map = this.currentSpec.output;
    if (map === undefined) return out;
    for (let k = 0; k < out.data.length; k++) into.data[k] = map.scale * out.data[k] + map.shift;
    return into;
  }

  /**
   * The forward pass up to layer `k`: the activations that enter it (0: the input features;
   * `layers.length`: the output before the output map). The readout refit
   * (./training/readoutRefit.ts) reads the last layer's input this way.
   */
  activationsBefore(gauge: GaugeBatch, k: number, fn = 'Model.activationsBefore'): Activation {
    checkInteger(fn, 'k', k, 0, this.layers.length);
    if (gauge.group.N !== this.spec.N || gauge.lattice.D !== this.spec.D) {
      throw rangeError(
        fn,
        'gauge',
        `SU(${this.spec.N}) configurations in ${this.spec.D} dimensions`,
        `SU(${gauge.group.N}) in ${gauge.lattice.D} dimensions`,
      );
    }
    this.symmetry.checkLattice(fn, gauge.lattice);
    const transport = new TransportCache(gauge);
    this.ctx = { transport, wasm: this.wasm };
    const input = this.spec.input ?? {};
    let a: Activation =
      this.symmetry.size === 1
        ? inputFeatures(gauge, transport, this.spec.input)
        : this.spec.construction === 'tied'
          ? invariantInputFeatures(gauge, transport, input, this.symmetry, this.spec.liftedInput)
          : liftedInputFeatures(gauge, transport, input, this.symmetry, this.spec.liftedInput);
    for (let i = 0; i < k; i++) a = this.layers[i].forward(a, this.ctx);
    return a;
  }

  /**
   * The rest of the forward pass from layer `k`, output map included: `a` must be what
   * {@link Model.activationsBefore} returned for `k` in the model's latest pass (whose gauge
   * batch the layers read). With the layers before `k` unchanged, a change of layer k's weights
   * needs only this (the finite-difference Jacobian of ./training/marquardtFinish.ts).
   */
  forwardFrom(a: Activation, k: number): FeatureTensor {
    checkInteger('Model.forwardFrom', 'k', k, 0, this.layers.length);
    if (this.ctx === undefined) {
      throw rangeError('Model.forwardFrom', 'a', 'activations of a pass of this model', 'none yet');
    }
    let out = a;
    for (let i = k; i < this.layers.length; i++) out = this.layers[i].forward(out, this.ctx);
    const result = out as FeatureTensor;
    // into a new tensor: with k = layers.length, `a` is the caller's
    return this.currentSpec.output === undefined
      ? result
      : this.mapOutput(result, result.zerosLike());
  }

  /** Backward pass after {@link Model.forward}: accumulates every parameter's gradient. */
  backward(gradOutput: FeatureTensor): void {
    let g: Activation = gradOutput;
    const map = this.currentSpec.output;
    if (map !== undefined) {
      const scaled = gradOutput.zerosLike();
      for (let k = 0; k < g.data.length; k++) scaled.data[k] = map.scale * gradOutput.data[k];
      g = scaled;
    }
    // the first layer's input is computed from the links, which are data unless an L-Exp
    // layer made them activations (its gradient then flows through the transport cache)
    for (let i = this.layers.length - 1; i >= 0; i--) {
      g = this.layers[i].backward(g, this.ctx!, i > 0)!;
    }
  }

  /** Sets every gradient to zero. */
  zeroGrad(): void {
    for (const p of this.parameters) p.zeroGrad();
  }

  /** All weights, concatenated in parameter order. */
  getWeights(): Float64Array {
    const out = new Float64Array(this.parameterCount);
    let o = 0;
    for (const p of this.parameters) {
      out.set(p.value, o);
      o += p.value.length;
    }
    return out;
  }

  /** Loads weights produced by {@link Model.getWeights} of a model with the same spec. */
  setWeights(weights: ArrayLike<number>): void {
    if (weights.length !== this.parameterCount) {
      throw rangeError(
        'Model.setWeights',
        'weights',
        `${this.parameterCount} numbers`,
        `${weights.length}`,
      );
    }
    let o = 0;
    for (const p of this.parameters) {
      for (let k = 0; k < p.value.length; k++) p.value[k] = weights[o + k];
      o += p.value.length;
    }
  }
}

/** Mean squared error and its gradient with respect to the prediction. */
export function meanSquaredError(
  prediction: FeatureTensor,
  target: Float64Array,
): {
  /** Mean squared error over all target values. */
  loss: number;
  /** dLoss/dPrediction: 2 (prediction - target) / n. */
  grad: FeatureTensor;
} {
  if (target.length !== prediction.data.length) {
    throw rangeError(
      'meanSquaredError',
      'target',
      `${prediction.data.length} values`,
      `${target.length}`,
    );
  }
  const n = target.length;
  const grad = prediction.zerosLike();
  let loss = 0;
  for (let k = 0; k < n; k++) {
    const d = prediction.data[k] - target[k];
    loss += d * d;
    grad.data[k] = (2 * d) / n;
  }
  return { loss: loss / n, grad };
}

/**
 * True when the group maps the plane (0, 1) onto every plane (mu, nu): the orbit averages of
 * the frame's planes then coincide (the full group; not the lattice group of L^3 x T).
 */
function planesInOneOrbit(group: SymmetryGroup): boolean {
  const planes = new Set<string>();
  for (const R of group.elements) {
    const [a, b] = [R.perm[0], R.perm[1]];
    planes.add(`${Math.min(a, b)},${Math.max(a, b)}`);
  }
  return planes.size === (group.D * (group.D - 1)) / 2;
}
