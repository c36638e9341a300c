import type { Kysely } from 'kysely';
import type { Clock } from '../../../platform/time/clock.ts';
import { addDays, civilDateOf, type CivilDate } from '../../../platform/time/civil.ts';
import type { Tx } from '../../../platform/db/transaction.ts';
import { appendAudit, type Actor } from '../../../platform/audit/trail.ts';
import { allow, reason, refuse, type Decision } from '../../../platform/law/decision.ts';
import type { AppointmentDb } from '../schema.ts';
import { bookingHorizonDays, checkBookingTime } from '../rules/booking.ts';
import { bookTicket, type BookingReceipt, type BookingRequest } from '../store/book-ticket.ts';
import { referralArt } from './citations.ts';
import { checkClinicTarget, type ClinicKind, type TreatingDoctor } from './clinic-rules.ts';

type K = Kysely<AppointmentDb>;

export const notARegisteredDoctor = () =>
  reason('not_a_registered_doctor', '您的账号未关联本院注册医师，不能办理诊间预约', 'Your account is not linked to a registered doctor of this institution, so you cannot book from the clinic', referralArt.clinicBooking);

/** The registered doctor (第十二条 (三)) behind a signed-in treating doctor (第二十四条). */
export async function treatingDoctor(k: K, staffId: number, organisationId: number | null): Promise<TreatingDoctor | undefined> {
  if (organisationId === null) return undefined;
  const d = await k
    .selectFrom('appt_doctors as d')
    .innerJoin('appt_institutions as i', 'i.id', 'd.institution_id')
    .select(['d.id', 'd.institution_id', 'd.department_id', 'd.title'])
    .where('d.staff_id', '=', staffId)
    .where('i.organisation_id', '=', organisationId)
    .executeTakeFirst();
  return d ? { doctorId: Number(d.id), institutionId: Number(d.institution_id), departmentId: Number(d.department_id), title: d.title } : undefined;
}

export interface ClinicOption {
  readonly slotId: number;
  readonly visitDate: string;
  readonly period: string;
  readonly department: string;
  readonly departmentId: number;
  readonly title: string;
  readonly free: number;
  /** 第十七条 cutoff has passed for this day: booking it is an override with a recorded reason. */
  readonly needsOverride: boolean;
}

/**
 * Slots the treating doctor may book for this kind (第二十四条), next 14 days. Before the cutoff the
 * free platform-appointment tickets count; after it (tomorrow, after 15:00) every free ticket has gone
 * to the window and only an override may take one.
 */
export async function clinicOptions(k: K, clock: Clock, me: TreatingDoctor, kind: ClinicKind, departmentId?: number): Promise<ClinicOption[]> {
  const now = clock.now();
  const today = civilDateOf(now);
  let q = k
    .selectFrom('appt_slots as sl')
    .innerJoin('appt_sessions as se', 'se.id', 'sl.session_id')
    .innerJoin('appt_departments as d', 'd.id', 'se.department_id')
    .innerJoin('appt_tickets as t', (j) => j.onRef('t.slot_id', '=', 'sl.id').on('t.booking_id', 'is', null))
    .select([
      'sl.id', 'sl.visit_date', 'sl.period_start', 'sl.period_end', 'se.doctor_id', 'se.department_id', 'se.institution_id', 'se.title', 'd.name as department',
      (e) => e.fn.sum<number>(e.case().when('t.pool', '=', 'appointment').then(1).else(0).end()).as('appointment_free'),
      (e) => e.fn.count<number>('t.id').as('any_free'),
    ])
    .where('se.institution_id', '=', me.institutionId)
    .where('se.status', '=', 'published')
    .where('se.doctor_id', 'is not', null)
    .where('sl.visit_date', '>=', addDays(today, 1))
    .where('sl.visit_date', '<=', addDays(today, bookingHorizonDays));
  if (kind === 'follow_up') q = q.where('se.doctor_id', '=', me.doctorId);
  if (kind === 'senior') q = q.where('se.department_id', '=', me.departmentId);
  if (departmentId !== undefined) q = q.where('se.department_id', '=', departmentId);
  const rows = await q
    .groupBy(['sl.id', 'sl.visit_date', 'sl.period_start', 'sl.period_end', 'se.doctor_id', 'se.department_id', 'se.institution_id', 'se.title', 'd.name'])
    .orderBy('sl.visit_date')
    .orderBy('sl.period_start')
    .limit(2000)
    .execute();
  const out: ClinicOption[] = [];
  for (const r of rows) {
    const target = { doctorId: r.doctor_id === null ? null : Number(r.doctor_id), institutionId: Number(r.institution_id), departmentId: Number(r.department_id), title: r.title };
    if (!checkClinicTarget(kind, me, target).allowed) continue;
    const closed = !checkBookingTime(now, r.visit_date as CivilDate, r.period_end, 'clinic').allowed;
    const free = closed ? Number(r.any_free) : Number(r.appointment_free);
    if (free <= 0) continue;
    out.push({ slotId: Number(r.id), visitDate: r.visit_date, period: `${r.period_start}–${r.period_end}`, department: r.department, departmentId: Number(r.department_id), title: r.title, free, needsOverride: closed });
  }
  return out;
}

