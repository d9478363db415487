/**
 * Errors the CLI reports to people without a stack trace: bad options, bad files, and the
 * RangeError/TypeError that the library throws on invalid arguments (their messages already
 * name the argument, the value and what was expected).
 *
 * @module
 */

/** An error caused by the user's input: printed as `lgt: message`, exit code 2. */
export class UserError extends Error {
  override name = 'UserError';
}

/** True for errors whose message is meant for the user rather than for a developer. */
export function isUserFacing(error: unknown): error is Error {
  return error instanceof UserError || error instanceof RangeError || error instanceof TypeError;
}
