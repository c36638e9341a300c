import { sql } from 'kysely';
import type { VersionedMigration } from '../../platform/db/migrate.ts';
import { withId } from '../../platform/db/columns.ts';

/**
 * Enrollment schema. The database keeps what must never break: one application per child per
 * year and stage, one draw per route and year, one number per child per draw (and each number
 * once), one placement per child. Needs the platform's cases tables (casesMigration) first.
 */
export const enrollmentSchemaMigration: VersionedMigration = {
  name: '0700_enrollment_schema',
  async up(db, engine) {
    await withId(db.schema.createTable('enrollment_schools'), engine)
      .addColumn('code', 'text', (c) => c.notNull().unique())
      .addColumn('name_zh', 'text', (c) => c.notNull())
      .addColumn('name_en', 'text', (c) => c.notNull())
      .addColumn('stage', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('zone', 'text', (c) => c.notNull())
      .execute();
    await withId(db.schema.createTable('enrollment_programs'), engine)
      .addColumn('year', 'integer', (c) => c.notNull())
      .addColumn('route', 'text', (c) => c.notNull())
      .addColumn('school_id', 'integer', (c) => c.notNull().references('enrollment_schools.id'))
      .addColumn('block', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('capacity', 'integer', (c) => c.notNull().check(sqlNonNegative('capacity')))
      .addUniqueConstraint('enrollment_programs_unique', ['year', 'route', 'school_id', 'block'])
      .execute();
    await withId(db.schema.createTable('enrollment_applications'), engine)
      .addColumn('ref', 'text', (c) => c.notNull().unique())
      .addColumn('year', 'integer', (c) => c.notNull())
      .addColumn('stage', 'text', (c) => c.notNull())
      .addColumn('guardian_person_id', 'integer', (c) => c.notNull().references('persons.id'))
      .addColumn('child_name', 'text', (c) => c.notNull())
      .addColumn('child_doc_type', 'text', (c) => c.notNull())
      .addColumn('child_doc_number', 'text', (c) => c.notNull())
      .addColumn('child_birth_date', 'text')
      .addColumn('facts', 'text', (c) => c.notNull())
      .addColumn('eligible', 'integer', (c) => c.notNull())
      .addColumn('eligibility', 'text', (c) => c.notNull())
      .addColumn('hukou', 'text')
      .addColumn('care_category', 'text')
      .addColumn('care_verified', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('zone', 'text', (c) => c.notNull())
      .addColumn('graduating_school_code', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('enrollment_applications_one_per_child', ['year', 'stage', 'child_doc_type', 'child_doc_number'])
      .execute();
    await db.schema.createIndex('enrollment_applications_guardian_idx').on('enrollment_applications').column('guardian_person_id').execute();
    await withId(db.schema.createTable('enrollment_choices'), engine)
      .addColumn('application_id', 'integer', (c) => c.notNull().references('enrollment_applications.id'))
      .addColumn('route', 'text', (c) => c.notNull())
      .addColumn('rank', 'integer', (c) => c.notNull())
      .addColumn('program_id', 'integer', (c) => c.notNull().references('enrollment_programs.id'))
      .addColumn('priority_class', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('enrollment_choices_rank_unique', ['application_id', 'route', 'rank'])
      .addUniqueConstraint('enrollment_choices_program_unique', ['application_id', 'program_id'])
      .execute();
    await withId(db.schema.createTable('enrollment_draws'), engine)
      .addColumn('year', 'integer', (c) => c.notNull())
      .addColumn('stage', 'text', (c) => c.notNull())
      .addColumn('route', 'text', (c) => c.notNull())
      .addColumn('label', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('roster_size', 'integer', (c) => c.notNull())
      .addColumn('roster_hash', 'text', (c) => c.notNull())
      .addColumn('commitment', 'text', (c) => c.notNull())
      .addColumn('public_source', 'text', (c) => c.notNull())
      .addColumn('public_value', 'text')
      .addColumn('secret', 'text')
      .addColumn('seed', 'text')
      .addColumn('result_hash', 'text')
      .addColumn('committed_at', 'text', (c) => c.notNull())
      .addColumn('committed_by', 'text', (c) => c.notNull())
      .addColumn('drawn_at', 'text')
      .addColumn('drawn_by', 'text')
      .addColumn('published_at', 'text')
      .addColumn('published_by', 'text')
      // One draw per route and year: a lottery is never drawn twice to get another result.
      .addUniqueConstraint('enrollment_draws_one_per_route', ['year', 'route'])
      .execute();
    await db.schema
      .createTable('enrollment_draw_entries')
      .addColumn('draw_id', 'integer', (c) => c.notNull().references('enrollment_draws.id'))
      .addColumn('application_id', 'integer', (c) => c.notNull().references('enrollment_applications.id'))
      .addColumn('ref', 'text', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('number', 'integer')
      // Exactly one number per child per draw, and each number once.
      .addPrimaryKeyConstraint('enrollment_draw_entries_pk', ['draw_id', 'application_id'])
      .addUniqueConstraint('enrollment_draw_entries_position', ['draw_id', 'position'])
      .addUniqueConstraint('enrollment_draw_entries_number', ['draw_id', 'number'])
      .execute();
    await withId(db.schema.createTable('enrollment_placements'), engine)
      .addColumn('application_id', 'integer', (c) => c.notNull().unique().references('enrollment_applications.id'))
      .addColumn('route', 'text', (c) => c.notNull())
      .addColumn('program_id', 'integer', (c) => c.notNull().references('enrollment_programs.id'))
      .addColumn('draw_id', 'integer', (c) => c.references('enrollment_draws.id'))
      .addColumn('choice_rank', 'integer')
      .addColumn('placed_at', 'text', (c) => c.notNull())
      .addColumn('placed_by', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('enrollment_placements_program_idx').on('enrollment_placements').column('program_id').execute();
    await db.schema
      .createTable('enrollment_rank_reports')
      .addColumn('draw_id', 'integer', (c) => c.notNull().references('enrollment_draws.id'))
      .addColumn('application_id', 'integer', (c) => c.notNull().references('enrollment_applications.id'))
      .addColumn('program_id', 'integer', (c) => c.notNull().references('enrollment_programs.id'))
      .addColumn('choice_rank', 'integer', (c) => c.notNull())
      .addColumn('priority_class', 'integer', (c) => c.notNull())
      .addColumn('rank', 'integer', (c) => c.notNull())
      .addColumn('applicants', 'integer', (c) => c.notNull())
      .addColumn('admitted', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('enrollment_rank_reports_pk', ['draw_id', 'application_id', 'program_id'])
      .execute();
    await withId(db.schema.createTable('enrollment_non_local'), engine)
      .addColumn('case_id', 'integer', (c) => c.notNull().unique().references('cases.id'))
      .addColumn('ref', 'text', (c) => c.notNull().unique())
      .addColumn('year', 'integer', (c) => c.notNull())
      .addColumn('guardian_person_id', 'integer', (c) => c.notNull().references('persons.id'))
      .addColumn('child_name', 'text', (c) => c.notNull())
      .addColumn('child_doc_type', 'text', (c) => c.notNull())
      .addColumn('child_doc_number', 'text', (c) => c.notNull())
      .addColumn('street_code', 'text', (c) => c.notNull())
      .addColumn('facts', 'text', (c) => c.notNull())
      .addColumn('letter_no', 'text', (c) => c.unique())
      .addColumn('letter_issued_at', 'text')
      .execute();
    await db.schema.createIndex('enrollment_non_local_child_idx').on('enrollment_non_local').columns(['year', 'child_doc_type', 'child_doc_number']).execute();
  },
};

function sqlNonNegative(column: string) {
  return sql`${sql.ref(column)} >= 0`;
}

export const enrollmentMigrations: readonly VersionedMigration[] = [enrollmentSchemaMigration];
