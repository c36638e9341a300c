import type { Kysely } from 'kysely';
import type { Clock } from '../../../platform/time/clock.ts';
import { civilDateOf, type CivilDate } from '../../../platform/time/civil.ts';
import type { Tx } from '../../../platform/db/transaction.ts';
import { appendAudit, type Actor } from '../../../platform/audit/trail.ts';
import { enqueueMessage } from '../../../platform/notify/outbox.ts';
import { allow, reason, refuse, type Decision } from '../../../platform/law/decision.ts';
import { validateDocument } from '../../../platform/identity/documents.ts';
import type { AppointmentDb } from '../schema.ts';
import { art } from '../rules/citations.ts';
import { checkCancellation, checkCheckIn } from '../rules/booking.ts';
import { bookingCancelled } from '../templates.ts';
import { receipt, type BookingReceipt } from './book-ticket.ts';

const noBooking = refuse(reason('booking_not_found', '未找到该预约', 'No such booking', art.cancellation));

/**
 * Cancel (第二十五条). The ticket is released in the same transaction; after the 15:00 cutoff the
 * released ticket counts as a window ticket because pools are derived from the clock.
 * `penaltyFree` is for stops (第二十七条), which may cancel up to the visit.
 */
export async function cancelBooking(
  trx: Tx<AppointmentDb>,
  clock: Clock,
  actor: Actor,
  bookingId: number,
  byPersonId: number | null,
  penaltyFree = false,
): Promise<Decision<BookingReceipt>> {
  const k = trx as Kysely<AppointmentDb>;
  const b = await k.selectFrom('appt_bookings').selectAll().where('id', '=', bookingId).executeTakeFirst();
  if (!b || (byPersonId !== null && Number(b.person_id) !== byPersonId)) return noBooking;
  if (b.status !== 'booked' && b.status !== 'stop_pending') return refuse(reason('booking_not_active', '该预约已取消或已就诊', 'This booking is no longer active', art.cancellation));
  if (!penaltyFree && b.status === 'booked') {
    const timing = checkCancellation(clock.now(), b.visit_date as CivilDate);
    if (!timing.allowed) return timing;
  }
  await k.updateTable('appt_bookings').set({ status: 'cancelled', active: 0, cancelled_at: clock.now().toISOString() }).where('id', '=', bookingId).execute();
  await k.updateTable('appt_tickets').set({ booking_id: null }).where('id', '=', b.ticket_id).where('booking_id', '=', bookingId).execute();
  await appendAudit(k, clock, actor, { action: 'booking.cancel', entityType: 'appt_booking', entityId: bookingId, detail: { penaltyFree } });
  const r = await receipt(k, bookingId);
  const person = await k.selectFrom('persons').select(['phone', 'locale']).where('id', '=', b.person_id).executeTakeFirstOrThrow();
  await enqueueMessage(k, clock, { personId: Number(b.person_id), phone: b.booker_phone ?? person.phone, locale: person.locale }, bookingCancelled, {
    institution: r.institution,
    department: r.department,
    visitDate: r.visitDate,
    period: r.period,
  });
  return allow(r);
}

/** Check-in at the window or kiosk (第二十六条): the booked period, the same document. */
export async function checkInBooking(
  trx: Tx<AppointmentDb>,
  clock: Clock,
  actor: Actor,
  bookingId: number,
  presented: { docType: string; docNumber: string },
  institutionId: number | null,
): Promise<Decision<BookingReceipt>> {
  const k = trx as Kysely<AppointmentDb>;
  const b = await k.selectFrom('appt_bookings').selectAll().where('id', '=', bookingId).executeTakeFirst();
  if (!b || (institutionId !== null && Number(b.institution_id) !== institutionId)) return refuse(reason('booking_not_found', '未找到该预约', 'No such booking', art.checkIn));
  if (b.status !== 'booked') return refuse(reason('booking_not_active', '该预约已取消、已取号或已失效', 'This booking was cancelled, already checked in, or lapsed', art.checkIn));
  const doc = validateDocument(presented.docType, presented.docNumber, civilDateOf(clock.now()));
  const shown = doc.allowed ? { docType: doc.value.type, docNumber: doc.value.number } : presented;
  const check = checkCheckIn(clock.now(), { visitDate: b.visit_date as CivilDate, periodStart: b.period_start, periodEnd: b.period_end, docType: b.patient_doc_type, docNumber: b.patient_doc_number }, shown);
  if (!check.allowed) {
    await appendAudit(k, clock, actor, { action: 'booking.check_in_refused', entityType: 'appt_booking', entityId: bookingId, detail: { code: check.reasons[0]?.code } });
    return check;
  }
  await k.updateTable('appt_bookings').set({ status: 'checked_in', checked_in_at: clock.now().toISOString() }).where('id', '=', bookingId).where('status', '=', 'booked').execute();
  await appendAudit(k, clock, actor, { action: 'booking.check_in', entityType: 'appt_booking', entityId: bookingId });
  return allow(await receipt(k, bookingId));
}
