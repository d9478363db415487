/**
 * Deep ensembles of L-CNNs: M models of one spec that differ only in their seed (weights and
 * batch order), whose prediction is the mean of the members' predictions,
 *
 *     f_ens(U) = (1/M) sum_k f_k(U),
 *
 * and whose members' spread, the standard deviation over members per predicted value,
 *
 *     s(U) = sqrt((1/M) sum_k (f_k(U) - f_ens(U))^2),
 *
 * says how much the members disagree. Gerken & Kessel, "Emergent Equivariance in Deep
 * Ensembles", ICML 2024 (arXiv:2403.03103), show that the mean of an ensemble trained with
 * full data augmentation over a symmetry group becomes equivariant as M grows (exactly in the
 * infinite-width limit), off the training data too, while each member is not; the
 * invariance error of ./invariance.ts measures how far the lattice's ensembles are from it.
 *
 * The mean is accumulated as a running mean, m_k = m_{k-1} + (f_k - m_{k-1}) / k (Welford,
 * Technometrics 4 (1962) 419), so that M identical members give exactly their prediction.
 * Browser-safe (no files, no threads); ./ensembleEvaluation.ts scores an ensemble on a dataset.
 *
 * @module
 */
import { rangeError } from '../core/validate.js';
import type { Model, ModelSpec } from './model.js';
import type { SymmetryGroup } from './symmetry.js';
import type { FeatureTensor, GaugeBatch } from './tensors.js';
import type { LcnnWasm } from './wasm/lcnnWasm.js';

/** A spec without what may differ between the members of one ensemble (seed, output map). */
function memberIdentity(spec: ModelSpec): string {
  const rest: Record<string, unknown> = { ...spec };
  delete rest.seed;
  delete rest.output;
  return JSON.stringify(rest);
}

/** An ensemble of L-CNNs of one spec (seeds aside), predicting the mean of its members. */
export class EnsembleModel {
  /** The members, in order (member k was trained with the k-th seed). */
  readonly members: readonly Model[];
  /** Features per output site (the members'). */
  readonly outputFeatures: number;
  /** True when the members average over sites (one output per configuration). */
  readonly perConfiguration: boolean;
  /** The point-group symmetry every member respects. */
  readonly symmetry: SymmetryGroup;

  /**
   * An ensemble of these models.
   * @throws RangeError unless there is at least one member and all members have the spec of
   *   the first except the seed and the output map.
   */
  constructor(members: readonly Model[]) {
    if (!Array.isArray(members) || members.length === 0) {
      throw rangeError('EnsembleModel', 'members', 'at least one model', members);
    }
    const identity = memberIdentity(members[0].spec);
    members.forEach((m, k) => {
      if (memberIdentity(m.spec) !== identity) {
        throw rangeError(
          'EnsembleModel',
          `members[${k}]`,
          `the spec of members[0] except seed and output (${identity})`,
          memberIdentity(m.spec),
        );
      }
    });
    this.members = [...members];
    this.outputFeatures = members[0].outputFeatures;
    this.perConfiguration = members[0].perConfiguration;
    this.symmetry = members[0].symmetry;
  }

  /** Number of members M. */
  get size(): number {
    return this.members.length;
  }

  /** The spec of the first member (the others differ in seed and perhaps output map). */
  get spec(): ModelSpec {
    return this.members[0].spec;
  }

  /** Trainable weights of all members together. */
  get parameterCount(): number {
    return this.members.reduce((n, m) => n + m.parameterCount, 0);
  }

  /** Runs every member on these kernels (see `Model.useKernels`). Returns this. */
  useKernels(wasm: LcnnWasm | undefined): this {
    for (const m of this.members) m.useKernels(wasm);
    return this;
  }

  /** Every member's forward pass, in member order. */
  memberForward(gauge: GaugeBatch): FeatureTensor[] {
    return this.members.map((m) => m.forward(gauge));
  }

  /** Forward pass: the mean of the members' predictions (a running mean, exact for equal ones). */
  forward(gauge: GaugeBatch): FeatureTensor {
    const outputs = this.memberForward(gauge);
    const out = outputs[0];
    out.data.set(ensembleMean(outputs.map((o) => o.data)));
    return out;
  }
}

/** The mean over members per value, as a running mean (exact when all members agree). */
export function ensembleMean(outputs: readonly Float64Array[]): Float64Array {
  if (outputs.length === 0) throw rangeError('ensembleMean', 'outputs', 'at least one array', 0);
  const n = outputs[0].length;
  const mean = Float64Array.from(outputs[0]);
  for (let k = 1; k < outputs.length; k++) {
    const o = outputs[k];
    if (o.length !== n) {
      throw rangeError('ensembleMean', `outputs[${k}]`, `length ${n}`, `length ${o.length}`);
    }
    for (let i = 0; i < n; i++) mean[i] += (o[i] - mean[i]) / (k + 1);
  }
  return mean;
}

/** The members' spread: per value, and its mean over values. */
export interface EnsembleSpread {
  /** sqrt((1/M) sum_k (f_k - mean)^2) for every value. */
  perValue: Float64Array;
  /** The mean of `perValue` (NaN for no values). */
  mean: number;
}

/**
 * The standard deviation over members (population form, 1/M: 0 for one member) of every value
 * predicted by all of `outputs` (one array per member, equal lengths), and its mean.
 */
export function ensembleSpread(outputs: readonly Float64Array[]): EnsembleSpread {
  const mean = ensembleMean(outputs);
  const perValue = new Float64Array(mean.length);
  let total = 0;
  for (let i = 0; i < mean.length; i++) {
    let s = 0;
    for (const o of outputs) s += (o[i] - mean[i]) ** 2;
    perValue[i] = Math.sqrt(s / outputs.length);
    total += perValue[i];
  }
  return { perValue, mean: mean.length > 0 ? total / mean.length : NaN };
}
