import type SqliteDatabase from 'better-sqlite3';
import { SqliteDialect, SqliteDriver, type CompiledQuery, type DatabaseConnection, type Driver, type QueryResult } from 'kysely';

/**
 * A lock handed to waiters strictly in arrival order, one wake-up per release. Kysely's own SQLite
 * mutex wakes every waiter on every release and lets a newcomer overtake them, so under a few
 * hundred concurrent requests some waited more than 10 s (booking benchmark, issue 3).
 */
export class FifoLock {
  #held = false;
  readonly #waiters: (() => void)[] = [];
  #head = 0;

  lock(): Promise<void> {
    if (!this.#held) {
      this.#held = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  unlock(): void {
    if (this.#head < this.#waiters.length) {
      const next = this.#waiters[this.#head]!;
      this.#head++;
      // Compact now and then instead of shift() on every hand-over.
      if (this.#head > 1024 && this.#head * 2 > this.#waiters.length) {
        this.#waiters.splice(0, this.#head);
        this.#head = 0;
      }
      next(); // the lock stays held: ownership passes to the next waiter
    } else {
      this.#held = false;
    }
  }

  get waiting(): number {
    return this.#waiters.length - this.#head;
  }
}

const cacheLimit = 1000;

/** One better-sqlite3 connection whose statements are prepared once per SQL text. */
export class CachedSqliteConnection implements DatabaseConnection {
  readonly #cache = new Map<string, SqliteDatabase.Statement>();
  constructor(private readonly db: SqliteDatabase.Database) {}

  statement(sql: string): SqliteDatabase.Statement {
    let st = this.#cache.get(sql);
    // A statement still iterating (streamQuery) cannot run again: prepare a fresh one.
    if (st === undefined || st.busy) {
      st = this.db.prepare(sql);
      // Ad-hoc SQL (search pages, reports) must not grow the cache without bound.
      if (this.#cache.size >= cacheLimit) this.#cache.delete(this.#cache.keys().next().value!);
      this.#cache.set(sql, st);
    }
    return st;
  }

  get cachedStatements(): number {
    return this.#cache.size;
  }

  executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
    try {
      return Promise.resolve(this.run<R>(q.sql, q.parameters));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Synchronous execution (the group committer's batch runs through this). */
  run<R>(sql: string, parameters: readonly unknown[]): QueryResult<R> {
    const st = this.statement(sql);
    if (st.reader) return { rows: st.all(parameters as unknown[]) as R[] };
    const { changes, lastInsertRowid } = st.run(parameters as unknown[]);
    return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
  }

  async *streamQuery<R>(q: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    // Never the cached statement: the iterator keeps it busy across awaits.
    for (const row of this.db.prepare(q.sql).iterate(q.parameters as unknown[])) yield { rows: [row as R] };
  }
}

const connections = new WeakMap<SqliteDatabase.Database, CachedSqliteConnection>();

/** The one cached connection of a database opened with CachedSqliteDialect (for the group committer). */
export function cachedConnectionOf(database: SqliteDatabase.Database): CachedSqliteConnection | undefined {
  return connections.get(database);
}

class CachedSqliteDriver extends SqliteDriver {
  readonly #lock = new FifoLock();
  readonly #connection: CachedSqliteConnection;
  constructor(private readonly database: SqliteDatabase.Database) {
    super({ database });
    this.#connection = new CachedSqliteConnection(database);
    connections.set(database, this.#connection);
  }
  override async init(): Promise<void> {}
  override async acquireConnection(): Promise<DatabaseConnection> {
    await this.#lock.lock();
    return this.#connection;
  }
  override async releaseConnection(): Promise<void> {
    this.#lock.unlock();
  }
  override async destroy(): Promise<void> {
    this.database.close();
  }
}

/**
 * Kysely's SQLite dialect with a statement cache (Kysely's driver calls prepare() for every
 * query: 18 % of a booking's CPU) and FIFO hand-over of the single connection.
 */
export class CachedSqliteDialect extends SqliteDialect {
  constructor(private readonly database: SqliteDatabase.Database) {
    super({ database });
  }
  override createDriver(): Driver {
    return new CachedSqliteDriver(this.database);
  }
}
