import { Migrator, type Kysely, type Migration } from 'kysely';
import type { Db, Engine } from './connect.ts';

/**
 * A versioned migration. Names sort in apply order ('0001_platform_core', '0100_appointments_…').
 * Migrations get the engine so that the few engine-specific column types stay in one helper.
 */
export interface VersionedMigration {
  readonly name: string;
  // Migrations build schema before the typed table map exists, so they use an untyped handle.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  up(db: Kysely<any>, engine: Engine): Promise<void>;
}

export async function migrateToLatest<T>(db: Db<T>, migrations: readonly VersionedMigration[]): Promise<string[]> {
  const byName: Record<string, Migration> = {};
  for (const m of migrations) {
    if (byName[m.name]) throw new Error(`duplicate migration name ${m.name}`);
    byName[m.name] = { up: (k) => m.up(k, db.engine) };
  }
  const migrator = new Migrator({
    db: db.kysely,
    provider: { getMigrations: async () => byName },
    // Kysely looks for its own tables across all schemas; pin them to ours, or a second schema
    // on the same server (tests, a staging copy) makes it think they already exist.
    ...(db.schema ? { migrationTableSchema: db.schema } : {}),
  });
  let outcome = await migrator.migrateToLatest();
  // Kysely's existence check reads the catalog of every schema; a schema another process drops
  // meanwhile (a test, a drill's scratch schema) fails it with 3F000. Looking again is safe.
  for (let i = 0; i < 3 && (outcome.error as { code?: string } | undefined)?.code === '3F000'; i++) outcome = await migrator.migrateToLatest();
  const { error, results } = outcome;
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
