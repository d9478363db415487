/**
 * One table per command: the single source of each option's flags, help text, default and
 * parse rule (STYLE.md 13). commander is built from the table ({@link addOptions}); the values
 * come from the command line, then from a JSON config file (`--config FILE`), then from the
 * defaults, and are checked by the rules ({@link readOptions}), whose failures read
 * `invalid --flag "value": expected <what>`.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import { UserError } from './errors.js';

/** How an option's value is parsed and what the error message says is expected. */
export interface OptionRule<T> {
  /** Parses the value as commander gives it (a string, a boolean, a list) or a config file does. */
  schema: z.ZodType<T>;
  /** Completes "expected ...", e.g. "an integer >= 1". */
  expected: string;
}

/** One row of an option table. */
export interface OptionSpec<T = unknown> extends OptionRule<T> {
  /** commander's flags, e.g. "-o, --output <file>", "--no-progress". */
  flags: string;
  /** The help text. */
  help: string;
  /** The default, as commander holds it (a string is parsed by the rule like typed text). */
  default?: string | boolean | string[];
  /** The value must come from the command line or the config file. */
  required?: boolean;
}

/** A command's options by key (the camelCase name commander gives the long flag). */
export type OptionTable = Record<string, OptionSpec>;

/** The parsed values of a table's options. */
export type OptionValues<T extends OptionTable> = {
  [K in keyof T]: T[K] extends OptionSpec<infer V> ? V : never;
};

/** A row of a table: flags, help, the rule, and optionally a default or `required`. */
export function option<T>(
  flags: string,
  help: string,
  rule: OptionRule<T>,
  extra: { default?: string | boolean | string[]; required?: boolean } = {},
): OptionSpec<T> {
  return { flags, help, ...rule, ...extra };
}

