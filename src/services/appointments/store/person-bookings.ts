import type { Kysely } from 'kysely';
import type { AppointmentDb } from '../schema.ts';

/**
 * A resident's own bookings, newest visit first, with the names a list shows (第九条: the title,
 * never the doctor). One query for the API (GET /api/appointments/me/bookings) and the page
 * (/appointments/mine), so the two never disagree.
 */
export function bookingsOfPerson(k: Kysely<AppointmentDb>, personId: number, limit: number) {
  return k
    .selectFrom('appt_bookings as b')
    .innerJoin('appt_sessions as se', 'se.id', 'b.session_id')
    .innerJoin('appt_institutions as i', 'i.id', 'b.institution_id')
    .innerJoin('organisations as o', 'o.id', 'i.organisation_id')
    .innerJoin('appt_departments as d', 'd.id', 'b.department_id')
    .select(['b.id', 'b.ticket_no', 'b.visit_date', 'b.period_start', 'b.period_end', 'b.status', 'b.channel', 'o.name as institution', 'd.name as department', 'se.title'])
    .where('b.person_id', '=', personId)
    .orderBy('b.visit_date', 'desc')
    .limit(limit)
    .execute();
}
