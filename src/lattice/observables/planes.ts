/**
 * The D(D-1)/2 planes (mu, nu), mu < nu, in the order every per-plane quantity uses:
 * (0,1), (0,2), ..., (0,D-1), (1,2), ..., (D-2,D-1).
 *
 * @module
 */

/** All planes mu < nu of a D-dimensional lattice. */
export function planes(D: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let mu = 0; mu < D; mu++) for (let nu = mu + 1; nu < D; nu++) out.push([mu, nu]);
  return out;
}

/** Index of plane (mu, nu), mu < nu, in {@link planes}. */
export function planeIndex(D: number, mu: number, nu: number): number {
  // planes before row mu: sum_{a<mu} (D-1-a)
  return mu * (D - 1) - (mu * (mu - 1)) / 2 + (nu - mu - 1);
}
