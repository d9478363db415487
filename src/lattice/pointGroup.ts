/**
 * The point group of the D-dimensional hypercubic lattice: signed permutations of the axes
 * (the hyperoctahedral group, 2^D D! elements: 8 in 2D, 48 in 3D, 384 in 4D).
 *
 * An element R maps the unit vector e_mu to signs[mu] e_perm[mu], and a site x (fixed point:
 * the origin) to (R x)_perm[mu] = signs[mu] x_mu, modulo the extents. A 90-degree rotation in
 * the plane (mu, nu) sends e_mu -> e_nu and e_nu -> -e_mu; a reflection of axis a sends
 * e_a -> -e_a. Aronsson, Mueller & Schuh, arXiv:2303.11448, sec. III, for the group and its
 * action on lattice gauge fields.
 *
 * @module
 */
import { checkInteger, rangeError } from '../core/validate.js';

/** The image of an oriented plane under a point transformation. */
export interface PlaneImage {
  /** The smaller axis of the image plane. */
  mu: number;
  /** The larger axis of the image plane. */
  nu: number;
  /** +1 when the orientation is kept, -1 when it is reversed. */
  sign: number;
}

/** An element of the hypercubic point group, as a signed permutation of the axes. */
export class PointTransformation {
  /** The axis that axis mu is mapped to: R e_mu = signs[mu] e_perm[mu]. */
  readonly perm: readonly number[];
  /** The sign R puts on the image of axis mu, +1 or -1. */
  readonly signs: readonly number[];

  /**
   * @throws RangeError when perm is not a permutation of 0..D-1 or signs are not +-1.
   */
  constructor(perm: readonly number[], signs: readonly number[]) {
    const D = perm.length;
    const seen = new Set(perm);
    if (seen.size !== D || perm.some((p) => !Number.isInteger(p) || p < 0 || p >= D)) {
      throw rangeError('PointTransformation', 'perm', `a permutation of 0..${D - 1}`, perm);
    }
    if (signs.length !== D || signs.some((s) => s !== 1 && s !== -1)) {
      throw rangeError('PointTransformation', 'signs', `${D} entries, each +1 or -1`, signs);
    }
    this.perm = Object.freeze([...perm]);
    this.signs = Object.freeze([...signs]);
  }

  /** Number of dimensions. */
  get D(): number {
    return this.perm.length;
  }

  /** det R: +1 for rotations, -1 for improper elements (an odd number of reflections). */
  get determinant(): number {
    let det = 1;
    for (const s of this.signs) det *= s;
    // sign of the permutation: (-1)^(D - number of cycles)
    const visited = new Array<boolean>(this.D).fill(false);
    let cycles = 0;
    for (let i = 0; i < this.D; i++) {
      if (visited[i]) continue;
      cycles++;
      for (let j = i; !visited[j]; j = this.perm[j]) visited[j] = true;
    }
    return (this.D - cycles) % 2 === 0 ? det : -det;
  }

  /** this after other: (this . other) v = this(other(v)). */
  compose(other: PointTransformation): PointTransformation {
    if (other.D !== this.D) {
      throw rangeError('PointTransformation.compose', 'other', `D = ${this.D}`, `D = ${other.D}`);
    }
    const perm = other.perm.map((p) => this.perm[p]);
    const signs = other.perm.map((p, mu) => other.signs[mu] * this.signs[p]);
    return new PointTransformation(perm, signs);
  }

  /** R^-1. */
  inverse(): PointTransformation {
    const perm = new Array<number>(this.D);
    const signs = new Array<number>(this.D);
    this.perm.forEach((p, mu) => {
      perm[p] = mu;
      signs[p] = this.signs[mu];
    });
    return new PointTransformation(perm, signs);
  }

  /** True for the identity element. */
  isIdentity(): boolean {
    return this.perm.every((p, mu) => p === mu && this.signs[mu] === 1);
  }

  /** True when both elements act identically. */
  equals(other: PointTransformation): boolean {
    return (
      this.D === other.D &&
      this.perm.every((p, mu) => p === other.perm[mu] && this.signs[mu] === other.signs[mu])
    );
  }

  /**
   * The image of the oriented plane (mu, nu): R e_mu ^ R e_nu = sign * (e_a ^ e_b) with
   * a < b. Quantities antisymmetric in (mu, nu), like the clover F_mu,nu, map as
   * F'_a,b(R x) = sign F_mu,nu(x).
   */
  mapPlane(mu: number, nu: number): PlaneImage {
    let a = this.perm[mu];
    let b = this.perm[nu];
    let sign = this.signs[mu] * this.signs[nu];
    if (a > b) {
      [a, b] = [b, a];
      sign = -sign;
    }
    return { mu: a, nu: b, sign };
  }

  /** E.g. "(+e1, -e0)": the images of e_0, e_1, ... */
  toString(): string {
    return `(${this.perm.map((p, mu) => `${this.signs[mu] > 0 ? '+' : '-'}e${p}`).join(', ')})`;
  }
}

/** The identity of the point group in D dimensions. */
export function identityTransformation(D: number): PointTransformation {
  checkInteger('identityTransformation', 'D', D, 2);
  return new PointTransformation(
    Array.from({ length: D }, (_, mu) => mu),
    new Array<number>(D).fill(1),
  );
}

/** The 90-degree rotation in the plane (mu, nu): e_mu -> e_nu, e_nu -> -e_mu. */
export function rotation(D: number, mu: number, nu: number): PointTransformation {
  checkInteger('rotation', 'D', D, 2);
  checkInteger('rotation', 'mu', mu, 0, D - 1);
  checkInteger('rotation', 'nu', nu, 0, D - 1);
  if (mu === nu) throw rangeError('rotation', 'nu', `an axis other than mu = ${mu}`, nu);
  const perm = Array.from({ length: D }, (_, i) => i);
  const signs = new Array<number>(D).fill(1);
  perm[mu] = nu;
  perm[nu] = mu;
  signs[nu] = -1;
  return new PointTransformation(perm, signs);
}

/** The reflection of one axis: e_axis -> -e_axis, x_axis -> -x_axis (mod L). */
export function reflection(D: number, axis: number): PointTransformation {
  checkInteger('reflection', 'D', D, 2);
  checkInteger('reflection', 'axis', axis, 0, D - 1);
  const signs = new Array<number>(D).fill(1);
  signs[axis] = -1;
  return new PointTransformation(
    Array.from({ length: D }, (_, i) => i),
    signs,
  );
}

/** Every element of the point group in D dimensions (2^D D! of them), identity first. */
export function pointGroup(D: number): PointTransformation[] {
  checkInteger('pointGroup', 'D', D, 1, 8);
  const perms: number[][] = [];
  const permute = (prefix: number[], rest: number[]): void => {
    if (rest.length === 0) perms.push(prefix);
    rest.forEach((r, i) => permute([...prefix, r], [...rest.slice(0, i), ...rest.slice(i + 1)]));
  };
  permute(
    [],
    Array.from({ length: D }, (_, i) => i),
  );
  const out: PointTransformation[] = [];
  for (const perm of perms) {
    for (let bits = 0; bits < 1 << D; bits++) {
      const signs = perm.map((_, mu) => ((bits >> mu) & 1 ? -1 : 1));
      out.push(new PointTransformation(perm, signs));
    }
  }
  return out;
}
