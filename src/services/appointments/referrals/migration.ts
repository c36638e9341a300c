import { sql } from 'kysely';
import type { VersionedMigration } from '../../../platform/db/migrate.ts';
import { withId } from '../../../platform/db/columns.ts';
import { registerRaceConstraint } from '../../../platform/db/transaction.ts';
import { initialCriteria } from './criteria.ts';

for (const c of ['appt_referrals_booking', 'appt_referrals_one_hand_back', 'appt_clinic_bookings_booking', 'appt_referral_handlers_staff']) registerRaceConstraint(c);

/** 0102: community referrals up and down, in-clinic bookings, and the doctor ↔ staff link. */
export const referralsMigration: VersionedMigration = {
  name: '0102_appointments_referrals',
  async up(db, engine) {
    // 第二十四条: which registered doctor a signed-in treating doctor is.
    await db.schema.alterTable('appt_doctors').addColumn('staff_id', 'integer', (c) => c.references('staff.id')).execute();
    await sql`create unique index appt_doctors_staff on appt_doctors (staff_id) where staff_id is not null`.execute(db);

    await withId(db.schema.createTable('appt_community_stations'), engine)
      .addColumn('station_organisation_id', 'integer', (c) => c.notNull().unique().references('organisations.id'))
      .addColumn('centre_organisation_id', 'integer', (c) => c.notNull().references('organisations.id'))
      .execute();

    await withId(db.schema.createTable('appt_referral_criteria'), engine)
      .addColumn('code', 'text', (c) => c.notNull().unique())
      .addColumn('name_zh', 'text', (c) => c.notNull())
      .addColumn('name_en', 'text', (c) => c.notNull())
      .addColumn('chronic_category', 'text')
      .addColumn('criteria', 'text', (c) => c.notNull())
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addCheckConstraint('appt_referral_criteria_active', sql`active in (0, 1)`)
      .execute();
    // The four chronic diseases of 第二十一条 (三) and a general criterion; operators change them.
    await db.insertInto('appt_referral_criteria').values(initialCriteria.map((c) => ({ ...c, active: 1, updated_at: '2019-01-01T00:00:00.000Z', updated_by: 'migration' }))).execute();

    await withId(db.schema.createTable('appt_referral_handlers'), engine)
      .addColumn('institution_id', 'integer', (c) => c.notNull().references('appt_institutions.id'))
      .addColumn('staff_id', 'integer', (c) => c.notNull().references('staff.id'))
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('named_by', 'text', (c) => c.notNull())
      .addColumn('named_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('appt_referral_handlers_staff').on('appt_referral_handlers').columns(['institution_id', 'staff_id']).unique().execute();

    await withId(db.schema.createTable('appt_referrals'), engine)
      .addColumn('direction', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('person_id', 'integer', (c) => c.notNull().references('persons.id'))
      .addColumn('from_organisation_id', 'integer', (c) => c.notNull().references('organisations.id'))
      .addColumn('responsible_centre_id', 'integer', (c) => c.references('organisations.id'))
      .addColumn('requester_staff_id', 'integer', (c) => c.notNull().references('staff.id'))
      .addColumn('to_organisation_id', 'integer', (c) => c.notNull().references('organisations.id'))
      .addColumn('to_institution_id', 'integer', (c) => c.references('appt_institutions.id'))
      .addColumn('to_department_id', 'integer', (c) => c.references('appt_departments.id'))
      .addColumn('booking_id', 'integer', (c) => c.references('appt_bookings.id'))
      .addColumn('based_on_referral_id', 'integer', (c) => c.references('appt_referrals.id'))
      .addColumn('criterion_code', 'text')
      .addColumn('chronic_category', 'text')
      .addColumn('chronic_focus', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('disease_info', 'text', (c) => c.notNull())
      .addColumn('record_basics', 'text')
      .addColumn('contract', 'text')
      .addColumn('visit_date', 'text')
      .addColumn('within_three_days', 'integer')
      .addColumn('exception_reason', 'text')
      .addColumn('earlier_available', 'integer')
      .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('handler_staff_id', 'integer', (c) => c.references('staff.id'))
      .addColumn('accepted_at', 'text')
      .addColumn('arrived_at', 'text')
      .addColumn('diagnosis', 'text')
      .addColumn('treatment', 'text')
      .addColumn('plan', 'text')
      .addColumn('acknowledged_at', 'text')
      .addColumn('acknowledged_by', 'text')
      .addColumn('delivered_at', 'text')
      .addColumn('delivery_attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('delivery_error', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addCheckConstraint('appt_referrals_direction', sql`direction in ('up', 'down')`)
      // 第二十条: a referral booked later than 3 days carries its reason.
      .addCheckConstraint('appt_referrals_exception', sql`within_three_days is null or within_three_days = 1 or exception_reason is not null`)
      .execute();
    // One referral per booking; one hand-back per upward referral, even for a double submit.
    await sql`create unique index appt_referrals_booking on appt_referrals (booking_id) where booking_id is not null`.execute(db);
    await sql`create unique index appt_referrals_one_hand_back on appt_referrals (based_on_referral_id) where direction = 'down'`.execute(db);
    await db.schema.createIndex('appt_referrals_to').on('appt_referrals').columns(['to_organisation_id', 'status']).execute();
    await db.schema.createIndex('appt_referrals_from').on('appt_referrals').columns(['from_organisation_id', 'created_at']).execute();
    await db.schema.createIndex('appt_referrals_created').on('appt_referrals').columns(['created_at']).execute();

    await withId(db.schema.createTable('appt_clinic_bookings'), engine)
      .addColumn('booking_id', 'integer', (c) => c.notNull().references('appt_bookings.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('treating_staff_id', 'integer', (c) => c.notNull().references('staff.id'))
      .addColumn('treating_doctor_id', 'integer', (c) => c.notNull().references('appt_doctors.id'))
      .addColumn('override_code', 'text')
      .addColumn('override_reason', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addCheckConstraint('appt_clinic_bookings_kind', sql`kind in ('follow_up', 'senior', 'other_department', 'consultation')`)
      // An override is never silent: it carries its reason (第二十四条, audited as well).
      .addCheckConstraint('appt_clinic_bookings_override', sql`override_code is null or (override_reason is not null and length(override_reason) > 0)`)
      .execute();
    await db.schema.createIndex('appt_clinic_bookings_booking').on('appt_clinic_bookings').column('booking_id').unique().execute();
  },
};
