import { CompiledQuery, type Kysely } from 'kysely';
import { createHash } from 'node:crypto';
import { hashAuditRow } from '../../src/platform/audit/trail.ts';
import { renderTemplate } from '../../src/platform/notify/templates.ts';
import type { Clock } from '../../src/platform/time/clock.ts';
import { addDays, civilDateOf, type CivilDate } from '../../src/platform/time/civil.ts';
import type { Tx } from '../../src/platform/db/transaction.ts';
import { appendAudit, type Actor } from '../../src/platform/audit/trail.ts';
import { enqueueMessage } from '../../src/platform/notify/outbox.ts';
import { allow, reason, refuse, type Decision } from '../../src/platform/law/decision.ts';
import { validateDocument } from '../../src/platform/identity/documents.ts';
import { registerPerson, toPerson, type Person } from '../../src/platform/identity/persons.ts';
import type { AppointmentDb } from '../../src/services/appointments/schema.ts';
import { art } from '../../src/services/appointments/rules/citations.ts';
import { checkBookingTime, checkPatientLimits, checkRequiredData, effectivePool, poolForChannel, type Channel, type Pool } from '../../src/services/appointments/rules/booking.ts';
import { checkNotBanned } from '../../src/services/appointments/rules/violations.ts';
import { bookingConfirmed } from '../../src/services/appointments/templates.ts';
import { activeBanEnd, recordViolation } from '../../src/services/appointments/store/violations.ts';

export interface BookingRequest {
  readonly slotId: number;
  readonly channel: Channel;
  readonly patient: { docType: string; docNumber: string; name: string; phone: string };
  /** 第十六条: when someone else books, their name and contact. */
  readonly booker?: { name: string; phone: string } | undefined;
  readonly idempotencyKey?: string | undefined;
}

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

