/**
 * A Monte Carlo estimate as people write it: mean and error in the parenthesis notation with
 * two significant digits of the error, 0.43312(15) for 0.43312 +- 0.00015. Far from 1 (the
 * larger of |mean| and error below 1e-4, or 1e6 and above) in a power of ten, -5.5(94)e-19
 * rather than -0.0000000000000000055(94): the Im part of an SU(2) Polyakov loop, a rounding
 * residue, or a small MSE. An error that rounds up to three digits (0.0996) is quoted as two
 * of the next place, 0.43(10), never 0.433(100).
 *
 * @module
 */

/** Below this magnitude, and at or above {@link LARGE}, the estimate takes an exponent. */
const SMALL = 1e-4;
const LARGE = 1e6;

/** mean(error) with two significant digits of the error; the mean alone when error is 0. */
export function formatEstimate(mean: number, error: number): string {
  if (!Number.isFinite(mean) || !Number.isFinite(error)) return `${mean}(${error})`;
  if (!(error > 0)) return mean.toPrecision(10);
  const size = Math.max(Math.abs(mean), error);
  if (size >= SMALL && size < LARGE) return parenthesis(mean, error);
  const exponent = Math.floor(Math.log10(size));
  const scale = 10 ** exponent;
  return `${parenthesis(mean / scale, error / scale)}e${exponent}`;
}

/** mean(error) in fixed notation, the error's two leading digits in the parenthesis. */
function parenthesis(mean: number, error: number): string {
  let digits = Math.max(0, 1 - Math.floor(Math.log10(error)));
  let scaled = Math.round(error * 10 ** digits);
  if (scaled >= 100 && digits > 0) {
    digits -= 1;
    scaled = Math.round(error * 10 ** digits);
  }
  return `${mean.toFixed(digits)}(${scaled})`;
}
