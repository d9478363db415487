/**
 * The `lgt` program: its commands and its error policy. Results go to stdout (`--json` for scripts),
 * progress and errors to stderr; exit code 0 only on success, 2 for bad input, 130/143 for a
 * run stopped by SIGINT/SIGTERM after writing its checkpoint (./interrupt.ts).
 *
 * @module
 */
import { Command, CommanderError } from 'commander';
import { isUserFacing } from './errors.js';
import { InterruptedError } from './interrupt.js';
import { packageVersion } from '../core/version.js';

/**
 * Registers one command (or a few) on the program; `argv` (the arguments after `lgt`) is what
 * the long-running commands repeat in the command that resumes them.
 */
type Register = (program: Command, argv: readonly string[]) => void;

/**
 * Every command, by name, with the module that registers it, loaded only when needed: a
 * command's imports (tfjs for train, the GPU for generate...) cost start-up time that the
 * other commands should not pay (`lgt status` is meant to answer in well under a second).
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  demo: async () => (await import('./commands/demo.js')).registerDemo,
  generate: async () => (await import('./commands/generate.js')).registerGenerate,
  measure: async () => (await import('./commands/measure.js')).registerMeasure,
  flow: async () => (await import('./commands/flow.js')).registerFlow,
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
 * Builds the program for `argv` (the arguments after `lgt`): with the command that `argv[0]`
 * names registered (when it names one), else with every command (for `lgt --help`, `--version`
 * and mistakes).
 */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const only = argv[0];
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
    register(program, argv);
  }
  return program;
}

/** `lgt: message`, or the message alone where it already names its command ("lgt eval: ..."). */
function withProgramName(message: string): string {
  return message.startsWith('lgt ') ? message : `lgt: ${message}`;
}

/** Runs the CLI on `argv` and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = await buildProgram(argv);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander already printed help, the version or the usage error
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof InterruptedError) {
      process.stderr.write(`${withProgramName(error.message)}\n`);
      return error.exitCode;
    }
    if (isUserFacing(error)) {
      process.stderr.write(`${withProgramName(error.message)}\n`);
      return 2;
    }
    throw error;
  }
}