// Precompiled statements: SQL text written once, executed with fresh parameters (no query building).
async function q<R>(k: Kysely<AppointmentDb>, text: string, params: readonly unknown[]): Promise<{ rows: R[]; numAffectedRows?: bigint; insertId?: bigint }> {
  return k.executeQuery<R>(CompiledQuery.raw(text, params as unknown[]));
}
void createHash;

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

  // Registered residents (the common case) cost one indexed read; registerPerson only for a first booking.
  const known = (await q<{ id: number; doc_type: string; doc_number: string; name: string; phone: string; locale: string }>(k, 'select id, doc_type, doc_number, name, phone, locale from persons where doc_type = ? and doc_number = ?', [doc.value.type, doc.value.number])).rows[0];
  let person: Person;
  if (known && known.name === req.patient.name.trim()) person = toPerson(known);
  else {
    const registered = await registerPerson(k, clock, actor, doc.value, req.patient.name.trim(), req.patient.phone);
    if (!registered.allowed) return refuse(...registered.reasons.map((r) => ({ ...r, citation: art.realName })));
    person = registered.value;
  }

  if (req.idempotencyKey) {
    const prior = (await q<{ id: number }>(k, 'select id from appt_bookings where person_id = ? and idempotency_key = ?', [person.id, req.idempotencyKey])).rows[0];
    if (prior) return allow({ ...(await receipt(k, Number(prior.id))), replayed: true });
  }

  const slot = (
    await q<{ id: number; visit_date: string; period_start: string; period_end: string; session_id: number; status: string; institution_id: number; department_id: number; title: string; institution: string; department: string }>(
      k,
      'select sl.id, sl.visit_date, sl.period_start, sl.period_end, se.id as session_id, se.status, se.institution_id, se.department_id, se.title, o.name as institution, d.name as department from appt_slots sl join appt_sessions se on se.id = sl.session_id join appt_institutions i on i.id = se.institution_id join organisations o on o.id = i.organisation_id join appt_departments d on d.id = se.department_id where sl.id = ?',
      [req.slotId],
    )
  ).rows[0];
  if (!slot || slot.status !== 'published') return refuse(reason('slot_not_found', '该时段不存在或已停诊', 'No such slot, or the session was stopped', art.ticketSupply));
  const visitDate = slot.visit_date as CivilDate;

  const timing = checkBookingTime(now, visitDate, slot.period_end, req.channel);
  if (!timing.allowed) return timing;

  if (req.channel !== 'window') {
    const banRow = (await q<{ ends: string | null }>(k, 'select max(ends_on) as ends from appt_bans where person_id = ? and ends_on > ?', [person.id, today])).rows[0];
    const banned = checkNotBanned(today, (banRow?.ends as CivilDate | null | undefined) ?? null);
    if (!banned.allowed) return banned;
    const held = (
      await q<{ visit_date: string; institution_id: number; department_id: number }>(
        k,
        "select visit_date, institution_id, department_id from appt_bookings where person_id = ? and active = 1 and channel <> 'window' and visit_date >= ? and visit_date <= ?",
        [person.id, addDays(visitDate, -6), addDays(visitDate, 6)],
      )
    ).rows;
    const limits = checkPatientLimits(
      held.map((h) => ({ visitDate: h.visit_date as CivilDate, institutionId: Number(h.institution_id), departmentId: Number(h.department_id) })),
      { visitDate, institutionId: Number(slot.institution_id), departmentId: Number(slot.department_id) },
    );
    if (!limits.allowed) {
      // 第三十二条: a duplicate booking (重复预约) lists the person like three no-shows.
      if (limits.reasons[0]?.code === 'department_daily_limit_exceeded') await recordViolation(k, clock, person, null, 'duplicate', today);
      return limits;
    }
  }

  const pools: Pool[] = req.channel === 'window' ? ['window', 'appointment', 'referral'] : [poolForChannel(req.channel)];
  const candidates =
    pools.length === 1
      ? (await q<{ id: number; ticket_no: number; pool: string }>(k, 'select id, ticket_no, pool from appt_tickets where slot_id = ? and booking_id is null and pool = ? order by ticket_no limit 1', [slot.id, pools[0]])).rows
      : await k.selectFrom('appt_tickets').select(['id', 'ticket_no', 'pool']).where('slot_id', '=', slot.id).where('booking_id', 'is', null).where('pool', 'in', pools).orderBy('ticket_no').limit(50).execute();
  // The window may take a platform ticket only once the cutoff has returned it (第十七条).
  const ticket = candidates.find((t) => effectivePool(t.pool as Pool, now, visitDate) === pools[0]);
  if (!ticket) return slotFull(pools[0] ?? 'appointment');

  const createdAt = now.toISOString();
  const inserted = (
    await q<{ id: number }>(
      k,
      'insert into appt_bookings (ticket_id, slot_id, session_id, ticket_no, person_id, patient_doc_type, patient_doc_number, patient_phone, booker_name, booker_phone, channel, status, active, visit_date, period_start, period_end, institution_id, department_id, idempotency_key, created_by, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id',
      [ticket.id, slot.id, slot.session_id, ticket.ticket_no, person.id, doc.value.type, doc.value.number, req.patient.phone, req.booker?.name ?? null, req.booker?.phone ?? null, req.channel, 'booked', 1, visitDate, slot.period_start, slot.period_end, slot.institution_id, slot.department_id, req.idempotencyKey ?? null, `${actor.kind}:${actor.id ?? ''}`, createdAt],
    )
  ).rows[0]!;
  const bookingId = Number(inserted.id);
  const claimed = await q(k, 'update appt_tickets set booking_id = ? where id = ? and booking_id is null', [bookingId, ticket.id]);
  if (Number(claimed.numAffectedRows) !== 1) throw new Error('ticket was claimed concurrently');

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
  const head = (await q<{ seq: number; hash: string }>(k, 'select seq, hash from audit_head where id = 1', [])).rows[0]!;
  const fields = {
    seq: Number(head.seq) + 1,
    at: createdAt,
    actor_kind: actor.kind,
    actor_id: actor.id,
    actor_name: actor.name,
    actor_role: actor.role,
    action: 'booking.create',
    entity_type: 'appt_booking',
    entity_id: String(bookingId),
    purpose: null,
    grant_ref: null,
    source_ip: actor.ip ?? null,
    detail: JSON.stringify({ slotId: slot.id, ticketNo: ticket.ticket_no, channel: req.channel, personId: person.id }),
    prev_hash: head.hash,
  };
  const hash = hashAuditRow(fields);
  await q(k, 'insert into audit_log (seq, at, actor_kind, actor_id, actor_name, actor_role, action, entity_type, entity_id, purpose, grant_ref, source_ip, detail, prev_hash, hash) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', [fields.seq, fields.at, fields.actor_kind, fields.actor_id, fields.actor_name, fields.actor_role, fields.action, fields.entity_type, fields.entity_id, fields.purpose, fields.grant_ref, fields.source_ip, fields.detail, fields.prev_hash, hash]);
  const moved = await q(k, 'update audit_head set seq = ?, hash = ? where id = 1 and seq = ?', [fields.seq, hash, head.seq]);
  if (Number(moved.numAffectedRows) !== 1) throw new Error('audit head moved during append');
  const params = { institution: r.institution, department: r.department, title: r.title, visitDate: r.visitDate, period: r.period, ticketNo: r.ticketNo };
  const locale = person.locale === 'en' ? 'en' : 'zh-CN';
  await q(k, "insert into outbox (created_at, person_id, phone, channel, template, params, locale, body, status, attempts, next_attempt_at) values (?, ?, ?, 'sms', ?, ?, ?, ?, 'pending', 0, ?)", [createdAt, person.id, req.booker?.phone ?? req.patient.phone, bookingConfirmed.name, JSON.stringify(params), locale, renderTemplate(bookingConfirmed, locale, params), createdAt]);
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
