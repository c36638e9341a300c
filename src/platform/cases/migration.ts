import type { VersionedMigration } from '../db/migrate.ts';
import { withId } from '../db/columns.ts';

export const casesMigration: VersionedMigration = {
  name: '0004_platform_cases',
  async up(db, engine) {
    await withId(db.schema.createTable('cases'), engine)
      .addColumn('workflow', 'text', (c) => c.notNull())
      .addColumn('reference', 'text', (c) => c.notNull())
      .addColumn('subject_person_id', 'integer', (c) => c.references('persons.id'))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('step', 'text', (c) => c.notNull())
      .addColumn('step_entered_on', 'text', (c) => c.notNull())
      .addColumn('step_due_on', 'text')
      .addColumn('parties', 'text', (c) => c.notNull())
      .addColumn('opened_at', 'text', (c) => c.notNull())
      .addColumn('closed_at', 'text')
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
      .addUniqueConstraint('cases_reference_unique', ['workflow', 'reference'])
      .execute();
    await db.schema.createIndex('cases_workflow_status_idx').on('cases').columns(['workflow', 'status', 'step']).execute();
    await db.schema.createIndex('cases_subject_idx').on('cases').column('subject_person_id').execute();
    await withId(db.schema.createTable('case_reviews'), engine)
      .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id'))
      .addColumn('step', 'text', (c) => c.notNull())
      .addColumn('party', 'text', (c) => c.notNull())
      .addColumn('verdict', 'text', (c) => c.notNull())
      .addColumn('reasons', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('note', 'text')
      .addColumn('reviewer_id', 'integer')
      .addColumn('reviewer_name', 'text')
      .addColumn('decided_at', 'text')
      // One decision per party per step: a second reviewer of the same party cannot add another.
      .addUniqueConstraint('case_reviews_one_per_party', ['case_id', 'step', 'party'])
      .execute();
    await db.schema.createIndex('case_reviews_party_idx').on('case_reviews').columns(['party', 'verdict']).execute();
    await withId(db.schema.createTable('case_events'), engine)
      .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id'))
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('step', 'text', (c) => c.notNull())
      .addColumn('party', 'text')
      .addColumn('actor_name', 'text', (c) => c.notNull())
      .addColumn('actor_role', 'text', (c) => c.notNull())
      .addColumn('detail', 'text', (c) => c.notNull().defaultTo('{}'))
      .execute();
    await db.schema.createIndex('case_events_case_idx').on('case_events').column('case_id').execute();
    await db.schema
      .createTable('case_party_members')
      .addColumn('staff_id', 'integer', (c) => c.notNull().references('staff.id'))
      .addColumn('party', 'text', (c) => c.notNull())
      .addColumn('added_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('case_party_members_pk', ['staff_id', 'party'])
      .execute();
  },
};
