/**
 * The `lgt` program: its commands and its error policy. Results go to stdout (`--json` for scripts),
 * progress and errors to stderr; exit code 0 only on success, 2 for bad input.
 *
 * @module
 */
import { Command, CommanderError } from 'commander';
import { registerConvert } from './commands/convert.js';
import { registerDemo } from './commands/demo.js';
import { isUserFacing } from './errors.js';
import { registerGenerate } from './commands/generate.js';
import { registerInfo } from './commands/info.js';
import { registerMeasure } from './commands/measure.js';
import { registerReport } from './commands/report.js';
import { registerTrain } from './commands/train.js';
import { registerEvaluate } from './commands/evaluate.js';
import { registerMerge } from './commands/merge.js';
import { registerScan } from './commands/scan.js';
import { registerStatus } from './commands/status.js';
import { registerWorker } from './commands/worker.js';
import { packageVersion } from '../core/version.js';

/** Builds the program with every command registered. */
export function buildProgram(): Command {
  const program = new Command('lgt')
    .description('SU(N) lattice gauge theory and lattice gauge equivariant neural networks')
    .version(packageVersion())
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerDemo(program);
  registerGenerate(program);
  registerMeasure(program);
  registerTrain(program);
  registerEvaluate(program);
  registerConvert(program);
  registerInfo(program);
  registerReport(program);
  registerScan(program);
  registerWorker(program);
  registerStatus(program);
  registerMerge(program);
  return program;
}

/** Runs the CLI on `argv` and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
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
