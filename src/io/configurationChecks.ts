/**
 * What the configuration readers check, shared by the NERSC and ILDG readers and `lgt info`:
 * each check is a {@link ConfigurationCheck} that says what was compared, both values and,
 * when it fails, a plain sentence naming the field. Readers throw a FileError for the first
 * failing check; `lgt info` prints them all.
 *
 * Quantities (DESIGN.md 2, and Grid's `WilsonLoops::avgPlaquette` / `linkTrace`):
 *
 *     PLAQUETTE  = < (1/N) Re tr U_P >, over all sites and the D(D-1)/2 planes (1 on a cold start)
 *     LINK_TRACE = sum_{x, mu} Re tr U_mu(x) / (D N V)                          (1 on a cold start)
 *
 * NERSC files state D = 4, for which LINK_TRACE is Grid's and GLU's sum / (4 Nc V); for 2D and
 * 3D fields the division is by D (as GLU does for its compile-time ND).
 *
 * Tolerances: Grid rejects |dP| > 1e-5 and |dLINK_TRACE| > 1e-6 (NerscIO.h); we keep those for
 * 64-bit payloads. A 32-bit payload may carry header values computed from the float64 field
 * before it was rounded. Rounding moves every link element by at most 2^-24 (elements are at
 * most 1 in modulus), hence each link by at most sqrt(2) N 2^-24 in Frobenius norm, the
 * plaquette (four links, normalised by 1/N) by at most 4 sqrt(2N) 2^-24, and the link trace by
 * at most 2^-24 (a reconstructed third row, made of products of two rounded elements, by at
 * most 4 times that). So for 32-bit payloads we allow max(1e-5, 16 N 2^-24) for the plaquette
 * and max(1e-6, 4 N 2^-24) for the link trace: bounds with a safety margin above the worst
 * rounding, equal to Grid's tolerances for N <= 10 (plaquette) and N <= 4 (link trace).
 *
 * @module
 */
import type { GaugeField } from '../lattice/gaugeField.js';
import { FileError } from '../core/fileError.js';

/** One check of a file: what was compared, the two values, and whether they agree. */
export interface ConfigurationCheck {
  /** The field checked, as the file names it: `CHECKSUM`, `PLAQUETTE`, `scidac-checksum suma`, ... */
  name: string;
  /** True when the check passed. */
  ok: boolean;
  /** What the file states (a header value), or the limit the data must respect. */
  expected: string;
  /** What the data give. */
  found: string;
  /** The largest allowed |expected - found|, for numerical comparisons. */
  tolerance?: number;
  /**
   * A plain sentence, e.g. `CHECKSUM mismatch: header says 1a2b3c4d, payload sums to 1a2b3c4e`
   * or `PLAQUETTE agrees: header 0.59367, computed 0.59367 (tolerance 1e-5)`.
   */
  message: string;
}

/** Default largest max |U U^dagger - 1| and |det U - 1| a reader accepts (as openEnsemble). */
export const DEFAULT_UNITARITY_TOLERANCE = 1e-5;

/** Grid's plaquette tolerance (NerscIO.h), for 64-bit payloads. */
const PLAQUETTE_TOLERANCE = 1e-5;
/** Grid's link-trace tolerance (NerscIO.h), for 64-bit payloads. */
const LINK_TRACE_TOLERANCE = 1e-6;
/** float32 unit roundoff. */
const FLOAT32_ROUNDOFF = 2 ** -24;

/** The plaquette tolerance for a payload of the given precision (see the module header). */
export function plaquetteTolerance(precision: 32 | 64, N: number): number {
  return precision === 64
    ? PLAQUETTE_TOLERANCE
    : Math.max(PLAQUETTE_TOLERANCE, 16 * N * FLOAT32_ROUNDOFF);
}

/** The link-trace tolerance for a payload of the given precision (see the module header). */
export function linkTraceTolerance(precision: 32 | 64, N: number): number {
  return precision === 64
    ? LINK_TRACE_TOLERANCE
    : Math.max(LINK_TRACE_TOLERANCE, 4 * N * FLOAT32_ROUNDOFF);
}

/**
 * The mean link trace sum_{x, mu} Re tr U_mu(x) / (D N V): 1 on a cold start, near 0 on a hot
 * one. The NERSC header's LINK_TRACE (for D = 4).
 */
export function linkTrace(field: GaugeField): number {
  const g = field.group;
  const m = g.matrixSize;
  const links = field.links;
  let sum = 0;
  for (let off = 0; off < links.length; off += m) sum += g.reTrace(links, off);
  return sum / (field.lattice.D * field.N * field.lattice.volume);
}

