import { sql, type Kysely } from 'kysely';
import type { Db } from './connect.ts';
import { inTransaction, type Tx } from './transaction.ts';

/**
 * Runs units of work in transactions, committing the units that arrive in the same event-loop
 * turn together on SQLite: one BEGIN IMMEDIATE … COMMIT (one WAL sync) for the batch, each unit in
 * its own SAVEPOINT so a unit that throws is undone alone. A caller's promise settles only after
 * the batch has committed, so nothing is acknowledged that a crash could lose.
 * On PostgreSQL each unit is its own SERIALIZABLE transaction (several processes share the server).
 */
export interface GroupCommitter<T> {
  run<R>(unit: (trx: Tx<T>) => Promise<R>): Promise<R>;
}

interface Pending<T> {
  unit: (trx: Tx<T>) => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

export function groupCommitter<T>(db: Db<T>, maxBatch = 256): GroupCommitter<T> {
  if (db.engine !== 'sqlite') return { run: (unit) => inTransaction(db, unit) };
  let queue: Pending<T>[] = [];
  let scheduled = false;
  let chain: Promise<void> = Promise.resolve();

  const flush = async (batch: Pending<T>[]) => {
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      await db.kysely.connection().execute(async (conn: Kysely<T>) => {
        await sql`begin immediate`.execute(conn);
        try {
          for (const p of batch) {
            await sql`savepoint unit`.execute(conn);
            try {
              const value = await p.unit(conn);
              await sql`release savepoint unit`.execute(conn);
              outcomes.push({ ok: true, value });
            } catch (error) {
              await sql`rollback to savepoint unit`.execute(conn);
              await sql`release savepoint unit`.execute(conn);
              outcomes.push({ ok: false, error });
            }
          }
          await sql`commit`.execute(conn);
        } catch (error) {
          await sql`rollback`.execute(conn).catch(() => undefined);
          throw error;
        }
      });
    } catch (error) {
      batch.forEach((p) => p.reject(error));
      return;
    }
    batch.forEach((p, i) => {
      const o = outcomes[i];
      if (o?.ok) p.resolve(o.value);
      else p.reject(o?.error);
    });
  };

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
