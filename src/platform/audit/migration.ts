import { sql } from 'kysely';
import type { VersionedMigration } from '../db/migrate.ts';

export const GENESIS_HASH = '0'.repeat(64);

export const auditMigration: VersionedMigration = {
  name: '0002_platform_audit',
  async up(db) {
    await db.schema
      .createTable('audit_log')
      .addColumn('seq', 'integer', (c) => c.primaryKey())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('actor_kind', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'integer')
      .addColumn('actor_name', 'text', (c) => c.notNull())
      .addColumn('actor_role', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('entity_type', 'text', (c) => c.notNull())
      .addColumn('entity_id', 'text', (c) => c.notNull())
      .addColumn('purpose', 'text')
      .addColumn('grant_ref', 'text')
      .addColumn('source_ip', 'text')
      .addColumn('detail', 'text', (c) => c.notNull())
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('audit_log_entity').on('audit_log').columns(['entity_type', 'entity_id']).execute();
    await db.schema.createIndex('audit_log_actor').on('audit_log').columns(['actor_kind', 'actor_id']).execute();
    // One row that names the chain's head: appends serialise on it, and verify can tell a
    // truncated tail from an intact chain.
    await db.schema
      .createTable('audit_head')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addCheckConstraint('audit_head_single_row', sql`id = 1`)
      .execute();
    await db.insertInto('audit_head').values({ id: 1, seq: 0, hash: GENESIS_HASH }).execute();
  },
};

