import type { Kysely } from 'kysely';
import type { Clock } from '../../../platform/time/clock.ts';
import type { CivilDate } from '../../../platform/time/civil.ts';
import type { AppointmentDb } from '../schema.ts';
import { bookingCutoff, type Pool } from '../rules/booking.ts';

export interface AvailabilityRow {
  readonly slotId: number;
  readonly visitDate: string;
  readonly period: string;
  /** Doctor title or resource name: never the doctor's name (第九条). */
  readonly title: string;
  readonly free: number;
}

interface FreeBySlot {
  readonly slotId: number;
  readonly visitDate: CivilDate;
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly title: string;
  /** A doctor's session (else a resource's: resourceId). */
  readonly doctorSession: boolean;
  readonly resourceId: number | null;
  /** Free tickets in the pool asked for, and in every pool. */
  readonly own: number;
  readonly all: number;
}

/** Free tickets of each published slot of one department and date range. */
export async function freeTicketsBySlot(
  k: Kysely<AppointmentDb>,
  q: { institutionId: number; departmentId: number; from: CivilDate; to: CivilDate; pool: Pool },
): Promise<FreeBySlot[]> {
  const rows = await k
    .selectFrom('appt_slots as sl')
    .innerJoin('appt_sessions as se', 'se.id', 'sl.session_id')
    .leftJoin('appt_tickets as t', (j) => j.onRef('t.slot_id', '=', 'sl.id').on('t.booking_id', 'is', null))
    .select(['sl.id', 'sl.visit_date', 'sl.period_start', 'sl.period_end', 'se.title', 'se.doctor_id', 'se.resource_id', (e) => e.fn.count<number>('t.id').filterWhere('t.pool', '=', q.pool).as('free'), (e) => e.fn.count<number>('t.id').as('freeAll')])
    .where('se.institution_id', '=', q.institutionId)
    .where('se.department_id', '=', q.departmentId)
    .where('se.status', '=', 'published')
    .where('sl.visit_date', '>=', q.from)
    .where('sl.visit_date', '<=', q.to)
    .groupBy(['sl.id', 'sl.visit_date', 'sl.period_start', 'sl.period_end', 'se.title', 'se.doctor_id', 'se.resource_id'])
    .orderBy('sl.visit_date')
    .orderBy('sl.period_start')
    .execute();
  return rows.map((r) => ({ slotId: Number(r.id), visitDate: r.visit_date as CivilDate, periodStart: r.period_start, periodEnd: r.period_end, title: r.title, doctorSession: r.doctor_id !== null, resourceId: r.resource_id === null ? null : Number(r.resource_id), own: Number(r.free), all: Number(r.freeAll) }));
}

/**
 * Free tickets by date, title and period for one department (第九条). After the 15:00 cutoff the
 * platform pools are empty and the window has every free ticket: they have gone to it (第十七条).
 */
export async function availability(
  k: Kysely<AppointmentDb>,
  clock: Clock,
  q: { institutionId: number; departmentId: number; from: CivilDate; to: CivilDate; pool: Pool },
): Promise<AvailabilityRow[]> {
  const now = clock.now().getTime();
  return (await freeTicketsBySlot(k, q)).map((r) => ({
    slotId: r.slotId,
    visitDate: r.visitDate,
    period: `${r.periodStart}–${r.periodEnd}`,
    title: r.title,
    free: now < bookingCutoff(r.visitDate).getTime() ? r.own : q.pool === 'window' ? r.all : 0,
  }));
}

/** Per title and period totals, as the public page shows them; slotIds lists the slots with free tickets. */
export function summariseByTitle(rows: readonly AvailabilityRow[]): { visitDate: string; title: string; period: string; free: number; slotIds: number[] }[] {
  const map = new Map<string, { visitDate: string; title: string; period: string; free: number; slotIds: number[] }>();
  for (const r of rows) {
    const key = `${r.visitDate}|${r.title}|${r.period}`;
    const e = map.get(key) ?? { visitDate: r.visitDate, title: r.title, period: r.period, free: 0, slotIds: [] };
    e.free += r.free;
    // Only slots that still have tickets: a "book" link must lead somewhere bookable.
    if (r.free > 0) e.slotIds.push(r.slotId);
    map.set(key, e);
  }
  return [...map.values()];
}
