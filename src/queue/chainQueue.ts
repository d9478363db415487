/**
 * The queue of chains: a connection to PostgreSQL (an embedded server, ./embeddedServer.ts,
 * or any server by URL) with pg-boss on it, and the operations that `lgt scan`, `lgt worker`
 * and `lgt status` need. Every chain of every scan is one job of the pg-boss queue
 * `lgt-chains` (./jobTable.ts has the SQL beside pg-boss's API and the locking scheme):
 *
 * - delivery: pg-boss's `fetch` (SELECT ... FOR UPDATE SKIP LOCKED), oldest job first;
 * - a job's id is derived from its scan and coordinates, so submitting a scan again queues
 *   nothing new (pg-boss inserts with ON CONFLICT DO NOTHING);
 * - retries with exponential backoff (pg-boss `retryLimit`, `retryBackoff`) after errors and
 *   after a worker vanished; a permanent failure (invalid parameters) is failed at once;
 * - a vanished worker is noticed through its advisory lock, which PostgreSQL drops with its
 *   connection (a killed process closes its socket at once; a lost machine after the TCP
 *   keepalive), instead of pg-boss's expiry, which would also take a long chain that is
 *   still running for a dead one (pg-boss 10 caps `expireIn` below 24 hours and has no
 *   heartbeat): every worker looks for active jobs whose lock nobody holds and fails them,
 *   which sends them to a retry.
 *
 * pg-boss runs here without its supervisor (no expiry, no archiving) and without its
 * scheduler; every command holds one extra connection (`lgt-client`) for the job locks, which
 * also keeps an embedded server running. Commits other than a scan's submission do not wait
 * for the WAL to reach the disk (`synchronous_commit = off`): what a server crash would lose
 * of them is redone, because running a chain is idempotent.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import pg from 'pg';
import PgBoss from 'pg-boss';
import { rangeError } from '../core/validate.js';
import { CLIENT_APPLICATION, joinEmbeddedServer } from './embeddedServer.js';
import {
  CHAIN_QUEUE,
  activeJobIds,
  createScanTable,
  exhaustRetries,
  insertScan,
  isOrphaned,
  jobRows,
  releaseJob,
  scanRows,
  scanSpecOf,
  tryLockJob,
  unfinishedJobs,
  unlockJob,
  writeProgress,
  type JobRow,
  type ScanRow,
} from './jobTable.js';
import { QueueError } from './queueError.js';
import type { ScanChain, ScanSpec } from './scan.js';

/** Where the queue lives. */
export type QueueLocation =
  | {
      /** An embedded server in a directory of this machine. */
      kind: 'embedded';
      /** The directory. */
      directory: string;
    }
  | {
      /** A PostgreSQL server. */
      kind: 'server';
      /** Its postgres:// URL. */
      url: string;
    };

/** The directory of `--queue embedded` without a directory. */
export const DEFAULT_EMBEDDED_DIRECTORY = 'lgt-queue';

/**
 * Reads a queue location: `embedded` (the directory `lgt-queue` here), `embedded:DIR`, or a
 * `postgres://` (`postgresql://`) URL.
 *
 * @throws RangeError for anything else.
 */
export function parseQueueLocation(text: string): QueueLocation {
  if (text === 'embedded') return { kind: 'embedded', directory: DEFAULT_EMBEDDED_DIRECTORY };
  if (text.startsWith('embedded:') && text.length > 'embedded:'.length) {
    return { kind: 'embedded', directory: text.slice('embedded:'.length) };
  }
  if (/^postgres(ql)?:\/\//.test(text)) return { kind: 'server', url: text };
  throw rangeError(
    'parseQueueLocation',
    'location',
    'embedded, embedded:DIR or a postgres:// URL',
    text,
  );
}

/** The host and port of a URL for messages, without user or password. */
function serverName(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}:${u.port || '5432'}`;
  } catch {
    return 'an unreadable URL';
  }
}

/** The job data of a chain (pg-boss's `data`). */
export interface ChainJobData extends ScanChain {
  /** When the scan was submitted (ISO 8601): recorded in the chain's file. */
  submitted: string;
}

/** A job a worker fetched. */
export interface ChainJob {
  /** The job id. */
  id: string;
  /** Its data. */
  data: ChainJobData;
  /** Attempts before this one. */
  retries: number;
}

/**
 * A job's deterministic id: a UUID whose first 20 hex digits come from SHA-256 of the scan's
 * id and whose last 12 are the chain's position in the scan (point by point, chain by chain),
 * so that pg-boss, which takes the jobs of one submission in the order of their ids, runs a
 * scan's chains in order.
 */
export function chainJobId(scanId: string, position: number): string {
  const h = createHash('sha256').update(`lgt-scan:${scanId}`).digest('hex');
  const p = position.toString(16).padStart(12, '0');
  // the layout of a version-8 ("custom") UUID, RFC 9562
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-a${h.slice(17, 20)}-${p}`;
}

