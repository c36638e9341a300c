import type { VersionedMigration } from '../db/migrate.ts';
import { withId } from '../db/columns.ts';

export const notifyMigration: VersionedMigration = {
  name: '0003_platform_notify',
  async up(db, engine) {
    await withId(db.schema.createTable('outbox'), engine)
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('person_id', 'integer')
      .addColumn('phone', 'text', (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('template', 'text', (c) => c.notNull())
      .addColumn('params', 'text', (c) => c.notNull())
      .addColumn('locale', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'text', (c) => c.notNull())
      .addColumn('claimed_at', 'text')
      .addColumn('claimed_by', 'text')
      .addColumn('sent_at', 'text')
      .addColumn('last_error', 'text')
      .execute();
    await db.schema.createIndex('outbox_due').on('outbox').columns(['status', 'next_attempt_at']).execute();
    await db.schema.createIndex('outbox_person').on('outbox').columns(['person_id', 'id']).execute();
    // The log adapter's delivery record: its primary key is what makes a message impossible to send twice.
    await db.schema
      .createTable('sms_deliveries')
      .addColumn('message_id', 'integer', (c) => c.primaryKey())
      .addColumn('phone', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('delivered_at', 'text', (c) => c.notNull())
      .execute();
  },
};
