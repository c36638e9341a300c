import { sql, type Kysely, type Transaction } from 'kysely';
import type { Db } from './connect.ts';
import { withTxMemo } from './tx-memo.ts';

export type Tx<T> = Kysely<T> | Transaction<T>;

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

const defaultRetry: RetryPolicy = { maxAttempts: 12, baseDelayMs: 2, maxDelayMs: 200 };

/** Unique constraints whose violation means "a concurrent writer won the race": safe to rerun the block. */
const raceConstraints = new Set(['audit_log_pkey']);

/**
 * Services name their own race constraints: on PostgreSQL a concurrent insert into a unique index
 * surfaces as 23505 (not 40001) when the loser never read that index, and the rerun then sees the
 * winner's row and refuses properly.
 */
export function registerRaceConstraint(name: string): void {
  raceConstraints.add(name);
}

/**
 * Run fn as one transaction.
 * - SQLite: BEGIN IMMEDIATE takes the write lock up front, so a read-then-write block cannot be
 *   interleaved with another writer (no SQLITE_BUSY upgrade failure mid-transaction).
 * - PostgreSQL: SERIALIZABLE, queued on a writer advisory lock (see postgresSerialized); on
 *   40001/40P01 the whole block is rerun with jittered exponential backoff, so fn must be free of
 *   side effects outside the database (use the outbox).
 */
export async function inTransaction<T, R>(
  db: Db<T>,
  fn: (trx: Tx<T>) => Promise<R>,
  retry: RetryPolicy = defaultRetry,
): Promise<R> {
  if (db.engine === 'sqlite') return sqliteImmediate(db.kysely, fn);
  for (let attempt = 1; ; attempt++) {
    try {
      return await postgresSerialized(db.kysely, fn);
    } catch (error) {
      if (!isRetryable(error) || attempt >= retry.maxAttempts) throw error;
      const ceiling = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** attempt);
      await sleep(Math.random() * ceiling);
    }
  }
}

/** Key of the advisory lock that orders writers on PostgreSQL (any 64-bit number unique to Yiwang). */
const writerLockKey = 7_204_431_019n;

/**
 * Every write transaction appends to the one hash chain of the audit trail, so writers conflict on
 * its head whatever else they touch. Under SSI that is a retry storm (each round only one wins), so
 * writers queue on an advisory lock taken *before* BEGIN, i.e. before the snapshot: the transaction
 * then sees the previous writer's commit and SERIALIZABLE rarely has to abort anything. The lock is
 * the server's, so it orders writers across all app processes sharing the database.
 */
async function postgresSerialized<T, R>(kysely: Kysely<T>, fn: (trx: Tx<T>) => Promise<R>): Promise<R> {
  return kysely.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${writerLockKey})`.execute(conn);
    try {
      return await conn.transaction().setIsolationLevel('serializable').execute((trx) => withTxMemo(trx, fn));
    } finally {
      await sql`select pg_advisory_unlock(${writerLockKey})`.execute(conn).catch(() => undefined);
    }
  });
}

async function sqliteImmediate<T, R>(kysely: Kysely<T>, fn: (trx: Tx<T>) => Promise<R>): Promise<R> {
  // connection() holds Kysely's single-connection mutex for the whole block.
  return kysely.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      const result = await withTxMemo(conn, fn);
      await sql`commit`.execute(conn);
      return result;
    } catch (error) {
      await sql`rollback`.execute(conn).catch(() => undefined);
      throw error;
    }
  });
}

export function isRetryable(error: unknown): boolean {
  const e = error as { code?: string; constraint?: string } | null;
  if (!e || typeof e !== 'object') return false;
  if (e.code === '40001' || e.code === '40P01') return true;
  return e.code === '23505' && e.constraint !== undefined && raceConstraints.has(e.constraint);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
