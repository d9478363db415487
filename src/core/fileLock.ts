/**
 * Lock files: one process at a time writes an output. A second `lgt generate -o run.h5` while
 * the first runs would interleave two chains in one `.partial` file and one checkpoint, so the
 * writer of `run.h5` holds `run.h5.lock` and a second one is refused, with the message naming
 * the holder (process id, host, start time, command).
 *
 * The lock file appears complete or not at all: its content is written to a temporary file,
 * which is then hard-linked to the lock's name (link(2) fails when the name exists, atomically,
 * also on NFS). It holds one JSON line: `{"pid", "host", "started", "command", "token"}`, plus on
 * Linux the holder's start time in clock ticks since boot (`/proc/<pid>/stat`, field 22), which
 * tells a live holder from a later process that reuses its id.
 *
 * A lock left by a process that died without releasing it (SIGKILL, a power cut) is stale:
 * when its host is this host and its process no longer exists (or exists with another start
 * time), the lock is taken over, and {@link FileLock.staleFrom} says whose it was. A lock of
 * another host cannot be checked from here and is refused like a live one, unless the caller
 * has an authority of its own over the output and says so (`otherHostsStale`: the job queue's
 * advisory lock on a chain, src/queue).
 *
 * {@link acquireLock} refuses a held lock with a message; {@link tryAcquireLock} returns
 * nothing then, and {@link waitForLock} polls until the lock is free (the embedded queue
 * server's start lock, src/queue/embeddedServer.ts).
 *
 * @module
 */
import { existsSync, linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { FileError } from './fileError.js';

/** Who holds a lock, as its file says. */
export interface LockHolder {
  /** Process id. */
  pid: number;
  /** Host name. */
  host: string;
  /** When the lock was taken (ISO 8601). */
  started: string;
  /** What the holder runs, for the message of a refused second writer. */
  command: string;
  /** Linux: the process's start time in clock ticks since boot (tells pid reuse apart). */
  startTicks?: string;
  /** Random, so that only the holder releases its own lock. */
  token: string;
}

/** A held lock; release it when the output is complete (or the run stops). */
export interface FileLock {
  /** The lock file. */
  readonly path: string;
  /** The holder of a stale lock that was taken over, if any. */
  readonly staleFrom: LockHolder | undefined;
  /** Removes the lock file if it is still this lock's. Calling it again does nothing. */
  release(): void;
}

/** What /proc says of process `pid` (Linux): its state letter and start time, or undefined. */
function procStat(pid: number): { state: string; startTicks: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // after the command name in parentheses (which may hold spaces): the state is field 3,
    // the start time in clock ticks since boot field 22
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0], startTicks: fields[19] };
  } catch {
    return undefined;
  }
}

/**
 * Whether process `pid` runs on this host: it exists (also as another user's) and is not a
 * zombie (killed, not yet reaped by its parent).
 */
export function processRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = procStat(pid);
  return stat === undefined || (stat.state !== 'Z' && stat.state !== 'X');
}

/**
 * Whether the process that wrote `holder` is still running (on this host): it runs and, where
 * /proc tells, started when the holder did (not a later process with the same id).
 */
function alive(holder: LockHolder): boolean {
  if (!processRunning(holder.pid)) return false;
  const stat = procStat(holder.pid);
  return (
    stat === undefined || holder.startTicks === undefined || stat.startTicks === holder.startTicks
  );
}

function readHolder(path: string): LockHolder | undefined {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockHolder>;
    if (typeof value.pid !== 'number' || typeof value.host !== 'string') return undefined;
    return {
      pid: value.pid,
      host: value.host,
      started: String(value.started ?? 'unknown'),
      command: String(value.command ?? 'unknown'),
      token: String(value.token ?? ''),
      ...(value.startTicks !== undefined ? { startTicks: String(value.startTicks) } : {}),
    };
  } catch {
    return undefined;
  }
}

/** Creates the lock file, complete, unless it exists (then false). */
function tryCreate(path: string, holder: LockHolder): boolean {
  const temporary = `${path}.new-${holder.token}`;
  try {
    writeFileSync(temporary, `${JSON.stringify(holder)}\n`, { flag: 'wx' });
    linkSync(temporary, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code === 'ENOENT' && !existsSync(dirname(resolve(path)))) {
      throw new FileError(`${path}: the directory ${dirname(path)} does not exist`, {
        cause: error,
      });
    }
    throw new FileError(`${path}: cannot create the lock file (${(error as Error).message})`, {
      cause: error,
    });
  } finally {
    try {
      unlinkSync(temporary);
    } catch {
      // not created
    }
  }
}