/** How a scan's jobs are retried. */
export interface RetryPolicy {
  /** Attempts after the first (default 3). */
  retries?: number;
  /** Seconds before the first retry, doubling with each (default 1). */
  delaySeconds?: number;
}

/** What {@link ChainQueue.submitScan} did. */
export interface SubmitResult {
  /** The scan's id. */
  scanId: string;
  /** Chains queued now. */
  submitted: number;
  /** Chains that were queued before (the same scan submitted again). */
  existing: number;
}

/** Options of {@link ChainQueue.open}. */
export interface OpenOptions {
  /** Errors of idle connections and of pg-boss's background work (default: ignored). */
  onError?: (error: Error) => void;
  /** Connections of the pool (default 2; a worker runs one query at a time, and writes progress). */
  poolSize?: number;
}

/** The queue of chains on a PostgreSQL server (module header). */
export class ChainQueue {
  /** Where it lives, for messages: the directory or host:port. */
  readonly where: string;
  /** pg-boss on this connection. */
  readonly boss: PgBoss;
  private readonly pool: pg.Pool;
  private readonly session: pg.Client;
  private lost: Error | undefined;

  private constructor(where: string, pool: pg.Pool, session: pg.Client, boss: PgBoss) {
    this.where = where;
    this.pool = pool;
    this.session = session;
    this.boss = boss;
    session.on('error', (error) => (this.lost ??= error));
    session.on('end', () => (this.lost ??= new QueueError(`the connection to ${where} ended`)));
  }

