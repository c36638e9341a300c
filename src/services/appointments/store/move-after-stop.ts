import type { Kysely } from 'kysely';
import type { Clock } from '../../../platform/time/clock.ts';
import { addDays, civilDateOf, instantAt, type CivilDate } from '../../../platform/time/civil.ts';
import type { Tx } from '../../../platform/db/transaction.ts';
import { appendAudit, type Actor } from '../../../platform/audit/trail.ts';
import { allow, reason, refuse, type Decision } from '../../../platform/law/decision.ts';
import type { AppointmentDb } from '../schema.ts';
import { art } from '../rules/citations.ts';
import { bookingCutoff, bookingHorizonDays, checkPatientLimits, poolForChannel, type Channel, type HeldBooking } from '../rules/booking.ts';
import { canSubstitute } from '../rules/stops.ts';
import { freeTicketsBySlot } from './availability.ts';
import { bookTicket, internalKeyPrefix, receipt, type BookingReceipt } from './book-ticket.ts';
import { followReplacedBooking, referralSlipOfBooking } from '../referrals/rebooked.ts';

/** A slot a stopped booking may move to: never the doctor's name (第九条). */
export interface MoveOption {
  readonly slotId: number;
  readonly visitDate: string;
  readonly period: string;
  readonly title: string;
  readonly free: number;
  /** Same day, same or higher title: the substitute of 第二十七条 (一). */
  readonly substitute: boolean;
}

interface StoppedBooking {
  id: number | string;
  doctor_id: number | string | null;
  resource_id: number | string | null;
  person_id: number | string;
  status: string;
  channel: string;
  visit_date: string;
  institution_id: number | string;
  department_id: number | string;
  title: string;
  patient_doc_type: string;
  patient_doc_number: string;
  patient_phone: string;
  booker_name: string | null;
  booker_phone: string | null;
  name: string;
}

const noBooking = refuse(reason('booking_not_found', '未找到该预约', 'No such booking', art.stops));
const notStopped = refuse(reason('booking_not_stopped', '只有因医师停诊待处理的预约可以改约', 'Only a booking whose session was stopped can be moved', art.stops));
const moveKey = (bookingId: number) => `${internalKeyPrefix}stop-move:${bookingId}`;

/** A doctor's visit moves to a doctor's session, an exam or surgery to the same resource. */
function sameKind(b: StoppedBooking, target: { doctorSession: boolean; resourceId: number | null }): boolean {
  return b.doctor_id !== null ? target.doctorSession : target.resourceId !== null && target.resourceId === Number(b.resource_id);
}

/** 第十七条 limits against what the person holds (the stopped booking itself is no longer active). */
async function holdings(k: Kysely<AppointmentDb>, personId: number, from: CivilDate, to: CivilDate): Promise<HeldBooking[]> {
  const rows = await k
    .selectFrom('appt_bookings')
    .select(['visit_date', 'institution_id', 'department_id'])
    .where('person_id', '=', personId)
    .where('active', '=', 1)
    .where('channel', '<>', 'window')
    .where('visit_date', '>=', from)
    .where('visit_date', '<=', to)
    .execute();
  return rows.map((r) => ({ visitDate: r.visit_date as CivilDate, institutionId: Number(r.institution_id), departmentId: Number(r.department_id) }));
}

async function stoppedBooking(k: Kysely<AppointmentDb>, bookingId: number, byPersonId: number | null): Promise<StoppedBooking | undefined> {
  const b = await k
    .selectFrom('appt_bookings as b')
    .innerJoin('appt_sessions as se', 'se.id', 'b.session_id')
    .innerJoin('persons as p', 'p.id', 'b.person_id')
    .select(['b.id', 'b.person_id', 'b.status', 'b.channel', 'b.visit_date', 'b.institution_id', 'b.department_id', 'se.title', 'se.doctor_id', 'se.resource_id', 'b.patient_doc_type', 'b.patient_doc_number', 'b.patient_phone', 'b.booker_name', 'b.booker_phone', 'p.name'])
    .where('b.id', '=', bookingId)
    .executeTakeFirst();
  return b && (byPersonId === null || Number(b.person_id) === byPersonId) ? b : undefined;
}

/**
 * Where a stopped booking can go (第二十七条): the same department, a substitute of the same or
 * higher title on the same day, or another time within the booking window. Free counts follow
 * the move's own rule: before the cutoff the booking's pool, after it every free ticket.
 */
