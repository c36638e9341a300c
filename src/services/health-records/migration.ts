import { sql } from 'kysely';
import type { VersionedMigration } from '../../platform/db/migrate.ts';
import { withId } from '../../platform/db/columns.ts';

const healthRecordsSchema: VersionedMigration = {
  name: '0400_health_records',
  async up(db, engine) {
    await db.schema
      .createTable('hr_institutions')
      .addColumn('organisation_id', 'integer', (c) => c.primaryKey().references('organisations.id'))
      .addColumn('integrated', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
      .addColumn('successor_id', 'integer', (c) => c.references('organisations.id'))
      .addColumn('integrated_at', 'text')
      .addColumn('closed_at', 'text')
      .execute();
    await db.schema
      .createTable('hr_staff_duties')
      .addColumn('staff_id', 'integer', (c) => c.notNull().references('staff.id'))
      .addColumn('duty', 'text', (c) => c.notNull())
      .addColumn('assigned_at', 'text', (c) => c.notNull())
      .addColumn('assigned_by', 'integer')
      .addPrimaryKeyConstraint('hr_staff_duties_pk', ['staff_id', 'duty'])
      .execute();
    await db.schema
      .createTable('hr_operator_agreements')
      .addColumn('staff_id', 'integer', (c) => c.primaryKey().references('staff.id'))
      .addColumn('contractor', 'text', (c) => c.notNull())
      .addColumn('agreement_ref', 'text', (c) => c.notNull())
      .addColumn('scopes', 'text', (c) => c.notNull())
      .addColumn('valid_from', 'text', (c) => c.notNull())
      .addColumn('valid_until', 'text', (c) => c.notNull())
      .addColumn('recorded_at', 'text', (c) => c.notNull())
      .execute();
    await withId(db.schema.createTable('hr_patient_links'), engine)
      .addColumn('organisation_id', 'integer', (c) => c.notNull().references('organisations.id'))
      .addColumn('local_patient_id', 'text', (c) => c.notNull())
      .addColumn('person_id', 'integer', (c) => c.notNull().references('persons.id'))
      .addColumn('custodian_organisation_id', 'integer', (c) => c.notNull().references('organisations.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      // 西卫〔2019〕4号 第八条: one local id names one person, even under concurrent uploads.
      .addUniqueConstraint('hr_patient_links_local_unique', ['organisation_id', 'local_patient_id'])
      .execute();
    await db.schema.createIndex('hr_patient_links_person').on('hr_patient_links').column('person_id').execute();
    await db.schema
      .createTable('hr_person_basics')
      .addColumn('person_id', 'integer', (c) => c.primaryKey().references('persons.id'))
      .addColumn('sex', 'text')
      .addColumn('birth_date', 'text')
      .addColumn('ethnicity', 'text')
      .addColumn('address', 'text')
      .addColumn('contact_phone', 'text')
      .addColumn('sources', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await withId(db.schema.createTable('hr_person_merges'), engine)
      .addColumn('survivor_id', 'integer', (c) => c.notNull().references('persons.id'))
      .addColumn('merged_id', 'integer', (c) => c.notNull().references('persons.id'))
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('merged_at', 'text', (c) => c.notNull())
      .addColumn('merged_by', 'integer', (c) => c.notNull())
      .addColumn('undone_at', 'text')
      .addColumn('undone_by', 'integer')
      .addColumn('undo_reason', 'text')
      .addCheckConstraint('hr_person_merges_distinct', sql`survivor_id <> merged_id`)
      .execute();
    // A person is merged into at most one survivor at a time: two operators merging the same
    // duplicate concurrently end with one merge.
    await db.schema.createIndex('hr_person_merges_active').on('hr_person_merges').column('merged_id').unique().where(sql.ref('undone_at'), 'is', null).execute();
    await withId(db.schema.createTable('hr_uploads'), engine)
      .addColumn('organisation_id', 'integer', (c) => c.notNull().references('organisations.id'))
      .addColumn('staff_id', 'integer', (c) => c.notNull().references('staff.id'))
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addColumn('format', 'text', (c) => c.notNull())
      .addColumn('items', 'integer', (c) => c.notNull())
      .addColumn('created', 'integer', (c) => c.notNull())
      .addColumn('updated', 'integer', (c) => c.notNull())
      .addColumn('unchanged', 'integer', (c) => c.notNull())
      .execute();
    await withId(db.schema.createTable('hr_basic_conflicts'), engine)
      .addColumn('person_id', 'integer', (c) => c.notNull().references('persons.id'))
      .addColumn('field', 'text', (c) => c.notNull())
      .addColumn('current_value', 'text')
      .addColumn('proposed_value', 'text')
      .addColumn('source_organisation_id', 'integer')
      .addColumn('upload_id', 'integer', (c) => c.references('hr_uploads.id'))
      .addColumn('merge_id', 'integer', (c) => c.references('hr_person_merges.id'))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('resolved_at', 'text')
      .addColumn('resolved_by', 'integer')
      .execute();
    await db.schema.createIndex('hr_basic_conflicts_person').on('hr_basic_conflicts').columns(['person_id', 'status']).execute();
    await withId(db.schema.createTable('hr_documents'), engine)
      .addColumn('person_id', 'integer', (c) => c.notNull().references('persons.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('source_organisation_id', 'integer', (c) => c.notNull().references('organisations.id'))
      .addColumn('custodian_organisation_id', 'integer', (c) => c.notNull().references('organisations.id'))
      .addColumn('source_document_id', 'text', (c) => c.notNull())
      .addColumn('link_id', 'integer', (c) => c.notNull().references('hr_patient_links.id'))
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('content_hash', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('occurred_on', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      // 第九条/第十条: the same document uploaded twice is one record (idempotent upload).
      .addUniqueConstraint('hr_documents_source_unique', ['source_organisation_id', 'kind', 'source_document_id'])
      .execute();
    await db.schema.createIndex('hr_documents_person').on('hr_documents').columns(['person_id', 'kind']).execute();
    await withId(db.schema.createTable('hr_document_versions'), engine)
      .addColumn('document_id', 'integer', (c) => c.notNull().references('hr_documents.id'))
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('content_hash', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('upload_id', 'integer', (c) => c.notNull().references('hr_uploads.id'))
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('hr_document_versions_unique', ['document_id', 'version'])
      .execute();
    await withId(db.schema.createTable('hr_grants'), engine)
      .addColumn('ref', 'text', (c) => c.notNull().unique())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('grantee_organisation_id', 'integer', (c) => c.notNull().references('organisations.id'))
      .addColumn('data_items', 'text', (c) => c.notNull())
      .addColumn('purposes', 'text', (c) => c.notNull())
      .addColumn('purpose_text', 'text', (c) => c.notNull())
      .addColumn('legal_basis', 'text', (c) => c.notNull())
      .addColumn('application_text', 'text', (c) => c.notNull())
      .addColumn('valid_from', 'text', (c) => c.notNull())
      .addColumn('valid_until', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('submitted_by', 'integer')
      .addColumn('submitted_at', 'text', (c) => c.notNull())
      .addColumn('business_approved_by', 'integer')
      .addColumn('business_approved_at', 'text')
      .addColumn('information_approved_by', 'integer')
      .addColumn('information_approved_at', 'text')
      .addColumn('activated_by', 'integer')
      .addColumn('activated_at', 'text')
      .addColumn('closed_by', 'integer')
      .addColumn('closed_at', 'text')
      .addColumn('close_reason', 'text')
      .addColumn('transferred_from_organisation_id', 'integer')
      .execute();
    await db.schema.createIndex('hr_grants_grantee').on('hr_grants').columns(['grantee_organisation_id', 'status']).execute();
    await withId(db.schema.createTable('hr_handovers'), engine)
      .addColumn('from_organisation_id', 'integer', (c) => c.notNull().references('organisations.id'))
      .addColumn('to_organisation_id', 'integer', (c) => c.notNull().references('organisations.id'))
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('report', 'text', (c) => c.notNull())
      .addColumn('handed_over_at', 'text', (c) => c.notNull())
      .addColumn('handed_over_by', 'integer', (c) => c.notNull())
      .execute();
  },
};

/** The health-record centre's schema, applied after the platform's. */
export const healthRecordsMigrations: readonly VersionedMigration[] = [healthRecordsSchema];