  /**
   * Connects to the queue (starting or joining an embedded server), installs or updates
   * pg-boss's tables and ours, and creates the queue `lgt-chains`.
   *
   * @throws QueueError naming the server (host and port) or directory when it cannot be
   *   reached, refuses the login, or the embedded server cannot start.
   */
  static async open(location: QueueLocation, options: OpenOptions = {}): Promise<ChainQueue> {
    const onError = options.onError ?? ((): void => undefined);
    let config: pg.ClientConfig;
    let session: pg.Client;
    let where: string;
    if (location.kind === 'embedded') {
      const joined = await joinEmbeddedServer(location.directory);
      config = joined.config;
      session = joined.client;
      where = `the embedded Postgres in ${resolve(location.directory)}`;
    } else {
      where = serverName(location.url);
      config = { connectionString: location.url };
      session = new pg.Client({
        ...config,
        application_name: CLIENT_APPLICATION,
        keepAlive: true,
        connectionTimeoutMillis: 10_000,
      });
      try {
        await session.connect();
      } catch (error) {
        await session.end().catch(() => undefined);
        throw new QueueError(
          `cannot reach the queue at ${where}: ${(error as Error).message || String(error)}`,
          { cause: error },
        );
      }
    }
    const pool = new pg.Pool({
      ...config,
      application_name: 'lgt',
      // What workers write is idempotent: a fetch, progress or completion lost in a crash of
      // the server is redone (the chain resumes from its checkpoint, or its complete file is
      // recognised), so they need not wait for the WAL flush; submitting a scan does.
      options: '-c synchronous_commit=off',
      max: options.poolSize ?? 2,
      keepAlive: true,
      connectionTimeoutMillis: 10_000,
    });
    pool.on('error', onError);
    const boss = new PgBoss({
      db: { executeSql: (text: string, values?: unknown[]) => pool.query(text, values) },
      supervise: false,
      schedule: false,
      migrate: true,
    });
    boss.on('error', onError);
    try {
      await boss.start();
      await createScanTable(pool);
      await boss.createQueue(CHAIN_QUEUE, { name: CHAIN_QUEUE, policy: 'standard' });
    } catch (error) {
      await session.end().catch(() => undefined);
      await pool.end().catch(() => undefined);
      throw new QueueError(`cannot use the queue at ${where}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    return new ChainQueue(where, pool, session, boss);
  }

  /** Set when this process's own connection (its job locks) was lost: stop working at once. */
  get connectionLost(): Error | undefined {
    return this.lost;
  }

  /**
   * Submits the chains of a scan (its jobs and its record); chains already queued (the same
   * scan submitted before) are left as they are.
   *
   * @returns how many jobs were new.
   */
  async submitScan(
    scan: ScanSpec,
    chains: ScanChain[],
    policy: RetryPolicy = {},
  ): Promise<SubmitResult> {
    const scanId = chains[0]?.scanId;
    if (scanId === undefined) throw rangeError('submitScan', 'chains', 'at least one', 0);
    const retries = policy.retries ?? 3;
    const delay = policy.delaySeconds ?? 1;
    const submitted = new Date().toISOString();
    const client = await this.pool.connect();
    let before: number;
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL synchronous_commit = on');
      const steps = chains.reduce((s, c) => s + c.steps, 0);
      await insertScan(client, scanId, scan.name, scan, chains.length, steps);
      const db = { executeSql: (text: string, values?: unknown[]) => client.query(text, values) };
      const ids = chains.map((_, k) => chainJobId(scanId, k));
      before = (
        await client.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND id = ANY($2::uuid[])',
          [CHAIN_QUEUE, ids],
        )
      ).rows[0].n;
      await this.boss.insert(
        chains.map((chain, k) => ({
          id: ids[k],
          name: CHAIN_QUEUE,
          data: { ...chain, submitted } satisfies ChainJobData,
          retryLimit: retries,
          retryDelay: delay,
          retryBackoff: true,
          // no expiry: a vanished worker is found by its lock (module header)
          expireInSeconds: 23 * 3600,
        })),
        { db },
      );
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
    return { scanId, submitted: chains.length - before, existing: before };
  }

  /**
   * Takes the next job and locks it for this process; undefined when none is waiting. A job
   * that another live process holds (it was taken from it by mistake) is left to it.
   */
  async fetch(): Promise<ChainJob | undefined> {
    for (;;) {
      const [job] = await this.boss.fetch<ChainJobData>(CHAIN_QUEUE, { includeMetadata: true });
      if (job === undefined) return undefined;
      if (await tryLockJob(this.session, job.id)) {
        return { id: job.id, data: job.data, retries: job.retryCount };
      }
    }
  }

  /** Releases this process's lock of a job (after completing, failing or releasing it). */
  async unlock(id: string): Promise<void> {
    if (this.lost === undefined) await unlockJob(this.session, id);
  }

  /** Writes a running job's progress into the job. */
  async progress(id: string, progress: Record<string, unknown>): Promise<void> {
    await writeProgress(this.pool, id, progress);
  }

  /** Marks a job completed with its result. */
  async complete(id: string, result: Record<string, unknown>): Promise<void> {
    await this.boss.complete(CHAIN_QUEUE, id, result);
  }

  /**
   * Marks a job failed with its error: to be retried (with backoff, while attempts are left),
   * or, when `permanent`, failed for good.
   */
  async fail(id: string, error: Record<string, unknown>, permanent: boolean): Promise<void> {
    if (!permanent) {
      await this.boss.fail(CHAIN_QUEUE, id, error);
      return;
    }
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await exhaustRetries(client, id);
      const db = { executeSql: (text: string, values?: unknown[]) => client.query(text, values) };
      await this.boss.fail(CHAIN_QUEUE, id, error, { db });
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }

  /** Hands a running job back unfinished (a clean stop), keeping its progress. */
  async release(id: string, progress: Record<string, unknown>): Promise<void> {
    await releaseJob(this.pool, id, progress);
  }

  /**
   * Fails every active job whose worker has vanished (nobody holds its lock) and that started
   * more than `graceSeconds` ago, which sends it to a retry; returns their ids.
   */
  async reap(graceSeconds: number): Promise<string[]> {
    const reaped: string[] = [];
    for (const id of await activeJobIds(this.pool, graceSeconds)) {
      const client = await this.pool.connect();
      try {
        await client.query('BEGIN');
        if (await isOrphaned(client, id)) {
          const db = {
            executeSql: (text: string, values?: unknown[]) => client.query(text, values),
          };
          await this.boss.fail(
            CHAIN_QUEUE,
            id,
            { message: 'the worker vanished (its database connection ended)' },
            { db },
          );
          reaped.push(id);
        }
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    }
    return reaped;
  }

  /** Jobs not finished yet: queued, waiting for a retry, or running. */
  async unfinished(): Promise<number> {
    return unfinishedJobs(this.pool);
  }

  /** Every job, for `lgt status`. */
  async jobs(): Promise<JobRow[]> {
    return jobRows(this.pool);
  }

  /** Every scan, oldest first. */
  async scans(): Promise<ScanRow[]> {
    return scanRows(this.pool);
  }

  /** The specification of scan `id`, as submitted (undefined when it is not recorded). */
  async scanSpec(id: string): Promise<ScanSpec | undefined> {
    return (await scanSpecOf(this.pool, id)) as ScanSpec | undefined;
  }

  /** Closes the connections (and so lets an embedded server stop when it was the last). */
  async close(): Promise<void> {
    await this.boss.stop({ graceful: false, close: false }).catch(() => undefined);
    await this.pool.end().catch(() => undefined);
    this.lost ??= new QueueError('closed');
    await this.session.end().catch(() => undefined);
  }
}
