/**
 * Lock files (src/core/fileLock.ts): one writer per output; a second is refused with the
 * holder named; a lock left by a process that is gone (dead, or its id reused) is taken over,
 * and says whose it was; a lock of another host is never taken over unless the caller has an
 * authority of its own (the queue's job lock); only the holder releases. The non-throwing
 * try and the wait (the embedded queue server's start lock).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  acquireLock,
  processRunning,
  tryAcquireLock,
  waitForLock,
} from '../../src/core/fileLock.js';

function lockPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'lgt-lock-')), 'run.h5.lock');
}

/** The id of a process that has ended (and been reaped). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(child.stdout);
}

describe('acquireLock', () => {
  it('records the holder, refuses a second writer naming it, and releases', () => {
    const path = lockPath();
    const lock = acquireLock(path, 'run.h5', 'lgt generate -o run.h5');
    const holder = JSON.parse(readFileSync(path, 'utf8'));
    expect(holder).toMatchObject({
      pid: process.pid,
      host: hostname(),
      command: 'lgt generate -o run.h5',
    });
    expect(() => acquireLock(path, 'run.h5', 'another')).toThrow(
      `run.h5 is being written by another process: the lock file ${path} names process ` +
        `${process.pid} on ${hostname()}, since ${holder.started}: lgt generate -o run.h5. ` +
        `Wait for it to finish, or, if it is no longer running, delete ${path}`,
    );
    lock.release();
    expect(existsSync(path)).toBe(false);
    lock.release(); // again: nothing
    acquireLock(path, 'run.h5', 'next').release();
  });

  it('takes over the lock of a process that has ended, and says whose it was', () => {
    const path = lockPath();
    const pid = deadPid();
    writeFileSync(
      path,
      JSON.stringify({ pid, host: hostname(), started: 'then', command: 'old', token: 'x' }),
    );
    const lock = acquireLock(path, 'run.h5', 'new');
    expect(lock.staleFrom).toMatchObject({ pid, command: 'old' });
    expect(JSON.parse(readFileSync(path, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('takes over a lock whose process id now belongs to a later process (Linux start times)', () => {
    const path = lockPath();
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const ticks = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    writeFileSync(
      path,
      JSON.stringify({
        pid: process.pid,
        host: hostname(),
        started: 'then',
        command: 'old',
        startTicks: String(Number(ticks) - 1),
        token: 'x',
      }),
    );
    expect(acquireLock(path, 'run.h5', 'new').staleFrom?.command).toBe('old');
  });

  it('never takes over a lock of another host, and says it cannot check it', () => {
    const path = lockPath();
    writeFileSync(
      path,
      JSON.stringify({ pid: 1, host: 'elsewhere', started: 'then', command: 'c', token: 'x' }),
    );
    expect(() => acquireLock(path, 'run.h5', 'new')).toThrow(
      `(another host: it cannot be checked from ${hostname()})`,
    );
    expect(JSON.parse(readFileSync(path, 'utf8')).host).toBe('elsewhere');
  });

  it('releases only its own lock', () => {
    const path = lockPath();
    const lock = acquireLock(path, 'run.h5', 'mine');
    writeFileSync(path, JSON.stringify({ pid: 1, host: 'h', token: 'theirs' }));
    lock.release();
    expect(existsSync(path)).toBe(true);
  });

  it('names a missing directory', () => {
    const path = join(tmpdir(), 'lgt-no-such-dir-19', 'run.h5.lock');
    expect(() => acquireLock(path, 'run.h5', 'c')).toThrow(
      `${path}: the directory ${join(tmpdir(), 'lgt-no-such-dir-19')} does not exist`,
    );
  });

  it('takes over a lock of another host only when told its own authority covers the output', () => {
    const path = lockPath();
    writeFileSync(
      path,
      JSON.stringify({ pid: 1, host: 'elsewhere', started: 'then', command: 'c', token: 'x' }),
    );
    const lock = acquireLock(path, 'run.h5', 'worker', { otherHostsStale: true });
    expect(lock.staleFrom).toMatchObject({ host: 'elsewhere', command: 'c' });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: process.pid });
    // a live holder on this host is still refused
    expect(() => acquireLock(path, 'run.h5', 'other', { otherHostsStale: true })).toThrow(
      'run.h5 is being written by another process',
    );
    lock.release();
  });
});

describe('tryAcquireLock and waitForLock', () => {
  it('try: nothing while held, the lock once free or stale', () => {
    const path = lockPath();
    const held = acquireLock(path, 'x', 'holder');
    expect(tryAcquireLock(path, 'second')).toBeUndefined();
    held.release();
    const lock = tryAcquireLock(path, 'second');
    expect(JSON.parse(readFileSync(path, 'utf8')).command).toBe('second');
    lock!.release();
    writeFileSync(
      path,
      JSON.stringify({
        pid: deadPid(),
        host: hostname(),
        started: 'then',
        command: 'old',
        token: 'x',
      }),
    );
    expect(tryAcquireLock(path, 'third')?.staleFrom?.command).toBe('old');
  });

  it('wait: takes the lock when its holder releases it, or names the holder after the timeout', async () => {
    const path = lockPath();
    const held = acquireLock(path, 'x', 'holder');
    setTimeout(() => held.release(), 100);
    const lock = await waitForLock(path, 'waiter', 5_000);
    expect(JSON.parse(readFileSync(path, 'utf8')).command).toBe('waiter');
    await expect(waitForLock(path, 'late', 50)).rejects.toThrow(
      `the lock ${path} is still held after 0.05 s by process ${process.pid} on ${hostname()}`,
    );
    lock.release();
  });

  it('processRunning: this process runs, an ended one does not', () => {
    expect(processRunning(process.pid)).toBe(true);
    expect(processRunning(deadPid())).toBe(false);
  });
});
