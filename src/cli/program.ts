/**
 * The `lgt` program: its commands and its error policy. Results go to stdout (`--json` for scripts),
 * progress and errors to stderr; exit code 0 only on success, 2 for bad input.
 *
 * @module
 */
import { Command, CommanderError } from 'commander';
import { isUserFacing } from './errors.js';
import { packageVersion } from '../core/version.js';

/** Registers one command (or a few) on the program. */
type Register = (program: Command) => void;

/**
 * Every command, by name, with the module that registers it, loaded only when needed: a
 * command's imports (tfjs for train, the GPU for generate...) cost start-up time that the
 * other commands should not pay (`lgt status` is meant to answer in well under a second).
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  demo: async () => (await import('./commands/demo.js')).registerDemo,
  generate: async () => (await import('./commands/generate.js')).registerGenerate,
  measure: async () => (await import('./commands/measure.js')).registerMeasure,
  train: async () => (await import('./commands/train.js')).registerTrain,
  eval: async () => (await import('./commands/evaluate.js')).registerEvaluate,
  predict: async () => (await import('./commands/evaluate.js')).registerEvaluate,
  convert: async () => (await import('./commands/convert.js')).registerConvert,
  info: async () => (await import('./commands/info.js')).registerInfo,
  report: async () => (await import('./commands/report.js')).registerReport,
  scan: async () => (await import('./commands/scan.js')).registerScan,
  worker: async () => (await import('./commands/worker.js')).registerWorker,
  status: async () => (await import('./commands/status.js')).registerStatus,
  merge: async () => (await import('./commands/merge.js')).registerMerge,
};

/**
 * Builds the program with the command `only` registered (when it names one), else with every
 * command (for `lgt --help`, `--version` and mistakes).
 */
export async function buildProgram(only?: string): Promise<Command> {
  const program = new Command('lgt')
    .description('SU(N) lattice gauge theory and lattice gauge equivariant neural networks')
    .version(packageVersion())
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const loaders =
    only !== undefined && only in COMMANDS ? [COMMANDS[only]] : Object.values(COMMANDS);
  const registered = new Set<Register>();
  for (const load of loaders) {
    const register = await load();
    if (registered.has(register)) continue; // eval and predict share a module
    registered.add(register);
    register(program);
  }
  return program;
}

/** Runs the CLI on `argv` and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = await buildProgram(argv[0]);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander already printed help, the version or the usage error
      return error.exitCode === 0 ? 0 : 2;
    }
    if (isUserFacing(error)) {
      process.stderr.write(`lgt: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
