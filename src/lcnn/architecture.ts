/**
 * Model specs from short text: the architecture shorthand of `lgt train --architecture`
 * ("lcb:4:2,lact:tanh,trace,dense:1,mean") and the symmetry keys of a spec for a target.
 *
 * @module
 */
import { rangeError } from '../core/validate.js';
import type { LayerSpec } from './layers/layer.js';
import type { ModelSpec } from './model.js';
import type { LiftedInput } from './liftedInput.js';
import { hasReflections, isLatticeSymmetry, type Symmetry } from './symmetry.js';
import { targetParity, type TargetSpec } from './targets.js';

/**
 * Parses the shorthand "lcb:4:2,lact:tanh,trace,dense:1,mean" into layer specs
 * (lcb/lconv: out and kernel; lbilin/dense: out; lact: activation; lexp, trace, mean: none).
 */
export function parseArchitecture(text: string): LayerSpec[] {
  return text.split(',').map((part, index): LayerSpec => {
    const [type, a, b] = part.trim().split(':');
    const int = (v: string | undefined, what: string): number => {
      const n = Number(v);
      if (!Number.isInteger(n)) {
        throw rangeError('parseArchitecture', `layer ${index} (${part})`, `${type}:${what}`, part);
      }
      return n;
    };
    switch (type) {
      case 'lcb':
        return { type, out: int(a, 'OUT:KERNEL'), kernel: int(b, 'OUT:KERNEL') };
      case 'lconv':
        return { type, out: int(a, 'OUT:KERNEL'), kernel: int(b, 'OUT:KERNEL') };
      case 'lbilin':
        return { type, out: int(a, 'OUT') };
      case 'dense':
        return { type, out: int(a, 'OUT'), ...(b ? { activation: b as 'relu' } : {}) };
      case 'lact':
        return { type, activation: (a ?? 'relu') as 'relu' };
      case 'trace':
      case 'mean':
      case 'lexp':
        return { type };
      default:
        throw rangeError(
          'parseArchitecture',
          `layer ${index}`,
          'one of lconv:OUT:K, lbilin:OUT, lcb:OUT:K, lact:ACT, lexp, trace, dense:OUT[:ACT], mean',
          part,
        );
    }
  });
}

/**
 * The symmetry keys of a model spec for a target (none for plain models); `dims`, the extents
 * of the training lattices, chooses the group of "lattice" and "lattice-rotations".
 * @throws RangeError when a lattice symmetry comes without dims.
 */
export function symmetricSpec(
  symmetry: Symmetry,
  target: TargetSpec,
  mixOrientations?: boolean,
  liftedInput?: LiftedInput,
  dims?: readonly number[],
): Pick<ModelSpec, 'symmetry' | 'parity' | 'mixOrientations' | 'liftedInput' | 'symmetryDims'> {
  if (symmetry === 'none') return {};
  if (isLatticeSymmetry(symmetry) && dims === undefined) {
    throw rangeError(
      'symmetricSpec',
      'dims',
      `the lattice extents for symmetry "${symmetry}"`,
      dims,
    );
  }
  return {
    symmetry,
    ...(isLatticeSymmetry(symmetry) ? { symmetryDims: [...dims!] } : {}),
    ...(hasReflections(symmetry) ? { parity: targetParity(target) } : {}),
    ...(mixOrientations === undefined ? {} : { mixOrientations }),
    ...(liftedInput === undefined ? {} : { liftedInput }),
  };
}
