/**
 * Argument checks for the public API. Kernels never validate (they are the unchecked core);
 * constructors and public entry points do, with messages of the form
 * `fn: invalid <arg>: expected <what>, got <value>` (STYLE.md 4).
 *
 * @module
 */

/** Formats a value for an error message without dumping large arrays. */
export function describe(value: unknown): string {
  if (ArrayBuffer.isView(value)) {
    return `${value.constructor.name}(length ${(value as Float64Array).length})`;
  }
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`;
  // Strings are descriptions built by the caller ("length 63", "D = 3"), shown as they are.
  return String(value);
}

/** Throws a RangeError naming the function, the argument, what was expected and what came. */
export function rangeError(fn: string, arg: string, expected: string, got: unknown): RangeError {
  return new RangeError(`${fn}: invalid ${arg}: expected ${expected}, got ${describe(got)}`);
}

/** Throws a TypeError naming the function, the argument, what was expected and what came. */
export function typeError(fn: string, arg: string, expected: string, got: unknown): TypeError {
  return new TypeError(`${fn}: invalid ${arg}: expected ${expected}, got ${describe(got)}`);
}

/** Checks that `value` is an integer in [min, max]. */
export function checkInteger(
  fn: string,
  arg: string,
  value: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): void {
  if (typeof value !== 'number') throw typeError(fn, arg, 'a number', value);
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
    throw rangeError(fn, arg, `an integer ${range}`, value);
  }
}

/** Checks the number of colours. */
export function checkN(fn: string, N: number): void {
  checkInteger(fn, 'N', N, 2);
}

/** Checks that a Float64Array holds exactly `length` numbers. */
export function checkLength(fn: string, arg: string, array: Float64Array, length: number): void {
  if (!(array instanceof Float64Array)) throw typeError(fn, arg, 'a Float64Array', array);
  if (array.length !== length) {
    throw rangeError(fn, arg, `length ${length}`, `length ${array.length}`);
  }
}
