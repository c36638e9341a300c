import type { Kysely } from 'kysely';
import type { Clock } from '../../../platform/time/clock.ts';
import { addDays, civilDateOf, instantAt, type CivilDate } from '../../../platform/time/civil.ts';
import type { Tx } from '../../../platform/db/transaction.ts';
import { appendAudit, type Actor } from '../../../platform/audit/trail.ts';
import { enqueueMessage } from '../../../platform/notify/outbox.ts';
import { allow, reason, refuse, type Decision } from '../../../platform/law/decision.ts';
import { validateDocument } from '../../../platform/identity/documents.ts';
import { registerPerson, toPerson, type Person } from '../../../platform/identity/persons.ts';
import { isPostgres, runSql } from '../../../platform/db/prepared.ts';
import type { AppointmentDb } from '../schema.ts';
import { art } from '../rules/citations.ts';
import { checkBookingTime, checkPatientLimits, checkRequiredData, effectivePool, poolForChannel, type Channel, type Pool } from '../rules/booking.ts';
import { checkNotBanned, listedForDuplicate } from '../rules/violations.ts';
import { bookingConfirmed } from '../templates.ts';
import { referralBooked, type ReferralSlipExtra } from '../referrals/templates.ts';
import { mayOverride } from '../referrals/clinic-rules.ts';
import { recordViolation } from './violations.ts';

export interface BookingRequest {
  readonly slotId: number;
  readonly channel: Channel;
  readonly patient: { docType: string; docNumber: string; name: string; phone: string };
  /** 第十六条: when someone else books, their name and contact. */
  readonly booker?: { name: string; phone: string } | undefined;
  /** 第十六条: a signed-in resident booking; when the patient is someone else, the resident is the booker. */
  readonly bookerPersonId?: number | undefined;
  readonly idempotencyKey?: string | undefined;
  /** 第十八条 预约转诊单: a referral's confirmation is its slip (channel 'referral' only). */
  readonly slip?: ReferralSlipExtra | undefined;
  /** 第二十四条: a rule the treating doctor overrides, with the reason (channel 'clinic' only). */
  readonly override?: { code: string; reason: string } | undefined;
  /**
   * 第二十七条: moving a booking whose session was stopped (set by moveAfterStop only, never from a
   * client). The institution owes the patient the substitute or the new time, so the 15:00 cutoff
   * does not close it: until the slot ends it may take any free ticket, as they have gone to the window.
   */
  readonly afterStop?: true | undefined;
}

/** Idempotency keys the platform makes for itself; a client's key may not start so (routes/bookings.ts). */
export const internalKeyPrefix = 'yiwang:';

export interface BookingReceipt {
  readonly bookingId: number;
  readonly personId: number;
  readonly ticketNo: number;
  readonly visitDate: string;
  readonly period: string;
  readonly institution: string;
  readonly department: string;
  readonly title: string;
  readonly channel: string;
  readonly status: string;
  /** Cancel before this instant (第二十五条). */
  readonly cancelBefore: string;
  /** True when this answers a retry with the same Idempotency-Key. */
  readonly replayed: boolean;
}

interface PersonRow {
  id: number;
  doc_type: string;
  doc_number: string;
  name: string;
  phone: string;
  locale: string;
}

interface SlotRow {
  id: number;
  visit_date: string;
  period_start: string;
  period_end: string;
  session_id: number;
  status: string;
  institution_id: number;
  department_id: number;
  title: string;
  institution: string;
  department: string;
}

const slotSql = `select sl.id, sl.visit_date, sl.period_start, sl.period_end, se.id as session_id, se.status, se.institution_id, se.department_id, se.title, o.name as institution, d.name as department
  from appt_slots sl join appt_sessions se on se.id = sl.session_id join appt_institutions i on i.id = se.institution_id
  join organisations o on o.id = i.organisation_id join appt_departments d on d.id = se.department_id where sl.id = ?`;

