import { sql } from 'kysely';
import type { VersionedMigration } from '../../platform/db/migrate.ts';
import { withId } from '../../platform/db/columns.ts';
import { registerRaceConstraint } from '../../platform/db/transaction.ts';
import { referralsMigration } from './referrals/migration.ts';

for (const c of ['appt_bookings_ticket_active', 'appt_tickets_booking', 'appt_bookings_dept_day', 'appt_bookings_idempotency']) registerRaceConstraint(c);

export const appointmentMigrations: readonly VersionedMigration[] = [
  {
    name: '0100_appointments_registry',
    async up(db, engine) {
      await withId(db.schema.createTable('appt_institutions'), engine)
        .addColumn('organisation_id', 'integer', (c) => c.notNull().unique().references('organisations.id'))
        .addColumn('level', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('website', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('introduction', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('directions', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('slot_minutes', 'integer')
        .addColumn('referral_share_pct', 'integer', (c) => c.notNull().defaultTo(10))
        .addCheckConstraint('appt_institutions_referral_share', sql`referral_share_pct between 0 and 100`)
        .execute();
      await withId(db.schema.createTable('appt_departments'), engine)
        .addColumn('institution_id', 'integer', (c) => c.notNull().references('appt_institutions.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('introduction', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('category', 'text', (c) => c.notNull())
        .addColumn('base_department', 'text', (c) => c.notNull())
        .addColumn('code', 'text', (c) => c.notNull())
        .addUniqueConstraint('appt_departments_code', ['institution_id', 'code'])
        .execute();
      await withId(db.schema.createTable('appt_doctors'), engine)
        .addColumn('institution_id', 'integer', (c) => c.notNull().references('appt_institutions.id'))
        .addColumn('department_id', 'integer', (c) => c.notNull().references('appt_departments.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('staff_number', 'text', (c) => c.notNull())
        .addColumn('licence_number', 'text', (c) => c.notNull())
        .addColumn('phone', 'text', (c) => c.notNull())
        .addColumn('specialty', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('introduction', 'text', (c) => c.notNull().defaultTo(''))
        .addUniqueConstraint('appt_doctors_staff_number', ['institution_id', 'staff_number'])
        .execute();
      await withId(db.schema.createTable('appt_resources'), engine)
        .addColumn('institution_id', 'integer', (c) => c.notNull().references('appt_institutions.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('items', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('fee_cents', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('indications', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('quantity', 'integer', (c) => c.notNull().defaultTo(0))
        .addUniqueConstraint('appt_resources_code', ['institution_id', 'code'])
        .execute();
    },
  },
  {
    name: '0101_appointments_schedule_and_bookings',
    async up(db, engine) {
      await withId(db.schema.createTable('appt_sessions'), engine)
        .addColumn('institution_id', 'integer', (c) => c.notNull().references('appt_institutions.id'))
        .addColumn('department_id', 'integer', (c) => c.notNull().references('appt_departments.id'))
        .addColumn('doctor_id', 'integer', (c) => c.references('appt_doctors.id'))
        .addColumn('resource_id', 'integer', (c) => c.references('appt_resources.id'))
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('visit_date', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('published_at', 'text', (c) => c.notNull())
        .addColumn('stopped_at', 'text')
        .addColumn('stop_reason', 'text')
        .addColumn('special_stop', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex('appt_sessions_lookup').on('appt_sessions').columns(['institution_id', 'department_id', 'visit_date']).execute();
      await withId(db.schema.createTable('appt_slots'), engine)
        .addColumn('session_id', 'integer', (c) => c.notNull().references('appt_sessions.id'))
        .addColumn('visit_date', 'text', (c) => c.notNull())
        .addColumn('period_start', 'text', (c) => c.notNull())
        .addColumn('period_end', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('appt_slots_session').on('appt_slots').column('session_id').execute();
      await withId(db.schema.createTable('appt_tickets'), engine)
        .addColumn('slot_id', 'integer', (c) => c.notNull().references('appt_slots.id'))
        .addColumn('ticket_no', 'integer', (c) => c.notNull())
        .addColumn('pool', 'text', (c) => c.notNull())
        .addColumn('booking_id', 'integer')
        .addUniqueConstraint('appt_tickets_number', ['slot_id', 'ticket_no'])
        .addCheckConstraint('appt_tickets_pool', sql`pool in ('referral', 'appointment', 'window')`)
        .execute();
      // A ticket holds at most one booking, and a booking at most one ticket: no ticket given twice.
      await db.schema.createIndex('appt_tickets_booking').on('appt_tickets').column('booking_id').unique().execute();
      await db.schema.createIndex('appt_tickets_free').on('appt_tickets').columns(['slot_id', 'pool', 'booking_id', 'ticket_no']).execute();
      await withId(db.schema.createTable('appt_bookings'), engine)
        .addColumn('ticket_id', 'integer', (c) => c.notNull().references('appt_tickets.id'))
        .addColumn('slot_id', 'integer', (c) => c.notNull().references('appt_slots.id'))
        .addColumn('session_id', 'integer', (c) => c.notNull().references('appt_sessions.id'))
        .addColumn('ticket_no', 'integer', (c) => c.notNull())
        .addColumn('person_id', 'integer', (c) => c.notNull().references('persons.id'))
        .addColumn('patient_doc_type', 'text', (c) => c.notNull())
        .addColumn('patient_doc_number', 'text', (c) => c.notNull())
        .addColumn('patient_phone', 'text', (c) => c.notNull())
        .addColumn('booker_name', 'text')
        .addColumn('booker_phone', 'text')
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('active', 'integer', (c) => c.notNull())
        .addColumn('visit_date', 'text', (c) => c.notNull())
        .addColumn('period_start', 'text', (c) => c.notNull())
        .addColumn('period_end', 'text', (c) => c.notNull())
        .addColumn('institution_id', 'integer', (c) => c.notNull())
        .addColumn('department_id', 'integer', (c) => c.notNull())
        .addColumn('idempotency_key', 'text')
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('cancelled_at', 'text')
        .addColumn('checked_in_at', 'text')
        .addCheckConstraint('appt_bookings_active', sql`active in (0, 1)`)
        .execute();
      // Database-enforced invariants: one active booking per ticket; one active booking per
      // patient, institution, department and day (第十七条 (一)); one booking per idempotency key.
      await sql`create unique index appt_bookings_ticket_active on appt_bookings (ticket_id) where active = 1`.execute(db);
      await sql`create unique index appt_bookings_dept_day on appt_bookings (person_id, visit_date, institution_id, department_id) where active = 1 and channel <> 'window'`.execute(db);
      await sql`create unique index appt_bookings_idempotency on appt_bookings (person_id, idempotency_key) where idempotency_key is not null`.execute(db);
      await db.schema.createIndex('appt_bookings_person').on('appt_bookings').columns(['person_id', 'visit_date']).execute();
      await db.schema.createIndex('appt_bookings_slot').on('appt_bookings').columns(['slot_id', 'status']).execute();
      await withId(db.schema.createTable('appt_violations'), engine)
        .addColumn('person_id', 'integer', (c) => c.notNull().references('persons.id'))
        .addColumn('booking_id', 'integer')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('occurred_on', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      // A missed booking is one violation, however often the sweep runs.
      await sql`create unique index appt_violations_booking on appt_violations (booking_id) where booking_id is not null`.execute(db);
      await withId(db.schema.createTable('appt_bans'), engine)
        .addColumn('person_id', 'integer', (c) => c.notNull().references('persons.id'))
        .addColumn('listed_on', 'text', (c) => c.notNull())
        .addColumn('ends_on', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('appt_bans_person').on('appt_bans').columns(['person_id', 'ends_on']).execute();
    },
  },
  referralsMigration,
  {
    // 第三十二条: every 重复预约 records a violation and then reads the person's recent no-shows;
    // without an index that read scanned the whole table (0.1–0.9 ms per call once a few thousand
    // violations existed, booking benchmark, issue 3).
    // Kysely applies by name and refuses a new name sorting before one already applied (here
    // 0400_health_records, 0700_enrollment_schema): later appointment migrations go after those.
    name: '0800_appointments_violations_person',
    async up(db) {
      await db.schema.createIndex('appt_violations_person').on('appt_violations').columns(['person_id', 'kind', 'occurred_on']).execute();
    },
  },
  {
    // A resident's bookings for family members are found by who made them (第十六条: the booker), not by a name and phone anyone could share.
    name: '0810_appointments_bookings_created_by',
    async up(db) {
      await db.schema.createIndex('appt_bookings_created_by').on('appt_bookings').columns(['created_by', 'visit_date']).execute();
    },
  },
  {
    // 第十二条 (五): a day surgery's expert team, introduction, conditions and precautions.
    name: '0820_appointments_resource_details',
    async up(db) {
      for (const column of ['expert_team', 'introduction', 'conditions', 'precautions']) {
        await db.schema.alterTable('appt_resources').addColumn(column, 'text', (c) => c.notNull().defaultTo('')).execute();
      }
    },
  },
];
