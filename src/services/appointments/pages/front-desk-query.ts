import type { Kysely } from 'kysely';
import type { Clock } from '../../../platform/time/clock.ts';
import { civilDateOf, instantAt, type CivilDate } from '../../../platform/time/civil.ts';
import type { AppointmentDb } from '../schema.ts';
import { effectivePool, type Pool } from '../rules/booking.ts';

type K = Kysely<AppointmentDb>;

export interface DeskBooking {
  readonly bookingId: number;
  readonly ticketNo: number;
  readonly period: string;
  readonly periodStart: string;
  readonly status: string;
  readonly channel: string;
  readonly department: string;
  readonly title: string;
  readonly patient: string;
  readonly docType: string;
  readonly docNumber: string;
}

/** Today's bookings at one institution, for the window list and the document look-up (第十九条). */
export async function bookingsToday(k: K, institutionId: number, today: CivilDate, doc?: { docType: string; docNumber: string }): Promise<DeskBooking[]> {
  let q = k
    .selectFrom('appt_bookings as b')
    .innerJoin('persons as p', 'p.id', 'b.person_id')
    .innerJoin('appt_departments as d', 'd.id', 'b.department_id')
    .innerJoin('appt_sessions as se', 'se.id', 'b.session_id')
    .select(['b.id', 'b.ticket_no', 'b.period_start', 'b.period_end', 'b.status', 'b.channel', 'd.name as department', 'se.title', 'p.name', 'b.patient_doc_type', 'b.patient_doc_number'])
    .where('b.institution_id', '=', institutionId)
    .where('b.visit_date', '=', today);
  if (doc) q = q.where('b.patient_doc_type', '=', doc.docType).where('b.patient_doc_number', '=', doc.docNumber);
  const rows = await q.orderBy('b.period_start').orderBy('b.ticket_no').limit(500).execute();
  return rows.map((r) => ({
    bookingId: Number(r.id),
    ticketNo: Number(r.ticket_no),
    period: `${r.period_start}–${r.period_end}`,
    periodStart: r.period_start,
    status: r.status,
    channel: r.channel,
    department: r.department,
    title: r.title,
    patient: r.name,
    docType: r.patient_doc_type,
    docNumber: r.patient_doc_number,
  }));
}

export interface WindowSlot {
  readonly slotId: number;
  readonly departmentId: number;
  readonly department: string;
  readonly title: string;
  readonly period: string;
  readonly free: number;
}

/**
 * Today's slots at one institution that have not ended, with the tickets the window may give out:
 * the window pool plus every platform ticket the 15:00 cutoff returned (第十条 (三), 第十七条). The
 * pool each ticket counts in comes from the booking rules' effectivePool, as bookTicket uses it.
 */
export async function windowSlotsToday(k: K, clock: Clock, institutionId: number, departmentId?: number): Promise<WindowSlot[]> {
  const now = clock.now();
  const today = civilDateOf(now);
  let q = k
    .selectFrom('appt_slots as sl')
    .innerJoin('appt_sessions as se', 'se.id', 'sl.session_id')
    .innerJoin('appt_departments as d', 'd.id', 'se.department_id')
    .leftJoin('appt_tickets as t', (j) => j.onRef('t.slot_id', '=', 'sl.id').on('t.booking_id', 'is', null))
    .select(['sl.id', 'sl.period_start', 'sl.period_end', 'se.department_id', 'd.name as department', 'se.title', 't.pool', (e) => e.fn.count<number>('t.id').as('n')])
    .where('se.institution_id', '=', institutionId)
    .where('se.status', '=', 'published')
    .where('sl.visit_date', '=', today);
  if (departmentId !== undefined) q = q.where('se.department_id', '=', departmentId);
  const rows = await q.groupBy(['sl.id', 'sl.period_start', 'sl.period_end', 'se.department_id', 'd.name', 'se.title', 't.pool']).orderBy('sl.period_start').orderBy('sl.id').execute();
  const bySlot = new Map<number, WindowSlot & { free: number }>();
  for (const r of rows) {
    if (instantAt(today, r.period_end).getTime() <= now.getTime()) continue;
    const id = Number(r.id);
    const e = bySlot.get(id) ?? { slotId: id, departmentId: Number(r.department_id), department: r.department, title: r.title, period: `${r.period_start}–${r.period_end}`, free: 0 };
    if (r.pool !== null && effectivePool(r.pool as Pool, now, today) === 'window') e.free += Number(r.n);
    bySlot.set(id, e);
  }
  return [...bySlot.values()];
}

/** The institution a slot belongs to: window staff may only give out their own tickets. */
export async function institutionOfSlot(k: K, slotId: number): Promise<number | null> {
  const r = await k.selectFrom('appt_slots as sl').innerJoin('appt_sessions as se', 'se.id', 'sl.session_id').select('se.institution_id').where('sl.id', '=', slotId).executeTakeFirst();
  return r ? Number(r.institution_id) : null;
}