const insertBooking = `insert into appt_bookings (ticket_id, slot_id, session_id, ticket_no, person_id, patient_doc_type, patient_doc_number, patient_phone, booker_name, booker_phone,
    channel, status, active, visit_date, period_start, period_end, institution_id, department_id, idempotency_key, created_by, created_at)
  values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'booked', 1, ?, ?, ?, ?, ?, ?, ?, ?) returning id`;

interface PersonHoldings {
  prior: number | string | null;
  ban_ends: string | null;
  visit_date: string | null;
  institution_id: number | string | null;
  department_id: number | string | null;
}

// One row per held platform booking within ±6 days of the visit (at least one row: the left join).
const holdingsSql = `select x.prior, x.ban_ends, h.visit_date, h.institution_id, h.department_id
  from (select (select id from appt_bookings where person_id = ? and idempotency_key = ?) as prior,
               (select max(ends_on) from appt_bans where person_id = ? and ends_on > ?) as ban_ends) x
  left join appt_bookings h on h.person_id = ? and h.active = 1 and h.channel <> 'window' and h.visit_date >= ? and h.visit_date <= ?`;

const slotOver = refuse(reason('booking_closed', '该时段已结束，请选择其他时段', 'This period is over; please choose another', art.stops));

const slotFull = (pool: Pool) =>
  refuse(
    reason('slot_full', pool === 'referral' ? '该时段的社区转诊预留号源已约满' : '该时段号源已约满，请选择其他时段', pool === 'referral' ? 'No referral-reserved tickets left in this slot' : 'This slot is fully booked; please choose another', art.ticketSupply),
  );

/**
 * Book one ticket for one patient, inside the caller's transaction. Every check that a race could
 * slip past is repeated here, against the database, under the transaction's isolation: the ticket
 * claim (a unique index makes a double claim impossible), the patient's daily and weekly limits
 * (SQLite's write lock; PostgreSQL's SERIALIZABLE predicate locks), and the ban.
 */
