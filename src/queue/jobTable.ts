/**
 * The SQL this room runs beside pg-boss's own API, in one place: our table of scans, and the
 * statements on pg-boss's job table (schema `pgboss`, pg-boss 10; columns and states as in its
 * `plans.js`) that its API does not offer:
 *
 * - progress: a running job's `output` holds its progress (pg-boss writes `output` only when a
 *   job completes or fails);
 * - release: a job a worker hands back unfinished (a clean stop) returns to state `retry`
 *   with one more allowed attempt, as pg-boss's own `retry()` does for a failed job, so that a
 *   clean stop does not use up the job's retries;
 * - a permanent failure: `retry_limit` set to the attempts made, in the same transaction as
 *   pg-boss's `fail()`, which then records the job as failed instead of retrying it;
 * - the listing behind `lgt status` (pg-boss has no API that lists jobs), from the job table
 *   and its archive.
 *
 * A worker's hold on a job is a session-level advisory lock of the job id (key: PostgreSQL's
 * `hashtextextended('lgt-chain:' || id, 0)`), held on the worker's own connection: it
 * vanishes with that connection, so a job that is `active` while nobody holds its lock has
 * lost its worker.
 *
 * The tests in test/queue run every statement against a real server, so an upgrade of pg-boss
 * that changes its tables fails them.
 *
 * @module
 */
import type pg from 'pg';

/** The pg-boss queue of every chain of every scan. */
export const CHAIN_QUEUE = 'lgt-chains';
/** pg-boss's schema. */
export const BOSS_SCHEMA = 'pgboss';

/** Something that runs a query: a pool or a connection. */
export interface Queryable {
  /** Runs `text` with the parameters `values` ($1, $2, ...). */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>>;
}

/** Creates our schema `lgt` and its table of scans (idempotent, safe to run concurrently). */
export async function createScanTable(db: pg.Pool): Promise<void> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    await client.query("SELECT pg_advisory_xact_lock(hashtextextended('lgt-schema', 0))");
    await client.query('CREATE SCHEMA IF NOT EXISTS lgt');
    await client.query(`
      CREATE TABLE IF NOT EXISTS lgt.scan (
        id text PRIMARY KEY,
        name text NOT NULL,
        spec jsonb NOT NULL,
        jobs integer NOT NULL,
        steps bigint NOT NULL,
        submitted timestamptz NOT NULL DEFAULT now()
      )`);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Records a scan; false when it was already there (the same scan submitted again). */
export async function insertScan(
  db: Queryable,
  id: string,
  name: string,
  spec: unknown,
  jobs: number,
  steps: number,
): Promise<boolean> {
  const r = await db.query(
    `INSERT INTO lgt.scan (id, name, spec, jobs, steps) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (id) DO NOTHING RETURNING id`,
    [id, name, JSON.stringify(spec), jobs, steps],
  );
  return r.rowCount === 1;
}

/** A scan as recorded. */
export interface ScanRow {
  /** Its id. */
  id: string;
  /** Its name. */
  name: string;
  /** The scan specification (JSON). */
  spec: unknown;
  /** Number of chains. */
  jobs: number;
  /** Monte Carlo steps of all its chains. */
  steps: number;
  /** When it was first submitted. */
  submitted: Date;
}

/** Every recorded scan, oldest first (none before the first scan was submitted). */
export async function scanRows(db: Queryable): Promise<ScanRow[]> {
  const exists = await db.query<{ t: string | null }>("SELECT to_regclass('lgt.scan') AS t");
  if (exists.rows[0].t === null) return [];
  const r = await db.query<ScanRow & { steps: string }>(
    'SELECT id, name, spec, jobs, steps, submitted FROM lgt.scan ORDER BY submitted, id',
  );
  return r.rows.map((row) => ({ ...row, steps: Number(row.steps) }));
}

/** The specification of scan `id`, or undefined when it is not recorded. */
export async function scanSpecOf(db: Queryable, id: string): Promise<unknown> {
  const r = await db.query<{ spec: unknown }>('SELECT spec FROM lgt.scan WHERE id = $1', [id]);
  return r.rows[0]?.spec;
}

/** Writes a running job's progress into its `output` (no effect once it is no longer active). */
export async function writeProgress(db: Queryable, id: string, progress: unknown): Promise<void> {
  await db.query(
    `UPDATE ${BOSS_SCHEMA}.job SET output = $3::jsonb
     WHERE name = $1 AND id = $2 AND state = 'active'`,
    [CHAIN_QUEUE, id, JSON.stringify(progress)],
  );
}

/**
 * Hands an active job back unfinished: state `retry`, at once, with one more allowed attempt
 * (the next fetch counts one), its progress kept in `output`. False when it was not active.
 */
