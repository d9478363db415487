/**
 * Validation of a command's merged options (command line and config file) with zod, turned
 * into one plain message that names the option, the value given and what is allowed.
 *
 * @module
 */
import type { z } from 'zod';
import { UserError } from './errors.js';

/** camelCase option key -> its flag, e.g. "mdSteps" -> "--md-steps". */
export function flagOf(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * Parses `raw` with `schema`. On failure throws a UserError for the first problem:
 * `invalid --beta "abc": expected <expected[key]>`.
 */
export function parseOptions<T>(
  schema: z.ZodType<T>,
  raw: Record<string, unknown>,
  expected: Record<string, string>,
): T {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const key = String(issue.path[0] ?? '');
  if (key === '') throw new UserError(`invalid options: ${issue.message}`);
  const value = raw[key];
  const shown = value === undefined ? '(missing)' : JSON.stringify(value);
  throw new UserError(
    `invalid ${flagOf(key)} ${shown}: expected ${expected[key] ?? issue.message}`,
  );
}
