// Experiment: a SQLite dialect whose single connection is handed over in FIFO order (one wake-up per
// release instead of every waiter re-checking) and whose statements are cached by SQL text.
import type SqliteDatabase from 'better-sqlite3';
import { CompiledQuery, SqliteDialect, type DatabaseConnection, type Driver, type QueryResult, type TransactionSettings } from 'kysely';

class FifoLock {
  #held = false;
  #waiters: (() => void)[] = [];
  lock(): Promise<void> {
    if (!this.#held) {
      this.#held = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
  unlock(): void {
    const next = this.#waiters.shift();
    if (next) next();
    else this.#held = false;
  }
}

class CachedConnection implements DatabaseConnection {
  #cache = new Map<string, SqliteDatabase.Statement>();
  constructor(private readonly db: SqliteDatabase.Database) {}
  #statement(sql: string): SqliteDatabase.Statement {
    let st = this.#cache.get(sql);
    if (st === undefined || st.busy) {
      st = this.db.prepare(sql);
      if (this.#cache.size >= 500) this.#cache.delete(this.#cache.keys().next().value!);
      this.#cache.set(sql, st);
    }
    return st;
  }
  async executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
    const st = this.#statement(q.sql);
    const params = q.parameters as unknown[];
    if (st.reader) return { rows: st.all(params) as R[] };
    const { changes, lastInsertRowid } = st.run(params);
    return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
  }
  async *streamQuery<R>(q: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    const st = this.db.prepare(q.sql);
    for (const row of st.iterate(q.parameters as unknown[])) yield { rows: [row as R] };
  }
}

class FastSqliteDriver implements Driver {
  #lock = new FifoLock();
  #conn: CachedConnection;
  constructor(private readonly db: SqliteDatabase.Database) {
    this.#conn = new CachedConnection(db);
  }
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    await this.#lock.lock();
    return this.#conn;
  }
  async beginTransaction(c: DatabaseConnection, _s: TransactionSettings): Promise<void> {
    await c.executeQuery(CompiledQuery.raw('begin'));
  }
  async commitTransaction(c: DatabaseConnection): Promise<void> {
    await c.executeQuery(CompiledQuery.raw('commit'));
  }
  async rollbackTransaction(c: DatabaseConnection): Promise<void> {
    await c.executeQuery(CompiledQuery.raw('rollback'));
  }
  async releaseConnection(): Promise<void> {
    this.#lock.unlock();
  }
  async destroy(): Promise<void> {
    this.db.close();
  }
}

export class FastSqliteDialect extends SqliteDialect {
  constructor(private readonly database: SqliteDatabase.Database) {
    super({ database });
  }
  override createDriver(): Driver {
    return new FastSqliteDriver(this.database);
  }
}
