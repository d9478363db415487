/**
 * The keeper of an embedded PostgreSQL server (./embeddedServer.ts has the whole story): a
 * detached process that creates the cluster on first use, starts the server on a free port
 * (or adopts one left running by a keeper that died), records it in `server.json`, and stops
 * it when no command holds an `lgt-client` connection any more. It writes its own lines and
 * the server's to `server.log`; it prints nothing else.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { writeFileAtomic } from '../core/atomicWrite.js';
import {
  CLIENT_APPLICATION,
  checkReachableByOthers,
  connectionConfig,
  readCredentials,
  serverPaths,
  serverUser,
  type Credentials,
  type ServerInfo,
  type ServerUser,
} from './embeddedServer.js';
import { postgresBinaries, type PostgresBinaries } from './postgresBinaries.js';
import { QueueError } from './queueError.js';
import { processRunning, tryAcquireLock } from '../core/fileLock.js';

/** Options of {@link runKeeper}. */
export interface KeeperOptions {
  /** How often the client connections are counted (default 100 ms). */
  pollMs?: number;
  /** Receives the keeper's log lines (default: none). */
  log?: (line: string) => void;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A free TCP port on 127.0.0.1 (the kernel's choice; a race with others is retried). */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Creates the cluster in `pgdata` (initdb into a temporary directory, then a rename). */
async function createCluster(
  directory: string,
  binaries: PostgresBinaries,
  user: ServerUser | undefined,
  log: (line: string) => void,
): Promise<Credentials> {
  const paths = serverPaths(directory);
  const credentials = { user: 'lgt', password: randomBytes(18).toString('base64url') };
  const staging = `${paths.pgdata}.init-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { mode: 0o700 });
  const pwfile = join(resolve(directory), `.pwfile-${process.pid}`);
  writeFileSync(pwfile, `${credentials.password}\n`, { mode: 0o600 });
  if (user !== undefined) {
    chownSync(staging, user.uid, user.gid);
    chownSync(pwfile, user.uid, user.gid);
  }
  log(`initdb ${paths.pgdata}${user !== undefined ? ` (as ${user.name})` : ''}`);
  try {
    const code = await new Promise<number | null>((done, fail) => {
      const child = spawn(
        binaries.initdb,
        [
          `--pgdata=${staging}`,
          '--auth=scram-sha-256',
          `--username=${credentials.user}`,
          `--pwfile=${pwfile}`,
          '--encoding=UTF8',
          '--locale=C',
        ],
        {
          stdio: ['ignore', 'inherit', 'inherit'],
          ...(user !== undefined ? { uid: user.uid, gid: user.gid } : {}),
        },
      );
      child.once('error', fail);
      child.once('exit', done);
    });
    if (code !== 0) throw new QueueError(`initdb failed (exit code ${code})`);
  } finally {
    rmSync(pwfile, { force: true });
  }
  // readable by its owner alone, from its first byte on (then renamed into place)
  const staged = `${paths.credentials}.new-${process.pid}`;
  writeFileSync(staged, `${JSON.stringify(credentials)}\n`, { mode: 0o600, flush: true });
  renameSync(staged, paths.credentials);
  renameSync(staging, paths.pgdata);
  return credentials;
}

/** The process id and port of a server left running in `pgdata`, if there is one. */
function runningPostmaster(pgdata: string): { pid: number; port: number } | undefined {
  try {
    // postmaster.pid: line 1 the pid, line 4 the port (PostgreSQL's miscadmin.h, LOCK_FILE_LINE_*)
    const lines = readFileSync(join(pgdata, 'postmaster.pid'), 'utf8').split('\n');
    const pid = Number(lines[0]);
    const port = Number(lines[3]);
    if (Number.isInteger(pid) && pid > 0 && processRunning(pid)) return { pid, port };
  } catch {
    // no server
  }
  return undefined;
}

/** Starts the server on a free port; resolves when it accepts connections. */
async function startPostmaster(
  directory: string,
  binaries: PostgresBinaries,
  credentials: Credentials,
  user: ServerUser | undefined,
  log: (line: string) => void,
): Promise<{ pid: number; port: number }> {
  const paths = serverPaths(directory);
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    log(`starting postgres on 127.0.0.1:${port}`);
    const logFd = openSync(paths.log, 'a');
    const child = spawn(
      binaries.postgres,
      [
        '-D',
        paths.pgdata,
        '-p',
        String(port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
      ],
      {
        stdio: ['ignore', logFd, logFd],
        ...(user !== undefined ? { uid: user.uid, gid: user.gid } : {}),
      },
    );
    closeSync(logFd);
    let exited = false;
    child.once('exit', () => (exited = true));
    child.once('error', () => (exited = true));
    const info: ServerInfo = {
      host: '127.0.0.1',
      port,
      keeperPid: process.pid,
      postmasterPid: child.pid ?? 0,
    };
    const deadline = Date.now() + 60_000;
    while (!exited && Date.now() < deadline) {
      const client = new pg.Client({ ...connectionConfig(info, credentials) });
      try {
        await client.connect();
        await client.end();
        return { pid: info.postmasterPid, port };
      } catch {
        await client.end().catch(() => undefined);
        await sleep(30);
      }
    }
    if (!exited) child.kill('SIGQUIT');
    if (attempt >= 5) throw new QueueError(`postgres did not start (see ${paths.log})`);
    log(`postgres did not start on port ${port}; trying another port`);
  }
}

/** Stops the server (fast shutdown: SIGINT) and waits until it is gone. */
async function stopPostmaster(pid: number, log: (line: string) => void): Promise<void> {
  log(`stopping postgres (pid ${pid})`);
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return;
  }
  const deadline = Date.now() + 30_000;
  while (processRunning(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGQUIT');
      break;
    }
    await sleep(20);
  }
  log('postgres stopped');
}

/**
 * Runs the keeper of `directory` until the last client has gone (or SIGINT/SIGTERM): creates
 * the cluster if needed, starts or adopts the server, writes `server.json`, watches the
 * `lgt-client` connections, and stops the server.
 *
 * @throws QueueError when the server cannot be created or started.
 */
export async function runKeeper(directory: string, options: KeeperOptions = {}): Promise<void> {
  const pollMs = options.pollMs ?? 100;
  const log = (line: string): void =>
    options.log?.(`${new Date().toISOString()} keeper ${process.pid}: ${line}`);
  const paths = serverPaths(directory);
  const binaries = await postgresBinaries();
  const user = serverUser();
  if (user !== undefined) {
    checkReachableByOthers(binaries.postgres, 'the Postgres binary');
    checkReachableByOthers(resolve(directory), 'the queue directory');
  }
  const credentials =
    existsSync(paths.pgdata) && readCredentials(directory) !== undefined
      ? (readCredentials(directory) as Credentials)
      : await createCluster(directory, binaries, user, log);

  let server = runningPostmaster(paths.pgdata);
  if (server !== undefined) log(`adopting postgres ${server.pid} on port ${server.port}`);
  else server = await startPostmaster(directory, binaries, credentials, user, log);
  const info: ServerInfo = {
    host: '127.0.0.1',
    port: server.port,
    keeperPid: process.pid,
    postmasterPid: server.pid,
  };
  const monitor = new pg.Client({
    ...connectionConfig(info, credentials),
    application_name: 'lgt-keeper',
  });
  await monitor.connect();
  let serverGone = false;
  monitor.on('error', () => (serverGone = true));
  await writeFileAtomic(paths.server, [new TextEncoder().encode(`${JSON.stringify(info)}\n`)]);
  log(`ready on port ${info.port}`);

  let stopRequested = false;
  const onSignal = (): void => {
    stopRequested = true;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // -1: the server did not answer (it is gone; the next round sees it)
  const clients = async (): Promise<number> => {
    try {
      const r = await monitor.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1',
        [CLIENT_APPLICATION],
      );
      return r.rows[0].n;
    } catch {
      serverGone = true;
      return -1;
    }
  };
  try {
    for (;;) {
      await sleep(pollMs);
      if (serverGone || !processRunning(info.postmasterPid)) {
        log('postgres is gone');
        rmSync(paths.server, { force: true });
        return;
      }
      if (!stopRequested && (await clients()) !== 0) continue;
      const startLock = tryAcquireLock(paths.startLock, 'lgt queue server keeper');
      if (startLock === undefined) continue; // a command is joining: count again later
      try {
        if (stopRequested || (await clients()) === 0) {
          log(stopRequested ? 'stop requested' : 'no clients left');
          rmSync(paths.server, { force: true });
          await monitor.end().catch(() => undefined);
          await stopPostmaster(info.postmasterPid, log);
          return;
        }
      } finally {
        startLock.release();
      }
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
