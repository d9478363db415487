/**
 * The lattice in WGSL, generated for one shape: its extents and strides as constants (so the
 * compiler turns divisions by them into multiplications), the site of a thread in the
 * even-odd layout of ../layout.ts, and nearest neighbours with periodic wrap-around.
 *
 * A site is numbered lexicographically with x0 fastest (DESIGN.md 2), the number the
 * Philox counters use; within its parity it is site >> 1.
 *
 * @module
 */

/** WGSL source: constants `D`, `H` (sites per parity), coordinates `X` and neighbour functions. */
export function latticeWgsl(dims: readonly number[]): string {
  const D = dims.length;
  const strides: number[] = [];
  let s = 1;
  for (const L of dims) {
    strides.push(s);
    s *= L;
  }
  const list = (a: readonly number[]) => a.map((v) => `${v}u`).join(', ');
  return /* wgsl */ `
const D: u32 = ${D}u;
const H: u32 = ${s / 2}u;
var<private> DIMS: array<u32, ${D}> = array<u32, ${D}>(${list(dims)});
var<private> STRIDES: array<u32, ${D}> = array<u32, ${D}>(${list(strides)});
// Coordinates of the thread's current site.
var<private> X: array<u32, ${D}>;

// The site of parity p with index i within its parity (i = site >> 1): sets X, returns the
// site. x0 = 2 h + ((p + x1 + ... + x_{D-1}) mod 2) makes the parity p.
fn siteOf(p: u32, i: u32) -> u32 {
  let halfL0 = DIMS[0] / 2u;
  var r = i / halfL0;
  var sum = 0u;
  var site = 0u;
  for (var k = 1u; k < D; k++) {
    X[k] = r % DIMS[k];
    r = r / DIMS[k];
    sum += X[k];
    site += X[k] * STRIDES[k];
  }
  X[0] = 2u * (i % halfL0) + ((p + sum) & 1u);
  return site + X[0];
}

// The site one step up along nu from the site s whose nu-coordinate is X[nu].
fn siteUp(s: u32, nu: u32) -> u32 {
  if (X[nu] + 1u == DIMS[nu]) { return s - (DIMS[nu] - 1u) * STRIDES[nu]; }
  return s + STRIDES[nu];
}

// The site one step down along nu from the site s whose nu-coordinate is X[nu].
fn siteDown(s: u32, nu: u32) -> u32 {
  if (X[nu] == 0u) { return s + (DIMS[nu] - 1u) * STRIDES[nu]; }
  return s - STRIDES[nu];
}

// Moves the current site one step up along nu: updates X, returns the new site.
fn stepUp(s: u32, nu: u32) -> u32 {
  let t = siteUp(s, nu);
  X[nu] = select(X[nu] + 1u, 0u, X[nu] + 1u == DIMS[nu]);
  return t;
}
`;
}
