import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { PlatformTables } from './schema.ts';
import { CachedSqliteDialect } from './sqlite-driver.ts';
import { postgresStatementNames } from './prepared.ts';
import { startWalCheckpointer } from './wal-checkpointer.ts';

export type Engine = 'sqlite' | 'postgres';

/** The platform's handle on storage. Services extend the table map with their own tables. */
export interface Db<T = PlatformTables> {
  readonly kysely: Kysely<T>;
  readonly engine: Engine;
  /** Human-readable location, never containing a password. */
  readonly where: string;
  /** PostgreSQL schema holding the tables (the search_path); undefined on SQLite. */
  readonly schema?: string;
  /** Present on SQLite: used for online backup. */
  readonly sqlite?: SqliteDatabase.Database;
  /** True when one parameterless raw query may carry several statements (node-postgres, not PGlite). */
  readonly multiStatement?: boolean;
  close(): Promise<void>;
}

export interface DbOptions {
  /** postgres://… selects PostgreSQL; anything else is ignored. */
  databaseUrl?: string | undefined;
  /** Folder for the embedded SQLite file (default ./data). */
  dataDir?: string | undefined;
  /** Explicit SQLite file (':memory:' allowed); overrides dataDir. */
  sqliteFile?: string | undefined;
  /** PostgreSQL pool size per process. */
  poolSize?: number | undefined;
  /** PostgreSQL search_path, used by tests to isolate a schema. */
  searchPath?: string | undefined;
}

export function openDatabase<T = PlatformTables>(options: DbOptions = {}): Db<T> {
  const url = options.databaseUrl;
  if (url && /^postgres(ql)?:\/\//.test(url)) return openPostgres<T>(url, options);
  const file = options.sqliteFile ?? path.join(options.dataDir ?? 'data', 'yiwang.sqlite');
  return openSqlite<T>(file);
}

export function openSqlite<T>(file: string): Db<T> {
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new SqliteDatabase(file);
  // WAL lets readers and the online backup run while one writer commits; busy_timeout covers
  // other processes (CLI while the server runs) holding the write lock briefly.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // SQLite's default page cache is 2 MB; a district's schedule (1M tickets) is ~130 MB, so nearly
  // every index probe of a booking went to the OS page cache through read(). 256 MB is an upper
  // bound, used only as pages are touched (booking benchmark, issue 3: ~15 % less CPU per booking).
  sqlite.pragma('cache_size = -262144');
  // Checkpoints off the event loop (wal-checkpointer.ts). A group commit of ~200 bookings writes
  // ~2,000 WAL frames, so with SQLite's default (1,000) every COMMIT ran a checkpoint inline: page
  // writes and two fsyncs on the event loop, multi-second stalls under load (booking benchmark,
  // issue 3). The inline auto-checkpoint stays as a backstop at 20,000 frames (~80 MB); by then the
  // worker has copied nearly all of it, so it is a short tail, after which the WAL starts over and
  // journal_size_limit truncates the file. Durability is unchanged: WAL with synchronous=NORMAL
  // survives a killed process (the SIGKILL crash test) but not an OS crash or power cut, which can
  // lose the last commits; synchronous=FULL would fsync the WAL once per group commit instead.
  sqlite.pragma('wal_autocheckpoint = 20000');
  sqlite.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
  const checkpointer = file === ':memory:' || file === '' ? undefined : startWalCheckpointer(file);
  const kysely = new Kysely<T>({ dialect: new CachedSqliteDialect(sqlite) });
  return {
    kysely,
    engine: 'sqlite',
    where: file,
    sqlite,
    close: async () => {
      await checkpointer?.stop();
      await kysely.destroy();
    },
  };
}

export function openPostgres<T>(url: string, options: DbOptions = {}): Db<T> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    ...(options.searchPath ? { options: `-c search_path=${options.searchPath}` } : {}),
  });
  // An idle client's error (server restart) must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  pool.on('connect', prepareHotStatements);
  const kysely = new Kysely<T>({ dialect: new PostgresDialect({ pool }) });
  return {
    kysely,
    engine: 'postgres',
    multiStatement: true,
    schema: options.searchPath ?? 'public',
    where: redactUrl(url) + (options.searchPath ? ` (schema ${options.searchPath})` : ''),
    close: () => kysely.destroy(),
  };
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparsable url)';
  }
}

/**
 * Hot-path statements (runSql) run as named prepared statements: node-postgres parses a name once
 * per connection, and the server then skips parsing and planning (the booking's joins were planned
 * on every call). Kysely calls query(text, values); other SQL passes through unchanged. The
 * server re-plans a prepared statement after DDL on its tables, and these statements name their
 * columns, so a migration that adds columns does not break a running process; one that changes
 * the type of a column they return does ("cached plan must not change result type"): restart the
 * app processes after such a migration.
 */
function prepareHotStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (config: unknown, values?: unknown, callback?: unknown) => unknown;
  (client as unknown as { query: typeof query }).query = (config, values, callback) => {
    const name = typeof config === 'string' ? postgresStatementNames.get(config) : undefined;
    return name === undefined ? query(config, values, callback) : query({ name, text: config, values }, callback);
  };
}
