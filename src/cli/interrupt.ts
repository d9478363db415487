/**
 * Ctrl-C and `kill` for long-running commands: the first SIGINT or SIGTERM asks the work to
 * stop cleanly (an AbortSignal: the run writes a checkpoint of where it stands and returns),
 * and the command then exits with 128 + the signal's number (130, 143), saying how to resume.
 * A second signal stops at once (the files are then as of the last checkpoint, which is
 * always complete: checkpoints are written atomically).
 *
 * @module
 */

/** The exit code of a command stopped by `signal`: 128 + its number, as shells report it. */
export function exitCodeOf(signal: NodeJS.Signals): number {
  return signal === 'SIGINT' ? 130 : 143;
}

/** A command stopped by a signal after a clean stop: printed as is, exit code 130 or 143. */
export class InterruptedError extends Error {
  override name = 'InterruptedError';
  /** 130 for SIGINT, 143 for SIGTERM. */
  readonly exitCode: number;

  constructor(message: string, signal: NodeJS.Signals) {
    super(message);
    this.exitCode = exitCodeOf(signal);
  }
}

/** Signals caught while a command runs. */
export interface SignalStop {
  /** Aborted at the first SIGINT or SIGTERM. */
  readonly signal: AbortSignal;
  /** The first signal received, if any. */
  readonly received: NodeJS.Signals | undefined;
  /** Removes the handlers (the default behaviour of the signals returns). */
  dispose(): void;
}

/**
 * Catches SIGINT and SIGTERM until disposed. `announce` is printed at the first signal (what
 * will happen); a second signal exits the process at once with 130 or 143.
 */
export function stopOnSignals(announce: (signal: NodeJS.Signals) => string): SignalStop {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const handler = (signal: NodeJS.Signals): void => {
    if (received !== undefined) {
      process.stderr.write(`\nlgt: ${signal} again: stopping now, without a new checkpoint\n`);
      process.exit(exitCodeOf(signal));
    }
    received = signal;
    process.stderr.write(`\nlgt: ${signal}: ${announce(signal)}\n`);
    controller.abort(signal);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    get received() {
      return received;
    },
    dispose(): void {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

/** `args` as one shell command line (single quotes where a character needs them). */
export function shellCommand(args: readonly string[]): string {
  return args
    .map((a) => (/^[\w./,:=@%+-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`))
    .join(' ');
}

/** The command line that resumes `args`: the same, with `--resume` added if missing. */
export function resumeCommand(args: readonly string[]): string {
  return `lgt ${shellCommand(args.includes('--resume') ? args : [...args, '--resume'])}`;
}
