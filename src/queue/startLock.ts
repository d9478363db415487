/**
 * The lock that serialises starting, joining and stopping one embedded Postgres server
 * (./embeddedServer.ts): a file created complete or not at all (written to a temporary name,
 * then hard-linked to the lock's name: link(2) fails atomically when the name exists). It
 * holds `{"pid", "host", "token"}`; a lock whose process on this host has died (killed while
 * holding it) is stale and is taken over.
 *
 * The embedded server lives on one host, so a lock of another host is not expected here; it
 * is treated as live.
 *
 * @module
 */
import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { FileError } from '../core/fileError.js';

interface Holder {
  pid: number;
  host: string;
  token: string;
}

/** Whether process `pid` runs (exists and is not a zombie). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return true; // no /proc (macOS): kill(pid, 0) said it exists
  }
}

function readHolder(path: string): Holder | undefined {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<Holder>;
    if (typeof value.pid !== 'number' || typeof value.host !== 'string') return undefined;
    return { pid: value.pid, host: value.host, token: String(value.token ?? '') };
  } catch {
    return undefined;
  }
}

/**
 * Takes the lock at `path` if it is free or stale; returns its release function, or
 * undefined when a live process holds it.
 *
 * @throws FileError when the lock file cannot be created (a missing or read-only directory).
 */
export function tryLock(path: string): (() => void) | undefined {
  const holder: Holder = {
    pid: process.pid,
    host: hostname(),
    token: randomBytes(8).toString('hex'),
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    const temporary = `${path}.new-${holder.token}`;
    try {
      writeFileSync(temporary, `${JSON.stringify(holder)}\n`, { flag: 'wx' });
      linkSync(temporary, path);
      return () => {
        if (readHolder(path)?.token === holder.token) unlinkSync(path);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new FileError(`cannot create the lock file ${path}: ${(error as Error).message}`, {
          cause: error,
        });
      }
    } finally {
      try {
        unlinkSync(temporary);
      } catch {
        // never created
      }
    }
    const other = readHolder(path);
    // a lock being written right now reads as nothing: live
    if (other === undefined || other.host !== holder.host || processAlive(other.pid)) {
      return undefined;
    }
    try {
      unlinkSync(path); // stale: its process died holding it
    } catch {
      // someone else removed it first
    }
  }
  return undefined;
}

/**
 * Waits for the lock at `path` (polling every 20 ms) and returns its release function.
 *
 * @throws FileError naming the lock and its holder when it is still held after `timeoutMs`.
 */
export async function lock(path: string, timeoutMs: number): Promise<() => void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const release = tryLock(path);
    if (release !== undefined) return release;
    if (Date.now() > deadline) {
      const other = readHolder(path);
      throw new FileError(
        `the lock ${path} is still held after ${timeoutMs / 1000} s` +
          (other !== undefined ? ` by process ${other.pid} on ${other.host}` : ''),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
