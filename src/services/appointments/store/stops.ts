import type { Kysely } from 'kysely';
import type { Clock } from '../../../platform/time/clock.ts';
import { civilDateOf, type CivilDate } from '../../../platform/time/civil.ts';
import type { Tx } from '../../../platform/db/transaction.ts';
import { appendAudit, type Actor } from '../../../platform/audit/trail.ts';
import { enqueueMessage } from '../../../platform/notify/outbox.ts';
import { allow, reason, refuse, type Decision } from '../../../platform/law/decision.ts';
import { maskName } from '../../../platform/identity/masking.ts';
import type { AppointmentDb } from '../schema.ts';
import { art } from '../rules/citations.ts';
import { canSubstitute, classifyStop } from '../rules/stops.ts';
import { sessionStopped } from '../templates.ts';

export interface SubstituteOffer {
  readonly sessionId: number;
  readonly title: string;
  readonly freeTickets: number;
}

/** Same-department sessions that day, same or higher title, with free appointment tickets. */
export async function substitutesFor(k: Kysely<AppointmentDb>, sessionId: number): Promise<SubstituteOffer[]> {
  const s = await k.selectFrom('appt_sessions').selectAll().where('id', '=', sessionId).executeTakeFirstOrThrow();
  const rows = await k
    .selectFrom('appt_sessions as se')
    .innerJoin('appt_slots as sl', 'sl.session_id', 'se.id')
    .innerJoin('appt_tickets as t', 't.slot_id', 'sl.id')
    .select(['se.id', 'se.title', (e) => e.fn.count<number>('t.id').as('free')])
    .where('se.department_id', '=', s.department_id)
    .where('se.visit_date', '=', s.visit_date)
    .where('se.status', '=', 'published')
    .where('se.id', '<>', sessionId)
    .where('t.pool', '=', 'appointment')
    .where('t.booking_id', 'is', null)
    .groupBy(['se.id', 'se.title'])
    .execute();
  return rows.filter((r) => canSubstitute(s.title, r.title)).map((r) => ({ sessionId: Number(r.id), title: r.title, freeTickets: Number(r.free) }));
}

export interface StopPreview {
  readonly special: boolean;
  readonly affected: readonly { bookingId: number; patient: string; period: string }[];
  readonly substitutes: readonly SubstituteOffer[];
}

export async function previewStop(k: Kysely<AppointmentDb>, clock: Clock, sessionId: number, stopReason?: string): Promise<Decision<StopPreview>> {
  const s = await k.selectFrom('appt_sessions').selectAll().where('id', '=', sessionId).executeTakeFirst();
  if (!s || s.status !== 'published') return refuse(reason('session_not_found', '未找到该出诊安排', 'No such session', art.stops));
  const kind = classifyStop(civilDateOf(clock.now()), s.visit_date as CivilDate, stopReason ?? 'preview');
  if (!kind.allowed) return kind;
  const special = classifyStop(civilDateOf(clock.now()), s.visit_date as CivilDate, 'x');
  const affected = await k
    .selectFrom('appt_bookings as b')
    .innerJoin('persons as p', 'p.id', 'b.person_id')
    .select(['b.id', 'p.name', 'b.period_start', 'b.period_end'])
    .where('b.session_id', '=', sessionId)
    .where('b.status', '=', 'booked')
    .orderBy('b.period_start')
    .execute();
  return allow({
    special: special.allowed ? special.value.special : false,
    affected: affected.map((a) => ({ bookingId: Number(a.id), patient: maskName(a.name), period: `${a.period_start}–${a.period_end}` })),
    substitutes: await substitutesFor(k, sessionId),
  });
}

/**
 * Stop a session (第二十七条): every affected patient is told by SMS and offered a substitute of the
 * same or higher title, a new time, or cancellation without penalty. Their tickets are released and
 * the bookings wait in 'stop_pending' (never counted as no-shows).
 */
export async function stopSession(trx: Tx<AppointmentDb>, clock: Clock, actor: Actor, sessionId: number, stopReason: string | undefined): Promise<Decision<{ special: boolean; notified: number }>> {
  const k = trx as Kysely<AppointmentDb>;
  const s = await k
    .selectFrom('appt_sessions as se')
    .innerJoin('appt_institutions as i', 'i.id', 'se.institution_id')
    .innerJoin('organisations as o', 'o.id', 'i.organisation_id')
    .innerJoin('appt_departments as d', 'd.id', 'se.department_id')
    .select(['se.id', 'se.status', 'se.visit_date', 'se.title', 'o.name as institution', 'd.name as department'])
    .where('se.id', '=', sessionId)
    .executeTakeFirst();
  if (!s || s.status !== 'published') return refuse(reason('session_not_found', '未找到该出诊安排', 'No such session', art.stops));
  const kind = classifyStop(civilDateOf(clock.now()), s.visit_date as CivilDate, stopReason);
  if (!kind.allowed) return kind;
  const substitutes = await substitutesFor(k, sessionId);
  await k.updateTable('appt_sessions').set({ status: 'stopped', stopped_at: clock.now().toISOString(), stop_reason: stopReason ?? null, special_stop: kind.value.special ? 1 : 0 }).where('id', '=', sessionId).execute();
  const affected = await k
    .selectFrom('appt_bookings as b')
    .innerJoin('persons as p', 'p.id', 'b.person_id')
    .select(['b.id', 'b.ticket_id', 'b.person_id', 'b.booker_phone', 'b.period_start', 'b.period_end', 'p.phone', 'p.locale'])
    .where('b.session_id', '=', sessionId)
    .where('b.status', '=', 'booked')
    .execute();
  for (const b of affected) {
    await k.updateTable('appt_bookings').set({ status: 'stop_pending', active: 0 }).where('id', '=', b.id).execute();
    await k.updateTable('appt_tickets').set({ booking_id: null }).where('id', '=', b.ticket_id).execute();
    await enqueueMessage(k, clock, { personId: Number(b.person_id), phone: b.booker_phone ?? b.phone, locale: b.locale }, sessionStopped, {
      institution: s.institution,
      department: s.department,
      visitDate: s.visit_date,
      period: `${b.period_start}–${b.period_end}`,
      substitute: substitutes[0]?.title ?? null,
      special: kind.value.special,
    });
  }
  await appendAudit(k, clock, actor, { action: kind.value.special ? 'session.special_stop' : 'session.stop', entityType: 'appt_session', entityId: sessionId, detail: { reason: stopReason ?? null, affected: affected.length } });
  return allow({ special: kind.value.special, notified: affected.length });
}
