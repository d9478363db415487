/**
 * Parsing and validation of command-line options, shared by every command. Options may also
 * come from a JSON config file (`--config FILE`); values given on the command line win.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UserError } from './errors.js';

/** Parses "8,8,8,16" (or "8x8x8x16") into extents, each an integer >= 1, at least two. */
export function parseDims(value: string | number[], option = '--dims'): number[] {
  const parts = Array.isArray(value) ? value : String(value).split(/[,x]/);
  const dims = parts.map((p) => Number(p));
  if (dims.length < 2 || dims.some((L) => !Number.isInteger(L) || L < 1)) {
    throw new UserError(
      `invalid ${option} ${JSON.stringify(value)}: expected at least two positive integer extents, e.g. 8,8,8,16`,
    );
  }
  return dims;
}

/** Parses an integer option within [min, max]. */
export function parseInteger(
  value: string | number,
  option: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new UserError(`invalid ${option} ${JSON.stringify(value)}: expected an integer ${range}`);
  }
  return n;
}

/** Parses a finite number option within [min, max]. */
export function parseNumber(
  value: string | number,
  option: string,
  min: number,
  max: number,
): number {
  const x = Number(value);
  if (!Number.isFinite(x) || x < min || x > max) {
    throw new UserError(
      `invalid ${option} ${JSON.stringify(value)}: expected a number in [${min}, ${max}]`,
    );
  }
  return x;
}

/**
 * Merges options from a JSON config file under those given on the command line. `explicit`
 * names the options the user typed (commander's getOptionValueSource(...) === 'cli').
 * Unknown keys are rejected, naming the file and the key.
 */
export function mergeConfig<T extends Record<string, unknown>>(
  options: T,
  configPath: string | undefined,
  explicit: (key: string) => boolean,
): T {
  if (configPath === undefined) return options;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(configPath, 'utf8'));
  } catch (error) {
    throw new UserError(`cannot read config file ${configPath}: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UserError(`config file ${configPath}: expected a JSON object of options`);
  }
  const merged: Record<string, unknown> = { ...options };
  for (const [key, value] of Object.entries(parsed)) {
    if (!(key in options) || key === 'config') {
      const known = Object.keys(options).filter((k) => k !== 'config');
      throw new UserError(
        `config file ${configPath}: unknown option "${key}"; expected one of ${known.join(', ')}`,
      );
    }
    if (!explicit(key)) merged[key] = value;
  }
  return merged as T;
}

/**
 * A command's options merged with its `--config` file: the values typed on the command line
 * win over the file's, the file's over the defaults.
 */
export function optionsWithConfig(command: Command): Record<string, unknown> {
  const options = command.opts();
  return mergeConfig(
    options,
    options.config as string | undefined,
    (key) => command.getOptionValueSource(key) === 'cli',
  );
}
