/**
 * TEST HOOK, not a configuration mechanism: named points in the write paths of long-running
 * commands where the fault-injection tests (test/faults/) make a process kill itself with
 * SIGKILL, to hit on purpose the narrow windows that a kill from outside finds only by chance:
 * a checkpoint's temporary file half written or written but not renamed, an ensemble appended
 * but not flushed, the final rename done but the checkpoint not yet removed.
 *
 * Nothing arms a point but the `lgt` entry point (src/cli/lgt.ts), and only when the
 * environment variable `LGT_TEST_KILL_AT` is set, to `NAME` or `NAME@K` (the K-th time the
 * point is passed; default 1). Library users never arm it; a disarmed point costs one
 * comparison. The names are listed in {@link FAULT_POINTS}.
 *
 * @module
 */

/** Every fault point, with where it is. */
export const FAULT_POINTS = {
  /** writeFileAtomic: the first part is in the temporary file, the rest not yet. */
  'atomic-write:partial': 'src/core/atomicWrite.ts',
  /** writeFileAtomic: the temporary file is complete and synced, not yet renamed. */
  'atomic-write:before-rename': 'src/core/atomicWrite.ts',
  /** writeFileAtomic: renamed, the directory not yet synced. */
  'atomic-write:after-rename': 'src/core/atomicWrite.ts',
  /** generateEnsemble: a configuration appended to the `.partial` file, not yet flushed. */
  'generate:appended': 'src/montecarlo/generate.ts',
  /** generateEnsemble: the `.partial` file flushed, the checkpoint not yet written. */
  'generate:flushed': 'src/montecarlo/generate.ts',
  /** EnsembleWriter.finalize: the `.partial` file closed and synced, not yet renamed. */
  'finalize:before-rename': 'src/io/ensembleWriter.ts',
  /** generateEnsemble: the output renamed to its final name, the checkpoint not yet removed. */
  'generate:finalized': 'src/montecarlo/generate.ts',
  /** flowEnsemble: a flowed configuration appended and flushed, its checkpoint not yet written. */
  'flow:flushed': 'src/flow/flowEnsemble.ts',
  /** flowEnsemble: the flow file renamed to its final name, the checkpoint not yet removed. */
  'flow:finalized': 'src/flow/flowEnsemble.ts',
  /** The training loop: an epoch's metrics logged, its checkpoint not yet written. */
  'train:epoch-logged': 'src/lcnn/training/loop.ts',
  /** The L-BFGS finish after the last epoch: an iteration done (nothing of it is saved). */
  'train:lbfgs-iteration': 'src/lcnn/training/lbfgsFinish.ts',
  /** The Levenberg-Marquardt finish after the last epoch: an iteration done (nothing saved). */
  'train:marquardt-iteration': 'src/lcnn/training/marquardtFinish.ts',
} as const;

/** The name of a fault point. */
export type FaultPointName = keyof typeof FAULT_POINTS;

let armed: { name: FaultPointName; remaining: number } | undefined;

/**
 * Arms one fault point from the text of `LGT_TEST_KILL_AT` (`NAME` or `NAME@K`), or disarms
 * with undefined. Called by the `lgt` entry point only.
 *
 * @throws RangeError for an unknown name or a bad count (a test that arms nothing would pass
 *   for the wrong reason).
 */
export function armFaultPoint(spec: string | undefined): void {
  if (spec === undefined || spec === '') {
    armed = undefined;
    return;
  }
  const match = /^([a-z:-]+)(?:@(\d+))?$/.exec(spec);
  const name = match?.[1];
  const count = match?.[2] === undefined ? 1 : Number(match[2]);
  if (name === undefined || !(name in FAULT_POINTS) || !(count >= 1)) {
    throw new RangeError(
      `armFaultPoint: invalid LGT_TEST_KILL_AT: expected NAME or NAME@K with NAME one of ` +
        `${Object.keys(FAULT_POINTS).join(', ')} and K >= 1, got ${JSON.stringify(spec)}`,
    );
  }
  armed = { name: name as FaultPointName, remaining: count };
}

/** Passes the fault point `name`: kills this process with SIGKILL when it is armed and due. */
export function faultPoint(name: FaultPointName): void {
  if (armed === undefined || armed.name !== name) return;
  armed.remaining--;
  if (armed.remaining === 0) process.kill(process.pid, 'SIGKILL');
}