/** The option key commander derives from the flags: "--md-steps <n>" -> "mdSteps". */
export function keyOf(flags: string): string {
  const long = flags.split(/[ ,|]+/).find((f) => f.startsWith('--'));
  if (long === undefined) throw new Error(`option ${flags} has no long flag`);
  return long
    .slice(2)
    .replace(/^no-/, '')
    .replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** The long flag of a key: "mdSteps" -> "--md-steps". */
export function flagOf(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** N of SU(N) as users write it: "3", "su3", "SU(3)" -> "3"; other text is left to be refused. */
function colourCount(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const m = /^\s*su\s*(?:(\d+)|\(\s*(\d+)\s*\))\s*$/i.exec(value);
  return m === null ? value : (m[1] ?? m[2]);
}

/** One N of SU(N) in [min, max], as {@link colourCount} reads it. */
function colourSchema(min: number, max: number): z.ZodType<number> {
  return z.preprocess(colourCount, z.coerce.number().int().min(min).max(max));
}

/** Rules for the usual kinds of values. */
export const rules = {
  /** An integer in [min, max]. */
  integer(min: number, max = Number.MAX_SAFE_INTEGER): OptionRule<number> {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
    return { schema: z.coerce.number().int().min(min).max(max), expected: `an integer ${range}` };
  },
  /** The N of SU(N) in [min, max], typed 3, su3 or SU(3). */
  colours(min: number, max: number): OptionRule<number> {
    return {
      schema: colourSchema(min, max),
      expected: `an integer in [${min}, ${max}] (N of SU(N): 3, su3 or SU(3))`,
    };
  },
  /** Comma-separated Ns of SU(N) (or a JSON array), each as {@link rules.colours} takes it. */
  colourList(min: number, max: number): OptionRule<number[]> {
    return {
      schema: z
        .union([
          z.array(z.unknown()),
          z.number().transform((n) => [n]),
          z.string().transform((s) => s.split(',')),
        ])
        .pipe(z.array(colourSchema(min, max)).min(1)),
      expected: `integers in [${min}, ${max}], comma-separated (N of SU(N): 2,3 or su2,su3)`,
    };
  },
  /** A finite number in [min, max]. */
  number(min = -Infinity, max = Infinity): OptionRule<number> {
    const expected =
      min === -Infinity && max === Infinity
        ? 'a number'
        : max === Infinity
          ? `a number >= ${min}`
          : `a number in [${min}, ${max}]`;
    return { schema: z.coerce.number().finite().min(min).max(max), expected };
  },
  /** A finite number > 0. */
  positive(): OptionRule<number> {
    return { schema: z.coerce.number().positive().finite(), expected: 'a positive number' };
  },
  /** One of the given words. */
  choice<const T extends readonly [string, ...string[]]>(
    values: T,
    expected = `one of ${values.join(', ')}`,
  ): OptionRule<T[number]> {
    return { schema: z.enum(values), expected };
  },
  /** A switch. */
  flag(): OptionRule<boolean> {
    return { schema: z.boolean(), expected: 'true or false' };
  },
  /** A non-empty text (a file name, a spec). */
  text(expected = 'a file path'): OptionRule<string> {
    return { schema: z.string().min(1), expected };
  },
  /** A text that may be empty. */
  anyText(expected: string): OptionRule<string> {
    return { schema: z.string(), expected };
  },
  /** One or more non-empty texts (a variadic option, or a list in the config file). */
  texts(expected: string): OptionRule<string[]> {
    return {
      schema: z
        .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
        .transform((v) => (Array.isArray(v) ? v : [v])),
      expected,
    };
  },
  /** A comma-separated list of numbers (or a JSON array) whose every element passes `each`. */
  numbers(each: z.ZodNumber, expected: string): OptionRule<number[]> {
    return {
      schema: z
        .union([
          z.array(z.coerce.number()),
          z.string().transform((s) => s.split(',').map((v) => (v.trim() === '' ? NaN : Number(v)))),
        ])
        .pipe(z.array(each).min(1)),
      expected,
    };
  },
  /**
   * Lattice extents: "8,8,8,16", "8x8x8x16" or a JSON array; at least two, each >= 1, and even
   * when `even` (the checkerboard update needs them).
   */
  dims(even = false): OptionRule<number[]> {
    const extents = z
      .union([
        z.array(z.coerce.number()),
        z
          .string()
          .transform((s) => s.split(/[,x]/).map((v) => (v.trim() === '' ? NaN : Number(v)))),
      ])
      .pipe(z.array(z.number().int().min(1)).min(2));
    return {
      schema: even
        ? extents.refine((dims) => dims.every((L) => L % 2 === 0), {
            message: 'even extents (the checkerboard update needs them)',
          })
        : extents,
      expected: 'at least two positive integer extents, e.g. 8,8,8,16',
    };
  },
  /** The rule's values or the word `auto` (a parameter the command tunes itself). */
  auto<T>(rule: OptionRule<T>): OptionRule<T | 'auto'> {
    return {
      schema: z.union([z.literal('auto'), rule.schema]),
      expected: `${rule.expected}, or auto`,
    };
  },
  /** Makes a rule accept a missing value. */
  optional<T>(rule: OptionRule<T>): OptionRule<T | undefined> {
    return { schema: rule.schema.optional(), expected: rule.expected };
  },
};

/** The options every command that prints results has. */
export const jsonOption = (help = 'print a JSON summary on stdout'): OptionSpec<boolean> =>
  option('--json', help, rules.flag(), { default: false });
/** Replace existing output files. */
export const forceOption = (help = 'replace an existing output file'): OptionSpec<boolean> =>
  option('--force', help, rules.flag(), { default: false });
/** No progress bar on stderr. */
export const progressOption = (): OptionSpec<boolean> =>
  option('--no-progress', 'no progress bar', rules.flag(), { default: true });

/** The config-file option every command has (not part of the tables: it names the file). */
const CONFIG_FLAGS = '--config <file>';

/** Registers every option of `table` (and `--config`) on `command`. */
export function addOptions(command: Command, table: OptionTable): Command {
  for (const [key, spec] of Object.entries(table)) {
    if (keyOf(spec.flags) !== key) {
      throw new Error(`option table: key ${key} does not match the flags ${spec.flags}`);
    }
    if (spec.default === undefined) command.option(spec.flags, spec.help);
    else command.option(spec.flags, spec.help, spec.default);
  }
  return command.option(CONFIG_FLAGS, 'read options from a JSON file (command-line options win)');
}

/**
 * The command's option values: typed on the command line, else from the `--config` file
 * (its keys are the table's keys: "mdSteps" or "md-steps"), else the defaults; each checked by
 * its rule.
 *
 * @throws UserError naming the option, the value and what is expected; for a config file that
 *   cannot be read, or has a key that is not an option, naming the file and the key.
 */
export function readOptions<T extends OptionTable>(command: Command, table: T): OptionValues<T> {
  const typed = command.opts() as Record<string, unknown>;
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(table)) raw[key] = typed[key];
  const configPath = typed.config as string | undefined;
  if (configPath !== undefined) {
    for (const [key, value] of Object.entries(readConfig(configPath, table))) {
      if (command.getOptionValueSource(key) !== 'cli') raw[key] = value;
    }
  }
  const values: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(table)) {
    const value = raw[key];
    if (value === undefined && spec.required) {
      throw new UserError(
        `missing ${flagOf(key)}: expected ${spec.expected} (on the command line or in the --config file)`,
      );
    }
    const result = spec.schema.safeParse(value);
    if (!result.success) {
      const shown = value === undefined ? '(missing)' : JSON.stringify(value);
      // a refinement says itself what it expects; other failures say what the rule expects
      const issue = result.error.issues[0];
      const expected = issue?.code === 'custom' ? issue.message : spec.expected;
      throw new UserError(`invalid ${flagOf(key)} ${shown}: expected ${expected}`);
    }
    values[key] = result.data;
  }
  return values as OptionValues<T>;
}

/** The config file's options by key, checked against the table's keys. */
function readConfig(path: string, table: OptionTable): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UserError(`cannot read config file ${path}: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UserError(`config file ${path}: expected a JSON object of options`);
  }
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(parsed)) {
    // "md-steps" and "mdSteps" both name --md-steps
    const key = name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    if (!(key in table)) {
      throw new UserError(
        `config file ${path}: unknown option "${name}"; expected one of ${Object.keys(table).join(', ')}`,
      );
    }
    out[key] = value;
  }
  return out;
}