export async function moveOptions(k: Kysely<AppointmentDb>, clock: Clock, bookingId: number, byPersonId: number | null): Promise<Decision<{ booking: BookingReceipt; options: MoveOption[] }>> {
  const b = await stoppedBooking(k, bookingId, byPersonId);
  if (!b) return noBooking;
  if (b.status !== 'stop_pending') return notStopped;
  const now = clock.now();
  const today = civilDateOf(now);
  const institutionId = Number(b.institution_id);
  const departmentId = Number(b.department_id);
  // A window registration is for its day only (第十七条); anything else within the booking window.
  const to = b.channel === 'window' ? today : addDays(today, bookingHorizonDays);
  const rows = await freeTicketsBySlot(k, { institutionId, departmentId, from: today, to, pool: poolForChannel(b.channel as Channel) });
  const held = b.channel === 'window' ? [] : await holdings(k, Number(b.person_id), addDays(today, -6), addDays(to, 6));
  const options = rows
    .filter((r) => now.getTime() < instantAt(r.visitDate, r.periodEnd).getTime())
    .filter((r) => sameKind(b, r))
    .filter((r) => r.visitDate !== b.visit_date || canSubstitute(b.title, r.title))
    // Never offer what would be refused: the patient should not learn of a limit by choosing.
    .filter((r) => checkPatientLimits(held, { visitDate: r.visitDate, institutionId, departmentId }).allowed)
    .map((r) => ({
      slotId: r.slotId,
      visitDate: r.visitDate,
      period: `${r.periodStart}–${r.periodEnd}`,
      title: r.title,
      free: now.getTime() < bookingCutoff(r.visitDate).getTime() ? r.own : r.all,
      substitute: r.visitDate === b.visit_date,
    }))
    .filter((o) => o.free > 0);
  return allow({ booking: await receipt(k, Number(b.id)), options });
}

/**
 * Move a stopped booking to a substitute or a new time (第二十七条), as one booking through the
 * same checks as any other (ticket claim, 第十七条 limits, ban), with the patient's data from the
 * stopped booking. The stopped booking ends as cancelled without penalty. A retry returns the
 * booking it already moved to.
 */
export async function moveAfterStop(trx: Tx<AppointmentDb>, clock: Clock, actor: Actor, bookingId: number, byPersonId: number | null, slotId: number): Promise<Decision<BookingReceipt>> {
  const k = trx as Kysely<AppointmentDb>;
  const b = await stoppedBooking(k, bookingId, byPersonId);
  if (!b) return noBooking;
  if (b.status === 'cancelled') {
    const moved = await k.selectFrom('appt_bookings').select('id').where('person_id', '=', Number(b.person_id)).where('idempotency_key', '=', moveKey(bookingId)).executeTakeFirst();
    if (moved) return allow({ ...(await receipt(k, Number(moved.id))), replayed: true });
  }
  if (b.status !== 'stop_pending') return notStopped;

  const target = await k
    .selectFrom('appt_slots as sl')
    .innerJoin('appt_sessions as se', 'se.id', 'sl.session_id')
    .select(['sl.visit_date', 'se.institution_id', 'se.department_id', 'se.title', 'se.doctor_id', 'se.resource_id'])
    .where('sl.id', '=', slotId)
    .executeTakeFirst();
  if (!target || Number(target.institution_id) !== Number(b.institution_id) || Number(target.department_id) !== Number(b.department_id)) {
    return refuse(reason('not_same_department', '只能改约到本机构同一科室（同一专业）', 'A stopped booking moves only within the same department of the same institution', art.stops));
  }
  if (!sameKind(b, { doctorSession: target.doctor_id !== null, resourceId: target.resource_id === null ? null : Number(target.resource_id) })) {
    return refuse(reason('not_same_service', '只能改约到同类号源：医师门诊改约医师门诊，检查或手术改约同一项目', 'A doctor visit moves to a doctor visit, an exam or surgery to the same one', art.stops));
  }
  if (target.visit_date === b.visit_date && !canSubstitute(b.title, target.title)) {
    return refuse(reason('substitute_title_too_low', '当日替诊须为同级或更高级别的医师', 'A same-day substitute must be of the same or a higher title', art.stops));
  }

  const booked = await bookTicket(trx, clock, actor, {
    slotId,
    channel: b.channel as Channel,
    patient: { docType: b.patient_doc_type, docNumber: b.patient_doc_number, name: b.name, phone: b.patient_phone },
    booker: b.booker_name && b.booker_phone ? { name: b.booker_name, phone: b.booker_phone } : undefined,
    idempotencyKey: moveKey(bookingId),
    afterStop: true,
    // A referral keeps its 预约转诊单 (第十八条): the new confirmation is the slip again.
    slip: await referralSlipOfBooking(k, bookingId),
  });
  if (!booked.allowed) return booked;
  await k.updateTable('appt_bookings').set({ status: 'cancelled', cancelled_at: clock.now().toISOString() }).where('id', '=', bookingId).where('status', '=', 'stop_pending').execute();
  await followReplacedBooking(k, bookingId, booked.value.bookingId);
  await appendAudit(k, clock, actor, { action: 'booking.move_after_stop', entityType: 'appt_booking', entityId: bookingId, detail: { to: booked.value.bookingId, slotId } });
  return booked;
}

