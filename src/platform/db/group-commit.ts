import { CompiledQuery, type Kysely } from 'kysely';
import type { Db } from './connect.ts';
import { inTransaction, isRetryable, type Tx } from './transaction.ts';
import { directRunners, runSql } from './prepared.ts';
import { cachedConnectionOf } from './sqlite-driver.ts';
import { closeTxMemo, openTxMemo, resetTxMemo } from './tx-memo.ts';

/**
 * Runs units of work in transactions, committing the units that arrive in the same event-loop
 * turn together: one transaction (on SQLite one BEGIN IMMEDIATE … COMMIT and one WAL write; on
 * PostgreSQL one turn of the writer lock, see inTransaction, and one WAL flush) for the batch,
 * each unit in its own SAVEPOINT so a unit that throws is undone alone. A caller's promise settles
 * only after the batch has committed, so nothing is acknowledged that a crash of the process could
 * lose. (On SQLite, synchronous=NORMAL in WAL mode does not fsync at COMMIT: an OS crash or power cut
 * can lose the last commits. See connect.ts.)
 * On PostgreSQL a serialization failure inside any unit reruns the whole batch (units, like every
 * inTransaction block, must have no side effects outside the database).
 */
export interface GroupCommitter<T> {
  run<R>(unit: (trx: Tx<T>) => Promise<R>): Promise<R>;
}

interface Pending<T> {
  unit: (trx: Tx<T>) => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

// Raw statements written once (runSql: on SQLite one cached statement each, run directly in a batch).
const run = (trx: Tx<unknown>, text: string) => runSql(trx as Tx<unknown> & Kysely<unknown>, text, []);

// Two statements in one simple-protocol round trip (no parameters): node-postgres only (PGlite refuses it).
const releaseAndReopen = CompiledQuery.raw('release savepoint unit; savepoint unit');

/**
 * Runs the batch's units one after another in trx, each in a savepoint. With chainSavepoints
 * (PostgreSQL) one unit's release and the next one's savepoint go in one round trip: every round
 * trip of a booking is taken under the writer lock (transaction.ts).
 */
async function runUnits<T>(trx: Tx<T>, batch: readonly Pending<T>[], rethrow: (error: unknown) => boolean, chainSavepoints = false): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  const t = trx as Tx<unknown>;
  openTxMemo(trx);
  try {
    let open = false;
    for (const [i, p] of batch.entries()) {
      if (!open) await run(t, 'savepoint unit');
      open = false;
      try {
        const value = await p.unit(trx);
        if (chainSavepoints && i < batch.length - 1) {
          await t.executeQuery(releaseAndReopen);
          open = true;
        } else await run(t, 'release savepoint unit');
        outcomes.push({ ok: true, value });
      } catch (error) {
        if (rethrow(error)) throw error;
        resetTxMemo(trx);
        await run(t, 'rollback to savepoint unit');
        await run(t, 'release savepoint unit');
        outcomes.push({ ok: false, error });
      }
    }
  } finally {
    closeTxMemo(trx);
  }
  return outcomes;
}

export function groupCommitter<T>(db: Db<T>, maxBatch = 256): GroupCommitter<T> {
  const queue: Pending<T>[] = [];
  let scheduled = false;
  let chain: Promise<void> = Promise.resolve();

  const settle = (batch: readonly Pending<T>[], outcomes: readonly Outcome[]) =>
    batch.forEach((p, i) => {
      const o = outcomes[i];
      if (o?.ok) p.resolve(o.value);
      else p.reject(o ? o.error : new Error('unit did not run'));
    });

  const flushSqlite = async (batch: readonly Pending<T>[]) => {
    let outcomes: Outcome[];
    try {
      outcomes = await db.kysely.connection().execute(async (conn: Kysely<T>) => {
        const direct = db.sqlite && cachedConnectionOf(db.sqlite);
        if (direct) directRunners.set(conn, direct);
        const c = conn as unknown as Tx<unknown>;
        try {
          await run(c, 'begin immediate');
          try {
            const o = await runUnits(conn, batch, () => false);
            await run(c, 'commit');
            return o;
          } catch (error) {
            await run(c, 'rollback').catch(() => undefined);
            throw error;
          }
        } finally {
          directRunners.delete(conn);
        }
      });
    } catch (error) {
      batch.forEach((p) => p.reject(error));
      return;
    }
    settle(batch, outcomes);
  };

  // PostgreSQL: several app processes share the server, so the batch is an ordinary inTransaction
  // (SERIALIZABLE, behind the writer lock, retried as a whole on 40001/40P01).
  const flushPostgres = async (batch: readonly Pending<T>[]) => {
    let outcomes: Outcome[];
    try {
      outcomes = await inTransaction(db, (trx) => runUnits(trx, batch, isRetryable, db.multiStatement === true));
    } catch (error) {
      if (batch.length > 1 && isRetryable(error)) {
        // The batch kept conflicting even after inTransaction's retries: one busy unit must not
        // sink the rest, so each unit gets its own transaction (the batch was rolled back whole).
        for (const p of batch) await inTransaction(db, (trx) => p.unit(trx)).then(p.resolve, p.reject);
        return;
      }
      batch.forEach((p) => p.reject(error));
      return;
    }
    settle(batch, outcomes);
  };

  const flush = db.engine === 'sqlite' ? flushSqlite : flushPostgres;

  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    // setImmediate lets every request parsed in this turn join the batch.
    setImmediate(() => {
      scheduled = false;
      const batch = queue.splice(0, maxBatch);
      if (queue.length) schedule();
      chain = chain.then(() => flush(batch));
    });
  };

  return {
    run<R>(unit: (trx: Tx<T>) => Promise<R>): Promise<R> {
      return new Promise<R>((resolve, reject) => {
        queue.push({ unit, resolve: resolve as (v: unknown) => void, reject });
        schedule();
      });
    },
  };
}