export async function bookTicket(trx: Tx<AppointmentDb>, clock: Clock, actor: Actor, req: BookingRequest): Promise<Decision<BookingReceipt>> {
  const k = trx as Kysely<AppointmentDb>;
  const now = clock.now();
  const today = civilDateOf(now);
  const doc = validateDocument(req.patient.docType, req.patient.docNumber, today);
  if (!doc.allowed) return doc;
  const data = checkRequiredData({ patientName: req.patient.name, patientPhone: req.patient.phone, bookerIsPatient: !req.booker, bookerName: req.booker?.name, bookerPhone: req.booker?.phone });
  if (!data.allowed) return data;

  // The hot path is written once as SQL (db/prepared.ts): Kysely's query building was a quarter of
  // a booking's CPU in the benchmark (issue 3). A registered resident (the common case) costs one
  // indexed read; registerPerson (which also refuses a different name, 第八条) only otherwise.
  const known = (await runSql<PersonRow>(k, 'select id, doc_type, doc_number, name, phone, locale from persons where doc_type = ? and doc_number = ?', [doc.value.type, doc.value.number])).rows[0];
  let person: Person;
  if (known && known.name === req.patient.name.trim()) person = toPerson(known);
  else {
    const registered = await registerPerson(k, clock, actor, doc.value, req.patient.name.trim(), req.patient.phone);
    if (!registered.allowed) return refuse(...registered.reasons.map((r) => ({ ...r, citation: art.realName })));
    person = registered.value;
  }
  // The slot with the names the receipt and the confirmation need (no receipt() join after the insert).
  const slot = (await runSql<SlotRow>(k, slotSql, [req.slotId])).rows[0];
  const visitDate = (slot?.visit_date ?? today) as CivilDate;
  // One read for what the person already has: an earlier booking with this Idempotency-Key, the
  // end of a ban (第三十二条) and the bookings that count towards 第十七条's limits. On PostgreSQL
  // each round trip is taken under the writer lock (transaction.ts), so three reads became one.
  const mine = (await runSql<PersonHoldings>(k, holdingsSql, [person.id, req.idempotencyKey ?? null, person.id, today, person.id, addDays(visitDate, -6), addDays(visitDate, 6)])).rows;
  const prior = mine[0]?.prior;
  if (prior !== null && prior !== undefined) return allow({ ...(await receipt(k, Number(prior))), replayed: true });

  // 第十六条: a signed-in resident booking for someone else is the booker, with the contact on record,
  // checked like a booker's details sent by the client.
  let booker = req.booker;
  if (req.bookerPersonId !== undefined && req.bookerPersonId !== person.id) {
    const me = (await runSql<{ name: string; phone: string }>(k, 'select name, phone from persons where id = ?', [req.bookerPersonId])).rows[0];
    if (!me) return refuse(reason('invalid_request', '预约人不存在', 'The booking resident does not exist', art.requiredData));
    booker = { name: me.name, phone: me.phone };
    const bookerData = checkRequiredData({ patientName: req.patient.name, patientPhone: req.patient.phone, bookerIsPatient: false, bookerName: booker.name, bookerPhone: booker.phone });
    if (!bookerData.allowed) return bookerData;
  }

  if (!slot || slot.status !== 'published') return refuse(reason('slot_not_found', '该时段不存在或已停诊', 'No such slot, or the session was stopped', art.ticketSupply));

  const timing = checkBookingTime(now, visitDate, slot.period_end, req.channel);
  let overridden: { code: string; reason: string } | null = null;
  let pastCutoff = false;
  if (!timing.allowed && req.afterStop && timing.reasons.every((r) => r.code === 'booking_closed')) {
    if (now.getTime() >= instantAt(visitDate, slot.period_end).getTime()) return slotOver;
    pastCutoff = true;
  } else if (!timing.allowed) {
    if (req.channel !== 'clinic' || !req.override) return timing;
    const o = mayOverride(timing.reasons, req.override, today, visitDate);
    if (!o.allowed) return o;
    overridden = o.value;
  }

  if (req.channel !== 'window') {
    const banned = checkNotBanned(today, (mine[0]?.ban_ends ?? null) as CivilDate | null);
    if (!banned.allowed) return banned;
    const held = mine.filter((h): h is PersonHoldings & { visit_date: string } => h.visit_date !== null);
    const limits = checkPatientLimits(
      held.map((h) => ({ visitDate: h.visit_date as CivilDate, institutionId: Number(h.institution_id), departmentId: Number(h.department_id) })),
      { visitDate, institutionId: Number(slot.institution_id), departmentId: Number(slot.department_id) },
    );
    if (!limits.allowed) {
      // 第三十二条: a duplicate booking (重复预约) lists the person like three no-shows; a move the
      // institution's stop forced on the patient (第二十七条) is not one.
      if (limits.reasons[0]?.code === 'department_daily_limit_exceeded' && !req.afterStop) {
        const listedUntil = await recordViolation(k, clock, person, null, 'duplicate', today);
        // Say so with the refusal: the person should not try "another time" that will also be refused.
        if (listedUntil) return refuse(...limits.reasons, listedForDuplicate(listedUntil));
      }
      return limits;
    }
  }

  // After the cutoff an overriding doctor takes a ticket that has gone to the window (第十七条, 第二十四条).
  const pools: Pool[] = req.channel === 'window' || overridden || pastCutoff ? ['window', 'appointment', 'referral'] : [poolForChannel(req.channel)];
  const candidates =
    pools.length === 1
      ? (await runSql<{ id: number | string; ticket_no: number | string; pool: string }>(k, 'select id, ticket_no, pool from appt_tickets where slot_id = ? and booking_id is null and pool = ? order by ticket_no limit 1', [slot.id, pools[0]])).rows
      : await k.selectFrom('appt_tickets').select(['id', 'ticket_no', 'pool']).where('slot_id', '=', slot.id).where('booking_id', 'is', null).where('pool', 'in', pools).orderBy('ticket_no').limit(50).execute();
  // The window may take a platform ticket only once the cutoff has returned it (第十七条).
  const ticket = candidates.find((t) => effectivePool(t.pool as Pool, now, visitDate) === pools[0]);
  if (!ticket) return slotFull(pools[0] ?? 'appointment');

  const row = [ticket.id, slot.id, slot.session_id, ticket.ticket_no, person.id, doc.value.type, doc.value.number, req.patient.phone, booker?.name ?? null, booker?.phone ?? null,
    req.channel, visitDate, slot.period_start, slot.period_end, slot.institution_id, slot.department_id, req.idempotencyKey ?? null, `${actor.kind}:${actor.id ?? ''}`, now.toISOString()];
  // The ticket is claimed only while free (and the unique indexes forbid a second active booking
  // of it): a lost race throws, and the unit's savepoint undoes the booking row.
  let bookingId: number;
  if (isPostgres(k)) {
    // One round trip for both writes (each is taken under the writer lock, transaction.ts).
    const claimed = (await runSql<{ id: number | string }>(k, `with b as (${insertBooking}) update appt_tickets set booking_id = (select id from b) where id = ? and booking_id is null returning booking_id as id`, [...row, ticket.id])).rows[0];
    if (!claimed) throw new Error('ticket was claimed concurrently');
    bookingId = Number(claimed.id);
  } else {
    const inserted = (await runSql<{ id: number | string }>(k, insertBooking, row)).rows[0];
    if (!inserted) throw new Error('booking insert returned no id');
    bookingId = Number(inserted.id);
    const claimed = await runSql(k, 'update appt_tickets set booking_id = ? where id = ? and booking_id is null', [bookingId, ticket.id]);
    if (Number(claimed.numAffectedRows) !== 1) throw new Error('ticket was claimed concurrently');
  }

  const r: BookingReceipt = {
    bookingId,
    personId: person.id,
    ticketNo: Number(ticket.ticket_no),
    visitDate,
    period: `${slot.period_start}–${slot.period_end}`,
    institution: slot.institution,
    department: slot.department,
    title: slot.title,
    channel: req.channel,
    status: 'booked',
    cancelBefore: `${visitDate}T00:00:00+08:00`,
    replayed: false,
  };
  await appendAudit(k, clock, actor, { action: 'booking.create', entityType: 'appt_booking', entityId: bookingId, detail: { slotId: slot.id, ticketNo: ticket.ticket_no, channel: req.channel, personId: person.id, ...(overridden ? { override: overridden } : {}) } });
  // 第十八条 confirmation; 第十九条 the institution sees the booking at once (same commit).
  const to = { personId: person.id, phone: booker?.phone ?? req.patient.phone, locale: person.locale };
  const confirmation = { institution: r.institution, department: r.department, title: r.title, visitDate: r.visitDate, period: r.period, ticketNo: r.ticketNo };
  if (req.channel === 'referral' && req.slip) await enqueueMessage(k, clock, to, referralBooked, { ...confirmation, ...req.slip });
  else await enqueueMessage(k, clock, to, bookingConfirmed, confirmation);
  return allow(r);
}

export async function receipt(k: Kysely<AppointmentDb>, bookingId: number): Promise<BookingReceipt> {
  const b = await k
    .selectFrom('appt_bookings as b')
    .innerJoin('appt_sessions as se', 'se.id', 'b.session_id')
    .innerJoin('appt_institutions as i', 'i.id', 'b.institution_id')
    .innerJoin('organisations as o', 'o.id', 'i.organisation_id')
    .innerJoin('appt_departments as d', 'd.id', 'b.department_id')
    .select(['b.id', 'b.person_id', 'b.ticket_no', 'b.visit_date', 'b.period_start', 'b.period_end', 'b.channel', 'b.status', 'o.name as institution', 'd.name as department', 'se.title'])
    .where('b.id', '=', bookingId)
    .executeTakeFirstOrThrow();
  return {
    bookingId: Number(b.id),
    personId: Number(b.person_id),
    ticketNo: Number(b.ticket_no),
    visitDate: b.visit_date,
    period: `${b.period_start}–${b.period_end}`,
    institution: b.institution,
    department: b.department,
    title: b.title,
    channel: b.channel,
    status: b.status,
    cancelBefore: `${b.visit_date}T00:00:00+08:00`,
    replayed: false,
  };
}