export async function releaseJob(db: Queryable, id: string, progress: unknown): Promise<boolean> {
  const r = await db.query(
    `UPDATE ${BOSS_SCHEMA}.job
     SET state = 'retry', retry_limit = retry_limit + 1, start_after = now(), output = $3::jsonb
     WHERE name = $1 AND id = $2 AND state = 'active'`,
    [CHAIN_QUEUE, id, JSON.stringify(progress)],
  );
  return r.rowCount === 1;
}

/** Makes the next `fail()` of an active job final: no attempts left (same transaction). */
export async function exhaustRetries(db: Queryable, id: string): Promise<void> {
  await db.query(
    `UPDATE ${BOSS_SCHEMA}.job SET retry_limit = retry_count
     WHERE name = $1 AND id = $2 AND state = 'active'`,
    [CHAIN_QUEUE, id],
  );
}

/** The advisory lock key of a job (module header). */
const LOCK_KEY = "hashtextextended('lgt-chain:' || $1::text, 0)";

/** Takes the session lock of a job on `session`; false when another session holds it. */
export async function tryLockJob(session: Queryable, id: string): Promise<boolean> {
  const r = await session.query<{ locked: boolean }>(
    `SELECT pg_try_advisory_lock(${LOCK_KEY}) AS locked`,
    [id],
  );
  return r.rows[0].locked;
}

/** Releases the session lock of a job taken by {@link tryLockJob} on the same session. */
export async function unlockJob(session: Queryable, id: string): Promise<void> {
  await session.query(`SELECT pg_advisory_unlock(${LOCK_KEY})`, [id]);
}

/** Active jobs started more than `graceSeconds` ago: candidates for {@link isOrphaned}. */
export async function activeJobIds(db: Queryable, graceSeconds: number): Promise<string[]> {
  const r = await db.query<{ id: string }>(
    `SELECT id FROM ${BOSS_SCHEMA}.job
     WHERE name = $1 AND state = 'active' AND started_on < now() - $2 * interval '1 second'`,
    [CHAIN_QUEUE, graceSeconds],
  );
  return r.rows.map((row) => row.id);
}

/**
 * Inside a transaction on `tx`: whether the active job `id` has lost its worker (nobody holds
 * its lock). Locks the job's row (skipping it when another transaction has it) and tests the
 * lock with a transaction-level request that ends with the transaction.
 */
export async function isOrphaned(tx: Queryable, id: string): Promise<boolean> {
  const row = await tx.query(
    `SELECT id FROM ${BOSS_SCHEMA}.job WHERE name = $1 AND id = $2 AND state = 'active'
     FOR UPDATE SKIP LOCKED`,
    [CHAIN_QUEUE, id],
  );
  if (row.rowCount !== 1) return false;
  const r = await tx.query<{ free: boolean }>(
    `SELECT pg_try_advisory_xact_lock(${LOCK_KEY}) AS free`,
    [id],
  );
  return r.rows[0].free;
}

/** Jobs of the queue that are not finished (queued, waiting for a retry, or running). */
export async function unfinishedJobs(db: Queryable): Promise<number> {
  const r = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${BOSS_SCHEMA}.job WHERE name = $1 AND state < 'completed'`,
    [CHAIN_QUEUE],
  );
  return r.rows[0].n;
}

/** One job as `lgt status` sees it. */
export interface JobRow {
  /** The job id. */
  id: string;
  /** pg-boss's state: created, retry, active, completed, cancelled, failed. */
  state: string;
  /** The scan it belongs to. */
  scan: string;
  /** Index of its point in the scan. */
  point: number;
  /** Index of its chain at the point. */
  chain: number;
  /** Monte Carlo steps of the chain. */
  steps: number;
  /** pg-boss's `output`: progress while running, the result or the error when finished. */
  output: Record<string, unknown> | null;
  /** Attempts after the first. */
  retries: number;
  /** When it last started. */
  started: Date | null;
}

/** Every job of the queue (and of pg-boss's archive), for `lgt status`. */
export async function jobRows(db: Queryable): Promise<JobRow[]> {
  const exists = await db.query<{ t: string | null }>(
    `SELECT to_regclass('${BOSS_SCHEMA}.job') AS t`,
  );
  if (exists.rows[0].t === null) return [];
  const columns = `id, state::text AS state, data->>'scanId' AS scan, (data->>'point')::int AS point,
    (data->>'chain')::int AS chain, (data->>'steps')::bigint AS steps, output,
    retry_count AS retries, started_on AS started`;
  const r = await db.query<JobRow & { steps: string }>(
    `SELECT ${columns} FROM ${BOSS_SCHEMA}.job WHERE name = $1
     UNION ALL SELECT ${columns} FROM ${BOSS_SCHEMA}.archive WHERE name = $1`,
    [CHAIN_QUEUE],
  );
  return r.rows.map((row) => ({ ...row, steps: Number(row.steps) }));
}