/** Options of {@link acquireLock}, {@link tryAcquireLock} and {@link waitForLock}. */
export interface LockOptions {
  /**
   * Count a lock held by a process on another host as stale (taken over, named in
   * {@link FileLock.staleFrom}): only for a caller that holds an authority of its own over the
   * output, such as the queue's advisory lock on a chain's job. Default false (refused).
   */
  otherHostsStale?: boolean;
}

/** The lock taken, or the holder that keeps it. */
type Attempt =
  { lock: FileLock; other?: undefined } | { lock?: undefined; other: LockHolder | undefined };

/** One try at taking the lock (taking over a stale one). */
function take(path: string, command: string, options: LockOptions): Attempt {
  const ticks = procStat(process.pid)?.startTicks;
  const holder: LockHolder = {
    pid: process.pid,
    host: hostname(),
    started: new Date().toISOString(),
    command,
    ...(ticks !== undefined ? { startTicks: ticks } : {}),
    token: randomBytes(8).toString('hex'),
  };
  let staleFrom: LockHolder | undefined;
  for (let attempt = 0; ; attempt++) {
    if (tryCreate(path, holder)) break;
    const other = readHolder(path);
    // Unreadable: not a lock of ours (ours appear complete); no live lgt holds it.
    const stale =
      other === undefined ||
      (other.host === holder.host ? !alive(other) : options.otherHostsStale === true);
    if (!stale || attempt >= 3) return { other };
    // Move the stale lock aside (atomic: of two processes taking over, one moves it), check
    // that what was moved is the stale lock and not a fresh one, and try again.
    const aside = `${path}.stale-${holder.token}`;
    try {
      renameSync(path, aside);
    } catch {
      continue; // it went away meanwhile
    }
    const moved = readHolder(aside);
    if (other !== undefined && moved?.token !== other.token) {
      try {
        linkSync(aside, path); // put a fresh lock back, unless a newer one exists
      } catch {
        // a newer lock exists; the moved one was superseded anyway
      }
    } else {
      staleFrom = other;
    }
    unlinkSync(aside);
  }
  let released = false;
  return {
    lock: {
      path,
      staleFrom,
      release(): void {
        if (released) return;
        released = true;
        if (readHolder(path)?.token === holder.token) {
          try {
            unlinkSync(path);
          } catch {
            // already gone
          }
        }
      },
    },
  };
}

/** Who holds a lock, in words, for messages. */
function describeHolder(other: LockHolder | undefined): string {
  return other === undefined
    ? 'an unreadable lock file'
    : `process ${other.pid} on ${other.host}, since ${other.started}: ${other.command}`;
}

/**
 * Takes the lock file `path` for this process, taking over a stale one.
 *
 * @param path - the lock file, e.g. `run.h5.lock`.
 * @param what - what the lock protects, for messages (e.g. `run.h5`).
 * @param command - what this process runs, recorded for the message another writer gets.
 * @throws FileError naming the holder (pid, host, start time, command) when another live
 *   process, or a process on another host, holds it; and how to remove a lock known to be dead.
 */
export function acquireLock(
  path: string,
  what: string,
  command: string,
  options: LockOptions = {},
): FileLock {
  const attempt = take(path, command, options);
  if (attempt.lock !== undefined) return attempt.lock;
  const { other } = attempt;
  const here = hostname();
  const check =
    other !== undefined && other.host !== here
      ? ` (another host: it cannot be checked from ${here})`
      : '';
  throw new FileError(
    `${what} is being written by another process: the lock file ${path} names ` +
      `${describeHolder(other)}${check}. Wait for it to finish, or, if it is no longer ` +
      `running, delete ${path}`,
  );
}

/**
 * Takes the lock file `path` if it is free or stale (as {@link acquireLock}); undefined when
 * another process holds it.
 *
 * @throws FileError when the lock file cannot be created (a missing or read-only directory).
 */
export function tryAcquireLock(
  path: string,
  command: string,
  options: LockOptions = {},
): FileLock | undefined {
  return take(path, command, options).lock;
}

/**
 * Waits for the lock file `path` (polling every 20 ms) and takes it.
 *
 * @throws FileError naming the lock and its holder when it is still held after `timeoutMs`,
 *   or when the lock file cannot be created.
 */
export async function waitForLock(
  path: string,
  command: string,
  timeoutMs: number,
  options: LockOptions = {},
): Promise<FileLock> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const attempt = take(path, command, options);
    if (attempt.lock !== undefined) return attempt.lock;
    if (Date.now() > deadline) {
      throw new FileError(
        `the lock ${path} is still held after ${timeoutMs / 1000} s by ${describeHolder(attempt.other)}`,
      );
    }
    await new Promise((done) => setTimeout(done, 20));
  }
}