/** A number for messages: at most 10 significant digits, no trailing zeros. */
export function formatNumber(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(10))) : String(x);
}

/** A tolerance for messages: `1e-5`, `2.86e-6`. */
export function formatTolerance(t: number): string {
  return Number.isFinite(t) ? Number(t.toPrecision(3)).toExponential() : String(t);
}

/**
 * Compares a value stated by the file (`stated`) with the one computed from the data.
 * `stated` undefined: the check fails with "missing". `source` names where the stated value
 * comes from in the message (`header 0.59367, computed 0.59412`).
 */
export function compareValue(
  name: string,
  stated: number | undefined,
  computed: number,
  tolerance: number,
  source = 'header',
): ConfigurationCheck {
  const found = formatNumber(computed);
  if (stated === undefined) {
    return {
      name,
      ok: false,
      expected: '(missing)',
      found,
      tolerance,
      message: `${name} missing: the ${source} does not state it (computed ${found})`,
    };
  }
  const ok = Math.abs(stated - computed) <= tolerance;
  const expected = formatNumber(stated);
  return {
    name,
    ok,
    expected,
    found,
    tolerance,
    message:
      `${name} ${ok ? 'agrees' : 'mismatch'}: ${source} ${expected}, computed ${found} ` +
      `(tolerance ${formatTolerance(tolerance)})`,
  };
}

/**
 * Compares two checksums (32-bit words, shown in hex): `CHECKSUM mismatch: header says
 * 1a2b3c4d, payload sums to 1a2b3c4e`, with `what` = "payload sums to" and `source` = "header".
 */
export function compareChecksum(
  name: string,
  stated: number | undefined,
  computed: number,
  what: string,
  source = 'header',
): ConfigurationCheck {
  const found = (computed >>> 0).toString(16);
  if (stated === undefined) {
    return {
      name,
      ok: false,
      expected: '(missing)',
      found,
      message: `${name} missing: the file does not state it (${what} ${found})`,
    };
  }
  const expected = (stated >>> 0).toString(16);
  const ok = stated >>> 0 === computed >>> 0;
  return {
    name,
    ok,
    expected,
    found,
    message: `${name} ${ok ? 'agrees' : 'mismatch'}: ${source} says ${expected}, ${what} ${found}`,
  };
}

/**
 * Checks that every number is finite and every link in SU(N): max |U U^dagger - 1| and
 * max |det U - 1| at most `tolerance` (`Infinity` skips all but finiteness).
 */
export function checkSpecialUnitary(field: GaugeField, tolerance: number): ConfigurationCheck {
  const name = 'SU(N) links';
  const links = field.links;
  for (let k = 0; k < links.length; k++) {
    if (!Number.isFinite(links[k])) {
      const m = field.group.matrixSize;
      const link = Math.floor(k / m);
      const site = Math.floor(link / field.lattice.D);
      return {
        name,
        ok: false,
        expected: 'finite numbers',
        found: `${links[k]}`,
        message:
          `${name}: expected finite numbers, got ${links[k]} in U_${link % field.lattice.D}` +
          `(site ${site})`,
      };
    }
  }
  const unitarity = field.unitarityViolation();
  const g = field.group;
  const det = [0, 0];
  let detViolation = 0;
  for (let off = 0; off < links.length; off += g.matrixSize) {
    g.det(det, 0, links, off);
    detViolation = Math.max(detViolation, Math.hypot(det[0] - 1, det[1]));
  }
  const ok = unitarity <= tolerance && detViolation <= tolerance;
  const found =
    `max |U U^dagger - 1| = ${formatNumber(unitarity)}, ` +
    `max |det U - 1| = ${formatNumber(detViolation)}`;
  return {
    name,
    ok,
    expected: `both <= ${formatTolerance(tolerance)}`,
    found,
    tolerance,
    message: `${name} ${ok ? 'hold' : 'violated'}: ${found} (tolerance ${formatTolerance(tolerance)})`,
  };
}

/** The first failing check, or undefined when all passed. */
export function firstFailure(
  checks: readonly ConfigurationCheck[],
): ConfigurationCheck | undefined {
  return checks.find((c) => !c.ok);
}

/** Throws a FileError `fn: path: <message of the first failing check>` when one failed. */
export function throwOnFailure(
  fn: string,
  path: string,
  checks: readonly ConfigurationCheck[],
): void {
  const failure = firstFailure(checks);
  if (failure) throw new FileError(`${fn}: ${path}: ${failure.message}`);
}
