import type { Kysely } from 'kysely';
import type { Clock } from '../../../platform/time/clock.ts';
import { civilDateOf, civilTimeOf, instantAt, type CivilDate } from '../../../platform/time/civil.ts';
import type { Db } from '../../../platform/db/connect.ts';
import { inTransaction } from '../../../platform/db/transaction.ts';
import { appendAudit, systemActor } from '../../../platform/audit/trail.ts';
import { enqueueMessage } from '../../../platform/notify/outbox.ts';
import type { Person } from '../../../platform/identity/persons.ts';
import type { AppointmentDb } from '../schema.ts';
import { addMonths, listingAfterViolation } from '../rules/violations.ts';
import { violationListed } from '../templates.ts';

export async function activeBanEnd(k: Kysely<AppointmentDb>, personId: number, today: CivilDate): Promise<CivilDate | null> {
  const r = await k.selectFrom('appt_bans').select((e) => e.fn.max('ends_on').as('ends')).where('person_id', '=', personId).where('ends_on', '>', today).executeTakeFirst();
  return (r?.ends as CivilDate | null | undefined) ?? null;
}

/** Record a 第三十二条 violation; list the person when it is their third in 3 months (or a duplicate). */
export async function recordViolation(
  k: Kysely<AppointmentDb>,
  clock: Clock,
  person: Pick<Person, 'id' | 'phone' | 'locale'>,
  bookingId: number | null,
  kind: 'no_show' | 'duplicate',
  occurredOn: CivilDate,
): Promise<CivilDate | null> {
  await k.insertInto('appt_violations').values({ person_id: person.id, booking_id: bookingId, kind, occurred_on: occurredOn, created_at: clock.now().toISOString() }).execute();
  await appendAudit(k, clock, systemActor, { action: 'violation.record', entityType: 'person', entityId: person.id, detail: { kind, bookingId, occurredOn } });
  const already = await activeBanEnd(k, person.id, occurredOn);
  if (already) return already;
  const recent = await k
    .selectFrom('appt_violations')
    .select('occurred_on')
    .where('person_id', '=', person.id)
    .where('kind', '=', 'no_show')
    .where('occurred_on', '>', addMonths(occurredOn, -3))
    .execute();
  const endsOn = listingAfterViolation(recent.map((r) => r.occurred_on as CivilDate), occurredOn, kind);
  if (!endsOn) return null;
  await k.insertInto('appt_bans').values({ person_id: person.id, listed_on: occurredOn, ends_on: endsOn, reason: kind }).execute();
  await appendAudit(k, clock, systemActor, { action: 'violation.list', entityType: 'person', entityId: person.id, detail: { endsOn, kind } });
  await enqueueMessage(k, clock, { personId: person.id, phone: person.phone, locale: person.locale }, violationListed, { endsOn });
  return endsOn;
}

/**
 * 第三十二条: a booking not checked in by the end of its period, and not cancelled, is a violation.
 * A same-day registration at the window is not an appointment (预约) and the patient is already
 * there, so it is never a no-show. Safe to run repeatedly and from several processes: each booking
 * moves to no_show once.
 */
export async function sweepNoShows(db: Db<AppointmentDb>, clock: Clock, limit = 500): Promise<number> {
  const now = clock.now();
  const today = civilDateOf(now);
  // Only periods that have ended, so today's later bookings do not fill the batch.
  const due = await db.kysely
    .selectFrom('appt_bookings')
    .select(['id', 'person_id', 'visit_date', 'period_end'])
    .where('status', '=', 'booked')
    .where('channel', '<>', 'window')
    .where((e) => e.or([e('visit_date', '<', today), e.and([e('visit_date', '=', today), e('period_end', '<=', civilTimeOf(now))])]))
    .orderBy('id')
    .limit(limit)
    .execute();
  let count = 0;
  for (const b of due) {
    if (instantAt(b.visit_date as CivilDate, b.period_end).getTime() > now.getTime()) continue;
    const done = await inTransaction(db, async (trx) => {
      const k = trx as Kysely<AppointmentDb>;
      const moved = await k.updateTable('appt_bookings').set({ status: 'no_show' }).where('id', '=', b.id).where('status', '=', 'booked').executeTakeFirst();
      if (Number(moved.numUpdatedRows) !== 1) return false;
      const person = await k.selectFrom('persons').select(['id', 'phone', 'locale']).where('id', '=', b.person_id).executeTakeFirstOrThrow();
      await recordViolation(k, clock, { id: Number(person.id), phone: person.phone, locale: person.locale }, Number(b.id), 'no_show', b.visit_date as CivilDate);
      return true;
    });
    if (done) count++;
  }
  return count;
}