export interface ClinicBookingRequest {
  readonly kind: ClinicKind;
  readonly slotId: number;
  readonly patient: BookingRequest['patient'];
  readonly overrideReason?: string | undefined;
  readonly idempotencyKey?: string | undefined;
}

export interface ClinicReceipt extends BookingReceipt {
  readonly kind: ClinicKind;
  readonly override: { code: string; reason: string } | null;
}

/**
 * 第二十四条: the treating doctor books for the patient. The same per-patient rules apply (bookTicket,
 * channel 'clinic', 第十七条); the one rule a doctor may override, the 15:00 cutoff, needs a reason,
 * which is kept with the booking and in the audit trail.
 */
export async function bookInClinic(trx: Tx<AppointmentDb>, clock: Clock, actor: Actor, staffId: number, me: TreatingDoctor, req: ClinicBookingRequest): Promise<Decision<ClinicReceipt>> {
  const k = trx as K;
  const s = await k
    .selectFrom('appt_slots as sl')
    .innerJoin('appt_sessions as se', 'se.id', 'sl.session_id')
    .select(['se.doctor_id', 'se.institution_id', 'se.department_id', 'se.title', 'sl.visit_date', 'sl.period_end'])
    .where('sl.id', '=', req.slotId)
    .executeTakeFirst();
  if (!s) return refuse(reason('slot_not_found', '该时段不存在或已停诊', 'No such slot, or the session was stopped', referralArt.clinicBooking));
  const target = checkClinicTarget(req.kind, me, { doctorId: s.doctor_id === null ? null : Number(s.doctor_id), institutionId: Number(s.institution_id), departmentId: Number(s.department_id), title: s.title });
  if (!target.allowed) return target;
  const timing = checkBookingTime(clock.now(), s.visit_date as CivilDate, s.period_end, 'clinic');
  const overriding = !timing.allowed && req.overrideReason !== undefined ? { code: timing.reasons[0]?.code ?? '', reason: req.overrideReason } : undefined;
  const booked = await bookTicket(trx, clock, actor, { slotId: req.slotId, channel: 'clinic', patient: req.patient, idempotencyKey: req.idempotencyKey, override: overriding });
  if (!booked.allowed) return booked;
  if (booked.value.replayed) {
    const prior = await k.selectFrom('appt_clinic_bookings').select(['kind', 'override_code', 'override_reason']).where('booking_id', '=', booked.value.bookingId).executeTakeFirst();
    return allow({ ...booked.value, kind: (prior?.kind as ClinicKind | undefined) ?? req.kind, override: prior?.override_code ? { code: prior.override_code, reason: prior.override_reason ?? '' } : null });
  }
  const override = overriding ? { code: overriding.code, reason: overriding.reason.trim() } : null;
  await k
    .insertInto('appt_clinic_bookings')
    .values({ booking_id: booked.value.bookingId, kind: req.kind, treating_staff_id: staffId, treating_doctor_id: me.doctorId, override_code: override?.code ?? null, override_reason: override?.reason ?? null, created_at: clock.now().toISOString() })
    .execute();
  await appendAudit(k, clock, actor, { action: override ? 'booking.clinic_override' : 'booking.clinic', entityType: 'appt_booking', entityId: booked.value.bookingId, detail: { kind: req.kind, treatingDoctorId: me.doctorId, ...(override ? { override } : {}) } });
  return allow({ ...booked.value, kind: req.kind, override });
}
