import { randomBytes } from 'node:crypto';
import { Kysely, sql } from 'kysely';
import pg from 'pg';
import type { Db, Engine } from './connect.ts';
import { openPostgres, openSqlite } from './connect.ts';
import { migrateToLatest, type VersionedMigration } from './migrate.ts';

/**
 * Test support: every storage test runs on both engines. PostgreSQL is a real server when
 * YIWANG_TEST_PG_URL names a reachable one (.ci/run starts one), PGlite in-process otherwise.
 */
export const testEngines: readonly Engine[] = ['sqlite', 'postgres'];

export interface TestDatabase<T> {
  readonly db: Db<T>;
  /** 'sqlite', 'postgres' (real server) or 'pglite'. */
  readonly flavour: 'sqlite' | 'postgres' | 'pglite';
  /** Opens another independent handle on the same database (a second app process's pool). */
  reopen(): Db<T>;
  cleanup(): Promise<void>;
}

let serverReachable: Promise<boolean> | undefined;

export function realPostgresUrl(): string | undefined {
  return process.env.YIWANG_TEST_PG_URL || undefined;
}

async function postgresReachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function openTestDatabase<T>(engine: Engine, migrations: readonly VersionedMigration[]): Promise<TestDatabase<T>> {
  if (engine === 'sqlite') {
    const dir = `.tmp/test-${process.pid}-${randomBytes(4).toString('hex')}`;
    const file = `${dir}/yiwang.sqlite`;
    const db = openSqlite<T>(file);
    await migrateToLatest(db, migrations);
    const { rm } = await import('node:fs/promises');
    // A second better-sqlite3 handle in the same process would block the event loop on the
    // first one's write lock (its busy wait is synchronous), so a "second process" shares it.
    return { db, flavour: 'sqlite', reopen: () => ({ ...db, close: async () => undefined }), cleanup: async () => { await db.close(); await rm(dir, { recursive: true, force: true }); } };
  }
  const url = realPostgresUrl();
  serverReachable ??= url ? postgresReachable(url) : Promise.resolve(false);
  if (url && (await serverReachable)) {
    const schema = `t_${process.pid}_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    const db = openPostgres<T>(url, { searchPath: schema, poolSize: 8 });
    await migrateToLatest(db, migrations);
    return {
      db,
      flavour: 'postgres',
      reopen: () => openPostgres<T>(url, { searchPath: schema, poolSize: 8 }),
      cleanup: async () => {
        await db.close();
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        await c.query(`drop schema ${schema} cascade`);
        await c.end();
      },
    };
  }
  return openPglite<T>(migrations);
}

async function openPglite<T>(migrations: readonly VersionedMigration[]): Promise<TestDatabase<T>> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGliteDialect } = await import('kysely-pglite-dialect');
  const instance = new PGlite();
  const kysely = new Kysely<T>({ dialect: new PGliteDialect(instance) });
  const db: Db<T> = { kysely, engine: 'postgres', schema: 'public', where: 'pglite (in-process)', close: () => kysely.destroy() };
  await migrateToLatest(db, migrations);
  await sql`select 1`.execute(kysely);
  return {
    db,
    flavour: 'pglite',
    // PGlite is one in-process connection: a "second process" shares the same handle.
    reopen: () => ({ ...db, close: async () => undefined }),
    cleanup: () => db.close(),
  };
}
